/*
 * fuzz-message.c: the client message parser on arbitrary bytes, and the
 * filters of whatever parses as a REQ or COUNT.
 */
#include <stdint.h>

#include "filter.h"
#include "message.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg m;
	struct filter f;
	size_t	 i;

	if (msg_parse((const char *)data, size, 64, &m) == ERR_OK &&
	    (m.verb == MSG_REQ || m.verb == MSG_COUNT)) {
		for (i = 0; i < m.nfilters; i++)
			if (filter_parse_json(msg_filter(&m, i), &f) == ERR_OK)
				filter_free(&f);
	}
	msg_free(&m);
	return 0;
}
