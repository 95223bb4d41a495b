/*
 * fuzz-http.c: the HTTP routing of the relay port on arbitrary request
 * lines and headers.  The input is split at the first two NUL bytes into
 * path, Accept and Accept-Encoding.  A status route must come with the
 * id its path spells; nothing may crash or read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*buf, *accept = NULL, *enc = NULL, *p;
	uint8_t	 id[32], want[32];

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if ((p = memchr(buf, '\0', size)) != NULL && p < buf + size) {
		accept = p + 1;
		if ((p = strchr(accept, '\0')) != NULL && p < buf + size)
			enc = p + 1;
	}
	if (http_route(size > 0 && buf[0] == 'O', buf, accept, id) ==
	    HTTP_STATUS) {
		if (strlen(buf) != 12 + 64 || !hex_decode(buf + 12, 64, want,
		    32) || memcmp(id, want, 32) != 0)
			abort();
	}
	(void)http_accepts_gzip(enc);
	(void)http_accepts_gzip(accept);
	free(buf);
	return 0;
}
