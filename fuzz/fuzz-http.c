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
	enum http_method m;
	enum http_kind k;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if ((p = memchr(buf, '\0', size)) != NULL && p < buf + size) {
		accept = p + 1;
		if ((p = strchr(accept, '\0')) != NULL && p < buf + size)
			enc = p + 1;
	}
	/* The first byte picks the method: O, H, P, D or else GET. */
	m = size == 0 ? HTTP_GET : buf[0] == 'O' ? HTTP_OPTIONS :
	    buf[0] == 'H' ? HTTP_HEAD : buf[0] == 'P' ? HTTP_PUT :
	    buf[0] == 'D' ? HTTP_DELETE : HTTP_GET;
	k = http_route(m, buf, accept, id);
	if ((m != HTTP_GET && m != HTTP_HEAD && m != HTTP_OPTIONS) !=
	    (k == HTTP_NO_METHOD))
		abort();
	(void)http_cors(k);
	if (k == HTTP_STATUS) {
		if (strlen(buf) != 12 + 64 || !hex_decode(buf + 12, 64, want,
		    32) || memcmp(id, want, 32) != 0)
			abort();
	}
	(void)http_accepts_gzip(enc);
	(void)http_accepts_gzip(accept);
	free(buf);
	return 0;
}
