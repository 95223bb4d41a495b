/*
 * netaddr.c: the machine's addresses from getifaddrs(3) (netaddr.h).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "netaddr.h"
#include "log.h"

size_t
netaddr_list(struct netaddr *out, size_t max)
{
	struct ifaddrs *ifa, *i;
	size_t	 n = 0;
	int	 pass;

	if (getifaddrs(&ifa) == -1) {
		log_warn("getifaddrs");
		return 0;
	}
	for (pass = 0; pass < 2; pass++)
		for (i = ifa; i != NULL && n < max; i = i->ifa_next) {
			struct netaddr *a = &out[n];
			char	 buf[INET6_ADDRSTRLEN];
			int	 fam;

			if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP))
				continue;
			fam = i->ifa_addr->sa_family;
			if (fam != (pass == 0 ? AF_INET : AF_INET6))
				continue;
			if (fam == AF_INET)
				inet_ntop(AF_INET, &((struct sockaddr_in *)
				    (void *)i->ifa_addr)->sin_addr, buf,
				    sizeof(buf));
			else
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)
				    (void *)i->ifa_addr)->sin6_addr, buf,
				    sizeof(buf));
			memset(a, 0, sizeof(*a));
			snprintf(a->name, sizeof(a->name), "%s", i->ifa_name);
			if (fam == AF_INET6 && strncmp(buf, "fe80:", 5) == 0)
				snprintf(a->addr, sizeof(a->addr), "%s%%%s", buf,
				    i->ifa_name);
			else
				snprintf(a->addr, sizeof(a->addr), "%s", buf);
			a->v6 = fam == AF_INET6;
			a->loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
			n++;
		}
	freeifaddrs(ifa);
	return n;
}
