/*
 * check_reader.c - the stream reader (HACKING.md section 2): gzip members, plain
 * protobuf, file descriptors, damaged input, size limits and error texts.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

static void reader_free_cb(void *r)
{
	pprof_reader_free(r);
}
static pprof_reader *reader_buf(const buf *b)
{
	pprof_reader *r = pprof_reader_new_buffer(b->data, b->len);

	ck_assert_ptr_nonnull(r);
	return defer(r, reader_free_cb);
}

static pprof_reader *reader_fd(int fd)
{
	pprof_reader *r = pprof_reader_new_fd(fd);

	ck_assert_ptr_nonnull(r);
	return defer(r, reader_free_cb);
}

/* The next profile of r, which must be there. */
static pprof_profile *next_ok(pprof_reader *r)
{
	pprof_profile *p = NULL;
	int rc = pprof_reader_next(r, &p);

	ck_assert_msg(rc == PPROF_OK, "reader_next: %d (%s)", rc, pprof_reader_error(r));
	ck_assert_ptr_nonnull(p);
	return defer(p, profile_free_cb);
}

/* The next call of r fails with code; returns the error text. */
static const char *next_fails(pprof_reader *r, int code)
{
	pprof_profile *p = (pprof_profile *)&p; /* must be reset to NULL */
	int rc = pprof_reader_next(r, &p);

	ck_assert_msg(rc == code, "reader_next gave %d, not %d (%s)", rc, code,
	              pprof_reader_error(r));
	ck_assert_ptr_null(p);
	return pprof_reader_error(r);
}

static void assert_end(pprof_reader *r)
{
	pprof_profile *p = (pprof_profile *)&p;

	ck_assert_int_eq(pprof_reader_next(r, &p), PPROF_END);
	ck_assert_ptr_null(p);
}

/* A distinguishable profile: pb_small(n, 0) with period n (total n, 10n). */
static PbProfile *nth_profile(int64_t n)
{
	PbProfile *p = pb_small(n, 0);

	p->period = n;
	return p;
}

static void close_fd(void *p)
{
	close(*(int *)p);
	free(p);
}

/* A temporary file holding b, open for reading at offset 0 (closed at teardown). */
static int temp_fd(const buf *b)
{
	char path[] = "/tmp/check_libpprof.XXXXXX";
	int *fd = malloc(sizeof(int));
	size_t done = 0;

	ck_assert_ptr_nonnull(fd);
	*fd = mkstemp(path);
	ck_assert_int_ge(*fd, 0);
	defer(fd, close_fd);
	unlink(path);
	while (done < b->len) {
		ssize_t n = write(*fd, b->data + done, b->len - done);
		ck_assert_int_gt(n, 0);
		done += (size_t)n;
	}
	ck_assert_int_eq(lseek(*fd, 0, SEEK_SET), 0);
	return *fd;
}

/* A pipe whose read end gets b from a child process writing chunk bytes at a
 * time (so the reader sees short reads); the child is reaped at teardown. */
typedef struct {
	int fd;
	pid_t pid;
} piped;

static void piped_end(void *p)
{
	piped *pp = p;
	int status;

	if (pp->fd >= 0)
		close(pp->fd);
	if (pp->pid > 0)
		waitpid(pp->pid, &status, 0);
	free(pp);
}

