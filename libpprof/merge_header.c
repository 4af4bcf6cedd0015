/*
 * merge_header.c - the header of a merge's result (HACKING.md section 5):
 * whether an input's sample types fit the result's, and the header fields
 * taken from the first input or combined as pprof's profile.Merge does.
 * merge.c says how a merge works.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"

/* ---- header ----------------------------------------------------------- */

/* Appends ",type/unit" (no comma for the first, i == 0) to the *used bytes
 * of buf while there is room; *used may pass size when it is full. */
static void append_type(char *buf, size_t size, size_t *used, size_t i, const char *type,
                        size_t type_len, const char *unit, size_t unit_len)
{
	pp_append(buf, size, used, "%s", i ? "," : "");
	pp_append_escaped(buf, size, used, type, type_len);
	pp_append(buf, size, used, "/");
	pp_append_escaped(buf, size, used, unit, unit_len);
}

/* Writes "type/unit,type/unit" of an input's sample types into buf. */
static void describe_types(const pprof_profile *p, char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < p->pb->n_sample_type; i++) {
		const ProtobufCBinaryData *type = pp_profile_string(p, p->pb->sample_type[i]->type);
		const ProtobufCBinaryData *unit = pp_profile_string(p, p->pb->sample_type[i]->unit);
		append_type(buf, size, &used, i, (const char *)type->data, type->len,
		            (const char *)unit->data, unit->len);
	}
}

/* Whether the input's string i is the result's string id. Looks only: a
 * refused input must leave the result's string table as it was. */
static bool same_string(const merge_input *in, int64_t i, uint32_t id)
{
	const ProtobufCBinaryData *s = pp_profile_string(in->p, i);

	return pp_strtab_find(&in->m->strings, s->data, s->len) == id;
}

/* Writes the result's sample types as "type/unit,type/unit" into buf. */
static void describe_result_types(const pprof_merger *m, char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < m->types.n / 2; i++) {
		size_t lt, lu;
		const char *t = pp_strtab_get(&m->strings, m->types.v[2 * i], &lt);
		const char *u = pp_strtab_get(&m->strings, m->types.v[2 * i + 1], &lu);
		append_type(buf, size, &used, i, t, lt, u, lu);
	}
}

/* Checks that the input's sample and period types equal the result's. */
int pm_check_compatible(const merge_input *in)
{
	pprof_merger *m = in->m;
	const pb_profile *pb = in->p->pb;
	const pb_value_type *pt = pb->period_type;
	bool same = pb->n_sample_type * 2 == m->types.n;
	char want[200], got[200];
	size_t i;

	if (!same_string(in, pt ? pt->type : 0, m->period_type) ||
	    !same_string(in, pt ? pt->unit : 0, m->period_unit)) {
		const ProtobufCBinaryData *type = pp_profile_string(in->p, pt ? pt->type : 0);
		const ProtobufCBinaryData *unit = pp_profile_string(in->p, pt ? pt->unit : 0);
		size_t l1, l2, used = 0;
		const char *t1 = pp_strtab_get(&m->strings, m->period_type, &l1);
		const char *u1 = pp_strtab_get(&m->strings, m->period_unit, &l2);
		char *msg = m->err;
		pp_append(msg, PP_ERRLEN, &used, "incompatible period types ");
		append_type(msg, PP_ERRLEN, &used, 0, t1, l1, u1, l2);
		pp_append(msg, PP_ERRLEN, &used, " and ");
		append_type(msg, PP_ERRLEN, &used, 0, (const char *)type->data, type->len,
		            (const char *)unit->data, unit->len);
		return PPROF_ERR_MISMATCH;
	}
	for (i = 0; same && i < pb->n_sample_type; i++)
		same = same_string(in, pb->sample_type[i]->type, m->types.v[2 * i]) &&
		       same_string(in, pb->sample_type[i]->unit, m->types.v[2 * i + 1]);
	if (same)
		return PPROF_OK;
	describe_result_types(m, want, sizeof(want));
	describe_types(in->p, got, sizeof(got));
	pp_seterr(m->err, "incompatible sample types [%s] and [%s]", want, got);
	return PPROF_ERR_MISMATCH;
}

/* Takes the sample and period types and frames from the first input. */
bool pm_take_first_header(const merge_input *in)
{
	pprof_merger *m = in->m;
	const pb_profile *pb = in->p->pb;
	const pb_value_type *pt = pb->period_type;
	size_t i;

	if (!VEC_RESERVE(m->types, pb->n_sample_type * 2))
		return false;
	for (i = 0; i < pb->n_sample_type; i++) {
		m->types.v[2 * i] = pm_xlat_string(m, in->p, pb->sample_type[i]->type);
		m->types.v[2 * i + 1] = pm_xlat_string(m, in->p, pb->sample_type[i]->unit);
	}
	m->types.n = pb->n_sample_type * 2;
	m->period_type = pm_xlat_string(m, in->p, pt ? pt->type : 0);
	m->period_unit = pm_xlat_string(m, in->p, pt ? pt->unit : 0);
	m->drop_frames = pm_xlat_string(m, in->p, pb->drop_frames);
	m->keep_frames = pm_xlat_string(m, in->p, pb->keep_frames);
	return m->strings.count < UINT32_MAX - 1;
}

/* Combines the input's header into the result's (HACKING.md section 5). */
bool pm_combine_header(const merge_input *in)
{
	pprof_merger *m = in->m;
	const pb_profile *pb = in->p->pb;
	size_t i, j;

	if (pb->time_nanos != 0 && (m->time_nanos == 0 || pb->time_nanos < m->time_nanos))
		m->time_nanos = pb->time_nanos;
	m->duration_nanos = (int64_t)((uint64_t)m->duration_nanos + (uint64_t)pb->duration_nanos);
	if (m->period == 0 || pb->period > m->period) /* pprof's rule, negatives too */
		m->period = pb->period;
	if (m->default_sample_type == 0)
		m->default_sample_type = pm_xlat_string(m, in->p, pb->default_sample_type);
	if (m->doc_url == 0)
		m->doc_url = pm_xlat_string(m, in->p, pb->doc_url);
	for (i = 0; i < pb->n_comment; i++) {
		uint32_t c = pm_xlat_string(m, in->p, pb->comment[i]);
		for (j = 0; j < m->comments.n && m->comments.v[j] != c; j++)
			;
		if (j == m->comments.n) {
			if (!VEC_RESERVE(m->comments, j + 1))
				return false;
			m->comments.v[m->comments.n++] = c;
		}
	}
	return m->default_sample_type != UINT32_MAX && m->doc_url != UINT32_MAX;
}
