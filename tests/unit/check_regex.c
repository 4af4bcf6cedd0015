/*
 * check_regex.c - regex.cc: Go's regexp syntax through RE2. What Go refuses
 * is refused (with \C, which RE2 alone takes), matching is unanchored and
 * leftmost-first, and searches from an offset see the whole text.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "libpprof/regex.h"

static void regex_free_cb(void *re)
{
	pp_regex_free(re);
}

static pp_regex *compile(const char *pattern)
{
	pp_regex *re = NULL;
	char why[256] = "";
	int rc = pp_regex_compile(pattern, &re, why, sizeof(why));

	ck_assert_msg(rc == PP_REGEX_OK, "%s: %d (%s)", pattern, rc, why);
	return defer(re, regex_free_cb);
}

/* The reason pattern is refused (asserting that it is). */
static const char *refusal(const char *pattern)
{
	pp_regex *re = (pp_regex *)1;
	char *why = defer(calloc(1, 256), free);

	ck_assert_msg(pp_regex_compile(pattern, &re, why, 256) == PP_REGEX_SYNTAX,
	              "%s was accepted", pattern);
	ck_assert_ptr_null(re);
	ck_assert_msg(why[0] != '\0', "%s: no reason", pattern);
	return why;
}

static int match(const char *pattern, const char *text)
{
	return pp_regex_match(compile(pattern), text, strlen(text));
}

START_TEST(test_refuses_what_go_refuses)
{
	refusal("(a)\\1");  /* backreference */
	refusal("(?=a)b");  /* lookahead */
	refusal("(?<!a)b"); /* lookbehind */
	refusal("a++");     /* possessive */
	refusal("a\\Z");    /* Go has only \z */
	refusal("a{1001}"); /* counts up to 1000 */
	refusal("(");
	refusal("[z-a]");
}
END_TEST

START_TEST(test_refuses_any_byte_escape)
{
	ck_assert_str_eq(refusal("a\\C"), "invalid escape sequence: \\C");
	ck_assert_str_eq(refusal("\\Qx\\E\\C"), "invalid escape sequence: \\C");
	/* Quoted, or an escaped backslash before a C: literal text. */
	ck_assert_int_eq(match("\\Q\\C\\E", "a\\Cb"), 1);
	ck_assert_int_eq(match("\\\\C", "x\\C"), 1);
	ck_assert_int_eq(match("\\\\C", "xC"), 0);
	ck_assert_int_eq(match("\\Qa\\C", "a\\C"), 1); /* \Q to the end */
}
END_TEST

START_TEST(test_go_syntax_accepted)
{
	ck_assert_int_eq(match("(?i)MAIN\\.", "runtime.main.func1"), 1);
	ck_assert_int_eq(match("\\pL+\\d", "\xc3\xa9t\xc3\xa9"
	                                   "7"),
	                 1); /* UTF-8 letters */
	ck_assert_int_eq(match("(?P<n>x)[[:digit:]]", "x1"), 1);
	ck_assert_int_eq(match("a{1000}", "a"), 0);
	ck_assert_int_eq(pp_regex_groups(compile("(a)(?:b)(?P<c>c)")), 2);
}
END_TEST

START_TEST(test_match_is_unanchored_and_sees_nuls)
{
	pp_regex *re = compile("a\\x00b");

	ck_assert_int_eq(match("work", "pkg.worker"), 1);
	ck_assert_int_eq(match("^work", "pkg.worker"), 0);
	ck_assert_int_eq(match("main$", "main.x"), 0);
	ck_assert_int_eq(match(".", "\n"), 0); /* no (?s): . is not a newline */
	ck_assert_int_eq(pp_regex_match(re, "xa\0b", 4), 1);
	ck_assert_int_eq(pp_regex_match(re, "xa\0b", 3), 0);
	ck_assert_int_eq(match("^$", ""), 1);
	ck_assert_int_eq(pp_regex_match(compile("^$"), NULL, 0), 1);
}
END_TEST

START_TEST(test_search_is_leftmost_first)
{
	ptrdiff_t m[4];

	/* Perl's and Go's leftmost-first: a|ab takes "a", POSIX would take "ab". */
	ck_assert_int_eq(pp_regex_search(compile("a|ab"), "ab", 2, 0, m, 1), 1);
	ck_assert_int_eq(m[0], 0);
	ck_assert_int_eq(m[1], 1);
	/* A group that took no part is -1, -1. */
	ck_assert_int_eq(pp_regex_search(compile("(a)|b"), "xb", 2, 0, m, 2), 1);
	ck_assert_int_eq(m[0], 1);
	ck_assert_int_eq(m[1], 2);
	ck_assert_int_eq(m[2], -1);
	ck_assert_int_eq(m[3], -1);
}
END_TEST

START_TEST(test_search_from_sees_the_whole_text)
{
	ptrdiff_t m[2];

	ck_assert_int_eq(pp_regex_search(compile("o"), "foo", 3, 2, m, 1), 1);
	ck_assert_int_eq(m[0], 2);
	/* ^ and \b belong to the whole text, not to the text from the offset. */
	ck_assert_int_eq(pp_regex_search(compile("^b"), "ab", 2, 1, m, 1), 0);
	ck_assert_int_eq(pp_regex_search(compile("\\bb"), "ab", 2, 1, m, 1), 0);
	ck_assert_int_eq(pp_regex_search(compile("\\bb"), "a b", 3, 1, m, 1), 1);
	ck_assert_int_eq(m[0], 2);
}
END_TEST

Suite *regex_suite(void)
{
	Suite *s = suite_create("regex");
	TCase *tc = tl_tcase("regex");

	tcase_add_test(tc, test_refuses_what_go_refuses);
	tcase_add_test(tc, test_refuses_any_byte_escape);
	tcase_add_test(tc, test_go_syntax_accepted);
	tcase_add_test(tc, test_match_is_unanchored_and_sees_nuls);
	tcase_add_test(tc, test_search_is_leftmost_first);
	tcase_add_test(tc, test_search_from_sees_the_whole_text);
	suite_add_tcase(s, tc);
	return s;
}
