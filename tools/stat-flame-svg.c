/*
 * stat-flame-svg.c - the SVG of pprof-stat --flamegraph (HACKING.md section
 * 13): the frames stat-flame.c chose, laid out (children by name from the
 * left), escaped for XML, coloured by package or by change, each a
 * <g class="frame"> with its <title>, so the picture reads without
 * JavaScript; the script and style that make it interactive are
 * tools/flame.js and tools/flame.css, made into C strings at build time
 * (flame-assets.c).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stat-flame.h"

/* ---- text ------------------------------------------------------------ */

/* The length of a valid UTF-8 sequence at s that XML allows (no C1
 * controls, surrogates, U+FFFE or U+FFFF), or 0. */
static size_t xml_char(const unsigned char *s)
{
	size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0, i;
	uint32_t cp;

	if (len == 0 || s[0] > 0xf4)
		return 0;
	cp = s[0] & (0x3f >> (len - 1));
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0x80 && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe ||
	    cp == 0xffff)
		return 0;
	return len;
}

/* Escapes the first len characters of s (all: SIZE_MAX) for XML text and
 * attributes into out (NULL: only counts); returns the bytes. Markup
 * characters become entities; bytes XML cannot hold (controls, invalid
 * UTF-8) "\xHH", as pprof_escape writes them. *chars: the characters. */
static size_t xml_escape_n(char *out, const char *s, size_t len, size_t *chars)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = 0, c = 0, k;

	for (; *u && c < len; c++) {
		const char *ent = *u == '&'   ? "&amp;"
		                  : *u == '<' ? "&lt;"
		                  : *u == '>' ? "&gt;"
		                  : *u == '"' ? "&quot;"
		                              : NULL;
		if (ent) {
			k = strlen(ent);
			if (out)
				memcpy(out + n, ent, k);
			n += k;
			u++;
		} else if (*u >= 0x20 && *u < 0x7f) {
			if (out)
				out[n] = (char)*u;
			n++;
			u++;
		} else if (*u >= 0x80 && (k = xml_char(u)) > 0) {
			if (out)
				memcpy(out + n, u, k);
			n += k;
			u += k;
		} else {
			if (out)
				snprintf(out + n, 5, "\\x%02x", *u);
			n += 4;
			u++;
		}
	}
	if (chars)
		*chars = c;
	return n;
}

size_t flame_xml_length(const char *s)
{
	return xml_escape_n(NULL, s, SIZE_MAX, NULL);
}

/* s's first len characters escaped, in buffer b (0 or 1) of fl; NULL when
 * out of memory. */
static const char *xml(flame *fl, int b, const char *s, size_t len)
{
	size_t need = xml_escape_n(NULL, s, len, NULL) + 1;

	if (need > fl->buf_cap[b]) {
		char *grown = realloc(fl->buf[b], need * 2);
		if (!grown)
			return NULL;
		fl->buf[b] = grown;
		fl->buf_cap[b] = need * 2;
	}
	fl->buf[b][xml_escape_n(fl->buf[b], s, len, NULL)] = '\0';
	return fl->buf[b];
}

/* The characters of s (UTF-8 sequences and escaped bytes count one). */
static size_t text_chars(const char *s)
{
	size_t c;

	xml_escape_n(NULL, s, SIZE_MAX, &c);
	return c;
}

/* The name as a frame of w px shows it: whole, cut with "..", or nothing;
 * tools/flame.js fits names with the same rule. */
static const char *fitted_name(flame *fl, const char *name, double w)
{
	double fit = (w - 6) / CHAR_W;
	size_t room = fit > 0 ? (size_t)fit : 0, n;
	const char *t;

	if (room < 3)
		return "";
	n = text_chars(name);
	if (n <= room)
		return xml(fl, 1, name, SIZE_MAX);
	if (!(t = xml(fl, 1, name, room - 2)))
		return NULL;
	strcat(fl->buf[1], ".."); /* (room for it: two characters fewer) */
	return t;
}

/* ---- colours --------------------------------------------------------- */

/* pprof's packageName (internal/report/package.go): the name up to the
 * first "." or "::" after its last "/", when a word ([A-Za-z0-9_]+) leads
 * to it; "" when none does. Returns its length. */
static size_t package_length(const char *name)
{
	const char *slash = strrchr(name, '/'), *p = slash ? slash + 1 : name, *q = p;

	while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
	       *q == '_')
		q++;
	if (q == p || (*q != '.' && !(q[0] == ':' && q[1] == ':')))
		return 0;
	return (size_t)(q - name);
}

