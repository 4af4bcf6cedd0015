# Shell tests of pprof-tag as a user runs it: every edit on a small profile
# built here with known stacks and labels, read back with a small protobuf
# reader (dump, below) and compared with what pprof's semantics give; the
# order of the edits; samples merged when their labels became equal; the
# stream (one output member per input profile, in order); real profiles;
# output options, -o atomicity, --keep-going; bad arguments (exit 2) and bad
# input (exit 1) with their messages; --help and --version. Comparisons with
# `go tool pprof` are in tests/interop/tag.sh.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_TAG:?}" "${PPROF_MERGE:?}"
pt() { "$PPROF_TAG" "$@"; }
pm() { "$PPROF_MERGE" "$@"; }

command -v perl >/dev/null && perl -MIO::Uncompress::Gunzip -e 1 2>/dev/null ||
	skip 'no perl with IO::Uncompress::Gunzip, which reads the output'

cp "$data"/cpu-[1234].pb.gz "$data"/heap-1.pb.gz . || exit 99
a=cpu-1.pb.gz b=cpu-2.pb.gz c=cpu-3.pb.gz d=cpu-4.pb.gz heap=heap-1.pb.gz

# ---- tools: writing and reading profiles -----------------------------------

# mk: writes to stdout the raw profile that stdin describes, one line each:
#   comment TEXT
#   sample LEAF;...;ROOT LABEL... = VALUE VALUE
# with LABEL key=value (string) or key=#NUMBER[:UNIT] (numeric). Sample
# types samples/count and cpu/nanoseconds; one location per function.
cat > mk.pl <<'EOF'
use strict; use warnings;
my (@s, %si, %fid, @comments);
sub str { my $x = shift; $si{$x} //= do { push @s, $x; $#s } }
sub v { my $n = shift; $n = unpack('Q', pack('q', $n)) if $n < 0; my $r = '';
	while ($n >= 128) { $r .= chr(($n & 127) | 128); $n >>= 7 } $r . chr($n) }
sub ld { my ($f, $b) = @_; v($f << 3 | 2) . v(length $b) . $b }
sub vi { my ($f, $n) = @_; v($f << 3) . v($n) }
str('');
my $p = ld(1, vi(1, str('samples')) . vi(2, str('count'))) .
	ld(1, vi(1, str('cpu')) . vi(2, str('nanoseconds')));
my ($samples, $objects) = ('', '');
while (<STDIN>) {
	chomp;
	next unless /\S/;
	if (/^comment (.*)$/) { push @comments, str($1); next }
	my ($stack, $labels, $values) = /^sample (\S+)((?: \S+)*) = (.*)$/ or die "bad line: $_";
	my $s = '';
	for my $name (split /;/, $stack) {
		if (!$fid{$name}) {
			$fid{$name} = 1 + keys %fid;
			$objects .= ld(5, vi(1, $fid{$name}) . vi(2, str($name)));
			$objects .= ld(4, vi(1, $fid{$name}) . ld(4, vi(1, $fid{$name}) . vi(2, 1)));
		}
		$s .= vi(1, $fid{$name});
	}
	$s .= vi(2, $_) for split / /, $values;
	for (split ' ', $labels) {
		my ($k, $v) = /^([^=]+)=(.*)$/ or die "bad label: $_";
		if ($v =~ /^#(-?\d+)(?::(.+))?$/) {
			$s .= ld(3, vi(1, str($k)) . vi(3, $1) . (defined $2 ? vi(4, str($2)) : ''));
		} else {
			$s .= ld(3, vi(1, str($k)) . vi(2, str($v)));
		}
	}
	$samples .= ld(2, $s);
}
$p .= $samples . $objects;
$p .= ld(11, vi(1, str('cpu')) . vi(2, str('nanoseconds'))) . vi(12, 10000000);
$p .= vi(13, $_) for @comments;
print $p . join('', map { ld(6, $_) } @s);
EOF

# dump FILE: each profile of FILE (a stream of gzip members, or one raw
# profile) as text: "profile N", its comments, then per sample its stack
# (function names, leaf first), its labels in the order stored ("k=v",
# "k=N", "k=N:unit") and its values. One perl serves every dump of the
# suite (dump.pl --serve, below): perl with IO::Uncompress::Gunzip takes
# some 50 ms to start here, and the suite dumps some 45 profiles.
cat > dump.pl <<'EOF'
use strict; use warnings;
use IO::Uncompress::Gunzip qw($GunzipError);
if (@ARGV && $ARGV[0] eq '--serve') {
	# Lines "FILE<TAB>OUT" on stdin: dump FILE to OUT, then answer "done".
	$| = 1;
	while (my $line = <STDIN>) {
		chomp $line;
		my ($in, $out) = split /\t/, $line, 2;
		open my $o, '>', $out or die "dump.pl: $out: $!\n";
		my $old = select $o;
		eval {
			open my $i, '<', $in or die "$in: $!\n";
			local $/;
			dump_data(scalar <$i>);
			1;
		} or print STDERR "dump.pl: $@";
		select $old;
		close $o;
		print "done\n";
	}
	exit 0;
}
local $/;
dump_data(scalar <STDIN>);
sub dump_data {
	my $data = shift;
	my @profiles;
	if (substr($data, 0, 2) eq "\x1f\x8b") {
		my $z = IO::Uncompress::Gunzip->new(\$data, MultiStream => 0, Transparent => 0)
			or die $GunzipError;
		do { my ($p, $buf) = (''); $p .= $buf while $z->read($buf) > 0; push @profiles, $p }
			while $z->nextStream() > 0;
	} else {
		@profiles = ($data);
	}
	print_profiles(@profiles);
}
sub varint { my ($s, $pos) = @_; my ($v, $shift) = (0, 0);
	while (1) { my $b = ord substr($$s, $$pos++, 1); $v |= ($b & 127) << $shift;
		last unless $b & 128; $shift += 7 } $v }
sub fields { my $s = shift; my ($pos, @f) = (0);
	while ($pos < length $s) {
		my $key = varint(\$s, \$pos);
		if (($key & 7) == 0) { push @f, [$key >> 3, 0, varint(\$s, \$pos)] }
		elsif (($key & 7) == 2) { my $len = varint(\$s, \$pos);
			push @f, [$key >> 3, 2, substr($s, $pos, $len)]; $pos += $len }
		else { die "wire type " . ($key & 7) }
	} @f }
sub ints { my $f = shift; return ($f->[2]) if $f->[1] == 0;
	my ($s, $pos, @v) = ($f->[2], 0); push @v, varint(\$s, \$pos) while $pos < length $s; @v }
sub signed { unpack 'q', pack 'Q', shift }
sub map_of { my %m = map { $_->[0] => $_->[2] } fields(shift); \%m }
sub print_profiles {
	my @profiles = @_;
	for my $i (0 .. $#profiles) {
		my (@strs, @samples, %loc, %fn, @comments);
		for my $f (fields($profiles[$i])) {
			my ($n, $v) = ($f->[0], $f->[2]);
			if ($n == 6) { push @strs, $v }
			elsif ($n == 2) { push @samples, $v }
			elsif ($n == 5) { my $m = map_of($v); $fn{$m->{1}} = $m->{2} // 0 }
			elsif ($n == 13) { push @comments, ints($f) }
			elsif ($n == 4) {
				my ($id, @lines) = (0);
				for my $g (fields($v)) {
					$id = $g->[2] if $g->[0] == 1;
					push @lines, map_of($g->[2])->{1} // 0 if $g->[0] == 4;
				}
				$loc{$id} = \@lines;
			}
		}
		print "profile ", $i + 1, "\n";
		print "comments: ", join('|', map { $strs[$_] } @comments), "\n" if @comments;
		for my $s (@samples) {
			my (@locs, @vals, @labels);
			for my $g (fields($s)) {
				if ($g->[0] == 1) { push @locs, ints($g) }
				elsif ($g->[0] == 2) { push @vals, map { signed($_) } ints($g) }
				elsif ($g->[0] == 3) {
					my $l = map_of($g->[2]);
					my $v = $l->{2} ? $strs[$l->{2}]
					      : signed($l->{3} // 0) . ($l->{4} ? ":$strs[$l->{4}]" : '');
					push @labels, $strs[$l->{1} // 0] . "=$v";
				}
			}
			my @frames = map { map { $strs[$fn{$_}] } @{$loc{$_}} } @locs;
			print join(';', @frames), (@labels ? ' {' . join(',', @labels) . '}' : ''),
				' = ', join(',', @vals), "\n";
		}
	}
}
EOF
mk() { perl mk.pl; }
coproc DUMP { exec perl dump.pl --serve; }
# dump FILE OUT: the dump of FILE into the file OUT, by the perl serving
# them. Not in a subshell ($(...), a pipeline): it has no DUMP to talk to.
dump() {
	local done=
	printf '%s\t%s\n' "$1" "$2" >&"${DUMP[1]}" && read -r done <&"${DUMP[0]}" &&
		[ "$done" = done ] || { echo "dump: no answer from dump.pl for $1" >&2; exit 99; }
}

# check_dump WHAT FILE: dump FILE is stdin (the expected text).
check_dump() {
	cat > "expected.$n_runs"
	dump "$2" "dumped.$n_runs"
	check_same "$1" "expected.$n_runs" "dumped.$n_runs"
}

# tag WHAT EXPECTED_DUMP_ON_STDIN ARGS...: pprof-tag ARGS small.pb.gz exits
# 0 and its output dumps as stdin says (after the line "profile 1" and the
# comment of small.pb.gz).
tag() {
	local what=$1
	shift
	expect_exit 0 pt "$@" small.pb.gz
	check_empty "$what: stderr" "$err"
	{ echo 'profile 1'; echo 'comments: made by tests/cli/tag.sh'; cat; } |
		check_dump "$what" "$out"
}

# ---- fixtures --------------------------------------------------------------

t 'fixtures'
mk > small.pb <<'EOF'
comment made by tests/cli/tag.sh
sample work;main host=a worker=w1 bytes=#64:bytes = 1 10
sample work;main host=a worker=w2 = 2 20
sample idle;main host=b worker=w1 = 3 30
sample work;main worker=w2 = 4 40
sample work;main host=a host=c = 5 50
EOF
gzip -c small.pb > small.pb.gz
check 'gzip -t small.pb.gz' gzip -t small.pb.gz
dump small.pb small.dump
check_dump 'the reader reads the writer' small.pb <<'EOF'
profile 1
comments: made by tests/cli/tag.sh
work;main {host=a,worker=w1,bytes=64:bytes} = 1,10
work;main {host=a,worker=w2} = 2,20
idle;main {host=b,worker=w1} = 3,30
work;main {worker=w2} = 4,40
work;main {host=a,host=c} = 5,50
EOF
echo 'this is not a profile' | gzip > junk.pb.gz
head -c "$(($(wc -c < "$a") / 2))" "$a" > trunc.pb.gz
cat "$a" "$b" junk.pb.gz "$d" > junk3.pb.gz
: > empty

# ---- every edit --------------------------------------------------------------

t '--set'
# host=web-1 replaces every string value of host; the samples that differed
# only in host (2nd and 4th) are one now, their values added, at the place
# of the first.
tag 'host replaced or added, equal samples merged' --set host=web-1 <<'EOF'
work;main {host=web-1,worker=w1,bytes=64:bytes} = 1,10
work;main {host=web-1,worker=w2} = 6,60
idle;main {host=web-1,worker=w1} = 3,30
work;main {host=web-1} = 5,50
EOF
tag 'a string value beside a numeric label of the same key' --set bytes=big <<'EOF'
work;main {bytes=big,host=a,worker=w1,bytes=64:bytes} = 1,10
work;main {bytes=big,host=a,worker=w2} = 2,20
idle;main {bytes=big,host=b,worker=w1} = 3,30
work;main {bytes=big,worker=w2} = 4,40
work;main {bytes=big,host=a,host=c} = 5,50
EOF
tag 'a value with = and spaces' --set 'q=a = b' --delete host --delete worker --delete bytes <<'EOF'
work;main {q=a = b} = 12,120
idle;main {q=a = b} = 3,30
EOF

t '--add'
tag 'appended after the values there are, unless there' --add host=c <<'EOF'
work;main {host=a,host=c,worker=w1,bytes=64:bytes} = 1,10
work;main {host=a,host=c,worker=w2} = 2,20
idle;main {host=b,host=c,worker=w1} = 3,30
work;main {host=c,worker=w2} = 4,40
work;main {host=a,host=c} = 5,50
EOF

t '--set-if-missing'
tag 'only where host is missing' --set-if-missing host=none <<'EOF'
work;main {host=a,worker=w1,bytes=64:bytes} = 1,10
work;main {host=a,worker=w2} = 2,20
idle;main {host=b,worker=w1} = 3,30
work;main {host=none,worker=w2} = 4,40
work;main {host=a,host=c} = 5,50
EOF
tag 'a numeric label counts as there' --set-if-missing bytes=0 <<'EOF'
work;main {host=a,worker=w1,bytes=64:bytes} = 1,10
work;main {bytes=0,host=a,worker=w2} = 2,20
idle;main {bytes=0,host=b,worker=w1} = 3,30
work;main {bytes=0,worker=w2} = 4,40
work;main {bytes=0,host=a,host=c} = 5,50
EOF

t '--num'
# Labels are stored as pprof writes them: string ones, then numeric ones,
# each by key.
tag 'with a unit, replacing numeric values only' --num bytes=4096bytes --num n=-3 \
	--num z=0ms --num u=7µs --num g=2n*GCU <<'EOF'
work;main {host=a,worker=w1,bytes=4096:bytes,g=2:n*GCU,n=-3,u=7:µs,z=0:ms} = 1,10
work;main {host=a,worker=w2,bytes=4096:bytes,g=2:n*GCU,n=-3,u=7:µs,z=0:ms} = 2,20
idle;main {host=b,worker=w1,bytes=4096:bytes,g=2:n*GCU,n=-3,u=7:µs,z=0:ms} = 3,30
work;main {worker=w2,bytes=4096:bytes,g=2:n*GCU,n=-3,u=7:µs,z=0:ms} = 4,40
work;main {host=a,host=c,bytes=4096:bytes,g=2:n*GCU,n=-3,u=7:µs,z=0:ms} = 5,50
EOF
tag 'string labels of the same key stay; +N; extremes' --num host=+5 --num worker=-9223372036854775808 \
	--num m=9223372036854775807 --keep host,worker,m <<'EOF'
work;main {host=a,worker=w1,host=5,m=9223372036854775807,worker=-9223372036854775808} = 1,10
work;main {host=a,worker=w2,host=5,m=9223372036854775807,worker=-9223372036854775808} = 2,20
idle;main {host=b,worker=w1,host=5,m=9223372036854775807,worker=-9223372036854775808} = 3,30
work;main {worker=w2,host=5,m=9223372036854775807,worker=-9223372036854775808} = 4,40
work;main {host=a,host=c,host=5,m=9223372036854775807,worker=-9223372036854775808} = 5,50
EOF

t '--delete'
tag 'string labels' --delete worker <<'EOF'
work;main {host=a,bytes=64:bytes} = 1,10
work;main {host=a} = 2,20
idle;main {host=b} = 3,30
work;main = 4,40
work;main {host=a,host=c} = 5,50
EOF
tag 'string and numeric; a key that is nowhere' --num host=1 --delete host --delete bytes \
	--delete nowhere <<'EOF'
work;main {worker=w1} = 1,10
work;main {worker=w2} = 6,60
idle;main {worker=w1} = 3,30
work;main = 5,50
EOF

t '--rename'
tag 'a key renamed' --rename worker=thread <<'EOF'
work;main {host=a,thread=w1,bytes=64:bytes} = 1,10
work;main {host=a,thread=w2} = 2,20
idle;main {host=b,thread=w1} = 3,30
work;main {thread=w2} = 4,40
work;main {host=a,host=c} = 5,50
EOF
tag 'onto a key there is: replaces its values of the same kind' --rename host=worker <<'EOF'
work;main {worker=a,bytes=64:bytes} = 1,10
work;main {worker=a} = 2,20
idle;main {worker=b} = 3,30
work;main {worker=w2} = 4,40
work;main {worker=a,worker=c} = 5,50
EOF
tag 'numeric labels onto a key with string values' --rename bytes=host <<'EOF'
work;main {host=a,worker=w1,host=64:bytes} = 1,10
work;main {host=a,worker=w2} = 2,20
idle;main {host=b,worker=w1} = 3,30
work;main {worker=w2} = 4,40
work;main {host=a,host=c} = 5,50
EOF

t '--keep'
tag 'one key' --keep host <<'EOF'
work;main {host=a} = 3,30
idle;main {host=b} = 3,30
work;main = 4,40
work;main {host=a,host=c} = 5,50
EOF
tag 'a list, string and numeric' --keep nowhere,bytes,worker <<'EOF'
work;main {worker=w1,bytes=64:bytes} = 1,10
work;main {worker=w2} = 6,60
idle;main {worker=w1} = 3,30
work;main = 5,50
EOF

t '--comment'
expect_exit 0 pt --comment 'host web-1, canary' --comment '# not shown by pprof' \
	--comment 'made by tests/cli/tag.sh' small.pb.gz
check_dump 'added after those there are, once each' "$out" <<'EOF'
profile 1
comments: made by tests/cli/tag.sh|host web-1, canary|# not shown by pprof
work;main {host=a,worker=w1,bytes=64:bytes} = 1,10
work;main {host=a,worker=w2} = 2,20
idle;main {host=b,worker=w1} = 3,30
work;main {worker=w2} = 4,40
work;main {host=a,host=c} = 5,50
EOF

# ---- order, merging, reserved keys -----------------------------------------

t 'edits apply in the order given'
tag 'rename, then set' --rename host=node --set host=x <<'EOF'
work;main {host=x,node=a,worker=w1,bytes=64:bytes} = 1,10
work;main {host=x,node=a,worker=w2} = 2,20
idle;main {host=x,node=b,worker=w1} = 3,30
work;main {host=x,worker=w2} = 4,40
work;main {host=x,node=a,node=c} = 5,50
EOF
tag 'set, then rename' --set host=x --rename host=node <<'EOF'
work;main {node=x,worker=w1,bytes=64:bytes} = 1,10
work;main {node=x,worker=w2} = 6,60
idle;main {node=x,worker=w1} = 3,30
work;main {node=x} = 5,50
EOF
tag 'add, then delete, then add again' --add host=z --delete host --add host=y <<'EOF'
work;main {host=y,worker=w1,bytes=64:bytes} = 1,10
work;main {host=y,worker=w2} = 6,60
idle;main {host=y,worker=w1} = 3,30
work;main {host=y} = 5,50
EOF
tag 'long options and --opt=VALUE spellings mix with operands' --keep=host \
	--set=host=q <<'EOF'
work;main {host=q} = 12,120
idle;main {host=q} = 3,30
EOF

t 'labels that become equal: samples merged, values summed'
mk > merge.pb <<'EOF'
sample work;main worker=w0 host=a = 1 100
sample work;main worker=w1 host=b = 2 200
sample work;main worker=w0 host=a = 3 300
sample work;main worker=w2 host=a = 4 400
sample main = 7 70
sample work;main worker=w3 host=a = -8 -800
EOF
expect_exit 0 pt --delete worker merge.pb
check_dump 'by stack and labels, in first-seen order; all-zero sums dropped' "$out" <<'EOF'
profile 1
work;main {host=b} = 2,200
main = 7,70
EOF
expect_exit 0 pt --delete nowhere merge.pb
check_dump 'already equal samples are merged too (as pprof does)' "$out" <<'EOF'
profile 1
work;main {host=a,worker=w0} = 4,400
work;main {host=b,worker=w1} = 2,200
work;main {host=a,worker=w2} = 4,400
main = 7,70
work;main {host=a,worker=w3} = -8,-800
EOF

t 'reserved keys: pprof:: labels are kept'
mk > base.pb <<'EOF'
sample work;main pprof::base=true host=a = 1 10
sample work;main host=a = 2 20
EOF
expect_exit 0 pt --keep worker base.pb
check_dump '--keep keeps pprof::base' "$out" <<'EOF'
profile 1
work;main {pprof::base=true} = 1,10
work;main = 2,20
EOF
expect_exit 0 pt --rename host=pprof:base base.pb
check_dump 'pprof: with one colon is no reserved key' "$out" <<'EOF'
profile 1
work;main {pprof::base=true,pprof:base=a} = 1,10
work;main {pprof:base=a} = 2,20
EOF

# ---- streams -----------------------------------------------------------------

t 'streams: one output member per input profile, in order'
mk > other.pb <<'EOF'
comment the other
sample idle;main host=b = 9 90
EOF
gzip -c other.pb > other.pb.gz
cat small.pb.gz other.pb.gz small.pb.gz > three.pb.gz
expect_exit 0 pt --set host=h three.pb.gz
cp "$out" three-tagged.pb.gz
dump three-tagged.pb.gz three.dump
check_eq 'three profiles' 3 "$(grep -c '^profile ' three.dump)"
check_eq 'three gzip members' 3 "$(perl -MIO::Uncompress::Gunzip -e '
	my $z = IO::Uncompress::Gunzip->new($ARGV[0], MultiStream => 0) or die; my $n = 0;
	do { my $b; 1 while $z->read($b) > 0; $n++ } while $z->nextStream() > 0; print $n' three-tagged.pb.gz)"
check_eq 'in order' 'made by tests/cli/tag.sh|the other|made by tests/cli/tag.sh' \
	"$(sed -n 's/^comments: //p' three.dump | paste -sd '|')"
expect_exit 0 pt --set host=h small.pb.gz other.pb.gz small.pb.gz
check_same 'three files' three-tagged.pb.gz "$out"
expect_exit 0 pt --set host=h small.pb other.pb small.pb.gz
check_same 'raw and gzip inputs' three-tagged.pb.gz "$out"
expect_exit 0 pt --set host=h - other.pb.gz small.pb.gz < small.pb.gz
check_same '- first' three-tagged.pb.gz "$out"
expect_exit 0 pt --set host=h small.pb.gz - small.pb < other.pb.gz
check_same '- among files' three-tagged.pb.gz "$out"
cat small.pb.gz other.pb.gz small.pb.gz | expect_exit 0 pt --set host=h
check_same 'a stream on stdin' three-tagged.pb.gz "$out"

t 'streams: merging the output is merging the edited inputs'
# Tagging each file alone and concatenating gives the same stream; merging
# it gives what merging the inputs gives when the edit changes nothing.
for f in "$a" "$b" "$c" "$d"; do pt --delete nowhere "$f"; done > each.pb.gz
expect_exit 0 pt --delete nowhere "$a" "$b" "$c" "$d"
check_same 'one run of four files vs four runs' each.pb.gz "$out"
expect_exit 0 pm each.pb.gz
cp "$out" merged-tagged.pb.gz
expect_exit 0 pm "$a" "$b" "$c" "$d"
check_same 'pprof-merge of the output vs of the inputs' "$out" merged-tagged.pb.gz
expect_exit 0 pt --set host=h "$a" "$b" "$c" "$d"
pm "$out" > tag-merge.pb.gz
pm "$a" "$b" "$c" "$d" | pt --set host=h > merge-tag.pb.gz
check_same 'tag then merge = merge then tag' tag-merge.pb.gz merge-tag.pb.gz

# ---- real profiles -------------------------------------------------------------

# totals DUMP: per profile, the number of samples and the sums of the values,
# from a dump (dump FILE DUMP first).
totals() {
	awk '/^profile/ { if (n) print n, s1, s2; n = s1 = s2 = 0; next }
		/ = / { n++; split($NF, v, ","); s1 += v[1]; s2 += v[2] }
		END { print n, s1, s2 }' "$1"
}

# Real profiles may hold samples with equal stacks and labels, which every
# merge (pprof's too) makes one: pprof-merge of each input alone says how
# many samples an edit that merges nothing more leaves.
for f in "$a" "$b" "$heap"; do pm "$f" > "$f.merged" && dump "$f.merged" "$f.merged.dump"; done
dump "$a" a.dump
# Labels in a dump: function names may hold " {" too ("struct { Key ...").
label_re=' \{[A-Za-z_:]+='

t 'real CPU profiles'
expect_exit 0 pt --set host=web-1 "$a" "$b"
dump "$out" ab.dump
check_eq 'every sample has host=web-1' 0 "$(grep ' = ' ab.dump | grep -vc 'host=web-1')"
check_eq 'samples and totals' "$(totals "$a.merged.dump"; totals "$b.merged.dump")" "$(totals ab.dump)"
expect_exit 0 pt --delete worker --delete endpoint "$a"
dump "$out" out.dump
check_eq 'no labels left' 0 "$(grep -Ec "$label_re" out.dump)"
check_eq 'totals unchanged' "$(totals a.dump | cut -d' ' -f2-)" "$(totals out.dump | cut -d' ' -f2-)"
check 'the input has labels' grep -Eq "$label_re" a.dump
expect_exit 0 pt --keep endpoint "$a"
dump "$out" out.dump
check_eq '--keep endpoint' 0 "$(grep -c 'worker=' out.dump)"
# by_endpoint DUMP: the sum of the first value per endpoint, from a dump.
by_endpoint() {
	sed -n 's/.*[{,]endpoint=\([^,}]*\).* = \([0-9-]*\),.*/\1 \2/p' "$1" |
		awk '{ s[$1] += $2 } END { for (k in s) print k, s[k] }' | sort
}
check_eq '--keep endpoint: the same weight per endpoint' "$(by_endpoint a.dump)" "$(by_endpoint out.dump)"

t 'real heap profile: numeric labels'
expect_exit 0 pt --rename bytes=size "$heap"
dump "$out" heap.dump
check_eq 'no bytes left' 0 "$(grep -c 'bytes=' heap.dump)"
check_eq 'as many size labels as there were bytes labels' \
	"$(grep -c '{bytes=' "$heap.merged.dump")" "$(grep -c '{size=' heap.dump)"
check_eq 'samples and totals' "$(totals "$heap.merged.dump")" "$(totals heap.dump)"

# ---- output options --------------------------------------------------------

t 'output formats'
expect_exit 0 pt --set host=h small.pb
cp "$out" small-h.pb.gz
check 'gzip by default' gzip -t small-h.pb.gz
expect_exit 0 pt --uncompressed --set host=h small.pb.gz
cp "$out" small-h.pb
check '--uncompressed is not gzip' eval '! gzip -t small-h.pb 2>/dev/null'
zcat small-h.pb.gz > small-h.unzipped
check_same '--uncompressed: the same protobuf' small-h.unzipped small-h.pb
for level in 0 1 9; do
	expect_exit 0 pt -$level --set host=h small.pb
	zcat "$out" > "level$level"
	check_same "-$level: the same protobuf" small-h.pb "level$level"
	expect_exit 0 pt --level $level --set host=h small.pb
	zcat "$out" > "level$level"
	check_same "--level $level: the same protobuf" small-h.pb "level$level"
done
expect_exit 0 pt --set host=h small.pb
check_same 'deterministic' small-h.pb.gz "$out"

t '--uncompressed: one profile only'
expect_exit 1 pt --uncompressed --set host=h small.pb.gz other.pb.gz
check_grep 'says why' '^pprof-tag: other\.pb\.gz: profile 1: .*--uncompressed.*one profile' "$err"
expect_exit 1 pt --uncompressed -o raw.pb --set host=h three.pb.gz
check_grep 'names the 2nd profile' '^pprof-tag: three\.pb\.gz: profile 2: ' "$err"
check 'no output file' test ! -e raw.pb

t '-o FILE'
expect_exit 0 pt -o tagged.pb.gz --set host=h three.pb.gz
check_empty 'stdout' "$out"
check_same 'FILE holds the result' three-tagged.pb.gz tagged.pb.gz
mkdir keep
echo 'the old contents' > keep/old.pb.gz
cp keep/old.pb.gz old.copy
for args in "small.pb.gz junk.pb.gz" "missing.pb.gz" "junk3.pb.gz" "--set pprof::x=1 small.pb.gz"; do
	# shellcheck disable=SC2086  # $args is several arguments
	pt -o keep/old.pb.gz --set host=h $args 2>/dev/null
	check_same "FILE unchanged after: $args" old.copy keep/old.pb.gz
	check_eq "no temporary files left after: $args" 'old.pb.gz' "$(ls -A keep)"
done

t '--keep-going'
expect_exit 0 pt --keep-going --set host=h small.pb.gz junk.pb.gz missing.pb.gz other.pb.gz \
	small.pb.gz
check_same 'broken inputs skipped' three-tagged.pb.gz "$out"
check_grep 'a warning names junk.pb.gz' '^pprof-tag: warning: junk\.pb\.gz: profile 1: .*; skipped$' "$err"
check_grep 'a warning names missing.pb.gz' '^pprof-tag: warning: missing\.pb\.gz: .*; skipped$' "$err"
expect_exit 0 pt -k --delete nowhere junk3.pb.gz
pt --delete nowhere "$a" "$b" > ab-tagged.pb.gz
check_same 'the profiles before the broken member are written' ab-tagged.pb.gz "$out"
check_grep 'the warning names the member' '^pprof-tag: warning: junk3\.pb\.gz: profile 3: .*; skipped$' "$err"

t '--max-size'
expect_exit 0 pt --max-size "$(wc -c < small.pb)" --set host=h small.pb
expect_exit 1 pt --max-size "$(($(wc -c < small.pb) - 1))" --set host=h small.pb
check_grep 'names the profile' '^pprof-tag: small\.pb: profile 1: ' "$err"

t 'write errors'
expect_exit 1 bash -c '"$@" > /dev/full' sh "$PPROF_TAG" --set host=h "$a"
check_grep 'a message' '^pprof-tag: .*(write|space)' "$err"

t 'terminal'
if script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
	expect_exit 1 script -qec "'$PPROF_TAG' --set host=h small.pb" /dev/null </dev/null
	check_grep 'refuses compressed data to a terminal' 'terminal' "$out"
	expect_exit 0 script -qec "'$PPROF_TAG' -f --set host=h small.pb" /dev/null </dev/null
	check_no_grep 'with -f no refusal' 'terminal' "$out"
else
	echo "note: no working script(1); terminal checks skipped"
fi

# ---- errors: exit status 1 --------------------------------------------------

# expect_data_error ERE CMD...: CMD exits 1 with a message matching ERE on
# stderr. (Profiles before the broken one may be on stdout already: the
# output is a stream. -o FILE is left alone, as checked above.)
expect_data_error() {
	local re=$1
	shift
	expect_exit 1 "$@"
	check_grep "message from $*" "$re" "$err"
}

t 'bad input'
expect_data_error '^pprof-tag: missing\.pb\.gz: .*No such file' pt --set h=1 missing.pb.gz
expect_data_error '^pprof-tag: junk\.pb\.gz: profile 1: ' pt --set h=1 small.pb.gz junk.pb.gz
expect_data_error '^pprof-tag: \(stdin\): profile 1: ' pt --set h=1 < junk.pb.gz
expect_data_error '^pprof-tag: trunc\.pb\.gz: profile 1: .*truncated' pt --set h=1 trunc.pb.gz
expect_data_error '^pprof-tag: junk3\.pb\.gz: profile 3: ' pt --set h=1 junk3.pb.gz
expect_data_error '^pprof-tag: \(stdin\): .*empty' pt --set h=1 < /dev/null
expect_data_error '^pprof-tag: empty: .*empty' pt --set h=1 small.pb empty

# ---- usage errors: exit status 2 -------------------------------------------

# usage_error ERE ARGS...: pprof-tag ARGS small.pb exits 2, writes nothing to
# stdout, and a message matching ERE and a hint to try --help to stderr.
usage_error() {
	local re=$1
	shift
	expect_exit 2 pt "$@" small.pb
	check_empty "nothing on stdout from $*" "$out"
	check_grep "message from $*" "$re" "$err"
	check_grep "hint from $*" "--help" "$err"
}

t 'bad arguments'
usage_error '^pprof-tag: no edits: give --set'
usage_error '^pprof-tag: no edits' -o x.pb.gz -9
for opt in set add set-if-missing rename; do
	usage_error "^pprof-tag: --$opt 'host': expected (KEY=VALUE|OLD=NEW)\$" --$opt host
	usage_error "^pprof-tag: --$opt '=v': empty key\$" --$opt =v
done
for opt in set add set-if-missing; do
	usage_error "^pprof-tag: --$opt 'host=': empty value for key 'host': pprof reads" --$opt host=
	usage_error "^pprof-tag: --$opt 'pprof::base=false': key 'pprof::base' is reserved" \
		--$opt pprof::base=false
done
usage_error "^pprof-tag: --rename 'a=': empty key\$" --rename a=
usage_error "^pprof-tag: --rename 'pprof::base=b': key 'pprof::base' is reserved" \
	--rename pprof::base=b
usage_error "^pprof-tag: --rename 'a=pprof::x': key 'pprof::x' is reserved" --rename a=pprof::x
usage_error "^pprof-tag: --delete '': empty key\$" --delete ''
usage_error "^pprof-tag: --delete 'pprof::base': key 'pprof::base' is reserved" \
	--delete pprof::base
usage_error "^pprof-tag: --keep 'a,,b': empty key\$" --keep a,,b
usage_error "^pprof-tag: --keep 'a,': empty key\$" --keep a,
usage_error "^pprof-tag: --keep '': empty key\$" --keep ''
usage_error "^pprof-tag: --keep 'a,pprof::base': key 'pprof::base' is reserved" \
	--keep a,pprof::base
usage_error "^pprof-tag: --comment '': empty comment\$" --comment ''
usage_error "^pprof-tag: --num 'n': expected KEY=NUMBER\\[UNIT\\]\$" --num n
usage_error "^pprof-tag: --num '=5': empty key\$" --num =5
usage_error "^pprof-tag: --num 'pprof::n=5': key 'pprof::n' is reserved" --num pprof::n=5
for number in '' abc ms 1.5ms 1e3 ' 5' '5 ms' 5ms2 '5_ms' -ms + 0x10 \
		99999999999999999999 -9223372036854775809; do
	# (each character special in an ERE escaped, as sed 's/[][\.*^$+?(){}|]/\\&/g'
	# would: in the shell, not a sed a number)
	re=
	for ((k = 0; k < ${#number}; k++)); do
		ch=${number:k:1}
		case $ch in
		[]['\.*^$+?(){}|']) re+=\\$ch ;;
		*) re+=$ch ;;
		esac
	done
	usage_error "^pprof-tag: --num 'n=$re': '$re' is not NUMBER\\[UNIT\\]" --num "n=$number"
done
usage_error "^pprof-tag: --num 'n=0': numeric label 'n' of 0 needs a unit" --num n=0
usage_error "^pprof-tag: --num 'n=-0': numeric label 'n' of 0 needs a unit" --num n=-0
usage_error '^pprof-tag: unknown option' --set h=1 --no-such-option
usage_error '^pprof-tag: ' --set h=1 -X
usage_error '^pprof-tag: ' --set
usage_error '^pprof-tag: invalid compression level' --set h=1 --level 10
usage_error '^pprof-tag: invalid --max-size' --set h=1 --max-size 1Q
usage_error "^pprof-tag: --set 'pprof::x=1'" --set h=1 --set pprof::x=1

# ---- --help and --version --------------------------------------------------

t '--help'
expect_exit 0 pt --help
check_empty 'stderr' "$err"
for opt in $(grep -oE 'Fl -[a-z-]+' "$top_srcdir/man/pprof-tag.1" | sort -u | sed 's/^Fl /-/'); do
	check_grep "mentions $opt of the man page" "(^|[ ,])$opt([ =,]|\$)" "$out"
done
expect_exit 1 bash -c '"$@" > /dev/full' sh "$PPROF_TAG" --help
check_grep '--help to a full disk is an error' '^pprof-tag: ' "$err"

t '--version'
expect_exit 0 pt --version
version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h")
check_eq 'first line' "pprof-tag (pprof-tools) $version" "$(head -n 1 "$out")"
check_grep 'library versions' "libpprof ${version//./\\.}, zlib [0-9.]+, protobuf-c [0-9.]+" "$out"

finish
