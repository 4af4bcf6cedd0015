#!/usr/bin/env bash
# Installs what pprof-tools needs to build and test on Debian 12 (as root, or
# through sudo): the toolchain (C, and C++ for libpprof's shim over RE2),
# protobuf-c, RE2, zlib, Check, Go (its `go tool
# pprof` is what the interoperability tests compare with), and mandoc,
# valgrind, clang with libFuzzer, clang-format (make format-check), jq,
# xmllint (libxml2-utils: the flame graph's SVG is well-formed) and
# bash-completion (where completions install) for the checks; chromium, in
# which tests/cli/flame-browser.sh opens the flame graphs (headless), and a
# font for its screenshots (fontconfig pulls one in anyway; named, since
# --no-install-recommends leaves out chromium's fonts-liberation).
#
# Go: Debian 12's golang-go is Go 1.19, and some checks need a newer one (the
# PGO checks run `go tool preprofile`, which came with Go 1.23), so Go 1.23
# comes from Debian's bookworm-backports suite. Its entry is derived from the
# machine's own Debian entry (deb822 or one-line), so no host is named here.
# When it cannot be had, a message says so and the tests use Go 1.19: the
# checks that need a newer Go are skipped, each naming the version it needs.
# (--go-backports, which used to ask for Go 1.23, is accepted and changes
# nothing.)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
for arg; do
	case $arg in
	--go-backports) ;;
	*) echo "usage: $0 [--go-backports]" >&2; exit 2 ;;
	esac
done
if [ "$(id -u)" != 0 ]; then
	exec sudo "$0" "$@"   # root runs it as it is: a bare Debian may have no sudo
fi

packages=(
	build-essential autoconf automake libtool pkg-config
	protobuf-c-compiler libprotobuf-c-dev zlib1g-dev libre2-dev check
	golang-go mandoc valgrind clang libclang-rt-14-dev clang-format time bsdutils jq
	libxml2-utils bash-completion
	strace
	chromium fonts-dejavu-core
)

apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

# add_backports: adds an entry for bookworm-backports next to the machine's
# Debian entry, unless there is one; fails when there is nothing to derive
# it from.
add_backports() {
	local src=/etc/apt/sources.list.d/debian.sources
	grep -qs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources && return 0
	if [ -f "$src" ]; then
		awk '/^(Types|URIs|Components|Signed-By):/ { print; next }
		     /^Suites:/ { print "Suites: bookworm-backports"; next }
		     /^$/ { exit }' "$src" > /etc/apt/sources.list.d/bookworm-backports.sources
	elif grep -qs '^deb .* bookworm ' /etc/apt/sources.list; then
		sed -n 's/^\(deb .* \)bookworm \(.*\)$/\1bookworm-backports \2/p' /etc/apt/sources.list |
			head -n 1 > /etc/apt/sources.list.d/bookworm-backports.list
	else
		return 1
	fi
	apt-get update -qq
}

if add_backports && apt-get install -y -qq --no-install-recommends -t bookworm-backports \
		golang-1.23-go >/dev/null; then
	echo "install-deps: $(/usr/lib/go-1.23/bin/go version)"
else
	echo "install-deps: Go 1.23 from bookworm-backports is not available; the tests use" \
		"$(go version) and skip the checks that need a newer Go" >&2
fi
