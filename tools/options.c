/* options.c - pprof's flag habits on our command lines; see options.h. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"

/* The length of the option name at s: up to an '=' or the end. */
static size_t name_length(const char *s)
{
	return strcspn(s, "=");
}

/* The long option named exactly name (len bytes), or NULL. */
static const struct option *exact_long_option(const struct option *longopts, const char *name,
                                              size_t len)
{
	for (; longopts->name; longopts++)
		if (strlen(longopts->name) == len && strncmp(longopts->name, name, len) == 0)
			return longopts;
	return NULL;
}

/* The long option getopt_long takes name (len bytes) for: the exact one,
 * else the first it abbreviates (getopt_long refuses an ambiguous one), or
 * NULL when there is none. */
static const struct option *long_option(const struct option *longopts, const char *name, size_t len)
{
	const struct option *o = exact_long_option(longopts, name, len);

	for (; !o && longopts->name; longopts++)
		if (strncmp(longopts->name, name, len) == 0)
			o = longopts;
	return o;
}

/* What to do instead of pprof's flag name (len bytes), or NULL. */
static const char *advice_for(const cli_pprof_advice *advice, const char *name, size_t len)
{
	for (; advice && advice->flag; advice++)
		if (strlen(advice->flag) == len && strncmp(advice->flag, name, len) == 0)
			return advice->advice;
	return NULL;
}

/* Whether the cluster of short options (a word without its dash) ends with
 * one that takes its argument from the next word. */
static bool cluster_takes_next_word(const char *shortopts, const char *cluster)
{
	const char *spec;

	shortopts += strspn(shortopts, ":+-");
	for (; *cluster; cluster++) {
		spec = *cluster == ':' ? NULL : strchr(shortopts, *cluster);
		if (!spec)
			return false; /* getopt_long refuses it */
		if (spec[1] == ':')
			return spec[2] != ':' && cluster[1] == '\0';
	}
	return false;
}

/* Checks a word of one dash ("-top", without the dash: "top"); returns
 * whether the next word is its argument. */
static bool check_single_dash(const char *word, const char *shortopts,
                              const struct option *longopts, const cli_pprof_advice *advice)
{
	size_t len = name_length(word + 1);
	const char *what;

	if (len >= 2 && exact_long_option(longopts, word + 1, len))
		cli_usage_error("unknown option '%s'; did you mean -%s?", word, word);
	if (len >= 2 && (what = advice_for(advice, word + 1, len)))
		cli_usage_error("unknown option '%s': %s", word, what);
	return cluster_takes_next_word(shortopts, word + 1);
}

/* Checks a word of two dashes; returns whether the next word is its
 * argument. */
static bool check_double_dash(const char *word, const struct option *longopts,
                              const cli_pprof_advice *advice)
{
	size_t len = name_length(word + 2);
	const struct option *o = long_option(longopts, word + 2, len);
	const char *what;

	if (o)
		return o->has_arg == required_argument && word[2 + len] != '=';
	if ((what = advice_for(advice, word + 2, len)))
		cli_usage_error("unknown option '%s': %s", word, what);
	return false;
}

void cli_check_pprof_habits(int argc, char **argv, const char *shortopts,
                            const struct option *longopts, const cli_pprof_advice *advice)
{
	/* Without permutation getopt_long stops at the first operand. */
	bool permute = !getenv("POSIXLY_CORRECT") && shortopts[0] != '+';
	int i;

	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (strcmp(w, "--") == 0)
			return;
		if (w[0] != '-' || w[1] == '\0') { /* an operand */
			if (!permute)
				return;
			continue;
		}
		if (w[1] == '-' ? check_double_dash(w, longopts, advice)
		                : check_single_dash(w, shortopts, longopts, advice))
			i++;
	}
}
