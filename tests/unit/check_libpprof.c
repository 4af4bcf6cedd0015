/*
 * check_libpprof.c - runs the Check suites of libpprof, one per file of the
 * library, from the floor up (HACKING.md section 12): base, model, codec,
 * stream, operations.
 *
 * CK_FORK=no runs every test in this process (for valgrind); CK_RUN_SUITE
 * and CK_RUN_CASE pick a part; CK_VERBOSITY overrides the verbose default.
 */
#include "config.h"

#include <stdlib.h>

#include "testlib.h"

int main(void)
{
	Suite *(*const suites[])(void) = {
		arena_suite,   htab_suite,       strtab_suite,    util_suite,          units_suite,
		profile_suite, sampletype_suite, decode_suite,    encode_suite,        reader_suite,
		writer_suite,  merge_suite,      normalize_suite, labels_suite,        filter_suite,
		pgo_suite,     regex_suite,      report_suite,    report_traces_suite, pool_suite,
	};
	SRunner *sr = srunner_create(NULL);
	size_t i;
	int failed;

	for (i = 0; i < sizeof(suites) / sizeof(*suites); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, getenv("CK_VERBOSITY") ? CK_ENV : CK_VERBOSE);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
