/*
 * config.h: samizdat.conf, the relay's configuration file in the data dir.
 * Every key is declared once, in CONFIG_MAP below; struct config, the
 * parser, config_print (what `samizdat serve --check-config` shows), the
 * NIP-11 limitation object and the samizdat.conf(5) page are all generated
 * from that table, so they cannot disagree.  The parser works on bytes
 * (config_load_buf) and never aborts on bad input; config_load (in
 * os/config_file.c) reads the file.  Pure: nothing here opens files or
 * sockets or keeps global state; cmd_serve.c turns the struct into
 * listeners and limits and applies command-line overrides with
 * config_set.
 */
#ifndef SAMIZDAT_CONFIG_H
#define SAMIZDAT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * X(name, type, default, min, max, nip11, doc)
 *   name     the key in the file and the field in struct config
 *   type     UINT    decimal uint64_t, min..max inclusive
 *            BOOL    true/yes/on or false/no/off; min and max unused
 *            STR     UTF-8 text without control characters, at most max
 *                    bytes (char name[max + 1])
 *            ADDR    STR that must be HOST:PORT, HOST an IPv4 address,
 *                    [IPv6] address or host name (see config_addr_split)
 *            PUBKEY  STR that is empty or 64 lowercase hex characters
 *            LIST    STR that may be given up to CONFIG_LIST_MAX times
 *                    (char name[CONFIG_LIST_MAX][max + 1], size_t nname)
 *   default  the value as it would be written in the file; config_defaults
 *            parses it with the same code as the file ("" for LIST: none)
 *   min,max  the range of a UINT; max is the length limit of a string
 *   nip11    1 if the key is published under the same name in the NIP-11
 *            "limitation" object (config_nip11_limitation)
 *   doc      one sentence for config_print and samizdat.conf(5)
 */
