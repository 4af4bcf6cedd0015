# Every shell example of the docs runs as written: the ```sh blocks of
# README.md (each paragraph, that is each group of lines between blank
# lines, is one example) and the .Bd -literal blocks of the EXAMPLES section
# of each man page (man/pprof-*.1, man/pprof-tools.7; each block is one
# example). Examples of one document run in order, with bash -e -o pipefail,
# in one working directory, so an example may use what one before it wrote.
#
# Not run:
#  - a README block after the line "<!-- docs.sh: skip -->": the quick start,
#    which installs packages and builds the tree (install-deps, autoreconf,
#    configure, make check), and must not run inside make check;
#  - a man page block after the line '.\" docs.sh: go': Go code, which is only
#    checked for syntax with gofmt -e.
# A man page block outside EXAMPLES runs too when the line before it is
# '.\" docs.sh: sh'.
#
# Each example must exit 0 with nothing on stderr, and write something to
# stdout or to a file; every profile it writes (*.pb.gz, *.pgo) must pass
# pprof-stat --check. Examples recognised by their text get checks of their
# own below (totals equal to those of the inputs they read, the labels they
# set, ...), so that an example that runs but does the wrong thing fails.
#
# The programs are $PPROF_MERGE etc., through symlinks named pprof-merge ...
# first in PATH. Stand-ins, also in PATH, take the place of the network and
# of storage: curl (a CPU or heap profile from tests/data per URL; hosts
# web-N give cpu-N), mc and aws (objects are files under store/: mc alias
# prod is store/prod, s3://B/ is store/s3/B/), ssh (runs the command in
# hosts/HOST, the host's home), parallel (runs the jobs one after the other
# through ssh or locally, in order; used even when GNU parallel is
# installed), go (`go build -pgo=F` checks F with pprof-stat --check and, when
# a Go >= 1.21 is found, with `go tool preprofile`, and writes a stand-in
# binary; `go tool pprof` is the real one when a Go is found, its stderr
# chatter sent to a log, else checks its inputs), flamegraph.pl
# (checks its input is collapsed stacks) and xdg-open (checks its argument
# is a flame graph's SVG). jq is the real one.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_MERGE:?}" "${PPROF_FILTER:?}" "${PPROF_STAT:?}" "${PPROF_TAG:?}"
command -v jq >/dev/null || skip 'no jq'
command -v gofmt >/dev/null || gofmt=false

bin=$scratch/bin
export STORE=$scratch/store HOSTS=$scratch/hosts DOCS_LOG=$scratch/standins.log
mkdir -p "$bin" "$STORE" "$HOSTS" ex || exit 99
ln -s "$PPROF_MERGE" "$bin/pprof-merge" && ln -s "$PPROF_FILTER" "$bin/pprof-filter" &&
	ln -s "$PPROF_STAT" "$bin/pprof-stat" && ln -s "$PPROF_TAG" "$bin/pprof-tag" || exit 99
if find_go; then
	# The stand-in runs the tools that `go tool pprof` and `go tool preprofile`
	# run, not the go command, which costs some 20 ms a run and starts its
	# telemetry; pprof on one thread, as go_pprof runs it.
	export REAL_GO=$GO REAL_PPROF=$go_pprof_bin
	need_go 1.23 'go tool preprofile reads the profiles the examples build with' &&
		REAL_PREPROFILE=$("$GO" tool -n preprofile) && export REAL_PREPROFILE
fi
export GOFLAGS= PPROF_TMPDIR=$scratch/tmp HOME=$scratch/home
mkdir -p "$PPROF_TMPDIR" "$HOME" || exit 99

# ---- stand-ins -----------------------------------------------------------

# standin NAME: writes the script on stdin to $bin/NAME (made executable
# below, with the others in one chmod; read in the shell, not by a cat).
standin() {
	local line
	{
		echo '#!/bin/bash'
		while IFS= read -r line; do printf '%s\n' "$line"; done
	} > "$bin/$1" || exit 99
	standins+=("$bin/$1")
}
standins=()

