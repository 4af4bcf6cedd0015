#!/bin/bash
# tests/install.sh - `make install` into a scratch DESTDIR installs the
# programs, libpprof (shared and static, as libtool was configured), pprof.h,
# libpprof.pc, every man page and the bash completion; the installed programs
# run with the installed library; the example program of libpprof(3), cut
# from the page itself, compiles with `pkg-config libpprof` against what was
# installed, links shared and static, and writes the same bytes as
# pprof-merge; `make uninstall` removes everything again.
#
# Makefile.am passes MAKE, CC, SAN_CFLAGS, PKG_CONFIG, PACKAGE_VERSION and the
# configured directories (inst_bindir, inst_libdir, ...).

. "$top_srcdir/tests/lib.sh"

: "${inst_bindir:?run through make check}"
dest=$scratch/dest
bindir=$dest$inst_bindir
libdir=$dest$inst_libdir
includedir=$dest$inst_includedir
mandir=$dest$inst_mandir
pcdir=$dest$inst_pkgconfigdir
cpu1=$data/cpu-1.pb.gz
cpu2=$data/cpu-2.pb.gz

# make_in_build TARGET...: runs make in the build directory, not as part of
# the make that runs this test (its jobserver and flags are not ours).
make_in_build() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} -C "$top_builddir" "$@"
}

# The soname's number is current - age of -version-info in Makefile.am.
soname=libpprof.so.1

# loads_from PROGRAM: the file the dynamic loader takes $soname from
# for PROGRAM, with LD_LIBRARY_PATH set to the installed libdir ("" if none).
loads_from() {
	LD_TRACE_LOADED_OBJECTS=1 LD_LIBRARY_PATH=$libdir "$1" 2>/dev/null |
		sed -n 's/^[[:space:]]*libpprof\.so[.0-9]* => \([^ ]*\) .*/\1/p'
}

# to_full CMD...: runs CMD with its standard output on /dev/full.
to_full() {
	"$@" > /dev/full
}

# same_file WHAT EXPECTED INSTALLED: INSTALLED exists with EXPECTED's bytes.
same_file() {
	if [ -f "$3" ]; then
		check_same "$1" "$2" "$3"
	else
		fail "$1" "not installed: $3"
	fi
}

# libtool --config: the first assignment is the C compiler's.
shared=$("$top_builddir/libtool" --config | sed -n 's/^build_libtool_libs=//p' | head -n 1)
static=$("$top_builddir/libtool" --config | sed -n 's/^build_old_libs=//p' | head -n 1)
# With a shared libpprof, the programs and the example load it from libdir.
[ "$shared" = yes ] && loaded=$libdir/$soname || loaded=

t 'make install'
expect_exit 0 make_in_build install DESTDIR="$dest"
cp "$out" install.log; cat "$err" >> install.log

t 'programs'
for prog in pprof-merge pprof-filter pprof-stat pprof-tag; do
	check "$inst_bindir/$prog is installed" test -x "$bindir/$prog"
	LD_LIBRARY_PATH=$libdir expect_exit 0 "$bindir/$prog" --version
	check_grep "$prog --version names libpprof $PACKAGE_VERSION" "libpprof $PACKAGE_VERSION" "$out"
	check_eq "$prog loads the installed libpprof" "$loaded" "$(loads_from "$bindir/$prog")"
done
"$PPROF_MERGE" "$cpu1" "$cpu2" > merged.pb.gz
LD_LIBRARY_PATH=$libdir expect_exit 0 "$bindir/pprof-merge" "$cpu1" "$cpu2"
check_same 'the installed pprof-merge merges as the built one' merged.pb.gz "$out"

t 'library'
# Both, as LT_INIT does by default, unless configure was told otherwise.
configured=$("$top_builddir/config.status" --config)
for kind in shared static; do
	case $configured in
	*--disable-$kind* | *--enable-$kind=no*)
		pass "libpprof $kind # SKIP configured without it" ;;
	*)
		[ "$kind" = shared ] && built=$shared || built=$static
		check_eq "libtool builds libpprof $kind" yes "$built" ;;
	esac
done
if [ "$shared" = yes ]; then
	check "$soname is installed" test -f "$libdir/$soname"
	check 'libpprof.so is installed' test -e "$libdir/libpprof.so"
fi
[ "$static" != yes ] || check 'libpprof.a is installed' test -f "$libdir/libpprof.a"
same_file 'pprof.h is installed' "$top_srcdir/libpprof/pprof.h" "$includedir/pprof.h"
check 'libpprof.pc is installed' test -f "$pcdir/libpprof.pc"

t 'man pages'
for page in "$top_srcdir"/man/*.[1-9]; do
	name=${page##*/}
	same_file "$name is installed" "$page" "$mandir/man${name##*.}/$name"
done
for name in pprof-merge.1 pprof-filter.1 pprof-stat.1 pprof-tag.1 libpprof.3; do
	check "$name is among them" test -f "$mandir/man${name##*.}/$name"
done

