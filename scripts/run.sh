#!/bin/sh
# run.sh: `make run`.  Initialises the default data dir (or $SAMIZDAT_DIR)
# and starts the node; prints what to do next.
set -eu
bin=$1
"$bin" init
dir=$("$bin" init | sed -n 's/^data dir: //p')
cat <<TXT

samizdat is ready in $dir.
The relay and the phone page come with 'samizdat serve' (in progress);
until then the node is used from the command line:

  $bin post "Road to the airport is blocked" -t t=roads
  $bin export > drop.jsonl         # carry on a USB stick
  $bin import /media/usb/drop.jsonl
  $bin query '{"#t":["roads"],"limit":20}'
  $bin --help

TXT
