# pprof-filter --pgo loses nothing the Go compiler uses (HACKING.md section 9):
# for each profile, `go tool preprofile` (Go's own cmd/internal/pgo, which
# `go build -pgo` runs: it prints every call edge, caller name, callee name,
# call line minus the caller's start line and summed weight, sorted) must
# print the same bytes for the profile and for its --pgo reduction, the
# total weight (the sum of the edge weights, which Go recomputes the same
# way) must be the same, and the reduction must be much smaller. Profiles
# Go cannot use must be refused. Skipped with a Go older than 1.23.
#
# The real profiles (tests/data/cpu-*.pb.gz, Go 1.23) are compared one by one
# and merged; a profile made here holds the cases that real ones rarely
# have: a recursive call from the line of an inlined call, two locations
# without lines, a location twice in a row, an inlined line with line 0.
# Normalisation: none.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_FILTER:?}" "${PPROF_MERGE:?}"
find_go || skip 'no go command (set GO to one)'
need_go 1.23   # the first with `go tool preprofile`
echo "using $GO: $("$GO" version)"

pf() { "$PPROF_FILTER" "$@"; }
# preprofile FILE: `go tool preprofile -i FILE`, run as the binary that `go
# tool -n preprofile` names (as go_pprof runs pprof: the go command's start
# cost as much again), exiting 1 when it fails, as `go tool` does.
preprofile_bin=$("$GO" tool -n preprofile 2>/dev/null) && [ -x "$preprofile_bin" ] ||
	preprofile_bin=
preprofile() {
	if [ -z "$preprofile_bin" ]; then
		"$GO" tool preprofile -i "$1"
	else
		"$preprofile_bin" -i "$1" || return 1
	fi
}

# total EDGES: the total weight, summed over the edges preprofile printed
# (after the header, lines of three: caller, callee, "offset weight").
total() {
	awk 'NR > 1 && (NR - 1) % 3 == 0 { sum += $2 } END { printf "%.0f\n", sum }' "$1"
}

# lossless NAME FILE [small]: --pgo of FILE gives Go the same edges and
# total, and is at most half as big (unless "small"); prints the sizes.
lossless() {
	local name=$1 file=$2 small=${3:-} before after
	expect_exit_into "$name.pgo" "$name.pgo.err" 0 pf --pgo "$file"
	check_empty "$name: no warnings" "$err"
	preprofile "$file" > "$name.before" 2> "$name.before.err"
	check_eq "$name: preprofile reads the input" 0 $?
	preprofile "$name.pgo" > "$name.after" 2> "$name.after.err"
	check_eq "$name: preprofile reads the output" 0 $?
	check_eq "$name: whole edge records" 1 "$(($(wc -l < "$name.after") % 3))"
	check_same "$name: the same call edges and weights" "$name.before" "$name.after"
	check_eq "$name: the same total weight" "$(total "$name.before")" "$(total "$name.after")"
	before=$(wc -c < "$file")
	after=$(wc -c < "$name.pgo")
	[ -n "$small" ] || check "$name: at most half the size" test $((after * 2)) -le "$before"
	echo "# $name: $before -> $after bytes, $(awk "BEGIN { printf \"%.2f\", $before / $after }")x" \
		"smaller, $(($(wc -l < "$name.before") / 3)) edges, total weight $(total "$name.after")"
}

t 'real CPU profiles, one by one'
for file in "$data"/cpu-[1-6].pb.gz; do
	lossless "$(basename "$file" .pb.gz)" "$file"
done

t 'real CPU profiles merged'
"$PPROF_MERGE" "$data"/cpu-[1-6].pb.gz > merged.pb.gz
lossless merged merged.pb.gz

t 'the reduction of a reduction'
expect_exit_into twice.pgo twice.err 0 pf --pgo merged.pgo
check_same 'is the same profile' merged.pgo twice.pgo

t 'a stream: one reduced profile per input profile'
cat "$data/cpu-1.pb.gz" "$data/cpu-2.pb.gz" | pf --pgo > stream.pgo
check_same 'the first member' cpu-1.pgo <(pf --pgo "$data/cpu-1.pb.gz")
check 'two members' test "$(cat cpu-1.pgo cpu-2.pgo | wc -c)" -eq "$(wc -c < stream.pgo)"

t 'synthetic profiles (deep stacks, functions without start lines)'
lossless synth-small-1 "$data/synth-small-1.pb.gz"
lossless synth-100k "$data/synth-100k.pb.gz"

t 'after other filters'
pf --focus 'main\.' --tagfocus 'endpoint=search' "$data/cpu-2.pb.gz" > focused.pb.gz
lossless focused focused.pb.gz
pf --scale 3 "$data/cpu-4.pb.gz" > scaled.pb.gz
lossless scaled scaled.pb.gz