/* HSL (h in degrees, s and l in 0..1) as 0xRRGGBB. */
static uint32_t hsl(double h, double s, double l)
{
	double c = (1 - (2 * l - 1 < 0 ? 1 - 2 * l : 2 * l - 1)) * s, hp = h / 60, x, m = l - c / 2;
	double r = 0, g = 0, b = 0, f = hp - 2 * (double)(int)(hp / 2);

	x = c * (1 - (f - 1 < 0 ? 1 - f : f - 1));
	if (hp < 1)
		r = c, g = x;
	else if (hp < 2)
		r = x, g = c;
	else if (hp < 3)
		g = c, b = x;
	else if (hp < 4)
		g = x, b = c;
	else if (hp < 5)
		r = x, b = c;
	else
		r = c, b = x;
	return (uint32_t)((r + m) * 255 + 0.5) << 16 | (uint32_t)((g + m) * 255 + 0.5) << 8 |
	       (uint32_t)((b + m) * 255 + 0.5);
}

/* A frame's colour by its package: the hue from a hash of the package, the
 * same in every graph; Go's runtime in greys of blue, the standard library
 * (a package path whose first element has no '.', but main) muted, names
 * without a package grey. */
static uint32_t package_colour(const char *name)
{
	size_t len = package_length(name), first;
	char pkg[256];
	uint32_t h;

	if (len == 0 || len >= sizeof(pkg))
		return hsl(0, 0, 0.78 + (hash_bytes(name) % 8) / 100.0);
	memcpy(pkg, name, len);
	pkg[len] = '\0';
	h = hash_bytes(pkg);
	first = strcspn(pkg, "/");
	if (strcmp(pkg, "runtime") == 0 || strncmp(pkg, "runtime/", 8) == 0 ||
	    strncmp(pkg, "internal/runtime", 16) == 0)
		return hsl(200 + h % 40, 0.18, 0.72);
	if (!memchr(pkg, '.', first) && strcmp(pkg, "main") != 0)
		return hsl(h % 360, 0.28, 0.76);
	return hsl(h % 360, 0.62, 0.70);
}

/* A frame's colour by its change: white when none, red where it grew, blue
 * where it shrank, stronger with the change's share of the larger value. */
static uint32_t change_colour(int64_t delta, int64_t now, int64_t old)
{
	double big = (double)(abs64(now) > abs64(old) ? abs64(now) : abs64(old));
	double share = big > 0 ? (double)abs64(delta) / big : 0;
	uint32_t c;

	if (delta == 0)
		return 0xffffff;
	c = (uint32_t)(215 - 175 * (share > 1 ? 1 : share) + 0.5); /* 215 .. 40 */
	return delta > 0 ? 0xff0000 | c << 8 | c : c << 16 | c << 8 | 0xff;
}

/* ---- the SVG --------------------------------------------------------- */

/* Room for a label: a value and its sign. */
#define LABEL_LEN (STAT_VALUE_LEN + 1)

/* A value as pprof shows one, into buf (LABEL_LEN), with a sign when
 * signed. */
static const char *label(char *buf, int64_t v, const char *unit, bool sign)
{
	buf[0] = '+';
	stat_auto_label(buf + (sign && v > 0), v, unit); /* (leaves room for it) */
	return buf;
}

static double share(int64_t v, int64_t total)
{
	return total ? (double)v / (double)total * 100 : 0;
}

/* The frame's <title> after its name and value: the base and the change. */
static void put_change(flame *fl, const fnode *n, const char *unit)
{
	char a[LABEL_LEN], b[LABEL_LEN];
	int64_t delta = add64(n->now, (int64_t)(0 - (uint64_t)n->old));

	if (fl->kind == DIFF && n->old == 0)
		PUT(fl->w, "\nbase 0, change %s (new)", label(b, delta, unit, true));
	else if (fl->kind == DIFF)
		PUT(fl->w, "\nbase %s, change %s (%+.2f%%)", label(a, n->old, unit, false),
		    label(b, delta, unit, true), share(delta, abs64(n->old)));
	else if (fl->kind == SIGNED)
		PUT(fl->w, "\nchange %s", label(a, n->now, unit, true));
}

