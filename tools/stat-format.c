/*
 * stat-format.c - values, percentages and times in pprof-stat's reports, as
 * `go tool pprof` prints them (its measurement and report packages).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "stat.h"

/* |x|, without needing libm. */
static double absd(double x)
{
	return x < 0 ? -x : x;
}

const char *stat_pprof_label(char *buf, int64_t value, const char *unit, const char *to_unit)
{
	return pprof_unit_label(buf, STAT_VALUE_LEN, value, unit, to_unit);
}

const char *stat_pprof_percent(char *buf, int64_t value, int64_t total)
{
	double ratio = total ? absd((double)value / (double)total) * 100 : 0;

	if (ratio >= 99.95 && ratio <= 100.05)
		snprintf(buf, STAT_VALUE_LEN, "  100%%");
	else if (ratio >= 1.0)
		snprintf(buf, STAT_VALUE_LEN, "%5.2f%%", ratio);
	else
		snprintf(buf, STAT_VALUE_LEN, "%5.2g%%", ratio);
	return buf;
}

const char *stat_auto_label(char *buf, int64_t value, const char *unit)
{
	return stat_pprof_label(buf, value, unit, "auto");
}

const char *stat_output_unit(const char *unit, int64_t min, int64_t total)
{
	const char *min_unit, *max_unit, *u;
	double ignored;

	if (min == 0)
		min = total;
	min_unit = pprof_unit_scale(min, unit, "minimum", &ignored);
	max_unit = pprof_unit_scale(total, unit, "minimum", &ignored);
	u = min_unit;
	if (strcmp(min_unit, max_unit) != 0 && (int64_t)((uint64_t)min * 100) < total)
		u = pprof_unit_scale((int64_t)((uint64_t)min * 100), unit, "minimum", &ignored);
	return *u ? u : unit;
}

const char *stat_format_time(char *buf, size_t size, int64_t nanos, bool rfc3339)
{
	time_t secs = (time_t)(nanos / 1000000000 - (nanos % 1000000000 < 0));
	struct tm tm;

	if (!gmtime_r(&secs, &tm) ||
	    !strftime(buf, size, rfc3339 ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, size, "%" PRId64 "ns", nanos);
	return buf;
}
