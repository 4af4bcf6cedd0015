// flame.js - the interaction of pprof-stat --flamegraph's SVG (HACKING.md
// section 13), inlined into it by stat-flame.c: details on hover, zoom on
// click (ancestors dimmed, "Reset zoom"), search by regular expression
// (the "Search" control, Ctrl-F, or ?s=REGEX in the URL) with the share
// of the total in matching stacks. The SVG reads without it: every frame
// has its <title>.
//
// The frames come parents first, children by name from the left, each
// right after the one before it (frames left out leave their space at the
// right of their parent), so a frame's place follows from the values of
// the frames: the tree is rebuilt from the order and the depths (from the
// rows), and zooming places frames from their values, not from rounded
// pixels.
(function () {
	'use strict';
	var svg = document.documentElement;
	var total = Number(svg.getAttribute('data-total'));
	var row = Number(svg.getAttribute('data-row'));
	var pad = Number(svg.getAttribute('data-pad'));
	var inverted = svg.getAttribute('data-inverted') === '1';
	var drawWidth = Number(svg.getAttribute('width')) - 2 * pad;
	var CHAR_W = 6.6; // the advance of a character (11 px monospace)
	var frames = document.getElementById('frames');
	var details = document.getElementById('details');
	var matched = document.getElementById('matched');
	var resetZoom = document.getElementById('reset-zoom');
	var els = Array.prototype.slice.call(frames.children).filter(function (g) {
		return g.classList.contains('frame');
	});
	var n = els.length;
	var names = new Array(n), rects = new Array(n), texts = new Array(n);
	var value = new Float64Array(n), start = new Float64Array(n), next = new Float64Array(n);
	var parent = new Int32Array(n), end = new Int32Array(n), depth = new Int32Array(n);
	var zoomed = 0, searched = null;

	// The tree: depth from the row, parent from the frames before.
	(function build() {
		var path = [], open = [], i, y0 = 0;
		for (i = 0; i < n; i++) {
			var g = els[i], d, y;
			g.pprofIndex = i;
			names[i] = g.getAttribute('data-name');
			value[i] = Number(g.getAttribute('data-value'));
			rects[i] = g.children[1];
			texts[i] = g.children[2];
			y = Number(rects[i].getAttribute('y'));
			if (i === 0)
				y0 = y;
			d = Math.round((inverted ? y - y0 : y0 - y) / row);
			depth[i] = d;
			path.length = d;
			parent[i] = d > 0 ? path[d - 1] : -1;
			path[d] = i;
			if (d > 0) {
				start[i] = next[parent[i]];
				next[parent[i]] += value[i];
			}
			next[i] = start[i];
			while (open.length && depth[open[open.length - 1]] >= d)
				end[open.pop()] = i;
			open.push(i);
		}
		while (open.length)
			end[open.pop()] = n;
	})();

	// The name as a frame of w px shows it (stat-flame.c's rule).
	function fit(name, w) {
		var room = Math.floor((w - 6) / CHAR_W), chars;
		if (room < 3)
			return '';
		chars = Array.from(name);
		return chars.length <= room ? name : chars.slice(0, room - 2).join('') + '..';
	}

	function place(i, x, w) {
		rects[i].setAttribute('x', x.toFixed(2));
		rects[i].setAttribute('width', w.toFixed(2));
		texts[i].setAttribute('x', (x + 3).toFixed(2));
		texts[i].setAttribute('y', Number(rects[i].getAttribute('y')) + 11);
		texts[i].textContent = fit(names[i], w);
	}

	// Zooms into frame z: it takes the full width, its descendants scale
	// with it, its ancestors stay (dimmed), the others are hidden.
	function zoom(z) {
		var i, zv = value[z] || 1, zs = start[z];
		for (i = 0; i < n; i++) {
			var cl = els[i].classList;
			if (i >= z && i < end[z]) {
				cl.remove('hide', 'dim');
				place(i, pad + (start[i] - zs) / zv * drawWidth, value[i] / zv * drawWidth);
			} else if (i < z && end[i] > z) {
				cl.remove('hide');
				cl.add('dim');
				place(i, pad, drawWidth);
			} else {
				cl.add('hide');
			}
		}
		zoomed = z;
		resetZoom.classList.toggle('hidden', z === 0);
	}

	// Highlights the frames whose name matches re (not the root) and shows
	// the share of the total in stacks with a match, each counted once: the
	// matching frames without a matching ancestor, summed. An empty re
	// clears the search.
	function search(re) {
		var rx, i, sum = 0, hit, under = new Uint8Array(n);
		if (re === null || re === undefined || re === '') {
			for (i = 0; i < n; i++)
				els[i].classList.remove('match');
			matched.textContent = '';
			searched = null;
			return;
		}
		try {
			rx = new RegExp(re);
		} catch (e) {
			matched.textContent = 'Invalid regular expression';
			return;
		}
		for (i = 0; i < n; i++) {
			var above = parent[i] >= 0 && under[parent[i]] === 1;
			hit = i > 0 && rx.test(names[i]);
			els[i].classList.toggle('match', hit);
			if (hit && !above)
				sum += value[i];
			under[i] = hit || above ? 1 : 0;
		}
		matched.textContent = 'Matched: ' + (total > 0 ? sum / total * 100 : 0).toFixed(2) + '%';
		searched = re;
	}

	// Asked for (not from the URL): the URL says it, so that it can be shared.
	function searchAndShow(re) {
		search(re);
		try {
			window.history.replaceState(null, '', window.location.pathname +
				(searched === null ? '' : '?s=' + encodeURIComponent(searched)));
		} catch (e) {
			// a URL that cannot change (some browsers, for files)
		}
	}

	function ask() {
		var re = window.prompt('Search for frames (a regular expression):', searched || '');
		if (re !== null)
			searchAndShow(re);
	}

	frames.addEventListener('mouseover', function (e) {
		var g = e.target.closest && e.target.closest('g.frame');
		if (g)
			details.textContent = g.firstElementChild.textContent.replace(/\n/g, '; ');
	});
	frames.addEventListener('mouseout', function () {
		details.textContent = ' ';
	});
	frames.addEventListener('click', function (e) {
		var g = e.target.closest && e.target.closest('g.frame');
		if (g)
			zoom(g.pprofIndex);
	});
	resetZoom.addEventListener('click', function () {
		zoom(0);
	});
	document.getElementById('search').addEventListener('click', ask);
	document.addEventListener('keydown', function (e) {
		if ((e.ctrlKey || e.metaKey) && (e.key === 'f' || e.key === 'F')) {
			e.preventDefault();
			ask();
		} else if (e.key === 'Escape' && searched !== null) {
			searchAndShow('');
		}
	});

	// The s parameter of the URL, decoded ('+' stays '+': it is a regex's).
	function urlSearch() {
		var m = /[?&]s=([^&#]*)/.exec(window.location.search);
		try {
			return m ? decodeURIComponent(m[1]) : null;
		} catch (e) {
			return m[1];
		}
	}

	window.pprofFlame = { search: search, zoom: zoom, frames: els };
	try {
		search(urlSearch());
	} catch (e) {
		// no URL to read (an SVG inlined in another document)
	}
	svg.setAttribute('data-ready', '1');
})();
