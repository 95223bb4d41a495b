#!/bin/sh
# deps.sh: make sure the Debian packages samizdat builds and tests with are
# installed.  Installs what is missing with apt-get (as root) or sudo;
# otherwise prints the list and fails.  Usage: deps.sh build|test|fuzz
set -eu

build="build-essential pkg-config libsecp256k1-dev libsqlite3-dev libssl-dev
libjansson-dev libwebsockets-dev libavahi-core-dev libqrencode-dev zlib1g-dev
nodejs npm"
test_pkgs="libcmocka-dev sqlite3 jq iproute2 procps"
fuzz_pkgs="clang libclang-rt-14-dev"

case "${1:-build}" in
test)	want="$build $test_pkgs";;
fuzz)	want="$build $fuzz_pkgs";;
*)	want=$build;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
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
	echo "  apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || $SUDO apt-get update
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
    $SUDO apt-get install -y --no-install-recommends $missing
