# Shell tests of pprof-filter as a user runs it: every option, the stream
# model (one output profile per input profile), warnings, exit statuses and
# messages (bad regular expressions, ranges, times), and the output options.
# Comparisons with `go tool pprof` are in tests/interop/filter.sh and pgo.sh;
# here results are checked against other runs that must give the same
# profile (pprof-merge, which merges as pprof-filter does at its end, or
# filters that partition a profile), and against the strings a profile
# holds (a name that must be gone, or kept).
. "$top_srcdir/tests/lib.sh"

: "${PPROF_FILTER:?}" "${PPROF_MERGE:?}"
pf() { "$PPROF_FILTER" "$@"; }
pm() { "$PPROF_MERGE" "$@"; }

cp "$data"/cpu-[12].pb.gz "$data"/heap-2.pb.gz "$data"/go119-cpu.pb.gz \
	"$data"/synth-small-1.pb.gz . || exit 99
a=cpu-1.pb.gz b=cpu-2.pb.gz heap=heap-2.pb.gz synth=synth-small-1.pb.gz

# has FILE TEXT: the profile (gzip'd or not) holds the bytes TEXT. FILE is
# inflated once, to FILE.raw, for every check on it (zcat, a script, and
# grep were three processes a check), and again when FILE is newer.
has() {
	[ -f "$1.raw" ] && [ ! "$1" -nt "$1.raw" ] || gzip -dcf -- "$1" > "$1.raw" 2>/dev/null
	grep -aqF -- "$2" "$1.raw" 2>/dev/null
}
# lacks FILE TEXT: it does not.
lacks() { ! has "$@"; }
# same_profile WHAT A B: A and B are the same profile, byte for byte.
same_profile() { check_same "$1" "$2" "$3"; }

# The profiles of pprof-merge, merged each on its own.
pm "$a" > a.merged
pm "$b" > b.merged
pm "$heap" > heap.merged

# ---- no options: each profile merged on its own -------------------------------

t 'no options'
expect_exit 0 pf "$a"
same_profile 'the profile as pprof-merge merges it' a.merged "$out"
check_empty 'no warnings' "$err"
expect_exit 0 pf < "$a"
same_profile 'from stdin' a.merged "$out"

t 'a stream: one profile out per profile in, in order'
expect_exit 0 pf "$a" "$b"
cat a.merged b.merged > ab.expected
same_profile 'two files' ab.expected "$out"
cat "$a" "$b" | expect_exit 0 pf
same_profile 'two members on stdin' ab.expected "$out"
cat "$a" "$b" > ab.pb.gz
expect_exit 0 pf - "$heap" < ab.pb.gz
cat a.merged b.merged heap.merged > abh.expected
same_profile 'stdin among files' abh.expected "$out"

# ---- focus, ignore, hide, show --------------------------------------------------

# partition WHAT FILE KEEP DROP: the profiles KEEP and DROP make of FILE
# (pprof-filter options, one word each) are apart, and together FILE: their
# collapsed stacks, as pprof-stat --folded writes them (merging the two),
# with values of the first and of the default sample type, are FILE's.
partition() {
	local what=$1 file=$2 keep=$3 drop=$4 index
	if [ -z "${PPROF_STAT:-}" ] || [ ! -x "$PPROF_STAT" ]; then
		echo "note: no pprof-stat; partition checks skipped"
		return
	fi
	# shellcheck disable=SC2086
	pf $keep "$file" > keep.pb.gz 2> keep.err
	# shellcheck disable=SC2086
	pf $drop "$file" > drop.pb.gz 2> drop.err
	for index in 0 ''; do
		"$PPROF_STAT" --folded ${index:+--sample-type $index} "$file" > whole.folded
		"$PPROF_STAT" --folded ${index:+--sample-type $index} keep.pb.gz drop.pb.gz > parts.folded
		check_same "$what: the two parts are the profile (${index:-default})" whole.folded parts.folded
	done
	"$PPROF_STAT" --folded keep.pb.gz > keep.folded
	"$PPROF_STAT" --folded drop.pb.gz > drop.folded
	check "$what: neither part is empty" test -s keep.folded -a -s drop.folded
}

