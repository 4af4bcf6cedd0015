# Interoperability of pprof-filter's regular expressions with google/pprof:
# every filter option, given syntax that only RE2 (Go's regexp) reads (\d \w
# \s \b, (?i) and the other flags, non-greedy repeats, \pL and \p{Greek},
# \Q...\E, \A and \z, (?P<name>...), [[:alpha:]]), selects what
# `go tool pprof -proto` selects with it, compared as tests/interop/filter.sh
# compares (the reports -top and -traces of both results, and the warnings);
# what Go refuses (a backreference, lookaround, a**, \Z, x{1001}, \C) both
# refuse, pprof-filter with a usage error (exit 2) naming the option; and
# --rename-function renames as Go's ReplaceAllString does (leftmost-first
# groups). Skipped without Go.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_FILTER:?}" "${PPROF_TAG:?}"
find_go || skip 'no go command (set GO to one)'
echo "using $GO: $("$GO" version)"

pf() { "$PPROF_FILTER" "$@"; }
pprof() { go_pprof "$@"; }

cpu1=$data/cpu-1.pb.gz          # binary a: no build id
cpu5=$data/cpu-5.pb.gz          # binary b: build id, flate workload
synth=$data/synth-small-1.pb.gz # numeric labels with units, nameless functions
gor=$data/goroutine.pb.gz

top=(-top -nodecount=100000 -nodefraction=0 -edgefraction=0)

. "$top_srcdir/tests/interop/filter-lib.sh"

# ---- RE2's syntax in every option ---------------------------------------------

t 'Perl classes: \d \w \s \b and their negations'
same digit "$cpu1" --focus 'mix\d+' -- -focus='mix\d+'
same word "$cpu5" --ignore '^runtime\.\w+$' -- -ignore='^runtime\.\w+$'
same notword "$cpu1" --hide '\W\(\*' -- -hide='\W\(\*'
same boundary "$cpu1" --show '\bmain\.\B' -- -show='\bmain\.\B'
same space "$synth" --show-from '\S+\.\w+' -- -show_from='\S+\.\w+'
same notdigit "$cpu1" --prune-from 'sort\.\D' -- -prune_from='sort\.\D'

t 'flags'
same nocase "$cpu1" --focus '(?i)JSON' -- -focus='(?i)JSON'
same nocase2 "$cpu1" --ignore '(?i:SHA)256' -- -ignore='(?i:SHA)256'
same ungreedy "$cpu1" --hide '(?U)runtime\..+' -- -hide='(?U)runtime\..+'
same dotnl "$synth" --show '(?s)api.*' -- -show='(?s)api.*'
same multiline "$cpu1" --prune-from '(?m)^sort\.' -- -prune_from='(?m)^sort\.'
same tagnocase "$cpu1" --tagfocus 'endpoint=(?i)/API/' -- -tagfocus='endpoint=(?i)/API/'

t 'non-greedy repeats'
same lazy "$cpu1" --focus 'main\..*?Work' -- -focus='main\..*?Work'
same lazy2 "$cpu5" --show-from 'compress/\w+?\.' -- -show_from='compress/\w+?\.'
same lazy3 "$cpu1" --tagignore 'worker=w1??$' -- -tagignore='worker=w1??$'

t 'Unicode classes'
same unicode "$cpu1" --focus '\pL+\.\p{Lu}' -- -focus='\pL+\.\p{Lu}'
same unicode2 "$cpu1" --ignore '\.\p{Lu}\p{Ll}+$' -- -ignore='\.\p{Lu}\p{Ll}+$'
same unicode0 "$cpu1" --ignore '\p{Greek}' -- -ignore='\p{Greek}'   # matches nothing
same unicode3 "$synth" --hide '\PL\p{Ll}{4}\p{Lu}' -- -hide='\PL\p{Ll}{4}\p{Lu}'

t 'quoting, anchors, named groups, POSIX classes'
same quote "$cpu1" --focus '\Qmain.(*tree)\E' -- -focus='\Qmain.(*tree)\E'
same quote2 "$cpu1" --prune-from '\Qsort.\E(partition|insertion)' -- \
	-prune_from='\Qsort.\E(partition|insertion)'
same anchors "$cpu1" --show-from '\Amain\.\w+\z' -- -show_from='\Amain\.\w+\z'
same named "$cpu5" --focus '(?P<pkg>compress)/(?P<sub>flate)' -- \
	-focus='(?P<pkg>compress)/(?P<sub>flate)'
same posix "$gor" --focus '[[:alpha:]]+\.[[:upper:]]' -- -focus='[[:alpha:]]+\.[[:upper:]]'
same posix2 "$cpu1" --hide '[[:^alpha:]]func[[:digit:]]' -- -hide='[[:^alpha:]]func[[:digit:]]'

