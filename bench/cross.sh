#!/bin/sh
# cross.sh: what a cross build costs: the binary's size, stripped and
# not, beside the native one, and the relay's idle RSS under qemu-user
# beside that of a static program that only waits (qemu's own share).
# Usage: cross.sh ARCH XB TRIPLET, as `make bench-cross ARCH=...` calls
# it: XB/samizdat, XB/qemu/samizdat (its qemu wrapper), XB/tools/idle.
# A figure, never a test: only a relay that does not start fails.
set -u
ARCH=$1 XB=$2 XT=$3
IDLE_SECONDS=${IDLE_SECONDS:-5}

W=$(mktemp -d "${TMPDIR:-/tmp}/samizdat-cross.XXXXXX") || exit 1
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT

# size_of LABEL BINARY PREFIX: bytes as built and stripped, and the
# loaded parts (text, data, bss) that `size` counts; PREFIX picks the
# binutils (TRIPLET- or none).
size_of() {
	"${3}strip" -o "$W/stripped" "$2" || return 1
	set -- "$1" "$(stat -c %s "$2")" "$(stat -c %s "$W/stripped")" \
	    "$("${3}size" "$2" | awk 'NR == 2 { print $1 + $2 + $3 }')"
	printf '  %-7s %9d bytes, %9d stripped, %9d text+data+bss\n' \
	    "$1" "$2" "$3" "$4"
}

# rss PID: resident set and its peak, in KiB, from /proc.
rss() {
	awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 }
	    END { printf "%6d KiB (peak %d KiB)", r, h }' "/proc/$1/status"
}
# guest_files PID: the part of a qemu process's RSS in files of the
# emulated program: its binary and the ARCH's libraries.
guest_files() {
	awk -v bin="$(cd "$XB" && pwd)/samizdat" -v lib="/$XT/" '
	    /^[0-9a-f]+-[0-9a-f]+ / { f = ($6 == bin || index($6, lib)) }
	    /^Rss:/ && f { n += $2 } END { printf "%6d KiB", n }' \
	    "/proc/$1/smaps"
}
ms() { date +%s%3N; }

echo "samizdat binary sizes"
[ -x build/samizdat ] && size_of "$(dpkg --print-architecture)" \
    build/samizdat ""
size_of "$ARCH" "$XB/samizdat" "$XT-" || exit 1

# The relay on a fresh data dir, loopback only, no mDNS: ready when a
# sync with it works, then left idle.
port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000 ))
S=$XB/qemu/samizdat
$S -q -d "$W/d" init >/dev/null 2>&1 || { echo "init failed" >&2; exit 1; }
$S -d "$W/d" serve --listen 127.0.0.1:$port --no-discovery \
    >/dev/null 2>"$W/serve.log" &
relay=$!
pids="$pids $relay"
t0=$(ms)
i=0
while ! $S -q -d "$W/probe" sync --down --filter '{"kinds":[65535]}' \
    ws://127.0.0.1:$port/ >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "relay did not start:" >&2
		cat "$W/serve.log" >&2; exit 1; }
	sleep 0.2
done
echo "relay under qemu-user ($ARCH): answered after $(( $(ms) - t0 )) ms;" \
    "RSS of the qemu process after $IDLE_SECONDS s idle"
sleep "$IDLE_SECONDS"
printf '  %-28s %s\n' "samizdat serve ($ARCH)" "$(rss $relay)"
printf '  %-28s %s\n' "  in $ARCH files" "$(guest_files $relay)"

"$XB/qemu/tools/idle" &
idle=$!
pids="$pids $idle"
sleep 1
printf '  %-28s %s\n' "static idle program ($ARCH)" "$(rss $idle)"

if [ -x build/samizdat ]; then
	build/samizdat -q -d "$W/n" init >/dev/null 2>&1
	port=$((port + 1))
	build/samizdat -d "$W/n" serve --listen 127.0.0.1:$port \
	    --no-discovery >/dev/null 2>&1 &
	native=$!
	pids="$pids $native"
	sleep "$IDLE_SECONDS"
	printf '  %-28s %s\n' "samizdat serve (native)" "$(rss $native)"
fi