t '--focus and --ignore'
partition 'json' "$a" "--focus=json" "--ignore=json"
partition 'a mapping file' "$synth" "--focus=libc" "--ignore=libc"
partition 'a source file' "$a" "--focus=/sort/" "--ignore=/sort/"
expect_exit 0 pf --focus 'json' "$a"
check 'keeps json' has "$out" 'encoding/json.'
check 'drops sha256' lacks "$out" 'crypto/sha256'
expect_exit 0 pf --focus '.' "$a"
same_profile "--focus '.': all" a.merged "$out"
expect_exit 0 pf --ignore 'no such function' "$a"
same_profile '--ignore of nothing: all' a.merged "$out"

t '--hide and --show'
expect_exit 0 pf --hide 'runtime\.' "$a"
check '--hide: no runtime functions' lacks "$out" 'runtime.main'
check '--hide: main is there' has "$out" 'main.runCPU'
expect_exit 0 pf --show 'main\.' "$a"
check '--show: no runtime functions' lacks "$out" 'runtime.main'
check '--show: no sort' lacks "$out" 'sort.'
check '--show: main is there' has "$out" 'main.runCPU'
expect_exit 0 pf --hide 'main\.score' "$a"
check '--hide an inlined frame' lacks "$out" 'main.score'
check '--hide: the frame it was inlined into stays' has "$out" 'main.checksum'
expect_exit 0 pf --show '.' "$a"
same_profile "--show '.': all" a.merged "$out"

t '--show-from and --prune-from'
expect_exit 0 pf --show-from 'main\.checksum' "$a"
check '--show-from: callers gone' lacks "$out" 'main.inlineWork'
check '--show-from: the frame stays' has "$out" 'main.checksum'
check '--show-from: samples elsewhere gone' lacks "$out" 'crypto/sha256'
expect_exit 0 pf --show_from 'main\.checksum' "$a"
check '--show_from as pprof spells it' has "$out" 'main.checksum'
expect_exit 0 pf --prune-from 'main\.checksum' "$a"
check '--prune-from: callees gone' lacks "$out" 'main.mix64'
check '--prune-from: the frame stays' has "$out" 'main.checksum'
check '--prune-from: other samples stay' has "$out" 'crypto/sha256'
expect_exit 0 pf --prune_from 'main\.checksum' "$a"
check '--prune_from as pprof spells it' lacks "$out" 'main.mix64'

# ---- labels --------------------------------------------------------------------

t '--tagfocus and --tagignore, strings'
partition 'a key' "$a" "--tagfocus=endpoint=/api/report" "--tagignore=endpoint=/api/report"
partition 'two values' "$a" "--tagfocus=worker=w1,w2" "--tagignore=worker=w1,w2"
partition 'no key' "$a" "--tagfocus=report,w1" "--tagignore=report,w1"
expect_exit 0 pf --tagfocus 'endpoint=/api/login' "$a"
check 'keeps the value' has "$out" '/api/login'
check 'drops the others' lacks "$out" '/api/report'

t '--tagfocus and --tagignore, ranges'
partition 'bytes=1kb:' "$heap" "--tagfocus=bytes=1kb:" "--tagignore=bytes=1kb:"
partition 'a range without a key' "$synth" "--tagfocus=2kb:64kb" "--tagignore=2kb:64kb"
partition 'time' "$synth" "--tagfocus=latency=:100ms" "--tagignore=latency=:100ms"
# 1mb: and 1048576b: and 1024kb: and 1gb:... name the same ranges.
pf --tagfocus 'bytes=1mb:' "$synth" > mb.pb.gz
for spec in 'bytes=1048576b:' 'bytes=1024kb:' 'bytes=1024KB:' 'bytes=1MBs:'; do
	expect_exit 0 pf --tagfocus "$spec" "$synth"
	same_profile "$spec is bytes=1mb:" mb.pb.gz "$out"
