# Shell tests of pprof-stat --flamegraph's SVG without a browser (the browser
# suite drives Chromium): well-formed XML (xmllint, when installed), each
# frame's value equal to the sum of the --folded lines through it (computed
# here with awk from --folded, root first), --min-width's count, --inverted's
# order, names and a title that need escaping, the differential graph of a
# pprof-merge --diff-base of two fixtures (NEW's and OLD's values per frame,
# red where it grew, blue where it shrank) and of a --base merge (|value|),
# no reference outside the file, the inlined script and style equal to their
# sources, and the options' errors. HACKING.md section 13 is the design.
. "$top_srcdir/tests/lib.sh"

: "${PPROF_STAT:?}" "${PPROF_MERGE:?}" "${PPROF_FILTER:?}"
ps() { "$PPROF_STAT" "$@"; }

cp "$data"/cpu-1.pb.gz "$data"/cpu-2.pb.gz "$data"/heap-1.pb.gz . || exit 99
have_xmllint=false
command -v xmllint >/dev/null && have_xmllint=true
$have_xmllint || echo '# no xmllint (Debian: libxml2-utils): the SVGs are not checked as XML'

# well_formed SVG: xmllint finds it well-formed XML (skipped without it).
well_formed() {
	if $have_xmllint; then
		check_eq "$1 is well-formed XML" '' "$(xmllint --noout "$1" 2>&1 | head -5)"
	fi
}

# frame_table SVG: one line per frame, "PATH VALUE OLD DELTA FILL" separated
# by tabs (names may hold spaces): PATH its
# names from the root joined by ';' (entities decoded), its depth from its
# row; OLD and DELTA "-" when the frame has none.
frame_table() {
	awk -v RS='</g>' '
		function attr(s, name) {
			if (!match(s, " " name "=\"[^\"]*\"")) return "-"
			return substr(s, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
		}
		/<g class="frame"/ {
			$0 = substr($0, index($0, "<g class=\"frame\""))
			name = attr($0, "data-name")
			gsub(/&lt;/, "<", name); gsub(/&gt;/, ">", name)
			gsub(/&quot;/, "\"", name); gsub(/&amp;/, "\\&", name)
			y = attr($0, "y")
			if (n++ == 0) y0 = y
			d = (y0 - y) / 16
			if (d < 0) d = -d
			path[d] = name
			p = path[0]
			for (i = 1; i <= d; i++) p = p ";" path[i]
			print p "\t" attr($0, "data-value") "\t" attr($0, "data-old") "\t" \
				attr($0, "data-delta") "\t" attr($0, "fill")
		}' "$1" | sort
}

# folded_table FOLDED: "PATH<tab>SUM" for each frame of the stacks of FOLDED (a
# pprof-stat --folded output), under "root": the |value| of the stacks through
# it summed.
folded_table() {
	awk '{
		v = $NF; if (v < 0) v = -v
		line = $0; sub(/ [^ ]*$/, "", line)
		n = split(line, f, ";")
		p = "root"; s[p] += v
		for (i = 1; i <= n; i++) { p = p ";" f[i]; s[p] += v }
	} END { for (k in s) printf "%s\t%.0f\n", k, s[k] }' "$1" | sort
}

# subtitle SVG: the subtitle's text.
subtitle() {
	sed -n 's/.*<text id="subtitle"[^>]*>\([^<]*\)<.*/\1/p' "$1"
}

t 'a CPU profile'
expect_exit 0 ps --flamegraph --min-width 0 cpu-1.pb.gz
cp "$out" cpu.svg
ps --folded cpu-1.pb.gz > cpu.folded
well_formed cpu.svg
check_grep 'the root element' '^<svg xmlns="http://www.w3.org/2000/svg" [^>]*id="pprof-flame"' cpu.svg
check_grep 'its total and unit' \
	"data-total=\"$(awk '{ s += $NF } END { printf "%.0f", s }' cpu.folded)\" data-unit=\"nanoseconds\"" cpu.svg
