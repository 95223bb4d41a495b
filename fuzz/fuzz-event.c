/*
 * fuzz-event.c: the event parser on arbitrary bytes.  Whatever parses must
 * serialize, re-parse to the same fields and hash without fault.  A
 * custody root (core/custody_root.c) read from it must build an event
 * that reads back as the same root.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "custody_root.h"
#include "event.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
root_roundtrip(const struct event *ev)
{
	struct custody_root r, back;
	struct custody_root_ev b;
	struct event out;

	if (!custody_root_parse(ev, &r))
		return;
	custody_root_event(&r, &b, &out);
	if (!custody_root_parse(&out, &back) || back.day != r.day ||
	    back.seq != r.seq || memcmp(back.chain, r.chain, 32) != 0 ||
	    back.created_at != r.created_at)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct event ev, ev2;
	struct buf b, tmp;
	size_t	 sz = EVENT_SCRATCH(size);
	void	*scratch, *scratch2;

	if (!inited) {
		crypto_init();
		inited = 1;
	}
	if ((scratch = malloc(sz)) == NULL)
		return 0;
	if (event_parse((const char *)data, size, NULL, &ev, scratch, sz) !=
	    ERR_OK) {
		free(scratch);
		return 0;
	}
	root_roundtrip(&ev);
	buf_init(&b, 0);
	buf_init(&tmp, 0);
	ev.raw_clean = 0;		/* force the canonical writer */
	event_write_json(&ev, &b);
	scratch2 = malloc(EVENT_SCRATCH(b.len));
	if (!b.err && scratch2 != NULL) {
		if (event_parse(b.p, b.len, NULL, &ev2, scratch2,
		    EVENT_SCRATCH(b.len)) != ERR_OK)
			abort();
		if (ev2.content.n != ev.content.n || ev2.ntags != ev.ntags ||
		    memcmp(ev2.content.p, ev.content.p, ev.content.n) != 0 ||
		    ev2.created_at != ev.created_at || ev2.kind != ev.kind)
			abort();
		(void)event_check(&ev2, &tmp);
	}
	free(scratch2);
	free(scratch);
	buf_free(&b);
	buf_free(&tmp);
	return 0;
}
