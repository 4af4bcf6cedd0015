# The flame graphs of pprof-stat --flamegraph in a real browser: headless
# Chromium opens the SVGs made from tests/data and the checks look at what a
# person would: the page draws something, a search (?s=REGEX) reports the
# share that pprof-filter --focus REGEX keeps, a click zooms and Reset zoom
# undoes it, hovering shows a frame's details, a diff graph is red where the
# profile grew and blue where it shrank, and the page asks the network for
# nothing. tests/browser/ is the driver (a Go program that speaks Chromium's
# DevTools protocol over a pipe; HACKING.md section 12): it is built into
# the scratch directory, and one browser runs one script of commands for the
# whole suite. Expected values come from pprof-stat and pprof-filter on the
# profiles, never from the SVG. Not under valgrind (the browser is the cost,
# and the programs run here as in stat.sh).
. "$top_srcdir/tests/lib.sh"

: "${PPROF_STAT:?}" "${PPROF_FILTER:?}" "${PPROF_MERGE:?}"
"$PPROF_STAT" --help 2>&1 | grep -q -- '--flamegraph' || skip 'pprof-stat --help has no --flamegraph'
# (Debian's /usr/bin/chromium is a script that runs this binary with the
# flags of /etc/chromium.d: half a second of each start, for nothing here)
chromium=${CHROMIUM:-$(command -v /usr/lib/chromium/chromium || command -v chromium ||
	command -v chromium-browser)} || skip 'no chromium (Debian package chromium; or set CHROMIUM)'
command -v jq > /dev/null || skip 'no jq'
started=$(date +%s%N)
sh "$top_srcdir/tests/browser/build.sh" "$scratch/browser-driver" 2> build.log
case $? in
0) ;;
77) skip 'no go command to build the driver in tests/browser (set GO to one)' ;;
*) t 'building tests/browser'; fail 'go build' "$(head -20 build.log)"; finish ;;
esac
built=$(date +%s%N)
# The browser starts now (a few seconds), while the graphs are made; it
# reads the script from a FIFO (fd 4) as ask writes it, and ends when fd 4
# is closed, or when this script exits.
mkfifo script.fifo || exit 99
"$scratch/browser-driver" -chromium "$chromium" -log "$scratch/chromium.log" -timeout 120s -step 20s \
	< script.fifo > answers 2> driver.log &
driver=$!
exec 4> script.fifo

# ---- the pictures, and what they should show --------------------------------

# flame NAME CMD...: writes NAME.svg, the flame graph of the profile CMD writes.
flame() {
	local name=$1
	shift
	t "$name.svg"
	"$@" > "$name.pb.gz" 2> "$name.err" || fail "making $name.pb.gz" "$(head -5 "$name.err")"
	expect_exit_into "$name.svg" "$name.err" 0 "$PPROF_STAT" --flamegraph "$name.pb.gz"
}
flame cpu cat "$data/cpu-1.pb.gz"
t 'inverted.svg'
expect_exit_into inverted.svg inverted.err 0 "$PPROF_STAT" --flamegraph --inverted cpu.pb.gz
# cpu-1 runs every workload, cpu-2 the API ones (json, regexp, template)
# harder: as NEW and OLD, some functions grew and some shrank
flame diff "$PPROF_MERGE" --diff-base "$data/cpu-2.pb.gz" "$data/cpu-1.pb.gz"
# A synthetic profile of deep stacks opens and paints. The largest fixture,
# synth-100k, costs some 10 s here (its graph, 3 s; the browser's load, 5):
# PPROF_FLAME_LARGE=synth-100k times it (bench/flame.sh does too).
large=${PPROF_FLAME_LARGE:-synth-small-1}
flame large cat "$data/$large.pb.gz"