static int pipe_fd(const buf *b, size_t chunk)
{
	piped *pp = malloc(sizeof(*pp));
	int fds[2];

	ck_assert_ptr_nonnull(pp);
	pp->fd = -1;
	pp->pid = -1;
	defer(pp, piped_end); /* before fork: the child leaks nothing */
	ck_assert_int_eq(pipe(fds), 0);
	pp->pid = fork();
	ck_assert_int_ge(pp->pid, 0);
	if (pp->pid == 0) {
		size_t done = 0;
		close(fds[0]);
		while (done < b->len) {
			size_t n = b->len - done < chunk ? b->len - done : chunk;
			ssize_t w = write(fds[1], b->data + done, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				_exit(1);
			done += (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	pp->fd = fds[0];
	return pp->fd;
}

/* ---- gzip members and plain input ----------------------------------- */

START_TEST(test_three_members_three_profiles)
{
	buf *raw[3], *members[3];
	pprof_reader *r;
	int i;

	for (i = 0; i < 3; i++) {
		raw[i] = pb_bytes(nth_profile(i + 1));
		members[i] = gz(raw[i]->data, raw[i]->len, 6);
	}
	buf *stream = BUF_JOIN(members[0], members[1], members[2]);
	r = reader_buf(stream);
	for (i = 0; i < 3; i++) {
		pprof_profile *p = next_ok(r);
		ck_assert_int_eq(pprof_profile_period(p), i + 1);
		ck_assert_int_eq(pprof_profile_total(p, 1), 10 * (i + 1));
		ck_assert_uint_eq(pprof_reader_count(r), (unsigned long)i + 1);
	}
	assert_end(r);
	assert_end(r); /* and stays at the end */
	ck_assert_uint_eq(pprof_reader_count(r), 3);
	ck_assert_uint_eq(pprof_reader_bytes_in(r), stream->len);
	ck_assert_uint_eq(pprof_reader_bytes_out(r), raw[0]->len + raw[1]->len + raw[2]->len);
}
END_TEST

START_TEST(test_plain_protobuf_is_one_profile)
{
	buf *raw = pb_bytes(nth_profile(7));
	pprof_reader *r = reader_buf(raw);
	pprof_profile *p = next_ok(r);

	ck_assert_int_eq(pprof_profile_period(p), 7);
	ck_assert_uint_eq(pprof_profile_sample_count(p), 2);
	assert_end(r);
	ck_assert_uint_eq(pprof_reader_count(r), 1);
	ck_assert_uint_eq(pprof_reader_bytes_in(r), raw->len);
	ck_assert_uint_eq(pprof_reader_bytes_out(r), raw->len);
}
END_TEST

START_TEST(test_empty_input_is_end_with_count_zero)
{
	buf *empty = buf_new();
	pprof_reader *r = reader_buf(empty);

	assert_end(r);
	assert_end(r);
	ck_assert_uint_eq(pprof_reader_count(r), 0);
	ck_assert_uint_eq(pprof_reader_bytes_out(r), 0);
}
END_TEST

START_TEST(test_fd_pipe_short_reads)
{
	/* Members bigger than any sensible read buffer, with a string of
	 * incompressible bytes, written in odd-sized chunks: member boundaries
	 * fall anywhere inside a read. */
	buf *members[3];
	pprof_reader *r;
	int i;

	srand(1);
	for (i = 0; i < 3; i++) {
		PbProfile *p = nth_profile(i + 1);
		char big[200 * 1024 + 1];
		size_t k;
		for (k = 0; k + 1 < sizeof(big); k++)
			big[k] = (char)('!' + rand() % 90);
		big[sizeof(big) - 1] = '\0';
		pb_comment(p, big);
		members[i] = pb_gz(p);
	}
	buf *stream = BUF_JOIN(members[0], members[1], members[2]);
	r = reader_fd(pipe_fd(stream, 4099));
	for (i = 0; i < 3; i++) {
		pprof_profile *p = next_ok(r);
		ck_assert_int_eq(pprof_profile_period(p), i + 1);
	}
	assert_end(r);
	ck_assert_uint_eq(pprof_reader_count(r), 3);
	ck_assert_uint_eq(pprof_reader_bytes_in(r), stream->len);
}
END_TEST

START_TEST(test_fd_pipe_one_byte_writes)
{
	/* The gzip magic itself arrives in two reads. */
	buf *stream = BUF_JOIN(pb_gz(nth_profile(1)), pb_gz(nth_profile(2)));
	pprof_reader *r = reader_fd(pipe_fd(stream, 1));

	ck_assert_int_eq(pprof_profile_period(next_ok(r)), 1);
	ck_assert_int_eq(pprof_profile_period(next_ok(r)), 2);
	assert_end(r);
	ck_assert_uint_eq(pprof_reader_count(r), 2);
}
END_TEST

START_TEST(test_fd_pipe_plain)
{
	buf *raw = pb_bytes(nth_profile(6));
	pprof_reader *r = reader_fd(pipe_fd(raw, 3));

	ck_assert_int_eq(pprof_profile_period(next_ok(r)), 6);
	assert_end(r);
	ck_assert_uint_eq(pprof_reader_bytes_in(r), raw->len);
	ck_assert_uint_eq(pprof_reader_bytes_out(r), raw->len);
}
END_TEST

START_TEST(test_fd_temp_file_plain)
{
	buf *raw = pb_bytes(nth_profile(5));
	pprof_reader *r = reader_fd(temp_fd(raw));

	ck_assert_int_eq(pprof_profile_period(next_ok(r)), 5);
	assert_end(r);
	ck_assert_uint_eq(pprof_reader_count(r), 1);
	ck_assert_uint_eq(pprof_reader_bytes_in(r), raw->len);
}
END_TEST

START_TEST(test_fd_empty_file)
{
	pprof_reader *r = reader_fd(temp_fd(buf_new()));

	assert_end(r);
	ck_assert_uint_eq(pprof_reader_count(r), 0);
}
END_TEST

START_TEST(test_fd_read_error)
{
	int *fd = malloc(sizeof(int));
	const char *msg;

	ck_assert_ptr_nonnull(fd);
	*fd = open("/", O_RDONLY); /* read(2) on a directory fails: EISDIR */
	ck_assert_int_ge(*fd, 0);
	defer(fd, close_fd);
	msg = next_fails(reader_fd(*fd), PPROF_ERR_IO);
	ck_assert_contains(msg, "read error");
	ck_assert_contains(msg, strerror(EISDIR));
}
END_TEST

/* ---- damaged input ---------------------------------------------------- */

START_TEST(test_truncated_gzip)
{
	buf *member = pb_gz(nth_profile(1));
	size_t cuts[] = { 2, 11, member->len / 2, member->len - 4, member->len - 1 };
	size_t i;

	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		const char *msg;
		int rc = read_all(buf_prefix(member, cuts[i]), &msg);
		ck_assert_msg(rc == PPROF_ERR_DATA, "cut at %zu: code %d", cuts[i], rc);
		ck_assert_prefix(msg, "profile 1: ");
		ck_assert_contains(msg, "truncated");
	}
}
END_TEST

START_TEST(test_truncated_second_member)
{
	buf *second = pb_gz(nth_profile(2));
	buf *stream = BUF_JOIN(pb_gz(nth_profile(1)), buf_prefix(second, second->len - 3));
	pprof_reader *r = reader_buf(stream);
	const char *msg;

	next_ok(r);
	msg = next_fails(r, PPROF_ERR_DATA);
	ck_assert_str_eq(msg, "profile 2: truncated gzip data");
	ck_assert_uint_eq(pprof_reader_count(r), 1);
}
END_TEST

START_TEST(test_corrupt_gzip_crc)
{
	buf *member = pb_gz(nth_profile(1));
	const char *msg;

	member->data[member->len - 8] ^= 0x55; /* first byte of the CRC-32 */
	ck_assert_int_eq(read_all(member, &msg), PPROF_ERR_DATA);
	ck_assert_prefix(msg, "profile 1: corrupt gzip data");
}
END_TEST

START_TEST(test_corrupt_gzip_deflate_data)
{
	buf *member = pb_gz(nth_profile(1));
	const char *msg;

	member->data[10] = 0xff; /* first deflate block: type 3, invalid */
	ck_assert_int_eq(read_all(member, &msg), PPROF_ERR_DATA);
	ck_assert_prefix(msg, "profile 1: corrupt gzip data");
}
END_TEST

START_TEST(test_corrupt_gzip_header)
{
	buf *member = pb_gz(nth_profile(1));
	const char *msg;

	member->data[2] = 9; /* compression method other than deflate */
	ck_assert_int_eq(read_all(member, &msg), PPROF_ERR_DATA);
	ck_assert_prefix(msg, "profile 1: corrupt gzip data");
}
END_TEST

START_TEST(test_trailing_garbage_after_member)
{
	buf *garbage = buf_new();
	pprof_reader *r;

	buf_add(garbage, "garbage", 7);
	r = reader_buf(BUF_JOIN(pb_gz(nth_profile(1)), garbage));
	ck_assert_int_eq(pprof_profile_period(next_ok(r)), 1);
	ck_assert_str_eq(next_fails(r, PPROF_ERR_DATA),
	                 "profile 2: trailing garbage after gzip data");
	ck_assert_uint_eq(pprof_reader_count(r), 1);
}
END_TEST

START_TEST(test_trailing_single_byte)
{
	buf *garbage = buf_new();
	pprof_reader *r;

	buf_add(garbage, "\x1f", 1); /* half a gzip magic */
	r = reader_buf(BUF_JOIN(pb_gz(nth_profile(1)), garbage));
	next_ok(r);
	ck_assert_prefix(next_fails(r, PPROF_ERR_DATA), "profile 2: ");
}
END_TEST

START_TEST(test_third_member_broken_protobuf)
{
	buf *bad = gz("\xff\xff\xff\xff", 4, 6);
	pprof_reader *r = reader_buf(
		BUF_JOIN(pb_gz(nth_profile(1)), pb_gz(nth_profile(2)), bad, pb_gz(nth_profile(4))));

	next_ok(r);
	next_ok(r);
	ck_assert_str_eq(next_fails(r, PPROF_ERR_DATA),
	                 "profile 3: not a valid profile.proto message (malformed protobuf)");
	ck_assert_uint_eq(pprof_reader_count(r), 2);
	/* The reader is done after an error: no fourth profile. */
	{
		pprof_profile *p = NULL;
		ck_assert_int_ne(pprof_reader_next(r, &p), PPROF_OK);
		ck_assert_ptr_null(p);
	}
}
END_TEST

START_TEST(test_third_member_invalid_profile)
{
	PbProfile *bad = nth_profile(3);
	pprof_reader *r;

	bad->sample[0]->location_id[0] = 99;
	r = reader_buf(BUF_JOIN(pb_gz(nth_profile(1)), pb_gz(nth_profile(2)), pb_gz(bad)));
	next_ok(r);
	next_ok(r);
	ck_assert_str_eq(next_fails(r, PPROF_ERR_DATA),
	                 "profile 3: sample 1: location id 99 does not exist");
}
END_TEST

START_TEST(test_empty_member_is_an_error)
{
	pprof_reader *r = reader_buf(BUF_JOIN(pb_gz(nth_profile(1)), gz("", 0, 6)));

	next_ok(r);
	ck_assert_prefix(next_fails(r, PPROF_ERR_DATA), "profile 2: ");
}
END_TEST

/* ---- size limits ------------------------------------------------------ */

START_TEST(test_decompression_bomb)
{
	const uint64_t limit = 1 << 20;
	buf *bomb = gz_zeros((uint64_t)64 << 20, 9); /* 64 MiB of zeros, ~64 KiB */
	pprof_reader *r = reader_buf(bomb);
	const char *msg;

	pprof_reader_set_max_size(r, limit);
	msg = next_fails(r, PPROF_ERR_LIMIT);
	ck_assert_str_eq(msg, "profile 1: larger than the limit of 1048576 bytes uncompressed");
	ck_assert_uint_le(pprof_reader_bytes_out(r), limit + 1);
	ck_assert_uint_eq(pprof_reader_count(r), 0);
}
END_TEST

START_TEST(test_memory_bomb_of_empty_samples)
{
	/* 2M empty samples: 4 MiB on the wire, under any size limit, but about
	 * 160 MiB as protobuf-c structs: refused as implausible, not decoded. */
	const size_t n = 2u << 20;
	buf *raw = buf_new();
	pprof_reader *r;
	char want[200];
	size_t i;

	buf_add(raw, "\x32\x00", 2); /* the string table: "" */
	for (i = 0; i < n; i++)
		buf_add(raw, "\x12\x00", 2);
	r = reader_buf(raw);
	/* The documented allowance: 16 MiB plus 32 times the encoded size. */
	snprintf(want, sizeof(want),
	         "profile 1: decoded, it would take more than %zu bytes "
	         "(32 times its size): not a plausible profile",
	         (size_t)(16u << 20) + 32 * raw->len);
	ck_assert_str_eq(next_fails(r, PPROF_ERR_LIMIT), want);
}
END_TEST

START_TEST(test_limit_stops_reading_early_gzip)
{
	/* Stored (level 0) so input bytes track output bytes: a reader that
	 * inflated the whole member before checking would read all 16 MiB. */
	const uint64_t limit = 1 << 20;
	pprof_reader *r = reader_fd(temp_fd(gz_zeros((uint64_t)16 << 20, 0)));

	pprof_reader_set_max_size(r, limit);
	next_fails(r, PPROF_ERR_LIMIT);
	ck_assert_uint_lt(pprof_reader_bytes_in(r), (uint64_t)4 << 20);
}
END_TEST

START_TEST(test_limit_stops_reading_early_plain)
{
	const uint64_t limit = 1 << 20;
	buf *big = buf_new();
	pprof_reader *r;
	char line[1024];
	size_t i;

	memset(line, '.', sizeof(line)); /* no gzip magic: one plain profile */
	for (i = 0; i < 16 * 1024; i++)
		buf_add(big, line, sizeof(line));
	r = reader_fd(temp_fd(big));
	pprof_reader_set_max_size(r, limit);
	ck_assert_prefix(next_fails(r, PPROF_ERR_LIMIT), "profile 1: larger than the limit");
	ck_assert_uint_lt(pprof_reader_bytes_in(r), (uint64_t)4 << 20);
}
END_TEST

START_TEST(test_max_size_exact_plain)
{
	buf *raw = pb_bytes(nth_profile(1));
	pprof_reader *r = reader_buf(raw);

	pprof_reader_set_max_size(r, raw->len);
	next_ok(r);
	assert_end(r);

	char want[128];
	snprintf(want, sizeof(want), "profile 1: larger than the limit of %zu bytes uncompressed",
	         raw->len - 1);
	r = reader_buf(raw);
	pprof_reader_set_max_size(r, raw->len - 1);
	ck_assert_str_eq(next_fails(r, PPROF_ERR_LIMIT), want);
}
END_TEST

START_TEST(test_max_size_exact_gzip)
{
	buf *raw = pb_bytes(nth_profile(1));
	buf *member = gz(raw->data, raw->len, 6);
	pprof_reader *r = reader_buf(member);

	pprof_reader_set_max_size(r, raw->len);
	next_ok(r);
	assert_end(r);

	r = reader_buf(member);
	pprof_reader_set_max_size(r, raw->len - 1);
	ck_assert_prefix(next_fails(r, PPROF_ERR_LIMIT), "profile 1: larger than the limit");
}
END_TEST

START_TEST(test_limit_is_per_profile)
{
	/* Three members of the same size, each exactly at the limit: the limit
	 * applies to one profile, not to the stream. */
	buf *raw = pb_bytes(nth_profile(1));
	buf *member = gz(raw->data, raw->len, 6);
	pprof_reader *r = reader_buf(BUF_JOIN(member, member, member));
	int i;

	pprof_reader_set_max_size(r, raw->len);
	for (i = 0; i < 3; i++)
		next_ok(r);
	assert_end(r);
	ck_assert_uint_eq(pprof_reader_bytes_out(r), 3 * raw->len);
}
END_TEST

START_TEST(test_limit_error_names_position)
{
	PbProfile *big = nth_profile(3);
	buf *raw_small = pb_bytes(nth_profile(1));
	pprof_reader *r;

	pb_comment(big, "a comment that makes the third profile larger than the others");
	r = reader_buf(BUF_JOIN(pb_gz(nth_profile(1)), pb_gz(nth_profile(2)), pb_gz(big)));
	pprof_reader_set_max_size(r, raw_small->len);
	next_ok(r);
	next_ok(r);
	ck_assert_prefix(next_fails(r, PPROF_ERR_LIMIT), "profile 3: larger than the limit");
}
END_TEST

/* ---- inflating ahead in the reader's thread ------------------------- */

static pprof_reader *ahead(pprof_reader *r)
{
	ck_assert_int_eq(pprof_reader_inflate_ahead(r), PPROF_OK);
	return r;
}

START_TEST(test_ahead_pipe_same_profiles_and_counts)
{
	buf *raw[5], *members[5];
	pprof_reader *r;
	int i;

	for (i = 0; i < 5; i++) {
		raw[i] = pb_bytes(nth_profile(i + 1));
		members[i] = gz(raw[i]->data, raw[i]->len, 6);
	}
	buf *stream = BUF_JOIN(members[0], members[1], members[2], members[3], members[4]);
	r = ahead(reader_fd(pipe_fd(stream, 7)));
	for (i = 0; i < 5; i++) {
		pprof_profile *p = next_ok(r);
		ck_assert_int_eq(pprof_profile_period(p), i + 1);
		ck_assert_uint_eq(pprof_reader_count(r), (unsigned long)i + 1);
	}
	assert_end(r);
	assert_end(r);
	ck_assert_uint_eq(pprof_reader_count(r), 5);
	ck_assert_uint_eq(pprof_reader_bytes_in(r), stream->len);
	ck_assert_uint_eq(pprof_reader_bytes_out(r),
	                  raw[0]->len + raw[1]->len + raw[2]->len + raw[3]->len + raw[4]->len);
}
END_TEST

START_TEST(test_ahead_counts_follow_the_caller)
{
	/* The thread may have inflated all three; the counts are those of the
	 * profiles returned. */
	buf *raw = pb_bytes(nth_profile(1));
	buf *member = gz(raw->data, raw->len, 6);
	pprof_reader *r = ahead(reader_buf(BUF_JOIN(member, member, member)));

	next_ok(r);
	ck_assert_uint_eq(pprof_reader_count(r), 1);
	ck_assert_uint_eq(pprof_reader_bytes_out(r), raw->len);
	next_ok(r);
	ck_assert_uint_eq(pprof_reader_bytes_out(r), 2 * raw->len);
}
END_TEST

START_TEST(test_ahead_decode_error_names_position)
{
	buf *bad = gz("\xff\xff\xff\xff", 4, 6);
	pprof_reader *r = ahead(reader_buf(BUF_JOIN(pb_gz(nth_profile(1)), pb_gz(nth_profile(2)),
	                                            bad, pb_gz(nth_profile(4)))));

	next_ok(r);
	next_ok(r);
	ck_assert_str_eq(next_fails(r, PPROF_ERR_DATA),
	                 "profile 3: not a valid profile.proto message (malformed protobuf)");
	ck_assert_uint_eq(pprof_reader_count(r), 2);
	assert_end(r); /* done after an error, though the fourth was read */
}
END_TEST

START_TEST(test_ahead_read_errors_name_position)
{
	buf *one = pb_gz(nth_profile(1));
	buf *two = pb_gz(nth_profile(2));
	pprof_reader *r = ahead(reader_buf(BUF_JOIN(one, buf_prefix(two, two->len - 3))));

	next_ok(r);
	ck_assert_str_eq(next_fails(r, PPROF_ERR_DATA), "profile 2: truncated gzip data");
	assert_end(r);

	buf *raw = pb_bytes(nth_profile(1));
	buf *member = gz(raw->data, raw->len, 6);
	PbProfile *bigger = nth_profile(3);
	pb_comment(bigger, "one more string makes it larger than the first");
	r = reader_buf(BUF_JOIN(member, member, pb_gz(bigger)));
	pprof_reader_set_max_size(r, raw->len);
	ahead(r);
	next_ok(r);
	next_ok(r);
	ck_assert_prefix(next_fails(r, PPROF_ERR_LIMIT), "profile 3: larger than the limit");
}
END_TEST

START_TEST(test_ahead_free_while_thread_waits_for_input)
{
	/* The writer keeps the pipe open: the thread blocks in read() after
	 * the first profile, and freeing the reader must not wait for it. A
	 * hang here fails the test by its timeout. */
	buf *member = pb_gz(nth_profile(1));
	int fds[2];
	pprof_reader *r;
	pprof_profile *p = NULL;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], member->data, member->len), (ssize_t)member->len);
	r = pprof_reader_new_fd(fds[0]);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(pprof_reader_inflate_ahead(r), PPROF_OK);
	ck_assert_int_eq(pprof_reader_next(r, &p), PPROF_OK);
	pprof_profile_free(p);
	pprof_reader_free(r);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(test_ahead_after_first_profile_does_nothing)
{
	pprof_reader *r = reader_buf(BUF_JOIN(pb_gz(nth_profile(1)), pb_gz(nth_profile(2))));

	next_ok(r);
	ck_assert_int_eq(pprof_reader_inflate_ahead(r), PPROF_OK);
	ck_assert_int_eq(pprof_profile_period(next_ok(r)), 2);
	assert_end(r);
}
END_TEST

Suite *reader_suite(void)
{
	Suite *s = suite_create("reader");
	TCase *tc = tl_tcase("stream");

	tcase_add_test(tc, test_three_members_three_profiles);
	tcase_add_test(tc, test_plain_protobuf_is_one_profile);
	tcase_add_test(tc, test_empty_input_is_end_with_count_zero);
	tcase_add_test(tc, test_fd_pipe_short_reads);
	tcase_add_test(tc, test_fd_pipe_one_byte_writes);
	tcase_add_test(tc, test_fd_pipe_plain);
	tcase_add_test(tc, test_fd_temp_file_plain);
	tcase_add_test(tc, test_fd_empty_file);
	tcase_add_test(tc, test_fd_read_error);
	suite_add_tcase(s, tc);

	tc = tl_tcase("damaged");
	tcase_add_test(tc, test_truncated_gzip);
	tcase_add_test(tc, test_truncated_second_member);
	tcase_add_test(tc, test_corrupt_gzip_crc);
	tcase_add_test(tc, test_corrupt_gzip_deflate_data);
	tcase_add_test(tc, test_corrupt_gzip_header);
	tcase_add_test(tc, test_trailing_garbage_after_member);
	tcase_add_test(tc, test_trailing_single_byte);
	tcase_add_test(tc, test_third_member_broken_protobuf);
	tcase_add_test(tc, test_third_member_invalid_profile);
	tcase_add_test(tc, test_empty_member_is_an_error);
	suite_add_tcase(s, tc);

	tc = tl_tcase("limits");
	tcase_add_test(tc, test_decompression_bomb);
	tcase_add_test(tc, test_memory_bomb_of_empty_samples);
	tcase_add_test(tc, test_limit_stops_reading_early_gzip);
	tcase_add_test(tc, test_limit_stops_reading_early_plain);
	tcase_add_test(tc, test_max_size_exact_plain);
	tcase_add_test(tc, test_max_size_exact_gzip);
	tcase_add_test(tc, test_limit_is_per_profile);
	tcase_add_test(tc, test_limit_error_names_position);
	suite_add_tcase(s, tc);

	tc = tl_tcase("inflate ahead");
	tcase_add_test(tc, test_ahead_pipe_same_profiles_and_counts);
	tcase_add_test(tc, test_ahead_counts_follow_the_caller);
	tcase_add_test(tc, test_ahead_decode_error_names_position);
	tcase_add_test(tc, test_ahead_read_errors_name_position);
	tcase_add_test(tc, test_ahead_free_while_thread_waits_for_input);
	tcase_add_test(tc, test_ahead_after_first_profile_does_nothing);
	suite_add_tcase(s, tc);
	return s;
}