#define CONFIG_MAP(X)							\
	X(listen, ADDR, "0.0.0.0:4848", 0, 255, 0,			\
	    "Address and TCP port to accept clients on: an IPv4 address, an IPv6 address in brackets or a host name, then a colon and the port.") \
	X(name, STR, "samizdat", 0, 255, 0,				\
	    "Relay name shown to clients in the NIP-11 document.")	\
	X(description, STR, "", 0, 2047, 0,				\
	    "What the relay is for, shown in the NIP-11 document.")	\
	X(contact, STR, "", 0, 255, 0,					\
	    "How to reach the operator, such as a mailto: or https: URI, shown in the NIP-11 document.") \
	X(admin_pubkey, PUBKEY, "", 0, 64, 0,				\
	    "The operator's public key in 64 lowercase hex characters, or empty; published as the NIP-11 pubkey.") \
	X(max_message_length, UINT, "131072", 1024, 16777216, 1,	\
	    "Largest WebSocket message a client may send, in bytes.")	\
	X(max_subscriptions, UINT, "32", 1, 4096, 1,			\
	    "Open subscriptions allowed per connection.")		\
	X(max_filters, UINT, "16", 1, 256, 0,				\
	    "Filters allowed in one REQ.")				\
	X(max_limit, UINT, "5000", 1, 100000, 1,			\
	    "Largest limit a filter may ask for; larger limits are lowered to it.") \
	X(default_limit, UINT, "500", 1, 100000, 1,			\
	    "Events sent for a filter that has no limit; at most max_limit.") \
	X(max_subid_length, UINT, "64", 1, 256, 1,			\
	    "Longest subscription id, in bytes.")			\
	X(max_event_size, UINT, "65536", 256, 16777216, 0,		\
	    "Largest event accepted, in bytes of JSON; at most max_message_length.") \
	X(max_event_tags, UINT, "2000", 1, 100000, 1,			\
	    "Most tags an event may have.")				\
	X(max_content_length, UINT, "65536", 1, 16777216, 1,		\
	    "Longest content an event may have, in characters.")		\
	X(created_at_lower_limit, UINT, "94608000", 0, 3153600000, 1,	\
	    "How many seconds in the past a published event's created_at may lie; 0 for no limit.") \
	X(created_at_upper_limit, UINT, "900", 0, 3153600000, 1,	\
	    "How many seconds in the future a published event's created_at may lie; 0 for no limit.") \
	X(future_limit, UINT, "172800", 0, 3153600000, 0,		\
	    "How far past this node's clock an event from another node, a sync, a stick or an import may be dated, in seconds; later ones are refused and come with a later sync once they are due; 0 for no limit.") \
	X(events_per_minute, UINT, "12000", 0, 1000000, 0,		\
	    "Events one connection may publish per minute, after a burst of a sixth of that; a connection past it is slowed (its messages wait and its socket is not read), never refused; REQ, COUNT and NEG-OPEN have a bucket of their own at the same rate; 0 for no limit.") \
	X(node_events_per_minute, UINT, "60000", 0, 10000000, 0,	\
	    "The same for a node connection (another samizdat, after NIP-42); 0 for no limit.") \
	X(trust_loopback, BOOL, "true", 0, 1, 0,			\
	    "Clients on this machine (127.0.0.0/8, ::1) are the operator: their events are taken as the operator's vouched keys' are, without quotas or proof of work -- samizdat's own tools, a relay such as strfry syncing on the same machine.  Set it false behind a reverse proxy on this machine, where every client comes from loopback.") \
	X(quotas, BOOL, "true", 0, 1, 0,				\
	    "The open-mesh defence: hourly quotas for keys nobody vouched for and for each source, events over their share held back from other nodes, and proof of work asked under load (the keys below); false turns all that off, for a closed network where everyone is known; operator mutes, the store budget and the disk reserve still apply.") \
	X(quota_events, UINT, "50", 0, 1000000, 0,			\
	    "Events a key nobody vouched for may store here in an hour; proof of work (NIP-13) lifts it, from twice at difficulty 8 to 32 times at 24, and a key seen here for a day gets four times as much (docs/threat-model.md); vouched keys have no quota; 0 for no limit.") \
	X(quota_bytes, UINT, "262144", 0, 1073741824, 0,		\
	    "Bytes of events such a key may store here in an hour, lifted the same way; 0 for no limit.") \
	X(forward_events, UINT, "10", 0, 1000000, 0,			\
	    "Of those events, how many an hour go on to other nodes; the rest are kept here and held back until their key is vouched for or they are corroborated; 0 forwards all.") \
	X(source_events, UINT, "3000", 0, 100000000, 0,		\
	    "Events of unvouched keys one source may bring in an hour: a client's IP address (a school's phones may share one), or a node whose key nobody vouched for; counted apart for each proof-of-work difficulty, with the same multiples; 0 for no limit.") \
	X(source_forward, UINT, "300", 0, 100000000, 0,		\
	    "Of those, how many an hour go on to other nodes; the rest are held back as above; 0 forwards all.") \
	X(pow_min, UINT, "0", 0, 40, 0,					\
	    "Proof of work (NIP-13 difficulty, leading zero bits of the id) asked of keys nobody vouched for when the node is calm; published as the NIP-11 min_pow_difficulty.") \
	X(pow_max, UINT, "18", 0, 40, 0,				\
	    "The most the node asks under load: 18 is about 262,000 tries on average, which the page mines on a phone five years old in about 3 s (half the time; 14 s for one post in twenty, measured by make bench); each bit more doubles that (docs/threat-model.md).") \
	X(pow_load, UINT, "600", 0, 10000000, 0,			\
	    "Events of unvouched keys a minute that the node takes calmly: more in ten seconds raise the difficulty a step (8, 12, 16, 20, ...), a calm minute lowers it a step; 0 keeps it at pow_min.") \
	X(mute_signals, UINT, "2", 0, 1000, 0,				\
	    "Vouched people whose NIP-51 mute lists (kind 10000) name a key before its events are no longer forwarded; one such mute already takes away the credit of its history; 0 ignores their mute lists.") \
	X(store_budget, UINT, "1073741824", 0, 1125899906842624, 0,	\
	    "Bytes the store may take (events.db and policy.db): past it, events of unvouched keys are removed, held and muted ones first, then the oldest; never the node's own, vouched or corroborated ones, nor deletions; removed ids are remembered so that syncs do not bring them back; 0 for no budget.") \
	X(disk_reserve, UINT, "134217728", 0, 1125899906842624, 0,	\
	    "Bytes to keep free on the data dir's file system: with less, the node takes no more events (error:) and says so in the log and on the page; 0 never stops.") \
	X(negentropy, BOOL, "true", 0, 1, 0,				\
	    "Answer NIP-77 negentropy sync (NEG-OPEN); false makes peers fall back to REQ and EVENT.") \
	X(max_negentropy_sessions, UINT, "8", 1, 256, 0,		\
	    "NIP-77 sync sessions open at once on one connection.")	\
	X(max_sync_events, UINT, "1000000", 1, 100000000, 0,		\
	    "Most events one NIP-77 sync session may cover when its filter names authors, kinds, tags or ids, so that the set is read into memory; larger sets are refused and should be split by time.  A filter of only since, until and limit is answered from the NIP-77 index, with no such bound.") \
	X(max_output_buffer, UINT, "4194304", 65536, 1073741824, 0,	\
	    "Bytes queued for a slow reader before its connection is closed.") \
	X(max_connections, UINT, "1024", 1, 65536, 0,			\
	    "Client connections open at the same time.")		\
	X(max_connections_per_address, UINT, "512", 1, 65536, 0,	\
	    "Connections one IP address may hold open at once (a school's phones may share one address behind a router); more are answered 503 with the reason.") \
	X(max_handshakes_per_address, UINT, "128", 1, 65536, 0,	\
	    "Connections one IP address may have waiting for their first request at once; more are refused at once, so that half-open connections from one address cannot lock others out.") \
	X(handshake_timeout, UINT, "10", 2, 300, 0,			\
	    "Seconds a new connection has to send its request (and finish the WebSocket handshake) before it is closed.") \
	X(deflate_connections, UINT, "128", 0, 65536, 0,		\
	    "Client connections that may use permessage-deflate (compressed WebSocket messages) at the same time, each holding up to about 180 KiB of zlib state, and as much as the largest message it has sent (at most max_message_length); node connections always may; 0 turns compression off for clients.") \
	X(sync_full, BOOL, "false", 0, 1, 0,				\
	    "Flush every commit to disk with fsync: safer on power loss, slower.") \
	X(log_level, UINT, "1", 0, 2, 0,				\
	    "0 logs warnings only, 1 also connections and sync, 2 also debugging detail.") \
	X(purge_interval, UINT, "3600", 0, 2592000, 0,			\
	    "Seconds between purges of expired events (NIP-40); 0 never purges.") \
	X(peer, LIST, "", 0, 1023, 0,					\
	    "A peer to keep in sync with, besides those found on the local network: a ws:// or wss:// URL of another node, or the absolute path of a data directory (a mounted USB stick), synced whenever it is there.") \
	X(discovery, BOOL, "true", 0, 1, 0,				\
	    "Announce this node and find peers on the local network with mDNS/DNS-SD (service type _samizdat._tcp); serve --no-discovery turns it off.") \
	X(peer_sync_interval, UINT, "300", 10, 86400, 0,		\
	    "Seconds between full NIP-77 syncs with each peer; new events travel at once over the live link in between.") \
	X(bridge, LIST, "", 0, 1023, 0,					\
	    "A public relay (a wss:// URL) to upload to whenever the internet is reachable: this node's own reports first, then the newest.") \
	X(bridge_download, STR, "", 0, 4095, 0,			\
	    "A NIP-01 filter (JSON object) of events to fetch from the bridge relays, such as {\"#t\":[\"almaty\"]}; empty fetches nothing.") \
	X(bridge_interval, UINT, "60", 5, 86400, 0,			\
	    "Seconds between syncs with a reachable bridge relay; failed attempts are retried sooner, backing off up to this.") \
	X(blob_max_size, UINT, "33554432", 65536, 4294967296, 0,	\
	    "Largest photo or video (blob) the node keeps, in bytes; larger uploads are refused with 413 before their body is read. 32 MiB suits a Raspberry Pi; a laptop can take 104857600 (100 MiB).") \
	X(blob_budget, UINT, "2147483648", 1048576, 1125899906842624, 0, \
	    "Bytes all blobs together may take in the data dir; past it other nodes' full-size media is evicted first, this node's own reporters' media last (docs/blobs.md). 2 GiB suits a Raspberry Pi with a 16 GB card; a laptop can take 21474836480 (20 GiB).") \
	X(blob_keep_metadata, BOOL, "false", 0, 1, 0,			\
	    "Keep uploaded photos and videos that still carry metadata which can identify who took them (GPS position, camera, dates, XMP, QuickTime location); by default they are refused with the reason and a pointer to /media, which removes it.") \
	X(blob_uploads, UINT, "8", 1, 1024, 0,				\
	    "Blob uploads (PUT /upload, /media, /mirror) in progress at once, in all; more are answered 503 with Retry-After.") \
	X(blob_uploads_per_address, UINT, "4", 1, 1024, 0,		\
	    "Blob uploads in progress at once from one IP address.")	\
	X(blob_upload_timeout, UINT, "300", 10, 86400, 0,		\
	    "Seconds one blob upload may take in all; a slower one is refused and its partial file removed.") \
	X(blossom_bridge, LIST, "", 0, 1023, 0,				\
	    "A Blossom server (an https:// URL, or http:// for one on the LAN) to upload this node's blobs to whenever it is reachable, with BUD-02 and the node's key: this node's reporters' media first, thumbnails first. The first one is also the URL reports posted here put in imeta, where clients outside will find the photo.")

