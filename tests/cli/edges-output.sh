# Shell tests of -o at its edges: a FILE that is a symbolic link (to a file,
# to our own stdout, to a device or FIFO, dangling, in a loop), an empty
# name, a directory and a missing directory (refused before any input is
# read), a failure through a link, signals the caller ignored (they stay
# ignored), and the sync of the directory after the rename.
#
# The expected bytes are those the same program writes to stdout for the
# same inputs: -o must change where they go, never what they are.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_MERGE:?}" "${PPROF_FILTER:?}" "${PPROF_TAG:?}"
pm() { "$PPROF_MERGE" "$@"; }
pf() { "$PPROF_FILTER" "$@"; }

command -v mkfifo >/dev/null || skip 'no mkfifo'

cp "$data"/cpu-1.pb.gz "$data"/cpu-2.pb.gz . || exit 99
a=cpu-1.pb.gz b=cpu-2.pb.gz
pm "$a" > a.ref && pm "$a" "$b" > ab.ref || exit 99
echo 'this is not a profile' > junk

# no_temp_files DIR: no temporary file (.NAME.XXXXXX) is left in DIR.
no_temp_files() {
	check_eq "no temporary file left in $1" '' "$(ls -A "$1" | grep '^\.' || true)"
}

# is_link NAME TARGET: NAME is still a symbolic link to TARGET.
is_link() {
	if [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ]; then
		pass "$1 is still a link to $2"
	else
		fail "$1 is still a link to $2" "got: $(ls -ld "$1" 2>&1)"
	fi
}

# ---- symbolic links ---------------------------------------------------------

t '-o LINK to a file'
mkdir links && cd links || exit 99
echo 'the old contents' > target.pb.gz
chmod 640 target.pb.gz
ln -s target.pb.gz link.pb.gz
expect_exit 0 pm -o link.pb.gz ../"$a"
is_link link.pb.gz target.pb.gz
check_same 'the target has the profile' ../a.ref target.pb.gz
check_eq 'the target keeps its mode' 640 "$(stat -c %a target.pb.gz)"
no_temp_files .
# A chain of links, one of them relative to a directory of its own.
mkdir sub
ln -s ../target.pb.gz sub/hop
ln -s sub/hop chain.pb.gz
expect_exit 0 pm -o chain.pb.gz ../"$a" ../"$b"
is_link chain.pb.gz sub/hop
is_link sub/hop ../target.pb.gz
check_same 'the end of the chain has the profile' ../ab.ref target.pb.gz
no_temp_files .
no_temp_files sub
for prog in "$PPROF_FILTER" "$PPROF_TAG --set host=h"; do
	$prog ../"$a" > prog.ref
	expect_exit 0 $prog -o link.pb.gz ../"$a"
	is_link link.pb.gz target.pb.gz
	check_same "${prog##*/}: the target has the output" prog.ref target.pb.gz
done
cd .. || exit 99

t '-o LINK: a failure leaves the target as it was'
mkdir fail && cd fail || exit 99
echo 'the old contents' > target.pb.gz
ln -s target.pb.gz link.pb.gz
expect_exit 1 pm -o link.pb.gz ../"$a" ../junk
is_link link.pb.gz target.pb.gz
check_eq 'the target is unchanged' 'the old contents' "$(cat target.pb.gz)"
expect_exit 1 pf -o link.pb.gz ../"$a" ../junk
check_eq 'the target is unchanged by pprof-filter' 'the old contents' "$(cat target.pb.gz)"
no_temp_files .
cd .. || exit 99

t '-o LINK to stdout'
# /proc/self/fd/1 is what /dev/stdout leads to. When stdout is a file, the
# caller's redirection holds it open: it is written, not renamed over.
ln -s /proc/self/fd/1 stdout-link
expect_exit 0 pm -o stdout-link "$a"
is_link stdout-link /proc/self/fd/1
check_same 'the profile went to stdout' a.ref "$out"
expect_exit 0 pm -o /dev/fd/1 "$a"
check_same '-o /dev/fd/1: the profile went to stdout' a.ref "$out"
# As root, -o /dev/stdout once replaced /dev/stdout with a file. Checked
# only in a mount namespace of its own whose /dev is a scratch directory, so
# that a program that does so harms nothing.
mkdir fakedev && ln -s /proc/self/fd/1 fakedev/stdout
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	expect_exit 0 unshare -m sh -c 'mount --bind fakedev /dev && exec "$@"' sh \
		"$PPROF_MERGE" -o /dev/stdout "$a"
	is_link fakedev/stdout /proc/self/fd/1
	check_same 'as root: the profile went to stdout' a.ref "$out"
else
	echo '# SKIP -o /dev/stdout as root: not root, or no unshare -m'
fi

t '-o LINK to a device or FIFO'
ln -s /dev/null null-link
expect_exit 0 pm -o null-link "$a"
is_link null-link /dev/null
check '/dev/null is still a device' test -c /dev/null
mkfifo out.fifo
ln -s out.fifo fifo-link
cat out.fifo > from-fifo &
reader=$!
expect_exit 0 pm -o fifo-link "$a" "$b"
wait "$reader"
is_link fifo-link out.fifo
check 'the FIFO is still a FIFO' test -p out.fifo
check_same 'the reader of the FIFO got the profile' ab.ref from-fifo

