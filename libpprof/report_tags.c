/*
 * report_tags.c - pprof -tags (report.printTags, HACKING.md section 8): for
 * every label key, the weight of each of its values. report.c says what a
 * report computes.
 *
 * As pprof: a value is text, a string label's string or a numeric label's
 * number as measurement.ScaledLabel writes it in its key's unit (pprof's
 * NumLabelUnits: the first non-empty unit any label of the key gives, else
 * bytes for the keys alignment and request, else the key itself) scaled to
 * pprof's default -unit, "minimum"; so numbers that print alike are one value
 * ("1kB" for 1024 and 1025 bytes) and a string may meet a number. A sample
 * adds its value of the sample type once per label it has, duplicates
 * included. A key's total is its values' weights summed.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* The results, kept by the report until the next call or its end. */
struct rp_tags {
	pprof_tags out;
	VEC(pprof_tag_key) keys;
	VEC(pprof_tag_value) values; /* grouped by key */
	pp_strtab texts;             /* the values' text, each with a NUL after it */
};

void rp_tags_free(struct rp_tags *t)
{
	if (!t)
		return;
	VEC_FREE(t->keys);
	VEC_FREE(t->values);
	pp_strtab_free(&t->texts);
	free(t);
}

/* What computing the tags works with. */
typedef struct {
	pprof_report *r;
	struct rp_tags *t;
	rp_set keys;             /* (canonical key) -> slot */
	VEC(uint32_t) unit;      /* per slot: its numbers' unit (canonical string),
	                            NONE for none given yet */
	rp_set values;           /* (slot, text) -> value */
	VEC(int64_t) weights;    /* per value */
	VEC(size_t) first_value; /* per slot: where its values begin in t->values */
} tagger;

/* The slot of a label's key, added if new; NONE when out of memory. */
static uint32_t key_slot(tagger *g, const pb_label *l)
{
	key3 k = { g->r->canon[l->key], 0, 0 };
	bool added;
	uint32_t slot = rp_key3_intern(&g->keys, k, &added);

	if (slot == NONE || !VEC_RESERVE(g->unit, g->keys.n))
		return NONE;
	if (added)
		g->unit.v[g->unit.n++] = NONE;
	return slot;
}

/* pprof's NumLabelUnits: each key's first non-empty unit. */
static bool find_units(tagger *g)
{
	const pb_profile *pb = g->r->pb;
	size_t i, j;

	for (i = 0; i < pb->n_sample; i++)
		for (j = 0; j < pb->sample[i]->n_label; j++) {
			const pb_label *l = pb->sample[i]->label[j];
			unsigned kind = pp_label_kind(l);
			uint32_t slot;
			if (kind == PP_LABEL_NONE)
				continue;
			if ((slot = key_slot(g, l)) == NONE)
				return false;
			if (kind == PP_LABEL_NUM && g->unit.v[slot] == NONE && l->num_unit &&
			    g->r->canon[l->num_unit] != 0)
				g->unit.v[slot] = g->r->canon[l->num_unit];
		}
	return true;
}

/* The unit the numbers of a key's slot are written in. */
static const char *slot_unit(const tagger *g, uint32_t slot)
{
	uint32_t unit = g->unit.v[slot];

	if (unit != NONE)
		return pp_profile_cstr(g->r->p, unit);
	return pp_guessed_label_unit(
		pp_profile_cstr(g->r->p, (int64_t)rp_key3_at(&g->keys, slot)->a));
}

/* Adds weight w to the value of label l. */
static bool weigh_label(tagger *g, const pb_label *l, int64_t w)
{
	char buf[PPROF_UNIT_LABEL_LEN];
	key3 k = { 0, 0, 0 };
	bool added;
	uint32_t slot = key_slot(g, l), text, v;

	if (slot == NONE)
		return false;
	if (pp_label_kind(l) == PP_LABEL_STR) {
		text = pp_strtab_intern(&g->t->texts, pp_profile_cstr(g->r->p, l->str),
		                        rp_slen(g->r->pb, (uint64_t)l->str) + 1);
	} else {
		pprof_unit_label(buf, sizeof(buf), l->num, slot_unit(g, slot), "minimum");
		text = pp_strtab_intern(&g->t->texts, buf, strlen(buf) + 1);
	}
	if (text == UINT32_MAX)
		return false;
	k.a = slot;
	k.b = text;
	if ((v = rp_key3_intern(&g->values, k, &added)) == NONE ||
	    !VEC_RESERVE(g->weights, g->values.n))
		return false;
	if (added)
		g->weights.v[g->weights.n++] = 0;
	g->weights.v[v] = rp_add64(g->weights.v[v], w);
	return true;
}

