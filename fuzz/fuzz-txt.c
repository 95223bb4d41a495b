/*
 * fuzz-txt.c: the check of a discovered peer's mDNS TXT record (the only
 * thing a LAN stranger tells us before we connect).  The input is the
 * record in DNS form: a length byte, then that many bytes, repeated.
 * Whatever is accepted must be a well-formed npub and a printable
 * version.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "disc_txt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *items[64];
	size_t	 lens[64], n = 0, i = 0, k;
	struct disc_peer p;

	while (i < size && n < 64) {
		size_t	 len = data[i++];

		if (len > size - i)
			len = size - i;
		items[n] = (const char *)data + i;
		lens[n++] = len;
		i += len;
	}
	memset(&p, 0, sizeof(p));
	if (!disc_txt_check(items, lens, n, &p))
		return 0;
	if (strlen(p.npub) != 63 || memcmp(p.npub, "npub1", 5) != 0)
		abort();
	for (k = 0; p.version[k] != '\0'; k++)
		if (p.version[k] < 0x20 || p.version[k] > 0x7e)
			abort();
	return 0;
}
