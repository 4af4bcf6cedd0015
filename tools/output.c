/* output.c - the output of every pprof-tools program: stdout or an atomic
 * -o FILE (a temporary file beside it, renamed over it on success), with
 * checked writes; see cli.h. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The temporary output file while one exists, for the signal handler. */
static volatile sig_atomic_t have_temp;
static char temp_path[4096];

struct cli_output {
	FILE *fp;
	const char *path;      /* -o FILE, or NULL for stdout */
	pprof_writer *writer;
	int level, jobs;
	bool failed;           /* a write failed and was reported */
	bool direct;           /* -o names a device or FIFO: written as it is */
};

/* Removes the temporary file and dies of the signal, as if unhandled. */
static void on_fatal_signal(int sig)
{
	if (have_temp)
		unlink(temp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The mode a new FILE gets: that of the file it replaces, else 0666 & ~umask. */
static mode_t output_mode(const char *path)
{
	struct stat st;
	mode_t mask;

	if (stat(path, &st) == 0)
		return st.st_mode & 07777;
	mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

/* Creates the temporary file beside path ("DIR/.NAME.XXXXXX", so rename
 * stays within one file system) and opens it as out->fp. */
static bool open_temp(cli_output *out)
{
	const char *slash = strrchr(out->path, '/');
	int dir_len = slash ? (int)(slash - out->path) + 1 : 0;
	int fd, n;

	n = snprintf(temp_path, sizeof(temp_path), "%.*s.%s.XXXXXX", dir_len, out->path,
	             out->path + dir_len);
	if (n < 0 || (size_t)n >= sizeof(temp_path)) {
		errno = ENAMETOOLONG;
		return false;
	}
	signal(SIGINT, on_fatal_signal);
	signal(SIGTERM, on_fatal_signal);
	signal(SIGHUP, on_fatal_signal);
	fd = mkstemp(temp_path);
	if (fd < 0)
		return false;
	have_temp = 1;
	if (fchmod(fd, output_mode(out->path)) != 0 || !(out->fp = fdopen(fd, "wb"))) {
		int saved = errno;
		close(fd);
		unlink(temp_path);
		have_temp = 0;
		errno = saved;
		return false;
	}
	return true;
}

/* Whether path exists and is neither a regular file nor a directory: a
 * device or FIFO (-o /dev/null, -o /dev/stderr, -o some.fifo). A temporary
 * file renamed over it would replace the device with a plain file, so such
 * a FILE is written directly, as a shell redirection does. */
static bool is_special_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

bool cli_output_allowed(const cli_options *o, bool binary)
{
	if (!o->path && binary && o->level != PPROF_UNCOMPRESSED && !o->force &&
	    isatty(STDOUT_FILENO)) {
		cli_warn("compressed data not written to a terminal; use -f to force, or -o FILE");
		return false;
	}
	return true;
}

cli_output *cli_output_open(const cli_options *o, bool binary)
{
	cli_output *out = calloc(1, sizeof(*out));

	if (!out) {
		cli_warn("out of memory");
		return NULL;
	}
	out->path = o->path;
	out->level = o->level;
	out->jobs = o->jobs;
	if (!cli_output_allowed(o, binary)) {
		free(out);
		return NULL;
	}
	if (!o->path) {
		out->fp = stdout;
		return out;
	}
	if (is_special_file(o->path)) {
		out->direct = true;
		if (!(out->fp = fopen(o->path, "wb"))) {
			cli_warn("%s: %s", o->path, strerror(errno));
			free(out);
			return NULL;
		}
		return out;
	}
	if (!open_temp(out)) {
		cli_warn("%s: cannot create a temporary file beside it: %s", o->path, strerror(errno));
		free(out);
		return NULL;
	}
	return out;
}

/* pprof_writer's sink: a checked fwrite. */
static int output_sink(void *ctx, const void *data, size_t size)
{
	cli_output *out = ctx;

	if (fwrite(data, 1, size, out->fp) != size) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

pprof_writer *cli_output_writer(cli_output *out)
{
	if (!out->writer) {
		out->writer = pprof_writer_new(output_sink, out, out->level);
		if (out->writer && pprof_writer_set_jobs(out->writer, out->jobs) != PPROF_OK) {
			pprof_writer_free(out->writer);
			out->writer = NULL;
		}
	}
	return out->writer;
}

bool cli_output_printf(cli_output *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(out->fp, fmt, ap);
	va_end(ap);
	if (n < 0 && !out->failed) {
		cli_warn("%s: write error: %s", out->path ? out->path : "(stdout)", strerror(errno));
		out->failed = true;
	}
	return n >= 0;
}

/* Releases out; the file behind it is already closed or removed. */
static void output_free(cli_output *out)
{
	pprof_writer_free(out->writer);
	free(out);
}

int cli_output_commit(cli_output *out)
{
	const char *name = out->path ? out->path : "(stdout)";
	bool renamed = out->path && !out->direct;
	bool ok = !out->failed && fflush(out->fp) == 0 && !ferror(out->fp);

	if (ok && renamed && fsync(fileno(out->fp)) != 0)
		ok = false;
	if (fclose(out->fp) != 0)
		ok = false;
	if (ok && renamed && rename(temp_path, out->path) != 0)
		ok = false;
	if (!ok && !out->failed)
		cli_warn("%s: write error: %s", name, strerror(errno));
	if (renamed && (!ok || out->failed))
		unlink(temp_path);
	have_temp = 0;
	output_free(out);
	return ok ? EXIT_OK : EXIT_DATA;
}

void cli_output_abort(cli_output *out)
{
	if (!out)
		return;
	if (out->path) {
		fclose(out->fp);
		if (!out->direct)
			unlink(temp_path);
		have_temp = 0;
	}
	output_free(out);
}
