/*
 * fuzz-filter.c: the filter parser on arbitrary bytes, and filter_match of
 * whatever parses against a fixed event.
 */
#include <stdint.h>
#include <string.h>

#include "crypto.h"
#include "event.h"
#include "filter.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char ev_json[] =
    "{\"id\":\"475456fa7ade5ccd4f651144c68741288db33bf05ff54aa50083c53eab98a521\","
    "\"pubkey\":\"f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9\","
    "\"created_at\":1700000000,\"kind\":1,\"tags\":[[\"t\",\"news\"],[\"e\","
    "\"475456fa7ade5ccd4f651144c68741288db33bf05ff54aa50083c53eab98a521\"]],"
    "\"content\":\"hello world\",\"sig\":\"160b1f48ff042712f3105b8c6f35f8276101"
    "b3229d1979be1552db8b7f3d0855976e38c82b0c37b84056073eeb9e97e76647dbb1556febf"
    "4769d3761d3fb149c\"}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char scratch[EVENT_SCRATCH(sizeof(ev_json))];
	static struct event ev;
	static int inited;
	struct filter f;

	if (!inited) {
		if (event_parse(ev_json, sizeof(ev_json) - 1, NULL, &ev, scratch,
		    sizeof(scratch)) != ERR_OK)
			__builtin_trap();
		inited = 1;
	}
	if (filter_parse((const char *)data, size, &f) != ERR_OK)
		return 0;
	(void)filter_match(&f, &ev);
	filter_free(&f);
	return 0;
}