done
pf --tagfocus 'latency=1s:2s' "$synth" > s.pb.gz
expect_exit 0 pf --tagfocus 'latency=1000ms:2000ms' "$synth"
same_profile 'latency=1000ms:2000ms is latency=1s:2s' s.pb.gz "$out"

t '--tagshow, --taghide, --drop-labels'
expect_exit 0 pf --tagshow 'work' "$a"
check '--tagshow: kept' has "$out" 'worker'
check '--tagshow: removed' lacks "$out" 'endpoint'
expect_exit 0 pf --taghide 'work' "$a"
check '--taghide: removed' lacks "$out" 'worker'
check '--taghide: kept' has "$out" 'endpoint'
expect_exit 0 pf --drop-labels "$a"
check '--drop-labels' lacks "$out" 'endpoint'
cp "$out" nolabels.pb.gz
expect_exit 0 pf --taghide '.*' "$a"
same_profile "--drop-labels is --taghide '.*'" nolabels.pb.gz "$out"

t '--tagroot and --tagleaf'
# Frames named by the label values, whose file is the key: the strings are
# in the profile, and --focus on the key's name keeps every sample (each
# has a frame of the key, an empty name where it lacks the label).
expect_exit 0 pf --tagroot endpoint,worker "$a"
check 'a frame per value' has "$out" '/api/search'
check_empty 'no warnings' "$err"
cp "$out" tagroot.pb.gz
expect_exit 0 pf --tagroot endpoint,worker --focus '^endpoint$' "$a"
same_profile '--focus sees the frames: their file is the key' tagroot.pb.gz "$out"
expect_exit 0 pf --focus '^endpoint$' "$a"
check 'without --tagroot it matches nothing' lacks "$out" 'main.'
expect_exit 0 pf --tagroot endpoint,worker --tagroot '' "$a"
same_profile "--tagroot '' unsets it" a.merged "$out"
expect_exit 0 pf --tagleaf bytes "$heap"
check 'numbers without a unit as they are' has "$out" '1048576'
expect_exit 0 pf --tagleaf bytes,latency "$synth"
check 'numbers with a unit in it' has "$out" '512kB'
expect_exit 2 pf --tagleaf endpoint --pgo "$a"
check_grep 'not with --pgo: frames that are no calls' 'not with --pgo' "$err"

# ---- sample types, scaling ----------------------------------------------------

t '--sample-type'
expect_exit 0 pf --sample-type alloc_space "$heap"
cp "$out" alloc_space.pb.gz
check 'the type is there' has "$out" 'alloc_space'
check 'the others are gone' lacks "$out" 'inuse_objects'
expect_exit 0 pf --sample-type 1 "$heap"
same_profile 'by index' alloc_space.pb.gz "$out"
expect_exit 0 pf --sample-type inuse_space "$heap"
cp "$out" inuse.pb.gz
expect_exit 0 pf --sample-type 3 "$heap"
same_profile 'inuse_space is 3' inuse.pb.gz "$out"
expect_exit 1 pf --sample-type cpu "$heap"
check_grep 'no such type: the message' "^pprof-filter: $heap: profile 1: no sample type 'cpu'; .*alloc_objects" "$err"
check_empty 'nothing written' "$out"
expect_exit 1 pf --sample-type 4 "$heap"
check_grep 'index out of range: the message' "^pprof-filter: $heap: profile 1: .*4.*\\[0\\.\\.3\\]" "$err"
expect_exit 1 pf --sample-type -1 "$heap"

