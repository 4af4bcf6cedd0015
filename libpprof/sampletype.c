/*
 * sampletype.c - a profile's sample types: which one is the default, and
 * which one a user's spelling names, as pprof reads them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

size_t pprof_profile_default_sample_type(const pprof_profile *p)
{
	const pb_profile *pb = p->pb;
	const char *want = pp_profile_cstr(p, pb->default_sample_type);
	size_t i;

	if (pb->n_sample_type == 0)
		return 0;
	for (i = 0; *want && i < pb->n_sample_type; i++)
		if (strcmp(pp_profile_cstr(p, pb->sample_type[i]->type), want) == 0)
			return i;
	return pb->n_sample_type - 1;
}

/* Parses spec as Go's strconv.Atoi would: optional sign, decimal digits,
 * within the range of int64. */
static bool parse_index(const char *spec, long long *out)
{
	char *end;

	if (!((*spec >= '0' && *spec <= '9') || *spec == '-' || *spec == '+'))
		return false;
	errno = 0;
	*out = strtoll(spec, &end, 10);
	return !*end && !errno;
}

int pp_find_sample_type(const pprof_profile *p, const char *spec, size_t *index)
{
	const pb_profile *pb = p->pb;
	const char *no_inuse = strncmp(spec, "inuse_", 6) == 0 ? spec + 6 : spec;
	long long n;
	size_t i;

	if (parse_index(spec, &n)) {
		if (n < 0 || (unsigned long long)n >= pb->n_sample_type)
			return PP_TYPE_OUT_OF_RANGE;
		*index = (size_t)n;
		return PP_TYPE_FOUND;
	}
	for (i = 0; i < pb->n_sample_type; i++) {
		const char *type = pp_profile_cstr(p, pb->sample_type[i]->type);
		if (strcmp(type, spec) == 0 || strcmp(type, no_inuse) == 0) {
			*index = i;
			return PP_TYPE_FOUND;
		}
	}
	return PP_TYPE_UNKNOWN;
}

int pprof_profile_find_sample_type(const pprof_profile *p, const char *spec, size_t *index)
{
	return pp_find_sample_type(p, spec, index) == PP_TYPE_FOUND ? PPROF_OK : PPROF_ERR_ARG;
}
