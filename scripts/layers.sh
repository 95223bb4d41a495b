#!/bin/sh
# layers.sh: keeps the layers of src/ honest (docs/architecture.md).
#
#   sh scripts/layers.sh OBJDIR     (make layers; OBJDIR is build/obj)
#
# The folders of src/ are layers, lowest first: core os store relay net
# cmd.  It fails, naming the file and line, when
#   - a file includes a header of a layer above its own;
#   - a core file includes a system header for SQLite, libwebsockets,
#     sockets, files, threads or avahi;
#   - a core object calls SQLite, libwebsockets, socket, file or clock
#     functions, or defines writable global data (crypto.c's one
#     read-only secp256k1 context, made at start, is the exception);
#   - files call each other in a cycle, or a file calls one of a layer
#     above it (from the symbols the objects define and use);
#   - a file in src/ is longer than 800 lines.
set -u
OBJ=${1:-build/obj}
LAYERS="core os store relay net cmd"
cd "$(dirname "$0")/.." || exit 2
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/samizdat-layers.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

rank() {
	i=0
	for l in $LAYERS; do
		[ "$l" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo 99
}

# Where each header lives: "name.h layer".
for l in $LAYERS; do
	for h in src/$l/*.h; do
		[ -f "$h" ] && echo "$(basename "$h") $l"
	done
done > "$tmp/headers"

# 1. Includes that point up, and system headers the core may not use.
for l in $LAYERS; do
	r=$(rank "$l")
	for f in src/$l/*.c src/$l/*.h src/$l/*.S; do
		[ -f "$f" ] || continue
		grep -n '^#[ 	]*include' "$f" | while IFS= read -r line; do
			n=${line%%:*}
			inc=$(echo "$line" | sed -n 's/.*include[ 	]*["<]\([^">]*\)[">].*/\1/p')
			case $line in
			*'"'*)
				hl=$(awk -v h="$inc" '$1 == h { print $2 }' "$tmp/headers")
				if [ -z "$hl" ]; then
					echo "$f:$n: includes \"$inc\", which is in no layer of src/"
					echo x >> "$tmp/bad"
				elif [ "$(rank "$hl")" -gt "$r" ]; then
					echo "$f:$n: $l includes $inc from $hl, a layer above it"
					echo x >> "$tmp/bad"
				fi
				;;
			*)
				[ "$l" = core ] || continue
				case $inc in
				sqlite3.h|libwebsockets.h|\
				netdb.h|ifaddrs.h|avahi-*|fcntl.h|dirent.h|sys/stat.h|\
				pthread.h|sys/mman.h|poll.h|sys/epoll.h|qrencode.h)
					echo "$f:$n: the pure core includes <$inc>"
					echo x >> "$tmp/bad"
					;;
				esac
				;;
			esac
		done
	done
done
[ -f "$tmp/bad" ] && fail=1

# 2. What core objects call and hold.
if ls "$OBJ"/core/*.o >/dev/null 2>&1; then
	forbidden='^(sqlite3_.*|lws_.*|avahi_.*|socket|connect|bind|listen|accept4?|send|sendto|sendmsg|recv|recvfrom|recvmsg|f?open(64)?|openat(64)?|creat|fdopen|fwrite|fputs|fputc|fprintf|vfprintf|printf|puts|putchar|fflush|fclose|fread|fgets|getline|stat(64)?|fstat(64)?|lstat(64)?|mkdir|unlink|rename|getaddrinfo|getifaddrs|pthread_create|time|clock_gettime|gettimeofday|getenv|exit)$'
	for o in "$OBJ"/core/*.o; do
		nm -u "$o" | awk '{ print $NF }' | sed 's/@.*//' |
		    grep -E "$forbidden" | while read -r sym; do
			echo "$o: the pure core calls $sym()"
			echo x >> "$tmp/badsym"
		done
		# Writable sections only: .data.rel.ro is read-only once loaded.
		objdump -t "$o" | awk 'NF >= 4 && $(NF-2) ~ /^\.(data|bss|tdata|tbss)(\.|$)/ &&
		    $(NF-2) !~ /^\.data\.rel\.ro/ && $(NF-1) ~ /^[0-9a-f]+$/ &&
		    $0 ~ / O / { print $NF }' | while read -r sym; do
			case "$(basename "$o"):$sym" in
			crypto.o:crypto_ctx) continue ;;	# read-only after crypto_init
			esac
			echo "$o: the pure core holds writable global data: $sym"
			echo x >> "$tmp/badsym"
		done
	done
	[ -f "$tmp/badsym" ] && fail=1
else
	echo "layers: no objects in $OBJ/core: build them first" >&2
	fail=1
fi

# 3. No cycles between files: which object calls which (by the symbols
# each defines and uses), checked with tsort.  A call through a function
# pointer (a hook) is not an arrow.  Calls must also never point up.
for o in "$OBJ"/*/*.o; do
	l=$(basename "$(dirname "$o")"); f=$(basename "$o" .o)
	nm --defined-only -g "$o" | awk -v f="$l/$f" 'NF == 3 { print "D", $3, f }'
	nm -u "$o" | awk -v f="$l/$f" '{ print "U", $NF, f }'
done | sed 's/@[^ ]*//' > "$tmp/syms"
awk '$1 == "D" { def[$2] = $3 } $1 == "U" { use[NR] = $2 " " $3 }
    END { for (i in use) { split(use[i], a, " ");
	if (a[1] in def && def[a[1]] != a[2]) print def[a[1]], a[2], a[1] } }' \
    "$tmp/syms" | sort -u > "$tmp/calls"
awk '{ print $1, $2 }' "$tmp/calls" | sort -u > "$tmp/edges"
for f in "$OBJ"/*/*.o; do
	n="$(basename "$(dirname "$f")")/$(basename "$f" .o)"; echo "$n $n"
done >> "$tmp/edges"
if ! tsort "$tmp/edges" >/dev/null 2>"$tmp/cycle"; then
	echo "files that call each other in a cycle:"
	grep -v 'input contains a loop' "$tmp/cycle" | sed 's/^tsort: /  /'
	fail=1
fi
while read -r def user sym; do
	if [ "$(rank "${user%%/*}")" -lt "$(rank "${def%%/*}")" ]; then
		echo "src/$user.c calls $sym() of src/$def.c, a layer above it"
		fail=1
	fi
done < "$tmp/calls"

# 4. One role per file: none past 800 lines.
for f in src/*/*.c src/*/*.h; do
	n=$(wc -l < "$f")
	if [ "$n" -gt 800 ]; then
		echo "$f: $n lines, more than 800: split it by role"
		fail=1
	fi
done

if [ $fail -ne 0 ]; then
	echo "layers: FAILED (see docs/architecture.md, 'Layers')"
	exit 1
fi
echo "layers: ok ($(echo $LAYERS | sed 's/ / < /g'))"
