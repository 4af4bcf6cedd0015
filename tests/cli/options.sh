# --help, the man pages and the programs agree on the options, for each of
# the four programs:
#  - the option lines of --help ("  -o, --output FILE   ...") and the option
#    list of the man page (".It Fl o Ar file , Fl -output Ar file") name the
#    same options, paired the same way (short and long forms);
#  - the man page SYNOPSIS names only listed options, and every listed option
#    but --help and --version in one of its forms; so does the Usage line of
#    --help when it names options;
#  - every long option in the program's getopt_long table (tools/pprof-X.c,
#    and tools/cli.h's CLI_OUTPUT_LONGOPTS when used) appears in --help, and
#    every option of --help is accepted (no "unknown option");
#  - the short options the program accepts (tried: every letter and digit)
#    are those of --help;
#  - every line of --help is at most 80 columns, without tabs;
#  - --version names the program, libpprof, zlib and protobuf-c.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_MERGE:?}" "${PPROF_FILTER:?}" "${PPROF_STAT:?}" "${PPROF_TAG:?}"

# sorted_words: an awk function: the words a[1..n], sorted, joined by spaces.
sorted_words='
	function sorted_words(  i, j, x, s) {
		for (i = 2; i <= n; i++) {
			x = a[i]
			for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
			a[j + 1] = x
		}
		for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") a[i]
		return s
	}'

# help_groups HELP: one line per option line of --help, its names sorted
# ("--output -o"), "-0 .. -9" written "-0..-9". (In awk, not a pipeline per
# line: a process costs some 4 ms.)
help_groups() {
	awk "$sorted_words"'
		match($0, /^ +-/) && RLENGTH >= 3 && RLENGTH <= 7 {
			line = $0; sub(/^ +/, "", line); sub(/  .*/, "", line); gsub(/-0 \.\. -9/, "-0..-9", line)
			n = 0
			while (match(line, /(^|, )(-0\.\.-9|--?[A-Za-z0-9][A-Za-z0-9_-]*)/)) {
				a[++n] = substr(line, RSTART, RLENGTH); sub(/^, /, "", a[n])
				line = substr(line, RSTART + RLENGTH)
			}
			print sorted_words()
		}' "$1" | sort
}

# usage_names HELP: the options the Usage lines of --help name, one a line.
usage_names() {
	sed -n '1p; 2,${/^ /!q; p}' "$1" |
		grep -oE '(\[|\| )(-0\.\.-9|--?[A-Za-z0-9][A-Za-z0-9-]*)' | sed -E 's/^(\[|\| )//' | sort -u
}

# man_section PAGE NAME: the lines of section NAME of an mdoc page, with
# "Fl 0 Ns .. Ns Fl 9" written "Fl 0..-9".
man_section() {
	awk -v s=".Sh $2" '$0 == s { on = 1; next } /^\.Sh / { on = 0 } on' "$1" |
		sed 's/Fl 0 Ns \.\. Ns Fl 9/Fl 0..-9/g'
}

# fl_names: the "Fl X" names of the lines on stdin as options ("-X"), per line.
fl_names() {
	grep -oE 'Fl [^ ]+' | sed 's/^Fl /-/'
}

# man_groups PAGE: like help_groups, from the ".It Fl" lines of the page.
man_groups() {
	awk "$sorted_words"'
		{ gsub(/Fl 0 Ns \.\. Ns Fl 9/, "Fl 0..-9") }
		/^\.It Fl / {
			line = $0; n = 0
			while (match(line, /Fl [^ ]+/)) {
				a[++n] = "-" substr(line, RSTART + 3, RLENGTH - 3)
				line = substr(line, RSTART + RLENGTH)
			}
			print sorted_words()
		}' "$1" | sort
}

# source_longopts PROG: the long options of the program's getopt_long table.
source_longopts() {
	local src=$top_srcdir/tools/$1.c
	{
		grep -oE '^\s*\{ "[A-Za-z0-9_-]+",' "$src"
		if grep -q 'CLI_OUTPUT_LONGOPTS,' "$src"; then
			sed -n '/^#define CLI_OUTPUT_LONGOPTS/,/^[^ 	#]/p' "$top_srcdir/tools/cli.h" |
				grep -oE '\{ "[A-Za-z0-9_-]+",'
		fi
	} | sed -E 's/^\s*\{ "//; s/",$//; s/^/--/' | sort -u
}

# rejected PROG OPT: PROG says OPT is unknown. (Its stderr read with read,
# not $(< FILE), a subshell: this runs some 340 times.)
rejected() {
	local msg=
	"$1" "$2" < /dev/null > opt.out 2> opt.err
	IFS= read -r -d '' msg < opt.err
	[[ $msg == *'unknown option'* ]]
}


