/*
 * filter_tagroot.c - pprof's -tagroot and -tagleaf (driver/tagroot.go,
 * addLabelNodes): the values of label keys as pseudo-frames at the root or
 * the leaf of every sample's stack. pprof adds them before any filter runs
 * (so --focus can match them), and so does pprof_filter_apply (HACKING.md
 * section 7).
 *
 * A frame is a location with no mapping and one line, of a function whose
 * name is the sample's values of the key joined with ',' (its string labels
 * in order, then its numbers as pprof's formatLabelValues writes them) and
 * whose file name is the key. A sample without the key gets a frame too,
 * whose function has an empty name. Frames with the same (name, key) share a
 * location; new ids follow the largest ones of the profile. The first root
 * key is rootmost, the last leaf key leafmost.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter.h"

/* A key of --tagroot or --tagleaf: its bytes in the option's text, and the
 * index of a string of the profile equal to it. */
typedef struct {
	const char *s;
	size_t len;
	int64_t str;
} frame_key;

/* What adding the frames to one profile works with. */
typedef struct {
	pprof_profile *p;
	VEC(frame_key) keys;            /* distinct keys */
	VEC(size_t) at[2];              /* root (0), leaf (1) keys as given: indices */
	int32_t *key_of;                /* per string of the profile: its key, or -1 */
	size_t n_strings;               /* strings before any was added */
	pp_strtab names;                /* distinct frame names */
	VEC(int64_t) name_str;          /* per name: its string in the profile */
	uint32_t *loc_of;               /* per name x key: 1 + its index in locs */
	size_t loc_of_cap;              /* names loc_of has room for */
	VEC(pb_location *) locs;        /* the new locations, */
	VEC(pb_function *) fns;         /* and their functions */
	VEC(ProtobufCBinaryData) added; /* strings to add to the table */
	uint64_t next_loc, next_fn;
	strbuf text;  /* scratch: a frame's name */
	bool matched; /* a sample had a value of one of the keys at hand */
} framer;

/* ---- keys ----------------------------------------------------------------- */

/* A string for the profile's table, copied into its arena: its index. -1
 * when out of memory. */
static int64_t add_string(framer *fr, const char *s, size_t len)
{
	char *copy = pp_arena_alloc(fr->p->arena, len + 1);

	if (!copy || !VEC_RESERVE(fr->added, fr->added.n + 1))
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	fr->added.v[fr->added.n].data = (uint8_t *)copy;
	fr->added.v[fr->added.n].len = len;
	return (int64_t)(fr->n_strings + fr->added.n++);
}

/* The index in fr->keys of the key s[0..len), added if new. */
static bool intern_key(framer *fr, const char *s, size_t len, size_t *index)
{
	size_t i;

	for (i = 0; i < fr->keys.n; i++)
		if (fr->keys.v[i].len == len && memcmp(fr->keys.v[i].s, s, len) == 0)
			break;
	if (i == fr->keys.n) {
		if (!VEC_RESERVE(fr->keys, i + 1))
			return false;
		fr->keys.v[i].s = s;
		fr->keys.v[i].len = len;
		fr->keys.v[i].str = -1;
		fr->keys.n++;
	}
	*index = i;
	return true;
}

/* Splits text at ',' into keys of position `side`, dropping empty ones (as
 * pprof's dropEmptyStrings). */
static bool split_keys(framer *fr, const char *text, int side)
{
	const char *s = text, *end;
	size_t index;

	while (text && *s) {
		end = strchr(s, ',');
		if (!end)
			end = s + strlen(s);
		if (end > s) {
			if (!intern_key(fr, s, (size_t)(end - s), &index) ||
			    !VEC_RESERVE(fr->at[side], fr->at[side].n + 1))
				return false;
			fr->at[side].v[fr->at[side].n++] = index;
		}
		s = *end ? end + 1 : end;
	}
	return true;
}