t '--scale'
expect_exit 0 pf --scale 1 "$a"
same_profile '--scale 1: the same' a.merged "$out"
pf --scale 2 "$a" | pf --scale 2 > twice.pb.gz
expect_exit 0 pf --scale 4 "$a"
same_profile '--scale 2 twice is --scale 4' twice.pb.gz "$out"
pf --scale 0.5 "$a" | pf --scale 2 > halfdouble.pb.gz
check '--scale 0.5 rounds (then 2 does not give the profile back)' \
	eval '! cmp -s halfdouble.pb.gz a.merged'
expect_exit 0 pf --scale 0 "$a"
cp "$out" zero.pb.gz
expect_exit 0 pf --focus 'no such function' "$a"
same_profile '--scale 0 drops every sample' zero.pb.gz "$out"
expect_exit 0 pf --scale -1 "$a"
cp "$out" minus.pb.gz
expect_exit 0 pm --base "$a" --allow-empty < /dev/null
same_profile '--scale -1 is pprof-merge --base' minus.pb.gz "$out"
if [ -n "${PPROF_STAT:-}" ] && [ -x "$PPROF_STAT" ]; then
	pf --scale 2 "$a" | "$PPROF_STAT" --folded > scaled.folded
	pm "$a" "$a" | "$PPROF_STAT" --folded > doubled.folded
	check_same 'a weighted merge: --scale 2 is the profile twice' doubled.folded scaled.folded
fi

# ---- renaming, addresses ------------------------------------------------------

t '--rename-function'
expect_exit 0 pf --rename-function 'main\.(check)(sum)=app.\2_\1' "$a"
check 'the new name' has "$out" 'app.sum_check'
check 'the system name stays' has "$out" 'main.checksum'
expect_exit 0 pf --pgo --rename-function 'main\.(check)(sum)=app.\2_\1' "$a"
check 'the old name is gone (--pgo drops system names)' lacks "$out" 'main.checksum'
expect_exit 0 pf --rename-function '^main\.=\0\0' --rename-function 'main\.main\.=M.' "$a"
check 'rules apply in turn' has "$out" 'M.inlineWork'
expect_exit 0 pf --rename-function 'a=b' --rename-function 'b=a' "$b"
check_empty 'no warnings' "$err"
expect_exit 0 pf --rename-function '\\=/' "$a"
check_grep 'a rule that matches nothing: a warning' \
	"^pprof-filter: $a: profile 1: --rename-function '\\\\\\\\=/' matched nothing\$" "$err"
expect_exit 0 pf --rename-function 'x*=-' "$a"
check 'empty matches: as Go, between characters' has "$out" '-m-a-i-n-.-r-u-n-C-P-U-'

t '--drop-addresses'
expect_exit 0 pf --drop-addresses "$a"
check 'no mapping file' lacks "$out" 'pprofgen-a'
check 'smaller' test "$(wc -c < "$out")" -lt "$(wc -c < a.merged)"
cp "$out" noaddr.pb.gz
expect_exit 0 pf --drop-addresses noaddr.pb.gz
same_profile 'twice is once' noaddr.pb.gz "$out"

# ---- --pgo ------------------------------------------------------------------------

t '--pgo'
expect_exit 0 pf --pgo "$a"
cp "$out" a.pgo
check_empty 'no warnings' "$err"
check 'much smaller' test $(($(wc -c < a.pgo) * 2)) -lt "$(wc -c < "$a")"
for gone in endpoint pprofgen-a cpu.go /usr/lib/go; do
	check "no $gone" lacks a.pgo "$gone"
done
check 'keeps samples/count' has a.pgo 'samples'
expect_exit 0 pf --pgo a.pgo
same_profile 'twice is once' a.pgo "$out"
expect_exit 0 pf --pgo --sample-type cpu "$a"
check '--sample-type picks the column' eval "! cmp -s a.pgo '$out'"
expect_exit 1 pf --pgo go119-cpu.pb.gz
check_grep 'refuses a profile without start lines' \
	'^pprof-filter: go119-cpu\.pb\.gz: profile 1: no function has a start line' "$err"
