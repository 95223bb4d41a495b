#!/bin/sh
# web.sh OUT.gz: builds the offline web page from web/ (npm ci when the
# lock file changed, then esbuild through web/build.mjs) into one HTML
# file, and gzips it and the gazetteer beside it (places.json.gz) for
# embedding (src/web_page.S).
set -eu
out=$1
dir=$(dirname "$out")
mkdir -p "$dir"
if ! command -v npm >/dev/null 2>&1; then
	echo "samizdat: building the web page needs node and npm:" >&2
	echo "  run 'make' (it installs them) or apt-get install nodejs npm" >&2
	exit 1
fi
if [ ! -f web/node_modules/.package-lock.json ] ||
    [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
	echo "samizdat: installing the web page's build tools (npm ci)" >&2
	(cd web && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
node web/build.mjs "$dir/index.html"
gzip -9n -c "$dir/places.json" > "$dir/places.json.gz.tmp"
mv "$dir/places.json.gz.tmp" "$dir/places.json.gz"
gzip -9n -c "$dir/index.html" > "$out.tmp"
mv "$out.tmp" "$out"
