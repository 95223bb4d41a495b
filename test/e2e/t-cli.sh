# t-cli.sh: init, keys, post, export, query, verify, help and usage errors.
. "$(dirname "$0")/lib.sh"
D=$TMP/node

expect_exit 0 $S -d $D init
expect_in out.txt "npub1"
expect_in out.txt "data dir: $D"
[ "$(stat -c %a $D/key)" = 600 ] || die "key file mode is not 0600"
npub=$(sed -n 2p out.txt)
# init again keeps the key.
expect_exit 0 $S -d $D init
[ "$(sed -n 2p out.txt)" = "$npub" ] || die "init replaced the key"
expect_exit 0 $S -d $D key show
[ "$(head -1 out.txt)" = "$npub" ] || die "key show differs from init"
expect_exit 1 $S -d $D key new
expect_in err.txt "exists already"
expect_exit 0 $S -d $D key show --secret
expect_in out.txt "nsec1"

# post: signed by the node key, stored, printed.
expect_exit 0 $S -d $D post -t t=news -t g=v9zw "Road to the airport is blocked"
cp out.txt post1.json
expect_in post1.json '"tags":[["t","news"],["g","v9zw"]]'
expect_exit 0 $S -d $D post -k 30023 -t d=report "Long report"
expect_exit 0 $S -d $D export
[ "$(lines out.txt)" = 2 ] || die "export should print 2 events"
expect_exit 0 $S -d $D query '{"#t":["news"]}'
cmp out.txt post1.json || die "query result differs from what post printed"
expect_exit 0 $S -d $D query '[{"kinds":[30023]},{"#t":["news"]}]'
[ "$(lines out.txt)" = 2 ] || die "two filters should OR"
expect_exit 0 $S -d $D query '{"search":"airport"}'
[ "$(lines out.txt)" = 1 ] || die "search should find the post"
$S -d $D export | $S verify || die "exported events do not verify"

# Usage errors and help.
expect_exit 2 $S --bogus
expect_in err.txt "unknown option --bogus"
expect_exit 2 $S frobnicate
expect_in err.txt "unknown command 'frobnicate'"
expect_exit 2 $S -d $D post
expect_in err.txt "usage: samizdat"
expect_exit 2 $S -d $D post -k 70000 x
expect_in err.txt "kind must be"
expect_exit 2 $S -d $D post -t novalue x
for c in init key post import export query verify sync serve mute unmute \
    policy; do
	expect_exit 0 $S $c --help
	expect_in out.txt "usage: samizdat [-d dir] $c"
done
expect_exit 0 $S --help
expect_exit 0 $S --version
expect_in out.txt "samizdat "
# Bad filters say why.
expect_exit 1 $S -d $D query '{"kinds":"x"}'
expect_in err.txt "invalid: malformed filter"
expect_exit 1 $S -d $D query '{"#p":["npub1abc"]}'
expect_in err.txt "64 lowercase hex"
expect_exit 1 $S -d $D query '{nope'
expect_in err.txt "filter:1:"
# No store yet: say what to do.
expect_exit 1 $S -d $TMP/empty export
expect_in err.txt "samizdat -d $TMP/empty init"
# SAMIZDAT_DIR is the default data dir.
SAMIZDAT_DIR=$D $S export > env.txt
[ "$(lines env.txt)" = 2 ] || die "SAMIZDAT_DIR not used"

# mute and unmute: the node's NIP-51 list (kind 10000), other entries kept.
M=$TMP/mutes
expect_exit 0 $S -d $M init
A=npub1sg6plzptd64u62a878hep2kev88swjh3tw00gjsfl8f237lmu63q0uf63m
B=3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d
expect_exit 2 $S -d $M mute nonsense
expect_in err.txt "not an npub or a hex public key"
expect_exit 0 $S -d $M mute $A
expect_in out.txt "names 1 keys"
expect_exit 0 $S -d $M mute $B
expect_in out.txt "names 2 keys"
expect_exit 0 $S -d $M mute $A
expect_in out.txt "already muted"
expect_exit 0 $S -d $M query '{"kinds":[10000]}'
[ "$(lines out.txt)" = 1 ] || die "one mute list, replaced"
expect_in out.txt '["p","82341f882b6eabcd2ba7f1ef90aad961cf074af15b9ef44a09f9d2a8fbfbe6a2"]'
expect_in out.txt '["p","'$B'"]'
expect_exit 0 $S -d $M unmute $A
expect_in out.txt "names 1 keys"
expect_exit 0 $S -d $M query '{"kinds":[10000]}'
grep -q 82341f882b6e out.txt && die "unmute left the key in the list"
expect_in out.txt '["p","'$B'"]'
expect_exit 0 $S -d $M unmute $A
expect_in out.txt "not muted"
# policy: the running node's state; none before it ran.
expect_exit 1 $S -d $M policy
expect_in err.txt "has not run with this data dir yet"
echo ok
