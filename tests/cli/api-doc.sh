#!/bin/bash
# tests/cli/api-doc.sh - every function libpprof exports is documented in
# libpprof(3): in its SYNOPSIS (.Fn or .Fo) and again in its DESCRIPTION; the
# SYNOPSIS names no function the library lacks; and every function pprof.h
# declares is exported. A new function without documentation fails here.

. "$top_srcdir/tests/lib.sh"

man=$top_srcdir/man/libpprof.3
header=$top_srcdir/libpprof/pprof.h
command -v nm >/dev/null || skip 'no nm'

t 'exported symbols'
lib=$top_builddir/libpprof/.libs/libpprof.so
[ -f "$lib" ] || lib=$top_builddir/libpprof/.libs/libpprof.a   # --disable-shared
if [ -f "$lib" ]; then
	pass "found $lib"
else
	fail 'found the built library' "no libpprof.so or libpprof.a in $top_builddir/libpprof/.libs"
fi
nm -g --defined-only "$lib" 2>/dev/null | awk '$2 ~ /^[TDRB]$/ && $3 ~ /^pprof_/ { print $3 }' |
	sort -u > exported
# The sanity of the list: a few functions that must be there.
check_grep 'pprof_reader_next is exported' '^pprof_reader_next$' exported
check_grep 'pprof_filter_apply is exported' '^pprof_filter_apply$' exported

# Functions named in the SYNOPSIS, and in the rest of the page.
awk '/^\.Sh /{ sec = $2 } sec == "SYNOPSIS" && /^\.(Fn|Fo) pprof_/ { print $2 }' "$man" |
	sort > synopsis
awk '/^\.Sh /{ sec = $2 } sec != "SYNOPSIS" && sec != "EXAMPLES" {
	for (i = 1; i < NF; i++) if ($i ~ /^(Fn|\.Fn|\.Fo)$/) print $(i + 1) }' "$man" |
	sort -u > described
check_eq 'the SYNOPSIS names each function once' '' "$(uniq -d synopsis)"

t 'libpprof(3)'
while read -r sym; do
	if grep -qx -- "$sym" synopsis && grep -qx -- "$sym" described; then
		pass "$sym is documented"
	elif grep -qx -- "$sym" synopsis; then
		fail "$sym is documented" "$man: $sym is in the SYNOPSIS but not described"
	else
		fail "$sym is documented" "$man: no .Fn $sym (or .Fo) in the SYNOPSIS"
	fi
done < exported
check_eq 'the SYNOPSIS names only exported functions' '' \
	"$(sort -u synopsis | comm -23 - exported | tr '\n' ' ')"

t 'pprof.h'
sed -n -E 's/^[a-z].*[ *](pprof_[a-z0-9_]+)\(.*/\1/p' "$header" | sort -u > declared
check 'pprof.h declares functions' test -s declared
check_eq 'every function pprof.h declares is exported' '' \
	"$(comm -23 declared exported | tr '\n' ' ')"
check_eq 'every exported function is declared in pprof.h' '' \
	"$(comm -13 declared exported | tr '\n' ' ')"

finish
