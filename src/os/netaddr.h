/*
 * netaddr.h: this machine's network addresses -- what `serve` prints for
 * phones to open, and the places NIP-42 lets a node name this relay by.
 */
#ifndef SAMIZDAT_NETADDR_H
#define SAMIZDAT_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

struct netaddr {
	char	 name[32];	/* the interface, e.g. wlan0 */
	char	 addr[64];	/* numeric; IPv6 link-local with %iface */
	bool	 v6;
	bool	 loopback;
};

/*
 * The addresses of the interfaces that are up, IPv4 first, at most max.
 * Returns: how many, or 0 after logging when the system cannot say.
 */
size_t	netaddr_list(struct netaddr *out, size_t max);

#endif
