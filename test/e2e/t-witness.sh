# t-witness.sh: samizdat vouch and samizdat witnesses: the operator's
# vouch stored as a NIP-32 label, listed, revoked in the same second (the
# revoke must win), refused for itself or a bad key; a report's witnesses
# in words and JSON, for the node and as a reader.
. "$(dirname "$0")/lib.sh"
D=$TMP/node
O=$TMP/other

expect_exit 0 $S -d $D init
me=$(sed -n 2p out.txt)
expect_exit 0 $S -d $O init
them=$(sed -n 2p out.txt)
expect_exit 0 $S -d $O post "Water is cut in Samal-2"
id=$(sed 's/^{"id":"\([0-9a-f]*\)".*/\1/' out.txt)
$S -d $O export | $S -d $D import - >/dev/null 2>&1 || die "import failed"

# Vouch: a label with one p tag, the comment as content; listed.
expect_exit 0 $S -d $D vouch -m "met at the water queue" $them
expect_in out.txt '["L","samizdat.witness"],["l","vouch","samizdat.witness"],["p","'
expect_in out.txt '"content":"met at the water queue"'
expect_in err.txt "vouching for $them"
expect_exit 0 $S -d $D query '{"kinds":[1985]}'
[ "$(lines out.txt)" = 1 ] || die "the vouch is not stored"
expect_exit 0 $S -d $D vouch --list
expect_in out.txt "$them"
expect_in out.txt "met at the water queue"
# Revoked right away: the revoke is dated later and wins.
expect_exit 0 $S -d $D vouch --revoke $them
expect_in out.txt '"l","revoke","samizdat.witness"'
expect_exit 0 $S -d $D vouch --list
[ "$(lines out.txt)" = 0 ] || die "the revoked vouch is still listed"
expect_in err.txt "vouches for nobody"
expect_exit 0 $S -d $D vouch $them

# Refused: oneself, a bad key, a comment too long, no argument.
expect_exit 2 $S -d $D vouch $me
expect_in err.txt "this node's own key"
expect_exit 2 $S -d $D vouch npub1nope
expect_in err.txt "is not a key"
long=$(head -c 2001 /dev/zero | tr '\0' x)
expect_exit 2 $S -d $D vouch -m "$long" $them
expect_in err.txt "longer than 2000 bytes"
expect_exit 2 $S -d $D vouch

# Witnesses of the report: nobody yet; in words and JSON.
expect_exit 0 $S -d $D witnesses $id
expect_in out.txt "report $id"
expect_in out.txt "state: unverified"
expect_in out.txt "confirmed by nobody"
expect_in out.txt "rule: "
expect_exit 0 $S -d $D witnesses --json $id
expect_in out.txt '"state":"unverified"'
expect_in out.txt '"author":{"pubkey":"'
# Its author is someone the node vouched for.
expect_in out.txt '"level":"hop1"'
expect_exit 0 $S -d $D witnesses --as $them --json $id
expect_in out.txt '"level":"own"'
expect_exit 2 $S -d $D witnesses nope
expect_in err.txt "is not an event id"
expect_exit 2 $S -d $D witnesses --as nope $id
echo ok
