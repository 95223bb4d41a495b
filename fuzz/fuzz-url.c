/*
 * fuzz-url.c: relay URLs and Host headers as NIP-42 compares them
 * (url.c), on arbitrary bytes.  Properties: nothing crashes or reads past
 * the input; what parses has a host of the allowed bytes, a port, and a
 * place equal to itself; a URL rebuilt from what was parsed parses to the
 * same place.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct url u, v, h;
	char	*copy, again[300];
	size_t	 i;

	/* An exact-size copy: any read past it is caught by the sanitizer. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (url_parse(copy, size, &u) == 0) {
		if (u.port == 0 || u.host[0] == '\0' || !url_same_place(&u, &u))
			abort();
		for (i = 0; u.host[i] != '\0'; i++)
			if (strchr("abcdefghijklmnopqrstuvwxyz0123456789-.:%",
			    u.host[i]) == NULL)
				abort();
		snprintf(again, sizeof(again), strpbrk(u.host, ":%") ?
		    "%s://[%s]:%u/" : "%s://%s:%u/", u.scheme, u.host, u.port);
		if (url_parse(again, strlen(again), &v) != 0 ||
		    !url_same_place(&u, &v))
			abort();
	}
	if (url_authority(copy, size, 80, &h) == 0 && h.port == 0)
		abort();
	free(copy);
	return 0;
}
