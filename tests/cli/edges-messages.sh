# Shell tests of what the programs say at the edges: a terminal on stdin is
# refused at once (exit 2, with a hint); a reader of a pprof-stat report
# that stops reading is no error, while a profile cut short by a closed pipe
# is; text where a profile was expected is quoted; a missing -o directory is
# named; and with --keep-going a skipped input is one line in one form,
# "prog: warning: MESSAGE; skipped", for every program and every cause.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_MERGE:?}" "${PPROF_FILTER:?}" "${PPROF_TAG:?}" "${PPROF_STAT:?}"
pm() { "$PPROF_MERGE" "$@"; }
ps() { "$PPROF_STAT" "$@"; }

cp "$data"/cpu-1.pb.gz "$data"/cpu-2.pb.gz "$data"/heap-1.pb.gz . || exit 99
a=cpu-1.pb.gz b=cpu-2.pb.gz heap=heap-1.pb.gz
echo 'this is not a profile' > junk.pb.gz
printf 'Could not enable CPU profiling: cpu profiling already in use\n' > curl.txt

# ---- a terminal on stdin ----------------------------------------------------

# on_tty CMD...: runs CMD with stdin a terminal (a pty nobody types into),
# stdout in $out and stderr in $err, as expect_exit does; a CMD still
# waiting after 10 seconds is killed and the status is 124.
on_tty() {
	python3 - "$@" <<'PY'
import os, pty, subprocess, sys
master, slave = pty.openpty()
out = open(os.environ["out"], "wb")
err = open(os.environ["err"], "wb")
p = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=out, stderr=err)
try:
    sys.exit(p.wait(timeout=10))
except subprocess.TimeoutExpired:
    p.kill()
    p.wait()
    sys.exit(124)
PY
}

# expect_tty_refused CMD...: with stdin a terminal, CMD exits 2 at once with
# the hint, and writes nothing.
expect_tty_refused() {
	n_runs=$((n_runs + 1))
	out=$scratch/out.$n_runs err=$scratch/err.$n_runs
	echo "$n_runs: (stdin a terminal) $*" >> "$scratch/runs.log"
	export out err
	on_tty "$@"
	check_eq "stdin a terminal: exit status of: ${*##*/}" 2 "$?"
	check_grep "the hint: ${*##*/}" \
		'^pprof-[a-z]+: no profile is read from a terminal; name FILEs, or pipe a profile in$' "$err"
	check_empty "nothing on stdout: ${*##*/}" "$out"
}

t 'a terminal on stdin'
if command -v python3 >/dev/null && python3 -c 'import pty; pty.openpty()' 2>/dev/null; then
	expect_tty_refused "$PPROF_STAT"
	expect_tty_refused "$PPROF_STAT" --check
	expect_tty_refused "$PPROF_STAT" "$a" -
	expect_tty_refused "$PPROF_MERGE" -o x.pb.gz
	check 'no -o file' test ! -e x.pb.gz
	expect_tty_refused "$PPROF_MERGE" --base - "$a"
	expect_tty_refused "$PPROF_FILTER" -
	expect_tty_refused "$PPROF_TAG" --set host=h
	# Files named: the terminal is not read, so it is no matter.
	n_runs=$((n_runs + 1)) && out=$scratch/out.$n_runs err=$scratch/err.$n_runs && export out err
	on_tty "$PPROF_STAT" --check "$a"
	check_eq 'stdin a terminal, FILEs named: exit status' 0 "$?"
else
	echo '# SKIP a terminal on stdin: no python3 with pty'
fi

# ---- a closed pipe ----------------------------------------------------------

# Ten copies of each fixture: more output than a pipe buffers.
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$a" "$b"; done > many.pb.gz

# into_head CMD...: under set -o pipefail, the status of CMD | head -1 (CMD's
# stderr in pipe.err).
into_head() {
	(set -o pipefail; "$@" 2> pipe.err | head -1 > /dev/null)
}

t 'a report into a closed pipe'
for opts in '--folded' '--top 1000' '--json' ''; do
	into_head "$PPROF_STAT" --each $opts many.pb.gz
	check_eq "pprof-stat --each $opts | head -1: exit status" 0 "$?"
	check_empty "pprof-stat --each $opts | head -1: no message" pipe.err
done

t 'a profile into a closed pipe'
# A profile cut short stays an error: exit 1, with a message. The reader
# of out.fifo opens it and goes before the program has read its input, so
# every write meets a pipe with no reader.
mkfifo in.fifo out.fifo
for prog in "$PPROF_MERGE" "$PPROF_FILTER" "$PPROF_TAG --set host=h"; do
	$prog in.fifo > out.fifo 2> pipe.err &
	pid=$!
	exec 8< out.fifo
	exec 8<&-
	cat "$a" "$b" > in.fifo
	wait "$pid"
	check_eq "${prog##*/} into a closed pipe: exit status" 1 "$?"
	check_grep "${prog##*/} into a closed pipe: a message" \
		'^pprof-[a-z]+: \(stdout\): write error: Broken pipe$' pipe.err
done

# ---- text where a profile was expected -----------------------------------

t 'text is quoted'
expect_exit 1 ps - < curl.txt
check_grep 'the start of the text, quoted' \
	'^pprof-stat: (\(stdin\)|-): profile 1: not a profile: input is text: "Could not enable CPU profiling: cpu profiling already in use"$' \
	"$err"
expect_exit 1 pm curl.txt
check_grep 'from a file too' \
	'^pprof-merge: curl\.txt: profile 1: not a profile: input is text: "Could not enable CPU profiling' "$err"
