# Interoperability of pprof-filter with google/pprof: for each filter, the
# reports `go tool pprof -symbolize=none` prints of OUR filtered profile must
# be those it prints of ITS OWN (`go tool pprof -proto` with the same option,
# spelled its way) of the same input, for every sample type; and the two
# must warn about the same options matching nothing. Skipped without Go.
#
# Reports compared, byte for byte:
#   -top -nodecount=100000 -nodefraction=0 -edgefraction=0
#            every function's flat and cum (no node dropped as small)
#   -traces  every sample: labels, stack, value; with -unit=ns (so values
#            print as whole numbers) and normalised as below
#
# Normalisation: one, of -traces. pprof's filters leave every sample where
# it was, and `-proto` writes them so, even when two became the same (same
# stack and labels after --hide, say) or a sample's value is now 0 (after
# -sample_index); pprof-filter merges its result as pprof-merge does, which
# adds up the first and drops the others (HACKING.md section 7). -traces prints
# every sample, so the traces of both are summed per distinct trace (labels
# and stack as printed), in first-seen order, leaving out those that sum to
# 0. Both tools keep the samples' order, so the order is compared too. -top
# sums per function, which merging does not change, and is compared as is.
#
# Options without a pprof twin are compared with what gives the same profile
# there: --scale 2 with -divide_by=0.5, --drop-labels with -taghide='.*',
# --sample-type with -sample_index on the unfiltered profile, and
# --drop-addresses and --rename-function with the unfiltered profile (the
# headers naming the main binary, and the renamed names, edited with sed).
. "$top_srcdir/tests/lib.sh"

: "${PPROF_FILTER:?}"
find_go || skip 'no go command (set GO to one)'
echo "using $GO: $("$GO" version)"

pf() { "$PPROF_FILTER" "$@"; }
pprof() { go_pprof "$@"; }

cpu1=$data/cpu-1.pb.gz          # binary a: no build id
cpu5=$data/cpu-5.pb.gz          # binary b: build id, flate workload
heap=$data/heap-2.pb.gz         # 4 sample types, numeric label bytes, no unit
synth=$data/synth-small-1.pb.gz # numeric labels with units, nameless functions
gor=$data/goroutine.pb.gz

top=(-top -nodecount=100000 -nodefraction=0 -edgefraction=0)

. "$top_srcdir/tests/interop/filter-lib.sh"

# ---- focus, ignore, hide, show ------------------------------------------------

t '--focus'
same focus1 "$cpu1" --focus 'json' -- -focus='json'
same focus2 "$cpu5" --focus 'sha256|sort\.' -- -focus='sha256|sort\.'
same focus3 "$cpu5" --focus 'pprofgen-b' -- -focus='pprofgen-b'   # a mapping's file
same focus4 "$cpu1" --focus 'cpu\.go$' -- -focus='cpu\.go$'       # a function's file
same focus5 "$synth" --focus 'libc' -- -focus='libc'
same focus6 "$gor" --focus 'chan' -- -focus='chan'
same focus0 "$cpu1" --focus 'no such thing' -- -focus='no such thing'

t '--ignore'
same ignore1 "$cpu1" --ignore 'runtime\.' -- -ignore='runtime\.'
same ignore2 "$synth" --ignore 'json|libc' -- -ignore='json|libc'
same ignore0 "$cpu5" --ignore 'no such thing' -- -ignore='no such thing'

t '--hide'
same hide1 "$cpu1" --hide 'runtime\.' -- -hide='runtime\.'
same hide2 "$cpu1" --hide 'main\.score' -- -hide='main\.score'   # an inlined frame
same hide3 "$cpu5" --hide 'pprofgen' -- -hide='pprofgen'         # the binary: all
same hide4 "$synth" --hide 'libc|json' -- -hide='libc|json'
same hide0 "$cpu1" --hide 'no such thing' -- -hide='no such thing'

