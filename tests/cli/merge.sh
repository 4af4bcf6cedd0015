# Shell tests of pprof-merge as a user runs it: inputs and the stream model,
# output formats and determinism, -o atomicity, exit statuses and messages,
# --keep-going, --allow-empty, --max-size, terminals, write errors, --help and
# --version. Comparisons with `go tool pprof` are in tests/interop/merge.sh;
# here results are compared with other pprof-merge runs that must give the
# same bytes, and sizes with those of the inputs.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_MERGE:?}"
pm() { "$PPROF_MERGE" "$@"; }

# Copies of the fixtures, so that messages name them simply.
cp "$data"/cpu-[1234].pb.gz "$data"/heap-[12].pb.gz . || exit 99
a=cpu-1.pb.gz b=cpu-2.pb.gz c=cpu-3.pb.gz d=cpu-4.pb.gz heap=heap-1.pb.gz

# to_full CMD...: runs CMD with stdout on /dev/full (a full disk).
to_full() { "$@" > /dev/full; }

# ---- broken and odd inputs, made here -------------------------------------

t 'fixtures'
echo 'this is not a profile' > junk
echo 'this is not a profile' | gzip > junk.pb.gz
head -c "$(($(wc -c < "$a") / 2))" "$a" > trunc.pb.gz
check 'truncated copy fails gzip -t' eval '! gzip -t trunc.pb.gz 2>/dev/null'
# A member whose deflate data is damaged (the CRC catches any change).
cp "$c" damaged.pb.gz
printf '\377\377\377\377\377\377\377\377' |
	dd of=damaged.pb.gz bs=1 seek=$(($(wc -c < "$c") / 2)) conv=notrunc 2>/dev/null
check 'damaged copy fails gzip -t' eval '! gzip -t damaged.pb.gz 2>/dev/null'
# Streams whose 3rd member is broken, one way or another.
cat "$a" "$b" damaged.pb.gz "$d" > damaged3.pb.gz
cat "$a" "$b" junk.pb.gz "$d" > junk3.pb.gz
zcat "$a" > a.pb
zcat "$b" > b.pb
: > empty

