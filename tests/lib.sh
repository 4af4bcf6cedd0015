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
# check passed and kept for a look when one failed.
#
# Output is TAP, so Automake's summary counts every check: "ok N - <test
# name>: <what>", or "not ok N - ..." followed by "#" lines with what was
# expected and what came; "1..N" at the end. The exit status is 0 when all
# passed, 1 when one failed (Automake's TAP driver goes by the "not ok"
# lines; a script that dies before its plan is an error there), 77 skip.

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

# PPROF_VALGRIND, when set (make check-valgrind sets it to a valgrind command
# line), runs every program of the tests under it: PPROF_MERGE and the others
# then name wrappers that run the program (the binary run_built_programs
# finds, not libtool's wrapper: libtool --mode=execute reads every argument
# that is a file, and waits forever on a FIFO) under that command, with valgrind's report in a log
# of its own so that stderr stays what the program wrote. A run with a
# valgrind error exits 99, which no check expects, and finish fails when a
# log reports an error (so a run expected to fail cannot hide one).
vg_dir=$top_builddir/tests/$suite.valgrind
# vg_wrap: points each PPROF_* program variable to a wrapper in $vg_dir.
vg_wrap() {
	local var real
	rm -rf "$vg_dir" && mkdir -p "$vg_dir" || exit 99
	for var in PPROF_MERGE PPROF_FILTER PPROF_STAT PPROF_TAG; do
		real=${!var:-}
		[ -n "$real" ] || continue
		printf '#!/bin/sh\nexec %s --error-exitcode=99 --log-file=%q %q "$@"\n' \
			"$PPROF_VALGRIND" "$vg_dir/%p.log" "$real" \
			> "$vg_dir/${real##*/}" && chmod +x "$vg_dir/${real##*/}" || exit 99
		printf -v "$var" '%s' "$vg_dir/${real##*/}"
		export "${var?}"
	done
}
# vg_check: a failed check for each valgrind log that reports an error.
vg_check() {
	local log runs=0 bad=0
	[ -d "$vg_dir" ] || return 0
	t valgrind
	for log in "$vg_dir"/*.log; do
		[ -e "$log" ] || continue
		runs=$((runs + 1))
		# (valgrind -q writes nothing but errors, and no summary)
		if grep -Eq 'ERROR SUMMARY: [1-9]' "$log" ||
			{ [ -s "$log" ] && ! grep -q 'ERROR SUMMARY: 0 ' "$log"; }; then
			bad=$((bad + 1))
			fail "no errors in $log" "$(grep -E '^==[0-9]+== ' "$log" | head -40)"
		fi
	done
	[ "$bad" -ne 0 ] || [ "$runs" -eq 0 ] || pass "no errors in $runs runs under valgrind"
}
# run_built_programs: points each PPROF_* program variable past libtool's
# wrapper script, to the binary it runs (tools/.libs/NAME), with libpprof's
# build directory first on LD_LIBRARY_PATH as the wrapper would set it. The
# wrapper is a shell script that costs some 50 ms a run, five times a small
# report, and the tests run the programs thousands of times. A build without
# shared libraries has no wrapper: its programs are run as they are.
run_built_programs() {
	local var prog real unwrapped=
	for var in PPROF_MERGE PPROF_FILTER PPROF_STAT PPROF_TAG; do
		prog=${!var:-}
		real=${prog%/*}/.libs/${prog##*/}
		[ -n "$prog" ] && [ -x "$real" ] && [ "$(head -c 2 "$prog")" = '#!' ] || continue
		printf -v "$var" '%s' "$real"
		export "${var?}"
		unwrapped=1
	done
	[ -z "$unwrapped" ] ||
		export LD_LIBRARY_PATH=$top_builddir/libpprof/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
}
run_built_programs
[ -z "${PPROF_VALGRIND:-}" ] || vg_wrap

# t NAME: names the checks that follow in failure messages.
t() {
	test_name=$1
}

# pass WHAT: records a passed check.
pass() {
	n_checks=$((n_checks + 1))
	printf 'ok %d - %s: %s\n' "$n_checks" "$test_name" "$1"
}

# fail WHAT [DETAIL...]: records a failed check and prints why, each line of
# the details as a TAP comment.
fail() {
	n_checks=$((n_checks + 1))
	n_failed=$((n_failed + 1))
	printf 'not ok %d - %s: %s\n' "$n_checks" "$test_name" "$1"
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/#     /'
}

