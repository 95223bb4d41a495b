# t-archive.sh: evidence archives (docs/archive.md): written as a
# directory, a tar and sealed for a key; verified; and every tampering
# case named by verify with its own message and a non-zero exit: a byte
# changed in an event, a media file, a custody line or a source line; a
# file removed or added; the manifest re-signed by another key.  The
# custody log in the store refuses edits.
. "$(dirname "$0")/lib.sh"
A=$TMP/a
expect_exit 0 $S -d $A init
nodeA=$(sed -n 2p out.txt)
expect_exit 0 $S -d $TMP/b init
nodeB=$(sed -n 2p out.txt)
expect_exit 0 $S -d $TMP/c init

# A blob store as the blob branch lays it out: blobs/ab/<sha256>.
blob() {	# blob NAME TEXT: a file in the store, its hash printed
	printf '%s' "$2" > "$1"
	h=$(sha256sum "$1" | cut -c1-64)
	mkdir -p $A/blobs/$(echo "$h" | cut -c1-2)
	cp "$1" $A/blobs/$(echo "$h" | cut -c1-2)/$h
	echo "$h"
}
pub=$(blob pub.jpg "public photo bytes")
orig=$(blob orig.jpg "original photo bytes with GPS")
gone=$(printf 'never here' | sha256sum | cut -c1-64)

$GEN 40 7 > feed.jsonl
expect_exit 0 $S -d $A import feed.jsonl
expect_exit 0 $S -d $A post -t t=news "Road to the airport is blocked"
expect_exit 0 $S -d $A post -t x=$pub -t ox=$orig "Photo from the square"
photo=$(jq -r .id out.txt)
expect_exit 0 $S -d $A post -t x=$gone "A photo this node never got"
expect_exit 0 $S -d $A post -k 1985 -t e=$photo -t L=samizdat \
    -t l=confirmed "I saw it too"

# The custody log is append-only in the store.
if command -v sqlite3 >/dev/null; then
	if sqlite3 $A/events.db "UPDATE custody SET at = 0 WHERE seq = 1" \
	    2>err.txt; then
		die "the store let a custody line be changed"
	fi
	expect_in err.txt "append-only"
	if sqlite3 $A/events.db "DELETE FROM custody" 2>err.txt; then
		die "the store let the custody log be deleted"
	fi
fi

# A directory: every event, byte-exact; public media only.
expect_exit 0 $S -d $A archive out
expect_in out.txt "44 events, 44 custody lines (0 stubs), 1 media files"
$S -d $A export | sort > stored.jsonl
sort out/events.jsonl | cmp - stored.jsonl ||
    die "the archive's events are not the stored ones byte for byte"
cmp out/media/$pub pub.jpg || die "the public photo is not in the archive"
[ ! -e out/media/$orig ] || die "a public archive holds an original"
expect_in out/media.jsonl "\"sha256\":\"$orig\",\"role\":\"original\",\"held\":false,\"why\":\"original\""
expect_in out/media.jsonl "\"sha256\":\"$gone\",\"role\":\"public\",\"held\":false,\"why\":\"absent\""
expect_in out/README.txt "samizdat archive verify"
expect_in out/README.txt "АРХИВ СВИДЕТЕЛЬСТВ"
expect_in out/README.txt "ДӘЛЕЛДЕР МҰРАҒАТЫ"
expect_in out/README.txt "samizdat archive verify --roots FILE"
expect_in out/README.txt "корень журнала"
expect_in out/README.txt "сақтау түбіріне"
expect_in out/index.html 'id="archive-data"'
[ "$(jq -r .kind out/manifest.json)" = 4920 ] || die "manifest kind"
expect_exit 0 $S archive verify out
expect_in out.txt "OK out: 44 events, 44 custody lines, 1 media files"
expect_exit 0 $S archive verify --node $nodeA out
# The manifest's file hashes are what sha256sum says.
jq -r '.content | fromjson | .files[] | "\(.sha256)  \(.name)"' \
    out/manifest.json > sums
(cd out && sha256sum -c --quiet ../sums) || die "sha256sum disagrees"
expect_exit 2 $S -d $A archive
expect_exit 1 $S -d $A archive out
expect_in err.txt "already there"

# A filter: the witness marks only; the other lines as stubs.
expect_exit 0 $S -d $A archive --filter '{"kinds":[1985]}' marks
expect_in out.txt "1 events, 1 custody lines (43 stubs)"
expect_exit 0 $S archive verify marks
[ "$(jq -r '.content | fromjson | .filter' marks/manifest.json)" = \
    '{"kinds":[1985]}' ] || die "the filter is not in the manifest"

# One tar file, readable by tar(1) too.
expect_exit 0 $S -d $A archive --tar out.tar
expect_exit 0 $S archive verify out.tar
tar tf out.tar > list.txt
expect_in list.txt "out/manifest.json"
expect_in list.txt "out/media/$pub"

