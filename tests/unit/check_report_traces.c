/*
 * check_report_traces.c - report_traces.c and the report's granularity
 * (report.c): pprof -traces and pprof's -functions ... -addresses and
 * -noinlines (HACKING.md section 8). Expected values are worked out by hand
 * from the profiles built here and pprof's rules (driver.aggregate,
 * graph.nodeInfo, NodeInfo.PrintableName, filepath.Clean, trimPath).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static void report_free_cb(void *r)
{
	pprof_report_free(r);
}

static pprof_report *report_at(const PbProfile *pb, int granularity, int noinlines)
{
	pprof_report_options o;
	pprof_report *r = NULL;

	pprof_report_options_init(&o);
	o.granularity = granularity;
	o.noinlines = noinlines;
	ck_assert_int_eq(pprof_report_new_with(&r, load(pb), &o), PPROF_OK);
	return defer(r, report_free_cb);
}

/*
 * A profile with a mapping "/bin/app": functions 1 main (/src/./app/main.go,
 * start 5), 2 work (/proc/self/cwd/work.go), 3 helper (/src/app//../app/h.go),
 * 4 a nameless one in /src/app/main.go at start 50; locations 1 (0x1000,
 * main:10), 2 (0x2000, helper:7 inlined into work:21), 3 (0x3000, no
 * lines), 4 (0x4000, nameless:51); samples [2,1] = 5, [3,1] = 2 and [4,1] =
 * 0 (zero values are traces too).
 */
static PbProfile *pb_app(void)
{
	PbProfile *p = pb_cpu();

	pb_mapping(p, 1, 0x1000, 0x9000, 0, "/bin/app", NULL);
	pb_function(p, 1, "main", NULL, "/src/./app/main.go", 5);
	pb_function(p, 2, "work", NULL, "/proc/self/cwd/work.go", 20);
	pb_function(p, 3, "helper", NULL, "/src/app//../app/h.go", 6);
	pb_function(p, 4, NULL, NULL, "/src/app/main.go", 50);
	pb_line(pb_location(p, 1, 1, 0x1000), 1, 10);
	pb_line(pb_line(pb_location(p, 2, 1, 0x2000), 3, 7), 2, 21);
	pb_location(p, 3, 1, 0x3000);
	pb_line(pb_location(p, 4, 1, 0x4000), 4, 51);
	pb_sample(p, LOCS(2, 1), VALS(1, 5));
	pb_sample(p, LOCS(3, 1), VALS(1, 2));
	pb_sample(p, LOCS(4, 1), VALS(0, 0));
	return p;
}

/* Appends each trace to the text at ctx: "value: frame|frame (inline)|...",
 * then its labels as " key=v,v" ("#" before numeric keys). */
static int add_trace(void *ctx, const pprof_trace *t)
{
	char *text = ctx;
	size_t i, j;

	sprintf(text + strlen(text), "%" PRId64 ":", t->value);
	for (i = 0; i < t->n_frames; i++)
		sprintf(text + strlen(text), "%s%s%s", i ? "|" : " ", t->frames[i].name,
		        t->frames[i].inlined ? " (inline)" : "");
	for (i = 0; i < t->n_labels; i++) {
		const pprof_trace_label *l = &t->labels[i];
		sprintf(text + strlen(text), " %s%s=", l->numeric ? "#" : "", l->key);
		for (j = 0; j < l->n_values; j++) {
			if (l->numeric)
				sprintf(text + strlen(text), "%s%" PRId64 "%s", j ? "," : "",
				        l->values[j].num, l->unit);
			else
				sprintf(text + strlen(text), "%s%s", j ? "," : "",
				        l->values[j].str);
			ck_assert_int_eq(l->values[j].weight, t->value);
		}
	}
	strcat(text, "\n");
	return PPROF_OK;
}

static const char *traces(const PbProfile *pb, int granularity, int noinlines)
{
	char *text = defer(calloc(1, 8192), free);

	ck_assert_int_eq(pprof_report_traces(report_at(pb, granularity, noinlines), SIZE_MAX,
	                                     add_trace, text),
	                 PPROF_OK);
	return text;
}

