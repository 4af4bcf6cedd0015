/*
 * report_traces.c - pprof -traces (HACKING.md section 8): every sample with
 * a stack, in the profile's order, with its value, its frames (the nodes of
 * the report's granularity, leaf first) and its labels, as pprof's
 * report.printTraces walks them. report.c says what a report computes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* What one call of pprof_report_traces works with. */
typedef struct {
	pprof_report *r;
	size_t st;
	uint32_t *units;  /* per canonical key string: its numeric unit + 1, or 0 */
	size_t *stamps;   /* per (key, kind): 1 + the last sample that had it */
	uint32_t *groups; /* per (key, kind): its group in the sample at hand */
	size_t *next;     /* per group: where its next value goes in values */
	VEC(pprof_frame) frames;
	VEC(pprof_trace_label) labels;
	VEC(pprof_label_value) values;
} tracer;

/* Each numeric key's unit as pprof's Profile.NumLabelUnits takes it: the
 * first non-empty unit of a label with the key, in sample and label order. */
static bool find_units(tracer *t)
{
	const pb_profile *pb = t->r->pb;
	size_t i, j;

	if (!(t->units = calloc(pb->n_string_table + 1, sizeof(*t->units))))
		return false;
	for (i = 0; i < pb->n_sample; i++) {
		for (j = 0; j < pb->sample[i]->n_label; j++) {
			const pb_label *l = pb->sample[i]->label[j];
			uint32_t key = t->r->canon[l->key];
			if (pp_label_kind(l) == PP_LABEL_NUM && l->num_unit && !t->units[key] &&
			    rp_slen(pb, l->num_unit))
				t->units[key] = t->r->canon[l->num_unit] + 1;
		}
	}
	return true;
}

/* The unit of numeric key (canonical string index). */
static const char *key_unit(const tracer *t, uint32_t key)
{
	if (t->units[key])
		return pp_profile_cstr(t->r->p, t->units[key] - 1);
	return pp_guessed_label_unit(pp_profile_cstr(t->r->p, key));
}

/* Fills t->frames with the frames of sample s, leaf first. */
static bool trace_frames(tracer *t, const pb_sample *s)
{
	const pprof_report *r = t->r;
	size_t i, j;

	t->frames.n = 0;
	for (i = 0; i < s->n_location_id; i++) {
		uint32_t l = rp_location_at(r, s, i), end = r->loc_first[l + 1];
		if (!VEC_RESERVE(t->frames, t->frames.n + (end - r->loc_first[l])))
			return false;
		for (j = r->loc_first[l]; j < end; j++) {
			const rnode *n = &r->nodes[r->line_nodes[j]];
			pprof_frame f = { n->label, n->label_len, j + 1 != end };
			t->frames.v[t->frames.n++] = f;
		}
	}
	return true;
}

/* Opens the groups of sample number stamp's labels of one kind, in order of
 * first appearance, and counts their values. */
static bool open_groups(tracer *t, const pb_sample *s, unsigned kind, size_t stamp)
{
	size_t j;

	for (j = 0; j < s->n_label; j++) {
		const pb_label *l = s->label[j];
		uint32_t key = t->r->canon[l->key];
		size_t slot = 2 * (size_t)key + (kind == PP_LABEL_NUM);
		pprof_trace_label *g;
		if (pp_label_kind(l) != kind)
			continue;
		if (t->stamps[slot] == stamp) {
			t->labels.v[t->groups[slot]].n_values++;
			continue;
		}
		if (!VEC_RESERVE(t->labels, t->labels.n + 1))
			return false;
		t->stamps[slot] = stamp;
		t->groups[slot] = (uint32_t)t->labels.n;
		g = &t->labels.v[t->labels.n++];
		memset(g, 0, sizeof(*g));
		g->n_values = 1;
		g->key = pp_profile_cstr(t->r->p, key);
		g->key_len = rp_slen(t->r->pb, key);
		g->numeric = kind == PP_LABEL_NUM;
		g->unit = g->numeric ? key_unit(t, key) : "";
	}
	return true;
}

/* Fills t->labels with sample s's labels, grouped by key: string keys
 * first, then numeric ones (stamp: 1 + the sample's index). */
static bool trace_labels(tracer *t, const pb_sample *s, int64_t value, size_t stamp)
{
	size_t i, j, at = 0, *next;

	t->labels.n = 0;
	if (!VEC_RESERVE(t->values, s->n_label + 1) || !open_groups(t, s, PP_LABEL_STR, stamp) ||
	    !open_groups(t, s, PP_LABEL_NUM, stamp))
		return false;
	if (!(next = realloc(t->next, (t->labels.n + 1) * sizeof(*next))))
		return false;
	t->next = next;
	for (i = 0; i < t->labels.n; i++) { /* each group's room, then its values */
		t->labels.v[i].values = t->values.v + at;
		next[i] = at;
		at += t->labels.v[i].n_values;
	}
	for (j = 0; j < s->n_label; j++) {
		const pb_label *l = s->label[j];
		unsigned kind = pp_label_kind(l);
		size_t slot = 2 * (size_t)t->r->canon[l->key] + (kind == PP_LABEL_NUM);
		pprof_label_value *v;
		if (kind == PP_LABEL_NONE)
			continue;
		v = &t->values.v[next[t->groups[slot]]++];
		memset(v, 0, sizeof(*v));
		if (kind == PP_LABEL_STR) {
			v->str = pp_profile_cstr(t->r->p, l->str);
			v->str_len = rp_slen(t->r->pb, l->str);
		}
		v->num = kind == PP_LABEL_NUM ? l->num : 0;
		v->weight = value;
		v->samples = 1;
	}
	return true;
}

static void tracer_free(tracer *t)
{
	free(t->units);
	free(t->stamps);
	free(t->groups);
	free(t->next);
	VEC_FREE(t->frames);
	VEC_FREE(t->labels);
	VEC_FREE(t->values);
}

/* Passes each sample with a stack to fn. */
static int walk_samples(tracer *t, pprof_trace_fn fn, void *ctx)
{
	const pb_profile *pb = t->r->pb;
	int rc = PPROF_OK;
	size_t i;

	for (i = 0; i < pb->n_sample && rc == PPROF_OK; i++) {
		const pb_sample *s = pb->sample[i];
		pprof_trace tr;
		if (s->n_location_id == 0)
			continue; /* pprof prints no trace without frames */
		if (!trace_frames(t, s) || !trace_labels(t, s, s->value[t->st], i + 1))
			return rp_nomem(t->r);
		tr.sample = i;
		tr.value = s->value[t->st];
		tr.n_frames = t->frames.n;
		tr.frames = t->frames.v;
		tr.n_labels = t->labels.n;
		tr.labels = t->labels.v;
		rc = fn(ctx, &tr);
	}
	return rc;
}

int pprof_report_traces(pprof_report *r, size_t sample_type, pprof_trace_fn fn, void *ctx)
{
	tracer t;
	size_t n_strings = r->pb->n_string_table;
	int rc;

	memset(&t, 0, sizeof(t));
	t.r = r;
	t.st = sample_type;
	if (!rp_pick_sample_type(r, &t.st))
		return PPROF_ERR_ARG;
	if (!rp_build_nodes(r, false) || !find_units(&t) ||
	    !(t.stamps = calloc(2 * n_strings + 1, sizeof(*t.stamps))) ||
	    !(t.groups = malloc((2 * n_strings + 1) * sizeof(*t.groups)))) {
		tracer_free(&t);
		return rp_nomem(r);
	}
	rc = walk_samples(&t, fn, ctx);
	tracer_free(&t);
	return rc;
}