/* Finds which key each string of the profile is, and gives each key a
 * string (a new one for a key no string equals). */
static bool find_keys(framer *fr)
{
	const pb_profile *pb = fr->p->pb;
	size_t i, k;

	fr->key_of = malloc(pb->n_string_table * sizeof(*fr->key_of) + 1);
	if (!fr->key_of)
		return false;
	for (i = 0; i < pb->n_string_table; i++) {
		const ProtobufCBinaryData *s = &pb->string_table[i];
		fr->key_of[i] = -1;
		for (k = 0; k < fr->keys.n && fr->key_of[i] < 0; k++)
			if (s->len == fr->keys.v[k].len &&
			    (s->len == 0 || memcmp(s->data, fr->keys.v[k].s, s->len) == 0)) {
				fr->key_of[i] = (int32_t)k;
				if (fr->keys.v[k].str < 0)
					fr->keys.v[k].str = (int64_t)i;
			}
	}
	for (k = 0; k < fr->keys.n; k++)
		if (fr->keys.v[k].str < 0 &&
		    (fr->keys.v[k].str = add_string(fr, fr->keys.v[k].s, fr->keys.v[k].len)) < 0)
			return false;
	return true;
}

/* ---- a frame's name ------------------------------------------------------- */

/* Appends one value to the name, after a ',' unless it is the first. */
static bool add_value(framer *fr, const char *s, size_t len, size_t *count)
{
	if ((*count)++ && !pf_sb_add(&fr->text, ",", 1))
		return false;
	return pf_sb_add(&fr->text, s, len);
}

/* Appends the numeric labels of key to the name, as formatLabelValues: with
 * each label's unit scaled to pprof's default -unit ("minimum") when the
 * last of them has a unit, as plain numbers when none has, and not at all
 * when some but not the last has one (pprof's NumUnit list is then shorter
 * than its NumLabel list). */
static bool add_numbers(framer *fr, const pb_sample *s, int32_t key, size_t *count)
{
	size_t j, n = 0, last_unit = 0;
	char buf[PPROF_UNIT_LABEL_LEN];

	for (j = 0; j < s->n_label; j++) {
		if (pp_label_kind(s->label[j]) != PP_LABEL_NUM ||
		    fr->key_of[s->label[j]->key] != key)
			continue;
		n++;
		if (s->label[j]->num_unit)
			last_unit = n;
	}
	if (last_unit && last_unit != n)
		return true;
	for (j = 0; j < s->n_label; j++) {
		const pb_label *l = s->label[j];
		if (pp_label_kind(l) != PP_LABEL_NUM || fr->key_of[l->key] != key)
			continue;
		if (last_unit)
			pprof_unit_label(buf, sizeof(buf), l->num,
			                 pp_profile_cstr(fr->p, l->num_unit), "minimum");
		else
			pprof_unit_label(buf, sizeof(buf), l->num, "", "");
		if (!add_value(fr, buf, strlen(buf), count))
			return false;
	}
	return true;
}

/* The name of the frame of key for sample s, as an index into fr->names
 * (with its string of the profile in fr->name_str); UINT32_MAX when out of
 * memory. */
static uint32_t frame_name(framer *fr, const pb_sample *s, int32_t key)
{
	size_t j, count = 0;
	int64_t reuse = -1; /* the string of a name that is one string label's */
	uint32_t id;

	fr->text.n = 0;
	for (j = 0; j < s->n_label; j++) {
		const pb_label *l = s->label[j];
		if (pp_label_kind(l) != PP_LABEL_STR || fr->key_of[l->key] != key)
			continue;
		reuse = count ? -1 : l->str;
		if (!add_value(fr, pp_profile_cstr(fr->p, l->str),
		               pp_profile_string(fr->p, l->str)->len, &count))
			return UINT32_MAX;
	}
	if (!add_numbers(fr, s, key, &count))
		return UINT32_MAX;
	fr->matched |= count > 0;
	id = pp_strtab_intern(&fr->names, fr->text.v ? fr->text.v : "", fr->text.n);
	if (id == UINT32_MAX || !VEC_RESERVE(fr->name_str, (size_t)id + 1))
		return UINT32_MAX;
	if (id == fr->name_str.n) { /* a new name */
		if (count != 1 || reuse < 0)
			reuse = fr->text.n ? add_string(fr, fr->text.v, fr->text.n) : 0;
		if (reuse < 0)
			return UINT32_MAX;
		fr->name_str.v[fr->name_str.n++] = reuse;
	}
	return id;
}

