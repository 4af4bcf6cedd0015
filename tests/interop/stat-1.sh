# Interoperability of pprof-stat with google/pprof, part 1: each profile
# alone. What is compared, and how: stat-lib.sh.
. "$top_srcdir/tests/interop/stat-lib.sh"

# ---- profiles -----------------------------------------------------------------

for f in cpu-1 cpu-2 cpu-3 cpu-4 cpu-5 cpu-6 go119-cpu heap-1 heap-2 goroutine synth-small-1; do
	t "$f"
	compare "$f" "$data/$f.pb.gz"
done

finish