# total FILE [FILTER ARGS...]: the total of FILE's default sample type, after
# pprof-filter with the arguments when there are some.
total() {
	local file=$1
	shift
	if [ $# -gt 0 ]; then
		"$PPROF_FILTER" "$@" "$file" 2> /dev/null | "$PPROF_STAT" --json
	else
		"$PPROF_STAT" --json "$file"
	fi | jq -r '.top.total'
}
# percent PART WHOLE: PART's share of WHOLE as the page prints it, NN.NN.
percent() {
	awk -v part="$1" -v whole="$2" 'BEGIN { printf "%.2f\n", 100 * part / whole }'
}
cpu_total=$(total cpu.pb.gz)
cpu_unit=$("$PPROF_STAT" --json cpu.pb.gz | jq -r .top.unit)

# cum FILE: "NAME CUM" of every function, by name.
cum() {
	"$PPROF_STAT" --top 0 --cum --json "$1" | jq -r '.top.rows[] | "\(.name) \(.cum)"' | sort
}
# What grew most and what shrank most from cpu-2 to cpu-1, of what cpu-1
# still runs (a diff graph draws NEW's stacks only).
cum "$data/cpu-2.pb.gz" > old.cum
cum "$data/cpu-1.pb.gz" > new.cum
join -a 2 -e 0 -o 0,1.2,2.2 old.cum new.cum | awk '$3 > 0 { print $3 - $2, $1 }' | sort -n > change
grew=$(tail -n 1 change | cut -d' ' -f2)
shrank=$(head -n 1 change | cut -d' ' -f2)
t 'the diff fixtures'
check "$grew grew and $shrank shrank from cpu-2 to cpu-1" \
	test "$(tail -n 1 change | cut -d' ' -f1)" -gt 0 -a "$(head -n 1 change | cut -d' ' -f1)" -lt 0

# ---- the script -------------------------------------------------------------
# ask VAR COMMAND: adds COMMAND to the browser's script (and to the file
# script, for a look); ${answer[VAR]} will hold its answer (each command
# answers one line).
n_asked=0
ask() {
	printf '%s\n' "$2" >&4
	printf '%s\n' "$2" >> script
	printf -v "$1" %d "$n_asked"
	n_asked=$((n_asked + 1))
}
# frame NAME: JavaScript for the widest frame (<g>) named NAME.
frame() {
	printf '[...document.querySelectorAll("g.frame")].filter(g => g.dataset.name === %s).sort((a, b) => b.dataset.value - a.dataset.value)[0]' \
		"$(jq -n --arg n "$1" '$n')"
}
# width NAME: JavaScript for the drawn width of NAME's rectangle, in pixels.
width() {
	printf '%s.querySelector("rect").getBoundingClientRect().width.toFixed(1)' "$(frame "$1")"
}
rect_of() {   # rect_of NAME: a CSS selector of the first frame named NAME's rectangle
	printf 'g.frame[data-name="%s"] > rect' "$1"
}
url() {   # url FILE [SEARCH]: its file:// URL, with ?s=SEARCH
	printf 'file://%s%s' "$scratch/$1" "${2:+?s=$(jq -rn --arg s "$2" '$s | @uri')}"
}
matched='eval document.getElementById("matched").textContent.trim()'

# The flame graph of cpu-1: drawn, with its totals, asking for nothing.
ask open_cpu "open $(url cpu.svg)"
ask paint_cpu 'paint'
ask shot_cpu "screenshot $scratch/cpu.png"
ask stat_cpu "pngstat $scratch/cpu.png"
ask total_cpu 'eval document.documentElement.dataset.total + " " + document.documentElement.dataset.unit'
ask frames_cpu 'eval document.querySelectorAll("#frames g.frame").length'
ask net_cpu 'requests'
ask nosearch_cpu "$matched"
# Hover, then zoom into a workload and back. The hovered and zoomed function
# is main.shaWork: a workload of cpu-1 only, so one frame, under the root's
# chain (main.runCPU.func2 > runtime/pprof.Do > main.runCPU.func2.1), beside
# main.fibWork.
zoomed=main.shaWork
parent=main.runCPU.func2.1
beside=main.fibWork
ask hover "hover $(rect_of "$zoomed")"
ask details 'eval document.getElementById("details").textContent.trim()'
ask w_root "eval $(width root)"
ask w_zoomed "eval $(width "$zoomed")"
# (what is drawn at the centre of main.fibWork's frame, before and after)
ask at_beside "eval (r => { window.beside = [r.left + r.width / 2, r.top + r.height / 2]; return 'ok'; })($(frame "$beside").querySelector('rect').getBoundingClientRect())"
drawn_there='eval (e => e && e.closest("g.frame") ? e.closest("g.frame").dataset.name : "no frame")(document.elementFromPoint(...window.beside))'
ask beside_before "$drawn_there"
ask click "click $(rect_of "$zoomed")"
ask beside_after "$drawn_there"
ask w_zoomed_in "eval $(width "$zoomed")"
ask parent_dim "eval $(frame "$parent").classList.contains('dim') && $(width "$parent") > 0"
ask reset_shown 'eval getComputedStyle(document.getElementById("reset-zoom")).display !== "none" && getComputedStyle(document.getElementById("reset-zoom")).visibility !== "hidden" && document.getElementById("reset-zoom").getBoundingClientRect().width > 0'
ask reset 'click #reset-zoom'
ask w_zoomed_out "eval $(width "$zoomed")"
ask w_root_out "eval $(width root)"
ask reset_hidden 'eval getComputedStyle(document.getElementById("reset-zoom")).display === "none" || getComputedStyle(document.getElementById("reset-zoom")).visibility === "hidden" || document.getElementById("reset-zoom").getBoundingClientRect().width === 0'

# The icicle: the root on top, and a click zooms there too.
# top NAME: JavaScript for the top of NAME's rectangle, in pixels.
top() {
	printf '%s.querySelector("rect").getBoundingClientRect().top' "$(frame "$1")"
}
ask open_inverted "open $(url inverted.svg)"
ask root_on_top "eval $(top root) < $(top "$parent") && $(top "$parent") < $(top "$zoomed")"
ask click_inverted "click $(rect_of "$zoomed")"
ask w_inverted "eval $(width "$zoomed") + ' ' + $(width root)"

# Searches from the URL (?s=), each a new load: one regex naming two
# workloads, one matching a frame and its descendants (each stack counts
# once), one matching runtime frames at every depth, one nothing. Anchored:
# pprof's --focus matches file names too (runtime\. matches every stack, in
# runtime/pprof/runtime.go), the search names only, and a file name begins
# with a slash.
searches=('^main\.(fib|sha)' '^main\.' '^runtime\.' '^encoding/json\.' 'nosuchfunction')
for i in "${!searches[@]}"; do
	ask "open_s$i" "open $(url cpu.svg "${searches[i]}")"
	ask "matched_s$i" "$matched"
	ask "marked_s$i" "eval (re => [...document.querySelectorAll('g.frame.match')].every(g => re.test(g.dataset.name)) + ' ' + document.querySelectorAll('g.frame.match').length)(new RegExp($(jq -n --arg s "${searches[i]}" '$s')))"
done
# ... and from the search control and Ctrl-F, answering the prompt
ask open_again "open $(url cpu.svg)"
ask prompt1 "prompt ${searches[0]}"
ask click_search 'click #search'
ask matched_click "$matched"
ask prompt2 "prompt ${searches[2]}"
ask ctrl_f 'key ctrl+f'
ask matched_key "$matched"

# The diff graph: colours by change.
# fill NAME: JavaScript for "R G B" of the fill of NAME's widest frame.
fill() {
	printf 'eval getComputedStyle(%s.querySelector("rect")).fill.replace(/[^0-9,]/g, "").split(",").slice(0, 3).join(" ")' "$(frame "$1")"
}
ask open_diff "open $(url diff.svg)"
ask fill_grew "$(fill "$grew")"
ask fill_shrank "$(fill "$shrank")"
ask net_diff 'requests'
ask hover_diff "hover $(rect_of "$shrank")"
ask details_diff 'eval document.getElementById("details").textContent.trim()'

# Without JavaScript: a static picture with every frame's name in a title.
ask open_static "open-static $(url cpu.svg)"
ask shot_static "screenshot $scratch/static.png"
ask stat_static "pngstat $scratch/static.png"
ask titles_static "eval [...document.querySelectorAll('g.frame')].filter(g => g.querySelector('title') && g.querySelector('title').textContent.includes(g.dataset.name)).length + ' ' + document.querySelectorAll('g.frame').length"

# The synthetic one opens, and paints.
ask open_large "open $(url large.svg)"
ask paint_large 'paint'
ask frames_large 'eval document.querySelectorAll("#frames g.frame").length'

# The browser runs the script while the expected shares are computed.
exec 4>&-
want_share=()
for i in "${!searches[@]}"; do
	want_share[i]=$(percent "$(total cpu.pb.gz --focus "${searches[i]}")" "$cpu_total")
done
wait "$driver"
driver_status=$?
mapfile -t answer < answers
t 'browser-driver'
check_eq "exit status (driver.log says why)" 0 "$driver_status"
check_eq "one answer per command" "$n_asked" "${#answer[@]}"

# ---- what the browser saw ---------------------------------------------------

# shown STAT: checks that a pngstat answer, "WxH colours=N nonwhite=P", is not
# that of a blank page (one colour, or all but white)
shown() {
	local stat=$1 colours nonwhite
	colours=$(echo "$stat" | sed -n 's/.* colours=\([0-9]*\).*/\1/p')
	nonwhite=$(echo "$stat" | sed -n 's/.* nonwhite=\([0-9]*\).*/\1/p')
	if [ "${colours:-0}" -ge 8 ] && [ "${nonwhite:-0}" -ge 5 ]; then
		pass "the screenshot is not blank ($stat)"
	else
		fail 'the screenshot is not blank: at least 8 colours and 5% not white' "got: $stat"
	fi
}
t 'cpu.svg'
shown "${answer[stat_cpu]}"
check_eq 'data-total and data-unit: pprof-stat'"'"'s total and unit' \
	"$cpu_total $cpu_unit" "${answer[total_cpu]}"
check "frames are drawn (${answer[frames_cpu]})" test "${answer[frames_cpu]}" -gt 10 2> /dev/null
check_eq 'no request leaves the page' none "${answer[net_cpu]}"
check_eq 'no search, nothing matched' '' "${answer[nosearch_cpu]}"

t 'hover'
share=$(percent "$(grep "^$zoomed " new.cum | cut -d' ' -f2)" "$cpu_total")
echo "${answer[details]}" > details
check_grep "details of $zoomed: name, value with a unit, $share% (pprof-stat --cum)" \
	"^${zoomed//./\\.} \\([0-9][0-9.]*[a-zµ]+, ${share//./\\.}%\\)\$" details

t 'zoom'
# close_to A B: whether two widths differ by at most a pixel
close_to() {
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; exit !(a != "" && b != "" && d * d <= 1) }'
}
check "a click on $zoomed: its width ${answer[w_zoomed]} becomes the full width ${answer[w_root]} (${answer[w_zoomed_in]})" \
	close_to "${answer[w_zoomed_in]}" "${answer[w_root]}"
