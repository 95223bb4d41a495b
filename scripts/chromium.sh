#!/bin/sh
# chromium.sh [WHAT]: makes sure Debian's Chromium is at $CHROMIUM (default
# /usr/bin/chromium) for the page tests and benchmarks: installs it with
# apt-get when missing and run as root; otherwise says how.
set -e
what=${1:-the page tests}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "samizdat: installing chromium for $what" >&2
	apt-get install -y -qq chromium >/dev/null 2>&1 || {
		apt-get update -qq >/dev/null 2>&1
		apt-get install -y -qq chromium >/dev/null
	}
fi
if [ ! -x "$CHROMIUM" ]; then
	echo "samizdat: $what need $CHROMIUM: apt-get install chromium" >&2
	exit 1
fi