START_TEST(test_traces_at_each_granularity)
{
	PbProfile *p = pb_app();

	ck_assert_str_eq(traces(p, PPROF_FUNCTIONS, 0), "5: helper (inline)|work|main\n"
	                                                "2: [app]|main\n"
	                                                "0: [app]|main\n");
	/* Files are cleaned (filepath.Clean), not trimmed in traces. */
	ck_assert_str_eq(traces(p, PPROF_FILEFUNCTIONS, 0),
	                 "5: helper /src/app/h.go (inline)|work /proc/self/cwd/work.go|"
	                 "main /src/app/main.go\n"
	                 "2: [app]|main /src/app/main.go\n"
	                 "0: /src/app/main.go|main /src/app/main.go\n");
	ck_assert_str_eq(traces(p, PPROF_FILES, 0),
	                 "5: /src/app/h.go (inline)|/proc/self/cwd/work.go|/src/app/main.go\n"
	                 "2: [app]|/src/app/main.go\n"
	                 "0: /src/app/main.go|/src/app/main.go\n");
	ck_assert_str_eq(traces(p, PPROF_LINES, 0),
	                 "5: helper /src/app/h.go:7 (inline)|work /proc/self/cwd/work.go:21|"
	                 "main /src/app/main.go:10\n"
	                 "2: [app]|main /src/app/main.go:10\n"
	                 "0: /src/app/main.go:51|main /src/app/main.go:10\n");
	ck_assert_str_eq(traces(p, PPROF_ADDRESSES, 0),
	                 "5: 0000000000002000 helper /src/app/h.go:7 (inline)|"
	                 "0000000000002000 work /proc/self/cwd/work.go:21|"
	                 "0000000000001000 main /src/app/main.go:10\n"
	                 "2: 0000000000003000 [app]|0000000000001000 main /src/app/main.go:10\n"
	                 "0: 0000000000004000 /src/app/main.go:51|"
	                 "0000000000001000 main /src/app/main.go:10\n");
}
END_TEST

START_TEST(test_noinlines_keeps_the_outermost_line)
{
	PbProfile *p = pb_app();

	ck_assert_str_eq(traces(p, PPROF_FUNCTIONS, 1), "5: work|main\n"
	                                                "2: [app]|main\n"
	                                                "0: [app]|main\n");
	ck_assert_str_eq(traces(p, PPROF_LINES, 1),
	                 "5: work /proc/self/cwd/work.go:21|main /src/app/main.go:10\n"
	                 "2: [app]|main /src/app/main.go:10\n"
	                 "0: /src/app/main.go:51|main /src/app/main.go:10\n");
}
END_TEST

/* The rows of a top table as "name flat cum" lines. */
static const char *top_rows(pprof_report *r)
{
	char *text = defer(calloc(1, 4096), free);
	const pprof_top *t;
	pprof_top_options o;
	size_t i;

	pprof_top_options_init(&o);
	ck_assert_int_eq(pprof_report_top(r, &o, &t), PPROF_OK);
	for (i = 0; i < t->n_rows; i++)
		sprintf(text + strlen(text), "%s %" PRId64 " %" PRId64 "\n", t->rows[i].name,
		        t->rows[i].flat, t->rows[i].cum);
	return text;
}

START_TEST(test_top_trims_paths_and_keeps_nameless_functions_apart)
{
	PbProfile *p = pb_app();
	pprof_report *r;
	char *text = defer(calloc(1, 8192), free);

	/* Two functions of the same file: main and the nameless one are nodes
	 * of their own at "files" (the nameless one keeps binary and start
	 * line); top tables trim /proc/self/cwd/ (pprof's trimPath). */
	ck_assert_str_eq(top_rows(report_at(p, PPROF_FILES, 0)), "/src/app/h.go 5 5\n"
	                                                         "[app] 2 2\n"
	                                                         "/src/app/main.go 0 7\n"
	                                                         "work.go 0 5\n");
	/* The same handle gives traces untrimmed, then a table trimmed again. */
	r = report_at(p, PPROF_FILES, 0);
	ck_assert_str_eq(top_rows(r),
	                 "/src/app/h.go 5 5\n[app] 2 2\n/src/app/main.go 0 7\nwork.go 0 5\n");
	ck_assert_int_eq(pprof_report_traces(r, SIZE_MAX, add_trace, text), PPROF_OK);
	ck_assert_ptr_nonnull(strstr(text, "/proc/self/cwd/work.go"));
	ck_assert_str_eq(top_rows(r),
	                 "/src/app/h.go 5 5\n[app] 2 2\n/src/app/main.go 0 7\nwork.go 0 5\n");
}
END_TEST

