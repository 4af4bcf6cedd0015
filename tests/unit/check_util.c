/*
 * check_util.c - util.c: error texts, escaping as pprof_escape documents it
 * (pprof.h), bounded appending, growth of arrays.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "testlib_internal.h"

/* s (len bytes) escaped into a buffer of size bytes; *total the length of
 * the whole escaped text. */
static const char *esc(const char *s, size_t len, size_t size, size_t *total)
{
	char *out = defer(malloc(size + 1), free);

	*total = pprof_escape(out, size, s, len);
	return out;
}

START_TEST(test_escape_keeps_printable_utf8)
{
	size_t n;

	ck_assert_str_eq(esc("a b\xce\xbcs\xe2\x82\xac", 9, 64, &n), "a b\xce\xbcs\xe2\x82\xac");
	ck_assert_uint_eq(n, 9); /* len exactly when nothing needed escaping */
}
END_TEST

START_TEST(test_escape_hexes_controls_and_bad_bytes)
{
	size_t n;

	/* NUL, newline, DEL, U+0085 (C1, as UTF-8 c2 85), a lone continuation
	 * byte, an overlong "/" (c0 af), a surrogate (ed a0 80). */
	ck_assert_str_eq(esc("\0\n\x7f", 3, 64, &n), "\\x00\\x0a\\x7f");
	ck_assert_uint_eq(n, 12);
	ck_assert_str_eq(esc("\xc2\x85", 2, 64, &n), "\\xc2\\x85");
	ck_assert_str_eq(esc("x\x80y", 3, 64, &n), "x\\x80y");
	ck_assert_str_eq(esc("\xc0\xaf", 2, 64, &n), "\\xc0\\xaf");
	ck_assert_str_eq(esc("\xed\xa0\x80", 3, 64, &n), "\\xed\\xa0\\x80");
	ck_assert_str_eq(esc("\xe2\x82", 2, 64, &n), "\\xe2\\x82"); /* cut short */
	ck_assert_uint_eq(n, 8);
}
END_TEST

START_TEST(test_escape_writes_whole_units_only)
{
	size_t n;

	/* "ab\x01": the escape does not fit in 5 bytes (with the NUL): left out. */
	ck_assert_str_eq(esc("ab\x01", 3, 5, &n), "ab");
	ck_assert_uint_eq(n, 6);
	/* A 3-byte character is not cut either. */
	ck_assert_str_eq(esc("a\xe2\x82\xac", 4, 3, &n), "a");
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(pprof_escape(NULL, 0, "\n", 1), 4);
}
END_TEST

START_TEST(test_strerror_names_every_code)
{
	ck_assert_str_eq(pprof_strerror(PPROF_OK), "success");
	ck_assert_str_eq(pprof_strerror(PPROF_ERR_NOMEM), "out of memory");
	ck_assert_str_eq(pprof_strerror(PPROF_ERR_MISMATCH), "incompatible profiles");
	ck_assert_str_eq(pprof_strerror(12345), "unknown error");
	ck_assert_str_ne(pprof_strerror(PPROF_ERR_DATA), pprof_strerror(PPROF_ERR_IO));
	ck_assert_str_ne(pprof_strerror(PPROF_ERR_LIMIT), pprof_strerror(PPROF_ERR_ARG));
}
END_TEST

START_TEST(test_append_stops_at_the_end_of_the_buffer)
{
	char b[8];
	size_t used = 0;

	pp_append(b, sizeof(b), &used, "%d-", 12);
	ck_assert_str_eq(b, "12-");
	ck_assert_uint_eq(used, 3);
	/* Room for 5 bytes: the first "\x0a" and the NUL, not the second. */
	pp_append_escaped(b, sizeof(b), &used, "\n\n", 2);
	ck_assert_str_eq(b, "12-\\x0a");
	ck_assert_uint_eq(used, 11);
	pp_append(b, sizeof(b), &used, "x"); /* past the end: a no-op */
	ck_assert_str_eq(b, "12-\\x0a");
	ck_assert_uint_eq(used, 11);
	used = 7;
	pp_append(b, sizeof(b), &used, "%s", "longer than the room");
	ck_assert_uint_ge(used, sizeof(b));
	ck_assert_str_eq(b, "12-\\x0a");
}
END_TEST

START_TEST(test_grow_doubles_and_keeps_items)
{
	VEC(int) v = { 0 };
	size_t i;

	for (i = 0; i < 1000; i++) {
		ck_assert(VEC_RESERVE(v, v.n + 1));
		v.v[v.n++] = (int)i;
	}
	ck_assert_uint_ge(v.cap, 1000);
	ck_assert_uint_eq(v.cap & (v.cap - 1), 0); /* 16 doubled: a power of two */
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(v.v[i], (int)i);
	ck_assert(!pp_grow(&v.v, &v.cap, SIZE_MAX / 2, sizeof(int))); /* overflow refused */
	ck_assert_int_eq(v.v[999], 999);
	VEC_FREE(v);
	ck_assert_ptr_null(v.v);
}
END_TEST

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tl_tcase("util");

	tcase_add_test(tc, test_escape_keeps_printable_utf8);
	tcase_add_test(tc, test_escape_hexes_controls_and_bad_bytes);
	tcase_add_test(tc, test_escape_writes_whole_units_only);
	tcase_add_test(tc, test_strerror_names_every_code);
	tcase_add_test(tc, test_append_stops_at_the_end_of_the_buffer);
	tcase_add_test(tc, test_grow_doubles_and_keeps_items);
	suite_add_tcase(s, tc);
	return s;
}