expect_exit 1 pf --pgo -o default.pgo "$heap"
check_grep 'refuses a heap profile' \
	"^pprof-filter: $heap: profile 1: no sample type samples/count or cpu/nanoseconds" "$err"
check 'and writes no -o FILE' test ! -e default.pgo
expect_exit 0 pf --pgo -k go119-cpu.pb.gz "$a"
same_profile '--keep-going skips it' a.pgo "$out"
check_grep '--keep-going: the message' 'go119-cpu\.pb\.gz: profile 1: ' "$err"

# ---- --since, --until --------------------------------------------------------------

# Three small profiles at 2026-11-22T10:00:00Z (1795341600 s), one second
# later plus 0.5 s, and one hour later; and one without a time.
make_timed() {
	perl -e '
		sub v { my $n = shift; my $s = ""; while ($n >= 128) { $s .= chr(($n & 127) | 128); $n >>= 7 } $s . chr($n) }
		sub ld { my ($f, $b) = @_; v($f << 3 | 2) . v(length $b) . $b }
		sub vi { my ($f, $n) = @_; v($f << 3) . v($n) }
		my $p = ld(1, vi(1, 1) . vi(2, 2)) . ld(2, ld(1, v(1)) . ld(2, v(3)))
		      . ld(4, vi(1, 1) . ld(4, vi(1, 1) . vi(2, 7))) . ld(5, vi(1, 1) . vi(2, 3));
		$p .= ld(6, $_) for ("", "samples", "count", "main");
		print $p . ($ARGV[0] ? vi(9, $ARGV[0]) : "");
	' "$1" | gzip -n
}
have_perl=false
if command -v perl >/dev/null; then
	have_perl=true
	make_timed 1795341600000000000 > t0.pb.gz
	make_timed 1795341601500000000 > t1.pb.gz
	make_timed 1795345200000000000 > t2.pb.gz
	make_timed 0 > tnone.pb.gz
	cat t0.pb.gz t1.pb.gz t2.pb.gz > times.pb.gz
	for i in 0 1 2; do pf t$i.pb.gz > t$i.out; done
fi

# window WHAT EXPECTED_FILES -- OPTIONS...: the profiles of times.pb.gz the
# options keep are those of EXPECTED_FILES.
window() {
	local what=$1 f expected=()
	shift
	while [ "$1" != -- ]; do
		expected+=("$1")
		shift
	done
	shift
	cat "${expected[@]}" > window.expected   # (one cat for them all)
	expect_exit 0 pf "$@" times.pb.gz
	same_profile "$what" window.expected "$out"
}

t '--since and --until'
if $have_perl; then
	window 'all' t0.out t1.out t2.out -- --since 1795341600
	window '--since is inclusive' t1.out t2.out -- --since 1795341601.5
	window 'a fraction of a second' t2.out -- --since 1795341601.6
	window '--until is exclusive' t0.out -- --until 1795341601.5
	window 'both' t1.out -- --since 1795341601 --until 1795345200
	window 'RFC 3339' t1.out t2.out -- --since 2026-11-22T10:00:01Z
	window 'RFC 3339 with a fraction' t2.out -- --since 2026-11-22T10:00:01.500000001Z
	window 'RFC 3339 with an offset' t0.out -- --until 2026-11-22T12:00:01+02:00
	window 'RFC 3339, lower case and a negative offset' t0.out t1.out -- \
		--until 2026-11-22t05:00:02-05:00
	window 'RFC 3339 with a space' t2.out -- --since '2026-11-22 10:30:00Z'
	expect_exit 0 pf --since 2030-01-01T00:00:00Z times.pb.gz
	check_empty 'none in the window: no output' "$out"
	check_grep 'none in the window: a warning' '^pprof-filter: no profile is in the time window' "$err"
	expect_exit 0 pf --since 0 tnone.pb.gz t0.pb.gz
	same_profile 'a profile without a time is left out' t0.out "$out"
	check_grep 'with a warning' '^pprof-filter: tnone\.pb\.gz: profile 1: has no time' "$err"
