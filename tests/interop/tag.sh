# Interoperability of pprof-tag with google/pprof: what `go tool pprof
# -symbolize=none` (HACKING.md section 5) shows of OUR tagged profiles must be
# what it shows of the same edits made by pprof itself. Skipped when there is
# no Go.
#
# The expected profiles are computed from the inputs, two ways:
#   pprof's CLI     --delete KEY is `go tool pprof -proto -taghide='^KEY$'`
#                   and --keep KEYS is `-tagshow='^(KEYS)$'`: pprof removes
#                   those labels itself, and merges equal samples when it
#                   loads its output again;
#   pprof's library every edit made by a small Go program (written below) on
#                   google/pprof's profile package as vendored in $GOROOT:
#                   SetLabel, RemoveLabel, SetNumLabel and RemoveNumLabel
#                   where pprof has them, plain edits of Sample.Label,
#                   NumLabel and NumUnit for the others (add, set-if-missing,
#                   rename, keep), then profile.Merge of the one profile and
#                   Profile.Write. The program reads the edits in
#                   pprof-tag's syntax; it never sees our output.
# Compared byte for byte: `-traces` (every sample with its labels, sorted by
# pprof, numeric ones with their units; in sample order, which both number
# first-seen), `-tags` (every key and value with its weight; for heap
# profiles once per sample type) and `-comments`. No normalisation: these
# reports depend on nothing but the profile's contents.
#
# Then -tagfocus and -tagignore, string and numeric with units, on a merge
# of inputs tagged one by one: the samples they select must be exactly those
# of the input tagged so (compared with -traces, after the header).
. "$top_srcdir/tests/lib.sh"

: "${PPROF_TAG:?}" "${PPROF_MERGE:?}"
find_go || skip 'no go command (set GO to one)'
echo "using $GO: $("$GO" version)"

pt() { "$PPROF_TAG" "$@"; }
pm() { "$PPROF_MERGE" "$@"; }
pprof() { go_pprof "$@"; }

cpu1=$data/cpu-1.pb.gz cpu2=$data/cpu-2.pb.gz cpu5=$data/cpu-5.pb.gz
heap=$data/heap-1.pb.gz gor=$data/goroutine.pb.gz synth=$data/synth-small-1.pb.gz

# ---- the reference: pprof's profile package --------------------------------

t 'the reference program'
vendored=$("$GO" env GOROOT)/src/cmd/vendor/github.com/google/pprof/profile
have_ref=false
# (Go 1.19's pprof has no SetNumLabel, which came with Go 1.21.)
if ! need_go 1.21 "the reference program (pprof's Profile.SetNumLabel)"; then
	:   # each comparison with it says it is skipped, and why
