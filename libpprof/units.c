/*
 * units.c - units as google/pprof's measurement package knows them: bytes
 * (kB = 1024 B, as pprof has it), time and GCU, the spellings it accepts,
 * and its scaling of values for reports and for tag ranges.
 */
#include <stdio.h>
#include <string.h>

#include "base.h"

/* A unit as google/pprof's measurement package knows it: its name, the
 * spellings it is recognised by, and its size in the family's base unit. */
typedef struct {
	const char *name;
	const char *aliases[4];
	double factor;
} pprof_unit;

typedef struct {
	pprof_unit units[9];
	size_t n;
	pprof_unit fallback; /* DefaultUnit */
} pprof_unit_type;

static const pprof_unit_type pprof_unit_types[] = {
	{ { { "B", { "b", "byte" }, 1 },
	    { "kB", { "kb", "kbyte", "kilobyte" }, 1024.0 },
	    { "MB", { "mb", "mbyte", "megabyte" }, 1048576.0 },
	    { "GB", { "gb", "gbyte", "gigabyte" }, 1073741824.0 },
	    { "TB", { "tb", "tbyte", "terabyte" }, 1099511627776.0 },
	    { "PB", { "pb", "pbyte", "petabyte" }, 1125899906842624.0 } },
	  6,
	  { "B", { NULL }, 1 } },
	{ { { "ns", { "ns", "nanosecond" }, 1 },
	    { "us", { "\xce\xbcs", "us", "microsecond" }, 1e3 },
	    { "ms", { "ms", "millisecond" }, 1e6 },
	    { "s", { "s", "sec", "second" }, 1e9 },
	    { "hrs", { "hour", "hr" }, 3.6e12 } },
	  5,
	  { "s", { NULL }, 1e9 } },
	{ { { "n*GCU", { "nanogcu" }, 1e-9 },
	    { "u*GCU", { "microgcu" }, 1e-6 },
	    { "m*GCU", { "milligcu" }, 1e-3 },
	    { "GCU", { "gcu" }, 1 },
	    { "k*GCU", { "kilogcu" }, 1e3 },
	    { "M*GCU", { "megagcu" }, 1e6 },
	    { "G*GCU", { "gigagcu" }, 1e9 },
	    { "T*GCU", { "teragcu" }, 1e12 },
	    { "P*GCU", { "petagcu" }, 1e15 } },
	  9,
	  { "GCU", { NULL }, 1 } },
};
#define N_UNIT_TYPES (sizeof(pprof_unit_types) / sizeof(*pprof_unit_types))

/* The unit of type t that unit names (pprof's sniffUnit: lower case, one
 * trailing "s" dropped from names longer than 2 bytes), or NULL. */
static const pprof_unit *sniff_unit(const pprof_unit_type *t, const char *unit)
{
	char low[64];
	size_t len = strlen(unit), i, j;

	if (len >= sizeof(low))
		return NULL;
	for (i = 0; i <= len; i++)
		low[i] = unit[i] >= 'A' && unit[i] <= 'Z' ? unit[i] + 32 : unit[i];
	if (len > 2 && low[len - 1] == 's')
		low[len - 1] = '\0';
	for (i = 0; i < t->n; i++)
		for (j = 0; j < 4 && t->units[i].aliases[j]; j++)
			if (strcmp(low, t->units[i].aliases[j]) == 0)
				return &t->units[i];
	return NULL;
}

/* pprof's convertUnit for one unit type; NULL when from is not of it. */
static const char *convert_unit(const pprof_unit_type *t, int64_t value, const char *from,
                                const char *to, double *scaled)
{
	const pprof_unit *f = sniff_unit(t, from), *u;
	double v, best = 0;
	const char *name = NULL;
	size_t i;

	if (!f)
		return NULL;
	v = (double)value * f->factor;
	if (strcmp(to, "minimum") != 0 && strcmp(to, "auto") != 0) {
		u = sniff_unit(t, to);
		*scaled = v / (u ? u->factor : t->fallback.factor);
		return u ? u->name : t->fallback.name;
	}
	for (i = 0; i < t->n; i++)
		if (t->units[i].factor >= best && v / t->units[i].factor >= 1.0) {
			best = t->units[i].factor;
			name = t->units[i].name;
		}
	*scaled = best ? v / best : v / t->fallback.factor;
	return name ? name : t->fallback.name;
}

const char *pprof_unit_scale(int64_t value, const char *unit, const char *to_unit, double *scaled)
{
	const char *name;
	size_t i;

	if (value < 0 && value != INT64_MIN) {
		name = pprof_unit_scale(-value, unit, to_unit, scaled);
		*scaled = -*scaled;
		return name;
	}
	for (i = 0; i < N_UNIT_TYPES; i++)
		if ((name = convert_unit(&pprof_unit_types[i], value, unit, to_unit, scaled)))
			return name;
	*scaled = (double)value;
	if (strcmp(to_unit, "count") == 0 || strcmp(to_unit, "sample") == 0 ||
	    strcmp(to_unit, "unit") == 0 || strcmp(to_unit, "minimum") == 0 ||
	    strcmp(to_unit, "auto") == 0)
		return "";
	return to_unit;
}

int pprof_unit_kind(const char *unit, double *factor)
{
	static const int kinds[N_UNIT_TYPES] = { PPROF_UNIT_BYTES, PPROF_UNIT_TIME,
		                                 PPROF_UNIT_GCU };
	const pprof_unit *u;
	size_t i;

	for (i = 0; i < N_UNIT_TYPES; i++)
		if ((u = sniff_unit(&pprof_unit_types[i], unit))) {
			*factor = u->factor;
			return kinds[i];
		}
	*factor = 1;
	return PPROF_UNIT_OTHER;
}

const char *pprof_unit_label(char *buf, size_t size, int64_t value, const char *unit,
                             const char *to_unit)
{
	double v;
	const char *name = pprof_unit_scale(value, unit, to_unit, &v);
	size_t len;

	snprintf(buf, size, "%.2f", v);
	len = strlen(buf);
	if (len > 3 && strcmp(buf + len - 3, ".00") == 0)
		buf[len -= 3] = '\0';
	if (strcmp(buf, "0") == 0 || strcmp(buf, "-0") == 0)
		snprintf(buf, size, "0");
	else
		snprintf(buf + len, size - len, "%s", name);
	return buf;
}