standin curl <<EOF
# curl stand-in: -s, -S, -f, -L, -o FILE and one http URL.
data='$data'
EOF
cat >> "$bin/curl" <<'EOF'
out=- url=
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift 2 ;;
	-[sSfL]*) shift ;;
	http://* | https://*) url=$1; shift ;;
	*) echo "curl stand-in: unsupported: $1" >&2; exit 2 ;;
	esac
done
echo "curl $url" >> "$DOCS_LOG"
host=${url#*://}; host=${host%%[:/]*}
case $url in
*/debug/pprof/profile*) n=${host##*[!0-9]}; f=$data/cpu-$(( ${n:-0} % 6 + 1 )).pb.gz ;;
*/debug/pprof/heap*) f=$data/heap-1.pb.gz ;;
*) echo "curl stand-in: no such URL: $url" >&2; exit 22 ;;
esac
if [ "$out" = - ]; then cat "$f"; else cp "$f" "$out"; fi
EOF

standin mc <<'EOF'
# mc stand-in: ALIAS/BUCKET/PATH is $STORE/ALIAS/BUCKET/PATH.
echo "mc $*" >> "$DOCS_LOG"
cmd=$1; shift
case $cmd in
cat) for o; do cat "$STORE/$o" || exit 1; done ;;
cp)
	[ $# -eq 2 ] || { echo "mc stand-in: cp SRC DST" >&2; exit 1; }
	[ -d "$STORE/${2%%/*}" ] || { echo "mc stand-in: no alias ${2%%/*}" >&2; exit 1; }
	case $2 in */) d=$STORE/$2; mkdir -p "$d" ;; *) d=$STORE/$2; mkdir -p "${d%/*}" ;; esac
	cp "$1" "$d" && echo "\`$1\` -> \`$2\`" ;;
find)
	dir=$1; shift; age= exec=
	while [ $# -gt 0 ]; do
		case $1 in
		--newer-than) age=$2; shift 2 ;;
		--exec) exec=$2; shift 2 ;;
		*) echo "mc stand-in: find: unsupported: $1" >&2; exit 1 ;;
		esac
	done
	case $age in
	'') mmin= ;;
	*d) mmin="-mmin -$(( ${age%d} * 1440 ))" ;;
	*h) mmin="-mmin -$(( ${age%h} * 60 ))" ;;
	*m) mmin="-mmin -${age%m}" ;;
	*) echo "mc stand-in: bad age $age" >&2; exit 1 ;;
	esac
	[ -d "$STORE/$dir" ] || { echo "mc stand-in: no $dir" >&2; exit 1; }
	(cd "$STORE" && find "$dir" -type f $mmin | sort) | while IFS= read -r o; do
		if [ -n "$exec" ]; then sh -c "${exec//\{\}/$o}" || exit 1; else echo "$o"; fi
	done ;;
*) echo "mc stand-in: unsupported: mc $cmd" >&2; exit 1 ;;
esac
EOF

standin aws <<'EOF'
# aws stand-in: s3://BUCKET/KEY is $STORE/s3/BUCKET/KEY.
echo "aws $*" >> "$DOCS_LOG"
[ "$1" = s3 ] || { echo "aws stand-in: unsupported: $*" >&2; exit 1; }
case $2 in
ls)
	d=$STORE/s3/${3#s3://}
	[ -d "$d" ] || { echo "aws stand-in: no $3" >&2; exit 1; }
	(cd "$d" && find . -maxdepth 1 -type f | sort) | while IFS= read -r f; do
		printf '%s %10d %s\n' "$(date -r "$d/$f" '+%F %T')" "$(wc -c < "$d/$f")" "${f#./}"
	done ;;
cp)
	case $3 in
	s3://*) [ "$4" = - ] && exec cat "$STORE/s3/${3#s3://}"; cp "$STORE/s3/${3#s3://}" "$4" ;;
	*) mkdir -p "$(dirname "$STORE/s3/${4#s3://}")" && cp "$3" "$STORE/s3/${4#s3://}" &&
		echo "upload: ./$3 to $4" ;;
	esac ;;
*) echo "aws stand-in: unsupported: $*" >&2; exit 1 ;;
esac
EOF