/* ---- locations ------------------------------------------------------------ */

/* A new location of one line, of a new function (name, key's file). */
static pb_location *new_location(framer *fr, int64_t name, int64_t file)
{
	pp_arena *a = fr->p->arena;
	pb_function *fn = pp_arena_alloc(a, sizeof(*fn));
	pb_location *loc = pp_arena_alloc(a, sizeof(*loc));
	pb_line *line = pp_arena_alloc(a, sizeof(*line));
	pb_line **lines = pp_arena_alloc(a, sizeof(*lines));

	if (!fn || !loc || !line || !lines || !VEC_RESERVE(fr->fns, fr->fns.n + 1) ||
	    !VEC_RESERVE(fr->locs, fr->locs.n + 1))
		return NULL;
	perftools__profiles__function__init(fn);
	fn->id = fr->next_fn++;
	fn->name = name;
	fn->filename = file;
	perftools__profiles__line__init(line);
	line->function_id = fn->id;
	perftools__profiles__location__init(loc);
	loc->id = fr->next_loc++;
	lines[0] = line;
	loc->line = lines;
	loc->n_line = 1;
	fr->fns.v[fr->fns.n++] = fn;
	fr->locs.v[fr->locs.n++] = loc;
	return loc;
}

/* The id of the location of (name, key), made if new; 0 when out of
 * memory. */
static uint64_t location_id(framer *fr, uint32_t name, size_t key)
{
	size_t n_keys = fr->keys.n, slot = (size_t)name * n_keys + key;
	pb_location *loc;

	if (name >= fr->loc_of_cap) {
		size_t cap = fr->loc_of_cap;
		if (!pp_grow(&fr->loc_of, &fr->loc_of_cap, (size_t)name + 1,
		             n_keys * sizeof(*fr->loc_of)))
			return 0;
		memset(fr->loc_of + cap * n_keys, 0,
		       (fr->loc_of_cap - cap) * n_keys * sizeof(*fr->loc_of));
	}
	if (fr->loc_of[slot])
		return fr->locs.v[fr->loc_of[slot] - 1]->id;
	if (!(loc = new_location(fr, fr->name_str.v[name], fr->keys.v[key].str)))
		return 0;
	fr->loc_of[slot] = (uint32_t)fr->locs.n;
	return loc->id;
}

/* Fills ids with the frames of the keys of one side for sample s, in
 * pprof's order: the last key first. */
static bool side_frames(framer *fr, const pb_sample *s, int side, uint64_t *ids, bool *matched)
{
	size_t i, n = fr->at[side].n;

	fr->matched = false;
	for (i = 0; i < n; i++) {
		size_t key = fr->at[side].v[n - 1 - i];
		uint32_t name = frame_name(fr, s, (int32_t)key);
		if (name == UINT32_MAX || !(ids[i] = location_id(fr, name, key)))
			return false;
	}
	*matched |= fr->matched;
	return true;
}

/* Gives sample s its frames: leaves, its stack, roots. */
static bool add_frames(framer *fr, pb_sample *s, bool matched[2])
{
	size_t n_root = fr->at[0].n, n_leaf = fr->at[1].n, n = s->n_location_id;
	uint64_t *ids;

	if (n_root + n_leaf == 0)
		return true;
	ids = pp_arena_alloc(fr->p->arena, (n_leaf + n + n_root) * sizeof(*ids));
	if (!ids || !side_frames(fr, s, 0, ids + n_leaf + n, &matched[0]) ||
	    !side_frames(fr, s, 1, ids, &matched[1]))
		return false;
	if (n)
		memcpy(ids + n_leaf, s->location_id, n * sizeof(*ids));
	s->location_id = ids;
	s->n_location_id = n_leaf + n + n_root;
	return true;
}