t '--show'
same show1 "$cpu1" --show 'main\.' -- -show='main\.'
same show2 "$cpu1" --show 'checksum|mix64' -- -show='checksum|mix64'
same show3 "$cpu5" --show 'pprofgen' -- -show='pprofgen'         # the binary: all
same show4 "$synth" --show 'apiserver' -- -show='apiserver'
same show0 "$cpu5" --show 'no such thing' -- -show='no such thing'

t 'all four'
same four1 "$cpu1" --focus 'main' --ignore 'sha256' --hide 'runtime' --show 'main|sort' -- \
	-focus='main' -ignore='sha256' -hide='runtime' -show='main|sort'
same four2 "$synth" --focus 'api' --ignore 'libc' --hide 'json' --show 'api|http' -- \
	-focus='api' -ignore='libc' -hide='json' -show='api|http'

# ---- show-from, prune-from ----------------------------------------------------

t '--show-from'
same showfrom1 "$cpu1" --show-from 'main\.' -- -show_from='main\.'
same showfrom2 "$cpu1" --show-from 'runtime/pprof\.Do' -- -show_from='runtime/pprof\.Do'
same showfrom3 "$cpu1" --show-from 'mix64' -- -show_from='mix64'      # an inlined frame
same showfrom4 "$cpu5" --show-from 'pprofgen' -- -show_from='pprofgen' # a mapping
same showfrom5 "$synth" --show-from 'libc' -- -show_from='libc'
same showfrom0 "$cpu1" --show-from 'no such thing' -- -show_from='no such thing'

t '--prune-from'
same prune1 "$cpu1" --prune-from 'sort\.' -- -prune_from='sort\.'
same prune2 "$cpu1" --prune-from 'main\.checksum' -- -prune_from='main\.checksum'
same prune3 "$cpu5" --prune-from 'json\.' -- -prune_from='json\.'
same prune4 "$synth" --prune-from 'json' -- -prune_from='json'
same prune5 "$cpu1" --prune-from '^main' -- -prune_from='^main'

t 'with the tag filters'
same nametag "$synth" --focus 'api' --show-from 'http' --tagfocus 'endpoint=search' \
	--prune-from 'json' -- -focus='api' -show_from='http' -tagfocus='endpoint=search' \
	-prune_from='json'

# ---- tagfocus, tagignore ------------------------------------------------------

t '--tagfocus, string labels'
same tag1 "$cpu1" --tagfocus 'endpoint=search' -- -tagfocus='endpoint=search'
same tag2 "$cpu1" --tagfocus 'worker=w1,w2' -- -tagfocus='worker=w1,w2'     # either
same tag3 "$cpu1" --tagfocus 'search,w1' -- -tagfocus='search,w1'           # both
same tag4 "$cpu5" --tagfocus 'api/(login|report)' -- -tagfocus='api/(login|report)'
same tag5 "$cpu1" --tagfocus '=orker:w3' -- -tagfocus='=orker:w3'           # no key
same tag6 "$gor" --tagfocus 'role=.' -- -tagfocus='role=.'
same tag0 "$cpu1" --tagfocus 'endpoint=nothing' -- -tagfocus='endpoint=nothing'

t '--tagignore'
same tagi1 "$cpu1" --tagignore 'worker=w1' -- -tagignore='worker=w1'
same tagi2 "$synth" --tagfocus 'worker=w0' --tagignore 'endpoint=login' -- \
	-tagfocus='worker=w0' -tagignore='endpoint=login'
same tagi0 "$cpu1" --tagignore 'nothing' -- -tagignore='nothing'