# check WHAT CMD...: CMD succeeds.
check() {
	local what=$1 status
	shift
	if "$@"; then
		pass "$what"
	else
		status=$?
		fail "$what" "expected success of: $*" "got: exit status $status"
	fi
}

# check_eq WHAT EXPECTED ACTUAL: two strings are equal.
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected: $2" "got:      $3"
	fi
}

# small_text FILE MAX: sets small_text to the bytes of FILE and returns 0
# when it is a file of less than MAX bytes without a NUL byte, for the
# helpers that decide such files in the shell (a process costs some 4 ms
# here, as much as a small report); 1 otherwise, when a program must read it.
small_text() {
	# (read ends with 1 at the end of the file; 0 at a NUL or after MAX bytes)
	[ -f "$1" ] && ! IFS= read -r -d '' -n "$2" small_text < "$1"
}

# same_small_files A B: 0 when the files hold the same bytes, decided in the
# shell for files of less than 64 KiB without a NUL byte (the reports most
# checks compare); 1 otherwise, when cmp must tell.
same_small_files() {
	local a
	small_text "$1" 65536 && a=$small_text && small_text "$2" 65536 &&
		[[ "$a" == "$small_text" ]]
}

# check_same WHAT EXPECTED_FILE ACTUAL_FILE: the files are equal byte for byte.
# Text files show a diff, binary ones what cmp says.
check_same() {
	same_small_files "$2" "$3" && { pass "$1"; return 0; }
	cmp -s "$2" "$3" && { pass "$1"; return 0; }
	if grep -qI . "$2" 2>/dev/null && grep -qI . "$3" 2>/dev/null; then
		fail "$1" "expected $2, got $3:" "$(diff -u "$2" "$3" | head -40)"
	else
		fail "$1" "expected the bytes of $2, got $3:" "$(cmp "$2" "$3" 2>&1)"
	fi
}

# check_grep WHAT ERE FILE: FILE has a line matching the extended regex.
check_grep() {
	if grep_lines "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "expected a line matching /$2/ in $3, got:" "$(head -c 2000 "$3")"
	fi
}

# check_no_grep WHAT ERE FILE: no line of FILE matches the extended regex.
check_no_grep() {
	if ! grep_lines "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "expected no line matching /$2/ in $3, got:" "$(grep -E -- "$2" "$3" | head -5)"
	fi
}

# grep_lines ERE FILE: `grep -Eq -- ERE FILE`, decided in the shell for a
# small_text of less than 4 KiB and an ERE on one line (most are a message
# or two on stderr): bash's =~ is the same GNU ERE (regcomp), tried on each
# line as grep does. Exit status 0 when a line matches, 1 when none does, 2
# when the ERE is invalid (found on a line: an empty file gives 1).
grep_lines() {
	local line
	if [[ $1 != *$'\n'* ]] && small_text "$2" 4096; then
		[ -n "$small_text" ] || return 1   # (no line at all)
		while IFS= read -r line; do
			[[ $line =~ $1 ]]
			case $? in 0) return 0 ;; 2) return 2 ;; esac
		done <<< "${small_text%$'\n'}"   # (the last line, ended or not)
		return 1
	fi
	grep -Eq -- "$1" "$2"
}

# check_empty WHAT FILE: FILE exists and is empty.
check_empty() {
	if [ -f "$2" ] && [ ! -s "$2" ]; then
		pass "$1"
	else
		fail "$1" "expected $2 to be empty, got:" "$(head -c 300 "$2" 2>&1 | od -c | head -5)"
	fi
}

# expect_exit STATUS CMD...: runs CMD with stdout in the file $out and stderr in
# $err (out.N/err.N in the scratch directory, N counting the calls; runs.log
# says which N ran what) and checks its exit status. Stdin is left alone, so `expect_exit 0 cmd < file` works.
n_runs=0
expect_exit() {
	expect_exit_into "$scratch/out.$((n_runs + 1))" "$scratch/err.$((n_runs + 1))" "$@"
}

# expect_exit_into OUT ERR STATUS CMD...: expect_exit with stdout in the file
# OUT and stderr in ERR ($out and $err then name them).
expect_exit_into() {
	local want=$3 got
	out=$1
	err=$2
	shift 3
	n_runs=$((n_runs + 1))
	echo "$n_runs: $*" >> "$scratch/runs.log"
	"$@" >"$out" 2>"$err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass "exit status $want of: $*"
	else
		fail "exit status of: $*" "expected: $want" "got:      $got" \
			"stderr: $(head -c 1000 "$err")"
	fi
}