frame_table cpu.svg | cut -f 1,2 > cpu.frames
folded_table cpu.folded > cpu.sums
check_same 'every frame, and its value the sum of its --folded lines' cpu.sums cpu.frames
check_eq 'the root frame comes first' 'root' \
	"$(grep -m 1 '<g class="frame"' cpu.svg | sed 's/.*data-name="\([^"]*\)".*/\1/')"
check_grep 'a title with the value in pprof'\''s units and the share' \
	'<title>root \(1\.94s, 100\.00%\)</title>' cpu.svg
check_grep 'a frame is a group of a title, a rect and a text' \
	'^<g class="frame" data-name="[^"]*" data-value="[0-9]+"><title>[^<]*</title><rect [^>]*/>(<text [^>]*>[^<]*</text>|<text/>)</g>$' cpu.svg
check_eq 'no frame is another kind' 0 "$(grep -c '<g class="frame"' cpu.svg | awk -v n="$(wc -l < cpu.frames)" '{ print $1 - n }')"
check_grep 'nothing left out' '; 0 frames narrower than 0 px left out' cpu.svg

t 'the script and the style'
awk '/^<script><!\[CDATA\[$/ { on = 1; next } /^\]\]><\/script>$/ { on = 0 } on' cpu.svg > script.js
awk '/^<style><!\[CDATA\[$/ { on = 1; next } /^\]\]><\/style>$/ { on = 0 } on' cpu.svg > style.css
check_same 'the script inlined is tools/flame.js' "$top_srcdir/tools/flame.js" script.js
check_same 'the style inlined is tools/flame.css' "$top_srcdir/tools/flame.css" style.css

t 'self-contained'
check_eq 'the only URL is the SVG namespace' 'http://www.w3.org/2000/svg' \
	"$(grep -oE '(https?|file|ftp|data):[^" )]*' cpu.svg | sort -u | tr '\n' ' ' | sed 's/ $//')"
check_no_grep 'no href, src or url()' '(href|src=|url\(|@import)' cpu.svg

t '--min-width'
expect_exit 0 ps --flamegraph --min-width 8 cpu-1.pb.gz
cp "$out" narrow.svg
well_formed narrow.svg
total=$(awk -F '\t' '$1 == "root" { print $2 }' cpu.sums)
awk -F '\t' -v t="$total" '$1 != "root" && $2 / t * 1180 < 8 { n++ } END { print n + 0 }' cpu.sums > left.want
check_eq 'the subtitle counts the frames narrower than 8 px' \
	"$(cat left.want) frames narrower than 8 px left out" "$(subtitle narrow.svg | sed 's/.*; //')"
check 'some are left out' test "$(cat left.want)" -gt 0
awk -F '\t' -v t="$total" '$1 == "root" || $2 / t * 1180 >= 8' cpu.sums > kept.want
frame_table narrow.svg | cut -f 1,2 > kept.got
check_same 'the others are drawn' kept.want kept.got
expect_exit 0 ps --flamegraph cpu-1.pb.gz
check_grep 'the default is 0.1 px' 'frames? narrower than 0.1 px left out' "$out"

t '--inverted'
expect_exit 0 ps --flamegraph --inverted --min-width 0 cpu-1.pb.gz
cp "$out" icicle.svg
well_formed icicle.svg
frame_table icicle.svg | cut -f 1,2 > icicle.frames
check_same 'the same frames' cpu.frames icicle.frames
# the y of each frame, in order
for f in cpu icicle; do
	awk -v RS='</g>' '/<g class="frame"/ {
		$0 = substr($0, index($0, "<g class=\"frame\"")); match($0, / y="[0-9]+"/)
		print substr($0, RSTART + 4, RLENGTH - 5) }' $f.svg > $f.ys
done
check_eq 'the root at the bottom by default' "$(sort -n cpu.ys | tail -n 1)" "$(head -n 1 cpu.ys)"
check_eq 'the root on top with --inverted' "$(sort -n icicle.ys | head -n 1)" "$(head -n 1 icicle.ys)"
check_eq 'children above their parent by default' "$(head -n 1 cpu.ys | awk '{ print $1 - 16 }')" \
	"$(sed -n 2p cpu.ys)"
check_eq 'children below their parent with --inverted' "$(head -n 1 icicle.ys | awk '{ print $1 + 16 }')" \
	"$(sed -n 2p icicle.ys)"

t 'names and a title that need escaping'
"$PPROF_FILTER" --rename-function "$(printf '^main\\.fib$=a<b>&"c'\''d]]>e\177')" cpu-1.pb.gz > odd.pb.gz ||
	exit 99
