#!/bin/sh
# deps.sh: make sure the Debian packages samizdat builds and tests with are
# installed.  Installs what is missing with apt-get (as root) or sudo;
# otherwise prints the list and fails.
# Usage: deps.sh build|test|fuzz, or deps.sh cross arm64|armhf
# The cross mode adds the Debian architecture (dpkg --add-architecture),
# then installs the cross toolchain, qemu-user and the arch's -dev
# packages of every library samizdat links (mk/cross.mk uses them).
set -eu

build="build-essential pkg-config libsecp256k1-dev libsqlite3-dev libssl-dev
libjansson-dev libwebsockets-dev libavahi-core-dev libqrencode-dev zlib1g-dev
nodejs npm"
test_pkgs="libcmocka-dev sqlite3 jq iproute2 procps curl"
fuzz_pkgs="clang libclang-rt-14-dev"
# The -dev packages of build and test, for the target architecture.
# libwebsockets is apart: see below.
cross_libs="libsecp256k1-dev libsqlite3-dev libssl-dev libjansson-dev
libavahi-core-dev libqrencode-dev zlib1g-dev libcmocka-dev"
installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

arch=""
case "${1:-build}" in
test)	want="$build $test_pkgs";;
fuzz)	want="$build $fuzz_pkgs";;
cross)
	arch=${2:-}
	case "$arch" in
	arm64|armhf) ;;
	*)	echo "usage: deps.sh cross arm64|armhf" >&2; exit 2;;
	esac
	# On the host: the toolchain, qemu (its binfmt handlers are not
	# needed: mk/cross.mk calls qemu itself), node and npm for the
	# page, and the tools the end-to-end tests run.  pkgconf:ARCH
	# gives TRIPLET-pkg-config.
	want="crossbuild-essential-$arch qemu-user pkgconf:$arch nodejs npm
sqlite3 jq procps"
	for p in $cross_libs; do want="$want $p:$arch"; done
	# Debian 12's libwebsockets-dev is Multi-Arch: same, but its
	# lws_config.h differs between architectures (LWS_INSTALL_LIBDIR),
	# so dpkg refuses a second one.  Take the host's headers (the rest
	# is the same) and the arch's run-time library, which mk/cross.mk
	# links by path; a host that has libwebsockets-dev:ARCH keeps it.
	if ! installed "libwebsockets-dev:$arch"; then
		lws=$(apt-cache show libwebsockets-dev 2>/dev/null | sed -n \
		    's/^Depends: \(libwebsockets[0-9][0-9]*\) .*/\1/p' |
		    head -n 1)
		want="$want libwebsockets-dev ${lws:-libwebsockets17}:$arch"
	fi;;
*)	want=$build;;
esac

missing=""
for p in $want; do
	installed "$p" || missing="$missing $p"
done
# A machine may have node and npm from elsewhere; accept those.
case "$missing" in *nodejs*|*npm*)
	if command -v node >/dev/null && command -v npm >/dev/null; then
		missing=$(echo "$missing" | sed 's/ nodejs//g; s/ npm//g')
	fi;;
esac
[ -z "$missing" ] && exit 0

echo "samizdat: installing Debian packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo"
else
	echo "samizdat: cannot install packages (not root, no sudo)." >&2
	echo "Install them yourself, then run make again:" >&2
	[ -n "$arch" ] && echo "  dpkg --add-architecture $arch && apt-get update" >&2
	echo "  apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ -n "$arch" ] && [ "$arch" != "$(dpkg --print-architecture)" ] &&
    ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
	echo "samizdat: adding the Debian architecture $arch to this host" \
	    "(dpkg --add-architecture $arch): apt-get update will fetch" \
	    "$arch package lists from now on; undo with" \
	    "dpkg --remove-architecture $arch once no $arch package is left" >&2
	$SUDO dpkg --add-architecture "$arch"
fi
# Wait for another apt (unattended-upgrades on a freshly booted Pi).
lock="-o DPkg::Lock::Timeout=300"
# shellcheck disable=SC2086
$SUDO apt-get $lock update -qq >/dev/null 2>&1 || $SUDO apt-get $lock update
# shellcheck disable=SC2086
$SUDO apt-get $lock install -y -qq --no-install-recommends $missing >/dev/null ||
    $SUDO apt-get $lock install -y --no-install-recommends $missing
