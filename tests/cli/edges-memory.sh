# Memory and --max-size at their edges: decompression bombs read by several
# threads at once must not take -j times the memory of one (the readers share
# one budget: the input needed next may take --max-size, the others half of
# it together), and the largest --max-size means no limit.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_MERGE:?}" "${PPROF_STAT:?}" "${PPROF_TAG:?}" "${PPROF_FILTER:?}"
pm() { "$PPROF_MERGE" --no-progress "$@"; }

# ---- --max-size 18446744073709551615 -----------------------------------------

t 'the largest --max-size'
max=18446744073709551615
cp "$data"/cpu-1.pb.gz "$data"/cpu-2.pb.gz . || exit 99
zcat cpu-1.pb.gz > cpu-1.pb
pm cpu-1.pb.gz cpu-2.pb.gz > default.pb.gz
expect_exit 0 pm --max-size "$max" cpu-1.pb.gz cpu-2.pb.gz
check_same 'pprof-merge: what the default limit gives' default.pb.gz "$out"
expect_exit 0 pm --max-size "$max" cpu-1.pb
check_same 'an uncompressed input too' <(pm cpu-1.pb) "$out"
"$PPROF_STAT" cpu-1.pb.gz > stat.txt
expect_exit 0 "$PPROF_STAT" --max-size "$max" cpu-1.pb.gz
check_same 'pprof-stat: what the default limit gives' stat.txt "$out"
"$PPROF_TAG" --set a=b cpu-1.pb.gz > tag.pb.gz
expect_exit 0 "$PPROF_TAG" --max-size "$max" --set a=b cpu-1.pb.gz
check_same 'pprof-tag: what the default limit gives' tag.pb.gz "$out"
"$PPROF_FILTER" --focus main cpu-1.pb.gz > filter.pb.gz
expect_exit 0 "$PPROF_FILTER" --max-size "$max" --focus main cpu-1.pb.gz
check_same 'pprof-filter: what the default limit gives' filter.pb.gz "$out"
expect_exit 2 pm --max-size 18446744073709551616 cpu-1.pb.gz
check_grep 'one more is too large' "^pprof-merge: invalid --max-size '18446744073709551616': too large" "$err"
expect_exit 2 pm --max-size 16777216T cpu-1.pb.gz
check_grep '2^64 with a suffix too' "too large" "$err"
# One byte under the size: refused, naming the limit; at the size: taken.
size=$(wc -c < cpu-1.pb)
expect_exit 1 pm --max-size $((size - 1)) cpu-1.pb.gz
check_grep 'a limit one byte short refuses it' \
	"^pprof-merge: cpu-1.pb.gz: profile 1: larger than the limit of $((size - 1)) bytes uncompressed" "$err"
expect_exit 0 pm --max-size "$size" cpu-1.pb.gz
check_same 'a limit of its size takes it' <(pm cpu-1.pb.gz) "$out"

# ---- bombs read by threads -----------------------------------------------------

t 'bombs and -j'
# (AddressSanitizer's shadow memory and quarantine grow with threads: peak
# memory says nothing of the program's there)
if [ -n "${PPROF_VALGRIND:-}" ] || [ -n "${SAN_CFLAGS:-}" ] || [ ! -x /usr/bin/time ]; then
	pass 'skipped: memory is not measured under valgrind or sanitizers, or without /usr/bin/time'
	finish
fi
limit_mib=32   # (small, for time: what is checked is relative to it)
# Zeros that inflate to more than the limit (refused after inflating it) and
# to just under it (inflated whole, then refused as not a profile).
head -c $(((limit_mib + 36) << 20)) /dev/zero | gzip -1 > over.gz
head -c $(((limit_mib - 1) << 20)) /dev/zero | gzip -1 > under.gz
check 'the bombs are small' test "$(($(wc -c < over.gz) + $(wc -c < under.gz)))" -lt 1000000
# peak_kb ARGS...: pprof-merge ARGS (which fails: they are bombs), the same
# messages as -j 1 checked; prints the peak RSS in KiB of the program.
peak_kb() {
	# (PPROF_MERGE names the binary, not libtool's wrapper script around it:
	# run_built_programs in tests/lib.sh)
	/usr/bin/time -f %M -o rss.txt "$PPROF_MERGE" --no-progress -k --max-size ${limit_mib}M "$@" \
		> /dev/null 2> bomb.err
	tail -n 1 rss.txt   # (after "Command exited with non-zero status 1")
}
# check_bombs WHAT FILES...: -j 1, then -j 4 over FILES; -j 4 must stay within
# half the limit (what the others share) and some slack of -j 1.
check_bombs() {
	local what=$1 rss1 rss4 slack_kb=$((16 << 10))
	shift
	rss1=$(peak_kb -j 1 "$@")
	cp bomb.err bomb1.err
	rss4=$(peak_kb -j 4 "$@")
	check_same "$what: the messages of -j 1" bomb1.err bomb.err
	check_eq "$what: each is refused" "$#" "$(grep -c '^pprof-merge: .*: profile 1: ' bomb.err)"
	if [ "$rss4" -le $((rss1 + (limit_mib << 9) + slack_kb)) ]; then
		pass "$what: -j 4 peaks at $rss4 KiB, -j 1 at $rss1 KiB"
	else
		fail "$what: -j 4 within $((limit_mib / 2)) MiB and slack of -j 1" \
			"-j 1: $rss1 KiB" "-j 4: $rss4 KiB"
	fi
}
check_bombs 'four over the limit' over.gz over.gz over.gz over.gz
check_bombs 'four just under it' under.gz under.gz under.gz under.gz
check_bombs 'two (each inflated ahead in a thread)' over.gz under.gz
sixteen=()
for i in 1 2 3 4; do sixteen+=(over.gz under.gz over.gz under.gz); done
check_bombs 'sixteen (merged in parts)' "${sixteen[@]}"
# Bombs between profiles: the profiles still merge as with -j 1.
mixed=()
for i in 1 2 3 4; do mixed+=(cpu-1.pb.gz over.gz cpu-2.pb.gz under.gz); done
pm -j 1 -k --max-size ${limit_mib}M "${mixed[@]}" > mixed1.pb.gz 2> mixed1.err
expect_exit 0 pm -j 4 -k --max-size ${limit_mib}M "${mixed[@]}"
check_same 'bombs among profiles: the output of -j 1' mixed1.pb.gz "$out"
check_same 'bombs among profiles: the messages of -j 1' mixed1.err "$err"

finish