expect_exit 0 ps --flamegraph --title "$(printf '<x> & "y" \033[31m')" odd.pb.gz
cp "$out" odd.svg
well_formed odd.svg
check_grep 'the name, escaped' 'data-name="a&lt;b&gt;&amp;&quot;c'\''d]]&gt;e\\x7f"' odd.svg
check_grep 'the title, escaped' '<text id="title"[^>]*>&lt;x&gt; &amp; &quot;y&quot; \\x1b\[31m</text>' odd.svg
ps --folded odd.pb.gz > odd.folded
frame_table odd.svg | cut -f 1,2 > odd.frames
folded_table odd.folded > odd.sums
check_eq 'the frames of --folded, escaped names and all' '' \
	"$(comm -13 odd.sums odd.frames | head -3)"
"$PPROF_FILTER" --rename-function "$(printf '^main\\.fib$=x\357\277\276y\302\205z\355\240\200')" \
	cpu-1.pb.gz > nonxml.pb.gz || exit 99
expect_exit 0 ps --flamegraph nonxml.pb.gz
well_formed "$out"
check_grep 'U+FFFE, U+0085 and a surrogate, which XML cannot hold, as \xHH' \
	'data-name="x\\xef\\xbf\\xbey\\x(c2|85)[^"]*z\\xed\\xa0\\x80"' "$out"
if command -v perl >/dev/null; then
	perl "$data/make-odd-profile.pl" > oddities.pb || exit 99
	expect_exit 0 ps --flamegraph --min-width 0 --sample-type samples oddities.pb
	cp "$out" oddities.svg
	well_formed oddities.svg
	ps --folded --sample-type samples oddities.pb > oddities.folded
	frame_table oddities.svg | cut -f 1,2 > oddities.frames
	folded_table oddities.folded > oddities.sums
	check_same 'odd profile: every frame and its value' oddities.sums oddities.frames
	check_grep 'a name with < >' 'data-name="&lt;unknown&gt;"' oddities.svg
	perl "$top_srcdir/tests/data/make-report-edges.pl" names > names.pb || exit 99
	expect_exit 0 ps --flamegraph --min-width 0 names.pb
	cp "$out" names.svg
	well_formed names.svg
	check_eq 'hostile names: no control character' 0 "$(LC_ALL=C tr -d '\n\t' < names.svg | LC_ALL=C grep -c '[[:cntrl:]]')"
fi

t 'the 5 MB budget'
# Every name gets 12,000 more characters, "Z" then x's: 450 frames of some 36 kB
# each are too many. The frames' paths, the suffix cut, are those of cpu-1.
long=Z$(printf '%12000s' '' | tr ' ' x)
"$PPROF_FILTER" --rename-function "^(.*)\$=\\1$long" cpu-1.pb.gz > long.pb.gz || exit 99
expect_exit 0 ps --flamegraph --min-width 0 long.pb.gz
cp "$out" long.svg
check 'names of 12,000 characters: under 5 MB' test "$(wc -c < long.svg)" -lt 5000000
check_grep 'the subtitle says the limit was raised' \
	'narrower than [0-9.]+ px left out \(--min-width 0, raised to keep the SVG under 5 MB\)' long.svg
sed 's/Zx*"/"/g' long.svg | frame_table /dev/stdin | cut -f 1,2 > long.frames
check 'some frames are drawn' test "$(wc -l < long.frames)" -gt 1
check_eq 'the widest are drawn: each wider than every frame left out' 'ok' \
	"$(awk -F '\t' 'NR == FNR { drawn[$1] = 1; next }
		($1 in drawn) { if (min == "" || $2 + 0 < min) min = $2 + 0; next }
		{ if ($2 + 0 > max) max = $2 + 0 }
		END { print (min > max) ? "ok" : "min drawn " min " <= max left out " max }' long.frames cpu.sums)"

t 'the sample type'
expect_exit 0 ps --flamegraph --sample-type alloc_space heap-1.pb.gz
cp "$out" heap.svg
well_formed heap.svg
check_grep 'bytes' 'data-unit="bytes"' heap.svg
check_grep 'the total of --folded for it' \
	"data-total=\"$(ps --folded --sample-type alloc_space heap-1.pb.gz | awk '{ s += $NF } END { printf "%.0f", s }')\"" heap.svg
