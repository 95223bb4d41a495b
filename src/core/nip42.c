/*
 * nip42.c: NIP-42 AUTH messages (nip42.h).  Pure.
 */
#include <string.h>

#include "event.h"
#include "message.h"
#include "nip42.h"

enum err
nip42_auth(const uint8_t seckey[32], const char *challenge, const char *relay,
    uint64_t now, struct buf *msg, uint8_t id[32])
{
	struct str v[2][2] = {
		{ { "relay", 5 }, { relay, strlen(relay) } },
		{ { "challenge", 9 }, { challenge, strlen(challenge) } },
	};
	struct tag tags[2] = { { v[0], 2 }, { v[1], 2 } };
	struct event ev;
	struct buf tmp;
	enum err e;

	memset(&ev, 0, sizeof(ev));
	ev.created_at = now;
	ev.kind = 22242;
	ev.tags = tags;
	ev.ntags = 2;
	ev.content.p = "";
	buf_init(&tmp, 0);
	if ((e = event_sign(&ev, seckey, &tmp)) == ERR_OK) {
		buf_reset(&tmp);
		event_write_json(&ev, &tmp);
		msg_auth(msg, tmp.p, tmp.len);
		memcpy(id, ev.id, 32);
		if (msg->err || tmp.err)
			e = ERR_NOMEM;
	}
	buf_free(&tmp);
	return e;
}