check_eq "where $beside was, $zoomed is drawn" "$beside $zoomed" \
	"${answer[beside_before]} ${answer[beside_after]}"
check "its ancestor $parent stays, dimmed" test "${answer[parent_dim]}" = true
check 'Reset zoom is shown' test "${answer[reset_shown]}" = true
check "Reset zoom: $zoomed back to its width (${answer[w_zoomed_out]})" \
	close_to "${answer[w_zoomed_out]}" "${answer[w_zoomed]}"
check "Reset zoom: the root back to its width (${answer[w_root_out]})" \
	close_to "${answer[w_root_out]}" "${answer[w_root]}"
check 'Reset zoom is hidden again' test "${answer[reset_hidden]}" = true

t 'inverted.svg'
check 'the root on top, its callees below' test "${answer[root_on_top]}" = true
w_inverted=${answer[w_inverted]}
check "a click on $zoomed: its width becomes the root's ($w_inverted)" \
	close_to "${w_inverted% *}" "${w_inverted#* }"

t 'search'
for i in "${!searches[@]}"; do
	re=${searches[i]}
	want=${want_share[i]}
	check_eq "?s=$re: the share pprof-filter --focus keeps" "Matched: $want%" "${answer[matched_s$i]}"
	marked=${answer[marked_s$i]}
	if [ "$want" = 0.00 ]; then
		check_eq "?s=$re: no frame marked" 'true 0' "$marked"
	else
		check "?s=$re: the frames marked match it ($marked)" \
			test "${marked% *}" = true -a "${marked#* }" -gt 0
	fi
