/*
 * stat-flame.c - pprof-stat --flamegraph: the stacks of --folded as one
 * self-contained SVG (HACKING.md section 13). The stacks are added into a
 * tree of frames (a frame: a name under a parent), the frames wide enough
 * are laid out here, and each is written as a <g class="frame"> whose
 * <title> says everything about it, so the picture reads without
 * JavaScript; the script and style that make it interactive are
 * tools/flame.js and tools/flame.css, made into C strings at build time
 * (flame-assets.c). A profile of pprof-merge --diff-base is split with the
 * filter into its base part and the whole, so that each frame has NEW's
 * value and OLD's.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stat.h"

#define NONE UINT32_MAX

/* Geometry, in SVG pixels. */
enum {
	PAD = 10,     /* left and right margins */
	ROW = 16,     /* a frame's height and the gap above it */
	HEAD = 60,    /* above the frames: title, subtitle, controls */
	FOOT = 30,    /* below: the details line */
	TEXT_DY = 11, /* the baseline of a frame's name below its top */
	FRAME_H = 15  /* the height of a frame's rectangle */
};
#define CHAR_W 6.6 /* the advance of a character of the 11 px monospace font */
/* The SVG stays under 10 MB: the frames' share of it, estimated from the
 * lengths of their names (frame_cost). */
#define FRAME_BUDGET 9500000.0

/* What the stacks tell: values alone; negative ones (a --base profile:
 * widths from |value|, colour by sign); or a --diff-base profile (NEW's
 * widths, colour by the change against OLD, the pprof::base=true part). */
enum { PLAIN, SIGNED, DIFF };

/* A frame: a name under a parent, and the values of the stacks through it. */
typedef struct {
	uint32_t name;
	uint32_t parent, child, sibling; /* the children: a list, NONE ended */
	uint32_t depth;
	bool drawn;
	/* While stacks are added, now and old are those that end here: the
	 * profile's values and its base part's (DIFF); sum_frames makes them
	 * NEW's and OLD's values summed over the stacks through the frame. */
	int64_t now, old;
	int64_t width; /* |value| summed over the stacks through it */
	int64_t start; /* offset from the root's left, in value */
} fnode;

/* A slot of a hash table (open addressing): an index (+ 1; 0: empty) and
 * what it is found by, so that probing and growing touch nothing else. */
typedef struct {
	uint32_t index, hash;
	uint32_t parent, name; /* the table of children: the key */
} islot;

typedef struct {
	islot *slot;
	size_t cap, n;
} itab;

typedef struct {
	stat_writer *w;
	const stat_options *o;
	/* names, interned: the text, its length escaped for XML */
	char **names;
	size_t *name_xml;
	size_t n_names, cap_names;
	itab name_index;
	/* frames; frame 0 is the root */
	fnode *nodes;
	size_t n_nodes, cap_nodes;
	itab child_index;
	/* the stack before, to find where the next one leaves it */
	uint32_t *path;
	size_t path_n, path_cap;
	bool base_part; /* adding the base part's stacks */
	bool negative;  /* a stack with a negative value was seen */
	int kind;
	/* the picture */
	int64_t total, max_depth;
	double min_px; /* frames narrower than this are left out */
	size_t left_out;
	char *buf[2]; /* escaped texts */
	size_t buf_cap[2];
} flame;

/* ---- hashing, the tables -------------------------------------------- */

