/*
 * disc_txt.h: what a node found on the LAN tells us before we connect --
 * the result of a lookup and the check of its mDNS TXT record.  Split from
 * disc.c (which runs avahi-core) so that the check is pure: the fuzzer
 * and the unit tests link it alone.
 */
#ifndef SAMIZDAT_DISC_TXT_H
#define SAMIZDAT_DISC_TXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One result.  found: a peer answered at addr, port, about a second after
 * it started (IPv6-only peers a second later); a later result for the
 * same npub replaces an earlier one.  gone: the peer withdrew its service
 * (a second after it stopped), or went silent (about two minutes); only
 * npub is set.  A peer that comes back is found again.
 */
struct disc_peer {
	char		 npub[64];	/* TXT "npub=", validated */
	char		 version[16];	/* TXT "v=", printable, may be "" */
	char		 addr[64];	/* numeric; IPv4 preferred, v6
					   link-local gets "%iface" */
	uint16_t	 port;
	bool		 gone;
};

/*
 * A TXT record's items (not NUL-terminated, lens bytes each): npub= is
 * required and must look like a bech32 npub, v= is optional printable
 * ASCII; a bad or repeated value rejects the record.  Fills p's npub and
 * version.  Pure.  Returns: whether the record is good.
 */
bool	disc_txt_check(const char *const *items, const size_t *lens,
	    size_t nitems, struct disc_peer *p);

/* Returns: true if s (n bytes) looks like an npub: npub1 and 58 more of
 * [a-z0-9]. */
bool	disc_txt_npub_valid(const char *s, size_t n);

#endif
