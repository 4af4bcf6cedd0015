#!/usr/bin/env bash
# Installs what pprof-tools needs to build and test on Debian 12 (as root, or
# through sudo):
# the toolchain (C, and C++ for libpprof's shim over RE2), protobuf-c, zlib,
# RE2, Check, Go (its `go tool pprof` is what the interoperability tests
# compare with), and mandoc, valgrind, clang with
# libFuzzer, jq and bash-completion (where completions install) for the checks. With --go-backports it also installs Go 1.23 from Debian's
# bookworm-backports suite (profiles with Function.start_line, `go tool
# preprofile`); the suite's entry is derived from the machine's own Debian
# entry, so no host is named here.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" != 0 ]; then
	exec sudo "$0" "$@"   # root runs it as it is: a bare Debian may have no sudo
fi

packages=(
	build-essential autoconf automake libtool pkg-config
	protobuf-c-compiler libprotobuf-c-dev zlib1g-dev libre2-dev check
	golang-go mandoc valgrind clang libclang-rt-14-dev time bsdutils jq
	bash-completion
	strace
)

apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

if [ "${1:-}" = --go-backports ]; then
	src=/etc/apt/sources.list.d/debian.sources
	dst=/etc/apt/sources.list.d/bookworm-backports.sources
	if [ ! -f "$dst" ] && [ -f "$src" ]; then
		awk '/^(Types|URIs|Components|Signed-By):/ { print; next }
		     /^Suites:/ { print "Suites: bookworm-backports"; next }
		     /^$/ { exit }' "$src" > "$dst"
		apt-get update -qq
	fi
	apt-get install -y -qq -t bookworm-backports golang-1.23-go >/dev/null ||
		echo "install-deps: Go 1.23 from bookworm-backports not available; using $(go version)" >&2
fi
