# The bad-input suite: pprof-merge given broken input exits 1 with one
# message of the shape "pprof-merge: FILE: profile N: PROBLEM", writes
# nothing, and with --keep-going skips the broken input and merges the rest.
#
# Cases, and where each is tested:
#   empty input ............................ here (and merge.sh 'empty input')
#   not gzip, not a profile ................ here (and merge.sh 'bad data')
#   gzip truncated at every offset ......... here (merge.sh: at one offset)
#   damaged deflate data, trailing garbage . merge.sh
#   protobuf truncated at every offset ..... here
#   wrong wire types ....................... here
#   string index out of range .............. here (unit: check_profile.c)
#   function, location, mapping id that does not exist ... here
#   zero id, duplicate id .................. here
#   sample value count mismatch ............ here
#   huge varint, huge length ............... here
#   decoding bomb (2M empty samples) ....... unit: check_reader.c
#   a gzip member that expands past --max-size, with peak memory ... here
#   a stream whose 3rd profile is broken ... here (invalid data; merge.sh:
#                                            damaged gzip and junk)
# Profiles are written by the Perl below, field by field, so each broken one
# differs from a valid one in the one way it names.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_MERGE:?}"
pm() { "$PPROF_MERGE" "$@"; }
command -v perl >/dev/null || skip 'no perl'

# make_profiles: writes good.pb and one bad-CASE.pb per case, uncompressed.
# The string table comes last and its last string is a function's name, so
# that any truncation of good.pb leaves an invalid profile.
make_profiles() {
	perl -e '
		use strict;
		sub v { my $n = shift; my $s = ""; while ($n >= 128) { $s .= chr(($n & 127) | 128); $n >>= 7 } $s . chr($n) }
		sub ld { my ($f, $b) = @_; v($f << 3 | 2) . v(length $b) . $b }   # length-delimited field
		sub vi { my ($f, $n) = @_; v($f << 3) . v($n) }                     # varint field
		sub packed { my $f = shift; ld($f, join "", map { v($_) } @_) }
		my @s = ("", "samples", "count", "/bin/app", "main.go", "main");
		sub st { ld(1, vi(1, 1) . vi(2, 2)) }                               # samples/count
		sub sample { my ($locs, $vals) = @_; ld(2, packed(1, @$locs) . packed(2, @$vals)) }
		sub mapping { my $id = shift; ld(3, vi(1, $id) . vi(2, 4096) . vi(3, 8192) . vi(5, 3)) }
		sub loc { my ($id, $map, $fn) = @_; ld(4, vi(1, $id) . vi(2, $map) . vi(3, 4200) . ld(4, vi(1, $fn) . vi(2, 7))) }
		sub func { my ($id, $name) = @_; ld(5, vi(1, $id) . vi(2, $name) . vi(4, 4) . vi(5, 3)) }
		sub strings { join "", map { ld(6, $_) } @s }
		sub tail { ld(11, vi(1, 1) . vi(2, 2)) . vi(12, 1) }
		sub profile {                                                       # with overrides
			my %o = (samples => sample([1], [5]), maps => mapping(1), locs => loc(1, 1, 1),
			         funcs => func(1, 5), @_);
			st() . $o{samples} . $o{maps} . $o{locs} . $o{funcs} . tail() . strings();
		}
		sub out { my ($name, $bytes) = @_; open my $f, ">", $name or die; print $f $bytes; close $f }
		out("good.pb", profile());
		out("bad-string.pb", profile(funcs => func(1, 99)));
		out("bad-function.pb", profile(locs => loc(1, 1, 7)));
		out("bad-location.pb", profile(samples => sample([1, 9], [5])));
		out("bad-mapping.pb", profile(locs => loc(1, 5, 1)));
		out("bad-zero-id.pb", profile(locs => loc(0, 1, 1)));
		out("bad-duplicate-id.pb", profile(funcs => func(1, 5) . func(1, 5)));
		out("bad-values.pb", profile(samples => sample([1], [5, 6])));
		# sample_type (a message) as a varint; a sample as a fixed64
		out("bad-wiretype-1.pb", vi(1, 1) . profile());
		out("bad-wiretype-2.pb", profile() . v(2 << 3 | 1) . "\0" x 8);
		# a varint of 11 bytes (at most 10 exist); lengths past the end
		out("bad-varint.pb", profile() . v(12 << 3) . "\377" x 10 . "\001");
		out("bad-length.pb", profile() . v(6 << 3 | 2) . "\377" x 9 . "\001");
		out("bad-length-2.pb", profile() . v(6 << 3 | 2) . v(2**40) . "x");
	'
}
make_profiles || exit 99

