#!/bin/sh
# web.sh OUT.gz: builds the offline web page from web/ (npm ci when the
# lock file changed, then esbuild through web/build.mjs) into one HTML
# file, and gzips it and the gazetteer beside it (places.json.gz) for
# embedding (src/core/web_page.S), with the page's Content-Security-Policy
# (csp.txt), and the archive viewer (viewer.html.gz).
set -eu
out=$1
dir=$(dirname "$out")
mkdir -p "$dir"
scripts/npm-ci.sh web "the web page's build"
node web/build.mjs "$dir/index.html"
gzip -9n -c "$dir/places.json" > "$dir/places.json.gz.tmp"
mv "$dir/places.json.gz.tmp" "$dir/places.json.gz"
# The archive viewer (docs/archive.md), embedded beside the page.
gzip -9n -c "$dir/viewer.html" > "$dir/viewer.html.gz.tmp"
mv "$dir/viewer.html.gz.tmp" "$dir/viewer.html.gz"
# The page's Content-Security-Policy, sent as a header too (src/core/http.c).
sed -n 's/.*<meta http-equiv="Content-Security-Policy" content="\([^"]*\)".*/\1/p' \
    "$dir/index.html" | head -n 1 | tr -d '\n' > "$dir/csp.txt.tmp"
if [ ! -s "$dir/csp.txt.tmp" ]; then
	echo "samizdat: the built page has no Content-Security-Policy" >&2
	exit 1
fi
mv "$dir/csp.txt.tmp" "$dir/csp.txt"
gzip -9n -c "$dir/index.html" > "$out.tmp"
mv "$out.tmp" "$out"