START_TEST(test_traces_labels_grouped_by_key)
{
	PbProfile *p = pb_small(1, 3);
	PbSample *s = p->sample[0];
	char *text;

	/* Strings first, then numbers, keys in order of first appearance,
	 * values in the sample's order; a numeric key's unit is the first one
	 * given anywhere, else guessed ("request": bytes). */
	pb_numlabel(p, s, "bytes", 64, NULL);
	pb_label(p, s, "w", "b");
	pb_label(p, s, "e", "x");
	pb_label(p, s, "w", "a");
	pb_numlabel(p, s, "request", 3, NULL);
	pb_numlabel(p, p->sample[1], "bytes", 8, "kilobytes");
	pb_sample(p, NOLOCS, VALS(1, 9)); /* no stack: no trace */
	text = (char *)traces(p, PPROF_FUNCTIONS, 0);
	ck_assert_str_eq(text, "10: work|main w=b,a e=x #bytes=64kilobytes #request=3bytes\n"
	                       "30: idle|main #bytes=8kilobytes\n");
}
END_TEST

START_TEST(test_folded_stacks_are_of_names)
{
	/* Location 3 (no lines) and 4 (a nameless function) are two nodes that
	 * print "[app]" at "functions"; at "files", main and the nameless
	 * function are two nodes that print /src/app/main.go. pprof's traces
	 * print them alike, so their stacks are one, values summed. */
	PbProfile *p = pb_app();
	char *text = defer(calloc(1, 4096), free);

	pb_sample(p, LOCS(4, 1), VALS(1, 4));
	ck_assert_int_eq(
		pprof_report_folded(report_at(p, PPROF_FUNCTIONS, 0), SIZE_MAX, add_stack, text),
		PPROF_OK);
	ck_assert_str_eq(text, "main;[app] 6\nmain;work;helper 5\n");
	text[0] = '\0';
	pb_sample(p, LOCS(1, 4), VALS(1, 1));
	ck_assert_int_eq(
		pprof_report_folded(report_at(p, PPROF_FILES, 0), SIZE_MAX, add_stack, text),
		PPROF_OK);
	ck_assert_str_eq(text, "/src/app/main.go;/proc/self/cwd/work.go;/src/app/h.go 5\n"
	                       "/src/app/main.go;/src/app/main.go 5\n"
	                       "/src/app/main.go;[app] 2\n");
}
END_TEST

static int stop_at_first(void *ctx, const pprof_trace *t)
{
	(void)t;
	++*(int *)ctx;
	return 7;
}

START_TEST(test_traces_stop_and_bad_arguments)
{
	pprof_report_options o;
	pprof_report *r = NULL;
	int calls = 0;

	ck_assert_int_eq(pprof_report_traces(report_at(pb_small(1, 3), PPROF_FUNCTIONS, 0), 0,
	                                     stop_at_first, &calls),
	                 7);
	ck_assert_int_eq(calls, 1);
	ck_assert_int_eq(pprof_report_traces(report_at(pb_small(1, 3), PPROF_FUNCTIONS, 0), 2,
	                                     stop_at_first, &calls),
	                 PPROF_ERR_ARG);
	pprof_report_options_init(&o);
	o.granularity = PPROF_ADDRESSES + 1;
	ck_assert_int_eq(pprof_report_new_with(&r, load(pb_small(1, 3)), &o), PPROF_ERR_ARG);
	ck_assert_ptr_null(r);
}
END_TEST

Suite *report_traces_suite(void)
{
	Suite *s = suite_create("report_traces");
	TCase *tc = tcase_create("granularity");

	tcase_add_test(tc, test_traces_at_each_granularity);
	tcase_add_test(tc, test_noinlines_keeps_the_outermost_line);
	tcase_add_test(tc, test_top_trims_paths_and_keeps_nameless_functions_apart);
	tcase_add_test(tc, test_folded_stacks_are_of_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("traces");
	tcase_add_test(tc, test_traces_labels_grouped_by_key);
	tcase_add_test(tc, test_traces_stop_and_bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}