t '-o LINK dangling'
# The file the link names is created, as a shell's > does.
mkdir dangling && cd dangling || exit 99
ln -s made.pb.gz link.pb.gz
expect_exit 0 pm -o link.pb.gz ../"$a"
is_link link.pb.gz made.pb.gz
check_same 'the file it names is created' ../a.ref made.pb.gz
no_temp_files .
ln -s nowhere/made.pb.gz into-nowhere
expect_exit 1 pm -o into-nowhere ../"$a"
check_grep 'a missing directory is named' \
	'^pprof-merge: into-nowhere: cannot create a file in nowhere: No such file or directory$' "$err"
is_link into-nowhere nowhere/made.pb.gz
ln -s loop-b loop-a && ln -s loop-a loop-b
expect_exit 1 pm -o loop-a ../"$a"
check_grep 'a loop of links' '^pprof-merge: loop-a: Too many levels of symbolic links$' "$err"
cd .. || exit 99

# ---- names refused before reading -----------------------------------------
# The input is a FIFO that nobody writes: a program that reads it before
# looking at -o waits until timeout kills it (124).

t "-o '' and -o DIR"
mkfifo never.fifo
mkdir outdir
for prog in "$PPROF_MERGE" "$PPROF_FILTER"; do
	expect_exit 2 timeout 10 "$prog" -o '' never.fifo
	check_grep "${prog##*/} -o '': a usage error" "^pprof-[a-z]+: -o '': the file name is empty$" "$err"
	check_grep "${prog##*/} -o '': the hint" "^Try 'pprof-[a-z]+ --help'" "$err"
done
for prog in "$PPROF_MERGE" "$PPROF_FILTER" "$PPROF_TAG --set host=h"; do
	expect_exit 2 timeout 10 $prog -o outdir never.fifo
	check_grep "${prog##*/} -o DIR: a usage error" '^pprof-[a-z]+: -o outdir: is a directory$' "$err"
	check_eq "${prog##*/} -o DIR: the directory is empty still" '' "$(ls -A outdir)"
	expect_exit 2 timeout 10 $prog -o outdir/ never.fifo
done
ln -s outdir dir-link
expect_exit 2 timeout 10 "$PPROF_MERGE" -o dir-link never.fifo
no_temp_files .
expect_exit 1 timeout 10 "$PPROF_MERGE" -o nodir/out.pb.gz never.fifo
check_grep 'a missing directory, before reading' \
	'^pprof-merge: nodir/out\.pb\.gz: cannot create a file in nodir: No such file or directory$' "$err"
touch plain
expect_exit 1 timeout 10 "$PPROF_FILTER" -o plain/out.pb.gz never.fifo
check_grep 'a file as the directory, before reading' \
	'^pprof-filter: plain/out\.pb\.gz: cannot create a file in plain: Not a directory$' "$err"

# ---- signals the caller ignored -------------------------------------------
# The program holds its temporary file and reads a FIFO that this script
# holds open. SIGHUP and SIGINT, ignored by the caller (trap '', as nohup
# does for SIGHUP), must stay ignored: the program then ends normally once
# its input ends.

t 'ignored signals stay ignored'
mkfifo in.fifo
for prog in "$PPROF_FILTER" "$PPROF_TAG --set host=h"; do
	$prog "$a" > sig.ref
	rm -f sig.pb.gz
	( trap '' HUP INT; exec $prog -o sig.pb.gz in.fifo ) 2> sig.err &
	pid=$!
	exec 7> in.fifo   # returns once the program reads it: its output is open
	n=0
	until ls -A | grep -q '^\.sig\.pb\.gz\.' || [ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
	kill -HUP "$pid" && kill -INT "$pid"
	sleep 0.3
	cat "$a" >&7 2>/dev/null
	exec 7>&-
	wait "$pid"
	check_eq "${prog##*/}: exit status after SIGHUP and SIGINT" 0 "$?"
	check_same "${prog##*/}: the output is complete" sig.ref sig.pb.gz
	check_empty "${prog##*/}: no message" sig.err
done
no_temp_files .
# nohup itself, for pprof-merge, whose temporary file comes after reading.
nohup "$PPROF_MERGE" -o nohup.pb.gz in.fifo > /dev/null 2> nohup.err &
pid=$!
exec 7> in.fifo
kill -HUP "$pid"
sleep 0.3
cat "$a" >&7 2>/dev/null
exec 7>&-
wait "$pid"
check_eq 'nohup pprof-merge: exit status after SIGHUP' 0 "$?"
check_same 'nohup pprof-merge: the output is complete' a.ref nohup.pb.gz

# ---- the directory is synced after the rename -------------------------------

t 'the directory is synced'
if command -v strace >/dev/null && [ -z "${PPROF_VALGRIND:-}" ] &&
	strace -f -o /dev/null true 2>/dev/null; then
	mkdir synced
	# (LeakSanitizer cannot work under ptrace: a sanitizer build leaks no
	# less for it, and is checked for leaks everywhere else)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	expect_exit 0 strace -f -qq -o trace -e trace=openat,rename,renameat,renameat2,fsync,close \
		"$PPROF_MERGE" -o synced/out.pb.gz "$a"
	check_same 'the profile is written' a.ref synced/out.pb.gz
	# After the rename: an fsync of the descriptor that opened the directory.
	check 'fsync of the directory after the rename' awk '
		/rename(at2?)?\(.*synced\/out\.pb\.gz/ { renamed = 1 }
		renamed && /openat\(.*"synced".*O_DIRECTORY/ { fd = $NF }
		renamed && fd != "" && $0 ~ ("fsync\\(" fd "\\) += 0") { ok = 1 }
		END { exit !ok }' trace
else
	echo '# SKIP the directory sync: no strace that works here, or under valgrind'
fi

finish
