#!/bin/sh
# npm-ci.sh DIR [WHAT]: installs DIR's pinned npm packages (npm ci from its
# package-lock.json) unless node_modules already holds exactly that lock.
# The lock's SHA-256 is kept in node_modules/.samizdat-lock: a merge or a
# checkout that changes the lock reinstalls, whatever the files' times.
set -e
dir=$1
what=${2:-$1}
if ! command -v npm >/dev/null 2>&1; then
	echo "samizdat: $what needs node and npm: run 'make deps-test' or" \
	    "apt-get install nodejs npm" >&2
	exit 1
fi
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
have=$(cat "$dir/node_modules/.samizdat-lock" 2>/dev/null || true)
[ "$want" = "$have" ] && exit 0
echo "samizdat: installing $what's npm packages (npm ci in $dir)" >&2
if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2); then
	echo "samizdat: npm ci in $dir failed; see the error above" >&2
	exit 1
fi
echo "$want" > "$dir/node_modules/.samizdat-lock"