check_grep 'values in pprof'\''s units' '<title>root \([0-9.]+[kMG]?B, 100\.00%\)</title>' heap.svg

t 'a differential flame graph (--diff-base)'
"$PPROF_MERGE" --diff-base cpu-1.pb.gz cpu-2.pb.gz > diff.pb.gz || exit 99
expect_exit 0 ps --flamegraph --min-width 0 diff.pb.gz
cp "$out" diff.svg
well_formed diff.svg
check_grep 'a diff' '<svg [^>]*data-kind="diff"' diff.svg
ps --folded cpu-2.pb.gz > new.folded
ps --folded cpu-1.pb.gz > old.folded
folded_table new.folded > new.sums
folded_table old.folded > old.sums
frame_table diff.svg > diff.frames
cut -f 1,2 diff.frames > diff.values
check_same "widths from NEW: every frame of NEW, its value NEW's" new.sums diff.values
# old.want: per frame of NEW, OLD's value there (0 where OLD has none).
awk -F '\t' 'NR == FNR { old[$1] = $2; next } { print $1 "\t" (($1 in old) ? old[$1] : 0) }' \
	old.sums new.sums > old.want
cut -f 1,3 diff.frames > old.got
check_same "data-old: OLD's value of each frame" old.want old.got
check_eq 'data-delta is NEW - OLD' 0 "$(awk -F '\t' '$4 != $2 - $3' diff.frames | wc -l)"
# colours: "#rrggbb" parsed; red above blue where it grew, below where it shrank, white when equal.
awk -F '\t' '
	function hex(s,  i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
	{
		r = hex(substr($5, 2, 2)); b = hex(substr($5, 6, 2))
		if ($4 > 0) { grew++; if (!(r > b)) bad++ }
		else if ($4 < 0) { shrank++; if (!(b > r)) bad++ }
		else if ($5 != "#ffffff") bad++
	} END { printf "%d %d %d\n", bad, (grew > 0), (shrank > 0) }' diff.frames > colours
check_eq 'red where it grew, blue where it shrank, white where equal; some of each' '0 1 1' "$(cat colours)"
check_grep 'the tooltip has both values and the change' '^base [0-9.]+m?s, change [-+][0-9.]+m?s \([-+][0-9.]+%\)</title>' diff.svg

t 'a --base profile: widths from |value|'
"$PPROF_MERGE" --base cpu-1.pb.gz cpu-2.pb.gz > base.pb.gz || exit 99
expect_exit 0 ps --flamegraph --min-width 0 base.pb.gz
cp "$out" base.svg
well_formed base.svg
check_grep 'signed values' '<svg [^>]*data-kind="signed"' base.svg
ps --folded base.pb.gz > base.folded
folded_table base.folded > base.sums
frame_table base.svg | cut -f 1,2 > base.frames
check_same 'each frame as wide as the |value| of its stacks' base.sums base.frames

t 'options'
expect_exit 2 ps --inverted cpu-1.pb.gz
check_grep 'needs --flamegraph' '^pprof-stat: .*need --flamegraph' "$err"
expect_exit 2 ps --flamegraph --each cpu-1.pb.gz
expect_exit 2 ps --flamegraph --json cpu-1.pb.gz
expect_exit 2 ps --flamegraph --by endpoint cpu-1.pb.gz
expect_exit 2 ps --flamegraph --width 50 cpu-1.pb.gz
expect_exit 2 ps --flamegraph --min-width -1 cpu-1.pb.gz
expect_exit 2 ps --flamegraph --min-width x cpu-1.pb.gz
expect_exit 0 ps --flamegraph --width 600 --title 'T' cpu-1.pb.gz
check_grep '--width' '<svg [^>]* width="600" ' "$out"
check_grep '--title' '<text id="title"[^>]*>T</text>' "$out"
"$PPROF_FILTER" --focus nosuchfunction cpu-1.pb.gz > empty.pb.gz 2>/dev/null || exit 99
expect_exit 0 ps --flamegraph empty.pb.gz
cp "$out" empty.svg
well_formed empty.svg
check_grep 'no samples: the root alone' 'data-name="root" data-value="0"' empty.svg

finish
