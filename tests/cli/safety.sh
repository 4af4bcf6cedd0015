# Shell tests of output safety under signals: with -o FILE, a program that
# gets SIGINT, SIGTERM or SIGHUP in the middle of its work dies of that
# signal, leaves FILE byte for byte as it was and leaves no temporary file;
# a program whose output pipe closes reports it and exits 1 instead of dying
# silently. (pprof-merge to a closed pipe, /dev/full and write errors with
# -o are tested in merge.sh; pprof-stat, whose text reports may be cut short
# by their reader, in edges-messages.sh.)
#
# To be in the middle of its work deterministically, a program reads its last
# input from a fifo that this script holds open: it blocks in read() until
# the signal comes, which is sent once the program has the fifo open. pprof-merge opens FILE's temporary file only when the
# merge is done, so it has none then; pprof-filter and pprof-tag open theirs
# before reading, and the script waits until it exists before signalling, so
# the signal handler's cleanup is what is tested.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_MERGE:?}" "${PPROF_FILTER:?}" "${PPROF_TAG:?}" "${PPROF_STAT:?}"

cp "$data"/cpu-1.pb.gz "$data"/cpu-2.pb.gz . || exit 99
a=cpu-1.pb.gz b=cpu-2.pb.gz
# Half of a member: the reader has begun a profile and waits for the rest.
head -c "$(($(wc -c < "$b") / 2))" "$b" > half.pb.gz

command -v mkfifo >/dev/null || skip 'no mkfifo'
env --default-signal=INT true 2>/dev/null || skip 'env has no --default-signal'

# temp_files DIR: sets the array temps to the names of the temporary files
# beside DIR/out.pb.gz (in the shell: the checks poll it).
temp_files() {
	local f
	temps=()
	for f in "$1"/* "$1"/.*; do
		f=${f##*/}
		case $f in . | .. | out.pb.gz | fifo) continue ;; esac
		[ -e "$1/$f" ] && temps+=("$f")   # (not a pattern that matched nothing)
	done
}

# has_temp: a temporary file exists in dir.
has_temp() {
	temp_files dir
	[ ${#temps[@]} -gt 0 ]
}

# wait_until CMD...: polls CMD until it succeeds, for at most 20 s.
wait_until() {
	local i
	for ((i = 0; i < 400; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# is_gone PID: process PID has ended (it may be a zombie).
is_gone() {
	[ ! -e /proc/"$1"/stat ] || [ "$(cut -d ' ' -f 3 /proc/"$1"/stat 2>/dev/null)" = Z ]
}

# has_fifo_open PID: process PID has dir/fifo open (-ef: an fd of /proc
# leads to the fifo's inode).
has_fifo_open() {
	local fd
	for fd in /proc/"$1"/fd/*; do
		[ "$fd" -ef "$scratch/dir/fifo" ] && return 0
	done
	return 1
}

# interrupt SIGNAL TEMP CMD...: runs CMD (whose last input is the fifo
# dir/fifo) in the background with -o dir/out.pb.gz already there, feeds it
# a whole profile and half of another through the fifo, sends SIGNAL once it
# has the fifo open (and its temporary file exists, when TEMP is yes), and
# checks the outcome. This script holds the fifo open for reading and
# writing, so opening it never blocks and the program never sees its end.
interrupt() {
	local sig=$1 temp=$2 pid status
	shift 2
	rm -rf dir && mkdir dir && mkfifo dir/fifo || exit 99
	echo 'the old contents' > dir/out.pb.gz
	cp dir/out.pb.gz old.copy
	# Background jobs of a script ignore SIGINT, and a suite run under nohup
	# ignores SIGHUP; the program, which keeps ignoring what it was started
	# ignoring (as nohup asks of it), must not here.
	env --default-signal=INT,HUP,TERM "$@" 2> sig.err &
	pid=$!
	exec 3<> dir/fifo   # (after the start: the program must not inherit it)
	cat "$a" half.pb.gz >&3
	check "$sig $1: it opens the fifo" wait_until has_fifo_open "$pid"
	if [ "$temp" = yes ]; then
		check "$sig $1: the temporary file exists before the signal" \
			wait_until has_temp
	fi
	kill -s "$sig" "$pid"
	if ! wait_until is_gone "$pid" 2>/dev/null; then   # (and bash's "Hangup" notice)
		fail "$sig $1: it dies of the signal" 'still running 20 s after it'
		kill -s KILL "$pid"
	fi
	wait "$pid" 2>/dev/null
	status=$?
	exec 3>&-
	check_eq "$sig $1: exit status is death by the signal" \
		$((128 + $(kill -l "$sig"))) "$status"
	check_same "$sig $1: FILE unchanged" old.copy dir/out.pb.gz
	temp_files dir
	check_eq "$sig $1: no temporary file left" '' "${temps[*]}"
}

for sig in INT TERM HUP; do
	t "pprof-merge -o FILE, $sig while reading"
	interrupt "$sig" no "$PPROF_MERGE" -o dir/out.pb.gz "$b" dir/fifo
	t "pprof-merge -j 2 -o FILE, $sig while reading"
	interrupt "$sig" no "$PPROF_MERGE" -j 2 -o dir/out.pb.gz "$b" dir/fifo
	t "pprof-filter -o FILE, $sig with the first profile written"
	interrupt "$sig" yes "$PPROF_FILTER" --hide runtime -o dir/out.pb.gz dir/fifo
	t "pprof-tag -o FILE, $sig with the first profile written"
	interrupt "$sig" yes "$PPROF_TAG" --set host=h -o dir/out.pb.gz dir/fifo
done

t 'the same runs without a signal succeed'
# So the checks above fail for the right reason: given the whole input, each
# command replaces FILE.
for cmd in "$PPROF_MERGE" "$PPROF_FILTER --hide runtime" "$PPROF_TAG --set host=h"; do
	echo 'the old contents' > out.pb.gz
	expect_exit 0 $cmd -o out.pb.gz "$a" "$b"
	check "FILE replaced by ${cmd##*/}" gzip -t out.pb.gz
done

# ---- a closed pipe ----------------------------------------------------------

# Ten copies of each fixture: more output than a pipe buffers.
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$a" "$b"; done > many.pb.gz

# closed_pipe CMD...: CMD's stdout is a pipe whose reader exits after one
# byte; CMD must exit 1 (not die of SIGPIPE, not 0) with a message.
closed_pipe() {
	local status
	"$@" 2> pipe.err | head -c 1 > /dev/null
	status=${PIPESTATUS[0]}
	check_eq "$* | head -c 1: exit status" 1 "$status"
	check_grep "$* | head -c 1: a message" '^pprof-[a-z]+: .*([Pp]ipe|write)' pipe.err
}

t 'a closed pipe'
closed_pipe "$PPROF_FILTER" -0 many.pb.gz
closed_pipe "$PPROF_TAG" -0 --set host=h many.pb.gz

finish
