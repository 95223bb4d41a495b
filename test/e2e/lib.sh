# lib.sh: helpers for the end-to-end tests.  Sourced; runs in $TMP.
set -eu
# make valgrind sets VALGRIND to run every samizdat under it.
S="${VALGRIND:+$VALGRIND }$SAMIZDAT"
die() { echo "FAIL: $*" >&2; exit 1; }
# expect_exit CODE CMD...: runs CMD, requires exit code CODE.
expect_exit() {
	want=$1; shift
	set +e
	"$@" >out.txt 2>err.txt
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat err.txt >&2; die "'$*' exited $got, want $want"; }
}
# expect_in FILE TEXT: FILE contains TEXT.
expect_in() {
	grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; cat "$1" >&2; die "'$2' not in $1"; }
}
lines() { wc -l < "$1" | tr -d ' '; }