static uint32_t hash_bytes(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static uint32_t hash_child(uint32_t parent, uint32_t name)
{
	uint64_t h = ((uint64_t)parent << 32 | name) * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(h >> 32);
}

/* Doubles t when half full; false when out of memory. */
static bool itab_grow(itab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024, i, j;
	islot *slot;

	if (t->n * 2 < t->cap)
		return true;
	if (!(slot = calloc(cap, sizeof(*slot))))
		return false;
	for (i = 0; i < t->cap; i++) {
		if (!t->slot[i].index)
			continue;
		for (j = t->slot[i].hash & (cap - 1); slot[j].index; j = (j + 1) & (cap - 1))
			;
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return true;
}

/* The length of s escaped by xml_escape. */
static size_t xml_length(const char *s);

/* The index of name s, added if new; NONE when out of memory. */
static uint32_t intern(flame *fl, const char *s)
{
	uint32_t h = hash_bytes(s), i;
	size_t j;

	if (!itab_grow(&fl->name_index))
		return NONE;
	for (j = h & (fl->name_index.cap - 1); fl->name_index.slot[j].index;
	     j = (j + 1) & (fl->name_index.cap - 1)) {
		i = fl->name_index.slot[j].index - 1;
		if (fl->name_index.slot[j].hash == h && strcmp(fl->names[i], s) == 0)
			return i;
	}
	if (fl->n_names == fl->cap_names) {
		size_t cap = fl->cap_names ? fl->cap_names * 2 : 256;
		char **names = realloc(fl->names, cap * sizeof(*names));
		size_t *xml = names ? realloc(fl->name_xml, cap * sizeof(*xml)) : NULL;
		if (names)
			fl->names = names;
		if (!xml)
			return NONE;
		fl->name_xml = xml;
		fl->cap_names = cap;
	}
	i = (uint32_t)fl->n_names;
	if (!(fl->names[i] = strdup(s)))
		return NONE;
	fl->name_xml[i] = xml_length(s);
	fl->n_names++;
	fl->name_index.slot[j] = (islot){ i + 1, h, 0, 0 };
	fl->name_index.n++;
	return i;
}

/* A new frame; NONE when out of memory. */
static uint32_t new_node(flame *fl, uint32_t parent, uint32_t name)
{
	fnode *n;

	if (fl->n_nodes >= NONE - 1)
		return NONE;
	if (fl->n_nodes == fl->cap_nodes) {
		size_t cap = fl->cap_nodes ? fl->cap_nodes * 2 : 1024;
		fnode *nodes = realloc(fl->nodes, cap * sizeof(*nodes));
		if (!nodes)
			return NONE;
		fl->nodes = nodes;
		fl->cap_nodes = cap;
	}
	n = &fl->nodes[fl->n_nodes];
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->parent = parent;
	n->child = n->sibling = NONE;
	if (parent != NONE) {
		n->depth = fl->nodes[parent].depth + 1;
		n->sibling = fl->nodes[parent].child;
		fl->nodes[parent].child = (uint32_t)fl->n_nodes;
	}
	return (uint32_t)fl->n_nodes++;
}

/* The child of parent named s, added if new; NONE when out of memory.
 * fresh: parent is new in this stack, so the child is new too. */
static uint32_t child_of(flame *fl, uint32_t parent, const char *s, bool fresh)
{
	uint32_t name = intern(fl, s), h, i;
	islot *slot;
	size_t j, mask;

	if (name == NONE || !itab_grow(&fl->child_index))
		return NONE;
	h = hash_child(parent, name);
	mask = fl->child_index.cap - 1;
	for (j = h & mask; (slot = &fl->child_index.slot[j])->index; j = (j + 1) & mask)
		if (!fresh && slot->parent == parent && slot->name == name)
			return slot->index - 1;
	if ((i = new_node(fl, parent, name)) == NONE)
		return NONE;
	*slot = (islot){ i + 1, h, parent, name };
	fl->child_index.n++;
	return i;
}

/* ---- the tree ------------------------------------------------------- */

/* Overflow wraps, as in pprof's sums. */
static int64_t add64(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int64_t abs64(int64_t v)
{
	return v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
}

/* pprof_stack_fn: adds a stack. Stacks come sorted by their joined names,
 * so most share a start with the one before: that part is walked by
 * comparing names, the rest found in the table of children (a frame's
 * stacks need not be adjacent: "f;g" sorts after "f.func1;h"). */
static int add_stack(void *ctx, const char *const *frames, size_t n, int64_t value)
{
	flame *fl = ctx;
	size_t k = 0, j;
	uint32_t node;
	bool fresh = false;

	if (n + 1 > fl->path_cap) {
		size_t cap = (n + 1) * 2;
		uint32_t *path = realloc(fl->path, cap * sizeof(*path));
		if (!path)
			return PPROF_ERR_NOMEM;
		fl->path = path;
		fl->path_cap = cap;
	}
	fl->path[0] = 0;
	while (k < n && k + 1 < fl->path_n &&
	       strcmp(frames[k], fl->names[fl->nodes[fl->path[k + 1]].name]) == 0)
		k++;
	node = fl->path[k];
	for (j = k; j < n; j++) {
		uint32_t parent = node;
		if ((node = child_of(fl, parent, frames[j], fresh)) == NONE)
			return PPROF_ERR_NOMEM;
		fresh = node + 1 == fl->n_nodes && fl->nodes[node].child == NONE;
		fl->path[j + 1] = node;
	}
	fl->path_n = n + 1;
	if (fl->base_part)
		fl->nodes[node].old = add64(fl->nodes[node].old, value);
	else
		fl->nodes[node].now = add64(fl->nodes[node].now, value);
	fl->negative |= value < 0;
	return PPROF_OK;
}

/* Sums the stacks into their frames: children come after their parents, so
 * one pass from the last frame adds each into its parent. */
static void sum_frames(flame *fl)
{
	size_t i;

	for (i = 0; i < fl->n_nodes; i++) {
		fnode *n = &fl->nodes[i];
		int64_t base = n->old; /* the base part's: OLD negated */
		int64_t old = (int64_t)(0 - (uint64_t)base);
		n->now = fl->kind == DIFF ? add64(n->now, old) : n->now;
		n->old = fl->kind == DIFF ? old : 0;
		n->width = abs64(n->now);
	}
	for (i = fl->n_nodes; i-- > 1;) {
		fnode *n = &fl->nodes[i], *p = &fl->nodes[n->parent];
		p->now = add64(p->now, n->now);
		p->old = add64(p->old, n->old);
		p->width = add64(p->width, n->width);
	}
	fl->total = fl->nodes[0].width;
}

/* ---- which frames are drawn ------------------------------------------ */

static double drawing_width(const flame *fl)
{
	return (double)fl->o->flame.width - 2 * PAD;
}

static double px(const flame *fl, int64_t width)
{
	return fl->total > 0 ? (double)width / (double)fl->total * drawing_width(fl) : 0;
}

/* Bytes a frame takes in the SVG, at most about: the markup and numbers
 * (198 at most in a plain graph of synth-100k.pb.gz, with values of 13
 * digits; a diff's two more values and line more), its name twice, and the
 * part of it shown (in characters of up to 4 bytes). */
static double frame_cost(const flame *fl, const fnode *n)
{
	double markup = fl->kind == DIFF ? 340 : fl->kind == SIGNED ? 275 : 215;
	double name = (double)fl->name_xml[n->name], room = (px(fl, n->width) - 6) / CHAR_W;

	return markup + 2 * name + (room < 3 ? 0 : name < 4 * room + 2 ? name : 4 * room + 2);
}

/* A frame and its width, to sort by. */
typedef struct {
	int64_t width;
	uint32_t node;
} wide;

/* Widest first, then parents first (a parent comes before its children). */
static int by_width(const void *pa, const void *pb)
{
	const wide *a = pa, *b = pb;

	if (a->width != b->width)
		return a->width > b->width ? -1 : 1;
	return (a->node > b->node) - (a->node < b->node);
}

/* When the frames at least --min-width wide (kept) would make too large an
 * SVG, only the widest that fit are drawn: the width of the first left out
 * becomes the limit. false when out of memory. */
static bool fit_budget(flame *fl, wide *kept, size_t n_kept)
{
	double cost = 0;
	size_t i;

	for (i = 0; i < n_kept; i++)
		cost += frame_cost(fl, &fl->nodes[kept[i].node]);
	if (cost <= FRAME_BUDGET)
		return true;
	qsort(kept, n_kept, sizeof(*kept), by_width);
	for (cost = 0, i = 0; i < n_kept; i++) {
		cost += frame_cost(fl, &fl->nodes[kept[i].node]);
		if (cost > FRAME_BUDGET)
			break;
	}
	if (i < n_kept) {
		int64_t limit = kept[i].width;
		fl->min_px = px(fl, limit);
		for (i = 0; i < n_kept; i++)
			if (kept[i].width <= limit && kept[i].node != 0)
				fl->nodes[kept[i].node].drawn = false;
	}
	return true;
}

/* Marks the frames to draw: the root, and those at least --min-width wide
 * (a child is never wider than its parent, so no drawn frame lacks its
 * parent), within the budget. */
static bool choose_frames(flame *fl)
{
	wide *kept = malloc(fl->n_nodes * sizeof(*kept));
	size_t i, n_kept = 0;

	if (!kept)
		return false;
	fl->min_px = fl->o->flame.min_width;
	for (i = 0; i < fl->n_nodes; i++) {
		fnode *n = &fl->nodes[i];
		n->drawn = i == 0 || (n->width > 0 && px(fl, n->width) >= fl->min_px);
		if (n->drawn)
			kept[n_kept++] = (wide){ n->width, (uint32_t)i };
	}
	fit_budget(fl, kept, n_kept);
	free(kept);
	fl->max_depth = 0;
	fl->left_out = 0;
	for (i = 0; i < fl->n_nodes; i++) {
		if (!fl->nodes[i].drawn)
			fl->left_out++;
		else if (fl->nodes[i].depth > fl->max_depth)
			fl->max_depth = fl->nodes[i].depth;
	}
	return true;
}

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

static size_t xml_length(const char *s)
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
	int64_t delta = n->now - n->old;

	if (fl->kind == DIFF)
		PUT(fl->w, "\nbase %s, change %s (%+.2f%%)", label(a, n->old, unit, false),
		    label(b, delta, unit, true), n->old ? share(delta, abs64(n->old)) : 0.0);
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
	int64_t delta = fl->kind == DIFF ? n->now - n->old : n->now;
	uint32_t fill = fl->kind == PLAIN    ? (n->parent == NONE ? 0xc8c8c8 : package_colour(name))
	                : fl->kind == SIGNED ? change_colour(n->now, n->now, 0)
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
		PUT(fl->w, " (--min-width %s, raised to keep the SVG under 10 MB)",
		    pixels(v, fl->o->flame.min_width));
	PUT(fl->w, "</text>\n");
}

/* The document: the root element, style, title and controls, the frames,
 * the script. */
static bool put_svg(flame *fl, const stat_facts *f)
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

/* ---- the stacks of a --diff-base profile's base ---------------------- */

/* Adds the stacks of f->p's samples labelled pprof::base=true (a copy of the
 * profile, filtered) as the base part. */
static int add_base_part(flame *fl, const stat_facts *f, const stat_options *o)
{
	pprof_merger *m = pprof_merger_new();
	pprof_filter *filter = pprof_filter_new();
	pprof_profile *part = NULL;
	pprof_report *r = NULL;
	int rc = m && filter ? PPROF_OK : PPROF_ERR_NOMEM;

	if (rc == PPROF_OK)
		rc = pprof_merger_add(m, f->p, 0);
	if (rc == PPROF_OK)
		rc = pprof_merger_finish(m, &part);
	if (rc == PPROF_OK)
		rc = pprof_filter_set(filter, PPROF_FILTER_TAG_FOCUS, "pprof::base=^true$");
	if (rc == PPROF_OK)
		rc = pprof_filter_apply(filter, &part);
	if (rc == PPROF_OK && !(r = stat_new_report(part, o)))
		rc = PPROF_ERR_NOMEM;
	fl->base_part = true;
	fl->path_n = 0;
	if (rc == PPROF_OK)
		rc = pprof_report_folded(r, f->st, add_stack, fl);
	pprof_report_free(r);
	pprof_profile_free(part);
	pprof_filter_free(filter);
	pprof_merger_free(m);
	return rc;
}

/* Whether f's profile has samples labelled pprof::base (pprof-merge
 * --diff-base). */
static bool has_base_labels(const stat_facts *f)
{
	size_t i;

	for (i = 0; i < f->n_keys; i++)
		if (f->keys[i].key_len == 11 && memcmp(f->keys[i].key, "pprof::base", 11) == 0)
			return true;
	return false;
}

static void flame_free(flame *fl)
{
	size_t i;

	for (i = 0; i < fl->n_names; i++)
		free(fl->names[i]);
	free(fl->names);
	free(fl->name_xml);
	free(fl->name_index.slot);
	free(fl->nodes);
	free(fl->child_index.slot);
	free(fl->path);
	free(fl->buf[0]);
	free(fl->buf[1]);
}

int stat_flame(stat_writer *w, const stat_facts *f, pprof_report *r, const stat_options *o)
{
	flame fl;
	int rc = PPROF_OK;

	memset(&fl, 0, sizeof(fl));
	fl.w = w;
	fl.o = o;
	if (intern(&fl, "root") == NONE || new_node(&fl, NONE, 0) == NONE)
		rc = PPROF_ERR_NOMEM;
	if (rc == PPROF_OK && pprof_profile_sample_type_count(f->p))
		rc = pprof_report_folded(r, f->st, add_stack, &fl);
	fl.kind = fl.negative ? SIGNED : PLAIN;
	if (rc == PPROF_OK && has_base_labels(f)) {
		fl.kind = DIFF;
		rc = add_base_part(&fl, f, o);
	}
	if (rc == PPROF_OK) {
		sum_frames(&fl);
		if (!choose_frames(&fl) || !put_svg(&fl, f))
			rc = PPROF_ERR_NOMEM;
	}
	flame_free(&fl);
	return rc == PPROF_OK && !w->ok ? PPROF_ERR_IO : rc;
}