#define CONFIG_LIST_MAX		64		/* values of a LIST key */
#define CONFIG_FILE_MAX		(1u << 20)	/* bytes of samizdat.conf */

#define CONFIG_FIELD_UINT(key, max)	uint64_t key;
#define CONFIG_FIELD_BOOL(key, max)	bool key;
#define CONFIG_FIELD_STR(key, max)	char key[(max) + 1];
#define CONFIG_FIELD_ADDR(key, max)	char key[(max) + 1];
#define CONFIG_FIELD_PUBKEY(key, max)	char key[(max) + 1];
#define CONFIG_FIELD_LIST(key, max)	char key[CONFIG_LIST_MAX][(max) + 1]; \
					size_t n##key;

/*
 * One field per key, named as the key: uint64_t for UINT, bool for BOOL,
 * a NUL-terminated array for the strings, and for a LIST key the array
 * of values plus their count n<name> (npeer).  A plain value: no pointers,
 * copy it with =, compare it with config_equal.  About 70 KiB, mostly peers.
 */
struct config {
#define CONFIG_FIELD(name, type, dflt, min, max, nip11, doc)		\
	CONFIG_FIELD_##type(name, max)
	CONFIG_MAP(CONFIG_FIELD)
#undef CONFIG_FIELD
};

/* Sets every key of cfg to its default; no LIST values. */
void	config_defaults(struct config *cfg);