# cut_copies FILE SUFFIX: writes cut-N.SUFFIX, the first N bytes of FILE, for
# each N from 1 to FILE's size less one: one perl, not a head -c for each.
cut_copies() {
	perl -e '
		my ($file, $suffix) = @ARGV;
		open my $in, "<", $file or die "$file: $!"; binmode $in;
		my $data = do { local $/; <$in> };
		for my $n (1 .. length($data) - 1) {
			open my $out, ">", "cut-$n.$suffix" or die "cut-$n.$suffix: $!"; binmode $out;
			print $out substr($data, 0, $n);
			close $out or die "cut-$n.$suffix: $!";
		}
	' "$1" "$2" || exit 99
}
cp "$data"/cpu-1.pb.gz "$data"/cpu-2.pb.gz . || exit 99
gzip -9n < good.pb > good.pb.gz || exit 99
pm -o good-merged.pb.gz good.pb || exit 99

# expect_bad FILE N PROBLEM_ERE [OPTION...]: merging FILE (with OPTIONs)
# fails with status 1, nothing on stdout and exactly the message
# "pprof-merge: FILE: profile N: PROBLEM".
expect_bad() {
	local file=$1 n=$2 problem=$3 re
	shift 3
	re="^pprof-merge: ${file//./\\.}: profile $n: $problem\$"
	expect_exit 1 pm "$@" "$file"
	check_empty "nothing on stdout from $file" "$out"
	check_grep "the message for $file" "$re" "$err"
	check_eq "one line of message for $file" 1 "$(wc -l < "$err")"
}

# expect_skipped FILE [OPTION...]: --keep-going skips FILE (exit 0, a warning
# naming it) and merges the good input around it.
expect_skipped() {
	local file=$1
	shift
	expect_exit 0 pm --keep-going "$@" good.pb "$file" good.pb
	pm good.pb good.pb > good2.pb.gz
	check_same "--keep-going skips $file, merges the rest" good2.pb.gz "$out"
	check_grep "--keep-going warns about $file" \
		"^pprof-merge: warning: ${file//./\\.}: .*; skipped\$" "$err"
}

t 'the generated good profile is good'
expect_exit 0 pm good.pb
check 'it merges' gzip -t "$out"
check_empty 'no message' "$err"

t 'empty input'
: > empty.pb
expect_exit 1 pm empty.pb
check_grep 'the message' '^pprof-merge: empty\.pb: (profile 1: )?.*empty' "$err"
expect_skipped empty.pb

t 'not gzip, not a profile'
printf 'hello, world\n' > text.pb
expect_bad text.pb 1 'not a profile: input is text: "hello, world"'
expect_skipped text.pb

t 'out-of-range references, bad ids, value counts'
expect_bad bad-string.pb 1 'function 1: string index 99 out of range \(6 strings\)'
expect_bad bad-function.pb 1 'location 1: line 1: function id 7 does not exist'
expect_bad bad-location.pb 1 'sample 1: location id 9 does not exist'
expect_bad bad-mapping.pb 1 'location 1: mapping id 5 does not exist'
expect_bad bad-zero-id.pb 1 'location 1: id is zero'
expect_bad bad-duplicate-id.pb 1 'function 2: id 1 is not unique'
expect_bad bad-values.pb 1 'sample 1: has 2 values for 1 sample types'
for f in bad-string bad-function bad-location bad-mapping bad-zero-id bad-duplicate-id bad-values; do
	expect_skipped $f.pb
	# gzip'd: the same problem, in a message that names the .gz file
	problem=$(pm $f.pb 2>&1 | sed 's/^pprof-merge: [^:]*: profile 1: //')
	gzip -9n < $f.pb > $f.pb.gz
	expect_exit 1 pm $f.pb.gz
	check_eq "$f.pb.gz: the same problem" "pprof-merge: $f.pb.gz: profile 1: $problem" "$(< "$err")"
done

t 'malformed protobuf: wire types, varints, lengths'
for f in bad-wiretype-1 bad-wiretype-2 bad-varint bad-length bad-length-2; do
	expect_bad $f.pb 1 'not a valid profile\.proto message \(malformed protobuf\)'
	expect_skipped $f.pb
done

# ---- truncation at every offset -----------------------------------------
# One run of pprof-merge --keep-going reads every truncated copy between two
# good inputs: each copy gets its own warning and none of it gets merged.