fi

# ---- warnings: filters that match nothing -------------------------------------------

t 'warnings'
for opt in --focus --ignore --hide --show --show-from --prune-from --tagshow --taghide \
	--tagroot --tagleaf; do
	expect_exit 0 pf "$opt" 'no such thing' "$a"
	check_grep "$opt" "^pprof-filter: $a: profile 1: $opt 'no such thing' matched nothing\$" "$err"
done
for opt in --tagfocus --tagignore; do
	expect_exit 0 pf "$opt" 'endpoint=no such thing' "$a"
	check_grep "$opt" "^pprof-filter: $a: profile 1: $opt 'endpoint=no such thing' matched nothing\$" "$err"
done
expect_exit 0 pf --focus 'no such thing' "$a" "$b"
check_grep 'the second profile' "^pprof-filter: $b: profile 1: --focus" "$err"
expect_exit 0 pf --focus 'json' --tagfocus 'worker=w' "$a"
check_empty 'no warning when they match' "$err"
expect_exit 0 pf --focus '' "$a"
same_profile 'an empty expression: no filter' a.merged "$out"

# ---- usage errors: exit status 2 --------------------------------------------------

# usage_error ERE ARGS...: pprof-filter ARGS exits 2, writes nothing to
# stdout and a message matching ERE.
usage_error() {
	local re=$1
	shift
	expect_exit 2 pf "$@" "$a"
	check_empty "nothing on stdout from $*" "$out"
	check_grep "message from $*" "$re" "$err"
	check_grep "hint from $*" '--help' "$err"
}

t 'bad regular expressions'
for opt in --focus --ignore --hide --show --show-from --prune-from --tagshow --taghide; do
	usage_error "^pprof-filter: $opt: invalid regular expression 'a\\(b': " "$opt" 'a(b'
done
usage_error "^pprof-filter: --focus: invalid regular expression '\\[x': " --focus '[x'
usage_error "^pprof-filter: --tagfocus: invalid regular expression '\\(': " --tagfocus 'endpoint=('
usage_error "^pprof-filter: --tagignore: invalid regular expression 'x\\*\\*': " --tagignore 'ok,x**'
usage_error "^pprof-filter: --rename-function: invalid regular expression '\\(': " \
	--rename-function '(=x'

t 'bad ranges'
usage_error "^pprof-filter: --tagfocus: invalid range '1kb:1s': units kB and s differ" \
	--tagfocus '1kb:1s'
usage_error "^pprof-filter: --tagfocus: invalid range '2:4kb': units \\(none\\) and B differ" \
	--tagfocus 'bytes=2:4kb'
usage_error "^pprof-filter: --tagignore: invalid range '4kb:2kb': the start is above the end" \
	--tagignore '4kb:2kb'
usage_error "^pprof-filter: --tagfocus: invalid range '99999999999999999999:': .*too large" \
	--tagfocus '99999999999999999999:'

t 'bad --rename-function'
usage_error "^pprof-filter: --rename-function: 'main' is not REGEX=REPLACEMENT" --rename-function main
usage_error "^pprof-filter: --rename-function: '=x' is not REGEX=REPLACEMENT" --rename-function '=x'
usage_error "^pprof-filter: --rename-function: '.2' in the replacement, but the expression has 1 group\$" \
	--rename-function '(a)=\2'
usage_error "^pprof-filter: --rename-function: '.' in the replacement must be followed" \
	--rename-function 'a=b\'

t 'bad numbers and times'
for f in x 1x '' inf nan 1e999; do
	usage_error "^pprof-filter: invalid --scale '$f'" --scale "$f"