/* Writes one frame; false when out of memory. */
static bool put_frame(flame *fl, const fnode *n, const char *unit)
{
	const char *name = fl->names[n->name], *esc, *fitted;
	double x = PAD + px(fl, n->start),
	       w = n->parent == NONE ? drawing_width(fl) : px(fl, n->width);
	int64_t y = fl->o->flame.inverted ? HEAD + (int64_t)n->depth * ROW
	                                  : HEAD + (fl->max_depth - (int64_t)n->depth) * ROW;
	int64_t delta = fl->kind == DIFF ? add64(n->now, (int64_t)(0 - (uint64_t)n->old)) : n->now;
	/* (a --base frame: its net change against the |value| it is drawn with) */
	uint32_t fill = fl->kind == PLAIN    ? (n->parent == NONE ? 0xc8c8c8 : package_colour(name))
	                : fl->kind == SIGNED ? change_colour(n->now, n->width, 0)
	                                     : change_colour(delta, n->now, n->old);
	char v[LABEL_LEN];

	if (!(esc = xml(fl, 0, name, SIZE_MAX)) || !(fitted = fitted_name(fl, name, w)))
		return false;
	PUT(fl->w, "<g class=\"frame\" data-name=\"%s\" data-value=\"%" PRId64 "\"", esc, n->width);
	if (fl->kind == DIFF)
		PUT(fl->w, " data-old=\"%" PRId64 "\"", n->old);
	if (fl->kind != PLAIN)
		PUT(fl->w, " data-delta=\"%" PRId64 "\"", delta);
	PUT(fl->w, "><title>%s (%s, %.2f%%)", esc, label(v, n->width, unit, false),
	    share(n->width, fl->total));
	put_change(fl, n, unit);
	PUT(fl->w,
	    "</title><rect x=\"%.2f\" y=\"%" PRId64 "\" width=\"%.2f\" height=\"%d\" "
	    "fill=\"#%06" PRIx32 "\"/>",
	    x, y, w, FRAME_H, fill);
	/* (an empty text needs no place: the browser parses less, the script
	 * places it when a zoom gives it room) */
	if (*fitted)
		PUT(fl->w, "<text x=\"%.2f\" y=\"%" PRId64 "\">%s</text></g>\n", x + 3, y + TEXT_DY,
		    fitted);
	else
		PUT(fl->w, "<text/></g>\n");
	return true;
}

/* A child to sort by name. */
typedef struct {
	const char *name;
	uint32_t node;
} named;

static int by_name(const void *pa, const void *pb)
{
	return strcmp(((const named *)pa)->name, ((const named *)pb)->name);
}

/* Writes the drawn frames, parents before children, children by name from
 * the left, each placed after the ones before it; frames left out make the
 * space on the right of their parent (so a frame's place follows from the
 * values of the drawn frames alone, which the script relies on to zoom).
 * false when out of memory. */
static bool put_frames(flame *fl, const char *unit)
{
	uint32_t *todo = malloc((fl->n_nodes + 1) * sizeof(*todo));
	named *kids = NULL;
	size_t n_todo = 0, n_kids, cap_kids = 0, i;
	bool ok = todo != NULL;

	if (ok)
		todo[n_todo++] = 0;
	while (ok && n_todo) {
		fnode *n = &fl->nodes[todo[--n_todo]];
		uint32_t c;
		int64_t at = n->start;
		if (!(ok = put_frame(fl, n, unit)))
			break;
		for (n_kids = 0, c = n->child; c != NONE; c = fl->nodes[c].sibling) {
			if (!fl->nodes[c].drawn)
				continue;
			if (n_kids == cap_kids) {
				named *grown = realloc(kids, (cap_kids = cap_kids * 2 + 16) *
				                                     sizeof(*kids));
				if (!(ok = grown != NULL))
					break;
				kids = grown;
			}
			kids[n_kids++] = (named){ fl->names[fl->nodes[c].name], c };
		}
		if (!ok)
			break;
		if (n_kids > 1) /* (kids is NULL until a frame has one) */
			qsort(kids, n_kids, sizeof(*kids), by_name);
		for (i = 0; i < n_kids; i++) {
			fl->nodes[kids[i].node].start = at;
			at = add64(at, fl->nodes[kids[i].node].width);
		}
		for (i = n_kids; i-- > 0;)
			todo[n_todo++] = kids[i].node;
	}
	free(kids);
	free(todo);
	return ok;
}

/* Pixels as "%.2f" without trailing zeros ("0.1", "8", "0.79"), into buf
 * (LABEL_LEN). */