# groups_missing NAMES GROUPS: the option groups (one a line: the spellings of
# one option) of which NAMES (one name a line) has no spelling, as
# " [group]..."; --help and --version need not be named.
groups_missing() {
	local group name found missing=
	local -A named=()
	while IFS= read -r name; do
		named[x$name]=1
	done < "$1"
	while IFS= read -r group; do
		case " $group " in *' --help '* | *' --version '*) continue ;; esac
		found=false
		for name in $group; do
			[ -z "${named[x$name]:-}" ] || found=true
		done
		$found || missing="$missing [$group]"
	done < "$2"
	printf '%s' "$missing"
}
for prog in pprof-merge pprof-filter pprof-stat pprof-tag; do
	case $prog in
	pprof-merge) bin=$PPROF_MERGE ;;
	pprof-filter) bin=$PPROF_FILTER ;;
	pprof-stat) bin=$PPROF_STAT ;;
	pprof-tag) bin=$PPROF_TAG ;;
	esac
	page=$top_srcdir/man/$prog.1

	t "$prog --help"
	expect_exit 0 "$bin" --help
	cp "$out" "$prog.help"
	check_no_grep 'no line over 80 columns' '^.{81}' "$prog.help"
	check_no_grep 'no tabs' '	' "$prog.help"
	help_groups "$prog.help" > "$prog.help-groups"
	check 'has option lines' test -s "$prog.help-groups"

	t "$prog: --help and the man page's option list"
	man_groups "$page" > "$prog.man-groups"
	check_same 'the same options, paired the same way' "$prog.help-groups" "$prog.man-groups"

	t "$prog: man page SYNOPSIS"
	man_section "$page" SYNOPSIS | fl_names | sort -u > "$prog.synopsis"
	check 'names options' test -s "$prog.synopsis"
	tr ' ' '\n' < "$prog.man-groups" | sort -u > "$prog.listed"
	check_eq 'names only listed options' '' "$(comm -23 "$prog.synopsis" "$prog.listed" | tr '\n' ' ')"
	check_eq 'names every listed option' '' "$(groups_missing "$prog.synopsis" "$prog.man-groups")"

	t "$prog: Usage line of --help"
	usage_names "$prog.help" > "$prog.usage"
	if [ -s "$prog.usage" ]; then
		check_eq 'names only listed options' '' "$(comm -23 "$prog.usage" "$prog.listed" | tr '\n' ' ')"
		check_eq 'names every option' '' "$(groups_missing "$prog.usage" "$prog.help-groups")"
	else
		check_grep 'says [options] when it names none' '^Usage: [^ ]+ \[options\]' "$prog.help"
	fi

	t "$prog: the options it accepts"
	source_longopts "$prog" > "$prog.source"
	check 'getopt_long table found' test -s "$prog.source"
	missing=
	help=$(< "$prog.help")
	while IFS= read -r name; do
		re="(^|[^A-Za-z0-9_-])$name([^A-Za-z0-9_-]|\$)"
		[[ $help =~ $re ]] || missing="$missing $name"
	done < "$prog.source"
	check_eq 'every long option of the source is in --help' '' "$missing"
	unknown=
	for name in $(< "$prog.help-groups"); do
		case $name in -0..-9) names='-0 -9' ;; *) names=$name ;; esac
		for n in $names; do
			rejected "$bin" "$n" && unknown="$unknown $n"
		done
	done
	check_eq 'every option of --help is accepted' '' "$unknown"
	check 'an option that does not exist is refused' rejected "$bin" --no-such-option
	# Short options: every letter and digit, tried.
	accepted=
	for c in {a..z} {A..Z} {0..9}; do
		rejected "$bin" "-$c" || accepted="$accepted -$c"
	done
	expected=$(tr ' ' '\n' < "$prog.help-groups" | grep -E '^-[^-]' |
		sed 's/^-0\.\.-9$/-0 -1 -2 -3 -4 -5 -6 -7 -8 -9/' | tr ' ' '\n' | sort | tr '\n' ' ')
	accepted=$(printf "%s\n" $accepted | grep . | sort | tr '\n' ' ')
	check_eq 'the short options accepted are those of --help' "$expected" "$accepted"

	t "$prog --version"
	expect_exit 0 "$bin" --version
	check_grep 'names the program' "^$prog \\(pprof-tools\\) [0-9]" "$out"
	check_grep 'names libpprof, zlib and protobuf-c' \
		'libpprof [0-9][^ ,]*, zlib [0-9][^ ,]*, protobuf-c [0-9]' "$out"
done

t 'man pages: mandoc -Tlint'
# Warnings and errors; not the STYLE notes, which depend on the manuals this
# machine has installed (ours are not, while testing).
if command -v mandoc >/dev/null; then
	for page in "$top_srcdir"/man/*.[1-9]; do
		check_eq "${page##*/} is clean" '' "$(mandoc -Tlint -W warning "$page" 2>&1)"
	done
else
	echo '# no mandoc: man pages not linted'
fi

finish