done
check_eq "the search control, ${searches[0]}" "Matched: ${want_share[0]}%" "${answer[matched_click]}"
check_eq "Ctrl-F, ${searches[2]}" "Matched: ${want_share[2]}%" "${answer[matched_key]}"

t 'diff.svg'
# red R G B / blue R G B: the colour's strongest of red and blue
is_red() { set -- $1; [ "${1:-0}" -gt "${3:-0}" ]; }
is_blue() { set -- $1; [ "${3:-0}" -gt "${1:-0}" ]; }
check "$grew grew: red (rgb ${answer[fill_grew]})" is_red "${answer[fill_grew]}"
check "$shrank shrank: blue (rgb ${answer[fill_shrank]})" is_blue "${answer[fill_shrank]}"
check_eq 'no request leaves the page' none "${answer[net_diff]}"
echo "${answer[details_diff]}" > details_diff
check_grep "hover on $shrank: its value, then its base's and a change below zero" \
	"^${shrank//./\\.} \\(.+\\).*[0-9].*-[0-9]" details_diff

t 'without JavaScript'
shown "${answer[stat_static]}"
titles=${answer[titles_static]}
check "every frame has a title with its name ($titles)" test "${titles% *}" = "${titles#* }" -a "${titles% *}" -gt 0

t 'large.svg'
check "$large's graph opens (in ${answer[open_large]} ms, ${answer[frames_large]} frames)" \
	test "${answer[frames_large]}" -gt 0 2> /dev/null
check_grep "and paints (${answer[paint_large]}, ms from navigation)" '^first-paint=[0-9]+ ' \
	<(echo "${answer[paint_large]}")
ended=$(date +%s%N)
echo "# cpu-1: opened in ${answer[open_cpu]} ms, ${answer[paint_cpu]}" \
	"(ms from navigation); $large ($(wc -c < large.svg) bytes of SVG," \
	"${answer[frames_large]} frames): opened in ${answer[open_large]} ms, ${answer[paint_large]}"
echo "# driver built in $(((built - started) / 1000000)) ms;" \
	"$(grep -o 'browser ready in .*' driver.log); suite $(((ended - started) / 1000000)) ms"
t 'browser-driver'
# (the driver names the profile directory its browser was given)
profile_dir=$(sed -n 's/^browser-driver: profile directory //p' driver.log)
check_eq 'no process of the browser left behind' '' \
	"$(grep -alF -e "--user-data-dir=${profile_dir:-?}" /proc/[0-9]*/cmdline 2> /dev/null)"
check "its profile directory ${profile_dir:-?} removed" test -n "$profile_dir" -a ! -e "$profile_dir"
finish
