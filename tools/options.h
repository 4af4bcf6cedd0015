/*
 * options.h - pprof's flag habits on our command lines: the single-dash long
 * option (`-top`, `-proto`) that getopt_long would read as a cluster of short
 * options, and pprof flags a program has no option for.
 *
 * A program's aliases for pprof's spellings (--nodecount for --top,
 * --diff_base for --diff-base) are plain entries of its getopt_long table,
 * with the same value as the option they stand for; this file only looks
 * at the words of the command line before getopt_long does.
 */
#ifndef PPROF_OPTIONS_H
#define PPROF_OPTIONS_H

#include <getopt.h>

/* A pprof flag that the program has no option for, and what to do instead. */
typedef struct {
	const char *flag;   /* pprof's name, without dashes: "proto" */
	const char *advice; /* "pprof-merge always writes a profile; drop the flag" */
} cli_pprof_advice;
/* An entry of a table of them. */
#define CLI_ADVICE(flag, advice) \
	{                        \
		(flag), (advice) \
	}

/*
 * Reads the command line as getopt_long(argc, argv, shortopts, longopts)
 * will (option arguments, "--", the words after an operand), and stops with
 * a usage error (exit 2) at the first word that is:
 *  - one dash and a name of two or more characters (up to an '=') that is
 *    one of longopts' names, pprof's spellings included:
 *      unknown option '-top'; did you mean --top?
 *    even when the word would also read as short options (-force as
 *    -f -o rce): a word that spells an option's name is that mistake;
 *  - one dash or two and the flag of an entry of advice (ending with a
 *    NULL flag; advice may be NULL), when no long option takes that word:
 *      unknown option '-proto': pprof-merge always writes a profile; drop the flag
 * Anything else is left to getopt_long, clusters of short options (-kj2)
 * included.
 */
void cli_check_pprof_habits(int argc, char **argv, const char *shortopts,
                            const struct option *longopts, const cli_pprof_advice *advice);

#endif /* PPROF_OPTIONS_H */
