/*
 * nip42.c: NIP-42 AUTH messages and a called node's proof (nip42.h).
 * Pure.
 */
#include <string.h>

#include "event.h"
#include "message.h"
#include "nip42.h"
#include "url.h"

/* Signs an event of kind with the relay and challenge tags; its JSON. */
static enum err
signed_tags(const uint8_t seckey[32], uint32_t kind, const char *challenge,
    const char *relay, uint64_t now, struct buf *json, uint8_t id[32])
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
	ev.kind = kind;
	ev.tags = tags;
	ev.ntags = 2;
	ev.content.p = "";
	buf_init(&tmp, 0);
	if ((e = event_sign(&ev, seckey, &tmp)) == ERR_OK) {
		event_write_json(&ev, json);
		memcpy(id, ev.id, 32);
		if (json->err)
			e = ERR_NOMEM;
	}
	buf_free(&tmp);
	return e;
}

enum err
nip42_auth(const uint8_t seckey[32], const char *challenge, const char *relay,
    uint64_t now, struct buf *msg, uint8_t id[32])
{
	struct buf json;
	enum err e;

	buf_init(&json, 0);
	if ((e = signed_tags(seckey, 22242, challenge, relay, now, &json,
	    id)) == ERR_OK) {
		msg_auth(msg, json.p, json.len);
		if (msg->err)
			e = ERR_NOMEM;
	}
	buf_free(&json);
	return e;
}

enum err
nip42_proof(const uint8_t seckey[32], const char *challenge, const char *relay,
    uint64_t now, struct buf *json)
{
	uint8_t	 id[32];

	return signed_tags(seckey, NIP42_PROOF_KIND, challenge, relay, now,
	    json, id);
}

bool
nip42_nonce_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n >= NIP42_NONCE_MIN && n <= NIP42_NONCE_MAX &&
	    strspn(s, "0123456789abcdef") == n;
}

enum err
nip42_proof_rules(const struct event *ev, const char *challenge,
    const char *url)
{
	struct url tag, called;
	struct str v;

	if (ev->kind != NIP42_PROOF_KIND || !event_tag_value(ev, "challenge",
	    9, &v) || v.n != strlen(challenge) || memcmp(v.p, challenge,
	    v.n) != 0 || !event_tag_value(ev, "relay", 5, &v))
		return ERR_AUTH_BAD;
	if (url_parse(v.p, v.n, &tag) != 0 || url_parse(url, strlen(url),
	    &called) != 0 || !url_same_place(&tag, &called))
		return ERR_AUTH_RELAY;
	return ERR_OK;
}
