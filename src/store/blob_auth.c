/*
 * blob_auth.c: the one checked path for a BUD-11 token (blob.h): the
 * header decoded by core/blossom.c, the event through the ingest stages
 * every event passes (strict parse, the id recomputed, NIP-40 expiry, the
 * BIP-340 signature), then the BUD-11 rules.  A token is never stored.
 */
#include <string.h>

#include "blob.h"
#include "ingest.h"

enum err
blob_auth_check(const char *hdr, enum blossom_verb verb, const char *host,
    uint64_t now, struct blossom_auth *out)
{
	struct ingest_policy pol;
	struct ingest_ctx ctx;
	struct event ev;
	struct buf json;
	enum err e;

	buf_init(&json, BLOSSOM_AUTH_MAX + 1);
	if ((e = blossom_auth_decode(hdr, strlen(hdr), &json)) != ERR_OK) {
		buf_free(&json);
		return e;
	}
	memset(&pol, 0, sizeof(pol));
	pol.lim.max_size = BLOSSOM_AUTH_MAX;
	ingest_ctx_init(&ctx);
	/* No store: a token is never stored, nor a duplicate. */
	if ((e = ingest_check(&ctx, &pol, NULL, json.p, json.len, now,
	    &ev)) == ERR_OK && (e = ingest_verify(&ev)) == ERR_OK)
		e = blossom_auth_rules(&ev, verb, host, now, out);
	if (e == ERR_JSON || e == ERR_NOT_OBJECT)
		e = ERR_BLOB_AUTH_FORMAT;
	ingest_ctx_free(&ctx);
	buf_free(&json);
	return e;
}