t 'label filters'
same tagfocus "$cpu1" --tagfocus 'endpoint=\A/api/\w+\z' -- -tagfocus='endpoint=\A/api/\w+\z'
same tagfocus2 "$synth" --tagfocus 'worker:w0\d' -- -tagfocus='worker:w0\d'
same tagignore "$synth" --tagignore '(?P<what>health)' -- -tagignore='(?P<what>health)'
same tagshow "$cpu1" --tagshow '^[[:alpha:]]+r$' -- -tagshow='^[[:alpha:]]+r$'
same taghide "$synth" --taghide '(?i)\AWORK' -- -taghide='(?i)\AWORK'

t 'UTF-8: one character, several bytes'
expect_exit_into greek.pb.gz greek.err 0 "$PPROF_TAG" --set 'host=λ-1' --set 'zone=eu-α' "$cpu1"
same utf8 greek.pb.gz --tagfocus 'host=^.-\d$' -- -tagfocus='host=^.-\d$'
same utf8b greek.pb.gz --tagfocus 'zone=\p{Greek}$' -- -tagfocus='zone=\p{Greek}$'
same utf8c greek.pb.gz --tagignore 'host:\p{Greek}-1' -- -tagignore='host:\p{Greek}-1'

# ---- what Go refuses ----------------------------------------------------------

t 'refusals'
for re in '(a)\1' '(?=x)' '(?!x)' '(?<=x)' 'a**' 'a++' '\Z' 'x{1001}' '\C' '(?P=n)'; do
	for opt in focus ignore hide show show-from prune-from tagshow taghide tagfocus tagignore; do
		arg=$re
		case $opt in tag[fi]*) arg="endpoint=$re" ;; esac
		expect_exit 2 pf "--$opt" "$arg" "$cpu1"
		check_grep "--$opt $arg: the option and RE2's reason" \
			"^pprof-filter: --$opt: invalid regular expression '.*': " "$err"
		expect_exit 1 pprof -top "-${opt/-/_}=$arg" "$cpu1"
		check_grep "-${opt/-/_}=$arg: pprof refuses it" 'error parsing regexp' "$err"
	done
	expect_exit 2 pf --rename-function "$re=x" "$cpu1"
	check_grep "--rename-function: the option and RE2's reason" \
		"^pprof-filter: --rename-function: invalid regular expression '.*': " "$err"
done

# ---- --rename-function against Go's ReplaceAllString ---------------------------

# go_rename REGEX REPLACEMENT: stdin's -traces with every function name
# replaced by Go's regexp ReplaceAllString (REPLACEMENT in Go's $ syntax), by
# a program built once (go run linked it again for each call).
go_rename() {
	[ -x rename.bin ] || build_rename
	./rename.bin "$@"
}
build_rename() {
	cat > rename.go <<'GO'
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Frame lines of the summed -traces are spaces, then the name, then
// " (inline)" for an inlined frame; label lines are "key:  value".
var frame = regexp.MustCompile(`^( +)(\S.*?)( \(inline\))?$`)
var label = regexp.MustCompile(`^ *[^ ]+:  `)

func main() {
	re := regexp.MustCompile(os.Args[1])
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(nil, 1<<20)
	for in.Scan() {
		line := in.Text()
		if m := frame.FindStringSubmatch(line); m != nil && !label.MatchString(line) &&
			!strings.HasPrefix(line, "= ") {
			line = m[1] + re.ReplaceAllString(m[2], os.Args[2]) + m[3]
		}
		fmt.Println(line)
	}
}
GO
	GO111MODULE=off "$GO" build -o rename.bin rename.go
}

# renamed NAME FILE OURS_RULE GO_REGEX GO_REPLACEMENT: pprof-filter
# --rename-function OURS_RULE renames the functions of FILE as Go does (the
# reports of FILE itself made once per FILE: three cases rename cpu-1's).
renamed() {
	local name=$1 file=$2 rule=$3 plain
	shift 3
	plain=plain.${file##*/}
	expect_exit_into "$name.ours.pb.gz" "$name.ours.err" 0 pf --rename-function "$rule" "$file"
	reports "$name.ours.pb.gz" "$name.ours"
	[ -f "$plain.traces" ] || reports "$file" "$plain"
	go_rename "$@" < "$plain.traces" > "$name.theirs.traces"
	check_same "--rename-function '$rule': -traces vs Go's ReplaceAllString" \
		"$name.theirs.traces" "$name.ours.traces"
}

t '--rename-function: leftmost-first groups'
# POSIX's leftmost-longest would give the longer alternative and groups.
renamed lazy "$cpu1" 'main\.(\w+?)(\d*)$=app.\1_\2' 'main\.(\w+?)(\d*)$' 'app.${1}_${2}'
renamed alt "$cpu1" '(?i)(RUNTIME|runtime\.m)(\w*)=R\2<\1>' '(?i)(RUNTIME|runtime\.m)(\w*)' 'R${2}<${1}>'
renamed empty "$cpu5" 'x*=-' 'x*' '-'
renamed perl "$cpu1" '\b(\w)(\w*)\.\b=\2\1.' '\b(\w)(\w*)\.\b' '${2}${1}.'
check_grep 'renamed' 'untimer\.' perl.ours.traces

finish
