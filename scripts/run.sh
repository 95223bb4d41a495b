#!/bin/sh
# run.sh: `make run`.  Initialises the default data dir (or $SAMIZDAT_DIR)
# if needed, then runs the node in the foreground; it prints the address a
# phone on the same network should open.  Ctrl-C stops it.
set -eu
bin=$1
"$bin" init
echo
echo "Starting the relay.  Any Nostr app can use it; phones open the page."
echo "Stop with Ctrl-C.  'samizdat --help' lists the other commands."
echo
exec "$bin" serve
