/*
 * normalize.c - pprof_normalize_apply: google/pprof's Profile.Normalize,
 * which `go tool pprof -normalize` applies to the profile before it
 * subtracts the base (profile/merge.go and Profile.ScaleN in profile.go).
 */
#include <stdlib.h>
#include <string.h>

#include "ops.h"

/* Whether string a of p and string b of q have the same bytes. */
static bool same_string(const pprof_profile *p, int64_t a, const pprof_profile *q, int64_t b)
{
	const ProtobufCBinaryData *s = pp_profile_string(p, a), *t = pp_profile_string(q, b);

	return s->len == t->len && (s->len == 0 || memcmp(s->data, t->data, s->len) == 0);
}

/* Whether two value types (either may be absent: "" and "") are the same. */
static bool same_value_type(const pprof_profile *p, const pb_value_type *a, const pprof_profile *q,
                            const pb_value_type *b)
{
	return same_string(p, a ? a->type : 0, q, b ? b->type : 0) &&
	       same_string(p, a ? a->unit : 0, q, b ? b->unit : 0);
}

/* pprof's Profile.compatible: the same period type and sample types. */
static bool compatible(const pprof_profile *p, const pprof_profile *q)
{
	size_t i;

	if (!same_value_type(p, p->pb->period_type, q, q->pb->period_type) ||
	    p->pb->n_sample_type != q->pb->n_sample_type)
		return false;
	for (i = 0; i < p->pb->n_sample_type; i++)
		if (!same_value_type(p, p->pb->sample_type[i], q, q->pb->sample_type[i]))
			return false;
	return true;
}

/*
 * Go's int64(math.Round(v * ratio)) on amd64: halves away from zero, and a
 * result out of the range of int64 is INT64_MIN (what CVTTSD2SQ gives), so
 * that even such values come out as pprof's.
 */
static int64_t round_scaled(int64_t v, double ratio)
{
	double x = (double)v * ratio, t;

	if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
		return INT64_MIN;
	t = (double)(int64_t)x; /* x truncated; x - t is exact */
	if (x - t >= 0.5)
		return (int64_t)t + 1;
	if (t - x >= 0.5)
		return (int64_t)t - 1;
	return (int64_t)t;
}

/* Profile.ScaleN: values of type i times ratio[i], into new arrays in p's
 * arena; a sample is kept when one of its values whose ratio is not 1 is
 * not zero after scaling (so, as in pprof, a sample whose only non-zero
 * values have a ratio of 1 goes too). */
static int scale_n(pprof_profile *p, const double *ratio)
{
	pb_profile *pb = p->pb;
	size_t i, j, kept = 0, nv = pb->n_sample_type;
	int64_t *values = pp_arena_alloc(p->arena, pb->n_sample * nv * sizeof(*values) + 1);

	if (!values)
		return PPROF_ERR_NOMEM;
	for (i = 0; i < pb->n_sample; i++) {
		pb_sample *s = pb->sample[i];
		bool keep = false;

		for (j = 0; j < nv; j++) {
			values[j] = s->value[j];
			if (ratio[j] != 1) {
				values[j] = round_scaled(s->value[j], ratio[j]);
				keep = keep || values[j] != 0;
			}
		}
		if (!keep)
			continue;
		s->value = values;
		values += nv;
		pb->sample[kept++] = s;
	}
	pb->n_sample = kept;
	return PPROF_OK;
}

/* Scales *p in place: scale_n fails only before it changes anything. */
int pprof_normalize_apply(const pprof_profile *base, pprof_profile **pp)
{
	pprof_profile *p = *pp;
	size_t i, n = p->pb->n_sample_type;
	bool all_ones = true;
	double *ratio;
	int rc;

	if (!compatible(p, base))
		return PPROF_ERR_MISMATCH;
	ratio = malloc(n * sizeof(*ratio) + 1);
	if (!ratio)
		return PPROF_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		int64_t src = pprof_profile_total(p, i);

		ratio[i] = src == 0 ? 0.0 : (double)pprof_profile_total(base, i) / (double)src;
		all_ones = all_ones && ratio[i] == 1;
	}
	rc = all_ones ? PPROF_OK : scale_n(p, ratio);
	free(ratio);
	return rc;
}