static const char *pixels(char *buf, double px)
{
	size_t len;

	snprintf(buf, LABEL_LEN, "%.2f", px);
	len = strlen(buf);
	while (buf[len - 1] == '0')
		buf[--len] = '\0';
	if (buf[len - 1] == '.')
		buf[--len] = '\0';
	return buf;
}

/* The subtitle: what is drawn, the total, what was left out. */
static void put_subtitle(flame *fl, const char *type, const char *unit)
{
	char v[LABEL_LEN];

	PUT(fl->w, "<text id=\"subtitle\" x=\"%d\" y=\"44\" text-anchor=\"middle\">",
	    fl->o->flame.width / 2);
	if (type) {
		const char *esc = xml(fl, 0, type, SIZE_MAX);
		PUT(fl->w, "%s/", esc ? esc : "");
		esc = xml(fl, 0, unit, SIZE_MAX);
		PUT(fl->w, "%s, total %s", esc ? esc : "", label(v, fl->total, unit, false));
	} else {
		PUT(fl->w, "no sample types");
	}
	if (fl->kind == DIFF)
		PUT(fl->w, " (base %s): red grew, blue shrank",
		    label(v, fl->nodes[0].old, unit, false));
	else if (fl->kind == SIGNED)
		PUT(fl->w, ", widths |value|: red grew, blue shrank");
	PUT(fl->w, "; %zu frame%s narrower than %s px left out", fl->left_out,
	    fl->left_out == 1 ? "" : "s", pixels(v, fl->min_px));
	if (fl->min_px > fl->o->flame.min_width)
		PUT(fl->w, " (--min-width %s, raised to keep the SVG under " FRAME_BUDGET_TEXT ")",
		    pixels(v, fl->o->flame.min_width));
	PUT(fl->w, "</text>\n");
}

bool flame_put_svg(flame *fl, const stat_facts *f)
{
	const stat_flame_options *fo = &fl->o->flame;
	const char *unit = "", *type = NULL, *title = fo->title ? fo->title : "Flame graph", *esc;
	int64_t height = HEAD + (fl->max_depth + 1) * ROW + FOOT;

	if (pprof_profile_sample_type_count(f->p))
		type = pprof_profile_sample_type(f->p, f->st, &unit);
	PUT(fl->w, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" id=\"pprof-flame\" ");
	PUT(fl->w,
	    "width=\"%u\" height=\"%" PRId64 "\" viewBox=\"0 0 %u %" PRId64
	    "\" data-total=\"%" PRId64 "\" data-unit=\"",
	    fo->width, height, fo->width, height, fl->total);
	if (!(esc = xml(fl, 0, unit, SIZE_MAX)))
		return false;
	PUT(fl->w,
	    "%s\" data-kind=\"%s\" data-row=\"%d\" data-pad=\"%d\" data-inverted=\"%d\" "
	    "data-min-width=\"%g\">\n",
	    esc,
	    fl->kind == DIFF     ? "diff"
	    : fl->kind == SIGNED ? "signed"
	                         : "plain",
	    ROW, PAD, fo->inverted ? 1 : 0, fl->min_px);
	if (!(esc = xml(fl, 0, title, SIZE_MAX)))
		return false;
	PUT(fl->w, "<title>%s</title>\n<style><![CDATA[\n%s]]></style>\n", esc, stat_flame_css);
	PUT(fl->w,
	    "<rect id=\"background\" x=\"0\" y=\"0\" width=\"%u\" height=\"%" PRId64 "\"/>\n"
	    "<text id=\"title\" x=\"%u\" y=\"24\" text-anchor=\"middle\">%s</text>\n",
	    fo->width, height, fo->width / 2, esc);
	put_subtitle(fl, type, unit);
	PUT(fl->w,
	    "<text id=\"reset-zoom\" class=\"control hidden\" x=\"%d\" y=\"24\">Reset zoom</text>\n"
	    "<text id=\"search\" class=\"control\" x=\"%u\" y=\"24\" text-anchor=\"end\">Search "
	    "(Ctrl-F)</text>\n"
	    "<text id=\"matched\" x=\"%u\" y=\"%" PRId64 "\" text-anchor=\"end\"></text>\n"
	    "<text id=\"details\" x=\"%d\" y=\"%" PRId64 "\"> </text>\n<g id=\"frames\">\n",
	    PAD, fo->width - PAD, fo->width - PAD, height - 10, PAD, height - 10);
	if (!put_frames(fl, unit))
		return false;
	PUT(fl->w, "</g>\n<script><![CDATA[\n%s]]></script>\n</svg>\n", stat_flame_js);
	return true;
}