# Blank lines before it are passed over; tabs, quotes and backslashes
# escaped; a long line cut, with "..." after the quote.
{
	printf '\r\n\n  <html>\t"x" \\ %s\r\n' "$(printf 'long %.0s' $(seq 40))"
	printf '<body>more</body>\n'
} > page.html
expect_exit 1 pm page.html
check_grep 'escaped and cut' \
	'^pprof-merge: page\.html: profile 1: not a profile: input is text: "<html>\\t\\"x\\" \\\\ long long .*"\.\.\.$' \
	"$err"
check_eq 'at most 72 bytes of it' \
	"$(printf '<html>\t"x" \\ %s' "$(printf 'long %.0s' $(seq 40))" | head -c 72 |
		sed 's/\\/\\\\/g; s/"/\\"/g; s/\t/\\t/g')" \
	"$(sed -n 's/.*input is text: "\(.*\)"\.\.\.$/\1/p' "$err")"
printf 'caf\303\251\r\n' > utf8.txt
expect_exit 1 pm utf8.txt
check_grep 'non-ASCII bytes escaped, CRLF dropped' \
	'^pprof-merge: utf8\.txt: profile 1: not a profile: input is text: "caf\\xc3\\xa9"$' "$err"
# Binary junk is still malformed protobuf.
printf '\001\002\003garbage' > binary.pb
expect_exit 1 pm binary.pb
check_grep 'binary junk: malformed protobuf' \
	'^pprof-merge: binary\.pb: profile 1: not a valid profile\.proto message \(malformed protobuf\)$' "$err"
# In a gzip'd stream, the text of a member.
cat "$a" > stream.pb.gz && gzip -c curl.txt >> stream.pb.gz
expect_exit 1 pm stream.pb.gz
check_grep 'a gzip member of text' \
	'^pprof-merge: stream\.pb\.gz: profile 2: not a profile: input is text: "Could not' "$err"

# ---- -o in a missing directory ------------------------------------------------

t '-o in a missing directory'
expect_exit 1 pm -o nodir/out.pb.gz "$a"
check_grep 'the directory is named' \
	'^pprof-merge: nodir/out\.pb\.gz: cannot create a file in nodir: No such file or directory$' "$err"
expect_exit 1 "$PPROF_TAG" --set host=h -o nodir/sub/out.pb.gz "$a"
check_grep 'the directory is named (pprof-tag)' \
	'^pprof-tag: nodir/sub/out\.pb\.gz: cannot create a file in nodir/sub: No such file or directory$' \
	"$err"
# A directory that exists but takes no new file (procfs): the temporary
# file's failure names it.
if [ -d /proc/self ] && ! touch /proc/pprof-tools-test 2>/dev/null; then
	expect_exit 1 pm -o /proc/out.pb.gz "$a"
	check_grep 'the temporary file: its directory is named' \
		'^pprof-merge: /proc/out\.pb\.gz: cannot create a temporary file in /proc: ' "$err"
fi

# ---- --keep-going: one form for skipped inputs -------------------------------

# one_warning FILE_ERE: stderr is exactly one line, the skip warning of FILE.
one_warning() {
	local prog=${1%% *}
	check_eq "$1: one line" 1 "$(wc -l < "$err")"
	check_grep "$1: warning: ...; skipped" \
		"^${prog##*/}: warning: $2: .+; skipped\$" "$err"
}

t '--keep-going: the warning form'
expect_exit 0 pm -k "$a" junk.pb.gz "$b"
one_warning pprof-merge 'junk\.pb\.gz: profile 1'
expect_exit 0 pm -k "$a" missing.pb.gz "$b"
one_warning pprof-merge 'missing\.pb\.gz'
expect_exit 0 pm -k "$a" "$heap" "$b"
one_warning pprof-merge 'heap-1\.pb\.gz: profile 1'
# -j: threads that read ahead, and threads that merge in parts.
expect_exit 0 pm -k -j 2 "$a" junk.pb.gz "$b"
one_warning 'pprof-merge -j 2' 'junk\.pb\.gz: profile 1'
expect_exit 0 pm -k -j 2 "$a" junk.pb.gz "$b" "$a" "$b" "$a" "$b" "$a" "$b"
one_warning 'pprof-merge -j 2 (parts)' 'junk\.pb\.gz: profile 1'
expect_exit 0 "$PPROF_FILTER" -k "$a" junk.pb.gz "$b"
one_warning pprof-filter 'junk\.pb\.gz: profile 1'
# (Go 1.19 wrote no start lines, which --pgo needs.)
cp "$data"/go119-cpu.pb.gz . || exit 99
expect_exit 0 "$PPROF_FILTER" -k --pgo go119-cpu.pb.gz "$a"
one_warning 'pprof-filter --pgo' 'go119-cpu\.pb\.gz: profile 1'

expect_exit 0 "$PPROF_TAG" -k --set host=h "$a" junk.pb.gz "$b"
one_warning pprof-tag 'junk\.pb\.gz: profile 1'
expect_exit 0 "$PPROF_TAG" -k --set host=h --uncompressed "$a" "$b"
one_warning pprof-tag 'cpu-2\.pb\.gz: profile 1'
# Without --keep-going the same problems are errors, in the form they had.
expect_exit 1 pm "$a" junk.pb.gz
check_grep 'without -k: an error' '^pprof-merge: junk\.pb\.gz: profile 1: ' "$err"
check_no_grep 'without -k: no warning' 'warning|skipped' "$err"
# pprof-stat --check reads every input, but a broken one is an error.
expect_exit 1 ps --check "$a" junk.pb.gz "$b"
check_grep 'pprof-stat --check: an error' '^pprof-stat: junk\.pb\.gz: profile 1: ' "$err"
check_no_grep 'pprof-stat --check: no warning' 'warning|skipped' "$err"

finish