# big.pb: an uncompressed profile of about 1 MB (50000 samples, each with its
# own label), so writing it does not fit in a pipe's buffer.
have_perl=false
if command -v perl >/dev/null; then
	have_perl=true
	perl -e '
		sub v { my $n = shift; my $s = ""; while ($n >= 128) { $s .= chr(($n & 127) | 128); $n >>= 7 } $s . chr($n) }
		sub ld { my ($f, $b) = @_; v($f << 3 | 2) . v(length $b) . $b }   # length-delimited field
		sub vi { my ($f, $n) = @_; v($f << 3) . v($n) }                     # varint field
		my @s = ("", "samples", "count", "request");
		my $p = ld(1, vi(1, 1) . vi(2, 2));                                 # sample_type samples/count
		for my $i (1 .. 50000) {                                            # sample: value, label request=r<i>
			push @s, "r$i";
			$p .= ld(2, ld(2, v($i)) . ld(3, vi(1, 3) . vi(2, $#s)));
		}
		$p .= ld(6, $_) for @s;                                             # string_table
		print $p . ld(11, vi(1, 1) . vi(2, 2)) . vi(12, 1);                 # period_type, period
	' > big.pb
	check 'big.pb is over 1 MB' test "$(wc -c < big.pb)" -gt 1048576
fi

# ---- merging files, stdin and streams -----------------------------------

t 'merge two files'
expect_exit 0 pm "$a" "$b"
cp "$out" ab.pb.gz
check 'output is gzip' gzip -t ab.pb.gz
check_empty 'stderr' "$err"
expect_exit 0 pm "$b" "$a"
check 'output of another order is gzip too' gzip -t "$out"

t 'determinism'
expect_exit 0 pm "$a" "$b"
check_same 'a second run' ab.pb.gz "$out"
expect_exit 0 pm "$a" "$b" "$c" "$d"
cp "$out" abcd.pb.gz
expect_exit 0 pm "$a" "$b" "$c" "$d"
check_same 'a second run of four' abcd.pb.gz "$out"

t 'stdin'
expect_exit 0 pm < "$a"
cp "$out" a.pb.gz
expect_exit 0 pm "$a"
check_same 'stdin vs file' a.pb.gz "$out"
expect_exit 0 pm - < "$a"
check_same '"-" vs no operand' a.pb.gz "$out"

t '"-" among files'
expect_exit 0 pm - "$b" < "$a"
check_same '- b < a' ab.pb.gz "$out"
expect_exit 0 pm "$a" - < "$b"
check_same 'a - < b' ab.pb.gz "$out"
expect_exit 0 pm "$a" "$b" - "$d" < "$c"
check_same 'a b - d < c' abcd.pb.gz "$out"

t 'concatenated gzip members'
cat "$a" "$b" | expect_exit 0 pm
check_same 'cat a b | pprof-merge' ab.pb.gz "$out"
cat "$a" "$b" "$c" "$d" > abcd-stream.pb.gz
expect_exit 0 pm abcd-stream.pb.gz
check_same 'a file of four members' abcd.pb.gz "$out"
cat "$c" "$d" | expect_exit 0 pm "$a" "$b" -
check_same 'a b - < (c d)' abcd.pb.gz "$out"

t 'uncompressed input'
expect_exit 0 pm a.pb "$b"
check_same 'raw a + gzip b' ab.pb.gz "$out"
expect_exit 0 pm a.pb b.pb
check_same 'raw a + raw b' ab.pb.gz "$out"
expect_exit 0 pm - "$b" < a.pb
check_same 'raw a on stdin' ab.pb.gz "$out"

t '--uncompressed output'
expect_exit 0 pm --uncompressed "$a" "$b"
cp "$out" ab.pb
check '--uncompressed is not gzip' eval '! gzip -t ab.pb 2>/dev/null'
zcat ab.pb.gz > ab-unzipped.pb
check_same 'the same protobuf as the gzip output' ab-unzipped.pb ab.pb
# Merging a merged profile again need not give the same bytes (the string
# table's order follows the input's), but reading it raw or gzip'd must.
expect_exit 0 pm ab.pb.gz
cp "$out" ab-again.pb.gz
expect_exit 0 pm ab.pb
check_same 'a raw profile merges as its gzip form' ab-again.pb.gz "$out"

t 'compression levels'
for level in 0 1 2 3 4 5 6 7 8 9; do
	expect_exit 0 pm -$level "$a" "$b"
	cp "$out" level$level.pb.gz
	zcat level$level.pb.gz > level$level.pb
	check_same "-$level decodes to the same profile" ab.pb level$level.pb
	expect_exit 0 pm --level $level "$a" "$b"
	check_same "--level $level is -$level" level$level.pb.gz "$out"
done
check_same 'default is -6' level6.pb.gz ab.pb.gz
check '-0 stores (larger than the raw protobuf)' \
	test "$(wc -c < level0.pb.gz)" -gt "$(wc -c < ab.pb)"
check '-9 compresses' test "$(wc -c < level9.pb.gz)" -lt "$(wc -c < ab.pb)"
check '-1 and -9 differ' eval '! cmp -s level1.pb.gz level9.pb.gz'
expect_exit 0 pm -1 "$a" "$b"
check_same '-1 is deterministic' level1.pb.gz "$out"

t 'heap profiles'
expect_exit 0 pm "$heap" heap-2.pb.gz
check 'output is gzip' gzip -t "$out"

# ---- -o FILE ---------------------------------------------------------------

t '-o FILE'
expect_exit 0 pm -o result.pb.gz "$a" "$b"
check_empty 'stdout' "$out"
check_same 'FILE holds the result' ab.pb.gz result.pb.gz
expect_exit 0 pm --output result2.pb.gz "$a" "$b"
check_same '--output FILE' ab.pb.gz result2.pb.gz
mkdir sub
expect_exit 0 pm -o sub/r.pb.gz "$a" "$b"
check_same 'FILE in a subdirectory' ab.pb.gz sub/r.pb.gz
check_eq 'no temporary files left' 'r.pb.gz' "$(ls -A sub)"

t '-o FILE: mode of a new FILE'
(umask 027 && pm -o new.pb.gz "$a")
check_eq 'mode 0666 & ~umask 027' 640 "$(stat -c %a new.pb.gz)"

t '-o FILE: replaces an existing FILE with its mode'
mkdir keep
echo 'the old contents' > keep/old.pb.gz
chmod 604 keep/old.pb.gz
expect_exit 0 pm -o keep/old.pb.gz "$a" "$b"
check_same 'FILE holds the result' ab.pb.gz keep/old.pb.gz
check_eq 'mode of the old FILE' 604 "$(stat -c %a keep/old.pb.gz)"
check_eq 'no temporary files left' 'old.pb.gz' "$(ls -A keep)"

t '-o FILE: unchanged after a failure'
echo 'the old contents' > keep/old.pb.gz
chmod 640 keep/old.pb.gz
cp -p keep/old.pb.gz old.copy
for args in "$a junk.pb.gz" "$a missing.pb.gz" "$a $heap" "$a trunc.pb.gz" "damaged3.pb.gz"; do
	expect_exit 1 pm -o keep/old.pb.gz $args
	check_same "FILE unchanged after merging $args" old.copy keep/old.pb.gz
	check_eq "mode unchanged after merging $args" 640 "$(stat -c %a keep/old.pb.gz)"
	check_eq "no temporary files left after merging $args" 'old.pb.gz' "$(ls -A keep)"
done
expect_exit 2 pm -o keep/old.pb.gz --level 10 "$a"
check_same 'FILE unchanged after a usage error' old.copy keep/old.pb.gz

t '-o FILE: unchanged after a write error'
# The file size limit makes writes past 1 KiB fail with EFBIG (SIGXFSZ is
# ignored, so the program sees the error): a write error in the middle.
if $have_perl; then
	expect_exit 1 bash -c 'trap "" XFSZ; ulimit -f 1; exec "$@"' sh \
		"$PPROF_MERGE" --uncompressed -o keep/old.pb.gz big.pb
	check_grep 'message names FILE' '^pprof-merge: keep/old\.pb\.gz: ' "$err"
	check_same 'FILE unchanged' old.copy keep/old.pb.gz
	check_eq 'no temporary files left' 'old.pb.gz' "$(ls -A keep)"
fi

t '-o FILE: a directory that does not exist'
expect_exit 1 pm -o nodir/x.pb.gz "$a"
check_grep 'message names FILE' '^pprof-merge: nodir/x\.pb\.gz: ' "$err"
check 'nothing created' test ! -e nodir

t '-o FILE: merging FILE into itself'
cp "$a" self.pb.gz
expect_exit 0 pm -o self.pb.gz self.pb.gz "$b"
check_same 'FILE holds the merge of its old contents' ab.pb.gz self.pb.gz

t '-o FILE: a FIFO or a device is written, not replaced'
# (Renaming a temporary file over them would turn /dev/null into a plain
# file. The device here is /dev/full behind a link, so a regression breaks
# only the link.)
mkfifo out.fifo
timeout 20 cat out.fifo > from-fifo.pb.gz &
expect_exit 0 timeout 10 "$PPROF_MERGE" -o out.fifo "$a" "$b"
wait
check 'the FIFO is still a FIFO' test -p out.fifo
check_same 'its reader got the merge' ab.pb.gz from-fifo.pb.gz
ln -s /dev/full full.link
expect_exit 1 pm -o full.link "$a"
check_grep 'a full device is a write error' '^pprof-merge: full\.link: .*No space left' "$err"
check 'the link still leads to the device' test -L full.link -a -c full.link
check 'no temporary file is left' test -z "$(ls -A | grep '^\.full\.link\.')"
# ---- errors: exit status 1 --------------------------------------------------

# expect_data_error ERE CMD...: CMD exits 1, writes nothing to stdout and
# one message matching ERE to stderr.
expect_data_error() {
	local re=$1
	shift
	expect_exit 1 "$@"
	check_empty "nothing on stdout from $*" "$out"
	check_grep "message from $*" "$re" "$err"
}

t 'missing file'
expect_data_error '^pprof-merge: missing\.pb\.gz: .*No such file' pm "$a" missing.pb.gz

t 'bad data'
expect_data_error '^pprof-merge: junk: profile 1: ' pm junk
expect_data_error '^pprof-merge: junk\.pb\.gz: profile 1: ' pm "$a" junk.pb.gz
expect_data_error '^pprof-merge: \(stdin\): profile 1: ' pm < junk.pb.gz

t 'truncated gzip'
expect_data_error '^pprof-merge: trunc\.pb\.gz: profile 1: .*truncated' pm trunc.pb.gz
cat "$a" "$b" trunc.pb.gz | expect_data_error '^pprof-merge: \(stdin\): profile 3: .*truncated' pm

t 'the 3rd member of a stream is broken'
expect_data_error '^pprof-merge: damaged3\.pb\.gz: profile 3: ' pm "$c" damaged3.pb.gz
expect_data_error '^pprof-merge: junk3\.pb\.gz: profile 3: ' pm junk3.pb.gz "$c"
expect_data_error '^pprof-merge: \(stdin\): profile 3: ' pm < damaged3.pb.gz

t 'trailing garbage after a gzip member'
{ cat "$a"; echo 'garbage'; } > trailing.pb.gz
expect_data_error '^pprof-merge: trailing\.pb\.gz: profile 2: ' pm trailing.pb.gz

t 'incompatible profiles'
expect_data_error '^pprof-merge: heap-1\.pb\.gz: profile 1: .*incompatible' pm "$a" "$heap"
expect_data_error '^pprof-merge: cpu-1\.pb\.gz: profile 1: .*incompatible' pm "$heap" "$a"
cat "$a" "$b" "$heap" | expect_data_error '^pprof-merge: \(stdin\): profile 3: .*incompatible' pm
expect_data_error 'incompatible' pm --base "$heap" "$a"

t 'empty input'
expect_data_error '^pprof-merge: \(stdin\): .*empty' pm < /dev/null
expect_data_error '^pprof-merge: empty: .*empty' pm "$a" empty

# ---- usage errors: exit status 2 -------------------------------------------

# expect_usage_error CMD...: CMD exits 2, writes nothing to stdout and a
# message pointing to --help.
expect_usage_error() {
	expect_exit 2 "$@"
	check_empty "nothing on stdout from $*" "$out"
	check_grep "hint from $*" '--help' "$err"
}

t 'usage errors'
expect_usage_error pm --no-such-option "$a"
expect_usage_error pm -X "$a"
expect_usage_error pm -o
for level in 10 -1 x 1x ''; do
	expect_usage_error pm --level "$level" "$a"
done
for size in x 1x 10Q -5 '' 1KX; do
	expect_usage_error pm --max-size "$size" "$a"
done
expect_usage_error pm --base "$a" --diff-base "$b" "$c"
expect_exit 2 pm --no-such-option "$a"
check_eq 'an unknown option is named, once' \
	"pprof-merge: unknown option '--no-such-option'" "$(head -n 1 "$err")"
check_eq 'the message is followed by the hint only' 2 "$(wc -l < "$err")"
expect_exit 2 pm -o
check_grep 'a missing argument is named' "^pprof-merge: option '-o' requires an argument" "$err"
for jobs in 0 65 x ''; do
	expect_usage_error pm -j "$jobs" "$a"
done

# ---- -j --------------------------------------------------------------------

t '-j: the same bytes for any number of threads'
pm -j 1 "$a" "$b" "$c" "$d" - < "$a" > j1.pb.gz
for jobs in 2 3 8; do
	expect_exit 0 pm -j "$jobs" "$a" "$b" "$c" "$d" - < "$a"
	check_same "-j $jobs gives what -j 1 gives" j1.pb.gz "$out"
done
pm -j 1 "$a" > a1.pb.gz
expect_exit 0 pm -j 2 --allow-empty - - < "$a"
check_same 'stdin given twice: read once, then empty, as with -j 1' a1.pb.gz "$out"
t '-j: messages in input order, and --keep-going'
expect_exit 1 pm -j 4 "$a" junk.pb.gz missing.pb.gz "$b"
check_eq 'only the first broken input is reported' 1 "$(grep -c '^pprof-merge: ' "$err")"
check_grep 'and it is the first one' '^pprof-merge: junk\.pb\.gz: ' "$err"
check_empty 'nothing is written' "$out"
expect_exit 0 pm -j 4 -k "$a" junk.pb.gz missing.pb.gz "$b"
check_same 'broken inputs are skipped as with -j 1' ab.pb.gz "$out"
check_eq 'the warnings come in input order' \
	"junk.pb.gz missing.pb.gz" "$(sed -n 's/^pprof-merge: warning: \([^:]*\): .*/\1/p' "$err" | tr '\n' ' ' | sed 's/ $//')"
t '-j: many inputs, merged in parts by the threads'
# With 4 or more inputs a thread, each thread merges runs of consecutive
# inputs and the parts are added in order: the same bytes as one by one.
# neg-a.pb.gz is cpu-1 negated: after cpu-1 it cancels it, and cpu-1
# comes back later, in a run of its own, where its samples must keep the
# place they had (which a part that dropped them would lose).
"$PPROF_FILTER" --scale -1 "$a" > neg-a.pb.gz
many=("$a" neg-a.pb.gz "$b" "$c" "$d" "$b" "$c" "$a" "$d" "$c" "$b" "$a" "$d" "$b" "$c"
      "$a" "$b" "$c" "$d" "$a" "$b" "$c" "$d")
pm -j 1 "${many[@]}" > many1.pb.gz
for jobs in 2 3 4; do
	expect_exit 0 pm -j "$jobs" "${many[@]}"
	check_same "-j $jobs gives what -j 1 gives" many1.pb.gz "$out"
done
# A run with anything to say is merged one input at a time instead, from its
# first input on: the same messages, exit status and result as -j 1.
# many_with FILE ARGS...: runs pprof-merge ARGS over the inputs with FILE
# 13th, with -j 1 and -j 2, and checks they agree.
many_with() {
	local file=$1 want1 err1 out1
	shift
	local inputs=("${many[@]:0:12}" "$file" "${many[@]:12}")
	pm -j 1 "$@" "${inputs[@]}" > with1.out 2> with1.err
	want1=$?
	expect_exit "$want1" pm -j 2 "$@" "${inputs[@]}"
	check_same "$file${*:+ $*}: the same output as -j 1" with1.out "$out"
	check_same "$file${*:+ $*}: the same messages as -j 1" with1.err "$err"
}
many_with junk.pb.gz
many_with junk.pb.gz --keep-going
many_with "$heap"
many_with "$heap" --keep-going
check_grep 'a heap profile among CPU ones is skipped with a warning' \
	"^pprof-merge: warning: $heap: profile 1: .*; skipped\$" with1.err
many_with empty --allow-empty
many_with missing.pb.gz --keep-going
# Two broken inputs in different runs: each run is merged one input at a
# time in its place, and the runs between them still in parts.
two_bad=("${many[@]:0:5}" junk.pb.gz "${many[@]:5:14}" missing.pb.gz "${many[@]:19}")
for opt in --keep-going --no-progress; do
	pm -j 1 "$opt" "${two_bad[@]}" > two1.out 2> two1.err
	expect_exit "$([ "$opt" = --keep-going ] && echo 0 || echo 1)" pm -j 2 "$opt" "${two_bad[@]}"
	check_same "two broken inputs, $opt: the same output as -j 1" two1.out "$out"
	check_same "two broken inputs, $opt: the same messages as -j 1" two1.err "$err"
	[ "$opt" != --keep-going ] ||
		check_eq 'with --keep-going, both are reported' 2 "$(grep -c '^pprof-merge: ' "$err")"
done

t '-j: one long stream on stdin (a thread inflates while another decodes)'
cat "$a" "$b" "$c" "$d" "$a" "$b" "$c" "$d" > stream8.pb.gz
pm -j 1 < stream8.pb.gz > s1.pb.gz
for jobs in 2 3; do
	expect_exit 0 pm -j "$jobs" < stream8.pb.gz
	check_same "-j $jobs gives what -j 1 gives" s1.pb.gz "$out"
	cat stream8.pb.gz | expect_exit 0 pm -j "$jobs" -
	check_same "-j $jobs from a pipe gives what -j 1 gives" s1.pb.gz "$out"
done
expect_exit 1 pm -j 2 < damaged3.pb.gz
check_grep 'a broken 3rd member is named as with -j 1' \
	'^pprof-merge: \(stdin\): profile 3: corrupt gzip data' "$err"
check_empty 'nothing is written' "$out"
cat "$a" "$b" trunc.pb.gz | expect_exit 1 pm -j 2
check_grep 'a truncated 3rd member too' '^pprof-merge: \(stdin\): profile 3: truncated gzip data' "$err"
# A broken first profile ends the merge at once, though the pipe stays open
# (this shell holds its write end): the thread inflating ahead, waiting for
# more input, must not hold up the exit.
mkfifo open.fifo
exec 7<>open.fifo
cat junk.pb.gz >&7
expect_exit 1 timeout 10 "$PPROF_MERGE" -j 2 < open.fifo
exec 7>&-
check_grep 'a broken 1st profile on an open pipe ends the merge' \
	'^pprof-merge: \(stdin\): profile 1: ' "$err"

# ---- --keep-going ----------------------------------------------------------

t '--keep-going'
expect_exit 0 pm --keep-going "$a" junk.pb.gz "$b"
check_same 'a broken input is skipped' ab.pb.gz "$out"
check_grep 'the warning names it' '^pprof-merge: warning: junk\.pb\.gz: .*; skipped$' "$err"
expect_exit 0 pm -k "$a" missing.pb.gz "$b"
check_same 'a missing input is skipped' ab.pb.gz "$out"
check_grep 'the warning names it' '^pprof-merge: warning: missing\.pb\.gz: .*; skipped$' "$err"
expect_exit 0 pm -k "$a" "$heap" "$b"
check_same 'an incompatible profile is skipped' ab.pb.gz "$out"
check_grep 'the warning names it' '^pprof-merge: warning: heap-1\.pb\.gz: profile 1: .*; skipped$' "$err"
expect_exit 0 pm -k trunc.pb.gz "$a" "$b"
check_same 'a truncated first input is skipped' ab.pb.gz "$out"
# Profiles before the broken member are merged; the rest of the input is not.
expect_exit 0 pm -k "$c" junk3.pb.gz
cat "$c" "$a" "$b" | pm > cab.pb.gz
check_same 'a stream is merged up to its broken member' cab.pb.gz "$out"
check_grep 'the warning names the member' '^pprof-merge: warning: junk3\.pb\.gz: profile 3: .*; skipped$' "$err"

t '--keep-going: nothing merged'
expect_data_error '^pprof-merge: ' pm -k junk.pb.gz missing.pb.gz
expect_data_error '^pprof-merge: ' pm -k < junk.pb.gz

# ---- --allow-empty ---------------------------------------------------------

t '--allow-empty'
expect_exit 0 pm --allow-empty < /dev/null
check 'an empty stream gives a gzip profile' gzip -t "$out"
cp "$out" empty.pb.gz
expect_exit 0 pm --allow-empty "$a" - < /dev/null
check_same 'an empty stdin among files adds nothing' a.pb.gz "$out"
expect_exit 0 pm --allow-empty --uncompressed < /dev/null
zcat empty.pb.gz > empty.pb
check_same '--uncompressed: the same empty profile' empty.pb "$out"

# ---- --max-size ------------------------------------------------------------

t '--max-size'
size_a=$(wc -c < a.pb)
size_b=$(wc -c < b.pb)
expect_exit 0 pm --max-size "$size_a" "$a"
check_same 'a profile of exactly the limit' a.pb.gz "$out"
expect_data_error '^pprof-merge: cpu-1\.pb\.gz: profile 1: ' pm --max-size $((size_a - 1)) "$a"
expect_data_error '^pprof-merge: a\.pb: profile 1: ' pm --max-size $((size_a - 1)) a.pb
expect_data_error '^pprof-merge: cpu-1\.pb\.gz: profile 1: ' pm --max-size 1K "$a"
expect_exit 0 pm --max-size 1M "$a"
check_same 'a profile under 1M' a.pb.gz "$out"
# In a stream, the member over the limit is named.
if [ "$size_a" -lt "$size_b" ]; then small=$a big_one=$b max=$size_a; else small=$b big_one=$a max=$size_b; fi
cat "$small" "$big_one" | expect_data_error '^pprof-merge: \(stdin\): profile 2: ' pm --max-size "$max"
expect_exit 0 pm -k --max-size "$max" "$small" "$big_one"
pm "$small" > small.pb.gz
check_same '--keep-going skips the profile over the limit' small.pb.gz "$out"

# ---- terminals -------------------------------------------------------------

t 'terminal'
if script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
	expect_exit 1 script -qec "'$PPROF_MERGE' '$a'" /dev/null </dev/null
	check_grep 'refuses compressed data to a terminal' 'terminal' "$out"
	expect_exit 0 script -qec "'$PPROF_MERGE' -f '$a'" /dev/null </dev/null
	check 'with -f it writes' test -s "$out"
	check_no_grep 'with -f no refusal' 'terminal' "$out"
	expect_exit 0 script -qec "'$PPROF_MERGE' -o tty.pb.gz '$a'" /dev/null </dev/null
	check_same '-o FILE with stdout a terminal' a.pb.gz tty.pb.gz
else
	echo "note: no working script(1); terminal checks skipped"
fi


# ---- progress ----------------------------------------------------------------

t '--progress'
gz_bytes=$(cat "$a" "$b" "$c" "$d" | wc -c)
gz_mb=$(awk -v b="$gz_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
expect_exit 0 pm -o p.pb.gz "$a" "$b" "$c" "$d"
check_empty 'silent by default when stderr is no terminal' "$err"
expect_exit 0 pm --progress -o p.pb.gz "$a" "$b" "$c" "$d"
check_eq 'into a file, one last line with the profiles and bytes read' \
	"pprof-merge: 4 profiles, $gz_mb MB read" "$(sed 's/, [0-9.]* MB\/s in [0-9.]* s$//' "$err")"
check_grep 'and the rate and time' ' MB/s in [0-9.]+ s$' "$err"
check_same 'the output is as without' abcd.pb.gz p.pb.gz
expect_exit 0 pm --progress --no-progress -o p.pb.gz "$a" "$b"
check_empty '--no-progress after --progress silences it' "$err"
expect_exit 0 pm --progress -j 2 -o p.pb.gz - < stream8.pb.gz
check_grep 'counts the profiles of a stream' '^pprof-merge: 8 profiles, ' "$err"
if script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
	# A merge that takes over a second on a terminal: the first profile,
	# then the rest after a pause. The line is redrawn in place.
	# (valgrind takes a few seconds to start: the pause must outlast that)
	pause=1.5
	[ -z "${PPROF_VALGRIND:-}" ] || pause=8
	mkfifo slow.fifo
	{ cat "$a"; sleep "$pause"; cat "$b" "$c" "$d"; } > slow.fifo &
	expect_exit 0 script -qec "'$PPROF_MERGE' -o tty.pb.gz < slow.fifo" /dev/null </dev/null
	wait
	check_grep 'a terminal gets progress when reading takes a while' \
		'pprof-merge: 4 profiles, .* in [0-9.]+ s' "$out"
	check_grep 'drawn in place' "$(printf '\r\033')\\[K" "$out"
	check_same 'the output is as without' abcd.pb.gz tty.pb.gz
	if [ -z "${PPROF_VALGRIND:-}" ]; then   # under valgrind it takes longer
		expect_exit 0 script -qec "'$PPROF_MERGE' -o tty.pb.gz '$a' '$b' '$c' '$d'" /dev/null </dev/null
		check_no_grep 'but not for a merge of less than a second' 'profiles' "$out"
	fi
fi

# ---- memory ------------------------------------------------------------------

t 'memory grows with the result, not with the number of inputs'
# The six real CPU profiles, 20 of them and then 5000: the result is about
# the same (the same samples, 250 times the values), and so must be the
# peak memory, give or take the read-ahead of -j 2 (at most 2 inputs with 2
# decoded profiles each: 1 MB here) and the noise of timing. Anything kept
# per input would show: 1 KiB an input is 5 MB. Not under valgrind or
# AddressSanitizer, which measure and keep memory of their own.
if [ -x /usr/bin/time ] && [ -z "${PPROF_VALGRIND:-}" ] && [ -z "${SAN_CFLAGS:-}" ]; then
	six="$a $b $c $d $data/cpu-5.pb.gz $data/cpu-6.pb.gz"
	# many N: N of the six, in turn, one a line.
	many() { local i; for ((i = 0; i < $1 / 6 + 1; i++)); do printf '%s\n' $six; done | head -n "$1"; }
	# timed ARGS...: pprof-merge ARGS and then the inputs listed in
	# inputs.txt (if any), one a line, under /usr/bin/time; peak RSS in
	# rss.txt (of the program itself: PPROF_MERGE names the binary, not
	# libtool's wrapper script, see run_built_programs in tests/lib.sh).
	timed() {
		bash -c 'mapfile -t inputs < inputs.txt
			exec /usr/bin/time -f %M -o rss.txt "$0" "$@" "${inputs[@]}"' "$PPROF_MERGE" "$@"
	}
	# peak_kb N: pprof-merge -j 2 over N inputs; prints its peak RSS in KiB.
	peak_kb() {
		many "$1" > inputs.txt
		timed -j 2 -o "many-$1.pb.gz" && cat rss.txt
	}
	rss20=$(peak_kb 20)
	rss5000=$(peak_kb 5000)
	check 'both merges ran' test -n "$rss20" -a -n "$rss5000" -a -s many-5000.pb.gz
	check "5000 inputs take at most 2 MiB more than 20 ($rss5000 KiB, $rss20 KiB)" \
		test "$rss5000" -le "$((rss20 + 2048))"
	# The same inputs as one stream on stdin.
	: > inputs.txt
	many 5000 | xargs cat | timed -j 2 -o stream-5000.pb.gz
	rss_stream=$(cat rss.txt)
	check_same 'a stream of them merges to the same bytes' many-5000.pb.gz stream-5000.pb.gz
	check "and takes at most 2 MiB more than 20 files ($rss_stream KiB)" \
		test "$rss_stream" -le "$((rss20 + 2048))"
fi
# ---- write errors ----------------------------------------------------------

t 'write errors'
expect_exit 1 to_full pm "$a"
check_grep 'a message' '^pprof-merge: .*(write|space)' "$err"
expect_exit 1 to_full pm --uncompressed "$a" "$b"
check_grep 'a message (--uncompressed)' '^pprof-merge: .*(write|space)' "$err"
if $have_perl; then
	pm --uncompressed big.pb 2> pipe.err | head -c 1 > /dev/null
	status=("${PIPESTATUS[@]}")
	check_eq 'exit status when the reader of the pipe goes away' 1 "${status[0]}"
	check_grep 'a message about the pipe' '^pprof-merge: ' pipe.err
	pm -0 big.pb 2> pipe.err | head -c 1 > /dev/null
	status=("${PIPESTATUS[@]}")
	check_eq 'exit status when the reader goes away (-0)' 1 "${status[0]}"
else
	echo "note: no perl; the broken-pipe check is skipped"
fi

# ---- --help and --version --------------------------------------------------

t '--help'
expect_exit 0 pm --help
check_empty 'stderr' "$err"
for opt in --output --level --uncompressed --force --base --diff-base --keep-going \
		--allow-empty --max-size --help --version; do
	check_grep "mentions $opt" "(^|[ ,])$opt([ =,]|\$)" "$out"
done
# Every long option of the man page is in --help too.
for opt in $(grep -oE 'Fl -[a-z_-]+' "$top_srcdir/man/pprof-merge.1" | sort -u | sed 's/^Fl /-/'); do
	check_grep "mentions $opt of the man page" "(^|[ ,])$opt([ =,]|\$)" "$out"
done
expect_exit 1 to_full pm --help
check_grep '--help to a full disk is an error' '^pprof-merge: ' "$err"

t '--version'
expect_exit 0 pm --version
version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h")
check_eq 'first line' "pprof-merge (pprof-tools) $version" "$(head -n 1 "$out")"
check_grep 'libpprof version' "libpprof ${version//./\\.}([, ]|\$)" "$out"
check_grep 'zlib version' 'zlib [0-9]+\.[0-9]+' "$out"
check_grep 'protobuf-c version' 'protobuf-c [0-9]+\.[0-9]+' "$out"
check_empty 'stderr' "$err"

finish
