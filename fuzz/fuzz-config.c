/*
 * fuzz-config.c: the samizdat.conf parser on arbitrary bytes.  A rejected
 * input must say why, naming the file; whatever loads must print, and the
 * printed text must load back to an equal config (the --check-config
 * promise).  The listen address that loads must split, and the NIP-11
 * limitation object must build.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config c, c2;	/* ~70 KiB each: keep off the stack */
	char	 err[256], host[256];
	uint16_t port;
	struct buf b;

	err[0] = '\0';
	if (config_load_buf(&c, (const char *)data, size, "fuzz", err,
	    sizeof(err)) != 0) {
		if (strncmp(err, "fuzz:", 5) != 0)
			abort();
		return 0;
	}
	(void)config_check(&c, err, sizeof(err));
	if (config_addr_split(c.listen, host, sizeof(host), &port) != 0)
		abort();
	buf_init(&b, 0);
	config_nip11_limitation(&c, &b);
	if (b.err)
		abort();
	buf_free(&b);

	buf_init(&b, 0);
	if (config_print(&c, &b) != 0)
		abort();
	if (config_load_buf(&c2, b.p, b.len, "printed", err, sizeof(err)) != 0 ||
	    !config_equal(&c, &c2))
		abort();
	buf_free(&b);
	return 0;
}
