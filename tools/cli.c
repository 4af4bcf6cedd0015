/* cli.c - the code every pprof-tools program shares; see cli.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_internal.h"

/* The program's name for messages. */
static const char *prog_name = "pprof-tools";

void cli_init(const char *prog)
{
	prog_name = prog;
	opterr = 0;   /* cli_bad_option says it, with the program's name */
	signal(SIGPIPE, SIG_IGN);
}

static void progress_clear(void);

static void vwarn(const char *fmt, va_list ap)
{
	progress_clear();
	fprintf(stderr, "%s: ", prog_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void cli_input_problem(bool skipped, const char *fmt, ...)
{
	va_list ap;

	progress_clear();
	fprintf(stderr, "%s: %s", prog_name, skipped ? "warning: " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(skipped ? "; skipped\n" : "\n", stderr);
}

void cli_report_input(const cli_read_options *ro, const char *message)
{
	cli_input_problem(ro->keep_going && !ro->broken_is_error, "%s", message);
}

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog_name);
	exit(EXIT_USAGE);
}

void cli_bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		cli_usage_error("option '%s' requires an argument", arg);
	if (optopt && strncmp(arg, "--", 2) != 0)
		cli_usage_error("unknown option '-%c'", optopt);
	cli_usage_error("unknown option '%s'", arg);
}

/* Flushes and checks stdout, then exits: --help into a full disk is a failure. */
static __attribute__((noreturn)) void exit_after_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		cli_warn("write error: %s", strerror(errno));
		exit(EXIT_DATA);
	}
	exit(EXIT_OK);
}

void cli_version(void)
{
	printf("%s (pprof-tools) %s\n", prog_name, PACKAGE_VERSION);
	printf("libpprof %s, zlib %s, protobuf-c %s\n", pprof_version(), pprof_zlib_version(),
	       pprof_protobuf_c_version());
	exit_after_stdout();
}

void cli_help(const char *text)
{
	fputs(text, stdout);
	exit_after_stdout();
}

/* ---- options ---------------------------------------------------------- */

void cli_options_init(cli_options *o)
{
	o->path = NULL;
	o->level = 6;   /* what Go's runtime/pprof writes */
	o->force = false;
	o->max_size = PPROF_DEFAULT_MAX_SIZE;
	o->jobs = 1;
}

uint64_t cli_parse_size(const char *what, const char *arg)
{
	static const char *const suffixes[] = { "", "K", "M", "G", "T" };
	char *end;
	uint64_t n;
	unsigned shift = 0, i;

	errno = 0;
	n = strtoull(arg, &end, 10);
	if (errno == ERANGE)
		cli_usage_error("invalid %s '%s': too large", what, arg);
	if (errno || end == arg || arg[0] == '-')
		cli_usage_error("invalid %s '%s': not a number", what, arg);
	for (i = 1; i < sizeof(suffixes) / sizeof(*suffixes); i++)
		if (*end && (end[0] == suffixes[i][0] || end[0] == suffixes[i][0] + 32) &&
		    (!end[1] || strcmp(end + 1, "iB") == 0 || strcmp(end + 1, "B") == 0))
			shift = 10 * i, end += strlen(end);
	if (*end)
		cli_usage_error("invalid %s '%s': use a number of bytes with K, M, G or T", what, arg);
	if (shift && n > (UINT64_MAX >> shift))
		cli_usage_error("invalid %s '%s': too large", what, arg);
	return n << shift;
}

/* Parses a zlib level 0..9. */
static int parse_level(const char *arg)
{
	if (arg[0] >= '0' && arg[0] <= '9' && arg[1] == '\0')
		return arg[0] - '0';
	cli_usage_error("invalid compression level '%s': use 0 to 9", arg);
}

bool cli_options_handle(cli_options *o, int c, const char *arg, const char *help)
{
	switch (c) {
	case 'o': o->path = arg; return true;
	case 'f': o->force = true; return true;
	case OPT_LEVEL: o->level = parse_level(arg); return true;
	case OPT_UNCOMPRESSED: o->level = PPROF_UNCOMPRESSED; return true;
	case OPT_MAX_SIZE: o->max_size = cli_parse_size("--max-size", arg); return true;
	case OPT_HELP: cli_help(help);
	case OPT_VERSION: cli_version();
	}
	if (c >= '0' && c <= '9') {
		o->level = c - '0';
		return true;
	}
	return false;
}

/* ---- input ------------------------------------------------------------ */

const char *cli_input_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "(stdin)" : path;
}

