#!/bin/sh
# archive.sh: the evidence archive's figures (docs/archive.md): writing
# and verifying an archive of N events naming M media files, wall time and
# peak RSS of each.  Usage: archive.sh BUILD_DIR (build/samizdat and
# build/tools/gen), as `make bench-archive` calls it.
#
#	BENCH_ARCHIVE_EVENTS	events (default 1000000)
#	BENCH_ARCHIVE_MEDIA	media files (default 10000)
#
# The goal: RSS bounded, not growing with the events; the ceiling we
# report against is 64 MB, the import's.  Not a test: figures are printed,
# a slow one is never failed; a broken run exits non-zero.
set -u
B=${1:-build}
N=${BENCH_ARCHIVE_EVENTS:-1000000}
M=${BENCH_ARCHIVE_MEDIA:-10000}
S=$(cd "$B" && pwd)/samizdat
GEN=$(cd "$B" && pwd)/tools/gen
W=$(mktemp -d "${TMPDIR:-/tmp}/samizdat-bench-archive.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT
die() { echo "bench archive: $*" >&2; exit 1; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"${2:-%s}\", $1 }"; }

# timed NAME CMD...: runs CMD; prints wall seconds and peak RSS (KiB).
timed() {
	name=$1
	shift
	t0=$(now)
	/usr/bin/time -f '%M' -o "$W/time" nice "$@" >"$W/out" 2>"$W/err" ||
	    { cat "$W/err" "$W/out" >&2; die "$name failed"; }
	wall=$(calc "$(now) - $t0" %.1f)
	rss=$(tail -n 1 "$W/time")
	printf '  %-8s %8s s   peak RSS %6.1f MB\n' "$name" "$wall" \
	    "$(calc "$rss / 1024" %.1f)"
}

echo "== bench archive: $N events, $M media files"
mkdir -p "$W/d/blobs"
GEN_MEDIA=$M GEN_BLOBS="$W/d/blobs" "$GEN" "$N" 17 > "$W/ev.jsonl" ||
    die "gen failed"
"$S" -q -d "$W/d" init >/dev/null || die "init failed"
"$S" -q -d "$W/d" import "$W/ev.jsonl" 2>"$W/err" ||
    { cat "$W/err" >&2; die "import failed"; }
rm -f "$W/ev.jsonl"
timed archive "$S" -q -d "$W/d" archive "$W/out.d"
head -n 1 "$W/out"
timed verify "$S" archive verify "$W/out.d"
head -n 1 "$W/out" | cut -c1-100
echo "  archive: $(du -sm "$W/out.d" | cut -f1) MB on disk"