t 'bash completion'
if [ -n "$inst_completionsdir" ]; then
	compdir=$dest$inst_completionsdir
	for prog in pprof-merge pprof-filter pprof-stat pprof-tag; do
		same_file "the completion is installed as $prog" "$top_srcdir/tools/pprof-tools.bash" \
			"$compdir/$prog"
	done
	check_eq 'the installed completion registers the four programs' 4 \
		"$(bash -c '. "$1" && complete -p' sh "$compdir/pprof-tag" | grep -c ' _pprof_tools pprof-')"
	# bash-completion's own loader finds it, by command name, under DATADIR.
	loader=/usr/share/bash-completion/bash_completion
	case $inst_completionsdir in
	*/bash-completion/completions)
		if [ -f "$loader" ]; then
			check_eq "bash-completion loads the completion of pprof-stat from $compdir" \
				'complete -F _pprof_tools pprof-stat' \
				"$(XDG_DATA_DIRS=${compdir%/bash-completion/completions} \
					BASH_COMPLETION_USER_DIR=$scratch/none bash -c \
					'. "$1" >/dev/null 2>&1; __load_completion pprof-stat; complete -p pprof-stat' \
					sh "$loader" 2>&1)"
		fi ;;
	esac
fi

t 'pkg-config'
# The installed libpprof.pc, with its paths under DESTDIR.
export PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$dest
export PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1
pkg_config=${PKG_CONFIG:-pkg-config}
check_eq 'pkg-config --modversion libpprof' "$PACKAGE_VERSION" "$($pkg_config --modversion libpprof 2>&1)"
cflags=$($pkg_config --cflags libpprof)
libs=$($pkg_config --libs libpprof)
static_libs=$($pkg_config --static --libs libpprof)
check_grep 'its --cflags name the installed include directory' "(^| )-I$includedir( |\$)" <(echo "$cflags")
check_grep 'its --libs name the installed libdir' "(^| )-L$libdir( |\$)" <(echo "$libs")
check_grep 'its --static --libs add zlib and protobuf-c' '-lz .*-lprotobuf-c|-lprotobuf-c .*-lz' \
	<(echo "$static_libs")

t 'the example of libpprof(3)'
# The first literal display of EXAMPLES, unescaped from roff.
awk '/^\.Sh / { ex = ($2 == "EXAMPLES") } ex && /^\.Bd -literal/ { on = 1; next }
	on && /^\.Ed/ { exit } on' "$top_srcdir/man/libpprof.3" |
	sed 's/\\&//g; s/\\e/\\/g' > merge.c
check_grep 'the example includes pprof.h' '^#include <pprof\.h>$' merge.c
check_grep 'the example has a main' '^main\(int argc, char \*argv\[\]\)$' merge.c
ccflags="-std=c11 -Wall -Wextra -Werror $SAN_CFLAGS"
# shellcheck disable=SC2086 # flags are lists
expect_exit 0 $CC $ccflags -o merge-shared merge.c $cflags $libs
check_eq 'merge-shared loads the installed libpprof' "$loaded" "$(loads_from ./merge-shared)"
programs=merge-shared
if [ "$static" = yes ]; then
	# Static libpprof: the static libs of pkg-config, libpprof.a by its name.
	# shellcheck disable=SC2086
	expect_exit 0 $CC $ccflags -o merge-static merge.c $cflags ${static_libs/-lpprof/-l:libpprof.a}
	check_eq 'merge-static loads no libpprof' '' "$(loads_from ./merge-static)"
	programs="$programs merge-static"
	# A program linked with -static, as the page shows, where that can work.
	if [ -z "$SAN_CFLAGS" ]; then
		# shellcheck disable=SC2086
		expect_exit 0 $CC $ccflags -static -o merge-allstatic merge.c $cflags $static_libs
		programs="$programs merge-allstatic"
	fi
fi

head -c 3000 "$cpu1" > truncated.pb.gz
"$PPROF_MERGE" "$cpu1" "$data/heap-1.pb.gz" 2>&1 >/dev/null | sed 's/^pprof-merge: //' > mismatch.want
"$PPROF_MERGE" truncated.pb.gz 2>&1 >/dev/null | sed 's/^pprof-merge: //' > truncated.want
for prog in $programs; do
	t "$prog"
	[ -x "$prog" ] || { fail 'was built'; continue; }
	export LD_LIBRARY_PATH=$libdir
	expect_exit 0 "./$prog" "$cpu1" "$cpu2"
	check_same "$prog FILES writes pprof-merge's bytes" merged.pb.gz "$out"
	cat "$cpu1" "$cpu2" | expect_exit 0 "./$prog"
	check_same "$prog < stdin writes pprof-merge's bytes" merged.pb.gz "$out"
	expect_exit 0 "./$prog" "$cpu1" - < "$cpu2"
	check_same "$prog FILE - writes pprof-merge's bytes" merged.pb.gz "$out"
	expect_exit 0 "$PPROF_STAT" --check "$out"
	expect_exit 1 "./$prog" "$cpu1" "$data/heap-1.pb.gz"
	check_eq "$prog says what pprof-merge says of incompatible profiles" \
		"$(cat mismatch.want)" "$(sed 's/^merge: //' "$err")"
	expect_exit 1 "./$prog" truncated.pb.gz
	check_eq "$prog says what pprof-merge says of a truncated profile" \
		"$(cat truncated.want)" "$(sed 's/^merge: //' "$err")"
	expect_exit 1 "./$prog" nonexistent.pb.gz
	check_grep "$prog names a missing file" '^merge: nonexistent\.pb\.gz: ' "$err"
	if [ -w /dev/full ]; then
		expect_exit 1 to_full "./$prog" "$cpu1"
		check_grep "$prog reports a full disk" '^merge: write error: No space left on device$' "$err"
	fi
	unset LD_LIBRARY_PATH
done

t 'make uninstall'
expect_exit 0 make_in_build uninstall DESTDIR="$dest"
check_eq 'nothing is left installed' '' "$(find "$dest" ! -type d | head -5)"

finish