done
for when in x 2026-11-22 2026-11-22T10:00:00 2026-13-01T00:00:00Z 2026-02-29T00:00:00Z \
		2026-11-22T24:00:00Z 2026-11-22T10:00:00+2:00 1.x ''; do
	usage_error "^pprof-filter: invalid --since '" --since "$when"
done
usage_error '^pprof-filter: invalid --until' --until 'tomorrow'
usage_error '^pprof-filter: --since must be before --until' --since 2 --until 1
usage_error '^pprof-filter: ' --no-such-option
usage_error '^pprof-filter: ' --level 10
usage_error '^pprof-filter: ' --max-size 1x
expect_exit 2 pf --focus
check_grep 'a missing argument' '--help' "$err"

# ---- output options, errors of input and output ---------------------------------------

t '-o FILE, levels, --uncompressed'
expect_exit 0 pf -o result.pb.gz "$a"
check_empty 'stdout' "$out"
same_profile 'FILE holds the result' a.merged result.pb.gz
expect_exit 0 pf -9 "$a"
cp "$out" nine.pb.gz
check '-9 is another compression' eval '! cmp -s nine.pb.gz a.merged'
check 'of the same profile' cmp -s <(zcat nine.pb.gz) <(zcat a.merged)
expect_exit 0 pf --level 1 --uncompressed "$a"
check '--uncompressed: the raw profile' cmp -s "$out" <(zcat a.merged)
expect_exit 1 pf --uncompressed "$a" "$b"
check_grep '--uncompressed: one profile only' "^pprof-filter: $b: profile 1: --uncompressed" "$err"
if $have_perl; then
	expect_exit 0 pf --uncompressed --since 1795345200 times.pb.gz
	check '--uncompressed: one profile left by --since' cmp -s "$out" <(zcat t2.out)
fi

t 'input errors'
echo 'not a profile' > junk
expect_exit 1 pf "$a" junk
check_grep 'bad data: the message' '^pprof-filter: junk: profile 1: ' "$err"
expect_exit 1 pf -o out.pb.gz "$a" missing.pb.gz
check_grep 'a missing file: the message' '^pprof-filter: missing\.pb\.gz: ' "$err"
check 'and no -o FILE' test ! -e out.pb.gz
expect_exit 0 pf -k "$a" junk "$b"
same_profile '--keep-going skips it' ab.expected "$out"
expect_exit 1 pf --max-size 1K "$a"
check_grep '--max-size' "^pprof-filter: $a: profile 1: " "$err"
expect_exit 1 pf < /dev/null
check_grep 'an empty input' 'empty' "$err"

t 'write errors'
expect_exit 1 bash -c '"$0" "$1" > /dev/full' "$PPROF_FILTER" "$a"
check_grep 'a message' '^pprof-filter: .*(write|space)' "$err"

t 'terminal'
if script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
	expect_exit 1 script -qec "'$PPROF_FILTER' '$a'" /dev/null </dev/null
	check_grep 'refuses compressed data to a terminal' 'terminal' "$out"
	expect_exit 0 script -qec "'$PPROF_FILTER' -f '$a'" /dev/null </dev/null
	check_no_grep 'with -f no refusal' 'terminal' "$out"
else
	echo "note: no working script(1); terminal checks skipped"
fi

# ---- --help and --version ---------------------------------------------------------

t '--help'
expect_exit 0 pf --help
check_empty 'stderr' "$err"
# Every long option of the man page is in --help too.
for opt in $(grep -oE 'Fl -[a-z_-]+' "$top_srcdir/man/pprof-filter.1" | sort -u | sed 's/^Fl /-/'); do
	case $opt in --show_from|--prune_from) continue ;; esac
	check_grep "mentions $opt of the man page" "(^|[ ,])$opt([ =,]|\$)" "$out"
done

t '--version'
expect_exit 0 pf --version
check_grep 'first line' '^pprof-filter \(pprof-tools\) ' "$out"
check_grep 'libraries' 'libpprof .*zlib .*protobuf-c' "$out"

finish