# Sealed for B: only B's key opens it, and it holds the original.
expect_exit 0 $S -d $A archive --for $nodeB sealed.bin
expect_exit 1 $S archive verify sealed.bin
expect_in out.txt "is sealed for one key"
expect_exit 1 $S -d $A archive open sealed.bin nope.tar
expect_in err.txt "not for this key"
[ ! -e nope.tar ] || die "a failed open left a file"
expect_exit 0 $S -d $TMP/b archive open sealed.bin opened.tar
expect_exit 0 $S archive verify opened.tar
tar xf opened.tar
cmp sealed/media/$orig orig.jpg || die "the sealed archive lacks the original"
# A changed byte in a sealed archive fails its MAC.
cp sealed.bin bad.bin
printf 'X' | dd of=bad.bin bs=1 seek=2000 conv=notrunc 2>/dev/null
expect_exit 1 $S -d $TMP/b archive open bad.bin bad.tar
expect_in err.txt "fails its MAC"

# One report alone, with its mark, custody, photo and Merkle proof.
expect_exit 0 $S archive extract out.tar $photo one
expect_exit 0 $S archive verify one
expect_in out.txt "OK one: an extract, every item proven against root"
[ "$(lines one/events.jsonl)" = 2 ] || die "the extract lacks the mark"
[ "$(lines one/custody.jsonl)" = 2 ] || die "the extract lacks custody"
cmp one/media/$pub pub.jpg || die "the extract lacks the photo"
expect_exit 1 $S archive extract out 0000000000000000000000000000000000000000000000000000000000000000 none
expect_in err.txt "no event with that id"
rm -rf one2 && cp -r one one2
sed -i '1s/"content":"./"content":"#/' one2/events.jsonl
printf 'X' | dd of=one2/media/$pub bs=1 seek=1 conv=notrunc 2>/dev/null
echo '{}' > one2/planted.json
expect_exit 1 $S archive verify one2
expect_in out.txt "FAIL events.jsonl line 1: its Merkle path does not lead to the signed root (it was changed)"
expect_in out.txt "FAIL media/$pub: its bytes do not match its name"
expect_in out.txt "FAIL planted.json: added"
rm -rf one2 && cp -r one one2
sed -i '2d' one2/custody.jsonl
expect_exit 1 $S archive verify one2
expect_in out.txt "FAIL custody.jsonl line 2: proof.json proves it, but it is not in the extract (removed)"

# Tampering: each case on a fresh copy, each named.
fresh() { rm -rf t && cp -r out t; }
verify_fails() {	# verify_fails TEXT...: verify t fails saying each
	expect_exit 1 $S archive verify t
	for want in "$@"; do
		expect_in out.txt "$want"
	done
}

fresh	# a byte changed in an event
sed -i '2s/"content":"./"content":"#/' t/events.jsonl
id2=$(sed -n 2p t/events.jsonl | jq -r .id)
verify_fails "FAIL events.jsonl line 2: event $id2: its id does not match its content" \
    "FAIL events.jsonl: changed" "FAIL the Merkle root"

fresh	# a byte changed in a media file
printf 'X' | dd of=t/media/$pub bs=1 seek=3 conv=notrunc 2>/dev/null
verify_fails "FAIL media/$pub: changed" \
    "FAIL media/$pub: its bytes do not match its name"

fresh	# a byte changed in a custody line (its time)
sed -i '3s/"at":1/"at":2/' t/custody.jsonl
verify_fails "FAIL custody.jsonl line 3 (seq 3) was changed" \
    "FAIL custody.jsonl: changed"

fresh	# the last custody line changed
sed -i '$s/"via":"post"/"via":"peer"/' t/custody.jsonl
verify_fails "FAIL custody.jsonl: the chain ends at seq 44"

fresh	# a custody line removed
id5=$(sed -n 5p t/events.jsonl | jq -r .id)
sed -i '5d' t/custody.jsonl
verify_fails "FAIL custody.jsonl line 5: seq 6 where seq 5 belongs" \
    "FAIL events.jsonl line 5: event $id5 has no custody line (its line was removed)"

fresh	# an event removed
id5=$(sed -n 5p t/events.jsonl | jq -r .id)
sed -i '5d' t/events.jsonl
verify_fails "FAIL custody.jsonl line 5 (seq 5) names event $id5, which is not in events.jsonl where it belongs (the event was removed)"

fresh	# a source line changed
sed -i '1s/"from":"[^"]*"/"from":"elsewhere"/' t/custody-sources.jsonl
verify_fails "FAIL custody-sources.jsonl line 1 (seq 1) was changed"

fresh	# a file removed
rm t/media/$pub t/README.txt
verify_fails "FAIL media/$pub: missing" "FAIL README.txt: missing"

fresh	# a file added
echo planted > t/media/extra.jpg
verify_fails "FAIL media/extra.jpg: added"

fresh	# the manifest re-signed by another key, content unchanged
content=$(jq -r .content out/manifest.json)
$S -d $TMP/c post -k 4920 "$content" > t/manifest.json
verify_fails "FAIL manifest.json: signed by npub" \
    "not by the node it names ($nodeA): re-signed by another key"

fresh	# re-signed with the node field changed too: --node catches it
chex=$($S -d $TMP/c post "probe" | jq -r .pubkey)
echo "$content" | jq -c ".node = \"$chex\"" > c.json
$S -d $TMP/c post -k 4920 "$(cat c.json)" > t/manifest.json
expect_exit 1 $S archive verify --node $nodeA t
expect_in out.txt "not by $nodeA (--node): re-signed by another key"

fresh	# a byte changed in the manifest itself
sed -i 's/samizdat 0/samizdat 9/' t/manifest.json
verify_fails "FAIL manifest.json: its id does not match its content"
echo ok
