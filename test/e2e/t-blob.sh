# t-blob.sh: photos and videos (docs/blobs.md) end to end on loopback:
# `blob put|get|ls` and `post --photo` (metadata out, imeta in), bad files
# refused with nothing kept, Blossom GET/HEAD/Range/OPTIONS and the
# refusals that need no key (the authorized paths are in
# test/relay/blossom.test.mjs, with a real Blossom client), a photo that
# travels A -> B over the mesh and A -> C to a Blossom bridge, a stick
# that carries it (and one whose file was tampered with), and the
# placeholder for a photo a report names that is not here, fetched from
# a peer once there is one.
. "$(dirname "$0")/lib.sh"
M=$(cd "$(dirname "$0")/../media" && pwd)

port() { echo $(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000 )); }
serve() {
	d=$1 p=$2; shift 2
	$S -d $d serve --listen 127.0.0.1:$p --no-discovery \
	    -o created_at_lower_limit=0 "$@" >/dev/null 2>$d.log &
	echo $! > $d.pid
	i=0
	while ! curl -s -o /dev/null http://127.0.0.1:$p/; do
		i=$((i + 1))
		[ $i -lt 50 ] || die "node $d on $p did not start: $(cat $d.log)"
		sleep 0.2
	done
}
stop() {
	kill "$(cat $1.pid)" && wait "$(cat $1.pid)" || die "node $1 did not exit cleanly: $(tail -5 $1.log)"
	rm -f $1.pid
	! grep -q "runtime error\|AddressSanitizer" $1.log || die "sanitizer report in $1.log"
}
cleanup() { for p in *.pid; do [ -f "$p" ] && kill "$(cat $p)" 2>/dev/null; done; true; }
trap cleanup EXIT
# wait_for CMD TEXT: up to 60 s until CMD's output holds TEXT.
wait_for() {
	i=0
	while ! sh -c "$1" 2>&1 | grep -qF -- "$2"; do
		i=$((i + 1))
		[ $i -lt 120 ] || { sh -c "$1" >&2 || true; die "'$2' never in '$1'"; }
		sleep 0.5
	done
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
hdr() { tr -d '\r' < "$1" | grep -i "^$2:" | head -1 | cut -d' ' -f2-; }

$S -d A init >/dev/null 2>&1
$S -d B init >/dev/null 2>&1
$S -d C init >/dev/null 2>&1
ls A/blobs >/dev/null 2>&1 && die "init made a blob store before any blob"

# --- the CLI ---------------------------------------------------------------
# A photo with GPS is refused as it is, and nothing is kept.
expect_exit 1 $S -d A blob put "$M/phone.jpg"
expect_in err.txt "blocked: the file still carries metadata"
expect_in err.txt "GPS position"
expect_in err.txt "post --photo"
expect_exit 0 $S -d A blob ls
expect_in out.txt "0 blobs here, 0 bytes"
[ -z "$(find A/blobs -type f)" ] || die "a refused file was kept: $(find A/blobs -type f)"
# Not a photo; a truncated one (the stripper's reason, no event made).
expect_exit 1 $S -d A blob put /etc/hostname
expect_in err.txt "unsupported: the file is not JPEG, PNG, WebP, MP4 or MOV"
head -c 9000 "$M/phone.jpg" > cut.jpg
expect_exit 1 $S -d A post --photo cut.jpg "a cut photo"
[ "$($S -d A export | wc -l)" = 0 ] || die "a post with a bad photo was stored"
[ -z "$(find A/blobs -type f)" ] || die "a truncated file was kept"
expect_exit 2 $S -d A post --alt "no photo" "text"
expect_exit 2 $S -d A blob get nothex

# post --photo: stripped losslessly, URL in the content, imeta with x, ox.
expect_exit 0 $S -d A post --photo "$M/phone.jpg" --alt "Police line at the bridge" \
    --photo "$M/location.mp4" "At the bridge"
cp out.txt ev.json
expect_in err.txt "removed EXIF: GPS position"
expect_in err.txt "QuickTime location"
ID=$(sed 's/^{"id":"\([0-9a-f]*\)".*/\1/' ev.json)
X=$(grep -o '"x [0-9a-f]*"' ev.json | head -1 | cut -c4-67)
V=$(grep -o '"x [0-9a-f]*"' ev.json | sed -n 2p | cut -c4-67)
expect_in ev.json "\"ox $(sha "$M/phone.jpg")\""
expect_in ev.json "\"ox $(sha "$M/location.mp4")\""
expect_in ev.json '"m image/jpeg"'
expect_in ev.json '"dim 480x320"'
expect_in ev.json '"alt Police line at the bridge"'
expect_in ev.json "\"content\":\"At the bridge\\nhttp://"
expect_in ev.json "/$X.jpg"
expect_in ev.json "/$V.mp4"
expect_exit 0 $S -d A blob get -o p.jpg $X
[ "$(sha p.jpg)" = "$X" ] || die "blob get gave other bytes than x names"
for s in SamizdatTestCam FixtureOne FIX0001 NobodyFixture "2026:01:05"; do
	! grep -q "$s" p.jpg || die "the stored photo still holds '$s'"
done
cmp -s p.jpg "$M/phone.jpg" && die "the stored photo is the original"
# The video as the stripper makes it, byte for byte.
expect_exit 0 $S -d A blob get -o v.mp4 $V
cmp v.mp4 "$M/location.stripped.mp4" || die "the stored video is not the stripped one"
expect_exit 0 $S -d A blob ls
expect_in out.txt "$X      "
expect_in out.txt "image/jpeg"
expect_in out.txt "video/mp4"
expect_in out.txt "here, uploaded here"
expect_in out.txt "2 blobs here"
expect_exit 0 $S -d A status $ID
expect_in out.txt "public $X: here (image/jpeg"
# --keep-metadata keeps an original, on this node.
expect_exit 0 $S -d A blob put --keep-metadata "$M/xmp-comment.jpg"
expect_in out.txt "$(sha "$M/xmp-comment.jpg")"
expect_in out.txt '["imeta","url http'
expect_in err.txt "as an original"
ORIG=$(sha "$M/xmp-comment.jpg")

# --- Blossom on the relay port --------------------------------------------
PA=$(port); PB=$(port); PC=$(port)
# C first: it is A's Blossom bridge.
serve C $PC
serve A $PA -o blossom_bridge=http://127.0.0.1:$PC -o blob_max_size=65536
U=http://127.0.0.1:$PA
curl -s -D h.txt -o g.jpg $U/$X.jpg
head -1 h.txt | grep -q " 200" || die "GET: $(head -1 h.txt)"
[ "$(sha g.jpg)" = "$X" ] || die "GET served other bytes"
[ "$(hdr h.txt content-type)" = image/jpeg ] || die "type: $(cat h.txt)"
[ "$(hdr h.txt access-control-allow-origin)" = "*" ] || die "no CORS"
[ "$(hdr h.txt x-content-type-options)" = nosniff ] || die "no nosniff"
[ "$(hdr h.txt etag)" = "\"$X\"" ] || die "etag"
curl -s -I -o h.txt $U/$X
head -1 h.txt | grep -q " 200" || die "HEAD: $(head -1 h.txt)"
[ "$(hdr h.txt content-length)" = "$(wc -c < p.jpg | tr -d ' ')" ] || die "HEAD length"
curl -s -D h.txt -o part -H "Range: bytes=100-199" $U/$X
head -1 h.txt | grep -q " 206" || die "Range: $(head -1 h.txt)"
[ "$(hdr h.txt content-range)" = "bytes 100-199/$(wc -c < p.jpg | tr -d ' ')" ] || die "content-range: $(cat h.txt)"
dd if=p.jpg bs=1 skip=100 count=100 2>/dev/null | cmp -s - part || die "Range gave other bytes"
curl -s -D h.txt -o /dev/null -H "Range: bytes=99999999-" $U/$X
head -1 h.txt | grep -q " 416" || die "past the end: $(head -1 h.txt)"
curl -s -D h.txt -o /dev/null $U/$(echo $X | tr 0-9a-f a-f0-9)
head -1 h.txt | grep -q " 404" || die "unknown: $(head -1 h.txt)"
hdr h.txt x-reason | grep -q "no blob with this hash" || die "unknown: $(cat h.txt)"
curl -s --path-as-is -D h.txt -o /dev/null "$U/../../../../etc/passwd"
head -1 h.txt | grep -q " 404\| 400" || die "a path from the request: $(head -1 h.txt)"
curl -s -X OPTIONS -D h.txt -o /dev/null $U/upload
head -1 h.txt | grep -q " 204" || die "OPTIONS: $(head -1 h.txt)"
hdr h.txt access-control-allow-headers | grep -q Authorization || die "preflight headers"
# Uploads need a BUD-11 token; an oversized one is refused before its body.
curl -s -X PUT -D h.txt -o /dev/null --data-binary @p.jpg $U/upload
head -1 h.txt | grep -q " 401" || die "upload without a token: $(head -1 h.txt)"
hdr h.txt x-reason | grep -q "^auth-required: " || die "no reason: $(cat h.txt)"
curl -s -X PUT -D h.txt -o /dev/null -H "Authorization: Nostr bm9wZQ" --data-binary @p.jpg $U/upload
head -1 h.txt | grep -q " 401" || die "a bad token: $(head -1 h.txt)"
hdr h.txt x-reason | grep -q "^invalid: " || die "bad token reason: $(cat h.txt)"
head -c 70000 /dev/zero > big
curl -s -X PUT -D h.txt -o /dev/null --data-binary @big $U/upload
head -1 h.txt | grep -q " 413" || die "oversized: $(head -1 h.txt)"
hdr h.txt x-reason | grep -q "larger than the size limit" || die "oversized reason"
curl -s -I -D h.txt -o /dev/null -H "X-SHA-256: $X" -H "X-Content-Length: 99999999" $U/upload
head -1 h.txt | grep -q " 413" || die "HEAD /upload oversized: $(head -1 h.txt)"
curl -s -I -D h.txt -o /dev/null -H "X-SHA-256: $X" -H "X-Content-Length: 1000" $U/upload
head -1 h.txt | grep -q " 401" || die "HEAD /upload without a token: $(head -1 h.txt)"
[ -z "$(find A/blobs/tmp -type f)" ] || die "a refused upload left $(find A/blobs/tmp -type f)"

# --- the photo travels ------------------------------------------------------
# To the bridge: C holds it, uploaded by A's node key; never the original.
wait_for "$S -d C blob ls" "$X"
wait_for "$S -d C blob ls" "$V"
wait_for "$S -d A status $ID" "accepted by   blossom http://127.0.0.1:$PC"
$S -d C blob ls > c.txt
! grep -q "$ORIG" c.txt || die "the original went to the bridge"
[ "$(sha C/blobs/$(echo $X | cut -c1-2)/$X)" = "$X" ] || die "the bridge holds other bytes"
# To B over the mesh, with the report.
serve B $PB -o peer=ws://127.0.0.1:$PA/
wait_for "$S -d B blob ls" "$X"
wait_for "$S -d B blob ls" "2 blobs here"
expect_exit 0 $S -d B status $ID
expect_in out.txt "public $X: here"
expect_in out.txt "received from peer    ws://127.0.0.1:$PA/"
curl -s -o b.jpg http://127.0.0.1:$PB/$X.jpg
[ "$(sha b.jpg)" = "$X" ] || die "B serves other bytes"
[ ! -e B/blobs/$(echo $ORIG | cut -c1-2)/$ORIG ] || die "the original went to B"
curl -s -o st.json http://127.0.0.1:$PA/api/status/$ID
expect_in st.json "\"blobs\":[{\"sha256\":\""
expect_in st.json "\"here\":true"
stop B
stop A
stop C

# --- a stick ----------------------------------------------------------------
$S -d stick init >/dev/null 2>&1
expect_exit 0 $S -d A sync stick
expect_in err.txt "blobs down: 0 copied, 0 refused; up: 2 copied, 0 refused"
[ "$(sha stick/blobs/$(echo $X | cut -c1-2)/$X)" = "$X" ] || die "the stick holds other bytes"
[ ! -e stick/blobs/$(echo $ORIG | cut -c1-2)/$ORIG ] || die "the original went to the stick"
$S -d D init >/dev/null 2>&1
expect_exit 0 $S -d D sync stick
expect_in err.txt "blobs down: 2 copied, 0 refused"
expect_exit 0 $S -d D blob get -o d.jpg $X
[ "$(sha d.jpg)" = "$X" ] || die "D holds other bytes"
expect_exit 0 $S -d D status $ID
expect_in out.txt "received from dir     stick"
# Again: nothing more to copy.
expect_exit 0 $S -d D sync stick
expect_in err.txt "blobs down: 0 copied, 0 refused; up: 0 copied, 0 refused"
# A stick's file that does not match its name is refused, and recorded.
f=stick/blobs/$(echo $X | cut -c1-2)/$X
printf 'X' | dd of=$f bs=1 seek=5000 conv=notrunc 2>/dev/null
$S -d E init >/dev/null 2>&1
expect_exit 0 $S -d E sync stick
expect_in err.txt "blobs down: 1 copied, 1 refused"
expect_in err.txt "the bytes do not match their hash"
expect_exit 1 $S -d E blob get -o e.jpg $X
expect_in err.txt "photo not on this node"
expect_exit 0 $S -d E status $ID
expect_in out.txt "refused by    dir     stick"
[ -z "$(find E/blobs/tmp -type f)" ] || die "a refused copy was left"

# A stick whose blobs/ is a symbolic link: nothing is written through it.
$S -d stick2 init >/dev/null 2>&1
mkdir elsewhere
ln -s "$(pwd)/elsewhere" stick2/blobs
expect_exit 1 $S -d A sync stick2
expect_in err.txt "blobs is not a directory of its own"
[ -z "$(find elsewhere -type f)" ] || die "a blob was written through the link: $(find elsewhere -type f)"

# --- the placeholder --------------------------------------------------------
PE=$(port); serve E $PE
curl -s -D h.txt -o ph.json http://127.0.0.1:$PE/$X.jpg
head -1 h.txt | grep -q " 404" || die "placeholder: $(head -1 h.txt)"
hdr h.txt x-reason | grep -q "photo not on this node" || die "placeholder reason: $(cat h.txt)"
expect_in ph.json "\"sha256\":\"$X\""
expect_in ph.json "\"reason\":\"photo not on this node\""
stop E
# With a peer that has it, E fetches it (the stick's bad copy forgotten).
PA=$(port); serve A $PA
serve E $PE -o peer=ws://127.0.0.1:$PA/
wait_for "$S -d E blob ls" "$X"
wait_for "$S -d E status $ID" "public $X: here"
curl -s -o e.jpg http://127.0.0.1:$PE/$X.jpg
[ "$(sha e.jpg)" = "$X" ] || die "E serves other bytes after the fetch"
stop E
stop A
echo ok