/*
 * Sets key to value (a NUL-terminated string, unquoted), exactly as a
 * `key = value` line would, for command-line overrides such as --listen.
 * A LIST key gains one value; others are replaced.
 * Returns: 0, or -1 with a reason such as "max_limit must be between 1 and
 * 100000" in errbuf (which may be NULL); cfg is then unchanged.
 */
int	config_set(struct config *cfg, const char *key, const char *value,
	    char *errbuf, size_t errsz);

/*
 * Parses len bytes of buf (samizdat.conf syntax; need not be
 * NUL-terminated) over the defaults.  name is the file name used in
 * errors, which read "name:line: reason".  Cross-key rules are left to
 * config_check, so that command-line overrides can come in between.
 * Returns: 0 with cfg written; -1 with errbuf set and cfg untouched.
 */
int	config_load_buf(struct config *cfg, const char *buf, size_t len,
	    const char *name, char *errbuf, size_t errsz);

/*
 * The rules between keys: default_limit <= max_limit and max_event_size <=
 * max_message_length.  Call it once the file and overrides are applied.
 * Returns: 0, or -1 with the reason in errbuf.
 */
int	config_check(const struct config *cfg, char *errbuf, size_t errsz);

/* Returns: true if every key of a and b has the same value. */
bool	config_equal(const struct config *a, const struct config *b);

/*
 * Appends cfg to b in samizdat.conf syntax, every key with its doc line
 * as a comment; config_load_buf reads it back to an equal config.
 * Returns: 0, or -1 if b overflowed (its sticky error).
 */
int	config_print(const struct config *cfg, struct buf *b);

/*
 * Appends the NIP-11 "limitation" object: every key marked nip11, except
 * those set to 0 (no limit), e.g. {"max_message_length":131072,...}.
 * Errors stick in b (see buf.h).
 */
void	config_nip11_limitation(const struct config *cfg, struct buf *b);

/*
 * Appends the whole samizdat.conf(5) page in mdoc to b;
 * man/samizdat.conf.5 is this output (test/tools/confdoc prints it).
 * Returns: 0, or -1 if b overflowed.
 */
int	config_write_man(struct buf *b);

/*
 * Splits a listen address "HOST:PORT" ("0.0.0.0:4848", "[::1]:4848",
 * "relay.local:4848") into host (brackets removed; hostsz bytes, 256 is
 * always enough) and port (1..65535).
 * Returns: 0, or -1 if addr is malformed or host does not fit.
 */
int	config_addr_split(const char *addr, char *host, size_t hostsz,
	    uint16_t *port);

#endif