int cli_parse_jobs(const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (end == arg || *end || n < 1 || n > 64)
		cli_usage_error("invalid number of jobs '%s': use 1 to 64", arg);
	return (int)n;
}

int cli_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/*
 * With threads, each reads its own input, and each input's profile may take
 * up to --max-size: a set of decompression bombs would take -j times that.
 * So the readers share a budget, half of --max-size: the one the caller
 * needs first may still take --max-size of its own (pprof_budget_new says
 * why), so together they hold at most 1.5 times --max-size whatever -j.
 */
pprof_budget *cli_read_budget(const cli_read_options *ro, pprof_budget **made)
{
	*made = NULL;
	if (ro->budget)
		return ro->budget;
	return *made = pprof_budget_new(ro->max_size / 2);
}

int cli_read_one_input(const char *path, const cli_read_options *ro, bool inflate_ahead,
                       unsigned long order, cli_profile_fn fn, void *ctx, char *message)
{
	cli_profile_info info = { cli_input_name(path), 0, 0, 0 };
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
	uint64_t in = 0, out = 0;
	pprof_reader *r;
	pprof_profile *p;
	int rc, status = EXIT_OK;

	message[0] = '\0';
	if (fd < 0) {
		snprintf(message, CLI_MESSAGE_LEN, "%s: %s", info.name, strerror(errno));
		return EXIT_DATA;
	}
	r = pprof_reader_new_fd(fd);
	if (!r) {
		snprintf(message, CLI_MESSAGE_LEN, "%s: out of memory", info.name);
		status = EXIT_DATA;
		goto done;
	}
	pprof_reader_set_max_size(r, ro->max_size);
	if (ro->budget)
		pprof_reader_set_budget(r, ro->budget, order);
	if (inflate_ahead)
		pprof_reader_inflate_ahead(r);   /* without a thread, it reads as usual */
	while ((rc = pprof_reader_next(r, &p)) == PPROF_OK) {
		info.index = pprof_reader_count(r);
		info.compressed = pprof_reader_bytes_in(r) - in;
		info.uncompressed = pprof_reader_bytes_out(r) - out;
		in += info.compressed;
		out += info.uncompressed;
		if ((status = fn(ctx, &info, p)) != EXIT_OK)
			goto done;   /* fn said why */
	}
	if (rc != PPROF_END) {
		snprintf(message, CLI_MESSAGE_LEN, "%s: %s", info.name, pprof_reader_error(r));
		status = EXIT_DATA;
	} else if (pprof_reader_count(r) == 0 && !ro->allow_empty) {
		snprintf(message, CLI_MESSAGE_LEN, "%s: empty input", info.name);
		status = EXIT_DATA;
	}
done:
	pprof_reader_free(r);
	if (fd != STDIN_FILENO)
		close(fd);
	return status;
}

/* What an input reads that another input may read too: a stream (pipe,
 * FIFO, socket, device) by its device and inode, and "-", which reads fd 0
 * from where it is, even when that is a regular file. */
typedef struct {
	int kind;   /* 0: a file of its own (a regular file, or not there) */
	dev_t dev;
	ino_t ino;
} stream_key;

static stream_key input_stream(const char *path)
{
	stream_key key = { 0, 0, 0 };
	bool is_stdin = strcmp(path, "-") == 0;
	struct stat st;

	if ((is_stdin ? fstat(STDIN_FILENO, &st) : stat(path, &st)) != 0)
		return key;
	if (!S_ISREG(st.st_mode))
		key.kind = 1, key.dev = st.st_dev, key.ino = st.st_ino;
	else if (is_stdin)
		key.kind = 2;
	return key;
}

bool cli_inputs_sharing_streams(int argc, char **argv, bool *shared)
{
	stream_key *keys = malloc((size_t)argc * sizeof(*keys));
	int *streams = malloc((size_t)argc * sizeof(*streams));   /* inputs with a key */
	int i, j, n = 0;
	bool any = false;

	if (!keys || !streams) {   /* then say all do: read in order, as without threads */
		for (i = 0; shared && i < argc; i++)
			shared[i] = true;
		free(keys);
		free(streams);
		return true;
	}
	for (i = 0; i < argc; i++) {
		if ((keys[i] = input_stream(argv[i])).kind)
			streams[n++] = i;
		if (shared)
			shared[i] = false;
	}
	/* (streams are few: pipes and FIFOs are bounded by the open files) */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			const stream_key *a = &keys[streams[i]], *b = &keys[streams[j]];
			if (a->kind == b->kind && a->dev == b->dev && a->ino == b->ino) {
				any = true;
				if (shared)
					shared[streams[i]] = shared[streams[j]] = true;
			}
		}
	free(keys);
	free(streams);
	return any;
}

