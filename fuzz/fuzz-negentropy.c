/*
 * fuzz-negentropy.c: a Negentropy message from a hostile peer, given to
 * both roles over a fixed set of items; replies must stay within the
 * frame limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "negentropy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct neg_item items[300];

static void
ignore(void *arg, const uint8_t id[32], bool have)
{
	(void)arg;
	(void)id;
	(void)have;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct neg ng;
	struct buf out;
	size_t	 i;
	bool	 done;

	if (!inited) {
		for (i = 0; i < 300; i++) {
			items[i].ts = 1000 + i / 3;
			memset(items[i].id, (int)(i * 7), 32);
			items[i].id[0] = (uint8_t)i;
		}
		neg_sort(items, 300);
		inited = 1;
	}
	buf_init(&out, 0);
	neg_init(&ng, items, 300, 4096);
	if (neg_reconcile(&ng, data, size, &out, NULL, NULL, &done) ==
	    ERR_OK && out.len > 4096)
		abort();
	buf_reset(&out);
	neg_init(&ng, items, 300, 0);
	neg_initiate(&ng, &out);
	buf_reset(&out);
	(void)neg_reconcile(&ng, data, size, &out, ignore, NULL, &done);
	buf_free(&out);
	return 0;
}
