# Scale and overflow: profiles far larger than real ones in one dimension at
# a time, made here by Perl, go through pprof-merge, pprof-filter and
# pprof-stat with the results checked against what the generator put in.
#   deep:    a stack of 10,000 frames (nothing may recurse per frame), and
#            how go tool pprof reports our merge of it (when there is Go)
#   strings: 1,000,000 distinct label values (a string table of 1M strings)
#            and a function name of 16 MiB
#   many:    4,000,000 samples in one profile, over 1000 stacks, some 40 MB
#            of protobuf (10 million cost make check 10 s more of CPU)
#            (PPROF_SCALE_SAMPLES sets the number, for slow builds)
#   wrap:    sums past the int64 range wrap around as in pprof (Go's int64
#            addition), and a sample whose sums wrap to all zeros is dropped
. "$top_srcdir/tests/lib.sh"

: "${PPROF_MERGE:?}" "${PPROF_FILTER:?}" "${PPROF_STAT:?}"
command -v perl >/dev/null || skip 'no perl'
command -v jq >/dev/null || skip 'no jq'
pm() { "$PPROF_MERGE" "$@"; }

deep=10000 n_strings=1000000 long_name=$((16 << 20))
n_samples=${PPROF_SCALE_SAMPLES:-4000000} n_stacks=1000