standin ssh <<'EOF'
# ssh stand-in: runs the command in $HOSTS/HOST, the host's home.
while [ $# -gt 0 ]; do
	case $1 in -[1246AaCfGgKkMNnqsTtVvXxYy]*) shift ;; -*) shift 2 ;; *) break ;; esac
done
host=$1; shift
[ "${1:-}" = -- ] && shift
echo "ssh $host $*" >> "$DOCS_LOG"
[ -d "$HOSTS/$host" ] || { echo "ssh: Could not resolve hostname $host" >&2; exit 255; }
cd "$HOSTS/$host" && exec sh -c "$*"
EOF

standin parallel <<'EOF'
# GNU parallel stand-in: --nonall, -S HOSTS, -N N, -k, -j N and {} {#} in the
# command; jobs run one after the other (through ssh with -S), in order.
hosts= n=1 nonall=false
while [ $# -gt 0 ]; do
	case $1 in
	--nonall) nonall=true; shift ;;
	-S) hosts=$2; shift 2 ;;
	-N) n=$2; shift 2 ;;
	-k) shift ;;
	-j) shift 2 ;;
	-*) echo "parallel stand-in: unsupported: $1" >&2; exit 255 ;;
	*) break ;;
	esac
done
cmd=$*
echo "parallel $hosts: $cmd" >> "$DOCS_LOG"
IFS=, read -r -a h <<< "$hosts"
# run SEQ ARGS...: job SEQ with ARGS on the next host.
run() {
	local seq=$1 c
	shift
	c=${cmd//\{#\}/$seq}
	c=${c//\{\}/$(printf '%q ' "$@")}
	case $c in "$cmd") c="$c $(printf '%q ' "$@")" ;; esac
	if [ ${#h[@]} -gt 0 ]; then
		ssh "${h[(seq - 1) % ${#h[@]}]}" "$c"
	else
		sh -c "$c"
	fi
}
if $nonall; then
	for x in "${h[@]}"; do ssh "$x" "$cmd" || exit 1; done
	exit 0
fi
seq=0 args=()
while IFS= read -r a; do
	args+=("$a")
	if [ ${#args[@]} -eq "$n" ]; then
		seq=$((seq + 1)); run $seq "${args[@]}" || exit 1; args=()
	fi
done
if [ ${#args[@]} -gt 0 ]; then seq=$((seq + 1)); run $seq "${args[@]}" || exit 1; fi
EOF

standin go <<'EOF'
# go stand-in: go build -pgo=FILE checks FILE; go tool pprof is the real one.
echo "go $*" >> "$DOCS_LOG"
case $1 in
build)
	shift; pgo=auto pkgs=() out=
	while [ $# -gt 0 ]; do
		case $1 in
		-pgo=*) pgo=${1#-pgo=}; shift ;;
		-o) out=$2; shift 2 ;;
		-*) echo "go stand-in: unsupported: $1" >&2; exit 2 ;;
		*) pkgs+=("$1"); shift ;;
		esac
	done
	[ ${#pkgs[@]} -eq 1 ] || { echo "go stand-in: one package please" >&2; exit 2; }
	[ "$pgo" = auto ] && pgo=${pkgs[0]}/default.pgo
	[ -f "$pgo" ] || { echo "go: $pgo: no such file" >&2; exit 1; }
	pprof-stat --check "$pgo" || exit 1
	if [ -n "${REAL_PREPROFILE:-}" ]; then
		"$REAL_PREPROFILE" -i "$pgo" -o "$PPROF_TMPDIR/preprofile.out" || exit 1
	fi
	echo "built ${pkgs[0]} with $pgo" >> "$DOCS_LOG"
	[ -n "$out" ] || out=$(basename "$(cd "${pkgs[0]}" && pwd)")
	printf '#!/bin/sh\necho "%s, built with %s"\n' "${pkgs[0]}" "$pgo" > "$out" && chmod +x "$out" ;;
tool)
	[ "$2" = pprof ] || { echo "go stand-in: unsupported: go tool $2" >&2; exit 2; }
	if [ -n "${REAL_GO:-}" ]; then
		shift 2
		# pprof says what it did on stderr ("Interpreted '4kb:' as range"):
		# to the log, unless it fails.
		GOMAXPROCS=1 "$REAL_PPROF" -symbolize=none "$@" 2> "$PPROF_TMPDIR/pprof.err"
		s=$?
		cat "$PPROF_TMPDIR/pprof.err" >> "$DOCS_LOG"
		[ $s -eq 0 ] || cat "$PPROF_TMPDIR/pprof.err" >&2
		exit $s
	fi
	for a; do case $a in -*) ;; *) pprof-stat --check "$a" || exit 1 ;; esac; done
	echo "(go tool pprof stand-in: $*)" ;;
*) echo "go stand-in: unsupported: go $1" >&2; exit 2 ;;
esac
EOF

standin flamegraph.pl <<'EOF'
# flamegraph.pl stand-in: checks collapsed stacks, writes a small SVG.
n=0
while IFS= read -r line; do
	[[ $line =~ ^[^\ ].*\ -?[0-9]+$ ]] || { echo "flamegraph.pl: bad line: $line" >&2; exit 1; }
	n=$((n + 1))
done
[ $n -gt 0 ] || { echo 'flamegraph.pl: no stack counts found' >&2; exit 1; }
echo "<svg><!-- $n stacks --></svg>"
EOF

standin xdg-open <<'EOF'
# xdg-open stand-in: one argument, a file holding a flame graph's SVG.
if [ $# -ne 1 ] || ! grep -q '<svg [^>]*id="pprof-flame"' "$1"; then
	echo "xdg-open stand-in: not a flame graph: $*" >&2
	exit 1
fi
echo "xdg-open $1" >> "$DOCS_LOG"
EOF

chmod +x "${standins[@]}" || exit 99
export PATH=$bin:$PATH

# ---- data ------------------------------------------------------------------
# The same for every document: the store and the hosts, and in each document's
# working directory the files the examples name. Profiles named HOST_TIME.

pm() { "$PPROF_MERGE" "$@"; }
old() { touch -d '3 days ago' "$@"; }

mkdir -p "$STORE/prod/profiles/api" "$STORE/s3/prof/api" || exit 99
cp "$data/cpu-1.pb.gz" "$STORE/prod/profiles/api/web-1_20261122T001007.pb.gz"
cp "$data/cpu-2.pb.gz" "$STORE/prod/profiles/api/web-2_20261122T001008.pb.gz"
cp "$data/cpu-3.pb.gz" "$STORE/prod/profiles/api/web-1_20261119T001009.pb.gz"
old "$STORE/prod/profiles/api/web-1_20261119T001009.pb.gz"
cp "$data/cpu-4.pb.gz" "$STORE/s3/prof/api/web-1_20261122T001011.pb.gz"
cp "$data/cpu-5.pb.gz" "$STORE/s3/prof/api/web-2_20261122T001012.pb.gz"
for h in 1 2; do
	mkdir -p "$HOSTS/web-$h/profiles" || exit 99
	cp "$data/cpu-$h.pb.gz" "$HOSTS/web-$h/profiles/web-${h}_20261122T001007.pb.gz"
	cp "$data/cpu-$((h + 4)).pb.gz" "$HOSTS/web-$h/profiles/web-${h}_20261122T001012.pb.gz"
done

# setup_work DIR: the files of a document's working directory, copied with
# their times from a template made once (one cp, not some twenty processes
# per document).
setup_work() {
	[ -d "$scratch/work.template" ] || make_work_template "$scratch/work.template"
	cp -a "$scratch/work.template" "$1" || exit 99
}

# make_work_template DIR: the files setup_work copies.
make_work_template() {
	mkdir -p "$1" && cd "$1" || exit 99
	mkdir -p profiles today yesterday cmd/api
	cp "$data/cpu-1.pb.gz" profiles/web-1_20261122T001007.pb.gz
	cp "$data/cpu-2.pb.gz" profiles/web-2_20261122T001008.pb.gz
	cp "$data/cpu-5.pb.gz" profiles/web-1_20261122T001012.pb.gz
	cp "$data/cpu-6.pb.gz" profiles/web-2_20261122T001013.pb.gz
	cp "$data/synth-small-1.pb.gz" profiles/web-3_20231114T231320.pb.gz  # old
	old profiles/web-3_20231114T231320.pb.gz
	cp "$data/cpu-1.pb.gz" yesterday.pb.gz
	cp "$data/cpu-1.pb.gz" yesterday/web-1_20261121T001007.pb.gz
	cp "$data/cpu-2.pb.gz" today.pb.gz
	cp "$data/cpu-2.pb.gz" today/web-1_20261122T001008.pb.gz
	cp "$data/cpu-3.pb.gz" today/web-2_20261122T001009.pb.gz
	cp "$data/cpu-3.pb.gz" old.pb.gz
	cp "$data/cpu-4.pb.gz" cpu.pb.gz
	cp "$data/heap-1.pb.gz" "$data/heap-2.pb.gz" .
	"$PPROF_TAG" --set endpoint=/api/search "$data/heap-2.pb.gz" > heap.pb.gz
	"$PPROF_TAG" --set host=web-1 "$data/cpu-1.pb.gz" "$data/cpu-2.pb.gz" > merged.tmp &&
		"$PPROF_TAG" --set host=web-2 "$data/cpu-3.pb.gz" >> merged.tmp &&
		pm -o merged.pb.gz merged.tmp && rm merged.tmp || exit 99
	echo 1.4.2 > VERSION
	cd "$scratch" || exit 99
}

# ---- extraction ------------------------------------------------------------

# readme_examples FILE: writes ex/README.N.sh, one per paragraph of the sh
# blocks, and ex/README.N.skip for those of a block marked to be skipped.
readme_examples() {
	awk -v dir=ex '
		/^<!-- docs\.sh: skip -->$/ { skip = 1; next }
		/^```sh$/ { inblock = 1; para = 0; next }
		/^```$/ && inblock { inblock = 0; skip = 0; close(f); next }
		inblock && /^$/ { para = 0; next }
		inblock {
			if (!para) { n++; f = sprintf("%s/README.%02d.%s", dir, n, skip ? "skip" : "sh"); para = 1 }
			print > f
			next
		}
		/^[^ \t]/ { skip = 0 }
	' "$1"
}

# man_examples PAGE NAME: writes ex/NAME.N.sh, one per .Bd -literal block of
# the EXAMPLES section, with mdoc escapes undone; ex/NAME.N.go for Go code.
man_examples() {
	awk -v dir=ex -v name="$2" '
		/^\.Sh / { inex = ($0 == ".Sh EXAMPLES") }
		/^\.\\" docs\.sh: go/ { go = 1; next }
		/^\.\\" docs\.sh: sh/ { sh = 1; next }
		(inex || sh) && /^\.Bd -literal/ { n++; f = sprintf("%s/%s.%02d.%s", dir, name, n, go ? "go" : "sh"); inblock = 1; next }
		inblock && /^\.Ed/ { inblock = 0; go = 0; sh = 0; close(f); next }
		inblock {
			gsub(/\\e/, "\\"); gsub(/\\&/, ""); gsub(/\\\(aq/, "'"'"'")
			print > f
		}
	' "$1"
}

# ---- checks ------------------------------------------------------------------

# total FILE...: the totals of the sample types of the merged FILEs, as
# pprof-stat --json | jq -r '[.sample_types[].total] | join(" ")' gives
# them. The shell reads them when the sample types are written as
# pprof-stat writes them, an object a line of the form below; jq, which
# costs some 25 ms a run (this runs some 40 times), reads anything else.
total() {
	local json line state= totals=() \
		re='^    \{"type": "([^"\\]|\\.)*", "unit": "([^"\\]|\\.)*", "total": (-?[0-9]+), "default": (true|false)\},?$'
	json=$("$PPROF_STAT" --json "$@")
	if [[ $json == '{'*'}' ]]; then
		while IFS= read -r line; do
			case $state in
			'') [ "$line" != '  "sample_types": [' ] || state=in ;;
			in)
				if [ "$line" = '  ],' ]; then state=done; break; fi
				[[ $line =~ $re ]] || break
				totals+=("${BASH_REMATCH[3]}") ;;
			esac
		done <<< "$json"
	fi
	if [ "$state" = done ] && [ ${#totals[@]} -gt 0 ]; then
		printf '%s\n' "${totals[*]}"
	else
		jq -r '[.sample_types[].total] | join(" ")' <<< "$json"
	fi
}

# check_total WHAT FILE EXPECTED: the totals of FILE.
check_total() {
	check_eq "$1" "$3" "$(total "$2" 2>&1)"
}

# specific TEXT: the checks of the example whose text is TEXT, in the
# working directory, with its stdout in $ex_out.
specific() {
	local text=$1 recent line re='(-o|>) ([^ ]+\.(pb\.gz|pgo))'
	# target: the last file written with -o or > (as grep -o would list the
	# matches, line by line, each line left to right; in the shell, no process)
	target=
	while IFS= read -r line; do
		while [[ $line =~ $re ]]; do
			target=${BASH_REMATCH[2]}
			line=${line#*"${BASH_REMATCH[0]}"}
		done
	done <<< "$text"
	case $text in
	*"mc find prod/profiles/api"*)   # every one is about the last day
		recent=$(total $(find "$STORE"/prod/profiles/api -type f -mmin -1440))
		case $text in
		*--pgo*) check_eq "$target has the samples of the last day" "${recent%% *}" "$(total "$target")" ;;
		*) check_total "$target has the last day, not older profiles" "$target" "$recent" ;;
		esac ;;&
	*"aws s3 ls"*)
		recent=$(total "$STORE"/s3/prof/api/*)
		check_eq "$target has the samples of every object" "${recent%% *}" "$(total "$target")" ;;
	*"pprof-merge --keep-going old.pb.gz - -o new.pb.gz"*)
		check_total 'new.pb.gz is old plus the fetched one' new.pb.gz "$(total old.pb.gz "$data/cpu-1.pb.gz")" ;;
	*'pprof-tag --set host='*'| pprof-merge'*)
		check_grep 'host web-1 is there' 'web-1' "$ex_out"
		check_grep 'host web-2 is there' 'web-2' "$ex_out"
		check_total 'merged.pb.gz has every profile' merged.pb.gz "$(total profiles/*.pb.gz)" ;;
	*'pprof-tag --set host='*'--set version='*)
		check_grep 'each host is there' 'web-3' "$ex_out"
		check_grep 'with its profile' '^ *[0-9.]+[a-z]+ .*web-2' "$ex_out" ;;
	*'pprof-tag --set host='*'| pprof-filter'*)
		check_grep 'by host' 'web-2' "$ex_out" ;;
	*'xargs -0 -n 100 -P 2'*)
		check_total 'the merge of the parts has every profile' merged.pb.gz "$(total profiles/*.pb.gz)"
		rm -f part.*.pb.gz ;;
	*'parallel --nonall -S web-1,web-2'*)
		check_total 'the merge of the hosts has their profiles' merged.pb.gz \
			"$(total "$HOSTS"/web-*/profiles/*.pb.gz)" ;;
	*'find profiles -name'*'-mtime -1'*)
		check_total "$target has the last day" "$target" \
			"$(total $(find profiles -name '*.pb.gz' -mtime -1))" ;;&
	*'go build -pgo='*)
		check_grep 'the go stand-in built with the profile' '^built ' "$DOCS_LOG" ;;
	*'--scale 2 today/'*)
		check_total 'weighted.pb.gz is 2 x today + yesterday' weighted.pb.gz \
			"$(pm today/*.pb.gz today/*.pb.gz yesterday/*.pb.gz | total)" ;;
	*'--since 2026-11-22T00:00:00Z'*)
		check_total 'hour.pb.gz has the profiles of that hour' hour.pb.gz \
			"$(total profiles/web-?_20261122*)" ;;
	*'--tagfocus bytes=1mb:'*)
		check_eq 'big.pb.gz has the one sample of 1 MiB or more' 1 \
			"$("$PPROF_STAT" --json big.pb.gz | jq .samples.count)" ;;
	*'--keep endpoint,worker'*)
		check_eq 'small.pb.gz has the labels kept and renamed' 'endpoint pool' \
			"$("$PPROF_STAT" --json small.pb.gz | jq -r '[.labels[].key] | join(" ")')" ;;
	*'--num batch=4096bytes'*)
		check_grep 'pprof shows the samples with the label' 'flat%' "$ex_out" ;;
	*"--rename-function '^main"*)
		check 'default.pgo is accepted by the go stand-in' go build -pgo=default.pgo . ;;
	*'pprof-stat --check cpu.pb.gz && mc cp'*)
		check 'the profile was uploaded' test -f "$STORE/prod/profiles/api/cpu.pb.gz" ;;
	*'curl -sf -o "$f"'*)
		check 'the fetched profile is kept in $f' eval 'test -s "$(ls *_2*.pb.gz | head -1)"' ;;
	*'mc cp "$f" prod/profiles/api/'*)
		check 'uploaded with mc' eval 'ls "$STORE"/prod/profiles/api/ | grep -q "^$(hostname)_"'
		check 'uploaded with aws' eval 'ls "$STORE"/s3/prof/api/ | grep -q "^$(hostname)_"' ;;
	*"jq '.samples.total.cpu'"*)
		check_eq 'jq prints the CPU total' "$(total merged.pb.gz | cut -d ' ' -f 2)" "$(head -n 1 "$ex_out")" ;;&
	*'pprof-stat --top'*)
		check_grep 'a top table' '^ +flat +flat%' "$ex_out" ;;&
	*'pprof-stat --traces'*)
		check_grep 'traces as pprof prints them' '^-{11}[+]-+$' "$ex_out" ;;&
	*'flamegraph.pl'*)
		check_grep 'cpu.svg is the SVG' '<svg>' cpu.svg ;;
	*'--tagroot endpoint merged.pb.gz | pprof-stat --flamegraph > endpoints.svg'*)
		# (the endpoints of merged.pb.gz's samples: the frames one row above the
		# root's, which stand for them; a sample without one has an "<unknown>" one)
		check_eq 'endpoints.svg: a frame on the root per endpoint' \
			"$(pprof-stat --json --by endpoint merged.pb.gz | jq -r '.by.values[].value' | sort)" \
			"$(awk 'function attr(name) {
			            if (!match($0, " " name "=\"[^\"]*\"")) return ""
			            return substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 4) }
			        /<svg / { row = attr("data-row") }
			        /<g class="frame"/ { name[++n] = attr("data-name"); y[n] = attr("y")
			                             if (name[n] == "root") root = y[n] }
			        END { for (i = 1; i <= n; i++)
			                  if (y[i] == root - row && name[i] != "&lt;unknown&gt;") print name[i] }' endpoints.svg |
				sort)" ;;
	*'pprof-stat --flamegraph '*'> cpu.svg'*)
		check_grep 'cpu.svg is a flame graph' '<svg [^>]*id="pprof-flame"' cpu.svg ;;&
	*'--diff-base yesterday.pb.gz today.pb.gz |'*'--flamegraph'*)
		check_grep 'diff.svg is a differential flame graph' '<svg [^>]*data-kind="diff"' diff.svg ;;
	esac
}

# listing: the files of the working directory $work, with sizes and times,
# as `cd "$work" && find . -type f` names them (in find's order: the new
# ones are sorted by changed_files).
listing() {
	find "$work" -type f -printf './%P %s %T@\n'
}

# changed_files BEFORE AFTER: sets the array changed to the names of the
# files of the listing AFTER whose line is not in BEFORE, sorted (in the
# shell: comm, sort and sed cost a process each, per example).
changed_files() {
	local line
	local -A seen=()
	while IFS= read -r line; do seen[$line]=1; done < "$1"
	changed=()
	while IFS= read -r line; do
		[ -n "${seen[$line]:-}" ] || changed+=("${line% * *}")   # (the name: size, time off)
	done < "$2"
	sort_array changed
}

# run_example FILE: runs one example in the working directory $work.
run_example() {
	local f=$1 name text p status
	name=${f#ex/}
	IFS= read -r -d '' text < "$f"
	text=${text%"${text##*[!$'\n']}"}   # (as $(cat "$f"): no final newlines)
	p=${text%%$'\n'*}
	t "$name: ${p:0:60}"
	ex_out=$scratch/$name.out
	ex_err=$scratch/$name.err
	listing > before
	: > "$DOCS_LOG"   # what the stand-ins did, for this example only
	# Shell variables carry over to the next example of the document: the
	# lines of `declare -p` that set one, picked in the shell (not grep).
	(cd "$work" && timeout 300 "$BASH" -e -o pipefail -c \
		'. "$1"; . "$2"; declare -p > "$1.all"
		while IFS= read -r l; do
			if [[ $l =~ ^declare\ --\ [a-z_][a-z0-9_]*= ]]; then printf "%s\n" "$l"; fi
		done < "$1.all" > "$1"' \
		sh "$scratch/vars-$doc" "$scratch/$f" > "$ex_out" 2> "$ex_err")
	status=$?
	if [ $status -ne 0 ]; then
		fail 'exit status 0' "$text" "got: $status" "stderr: $(head -c 1000 "$ex_err")"
		return
	fi
	pass 'exit status 0'
	check_empty 'nothing on stderr' "$ex_err"
	listing > after
	changed_files before after
	if [ -s "$ex_out" ] || [ ${#changed[@]} -gt 0 ]; then
		pass 'writes something'
	else
		fail 'writes something' 'stdout is empty and no file changed'
	fi
	check_no_grep 'no null from jq' '^null$' "$ex_out"
	for p in "${changed[@]}"; do
		case $p in
		*.pb.gz | *.pgo) check "$p is a valid profile" "$PPROF_STAT" --check "$work/$p" ;;
		esac
	done
	cd "$work" || exit 99
	specific "$text"   # not in a subshell: it counts checks
	cd "$scratch" || exit 99
}

# ---- the documents -----------------------------------------------------------

readme_examples "$top_srcdir/README.md"
for page in "$top_srcdir"/man/pprof-*.[1-9]; do
	man_examples "$page" "${page##*/}"
done

t 'extraction'
check 'the quick start is marked to be skipped' eval 'grep -Eq "make( -j[^ ]*)? check" ex/README.*.skip'
check_no_grep 'no README example builds the tree' 'autoreconf|install-deps|configure|make( -j[^ ]*)? check' \
	<(cat ex/README.*.sh)
n_ex=$(ls ex/*.sh | wc -l)
check "found examples ($n_ex)" test "$n_ex" -ge 25
for page in pprof-merge.1 pprof-filter.1 pprof-stat.1 pprof-tag.1 pprof-tools.7; do
	check "examples of $page" eval "ls ex/$page.*.sh >/dev/null 2>&1"
done

for f in ex/*.go; do
	[ -e "$f" ] || continue
	t "${f#ex/}"
	if [ "${gofmt:-}" = false ]; then
		pass 'no gofmt: not checked'
	else
		check 'Go code that gofmt parses' eval "gofmt -e '$f' >/dev/null"
	fi
done

doc=
for f in ex/*.sh; do
	d=${f#ex/}; d=${d%.*.sh}
	if [ "$d" != "$doc" ]; then
		doc=$d
		work=$scratch/work-$doc
		setup_work "$work"
		: > "$scratch/vars-$doc"
	fi
	run_example "$f"
done

finish
