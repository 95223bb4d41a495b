#!/bin/bash
# s8-photo.sh BIN: a photo along a line A - B - C (as s2-line: B does not
# route).  A posts a report with a photo that carries a GPS position
# (`post --photo`); C must come to serve the photo, stripped, its bytes
# matching the hash in the report, fetched hop by hop (C cannot reach A)
# while the report itself went ahead; C's records say where it came from.
BIN=$(realpath "${1:-build/samizdat}")
SCEN=s8-photo
. "$(dirname "$0")/lib.sh"
mesh_setup

lan_new 1
lan_new 2
for i in 1 2 3; do node_new "$i"; done
node_link 1 1 eth0		# A
node_link 2 1 eth0		# B, LAN 1
node_link 2 2 eth1		# B, LAN 2
node_link 3 2 eth0		# C
ip netns exec "$(nsname n2)" sysctl -qw net.ipv4.ip_forward=0
ip netns exec "$(nsname n2)" sysctl -qw net.ipv6.conf.all.forwarding=0

t0=$(date +%s.%N)
for i in 1 2 3; do node_start "$i"; done
for i in 1 2 3; do node_ready "$i"; done

out=$(SAMIZDAT_DIR=${NODEDIR[1]} "$BIN" -q post --photo \
    "$ROOT/test/media/phone.jpg" --alt "s7" "s7: a photo from A" \
    2>"$T/post.err") || mesh_fail "post --photo on A: $(cat "$T/post.err")"
grep -q "removed EXIF: GPS position" "$T/post.err" ||
    mesh_fail "post --photo did not say what it removed: $(cat "$T/post.err")"
id=$(printf '%s\n' "$out" | jq -r .id)
x=$(printf '%s\n' "$out" |
    jq -r '.tags[0][] | select(startswith("x ")) | .[2:]')
[ ${#x} = 64 ] || mesh_fail "no x in the imeta tag: $out"
wait_ids 60 "$id" -- 1 2 3 >/dev/null ||
    mesh_fail "the report did not reach C within 60 s"

get() {
	ip netns exec "$(nsname "n$1")" curl -s -m 5 -o "$2" -w '%{http_code}' \
	    "http://$(addr "$1" "$3"):4848/$x"
}
p0=$(date +%s.%N)
for i in $(seq 600); do
	[ "$(get 3 "$T/c.jpg" 2)" = 200 ] && break
	sleep 0.1
done
[ "$(get 3 "$T/c.jpg" 2)" = 200 ] ||
    mesh_fail "C does not serve the photo 60 s after its report arrived"
secs=$(elapsed "$p0")
[ "$(sha256sum < "$T/c.jpg" | cut -d' ' -f1)" = "$x" ] ||
    mesh_fail "C serves bytes that are not the photo's"
for s in SamizdatTestCam NobodyFixture FIX0001; do
	grep -q "$s" "$T/c.jpg" && mesh_fail "the photo on C still holds $s"
done
cmp -s "$T/c.jpg" "$ROOT/test/media/phone.jpg" &&
    mesh_fail "C holds the original"
# B holds it too (the hop), and C says it came from a peer.
[ "$(get 2 "$T/b.jpg" 1)" = 200 ] || mesh_fail "B does not hold the photo"
"$BIN" -d "${NODEDIR[3]}" status "$id" > "$T/status.txt"
grep -q "public $x: here" "$T/status.txt" ||
    mesh_fail "C's status: $(cat "$T/status.txt")"
grep -q "received from peer" "$T/status.txt" ||
    mesh_fail "C's status names no peer: $(cat "$T/status.txt")"
echo "ok s8-photo: A's photo served by C ${secs}s after its report" \
    "arrived ($(elapsed "$t0")s from start), through B"
