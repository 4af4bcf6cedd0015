/*
 * check_decode.c - decode.c: bytes to a validated profile (HACKING.md section
 * 2): the fast decoder's result, protobuf-c's when the fast one gives up,
 * the strings made C strings either way, and the error texts of empty,
 * malformed and text input.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "testlib_internal.h"

static void arena_free_cb(void *a)
{
	pp_arena_free(a);
}

/* Decodes len bytes; *code and the error text in *msg. */
static pprof_profile *decode(const void *data, size_t len, int *code, const char **msg)
{
	char *err = defer(calloc(1, PP_ERRLEN), free);
	pprof_profile *p = pp_decode(data, len, err, code);

	*msg = err;
	return p ? defer(p, profile_free_cb) : NULL;
}

/* The error text of decoding a C string that must fail with PPROF_ERR_DATA. */
static const char *decode_err(const char *text)
{
	int code = PPROF_OK;
	const char *msg;

	ck_assert_ptr_null(decode(text, strlen(text), &code, &msg));
	ck_assert_int_eq(code, PPROF_ERR_DATA);
	return msg;
}

/* Whether every string of p is followed by a NUL. */
static bool strings_terminated(const pprof_profile *p)
{
	size_t i;

	for (i = 0; i < p->pb->n_string_table; i++)
		if (p->pb->string_table[i].data[p->pb->string_table[i].len] != '\0')
			return false;
	return true;
}

START_TEST(test_decodes_a_profile)
{
	buf *b = pb_bytes(pb_small(3, 4));
	int code = -1;
	const char *msg;
	pprof_profile *p = decode(b->data, b->len, &code, &msg);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(code, PPROF_OK);
	ck_assert_str_eq(render_samples(dump(p)), "2,1 = 3,30\n3,1 = 4,40\n");
	ck_assert(strings_terminated(p));
	ck_assert_uint_eq(pp_idmap_get(&p->locations, 3), 2);
	ck_assert_uint_eq(pp_idmap_get(&p->functions, 9), UINT32_MAX);
}
END_TEST

START_TEST(test_protobuf_c_decodes_what_the_fast_decoder_leaves)
{
	/* A sample with an unknown field (20, varint 7) and values 5, 50: the
	 * fast decoder gives up on it, protobuf-c skips the field. */
	static const uint8_t sample[] = { 0x12, 0x07, 0x12, 0x02, 0x05, 0x32, 0xa0, 0x01, 0x07 };
	buf *b = pb_bytes(pb_cpu());
	pp_arena *a = defer(pp_arena_new(), arena_free_cb);
	int code = -1;
	const char *msg;
	pprof_profile *p;

	buf_add(b, sample, sizeof(sample));
	ck_assert_ptr_null(pp_unpack_fast(a, b->data, b->len));
	p = decode(b->data, b->len, &code, &msg);
	ck_assert_msg(p != NULL, "%s", msg);
	ck_assert_str_eq(render_samples(dump(p)), " = 5,50\n");
	ck_assert_str_eq((const char *)pp_profile_string(p, 3)->data, "cpu");
	ck_assert(strings_terminated(p));
}
END_TEST

START_TEST(test_empty_and_malformed_input)
{
	static const uint8_t cut[] = { 0x12, 0x05, 0x01 }; /* a sample of 5 bytes, 1 there */
	int code = PPROF_OK;
	const char *msg;

	ck_assert_ptr_null(decode("", 0, &code, &msg));
	ck_assert_int_eq(code, PPROF_ERR_DATA);
	ck_assert_str_eq(msg, "empty profile");
	ck_assert_ptr_null(decode(cut, sizeof(cut), &code, &msg));
	ck_assert_int_eq(code, PPROF_ERR_DATA);
	ck_assert_str_eq(msg, "not a valid profile.proto message (malformed protobuf)");
}
END_TEST

START_TEST(test_invalid_profile_keeps_the_validation_text)
{
	PbProfile *pb = pb_small(1, 1);
	buf *b;
	int code = PPROF_OK;
	const char *msg;

	pb->sample[0]->location_id[0] = 77;
	b = pb_bytes(pb);
	ck_assert_ptr_null(decode(b->data, b->len, &code, &msg));
	ck_assert_int_eq(code, PPROF_ERR_DATA);
	ck_assert_contains(msg, "77");
}
END_TEST

START_TEST(test_text_input_is_quoted)
{
	char long_line[120];

	ck_assert_str_eq(decode_err("<html>\r\n<body>"),
	                 "not a profile: input is text: \"<html>\"");
	ck_assert_str_eq(decode_err(" \n\t<say \"hi\"\tthere\n"),
	                 "not a profile: input is text: \"<say \\\"hi\\\"\\tthere\"");
	ck_assert_str_eq(decode_err("<caf\xc3\xa9>"),
	                 "not a profile: input is text: \"<caf\\xc3\\xa9>\"");
	/* At most 72 bytes of the line, "..." when it goes on. */
	memset(long_line, 'x', sizeof(long_line));
	long_line[0] = '<';
	long_line[sizeof(long_line) - 1] = '\0';
	ck_assert_str_eq(decode_err(long_line) + strlen("not a profile: input is text: \"<") + 71,
	                 "\"...");
}
END_TEST

Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tl_tcase("decode");

	tcase_add_test(tc, test_decodes_a_profile);
	tcase_add_test(tc, test_protobuf_c_decodes_what_the_fast_decoder_leaves);
	tcase_add_test(tc, test_empty_and_malformed_input);
	tcase_add_test(tc, test_invalid_profile_keeps_the_validation_text);
	tcase_add_test(tc, test_text_input_is_quoted);
	suite_add_tcase(s, tc);
	return s;
}