# sort_array NAME: sorts the array NAME in place, in the byte order of
# LC_ALL=C sort: in the shell, for the few items a check sorts (a sort is a
# process, some 4 ms here).
sort_array() {
	local -n sort_items=$1
	local i j item
	for ((i = 1; i < ${#sort_items[@]}; i++)); do
		item=${sort_items[i]}
		for ((j = i; j > 0; j--)); do
			[[ ${sort_items[j - 1]} > $item ]] || break
			sort_items[j]=${sort_items[j - 1]}
		done
		sort_items[j]=$item
	done
}

# jqv FILTER FILE: jq's raw output of FILTER on FILE (empty when jq fails).
jqv() { jq -r "$1" "$2" 2>/dev/null; }

# jqset [-s] FILE VAR=FILTER...: sets each VAR to jqv FILTER FILE (jq -s with
# -s), the values a FILTER gives one a line, objects and arrays written
# compact: one jq run for them all (a run costs some 25 ms here, as it
# compiles its builtins). A FILTER that fails leaves its VAR empty.
jqset() {
	local slurp=() prog= a i=0 vals
	[ "$1" != -s ] || { slurp=(-s); shift; }
	local file=$1
	shift
	for a; do   # (each answer ends with a NUL: jq -j writes no newlines)
		prog+="(try ([${a#*=}] | map(tostring) | join(\"\\n\")) catch \"\"), \"\\u0000\", "
	done
	jq "${slurp[@]}" -j "${prog%, }" "$file" > jqset.out 2>/dev/null
	mapfile -t -d '' vals < jqset.out
	for a; do
		printf -v "${a%%=*}" '%s' "${vals[i++]:-}"
	done
}

# skip REASON: skips the whole script (Automake's 77).
skip() {
	echo "1..0 # SKIP $suite: $1"
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
	go_version=$("$GO" env GOVERSION 2>/dev/null) || return 1   # e.g. go1.19.8
	go_pprof_bin=$("$GO" tool -n pprof 2>/dev/null) && [ -x "$go_pprof_bin" ]
}

# go_pprof ARGS...: `$GO tool pprof -symbolize=none ARGS`. It runs the binary
# that `go tool -n pprof` names (what `go tool pprof` runs, without starting
# the go command each time, which doubled the cost of a small report); the
# exit status is that of `go tool pprof` (1 when the tool fails: pprof's own
# is 2). Each run is counted in $scratch/pprof.calls for finish's summary.
go_pprof() {
	echo run >> "$scratch/pprof.calls"
	# (one thread: pprof's parallel garbage collection costs CPU that the
	# other tests, run beside this one, need more)
	GOMAXPROCS=1 "$go_pprof_bin" -symbolize=none "$@" || return 1
}

# go_pprof_entry ARGS...: go_pprof, made once per ARGS while the files they
# name stay as they were: for the reports a suite asks for again and again
# (-raw of the same inputs), or that cost seconds. Sets pprof_entry to the
# name of the cache entry, whose files $pprof_entry.out, .err and .status
# hold pprof's stdout, stderr and exit status, for the caller to read as
# they are (an awk over several, say: no process to print them). Entries are
# kept in $scratch/pprof.cache under a name made of ARGS (an md5sum of them
# when that name would be too long), and made again when a file among ARGS
# is newer than the entry. The name is made in the shell.
go_pprof_entry() {
	local key arg
	printf -v key '%q ' "$@"
	key=${key//%/%p}   # (one-to-one: % is written %p, / %s)
	key=${key//\//%s}
	if [ "${#key}" -gt 200 ]; then
		key=$(printf '%s' "$key" | md5sum)
		key=${key%% *}
	fi
	pprof_entry=$scratch/pprof.cache/$key
	if [ -f "$pprof_entry.status" ]; then
		for arg; do
			[ ! -f "$arg" ] || [ ! "$arg" -nt "$pprof_entry.status" ] ||
				rm -f "$pprof_entry.status"
		done
	fi
	if [ -f "$pprof_entry.status" ]; then
		echo cached >> "$scratch/pprof.calls"
	else
		[ -d "$scratch/pprof.cache" ] || mkdir "$scratch/pprof.cache" || exit 99
		go_pprof "$@" > "$pprof_entry.out" 2> "$pprof_entry.err"
		echo $? > "$pprof_entry.status"
	fi
}

# go_pprof_sample_types FILE...: sets the array sample_types to the names of
# the sample types of FILE (of the FILEs' merge) ("samples cpu"), the line
# after "Samples:" in go_pprof_entry -raw FILE... without the units; read in
# the shell (-raw's head is enough), where a pipe into sed cost five
# processes a call.
go_pprof_sample_types() {
	local line
	sample_types=()
	go_pprof_entry -raw "$@"
	while IFS= read -r line; do
		[[ $line == Samples:* ]] || continue
		IFS= read -r line || break
		read -r -a sample_types <<< "$line"
		sample_types=("${sample_types[@]%%/*}")
		break
	done < "$pprof_entry.out"
}

# go_pprof_batch ARGS... -- COMMAND...: several reports of one pprof run, for
# a fraction of the processes (each costs some 4 ms here, and pprof reads
# the profile again each time). pprof runs in its interactive mode with
# ARGS, given each COMMAND on stdin: a report and the file for it, as
# top:FILE, traces:FILE or tags:FILE, or an option setting such as unit=ns,
# which prints nothing. pprof writes each answer after a "(pprof) " prompt.
# The first FILE begins with what pprof wrote to stderr (the profile's header
# and any message, but its line about the interactive mode): so a top report
# reads as `-top ... 2>&1` prints it, and a traces or tags report, which
# prints its own header, as `-traces ... 2>&1` does when pprof has no
# message. Exits 99 when pprof did not answer every command.
go_pprof_batch() {
	local args=() cmds=() files=() cmd
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	for cmd; do
		case ${cmd#"${cmd%%[:=]*}"} in   # what follows the command's name
		=*) cmds+=("$cmd") files+=(/dev/null) ;;
		:*) cmds+=("${cmd%%:*}") files+=("${cmd#*:}") ;;
		*) echo "go_pprof_batch: $cmd: no file for the report" >&2; exit 99 ;;
		esac
	done
	echo run >> "$scratch/pprof.calls"
	printf -v cmd '%s\n' "${cmds[@]}"
	# (a here-string, not printf piped: no subshell)
	GOMAXPROCS=1 "$go_pprof_bin" -symbolize=none "${args[@]}" <<< "${cmd%$'\n'}" \
		> pprof.batch.out 2> pprof.batch.err
	# (line by line: a prompt begins a line, two when an answer is empty;
	# mawk takes seconds to split a large report on a regex RS)
	awk -v n="${#files[@]}" -v err=pprof.batch.err '
		BEGIN {
			for (i = 1; i < ARGC; i++) { file[i] = ARGV[i]; printf "" > file[i] }
			ARGC = 1
		}
		{
			while (substr($0, 1, 8) == "(pprof) ") {
				$0 = substr($0, 9)
				if (++k == 1)
					while ((getline line < err) > 0)
						if (line !~ /^Entering interactive mode/) print line > file[1]
			}
			if (k >= 1 && k <= n) print > file[k]
		}
		END {
			if (k != n + 1) {
				print "go_pprof_batch: " k - 1 " answers to " n " commands" > "/dev/stderr"
				exit 1
			}
		}' "${files[@]}" < pprof.batch.out || exit 99
}

# need_go MIN [WHAT]: returns 0 when $GO (from find_go) is Go MIN or later.
# When it is older, records WHAT as a skipped check, "ok N - NAME: WHAT
# # SKIP needs Go MIN or later; $GO is go1.19.8" (TAP's skip, which Automake
# counts as SKIP), and returns 1; without WHAT, skips the whole script for
# that reason. Every suite gates on the Go version with this.
need_go() {
	local min=$1 reason
	if [ "$(printf '%s\n' "go$min" "$go_version" | sort -V | head -n 1)" = "go$min" ]; then
		return 0
	fi
	reason="needs Go $min or later; $GO is $go_version"
	[ $# -ge 2 ] || skip "$reason"
	n_checks=$((n_checks + 1))
	printf 'ok %d - %s: %s # SKIP %s\n' "$n_checks" "$test_name" "$2" "$reason"
	return 1
}

# finish: prints the summary and exits 0 when all checks passed, else 1.
finish() {
	vg_check
	[ ! -f "$scratch/pprof.calls" ] ||
		echo "# go tool pprof: $(grep -c run "$scratch/pprof.calls") reports made," \
			"$(grep -c cached "$scratch/pprof.calls") more taken from the cache"
	echo "1..$n_checks"
	if [ "$n_failed" -eq 0 ]; then
		cd / && rm -rf "$scratch" "$vg_dir"
		exit 0
	fi
	echo "# $suite: $n_failed of $n_checks checks failed; see $scratch"
	exit 1
}
