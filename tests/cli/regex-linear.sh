# Hostile names against the filters' regexes: matching must take time linear
# in the profile's strings (at most a second of CPU per MB of profile, plus
# a second for start-up and a loaded machine). glibc's regexec, which the
# filters used before RE2, takes quadratic time on a long name that almost
# matches: `--focus '[a-z]+\.[A-Z]'` on one name of 200,000 letters took a
# minute. Profiles, made here by Perl, uncompressed:
#   one:    one function named "aaa...a" (200,000 letters)
#   many:   50,000 functions, locations and samples, all the functions with
#           that one name (matching must be done per string, not per
#           function or per sample: 50,000 x 200 kB would be 10 GB)
#   labels: as many, each sample with the label k="aaa...a"
# In a run of its own (SCALE_TESTS in Makefile.am): timings mean nothing
# under valgrind.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_FILTER:?}" "${PPROF_STAT:?}"
command -v perl >/dev/null || skip 'no perl'
command -v timeout >/dev/null || skip 'no timeout'

long=200000 n=50000

# gen FUNCTIONS LABELS: writes a profile to stdout (see the header).
gen() {
	perl -e '
		use strict;
		my ($len, $n, $labels) = @ARGV;
		sub v { my $n = shift; my $s = ""; while ($n >= 128) { $s .= chr(($n & 127) | 128); $n >>= 7 } $s . chr($n) }
		sub ld { my ($f, $b) = @_; v($f << 3 | 2) . v(length $b) . $b }
		sub vi { my ($f, $n) = @_; v($f << 3) . v($n) }
		my @strings = ("", "samples", "count", "a" x $len, "k");
		my $p = ld(1, vi(1, 1) . vi(2, 2));
		for my $i (1 .. $n) {
			my $label = $labels ? ld(3, vi(1, 4) . vi(2, 3)) : "";
			$p .= ld(2, ld(1, v($i)) . ld(2, v(1)) . $label);
			$p .= ld(4, vi(1, $i) . ld(4, vi(1, $i) . vi(2, 1)));
			$p .= ld(5, vi(1, $i) . vi(2, 3));
		}
		$p .= ld(6, $_) for @strings;
		binmode STDOUT;
		print $p;
	' "$long" "$@"
}

gen 1 0 > one.pb && gen "$n" 0 > many.pb && gen "$n" 1 > labels.pb || exit 99

# fast WANT_STATUS FILE ARGS...: pprof-filter ARGS FILE exits WANT_STATUS
# (killed after a minute) within the CPU time allowed for FILE's size.
fast() {
	local want=$1 file=$2 cpu limit
	shift 2
	TIMEFORMAT='%U %S'
	{ time expect_exit "$want" timeout 60 "$PPROF_FILTER" "$@" "$file"; } 2> time.out
	cpu=$(awk '{ print $1 + $2 }' time.out)
	limit=$(awk -v size="$(wc -c < "$file")" 'BEGIN { print 1 + size / 1e6 }')
	echo "# $* $file: $cpu s of CPU (limit $limit s)"
	if awk -v cpu="$cpu" -v limit="$limit" 'BEGIN { exit !(cpu <= limit) }'; then
		pass "$* $file: $cpu s of CPU, within $limit s"
	else
		fail "$* $file: CPU time" "expected at most $limit s, got $cpu s"
	fi
}

hostile='[a-z]+\.[A-Z]'

t 'one long name'
fast 0 one.pb --focus "$hostile"
check_grep 'it matched nothing' "--focus '.*' matched nothing" "$err"
fast 0 one.pb --focus 'a{1000}$'
check_no_grep 'it matched' 'matched nothing' "$err"

t 'a long name shared by many functions'
for opt in --focus --ignore --hide --show --show-from --prune-from; do
	fast 0 many.pb "$opt" "$hostile"
done
fast 0 many.pb --rename-function "([a-z]+)\\.[A-Z]=x"
fast 0 many.pb --rename-function '^a(a*)$=b\1'
"$PPROF_STAT" --json "$out" > renamed.json 2>&1
check_grep 'the renamed name' "\"baaaaaaaa" renamed.json
fast 0 many.pb --rename-function 'a=b'

t 'a long label value on many samples'
fast 0 labels.pb --tagfocus "$hostile"
fast 0 labels.pb --tagfocus "k=$hostile"
fast 0 labels.pb --tagignore "$hostile"
fast 0 labels.pb --tagfocus '^k:a{1000}'
check_no_grep 'it matched' 'matched nothing' "$err"

finish
