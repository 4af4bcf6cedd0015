/*
 * report_labels.c - pprof -tags (HACKING.md section 8): the label keys of a
 * profile and the breakdown of a sample type by one of them. report.c says
 * what a report computes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* ---- label keys ------------------------------------------------------- */

/* Per key while counting: the last sample that had it (1-based), and its
 * unit (string index + 1; 0 for none yet). */
typedef struct {
	size_t stamp;
	uint32_t unit;
} key_state;

/* The index of label key (canonical string index) in r->keys and *state,
 * adding it if new; NONE when out of memory. */
static uint32_t intern_key(pprof_report *r, rp_set *keys, key_state **state, uint32_t key)
{
	key3 k = { key, 0, 0 };
	size_t cap = keys->cap;
	bool added;
	uint32_t ki = rp_key3_intern(keys, k, &added);

	if (ki == NONE)
		return NONE;
	if (keys->cap != cap) {
		key_state *grown = realloc(*state, keys->cap * sizeof(*grown));
		if (!grown)
			return NONE;
		*state = grown;
		if (!VEC_RESERVE(r->keys, keys->cap))
			return NONE;
	}
	if (added) {
		memset(&r->keys.v[ki], 0, sizeof(r->keys.v[ki]));
		r->keys.v[ki].key = pp_profile_cstr(r->p, key);
		r->keys.v[ki].key_len = rp_slen(r->pb, key);
		(*state)[ki].stamp = 0;
		(*state)[ki].unit = 0;
		r->keys.n++;
	}
	return ki;
}

/* Counts one label of sample number stamp. */
static bool count_label(pprof_report *r, rp_set *keys, rp_set *values, key_state **state,
                        const pb_label *l, size_t stamp)
{
	unsigned kind = pp_label_kind(l);
	key3 v = { r->canon[l->key], (uint64_t)kind, 0 };
	pprof_label_key *pk;
	bool added;
	uint32_t ki;

	if (kind == PP_LABEL_NONE)
		return true;
	if ((ki = intern_key(r, keys, state, r->canon[l->key])) == NONE)
		return false;
	pk = &r->keys.v[ki];
	if ((*state)[ki].stamp != stamp) {
		(*state)[ki].stamp = stamp;
		pk->samples++;
	}
	v.c = kind == PP_LABEL_STR ? r->canon[l->str] : (uint64_t)l->num;
	if (rp_key3_intern(values, v, &added) == NONE)
		return false;
	if (added)
		kind == PP_LABEL_STR ? pk->strings++ : pk->numbers++;
	if (kind == PP_LABEL_NUM && l->num_unit && !(*state)[ki].unit)
		(*state)[ki].unit = (uint32_t)l->num_unit + 1;
	return true;
}

static int compare_keys(const void *pa, const void *pb)
{
	const pprof_label_key *a = pa, *b = pb;

	return rp_compare_bytes(a->key, a->key_len, b->key, b->key_len);
}

/* Sets each numeric key's unit: the first one given, else pprof's guess. */
static void set_units(pprof_report *r, const key_state *state)
{
	size_t i;

	for (i = 0; i < r->keys.n; i++) {
		pprof_label_key *k = &r->keys.v[i];
		if (!k->numbers)
			k->unit = "";
		else if (state[i].unit)
			k->unit = pp_profile_cstr(r->p, state[i].unit - 1);
		else
			k->unit = pp_guessed_label_unit(k->key);
	}
}

int pprof_report_label_keys(pprof_report *r, const pprof_label_key **keys, size_t *n)
{
	rp_set key_set = { 0 }, value_set = { 0 };
	key_state *state = NULL;
	bool ok = rp_build_canon(r);
	size_t i, j;

	r->keys.n = 0;
	for (i = 0; ok && i < r->pb->n_sample; i++) {
		const pb_sample *s = r->pb->sample[i];
		for (j = 0; ok && j < s->n_label; j++)
			ok = count_label(r, &key_set, &value_set, &state, s->label[j], i + 1);
	}
	if (ok && state)
		set_units(r, state);
	free(state);
	rp_set_free(&key_set);
	rp_set_free(&value_set);
	if (!ok)
		return rp_nomem(r);
	if (r->keys.n)
		qsort(r->keys.v, r->keys.n, sizeof(*r->keys.v), compare_keys);
	*keys = r->keys.v;
	*n = r->keys.n;
	return PPROF_OK;
}

/* ---- breakdown by a label key ------------------------------------------ */