static bool weigh_all(tagger *g, size_t st)
{
	const pb_profile *pb = g->r->pb;
	size_t i, j;

	for (i = 0; i < pb->n_sample; i++)
		for (j = 0; j < pb->sample[i]->n_label; j++)
			if (pp_label_kind(pb->sample[i]->label[j]) != PP_LABEL_NONE &&
			    !weigh_label(g, pb->sample[i]->label[j], pb->sample[i]->value[st]))
				return false;
	return true;
}

/* pprof's SortTags(tags, true): |weight| decreasing, then by name. (Where
 * two weights differ only in sign pprof's order is its sort's; here by
 * name.) */
static int compare_values(const void *pa, const void *pb)
{
	const pprof_tag_value *a = pa, *b = pb;
	int c = rp_compare_abs_desc(a->weight, b->weight);

	return c ? c : rp_compare_bytes(a->name, a->name_len, b->name, b->name_len);
}

static int compare_keys(const void *pa, const void *pb)
{
	const pprof_tag_key *a = pa, *b = pb;

	return rp_compare_bytes(a->key, a->key_len, b->key, b->key_len);
}

/* Sorts each key's values, then the keys. */
static void sort_results(struct rp_tags *t)
{
	size_t i;

	for (i = 0; i < t->keys.n; i++)
		qsort((void *)t->keys.v[i].values, t->keys.v[i].n_values, sizeof(pprof_tag_value),
		      compare_values);
	if (t->keys.n)
		qsort(t->keys.v, t->keys.n, sizeof(*t->keys.v), compare_keys);
}

/* Puts each slot's values together and totals them, then sorts them. */
static bool collect(tagger *g)
{
	struct rp_tags *t = g->t;
	size_t n_keys = g->keys.n, n = g->values.n, i, at = 0;

	if (!VEC_RESERVE(t->keys, n_keys + 1) || !VEC_RESERVE(t->values, n + 1) ||
	    !VEC_RESERVE(g->first_value, n_keys + 1))
		return false;
	memset(t->keys.v, 0, n_keys * sizeof(*t->keys.v));
	for (i = 0; i < n; i++)
		t->keys.v[rp_key3_at(&g->values, (uint32_t)i)->a].n_values++;
	for (i = 0; i < n_keys; i++) {
		uint64_t key = rp_key3_at(&g->keys, (uint32_t)i)->a;
		g->first_value.v[i] = at;
		at += t->keys.v[i].n_values;
		t->keys.v[i].n_values = 0;
		t->keys.v[i].key = pp_profile_cstr(g->r->p, (int64_t)key);
		t->keys.v[i].key_len = rp_slen(g->r->pb, key);
		t->keys.v[i].values = t->values.v + g->first_value.v[i];
	}
	for (i = 0; i < n; i++) {
		const key3 *slot_text = rp_key3_at(&g->values, (uint32_t)i);
		pprof_tag_key *k = &t->keys.v[slot_text->a];
		pprof_tag_value *v = &t->values.v[g->first_value.v[slot_text->a] + k->n_values++];
		v->name = pp_strtab_get(&t->texts, (uint32_t)slot_text->b, &v->name_len);
		v->name_len--; /* the NUL interned after each text */
		v->weight = g->weights.v[i];
		k->total = rp_add64(k->total, v->weight);
	}
	t->keys.n = n_keys;
	t->values.n = n;
	sort_results(t);
	return true;
}

/* A fresh place for the results, the last ones freed. */
static struct rp_tags *fresh_results(pprof_report *r)
{
	rp_tags_free(r->tags);
	r->tags = calloc(1, sizeof(*r->tags));
	if (r->tags && !pp_strtab_init(&r->tags->texts)) {
		free(r->tags);
		r->tags = NULL;
	}
	return r->tags;
}

int pprof_report_tags(pprof_report *r, size_t sample_type, const pprof_tags **out)
{
	tagger g;
	size_t st = sample_type;
	bool ok;

	if (!rp_pick_sample_type(r, &st))
		return PPROF_ERR_ARG;
	memset(&g, 0, sizeof(g));
	g.r = r;
	ok = rp_build_canon(r) && (g.t = fresh_results(r)) && find_units(&g) && weigh_all(&g, st) &&
	     collect(&g);
	rp_set_free(&g.keys);
	rp_set_free(&g.values);
	VEC_FREE(g.unit);
	VEC_FREE(g.weights);
	VEC_FREE(g.first_value);
	if (!ok)
		return rp_nomem(r);
	g.t->out.sample_type = st;
	g.t->out.n_keys = g.t->keys.n;
	g.t->out.keys = g.t->keys.v;
	*out = &g.t->out;
	return PPROF_OK;
}
