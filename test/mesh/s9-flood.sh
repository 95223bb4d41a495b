#!/bin/bash
# s9-flood.sh BIN: a line A - B - C with the flood defence on (default
# quotas), the operators vouching for each other's nodes, and A's for an
# honest person's key H (flood-lib.sh).  For 15 s, 200 fresh keys flood A
# from a host on A's Wi-Fi over 16 connections, as fast as A answers;
# meanwhile a phone there posts a report signed with H and one signed
# with a new, unknown key (mined to the difficulty A asks) every second,
# and the page on A is loaded every 2 s.  Behaviour, not timing:
#   - every report of the vouched key, and of the unknown keys, reaches
#     an observer subscribed at C;
#   - A took part of the flood and kept the rest off (held or refused);
#   - C stores no more flood events than A's forwarding share lets
#     through (source_forward: one address, no proof of work);
#   - every page load on A is answered 200, and a note posted on A after
#     the flood still reaches C.
# bench/flood.sh is the same at 1,000 keys with the figures.
BIN=$(realpath "${1:-build/samizdat}")
SCEN=s9-flood
KEYS=${KEYS:-200}
CONNS=${CONNS:-16}
SECS=${SECS:-15}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/flood-lib.sh"
mesh_setup

# B and C ask at least 12 bits of unvouched sources, more than A asks
# of the unknown key at first: its reports reach C only if B and C see
# that a vouched node brings them, on the links they called too.
FLOOD_CONF_BC="pow_min = 12" flood_line 1
FLOOD_PRESIGN=${FLOOD_PRESIGN:-2000} flood_run "$KEYS" "$CONNS" "$SECS"

for who in vouched fresh; do
	n=$(jq --arg w "$who" '[.[] | select(.who == $w)] | length' \
	    "$T/post.json")
	[ "$n" -ge 5 ] || mesh_fail "the phone posted only $n $who reports"
done
m=$(flood_missing vouched)
[ "$m" = 0 ] || mesh_fail "$m vouched reports never reached C:" \
    "$(flood_refusals vouched)"
# The unknown key's: each was taken by A at the difficulty A asked then.
# B and C ask more, but no work of what a vouched node brings -- on a
# link they called too, where the node called proved its key (nip42.h):
# every one must arrive.
nf=$(jq '[.[] | select(.who == "fresh")] | length' "$T/post.json")
mf=$(flood_missing fresh)
[ "$mf" = 0 ] || mesh_fail "$mf of $nf unknown keys'" \
    "reports never reached C: $(flood_refusals fresh)"

kept=$(jq '.held + ([.refused[]] | add // 0)' "$T/flood.json")
[ "$FLOOD_TAKEN" -gt 0 ] || mesh_fail "A took none of the flood"
[ "$kept" -gt 0 ] ||
    mesh_fail "A held or refused none of the flood ($FLOOD_SENT sent)"
[ "$FLOOD_A" -le "$Q_SRC" ] ||
    mesh_fail "A stores $FLOOD_A flood events, over source_events $Q_SRC"
[ "$FLOOD_C" -le "$ALLOW_C" ] ||
    mesh_fail "C stores $FLOOD_C flood events, over the $ALLOW_C" \
    "that A's forwarding share allows"
# Only a flood past A's forwarding share can show that the share holds:
# below it (a slow machine, a sanitizer build) A passes on all it took.
[ "$FLOOD_A" -le "$ALLOW_C" ] || [ "$FLOOD_C" -lt "$FLOOD_A" ] ||
    mesh_fail "C stores as many flood events as A ($FLOOD_C)"
loads=$(jq length "$T/page.json")
bad=$(jq '[.[] | select(.status != 200)] | length' "$T/page.json")
[ "$loads" -ge 1 ] && [ "$bad" = 0 ] ||
    mesh_fail "the page on A: $bad of $loads loads not answered 200"
a=$(node_post 1 "s9: after the flood")
wait_ids 20 "$a" -- 3 >/dev/null ||
    mesh_fail "a note posted on A after the flood did not reach C"

echo "ok s9-flood: $KEYS fresh keys, $FLOOD_SENT events in ${FLOOD_SECS}s:" \
    "A stored $FLOOD_A, C $FLOOD_C (at most $ALLOW_C); every" \
    "vouched report on C, and all $nf unknown keys'; $loads page" \
    "loads all 200" \
    "(difficulty $(flood_bits) asked of the unknown key)"
