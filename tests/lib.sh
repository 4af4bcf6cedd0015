# tests/lib.sh - what the shell tests of pprof-tools share. Source it first:
#
#   . "$top_srcdir/tests/lib.sh"
#   t 'merging two files'                    # names the checks that follow
#   expect_exit 0 "$PPROF_MERGE" a.pb.gz     # stdout -> $out, stderr -> $err
#   check_grep 'warning' '^pprof-merge: ' "$err"
#   finish                                   # summary; exit 0 or 1
#
# The environment (AM_TESTS_ENVIRONMENT in Makefile.am) gives top_srcdir,
# top_builddir and the programs' paths. Each script works in its own scratch
# directory, $top_builddir/tests/DIR/NAME.scratch, which is removed when every
# check passed and kept for a look when one failed. A failed check prints
# "FAIL: <test name>: <what>" with what was expected and what came.
# Exit statuses follow Automake: 0 pass, 1 fail, 77 skip, 99 hard error.

set -u
shopt -s lastpipe  # `cmd | expect_exit ...` runs expect_exit in this shell
export LC_ALL=C   # messages and sort order must not depend on the locale

: "${top_srcdir:?run through make check, or set top_srcdir}"
: "${top_builddir:?run through make check, or set top_builddir}"
data=$top_srcdir/tests/data

suite=$(basename "$(dirname "$0")")/$(basename "$0" .sh)   # e.g. cli/merge
scratch=$top_builddir/tests/$suite.scratch
rm -rf "$scratch" && mkdir -p "$scratch" && cd "$scratch" || exit 99

n_checks=0
n_failed=0
test_name=$suite

# t NAME: names the checks that follow in failure messages.
t() {
	test_name=$1
}

# fail WHAT [DETAIL...]: records a failed check and prints why.
fail() {
	n_failed=$((n_failed + 1))
	printf 'FAIL: %s: %s\n' "$test_name" "$1"
	shift
	[ $# -eq 0 ] || printf '    %s\n' "$@"
}

# check WHAT CMD...: CMD succeeds.
check() {
	local what=$1
	shift
	n_checks=$((n_checks + 1))
	"$@" || fail "$what" "expected success of: $*" "got: exit status $?"
}

# check_eq WHAT EXPECTED ACTUAL: two strings are equal.
check_eq() {
	n_checks=$((n_checks + 1))
	[ "$2" = "$3" ] || fail "$1" "expected: $2" "got:      $3"
}

# check_same WHAT EXPECTED_FILE ACTUAL_FILE: the files are equal byte for byte.
# Text files show a diff, binary ones what cmp says.
check_same() {
	n_checks=$((n_checks + 1))
	cmp -s "$2" "$3" && return 0
	if grep -qI . "$2" 2>/dev/null && grep -qI . "$3" 2>/dev/null; then
		fail "$1" "expected $2, got $3:" "$(diff -u "$2" "$3" | head -40)"
	else
		fail "$1" "expected the bytes of $2, got $3:" "$(cmp "$2" "$3" 2>&1)"
	fi
}

# check_grep WHAT ERE FILE: FILE has a line matching the extended regex.
check_grep() {
	n_checks=$((n_checks + 1))
	grep -Eq -- "$2" "$3" ||
		fail "$1" "expected a line matching /$2/ in $3, got:" "$(head -c 2000 "$3")"
}

# check_no_grep WHAT ERE FILE: no line of FILE matches the extended regex.
check_no_grep() {
	n_checks=$((n_checks + 1))
	! grep -Eq -- "$2" "$3" ||
		fail "$1" "expected no line matching /$2/ in $3, got:" "$(grep -E -- "$2" "$3" | head -5)"
}

# check_empty WHAT FILE: FILE exists and is empty.
check_empty() {
	n_checks=$((n_checks + 1))
	[ -f "$2" ] && [ ! -s "$2" ] ||
		fail "$1" "expected $2 to be empty, got:" "$(head -c 300 "$2" 2>&1 | od -c | head -5)"
}

# expect_exit STATUS CMD...: runs CMD with stdout in the file $out and stderr in
# $err (out.N/err.N in the scratch directory, N counting the calls; runs.log
# says which N ran what) and checks its exit status. Stdin is left alone, so `expect_exit 0 cmd < file` works.
n_runs=0
expect_exit() {
	local want=$1 got
	shift
	n_runs=$((n_runs + 1))
	out=$scratch/out.$n_runs
	err=$scratch/err.$n_runs
	n_checks=$((n_checks + 1))
	echo "$n_runs: $*" >> "$scratch/runs.log"
	"$@" >"$out" 2>"$err"
	got=$?
	[ "$got" -eq "$want" ] ||
		fail "exit status of: $*" "expected: $want" "got:      $got" \
			"stderr: $(head -c 1000 "$err")"
}

# skip REASON: skips the whole script (Automake's 77).
skip() {
	echo "SKIP: $suite: $1"
	cd / && rm -rf "$scratch"
	exit 77
}

# find_go: sets GO to a go command and exports GOTOOLCHAIN=local GOPROXY=off
# (no downloads, ever); returns 1 when there is none. GO from the environment
# wins; else the newest /usr/lib/go-*/bin/go (Debian's versioned packages),
# else go in PATH.
find_go() {
	export GOTOOLCHAIN=local GOPROXY=off
	if [ -z "${GO:-}" ]; then
		GO=$(ls -d /usr/lib/go-*/bin/go 2>/dev/null | sort -V | tail -n 1)
		[ -n "$GO" ] || GO=$(command -v go) || return 1
	fi
	"$GO" version >/dev/null 2>&1
}

# finish: prints the summary and exits 0 when all checks passed, else 1.
finish() {
	if [ "$n_failed" -eq 0 ]; then
		echo "PASS: $suite: $n_checks checks"
		cd / && rm -rf "$scratch"
		exit 0
	fi
	echo "FAIL: $suite: $n_failed of $n_checks checks failed; see $scratch"
	exit 1
}