/* The values of the key being broken down, and which sample each last
 * counted (1-based). */
typedef struct {
	rp_set set;
	VEC(size_t) stamps;
} value_set;

/* Adds w to each value that sample s (number stamp) has for key; *had says
 * whether it has any. False when out of memory. */
static bool weigh_labels(pprof_report *r, value_set *vs, const pb_sample *s, uint32_t key,
                         int64_t w, size_t stamp, bool *had)
{
	pprof_breakdown *b = &r->breakdown;
	size_t j;

	*had = false;
	for (j = 0; j < s->n_label; j++) {
		const pb_label *l = s->label[j];
		unsigned kind = pp_label_kind(l);
		key3 k = { (uint64_t)kind,
			   kind == PP_LABEL_STR ? r->canon[l->str] : (uint64_t)l->num, 0 };
		pprof_label_value *v;
		bool added;
		uint32_t idx;
		if (kind == PP_LABEL_NONE || r->canon[l->key] != key)
			continue;
		if ((idx = rp_key3_intern(&vs->set, k, &added)) == NONE ||
		    !VEC_RESERVE(r->values, vs->set.n) || !VEC_RESERVE(vs->stamps, vs->set.n))
			return false;
		v = &r->values.v[idx];
		if (added) {
			v->str = kind == PP_LABEL_STR ? pp_profile_cstr(r->p, k.b) : NULL;
			v->str_len = kind == PP_LABEL_STR ? rp_slen(r->pb, k.b) : 0;
			v->num = kind == PP_LABEL_NUM ? l->num : 0;
			v->weight = 0;
			v->samples = 0;
			vs->stamps.v[idx] = 0;
			r->values.n = vs->stamps.n = vs->set.n;
		}
		if (vs->stamps.v[idx] != stamp) {
			vs->stamps.v[idx] = stamp;
			v->samples++;
		}
		if (kind == PP_LABEL_NUM && l->num_unit && !*b->unit)
			b->unit = pp_profile_cstr(r->p, l->num_unit);
		v->weight = rp_add64(v->weight, w);
		b->total = rp_add64(b->total, w);
		*had = true;
	}
	return true;
}

/* pprof -tags order: |weight| decreasing, then strings before numbers, by
 * value. */
static int compare_values(const void *pa, const void *pb)
{
	const pprof_label_value *a = pa, *b = pb;
	int c = rp_compare_abs_desc(a->weight, b->weight);

	if (c)
		return c;
	if (!a->str != !b->str)
		return a->str ? -1 : 1;
	if (a->str)
		return rp_compare_bytes(a->str, a->str_len, b->str, b->str_len);
	return a->num < b->num ? -1 : a->num > b->num;
}

/* Weighs every sample's labels with key (NONE: no label has it). */
static bool weigh_all(pprof_report *r, uint32_t key, size_t st)
{
	pprof_breakdown *b = &r->breakdown;
	value_set vs = { 0 };
	bool ok = true, had = false;
	size_t i;

	for (i = 0; ok && i < r->pb->n_sample; i++) {
		const pb_sample *s = r->pb->sample[i];
		if (key != NONE)
			ok = weigh_labels(r, &vs, s, key, s->value[st], i + 1, &had);
		if (ok && !had) {
			b->unlabelled = rp_add64(b->unlabelled, s->value[st]);
			b->unlabelled_samples++;
		}
	}
	rp_set_free(&vs.set);
	VEC_FREE(vs.stamps);
	return ok;
}

int pprof_report_by_label(pprof_report *r, const char *key, size_t sample_type,
                          const pprof_breakdown **out)
{
	size_t st = sample_type, i;
	pprof_breakdown *b = &r->breakdown;

	if (!rp_pick_sample_type(r, &st))
		return PPROF_ERR_ARG;
	if (!rp_build_canon(r))
		return rp_nomem(r);
	memset(b, 0, sizeof(*b));
	b->sample_type = st;
	b->unit = "";
	r->values.n = 0;
	if (!weigh_all(r, rp_find_string(r, key), st))
		return rp_nomem(r);
	for (i = 0; i < r->values.n && !*b->unit; i++) /* numbers without a unit */
		if (!r->values.v[i].str)
			b->unit = pp_guessed_label_unit(key);
	if (r->values.n)
		qsort(r->values.v, r->values.n, sizeof(*r->values.v), compare_values);
	b->n_values = r->values.n;
	b->values = r->values.v;
	*out = b;
	return PPROF_OK;
}
