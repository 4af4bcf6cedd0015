/*
 * stat-json.c - pprof-stat's --json report: one JSON document per report,
 * with the schema pprof-stat(1) documents.
 */
#include "config.h"

#include <string.h>

#include "json.h"
#include "stat.h"

/* "sample_types" and "samples". */
static void json_types(json *j, const pprof_profile *p)
{
	size_t i, k, n = pprof_profile_sample_type_count(p),
		     def = pprof_profile_default_sample_type(p);
	const char *unit, *other;

	json_open(j, "sample_types", '[', false);
	for (i = 0; i < n; i++) {
		json_open(j, NULL, '{', true);
		json_str(j, "type", pprof_profile_sample_type(p, i, &unit));
		json_str(j, "unit", unit);
		json_int(j, "total", pprof_profile_total(p, i));
		json_bool(j, "default", i == def);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_open(j, "samples", '{', false);
	json_int(j, "count", (int64_t)pprof_profile_sample_count(p));
	json_open(j, "total", '{', true);
	for (i = 0; i < n; i++) { /* a repeated type name keeps its first total */
		const char *type = pprof_profile_sample_type(p, i, &unit);
		for (k = 0; k < i && strcmp(pprof_profile_sample_type(p, k, &other), type) != 0;
		     k++)
			;
		if (k == i)
			json_int(j, type, pprof_profile_total(p, i));
	}
	json_close(j, '}');
	json_close(j, '}');
}

/* Period, time, counts and sizes. */
static void json_header(json *j, const stat_facts *f)
{
	const char *unit, *type = pprof_profile_period_type(f->p, &unit);
	int64_t t = pprof_profile_time_nanos(f->p);
	char buf[STAT_VALUE_LEN];

	json_open(j, "period_type", '{', true);
	json_str(j, "type", type);
	json_str(j, "unit", unit);
	json_close(j, '}');
	json_int(j, "period", pprof_profile_period(f->p));
	json_str(j, "time", t ? stat_format_time(buf, sizeof(buf), t, true) : NULL);
	json_int(j, "time_nanos", t);
	json_int(j, "duration_nanos", pprof_profile_duration_nanos(f->p));
	json_int(j, "locations", (int64_t)pprof_profile_location_count(f->p));
	json_int(j, "functions", (int64_t)pprof_profile_function_count(f->p));
	json_int(j, "mappings", (int64_t)pprof_profile_mapping_count(f->p));
	json_int(j, "strings", (int64_t)pprof_profile_string_count(f->p));
	json_open(j, "size", '{', true);
	json_int(j, "compressed", (int64_t)f->compressed);
	json_int(j, "uncompressed", (int64_t)f->uncompressed);
	json_close(j, '}');
}

static void json_keys(json *j, const stat_facts *f)
{
	size_t i;

	json_open(j, "labels", '[', false);
	for (i = 0; i < f->n_keys; i++) {
		const pprof_label_key *k = &f->keys[i];
		json_open(j, NULL, '{', true);
		json_str_n(j, "key", k->key, k->key_len);
		json_int(j, "strings", (int64_t)k->strings);
		json_int(j, "numbers", (int64_t)k->numbers);
		json_int(j, "samples", (int64_t)k->samples);
		json_str(j, "unit", k->numbers ? k->unit : NULL);
		json_close(j, '}');
	}
	json_close(j, ']');
}

static void json_top(json *j, const stat_facts *f, const stat_options *o)
{
	static const char *const marks[] = { "", "inline", "partial-inline" };
	const pprof_top *t = f->top;
	const char *unit, *type = pprof_profile_sample_type(f->p, t->sample_type, &unit);
	size_t i;

	json_open(j, "top", '{', false);
	json_str(j, "sample_type", type);
	json_str(j, "unit", unit);
	json_str(j, "sort", o->cum ? "cum" : "flat");
	json_int(j, "total", t->total);
	json_int(j, "shown", t->shown);
	json_int(j, "nodes", (int64_t)t->nodes);
	json_int(j, "dropped_nodes", (int64_t)t->dropped);
	json_int(j, "drop_limit", t->drop_limit);
	json_open(j, "rows", '[', false);
	for (i = 0; i < t->n_rows; i++) {
		json_open(j, NULL, '{', true);
		json_str_n(j, "name", t->rows[i].name, t->rows[i].name_len);
		json_int(j, "flat", t->rows[i].flat);
		json_int(j, "cum", t->rows[i].cum);
		json_str(j, "inline", marks[t->rows[i].inlined]);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_close(j, '}');
}

/* The breakdown by one key: "by"'s object, or one of its array's. */
static void json_by(json *j, const char *name, const stat_facts *f, const pprof_breakdown *b,
                    const char *key)
{
	const char *unit, *type = pprof_profile_sample_type(f->p, b->sample_type, &unit);
	size_t i;

	json_open(j, name, '{', false);
	json_str(j, "key", key);
	json_str(j, "sample_type", type);
	json_str(j, "unit", unit);
	json_int(j, "total", b->total);
	json_int(j, "unlabelled", b->unlabelled);
	json_int(j, "unlabelled_samples", (int64_t)b->unlabelled_samples);
	json_str(j, "value_unit", *b->unit ? b->unit : NULL);
	json_open(j, "values", '[', false);
	for (i = 0; i < b->n_values; i++) {
		json_open(j, NULL, '{', true);
		if (b->values[i].str)
			json_str_n(j, "value", b->values[i].str, b->values[i].str_len);
		else
			json_int(j, "value", b->values[i].num);
		json_int(j, "weight", b->values[i].weight);
		json_int(j, "samples", (int64_t)b->values[i].samples);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_close(j, '}');
}

/* Several keys (--by a,b): "by" is an array of their objects, in order. */
static void json_by_keys(json *j, const stat_facts *f)
{
	size_t i;

	json_open(j, "by", '[', false);
	for (i = 0; i < f->n_by; i++)
		json_by(j, NULL, f, &f->by[i], f->by_keys[i]);
	json_close(j, ']');
}

/* --tags: every key's values as pprof -tags shows them. */
static void json_tags(json *j, const stat_facts *f)
{
	const pprof_tags *t = f->tags;
	const char *unit, *type = pprof_profile_sample_type(f->p, t->sample_type, &unit);
	size_t i, k;

	json_open(j, "tags", '{', false);
	json_str(j, "sample_type", type);
	json_str(j, "unit", unit);
	json_open(j, "keys", '[', false);
	for (k = 0; k < t->n_keys; k++) {
		const pprof_tag_key *key = &t->keys[k];
		json_open(j, NULL, '{', false);
		json_str_n(j, "key", key->key, key->key_len);
		json_int(j, "total", key->total);
		json_open(j, "values", '[', false);
		for (i = 0; i < key->n_values; i++) {
			json_open(j, NULL, '{', true);
			json_str_n(j, "value", key->values[i].name, key->values[i].name_len);
			json_int(j, "weight", key->values[i].weight);
			json_close(j, '}');
		}
		json_close(j, ']');
		json_close(j, '}');
	}
	json_close(j, ']');
	json_close(j, '}');
}

void stat_json(stat_writer *w, const stat_facts *f, const stat_options *o)
{
	json j;

	json_init(&j, w->out);
	json_open(&j, NULL, '{', false);
	if (f->input) {
		json_str(&j, "input", f->input);
		json_int(&j, "profile", (int64_t)f->index);
	}
	json_int(&j, "profiles", (int64_t)f->profiles);
	json_types(&j, f->p);
	json_header(&j, f);
	json_keys(&j, f);
	if (f->top)
		json_top(&j, f, o);
	else if (f->n_by == 1)
		json_by(&j, "by", f, f->by, f->by_keys[0]);
	else if (f->n_by > 1)
		json_by_keys(&j, f);
	else if (f->tags)
		json_tags(&j, f);
	json_close(&j, '}');
	w->ok &= json_ok(&j);
}
