/*
 * fuzz-message.c: the message parser on arbitrary bytes, read as from a
 * client and as from a relay; the filters of whatever parses as a REQ,
 * COUNT or NEG-OPEN, each written back out and read again to the same
 * text; NEG payloads decoded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "message.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A filter that parses must come back the same when written and read. */
static void
round_trip(const json_t *obj)
{
	struct filter f, g;
	struct buf a, b;

	if (filter_parse_json(obj, &f) != ERR_OK)
		return;
	buf_init(&a, 0);
	buf_init(&b, 0);
	filter_write_json(&f, &a);
	if (a.err || filter_parse(a.p, a.len, &g) != ERR_OK)
		abort();
	filter_write_json(&g, &b);
	if (b.err || a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
		abort();
	filter_free(&g);
	filter_free(&f);
	buf_free(&a);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg m;
	size_t	 i;
	int	 from;

	for (from = MSG_FROM_CLIENT; from <= MSG_FROM_RELAY; from++) {
		if (msg_parse((const char *)data, size, (enum msg_from)from, 64,
		    &m) == ERR_OK) {
			if (m.verb == MSG_REQ || m.verb == MSG_COUNT)
				for (i = 0; i < m.nfilters; i++)
					round_trip(msg_filter(&m, i));
			if (m.verb == MSG_NEG_OPEN && from == MSG_FROM_CLIENT)
				round_trip(msg_neg_filter(&m));
			/* An event (a relay's AUTH may carry a proof) lies
			 * inside the input. */
			if (m.event != NULL && (m.event < (const char *)data ||
			    m.event + m.eventlen > (const char *)data + size))
				abort();
			if (m.neg != NULL) {
				struct buf b;

				buf_init(&b, 0);
				(void)msg_neg_bytes(&m, &b);
				buf_free(&b);
			}
		}
		msg_free(&m);
	}
	return 0;
}