/* Puts the new strings, functions and locations into the profile. */
static bool install(framer *fr)
{
	pb_profile *pb = fr->p->pb;
	pb_function **fns =
		pp_arena_alloc(fr->p->arena, (pb->n_function + fr->fns.n) * sizeof(*fns) + 1);
	pb_location **locs =
		pp_arena_alloc(fr->p->arena, (pb->n_location + fr->locs.n) * sizeof(*locs) + 1);

	if (!fns || !locs || !pp_profile_append_strings(fr->p, fr->added.v, fr->added.n))
		return false;
	if (pb->n_function)
		memcpy(fns, pb->function, pb->n_function * sizeof(*fns));
	memcpy(fns + pb->n_function, fr->fns.v, fr->fns.n * sizeof(*fns));
	if (pb->n_location)
		memcpy(locs, pb->location, pb->n_location * sizeof(*locs));
	memcpy(locs + pb->n_location, fr->locs.v, fr->locs.n * sizeof(*locs));
	pb->function = fns;
	pb->n_function += fr->fns.n;
	pb->location = locs;
	pb->n_location += fr->locs.n;
	return pp_profile_reindex(fr->p);
}

/* The first free ids of locations and functions. */
static void first_ids(framer *fr)
{
	const pb_profile *pb = fr->p->pb;
	size_t i;

	fr->next_loc = fr->next_fn = 1;
	for (i = 0; i < pb->n_location; i++)
		if (pb->location[i]->id >= fr->next_loc)
			fr->next_loc = pb->location[i]->id + 1;
	for (i = 0; i < pb->n_function; i++)
		if (pb->function[i]->id >= fr->next_fn)
			fr->next_fn = pb->function[i]->id + 1;
}

static bool add_all_frames(framer *fr, const pprof_filter *f, bool matched[2])
{
	pb_profile *pb = fr->p->pb;
	size_t i;

	if (!split_keys(fr, f->frame_keys[0], 0) || !split_keys(fr, f->frame_keys[1], 1) ||
	    !pp_strtab_init(&fr->names) || !VEC_RESERVE(fr->name_str, 1) || !find_keys(fr))
		return false;
	fr->name_str.v[fr->name_str.n++] = 0; /* names' index 0 is "" */
	first_ids(fr);
	for (i = 0; i < pb->n_sample; i++)
		if (!add_frames(fr, pb->sample[i], matched))
			return false;
	return install(fr);
}

bool pf_add_label_frames(pprof_filter *f, pprof_profile *p)
{
	framer fr;
	bool matched[2] = { false, false }, ok;
	int side;

	memset(&fr, 0, sizeof(fr));
	fr.p = p;
	fr.n_strings = p->pb->n_string_table;
	ok = add_all_frames(&fr, f, matched);
	for (side = 0; ok && side < 2; side++)
		if (f->frame_keys[side] && !matched[side]) {
			unmatched_rec *r = &f->unmatched[f->n_unmatched++];
			r->option = PPROF_FILTER_TAG_ROOT + side;
			r->arg = f->frame_keys[side];
		}
	free(fr.key_of);
	pp_strtab_free(&fr.names);
	VEC_FREE(fr.keys);
	VEC_FREE(fr.at[0]);
	VEC_FREE(fr.at[1]);
	VEC_FREE(fr.name_str);
	free(fr.loc_of);
	VEC_FREE(fr.locs);
	VEC_FREE(fr.fns);
	VEC_FREE(fr.added);
	free(fr.text.v);
	return ok;
}