# gen KIND N: writes one uncompressed profile to stdout (see the header).
gen() {
	perl -e '
		use strict;
		my ($kind, $n) = @ARGV;
		sub v { my $n = shift; my $s = ""; while ($n >= 128) { $s .= chr(($n & 127) | 128); $n >>= 7 } $s . chr($n) }
		sub ld { my ($f, $b) = @_; v($f << 3 | 2) . v(length $b) . $b }
		sub vi { my ($f, $n) = @_; v($f << 3) . v($n) }
		sub packed { my $f = shift; ld($f, join "", map { v($_) } @_) }
		sub sample { my ($locs, $vals, $labels) = @_; ld(2, packed(1, @$locs) . packed(2, @$vals) . ($labels // "")) }
		# functions f1..fN (names are strings 4..N+3), location i = line of fi
		sub frames {
			my $n = shift;
			join("", map { ld(4, vi(1, $_) . ld(4, vi(1, $_) . vi(2, $_))) } 1 .. $n)
			. join("", map { ld(5, vi(1, $_) . vi(2, $_ + 3)) } 1 .. $n);
		}
		sub strings { join "", map { ld(6, $_) } @_ }
		my $head = ld(1, vi(1, 1) . vi(2, 2)) . ld(11, vi(1, 1) . vi(2, 2)) . vi(12, 1);
		my @base = ("", "samples", "count", "request");
		binmode STDOUT;
		if ($kind eq "deep") {            # [1..N] = 3 and [N/2..N] = 4
			print $head, sample([1 .. $n], [3]), sample([$n / 2 .. $n], [4]), frames($n),
				strings(@base, map { "f$_" } 1 .. $n);
		} elsif ($kind eq "strings") {    # [1] = i, request=r<i>; f1 is long
			# (written inline, the varints too, for values under 2^21: calls of
			# v and ld took most of the time)
			die "gen strings: too many\n" if $n + 4 >= 1 << 21;
			my $names = "";
			print $head, frames(1);
			for my $i (1 .. $n) {   # sample([1], [$i], ld(3, vi(1, 3) . vi(2, $i + 4))), faster
				my ($value, $label) = map {
					$_ < 128 ? chr($_) : $_ < 16384 ? pack("CC", $_ & 127 | 128, $_ >> 7)
						: pack("CCC", $_ & 127 | 128, $_ >> 7 & 127 | 128, $_ >> 14)
				} $i, $i + 4;
				$label = "\x08\x03\x10" . $label;
				my $body = "\x0a\x01\x01\x12" . chr(length $value) . $value
					. "\x1a" . chr(length $label) . $label;
				print "\x12", chr(length $body), $body;
				$names .= "\x32" . chr(1 + length $i) . "r$i";   # ld(6, "r$i")
			}
			print strings(@base, "f" x $ARGV[2]), $names;
		} elsif ($kind eq "many") {       # sample k: [k % 1000 + 1] = 1
			my $block = join "", map { sample([$_], [1]) } 1 .. 1000;
			print $head, $block x ($n / 1000), frames(1000), strings(@base, map { "f$_" } 1 .. 1000);
		} elsif ($kind eq "wrap") {       # [1] = 2^63-1, [2] = 2^62, [3] = -2^63+1 (as 2^64-2^63+1)
			print $head, sample([1], [9223372036854775807]), sample([2], [4611686018427387904]),
				sample([3], [9223372036854775809]), frames(3), strings(@base, "f1", "f2", "f3");
		}
	' "$@"
}

# folded_frames FILE: the number of frames of each line of pprof-stat --folded.
folded_frames() {
	"$PPROF_STAT" --folded "$1" | awk '{ sub(/ [-0-9]+$/, ""); print split($0, f, ";") }'
}

# stat_json FILE VAR=FILTER...: jqset of pprof-stat --json --top 1 FILE (the
# report, which takes seconds here, made once per FILE in FILE.json; jq
# reads a 16 MB one in 0.3 s).
stat_json() {
	local file=$1
	shift
	[ "$file.json" -nt "$file" ] || "$PPROF_STAT" --json --top 1 "$file" > "$file.json" || return
	jqset "$file.json" "$@"
}

# ---- a stack of 10,000 frames ---------------------------------------------

t "a stack of $deep frames"
gen deep "$deep" > deep.pb
expect_exit 0 pm deep.pb deep.pb
cp "$out" deep2.pb.gz
check_eq 'frames of the two samples' "$((deep / 2 + 1)) $deep" "$(folded_frames deep2.pb.gz | sort -n | tr '\n' ' ' | sed 's/ $//')"
stat_json deep2.pb.gz locations=.locations functions=.functions total=.samples.total.samples
check_eq 'locations' "$deep" "$locations"
check_eq 'functions' "$deep" "$functions"
check_eq 'total: both samples, twice' $((2 * (3 + 4))) "$total"
check_eq "f1's cum is the first sample's, f$deep's both" "6 14" \
	"$("$PPROF_STAT" --json --top 100000 deep2.pb.gz |
		jq -r --arg n "f$deep" '[.top.rows[] | select(.name == "f1" or .name == $n) | .cum] | sort | join(" ")')"

# --hide drops the frames whose number ends in 0 or 5.
expect_exit 0 "$PPROF_FILTER" --hide '^f[0-9]*[05]$' deep.pb
kept=$(seq "$deep" | grep -cv '[05]$')
kept_half=$(seq $((deep / 2)) "$deep" | grep -cv '[05]$')
check_eq '--hide: frames left' "$kept_half $kept" "$(folded_frames "$out" | sort -n | tr '\n' ' ' | sed 's/ $//')"
# --prune-from drops the frames below (leafwards of) the match.
expect_exit 0 "$PPROF_FILTER" --prune-from '^f100$' --focus '^f1$' deep.pb
check_eq '--prune-from and --focus: one sample from f100 to the root' "$((deep - 99))" "$(folded_frames "$out")"

if find_go; then
	t "a stack of $deep frames, as go tool pprof sees our merge"
	go_pprof -proto deep.pb deep.pb > deep2.go.pb.gz 2>/dev/null
	# (-traces and -top of each profile from one run of pprof)
	for who in go ours; do
		file=deep2.pb.gz
		[ "$who" = ours ] || file=deep2.go.pb.gz
		go_pprof_batch -nodecount=100000 -nodefraction=0 -edgefraction=0 "$file" -- \
			"traces:$who.-traces.txt" "top:$who.-top.txt"
	done
	for report in -traces -top; do
		check "$report of go's merge shows every frame" grep -q "f$deep\$" "go.$report.txt"
		check_same "$report: the same as of go tool pprof's own merge" "go.$report.txt" \
			"ours.$report.txt"
	done
else
	echo '# no go: the comparison with go tool pprof is skipped'
fi

# ---- a huge string table ----------------------------------------------------

t "$n_strings distinct label values and a $long_name-byte name"
gen strings "$n_strings" "$long_name" > strings.pb
expect_exit 0 pm strings.pb strings.pb
cp "$out" strings2.pb.gz
stat_json strings2.pb.gz count=.samples.count values='.labels[0].strings' strings=.strings \
	total=.samples.total.samples name_length='.top.rows[0].name | length'
check_eq 'samples: one per label value' "$n_strings" "$count"
check_eq 'label values' "$n_strings" "$values"
check 'strings: at least the label values and the name' test "$strings" -gt "$n_strings"
check_eq 'total: twice 1 + ... + N' $((n_strings * (n_strings + 1))) "$total"
# (the one function's name, as the table prints it: jq counts its characters)
check_eq 'the long name is whole' "$long_name" "$name_length"
expect_exit 0 "$PPROF_FILTER" --tagfocus 'request=^r(1|2)[0-9]*$' strings2.pb.gz
stat_json "$out" count=.samples.count
check_eq '--tagfocus on the values' "$(seq "$n_strings" | grep -c '^[12]')" "$count"

# ---- millions of samples ---------------------------------------------------

t "$n_samples samples in one profile"
gen many "$n_samples" > many.pb
expect_exit 0 pm many.pb many.pb
stat_json "$out" count=.samples.count total=.samples.total.samples
check_eq 'samples after merging' "$n_stacks" "$count"
check_eq 'total: every sample, twice' $((2 * n_samples)) "$total"
stat_json many.pb total=.samples.total.samples
check_eq 'pprof-stat of the input: its total' "$n_samples" "$total"
expect_exit 0 "$PPROF_FILTER" --focus '^f7$' many.pb
stat_json "$out" total=.samples.total.samples
check_eq '--focus: the samples of one stack' $((n_samples / n_stacks)) "$total"
rm -f many.pb

# ---- int64 overflow ---------------------------------------------------------
# wrap.pb: f1 = 2^63-1, f2 = 2^62, f3 = -2^63+1. Merged four times:
# f1 4(2^63-1) = -4 mod 2^64; f2 4*2^62 = 0, so the sample is dropped;
# f3 4(-2^63+1) = 4. Go's int64 addition wraps the same way.

t 'sums past the int64 range wrap'
gen wrap > wrap.pb
expect_exit 0 pm wrap.pb wrap.pb wrap.pb wrap.pb
cp "$out" wrap4.pb.gz
check_eq 'the wrapped sums; the sample that sums to 0 is dropped' 'f1 -4,f3 4' \
	"$("$PPROF_STAT" --folded wrap4.pb.gz | sort | tr '\n' ',' | sed 's/,$//')"
expect_exit 0 pm wrap.pb wrap.pb
check_eq 'two: 2^64-2 wraps to -2, 2^63 to -2^63, -2^64+2 to 2' \
	'f1 -2,f2 -9223372036854775808,f3 2' \
	"$("$PPROF_STAT" --folded "$out" | sort | tr '\n' ',' | sed 's/,$//')"
if find_go; then
	go_pprof -proto wrap.pb wrap.pb wrap.pb wrap.pb > wrap4.go.pb.gz 2>/dev/null
	go_pprof -traces wrap4.go.pb.gz > go.txt 2>&1
	go_pprof -traces wrap4.pb.gz > ours.txt 2>&1
	check_same 'go tool pprof -traces: the same as its own merge' go.txt ours.txt
fi

finish