elif [ -f "$vendored/profile.go" ]; then
	mkdir -p tagref/profile
	cp "$vendored"/*.go tagref/profile/
	printf 'module tagref\n\ngo 1.21\n' > tagref/go.mod
	cat > tagref/main.go <<'EOF'
// tagref OPTION ARG ... FILE: the edits of pprof-tag made with pprof's own
// profile package, written to stdout. FILE holds one profile.
package main

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"tagref/profile"
)

func main() {
	args := os.Args[1:]
	f, err := os.Open(args[len(args)-1])
	check(err)
	p, err := profile.Parse(f)
	check(err)
	for i := 0; i+1 < len(args); i += 2 {
		edit(p, args[i], args[i+1])
	}
	p, err = profile.Merge([]*profile.Profile{p})
	check(err)
	check(p.Write(os.Stdout))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "tagref:", err)
		os.Exit(1)
	}
}

var number = regexp.MustCompile(`^([-+]?[0-9]+)(.*)$`)

func edit(p *profile.Profile, opt, arg string) {
	k, v, _ := strings.Cut(arg, "=")
	switch opt {
	case "--set":
		p.SetLabel(k, []string{v})
	case "--add":
		for _, s := range p.Sample {
			if !s.HasLabel(k, v) {
				setString(s, k, append(s.Label[k], v))
			}
		}
	case "--set-if-missing":
		for _, s := range p.Sample {
			if len(s.Label[k]) == 0 && len(s.NumLabel[k]) == 0 {
				setString(s, k, []string{v})
			}
		}
	case "--num":
		m := number.FindStringSubmatch(v)
		n, err := strconv.ParseInt(m[1], 10, 64)
		check(err)
		var units []string
		if m[2] != "" {
			units = []string{m[2]}
		}
		p.SetNumLabel(k, []int64{n}, units)
	case "--delete":
		p.RemoveLabel(arg)
		p.RemoveNumLabel(arg)
	case "--rename":
		for _, s := range p.Sample {
			rename(s, k, v)
		}
	case "--keep":
		keep := map[string]bool{}
		for _, key := range strings.Split(arg, ",") {
			keep[key] = true
		}
		for _, s := range p.Sample {
			for key := range s.Label {
				if !keep[key] && !strings.HasPrefix(key, "pprof::") {
					delete(s.Label, key)
				}
			}
			for key := range s.NumLabel {
				if !keep[key] && !strings.HasPrefix(key, "pprof::") {
					delete(s.NumLabel, key)
					delete(s.NumUnit, key)
				}
			}
		}
	case "--comment":
		p.Comments = append(p.Comments, arg) // profile.Merge drops repeats
	default:
		check(fmt.Errorf("unknown option %s", opt))
	}
}

func setString(s *profile.Sample, k string, vs []string) {
	if s.Label == nil {
		s.Label = map[string][]string{}
	}
	s.Label[k] = vs
}

// rename moves the values of key from to key to, per kind, replacing those
// of the same kind that to had.
func rename(s *profile.Sample, from, to string) {
	if from == to {
		return
	}
	if vs, ok := s.Label[from]; ok {
		delete(s.Label, from)
		s.Label[to] = vs
	}
	if ns, ok := s.NumLabel[from]; ok {
		us := s.NumUnit[from]
		delete(s.NumLabel, from)
		delete(s.NumUnit, from)
		s.NumLabel[to] = ns
		if s.NumUnit == nil {
			s.NumUnit = map[string][]string{}
		}
		if us != nil {
			s.NumUnit[to] = us
		} else {
			delete(s.NumUnit, to)
		}
	}
}
EOF
	if (cd tagref && GOFLAGS=-mod=mod "$GO" build -o ../tagref.bin . 2> ../tagref.err); then
		have_ref=true
		pass "built against $vendored"
	else
		fail 'building it' "$(head -20 tagref.err)"
	fi
else
	echo "note: no $vendored; the comparisons with pprof's library are skipped"
fi

# ---- comparing reports -----------------------------------------------------

# compare NAME OURS THEIRS [WITH]: go tool pprof shows the same -traces,
# -tags (per sample type) and -comments of both files (each loaded with
# WITH, if given), made in one pprof run per file (go_pprof_batch: the
# traces report also begins with the header pprof writes to stderr).
compare() {
	local name=$1 with=${4:-} index report side cmds types
	local -A file=([ours]=$2 [theirs]=$3)
	go_pprof_sample_types "${file[theirs]}"
	types=("${sample_types[@]}")
	for side in ours theirs; do
		cmds=("traces:$name.$side-traces" "comments:$name.$side-comments")
		for index in "${types[@]}"; do
			cmds+=("sample_index=$index" "tags:$name.$side-tags.$index")
		done
		# shellcheck disable=SC2086  # $with is a file or nothing
		go_pprof_batch "${file[$side]}" $with -- "${cmds[@]}"
	done
	for report in traces comments; do
		check_same "go tool pprof -$report: ours vs pprof's" "$name.theirs-$report" \
			"$name.ours-$report"
	done
	for index in "${types[@]}"; do
		check_same "go tool pprof -tags -sample_index=$index: ours vs pprof's" \
			"$name.theirs-tags.$index" "$name.ours-tags.$index"
	done
}

# same_edits NAME FILE ARGS...: pprof-tag ARGS FILE and tagref ARGS FILE
# look the same to go tool pprof.
n_cases=0
same_edits() {
	local name=$1 file=$2
	shift 2
	n_cases=$((n_cases + 1))
	name=$n_cases.$name
	expect_exit_into "$name.ours.pb.gz" "$name.ours.err" 0 pt "$@" "$file"
	if ! $have_ref; then
		need_go 1.21 "$name: pprof's library makes edits that look the same"
		return
	fi
	if ! ./tagref.bin "$@" "$file" > "$name.theirs.pb.gz" 2> "$name.tagref.err"; then
		fail "tagref $* $file" "$(cat "$name.tagref.err")"
		return
	fi
	compare "$name" "$name.ours.pb.gz" "$name.theirs.pb.gz"
}

# ---- every edit, against pprof's library ------------------------------------

t '--set (pprof SetLabel)'
same_edits set "$cpu1" --set host=web-1
same_edits set-existing "$cpu1" --set worker=w9 --set endpoint=/x
same_edits set-numeric-key "$heap" --set bytes=big
same_edits set-goroutine "$gor" --set role=any

t '--add'
same_edits add "$cpu1" --add worker=w0 --add endpoint=/extra
same_edits add-new-key "$synth" --add region=eu --add region=us

t '--set-if-missing'
same_edits sim "$gor" --set-if-missing endpoint=none --set-if-missing role=idle
same_edits sim-numeric "$synth" --set-if-missing bytes=unknown --set-if-missing latency=none

t '--num (pprof SetNumLabel), numbers with units as pprof shows them'
same_edits num "$cpu1" --num batch=4096bytes --num latency=150ms --num n=-3 \
	--num big=1099511627776bytes --num t=90s
same_edits num-replace "$heap" --num bytes=8bytes
same_edits num-unitless "$synth" --num bytes=64 --num latency=+2500ms --num share=0GCU

t '--delete (pprof RemoveLabel, RemoveNumLabel)'
same_edits delete "$cpu1" --delete worker
same_edits delete-numeric "$synth" --delete latency --delete endpoint --delete nowhere
same_edits delete-all "$heap" --delete bytes

t '--rename'
same_edits rename "$cpu1" --rename worker=thread
same_edits rename-onto "$cpu1" --rename endpoint=worker
same_edits rename-numeric "$heap" --rename bytes=size
same_edits rename-numeric-onto "$synth" --rename latency=bytes --rename worker=lat

t '--keep'
same_edits keep "$cpu1" --keep endpoint
same_edits keep-numeric "$synth" --keep bytes,endpoint,nowhere

t '--comment'
same_edits comment "$cpu1" --comment 'tagged by tests/interop/tag.sh' --comment '# hidden'
same_edits comment-again "$synth" --comment 'synthetic profile made by pprof-tools tests/data/synth'

t 'several edits, in order'
same_edits order1 "$cpu5" --rename endpoint=ep --set endpoint=x --num bytes=1024bytes \
	--add ep=/more --keep ep,endpoint,bytes
same_edits order2 "$cpu5" --set endpoint=x --rename endpoint=ep --delete worker --add ep=/more
same_edits order3 "$synth" --rename bytes=size --num bytes=7bytes --set-if-missing latency=none \
	--delete worker --comment edited
same_edits order4 "$heap" --set-if-missing bytes=none --rename bytes=b --num bytes=1kB

# ---- --delete and --keep against pprof's -taghide and -tagshow --------------

# same_as_pprof NAME FILE 'PPROF OPTION' ARGS...: pprof-tag ARGS FILE and
# go tool pprof -proto OPTION FILE look the same to go tool pprof.
#
# pprof writes the samples that -taghide or -tagshow made equal as they are,
# and merges equal samples only when it merges several profiles (a single
# one it takes as it is). So both results are loaded with a companion: the
# input without samples (-tagfocus that matches nothing), which makes pprof
# merge, and adds nothing but its duration. (That pprof-tag merges them
# itself is checked above, against profile.Merge, without a companion.)
same_as_pprof() {
	local name=$1 file=$2 option=$3
	shift 3
	expect_exit_into "$name.ours.pb.gz" "$name.ours.err" 0 pt "$@" "$file"
	expect_exit_into "$name.theirs.pb.gz" "$name.theirs.err" 0 pprof -proto "$option" "$file"
	pprof -proto -tagfocus=no-such-key=x "$file" > "$name.none.pb.gz" 2>/dev/null
	check "$name.none.pb.gz has no samples" eval \
		"[ \"\$(pprof -traces $name.none.pb.gz | grep -c '^-----------+')\" = 1 ]"
	compare "$name" "$name.ours.pb.gz" "$name.theirs.pb.gz" "$name.none.pb.gz"
}

t '--delete vs -taghide'
same_as_pprof taghide "$cpu1" -taghide='^worker$' --delete worker
same_as_pprof taghide2 "$synth" -taghide='^(latency|endpoint)$' --delete latency --delete endpoint
same_as_pprof taghide-heap "$heap" -taghide='^bytes$' --delete bytes

t '--keep vs -tagshow'
same_as_pprof tagshow "$cpu1" -tagshow='^endpoint$' --keep endpoint
same_as_pprof tagshow2 "$synth" -tagshow='^(bytes|worker)$' --keep worker,bytes
same_as_pprof tagshow-gor "$gor" -tagshow='^role$' --keep role

# ---- -tagfocus and -tagignore on tagged profiles ------------------------------

# traces FILE [PPROF OPTION...]: -traces of FILE without its header (the
# lines before the first sample), and without the labels pprof-tag added.
traces() {
	local file=$1
	shift
	pprof -traces -taghide='^(host|batch)$' "$@" "$file" 2>/dev/null | sed -n '/^-----------+/,$p'
}

t 'tagged one by one, then merged'
expect_exit_into web-1.pb.gz web-1.err 0 pt --set host=web-1 --num batch=4096bytes "$cpu1"
expect_exit_into web-2.pb.gz web-2.err 0 pt --set host=web-2 --num batch=65536bytes "$cpu2"
cat web-1.pb.gz web-2.pb.gz | pm > both.pb.gz
traces "$cpu1" > cpu1.traces
traces "$cpu2" > cpu2.traces
check 'the inputs have traces' test -s cpu1.traces -a -s cpu2.traces
check 'the inputs differ' eval '! cmp -s cpu1.traces cpu2.traces'
pprof -tags both.pb.gz > both.tags 2>&1
check_grep '-tags: host web-1' '^ +[0-9.]+m?s \([ 0-9.]+%\): web-1$' both.tags
check_grep '-tags: batch 4kB' '^ +[0-9.]+m?s \([ 0-9.]+%\): 4kB$' both.tags
check_grep '-tags: batch 64kB' '^ +[0-9.]+m?s \([ 0-9.]+%\): 64kB$' both.tags

t '-tagfocus on tagged profiles'
traces both.pb.gz -tagfocus=host=web-1 > focus.traces
check_same '-tagfocus=host=web-1 selects the samples of cpu-1' cpu1.traces focus.traces
traces both.pb.gz -tagfocus='host=web-2$' > focus.traces
check_same '-tagfocus=host=web-2$ selects those of cpu-2' cpu2.traces focus.traces
traces both.pb.gz -tagfocus=host=web-2,web-1 > focus.traces
cat cpu1.traces cpu2.traces | sed '1!{/^-----------+/d}' > all.traces
sed '1!{/^-----------+/d}' focus.traces > focus.joined
check_same '-tagfocus=host=web-2,web-1 selects all' all.traces focus.joined
traces both.pb.gz -tagfocus=batch=64kb: > focus.traces
check_same '-tagfocus=batch=64kb: (numeric, units) selects cpu-2' cpu2.traces focus.traces
traces both.pb.gz -tagfocus=batch=:4kb > focus.traces
check_same '-tagfocus=batch=:4kb selects cpu-1' cpu1.traces focus.traces
traces both.pb.gz -tagfocus=batch=4096bytes > focus.traces
check_same '-tagfocus=batch=4096bytes selects cpu-1' cpu1.traces focus.traces
traces both.pb.gz -tagfocus=batch=4kb > focus.traces
check_same '-tagfocus=batch=4kb selects cpu-1' cpu1.traces focus.traces
traces both.pb.gz -tagignore=host=web-1 > focus.traces
check_same '-tagignore=host=web-1 leaves cpu-2' cpu2.traces focus.traces
# (-traces ends with a separator, so one means no sample.)
expect_exit 0 pprof -tagfocus=host=web-3 -traces both.pb.gz
check_eq '-tagfocus=host=web-3 selects nothing' 1 "$(grep -c '^-----------+' "$out")"

t '-tagfocus after --delete: the label is gone'
expect_exit 0 pt --delete host both.pb.gz
expect_exit 0 pprof -tagfocus=host=web-1 -traces "$out"
check_eq 'nothing selected' 1 "$(grep -c '^-----------+' "$out")"

finish