# The odd cases (see the top), with a mapping and labels to drop:
#   functions 1 f (start 10), 2 g (start 20), 3 h (start 30), 4 k (no start)
#   L1 0x1000 [g:22 f:12]   g inlined into f at line 12
#   L2 0x2000 [f:12]        f calling (f or g) at line 12
#   L3 0x3000 [h:33 h:0]    two lines of one function, the outer at line 0
#   L4 0x4000 [], L5 0x5000 []     no lines
#   L6 0x6000 [f:13]        once as leaf and caller of one sample
#   L7 0x2000 [k:40]        another location at L2's address
#   L8 0x8000 [f:12]        like L2 but a leaf; L9 0x9000 [f:18] a leaf
t 'odd cases'
if command -v perl >/dev/null; then
	perl -e '
		sub v { my $n = shift; my $s = ""; while ($n >= 128) { $s .= chr(($n & 127) | 128); $n >>= 7 } $s . chr($n) }
		sub ld { my ($f, $b) = @_; v($f << 3 | 2) . v(length $b) . $b }
		sub vi { my ($f, $n) = @_; v($f << 3) . v($n) }
		sub packed { my $f = shift; ld($f, join "", map { v($_) } @_) }
		my @s = ("", "samples", "count", "cpu", "nanoseconds", "f", "g", "h", "k", "x.go", "bin", "who", "me");
		my %i; @i{@s} = (0 .. $#s);
		sub str { $i{$_[0]} }
		sub sample { my ($locs, $v) = @_; ld(2, packed(1, @$locs) . packed(2, $v, $v * 10)
		             . ld(3, vi(1, str("who")) . vi(2, str("me")))) }
		sub line { ld(4, vi(1, $_[0]) . vi(2, $_[1])) }
		sub loc { my ($id, $addr, @lines) = @_; ld(4, vi(1, $id) . vi(2, 1) . vi(3, $addr) . join "", @lines) }
		sub fn { ld(5, vi(1, $_[0]) . vi(2, str($_[1])) . vi(4, str("x.go")) . vi(5, $_[2])) }
		my $p = ld(1, vi(1, str("samples")) . vi(2, str("count")))
		      . ld(1, vi(1, str("cpu")) . vi(2, str("nanoseconds")));
		$p .= sample([1, 2], 5) . sample([1, 2, 2], 7) . sample([3], 3) . sample([4, 5], 2)
		    . sample([6, 6], 4) . sample([6, 1], 1) . sample([2], 1) . sample([1, 6, 2], 6)
		    . sample([7, 2], 2) . sample([2, 7], 9) . sample([8, 2], 8) . sample([9, 2], 3)
		    . sample([8, 6], 2) . sample([5, 4, 1], 4) . sample([3, 3], 2) . sample([2, 1], 0);
		$p .= ld(3, vi(1, 1) . vi(2, 0x1000) . vi(3, 0x10000) . vi(5, str("bin")));
		$p .= loc(1, 0x1000, line(2, 22), line(1, 12)) . loc(2, 0x2000, line(1, 12))
		    . loc(3, 0x3000, line(3, 33), line(3, 0)) . loc(4, 0x4000) . loc(5, 0x5000)
		    . loc(6, 0x6000, line(1, 13)) . loc(7, 0x2000, line(4, 40))
		    . loc(8, 0x8000, line(1, 12)) . loc(9, 0x9000, line(1, 18));
		$p .= fn(1, "f", 10) . fn(2, "g", 20) . fn(3, "h", 30) . fn(4, "k", 0);
		$p .= ld(6, $_) for @s;
		print $p . ld(11, vi(1, str("cpu")) . vi(2, str("nanoseconds"))) . vi(12, 10000000);
	' > odd.pb
	lossless odd odd.pb small
	check 'odd: the edge f -> f at offset 2 is there' awk '
		NR > 1 && (NR - 1) % 3 == 0 && caller == "f" && callee == "f" && $1 == 2 { found = 1 }
		{ caller = callee; callee = $0 }
		END { exit !found }' odd.before
else
	echo "note: no perl; the odd cases are skipped"
fi

# ---- profiles Go cannot use --------------------------------------------------

t 'refused'
expect_exit 1 pf --pgo "$data/go119-cpu.pb.gz"
check_grep 'no start lines (Go 1.19)' '^pprof-filter: .*go119-cpu\.pb\.gz: profile 1: .*start line' "$err"
check_empty 'nothing written' "$out"
expect_exit 1 preprofile "$data/go119-cpu.pb.gz"
check_grep 'as preprofile refuses it' 'start_line' "$err"
expect_exit 1 pf --pgo "$data/heap-1.pb.gz"
check_grep 'no samples/count or cpu/nanoseconds (heap)' \
	'^pprof-filter: .*heap-1\.pb\.gz: profile 1: no sample type samples/count or cpu/nanoseconds' "$err"
expect_exit 1 pf --pgo "$data/goroutine.pb.gz"
check_grep 'no samples/count or cpu/nanoseconds (goroutine)' 'no sample type' "$err"
expect_exit 1 preprofile "$data/heap-1.pb.gz"
expect_exit 1 pf --pgo -o refused.pgo "$data/cpu-1.pb.gz" "$data/go119-cpu.pb.gz"
check 'no -o FILE for a stream with one refused' test ! -e refused.pgo

t 'a profile whose samples all go is no error'
expect_exit_into empty.pgo empty.err 0 pf --pgo --focus 'no such function' "$data/cpu-1.pb.gz"
preprofile empty.pgo > empty.after
check_eq 'preprofile reads it: no edges' 'GO PREPROFILE V1' "$(cat empty.after)"

finish