int cli_read_inputs(int argc, char **argv, const cli_read_options *ro, cli_profile_fn fn,
                    void *ctx, unsigned long *skipped)
{
	static char *stdin_only[] = { "-", NULL };
	char message[CLI_MESSAGE_LEN];
	int i, status;

	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	if (ro->jobs > 1 && !cli_inputs_sharing_streams(argc, argv, NULL))
		return cli_read_inputs_parallel(argc, argv, ro, fn, ctx, skipped);
	for (i = 0; i < argc; i++) {
		status = cli_read_one_input(argv[i], ro, false, ro->order + (unsigned long)i, fn, ctx,
		                            message);
		if (status == EXIT_OK)
			continue;
		if (message[0])
			cli_report_input(ro, message);
		if (!ro->keep_going)
			return status;
		(*skipped)++;
	}
	return EXIT_OK;
}

/* ---- filters ---------------------------------------------------------- */

/* cli_map_inputs' state, passed through cli_read_inputs. */
typedef struct {
	cli_map_fn fn;
	void *ctx;
	cli_output *out;
	pprof_writer *writer;
	const char *out_name;
	bool raw;                /* --uncompressed: room for one profile only */
	unsigned long read;      /* profiles read */
	unsigned long written;
	bool keep_going;         /* a profile that cannot be written is skipped */
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
		cli_input_problem(st->keep_going, "%s: profile %lu: --uncompressed writes one "
		                  "profile, and this is the second (raw protobufs cannot be "
		                  "concatenated)", info->name, info->index);
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
	map_state st = { fn, ctx, NULL, NULL, o->path ? o->path : "(stdout)",
	                 o->level == PPROF_UNCOMPRESSED, 0, 0, ro->keep_going };
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

/* ---- progress ----------------------------------------------------------- */

#define PROGRESS_DELAY 1.0         /* seconds before anything shows */
#define PROGRESS_TTY_EVERY 0.25    /* redraw interval on a terminal */
#define PROGRESS_LOG_EVERY 5.0     /* line interval into a file or pipe */

static struct {
	bool enabled, forced, tty;
	bool on_screen;      /* a progress line is drawn and not ended */
	bool shown;          /* anything was printed */
	double start, last;
	unsigned long profiles;
	uint64_t bytes_in;
} progress;

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_start(int mode)
{
	progress.tty = isatty(STDERR_FILENO);
	progress.forced = mode == CLI_PROGRESS_ON;
	progress.enabled = progress.forced || (mode == CLI_PROGRESS_AUTO && progress.tty);
	progress.start = progress.last = now_seconds();
}

/* Prints the progress line; final ends it. */
static void progress_print(double now, bool final)
{
	double secs = now - progress.start;
	double mb = (double)progress.bytes_in / 1e6;

	fprintf(stderr, "%s%s: %lu profile%s, %.1f MB read", progress.tty ? "\r\033[K" : "",
	        prog_name, progress.profiles, progress.profiles == 1 ? "" : "s", mb);
	if (secs > 0)
		fprintf(stderr, ", %.1f MB/s", mb / secs);
	if (final)
		fprintf(stderr, " in %.1f s", secs);
	progress.on_screen = progress.tty && !final;
	if (!progress.on_screen)
		fputc('\n', stderr);
	progress.shown = true;
	progress.last = now;
}

/* Clears a progress line from the terminal before a message. */
static void progress_clear(void)
{
	if (progress.on_screen) {
		fputs("\r\033[K", stderr);
		progress.on_screen = false;
	}
}

void cli_progress_profile(const cli_profile_info *info)
{
	cli_progress_count(1, info->compressed);
}

void cli_progress_count(unsigned long profiles, uint64_t bytes)
{
	double now;

	progress.profiles += profiles;
	progress.bytes_in += bytes;
	if (!progress.enabled)
		return;
	now = now_seconds();
	if (now - progress.start < PROGRESS_DELAY)
		return;
	if (now - progress.last >= (progress.tty ? PROGRESS_TTY_EVERY : PROGRESS_LOG_EVERY) ||
	    !progress.shown)
		progress_print(now, false);
}

void cli_progress_end(void)
{
	if (progress.enabled && (progress.shown || progress.forced))
		progress_print(now_seconds(), true);
	progress.enabled = false;
}
