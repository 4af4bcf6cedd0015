/*
 * check_libpprof.c - runs the Check suites of libpprof: reader (HACKING.md
 * section 2), validation (section 6), merge (section 5), writer, filters,
 * label edits and the worker pool (section 11).
 *
 * CK_FORK=no runs every test in this process (for valgrind); CK_RUN_SUITE
 * and CK_RUN_CASE pick a part; CK_VERBOSITY overrides the verbose default.
 */
#include "config.h"

#include <stdlib.h>

#include "testlib.h"

Suite *labels_suite(void);   /* check_labels.c */
Suite *filter_suite(void);   /* check_filter.c */
Suite *pool_suite(void);     /* check_pool.c */

int main(void)
{
	SRunner *sr = srunner_create(reader_suite());
	int failed;

	srunner_add_suite(sr, validate_suite());
	srunner_add_suite(sr, merge_suite());
	srunner_add_suite(sr, writer_suite());
	srunner_add_suite(sr, filter_suite());
	srunner_add_suite(sr, labels_suite());
	srunner_add_suite(sr, pool_suite());
	srunner_run_all(sr, getenv("CK_VERBOSITY") ? CK_ENV : CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