# check_truncations SUFFIX PROBLEM_ERE: cut-*.SUFFIX are truncated copies.
check_truncations() {
	local suffix=$1 problem=$2 n_cut cuts
	cuts=(cut-*."$suffix")
	n_cut=${#cuts[@]}
	expect_exit 0 pm --keep-going good.pb cut-*."$suffix" good.pb
	check_same "--keep-going: none of the $n_cut truncated copies merged" good2.pb.gz "$out"
	check_eq "a warning for each truncated copy" "$n_cut" "$(grep -c '^pprof-merge: warning: cut-' "$err")"
	grep -Ev "^pprof-merge: warning: cut-[0-9]+\\.$suffix: profile 1: ($problem); skipped\$" \
		"$err" > odd-warnings
	check_empty "each warning is 'warning: cut-N.$suffix: profile 1: PROBLEM; skipped'" odd-warnings
}

t 'protobuf truncated at every offset'
size=$(wc -c < good.pb)
cut_copies good.pb pb
pm good.pb good.pb > good2.pb.gz
check_truncations pb 'not a valid profile\.proto message \(malformed protobuf\)|.* out of range .*|.* does not exist|string table is empty'
# cut before the last string ("main": tag, length and 4 bytes)
expect_bad cut-$((size - 6)).pb 1 'function 1: string index 5 out of range \(5 strings\)'
rm -f cut-*

t 'gzip truncated at every offset'
size=$(wc -c < good.pb.gz)
cut_copies good.pb.gz gz
check_truncations gz 'truncated gzip data|not a valid profile\.proto message \(malformed protobuf\)'
expect_bad cut-$((size - 1)).gz 1 'truncated gzip data'
expect_bad cut-20.gz 1 'truncated gzip data'
rm -f cut-*

# ---- the 3rd profile of a stream is invalid ---------------------------------

t 'a stream whose 3rd profile is invalid'
cat good.pb.gz good.pb.gz bad-location.pb.gz good.pb.gz > stream3.pb.gz
expect_bad stream3.pb.gz 3 'sample 1: location id 9 does not exist'
expect_exit 0 pm --keep-going stream3.pb.gz
check_same '--keep-going merges the two before it' good2.pb.gz "$out"
check_grep 'and warns' \
	'^pprof-merge: warning: stream3\.pb\.gz: profile 3: sample 1: location id 9 does not exist; skipped$' \
	"$err"
expect_exit 1 pm - < stream3.pb.gz
check_grep 'on stdin' '^pprof-merge: \(stdin\): profile 3: sample 1: location id 9 does not exist$' "$err"

# ---- a gzip member that expands past --max-size --------------------------
# 256 MiB of zeros, gzip'd to about 1 MiB. With --max-size 1M the reader must
# stop after about 1 MiB of output, so the program's peak memory stays far
# below what inflating all of it would take.
# The member is made without deflating 256 MiB (head | gzip -1 took 1.5 s of
# CPU here): a MiB of zeros deflated and ended by a full flush (so that it
# needs nothing before it) 256 times, then an empty last block, and the
# CRC-32 of 256 MiB of zeros combined from that of one MiB. gzip -t takes it;
# it inflates to what head -c 256M /dev/zero writes (CRC 2a0e7dbb).
make_bomb() {
	perl -MCompress::Raw::Zlib -e '
		my ($d, $status) = Compress::Raw::Zlib::Deflate->new(-Level => 1,
			-WindowBits => -MAX_WBITS, -AppendOutput => 1);
		$status == Z_OK or die "deflate: $status";
		my ($mib, $chunk, $end) = ("\0" x 1048576, "", "");
		my $crc = Compress::Raw::Zlib::crc32($mib);
		$crc = Compress::Raw::Zlib::crc32_combine($crc, $crc, 1048576 << $_) for 0 .. 7;
		$d->deflate($mib, $chunk) == Z_OK && $d->flush($chunk, Z_FULL_FLUSH) == Z_OK &&
			$d->flush($end, Z_FINISH) == Z_OK or die "deflate failed";
		binmode STDOUT;
		print "\x1f\x8b\x08\0\0\0\0\0\0\x03", $chunk x 256, $end, pack("VV", $crc, 256 << 20);
	'
}

t 'a gzip bomb past --max-size'
if perl -MCompress::Raw::Zlib -e 1 2>/dev/null; then
	make_bomb > bomb.gz || exit 99
else
	head -c 256M /dev/zero | gzip -1 > bomb.gz
fi
expect_bad bomb.gz 1 'larger than the limit of 1048576 bytes uncompressed' --max-size 1M
expect_skipped bomb.gz --max-size 1M
cat good.pb.gz good.pb.gz bomb.gz > bomb3.gz
expect_bad bomb3.gz 3 'larger than the limit of 1048576 bytes uncompressed' --max-size 1M
if [ -n "${PPROF_VALGRIND:-}" ]; then
	echo '# peak memory not measured under valgrind'
elif [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%M' -o bomb.rss "$PPROF_MERGE" --max-size 1M bomb.gz > /dev/null 2>&1
	check_eq 'exit status under time(1)' 'Command exited with non-zero status 1' "$(head -n 1 bomb.rss)"
	peak_kb=$(tail -n 1 bomb.rss)
	check "peak RSS ${peak_kb} KiB is under 64 MiB (a quarter of the expanded size)" \
		test "$peak_kb" -lt $((64 * 1024))
fi

finish