t '--tagfocus, numeric ranges'
same range1 "$heap" --tagfocus 'bytes=1kb:' -- -tagfocus='bytes=1kb:'
same range2 "$heap" --tagfocus '2kb:4kb' -- -tagfocus='2kb:4kb'
same range3 "$heap" --tagignore 'bytes=:64b' -- -tagignore='bytes=:64b'
same range4 "$heap" --tagfocus 'bytes=32' -- -tagfocus='bytes=32'    # unit from the key
same range5 "$synth" --tagfocus 'latency=:100ms' -- -tagfocus='latency=:100ms'
same range6 "$synth" --tagfocus '1s:5s' -- -tagfocus='1s:5s'
same range7 "$synth" --tagfocus 'bytes=64kb:' -- -tagfocus='bytes=64kb:'
same range8 "$synth" --tagignore '64kb:1mb' -- -tagignore='64kb:1mb'
same range9 "$synth" --tagfocus 'latency=2500000us:' -- -tagfocus='latency=2500000us:'
same range0 "$heap" --tagfocus '16' -- -tagfocus='16'                # no unit: none

t '--tagshow, --taghide'
same tagshow1 "$cpu1" --tagshow 'work' -- -tagshow='work'
same taghide1 "$cpu1" --taghide 'end' -- -taghide='end'
same taghide2 "$synth" --tagshow 'e' --taghide 'bytes' -- -tagshow='e' -taghide='bytes'
same taghide0 "$heap" --taghide 'nothing' -- -taghide='nothing'

t 'everything at once'
same all "$synth" --focus 'api' --ignore 'libc' --hide 'log' --show 'api|http|json' \
	--show-from 'http' --tagfocus 'worker=w0,w1' --tagignore 'latency=5s:' --tagshow 'o' \
	--taghide 'worker' --prune-from 'json' -- \
	-focus='api' -ignore='libc' -hide='log' -show='api|http|json' -show_from='http' \
	-tagfocus='worker=w0,w1' -tagignore='latency=5s:' -tagshow='o' -taghide='worker' \
	-prune_from='json'

# ---- beyond pprof ---------------------------------------------------------------

t '--scale 2 vs -divide_by=0.5'
same scale "$cpu1" --scale 2 -- -divide_by=0.5
same scaleheap "$heap" --scale 2 -- -divide_by=0.5

t '--drop-labels vs -taghide=.*'
same droplabels "$synth" --drop-labels -- -taghide='.*'

t '--sample-type vs -sample_index'
for spec in alloc_space 3 inuse_objects; do
	expect_exit_into "st-$spec.ours.pb.gz" "st-$spec.ours.err" 0 pf --sample-type "$spec" "$heap"
	go_pprof_sample_types "st-$spec.ours.pb.gz"
	check_eq "--sample-type $spec: one sample type" 1 "${#sample_types[@]}"
	reports "st-$spec.ours.pb.gz" "st-$spec.ours"
	reports "$heap" "st-$spec.theirs" -sample_index="$spec"
	compare_reports "st-$spec" "--sample-type $spec"
done

t '--drop-addresses vs the profile'
for file in "$cpu1" "$cpu5" "$synth"; do
	name=$(basename "$file" .pb.gz)
	expect_exit_into "da-$name.ours.pb.gz" "da-$name.ours.err" 0 pf --drop-addresses "$file"
	reports "da-$name.ours.pb.gz" "da-$name.ours"
	reports "$file" "da-$name.theirs"
	# they name the main binary, which has no mapping now (sed -i edits each file)
	sed -i -e '/^File: /d' -e '/^Build ID: /d' "da-$name.theirs.top" "da-$name.theirs.traces"
	compare_reports "da-$name" "--drop-addresses $name"
done

t '--rename-function vs the profile, names edited'
expect_exit_into rename.ours.pb.gz rename.ours.err 0 pf --rename-function 'main\.([a-z]+)=app.\1_v2' "$cpu1"
reports rename.ours.pb.gz rename.ours
reports "$cpu1" rename.theirs
sed -i -E 's/main\.([a-z]+)/app.\1_v2/g' rename.theirs.traces
check_same '--rename-function: -traces' rename.theirs.traces rename.ours.traces
check_grep 'renamed' 'app\.checksum_v2' rename.ours.traces

finish
