/* output.c - the output of every pprof-tools program: stdout or an atomic
 * -o FILE (a temporary file beside it, renamed over it on success), with
 * checked writes and terminal checks; and the loop of the programs that map
 * a stream (cli_map_inputs). See output.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"

/* The temporary output file while one exists, for the signal handler. */
static volatile sig_atomic_t have_temp;
static char temp_path[4096];

/* Symbolic links followed from -o FILE at most, as the kernel does (ELOOP). */
#define MAX_LINKS 40

struct cli_output {
	FILE *fp;
	const char *path; /* -o FILE, or NULL for stdout: the name in messages */
	char *target;     /* the file a temporary file is renamed over: FILE,
	                          or where its symbolic links lead; NULL if none */
	pprof_writer *writer;
	int level, jobs;
	bool binary; /* profiles, not a text report */
	bool failed; /* a write failed and was reported */
};

/* Removes the temporary file and dies of the signal, as if unhandled. */
static void on_fatal_signal(int sig)
{
	if (have_temp)
		unlink(temp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Catches sig to remove the temporary file, unless the caller ignores it:
 * under nohup (or trap '' HUP) an ignored signal stays ignored. */
static void catch_fatal_signal(int sig)
{
	struct sigaction old, sa;

	if (sigaction(sig, NULL, &old) != 0 || old.sa_handler == SIG_IGN)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
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

/* The directory part of path, malloc'd: "." when it has no slash, "/" for
 * "/NAME". NULL when out of memory. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t len = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
	char *dir = malloc(len + 2);

	if (dir) {
		memcpy(dir, len ? path : ".", len ? len : 1);
		dir[len ? len : 1] = '\0';
	}
	return dir;
}

/* Where the symbolic link at path points, malloc'd: its text, put after the
 * link's directory when relative. NULL with errno set on failure. */
static char *link_target(const char *path)
{
	char text[4096], *dir, *joined;
	ssize_t n = readlink(path, text, sizeof(text) - 1);

	if (n < 0)
		return NULL;
	if ((size_t)n == sizeof(text) - 1) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	text[n] = '\0';
	if (text[0] == '/' || !strchr(path, '/'))
		return strdup(text);
	if (!(dir = dir_of(path)))
		return NULL;
	joined = malloc(strlen(dir) + 1 + (size_t)n + 1);
	if (joined)
		sprintf(joined, "%s/%s", dir, text);
	free(dir);
	return joined;
}

/* The file that -o path replaces, malloc'd: path, or where its chain of
 * symbolic links ends, so that the link stays a link. The end need not
 * exist (a dangling link): it is then created, as a shell's > does. NULL
 * with errno set on failure (ELOOP for a loop). */
static char *resolve_links(const char *path)
{
	char *cur = strdup(path), *next;
	struct stat st;
	int hops;

	for (hops = 0; cur && lstat(cur, &st) == 0 && S_ISLNK(st.st_mode); hops++) {
		if (hops == MAX_LINKS) {
			free(cur);
			errno = ELOOP;
			return NULL;
		}
		next = link_target(cur);
		free(cur);
		cur = next;
	}
	return cur;
}

/* Creates the temporary file beside out->target ("DIR/.NAME.XXXXXX", so
 * rename stays within one file system) and opens it as out->fp. */
static bool open_temp(cli_output *out)
{
	const char *target = out->target;
	const char *slash = strrchr(target, '/');
	int dir_len = slash ? (int)(slash - target) + 1 : 0;
	int fd, n;

	n = snprintf(temp_path, sizeof(temp_path), "%.*s.%s.XXXXXX", dir_len, target,
	             target + dir_len);
	if (n < 0 || (size_t)n >= sizeof(temp_path)) {
		errno = ENAMETOOLONG;
		return false;
	}
	catch_fatal_signal(SIGINT);
	catch_fatal_signal(SIGTERM);
	catch_fatal_signal(SIGHUP);
	fd = mkstemp(temp_path);
	if (fd < 0)
		return false;
	have_temp = 1;
	if (fchmod(fd, output_mode(target)) != 0 || !(out->fp = fdopen(fd, "wb"))) {
		int saved = errno;
		close(fd);
		unlink(temp_path);
		have_temp = 0;
		errno = saved;
		return false;
	}
	return true;
}

/* Whether path, whose symbolic links followed, is the same file as fd. */
static bool same_file(const struct stat *st, int fd)
{
	struct stat fd_st;

	return fstat(fd, &fd_st) == 0 && fd_st.st_dev == st->st_dev && fd_st.st_ino == st->st_ino;
}

/*
 * Whether -o path is written directly rather than replaced: a device or
 * FIFO (-o /dev/null, -o /dev/stderr, -o some.fifo, or a link to one),
 * which a temporary file renamed over it would turn into a plain file; and
 * our own stdout or stderr (-o /dev/stdout when stdout is a file), which
 * the caller's redirection holds open: a rename would detach it.
 */
static bool writes_directly(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return false;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return true;
	return same_file(&st, STDOUT_FILENO) || same_file(&st, STDERR_FILENO);
}

/* Refuses, before any work, an -o FILE that cannot be written: an empty
 * name or a directory (usage errors: exit 2), or a FILE whose directory is
 * missing (false after a message). */
static bool target_usable(const char *path)
{
	struct stat st;
	char *target, *dir = NULL;
	bool ok;

	if (!*path)
		cli_usage_error("-o '': the file name is empty");
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		cli_usage_error("-o %s: is a directory", path);
	if (writes_directly(path))
		return true;
	if (!(target = resolve_links(path))) {
		cli_warn("%s: %s", path, strerror(errno));
		return false;
	}
	ok = (dir = dir_of(target)) && stat(dir, &st) == 0;
	if (ok && !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		ok = false;
	}
	if (!ok)
		cli_warn("%s: cannot create a file in %s: %s", path, dir ? dir : ".",
		         strerror(errno));
	free(target);
	free(dir);
	return ok;
}

bool cli_output_allowed(const cli_options *o, bool binary)
{
	if (o->path)
		return target_usable(o->path);
	if (binary && o->level != PPROF_UNCOMPRESSED && !o->force && isatty(STDOUT_FILENO)) {
		cli_warn("compressed data not written to a terminal; use -f to force, or -o FILE");
		return false;
	}
	return true;
}

/* Opens -o FILE for out: directly, or as a temporary file beside the file it
 * will replace. False after a message. */
static bool open_path(cli_output *out)
{
	char *dir;

	if (writes_directly(out->path)) {
		if (!(out->fp = fopen(out->path, "wb")))
			cli_warn("%s: %s", out->path, strerror(errno));
		return out->fp != NULL;
	}
	if (!(out->target = resolve_links(out->path))) {
		cli_warn("%s: %s", out->path, strerror(errno));
		return false;
	}
	if (open_temp(out))
		return true;
	dir = dir_of(out->target);
	cli_warn("%s: cannot create a temporary file in %s: %s", out->path, dir ? dir : ".",
	         strerror(errno));
	free(dir);
	return false;
}

/* Releases out; the file behind it is already closed or removed. */
static void output_free(cli_output *out)
{
	pprof_writer_free(out->writer);
	free(out->target);
	free(out);
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
	out->binary = binary;
	if (!cli_output_allowed(o, binary)) {
		free(out);
		return NULL;
	}
	if (!o->path) {
		out->fp = stdout;
		return out;
	}
	if (!open_path(out)) {
		output_free(out);
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
		pprof_writer_new(&out->writer, output_sink, out, out->level);
		if (out->writer && pprof_writer_set_jobs(out->writer, out->jobs) != PPROF_OK) {
			pprof_writer_free(out->writer);
			out->writer = NULL;
		}
	}
	return out->writer;
}

/* A text report whose reader stopped reading (pprof-stat | head): that is
 * normal, so the program stops here, quietly and successfully. A profile
 * cut short stays an error. Call with errno from the failed write. */
static void stop_if_reader_gone(const cli_output *out)
{
	if (!out->binary && !out->path && errno == EPIPE)
		exit(EXIT_OK);
}

bool cli_output_printf(cli_output *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(out->fp, fmt, ap);
	va_end(ap);
	if (n < 0)
		stop_if_reader_gone(out);
	if (n < 0 && !out->failed) {
		cli_warn("%s: write error: %s", out->path ? out->path : "(stdout)",
		         strerror(errno));
		out->failed = true;
	}
	return n >= 0;
}

/* Flushes the output and, for a temporary file, syncs it to the disk;
 * false with errno set. */
static bool flush_output(cli_output *out)
{
	if (fflush(out->fp) != 0 || ferror(out->fp)) {
		stop_if_reader_gone(out);
		return false;
	}
	return !out->target || fsync(fileno(out->fp)) == 0;
}

/* Syncs the directory of the file just renamed into it, so that a crash
 * cannot lose the new name. A file system that cannot sync directories
 * (EINVAL), or a directory we may not open, is left as it is. */
static bool sync_dir_of(const char *path)
{
	char *dir = dir_of(path);
	int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY) : -1;
	bool ok = fd < 0 || fsync(fd) == 0 || errno == EINVAL;
	int saved = errno;

	if (fd >= 0)
		close(fd);
	free(dir);
	errno = saved;
	return ok;
}

int cli_output_commit(cli_output *out)
{
	const char *name = out->path ? out->path : "(stdout)";
	bool renamed = out->target != NULL;
	bool ok = !out->failed && flush_output(out);

	if (fclose(out->fp) != 0)
		ok = false;
	if (ok && renamed && rename(temp_path, out->target) != 0)
		ok = false;
	if (!ok && !out->failed)
		cli_warn("%s: write error: %s", name, strerror(errno));
	if (renamed && (!ok || out->failed))
		unlink(temp_path);
	have_temp = 0;
	if (ok && renamed && !sync_dir_of(out->target)) {
		cli_warn("%s: cannot sync its directory: %s", name, strerror(errno));
		ok = false;
	}
	output_free(out);
	return ok ? EXIT_OK : EXIT_DATA;
}

void cli_output_abort(cli_output *out)
{
	if (!out)
		return;
	if (out->path) {
		fclose(out->fp);
		if (out->target)
			unlink(temp_path);
		have_temp = 0;
	}
	output_free(out);
}

/* ---- terminals ----------------------------------------------------------- */

void cli_refuse_terminal_input(int argc, char **argv)
{
	bool reads_stdin = argc == 0;
	int i;

	for (i = 0; i < argc; i++)
		reads_stdin |= strcmp(argv[i], "-") == 0;
	if (reads_stdin && isatty(STDIN_FILENO))
		cli_usage_error("no profile is read from a terminal; name FILEs, or pipe a "
		                "profile in");
}

/* ---- streams: one output profile per input profile -------------------- */

/* cli_map_inputs' state, passed through cli_read_inputs. */
typedef struct {
	cli_map_fn fn;
	void *ctx;
	cli_output *out;
	pprof_writer *writer;
	const char *out_name;
	bool raw;           /* --uncompressed: room for one profile only */
	unsigned long read; /* profiles read */
	unsigned long written;
	bool keep_going; /* a profile that cannot be written is skipped */
} map_state;

static int map_one(void *ctx, const cli_profile_info *info, pprof_profile *p)
{
	map_state *st = ctx;
	int status = EXIT_OK;
	pprof_profile *result = st->fn(st->ctx, info->name, info->index, p, &status);

	st->read++;
	if (!result)
		return status;
	if (st->raw && st->written++ > 0) {
		cli_input_problem(st->keep_going,
		                  "%s: profile %lu: --uncompressed writes one "
		                  "profile, and this is the second (raw protobufs cannot be "
		                  "concatenated)",
		                  info->name, info->index);
		pprof_profile_free(result);
		return EXIT_DATA;
	}
	if (pprof_writer_put(st->writer, result) != PPROF_OK) {
		cli_warn("%s: %s", st->out_name, pprof_writer_error(st->writer));
		status = EXIT_DATA;
	}
	pprof_profile_free(result);
	return status;
}

int cli_map_inputs(int argc, char **argv, const cli_options *o, const cli_read_options *ro,
                   cli_map_fn fn, void *ctx)
{
	map_state st = { fn,
		         ctx,
		         NULL,
		         NULL,
		         o->path ? o->path : "(stdout)",
		         o->level == PPROF_UNCOMPRESSED,
		         0,
		         0,
		         ro->keep_going };
	unsigned long skipped = 0;
	int status;

	st.out = cli_output_open(o, true);
	if (!st.out)
		return EXIT_DATA;
	st.writer = cli_output_writer(st.out);
	if (!st.writer) {
		cli_warn("out of memory");
		cli_output_abort(st.out);
		return EXIT_DATA;
	}
	status = cli_read_inputs(argc, argv, ro, map_one, &st, &skipped);
	if (status == EXIT_OK && skipped && st.read == 0) {
		cli_warn("no profile could be read");
		status = EXIT_DATA;
	}
	if (status != EXIT_OK) {
		cli_output_abort(st.out);
		return status;
	}
	return cli_output_commit(st.out);
}
