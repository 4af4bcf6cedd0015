#!/bin/sh
# build.sh OUTPUT: builds browser-driver (this directory's Go program) into
# OUTPUT, with the standard library only and no network (GOTOOLCHAIN=local
# GOPROXY=off). Exits 0 when built, 1 when the build failed, 77 when there
# is no Go.
#
# Which Go: $GO when set; else the first found that ships its standard
# library compiled (Go 1.19 and older have $GOROOT/pkg/GOOS_GOARCH/*.a;
# Debian 12's golang-go is 1.19), since newer ones compile the packages the
# driver uses (encoding/json, image/png, os/exec: some 20 s of CPU, a
# minute on a busy machine) into an empty build cache first, as a fresh CI
# machine has; else the newest. Warm, any builds it in under a second.
set -u
out=${1:?usage: build.sh OUTPUT}
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=
cd "$(dirname "$0")" || exit 1

# has_compiled_std GO: whether GO's standard library comes compiled.
has_compiled_std() {
	root=$("$1" env GOROOT 2>/dev/null) && os_arch=$("$1" env GOOS)_$("$1" env GOARCH) &&
		[ -f "$root/pkg/$os_arch/runtime.a" ]
}

if [ -z "${GO:-}" ]; then
	candidates=$(command -v go; ls -d /usr/lib/go-*/bin/go 2>/dev/null | sort -V -r)
	for g in $candidates; do
		if has_compiled_std "$g"; then GO=$g; break; fi
	done
	[ -n "${GO:-}" ] || GO=$(ls -d /usr/lib/go-*/bin/go 2>/dev/null | sort -V | tail -n 1)
	[ -n "${GO:-}" ] || GO=$(command -v go)
fi
[ -n "${GO:-}" ] && "$GO" version > /dev/null 2>&1 || exit 77
# (-buildvcs=false: no git stamp, so no git needed and a tarball builds
# alike; no -trimpath, which makes Go 1.19 compile its library again)
exec "$GO" build -buildvcs=false -o "$out" .
