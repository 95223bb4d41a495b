/*
 * test-mesh.c: the pure and store pieces under the mesh: NIP-42 AUTH
 * messages, the HTTP routes of the page and its status API, the links
 * and seen tables and the status JSON built from them.
 */
#include "testutil.h"

#include <unistd.h>

#include "crypto.h"
#include "event.h"
#include "ingest.h"
#include "nip42.h"
#include "http.h"
#include "status.h"
#include "store_mesh.h"

static char dbdir[] = "/tmp/samizdat-test-mesh-XXXXXX";
static char dbpath[256];

static int
setup(void **state)
{
	assert_non_null(mkdtemp(dbdir));
	snprintf(dbpath, sizeof(dbpath), "%s/events.db", dbdir);
	assert_int_equal(crypto_init(), 0);
	return 0;
}

static int
teardown(void **state)
{
	char	 cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dbdir);
	return system(cmd);
}

/* Signs a note with sk into json. */
static void
note(const uint8_t sk[32], const char *text, struct buf *json, uint8_t id[32])
{
	struct event ev;
	struct buf tmp;

	memset(&ev, 0, sizeof(ev));
	ev.created_at = 1700000000;
	ev.kind = 1;
	ev.content.p = text;
	ev.content.n = strlen(text);
	buf_init(&tmp, 0);
	assert_int_equal(event_sign(&ev, sk, &tmp), ERR_OK);
	event_write_json(&ev, json);
	memcpy(id, ev.id, 32);
	buf_free(&tmp);
}

static void
test_nip42(void **state)
{
	uint8_t	 sk[32], id[32];
	struct buf msg;
	struct ingest_ctx ctx;
	struct ingest_policy pol;
	struct event ev;
	const char *p;

	memset(sk, 7, sizeof(sk));
	buf_init(&msg, 0);
	assert_int_equal(nip42_auth(sk, "c0ffee", "ws://10.0.0.1:4848/",
	    1700000000, &msg, id), ERR_OK);
	assert_memory_equal(msg.p, "[\"AUTH\",{", 9);
	/* The event inside is valid, kind 22242, with both tags. */
	p = msg.p + 8;
	ingest_ctx_init(&ctx);
	memset(&pol, 0, sizeof(pol));
	assert_int_equal(ingest_check(&ctx, &pol, NULL, p, msg.len - 9, 0, &ev),
	    ERR_OK);
	assert_int_equal(ingest_verify(&ev), ERR_OK);
	assert_int_equal(ev.kind, 22242);
	assert_memory_equal(ev.id, id, 32);
	assert_non_null(strstr(msg.p, "[\"challenge\",\"c0ffee\"]"));
	assert_non_null(strstr(msg.p, "[\"relay\",\"ws://10.0.0.1:4848/\"]"));
	/* A client's AUTH never passes as a called node's proof. */
	assert_int_equal(nip42_proof_rules(&ev, "c0ffee",
	    "ws://10.0.0.1:4848/"), ERR_AUTH_BAD);
	/* A proof: its own kind, checked against the challenge and URL. */
	buf_reset(&msg);
	assert_int_equal(nip42_proof(sk, "c0ffee", "ws://10.0.0.1:4848/",
	    1700000000, &msg), ERR_OK);
	assert_int_equal(ingest_check(&ctx, &pol, NULL, msg.p, msg.len, 0,
	    &ev), ERR_OK);
	assert_int_equal(ingest_verify(&ev), ERR_OK);
	assert_int_equal(ev.kind, NIP42_PROOF_KIND);
	assert_int_not_equal(ev.kind, 22242);
	assert_int_equal(nip42_proof_rules(&ev, "c0ffee",
	    "WS://10.0.0.1:4848/?samizdat-node&challenge=c0ffee"), ERR_OK);
	assert_int_equal(nip42_proof_rules(&ev, "c0ffef",
	    "ws://10.0.0.1:4848/"), ERR_AUTH_BAD);
	assert_int_equal(nip42_proof_rules(&ev, "c0ffe",
	    "ws://10.0.0.1:4848/"), ERR_AUTH_BAD);
	assert_int_equal(nip42_proof_rules(&ev, "c0ffee",
	    "ws://10.0.0.1:4849/"), ERR_AUTH_RELAY);
	assert_int_equal(nip42_proof_rules(&ev, "c0ffee",
	    "ws://10.0.0.2:4848/"), ERR_AUTH_RELAY);
	assert_int_equal(nip42_proof_rules(&ev, "c0ffee", "not a url"),
	    ERR_AUTH_RELAY);
	/* The caller's challenge: 16 to 64 lowercase hex digits. */
	assert_true(nip42_nonce_ok("0123456789abcdef"));
	assert_true(nip42_nonce_ok("0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef"));
	assert_false(nip42_nonce_ok("0123456789abcde"));
	assert_false(nip42_nonce_ok("0123456789ABCDEF"));
	assert_false(nip42_nonce_ok("0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0"));
	assert_false(nip42_nonce_ok("0123456789abcdeg"));
	/* A bad key is refused, nothing appended. */
	buf_reset(&msg);
	memset(sk, 0, sizeof(sk));
	assert_int_not_equal(nip42_auth(sk, "x", "y", 1, &msg, id), ERR_OK);
	assert_int_not_equal(nip42_proof(sk, "x", "y", 1, &msg), ERR_OK);
	assert_int_equal(msg.len, 0);
	ingest_ctx_free(&ctx);
	buf_free(&msg);
}

static void
test_routes(void **state)
{
	uint8_t	 id[32];
	char	 path[100];

	assert_int_equal(http_route(HTTP_GET, "/", "text/html", id), HTTP_PAGE);
	assert_int_equal(http_route(HTTP_GET, "/", "text/html, application/nostr+json",
	    id), HTTP_NIP11);
	assert_int_equal(http_route(HTTP_OPTIONS, "/", NULL, id), HTTP_PREFLIGHT);
	snprintf(path, sizeof(path), "/api/status/%064d", 0);
	path[sizeof("/api/status/") - 1 + 63] = 'f';
	assert_int_equal(http_route(HTTP_GET, path, "*/*", id), HTTP_STATUS);
	assert_int_equal(id[31], 0x0f);
	assert_int_equal(http_route(HTTP_GET, "/api/status/abc", "*/*", id),
	    HTTP_NOT_FOUND);
	path[20] = 'g';
	assert_int_equal(http_route(HTTP_GET, path, "*/*", id), HTTP_NOT_FOUND);
	assert_int_equal(http_route(HTTP_GET, "/x", "*/*", id), HTTP_NOT_FOUND);
	assert_int_equal(http_route(HTTP_GET, "/api/time", "*/*", id), HTTP_TIME);
	assert_int_equal(http_route(HTTP_GET, "/api/time/", "*/*", id),
	    HTTP_NOT_FOUND);
	assert_int_equal(http_route(HTTP_GET, "/api/node", "*/*", id), HTTP_NODE);
	assert_int_equal(http_route(HTTP_GET, "/places.json", "*/*", id),
	    HTTP_PLACES);
	assert_int_equal(http_route(HTTP_GET, "/places.json/", "*/*", id),
	    HTTP_NOT_FOUND);
	/* HEAD as GET; other methods: 405; CORS only for NIP-11. */
	assert_int_equal(http_route(HTTP_HEAD, "/", "*/*", id), HTTP_PAGE);
	assert_int_equal(http_route(HTTP_POST, "/", "*/*", id),
	    HTTP_NO_METHOD);
	assert_int_equal(http_route(HTTP_PUT, "/x", "*/*", id),
	    HTTP_NO_METHOD);
	assert_int_equal(http_route(HTTP_DELETE, "/", "*/*", id),
	    HTTP_NO_METHOD);
	assert_true(http_cors(HTTP_NIP11));
	assert_true(http_cors(HTTP_PREFLIGHT));
	assert_false(http_cors(HTTP_PAGE));
	assert_false(http_cors(HTTP_STATUS));
	assert_true(http_accepts_gzip("gzip, deflate, br"));
	assert_true(http_accepts_gzip("br;q=1.0, gzip;q=0.8"));
	assert_false(http_accepts_gzip("identity"));
	assert_false(http_accepts_gzip("gzip;q=0"));
	assert_false(http_accepts_gzip(NULL));
}

static void
test_page(void **state)
{
	size_t	 csplen;
	const char *csp = http_page_csp(&csplen);

	/* The page's policy is embedded too: nothing from elsewhere. */
	assert_true(csplen > 20);
	assert_memory_equal(csp, "default-src 'none'", 18);
	assert_null(memmem(csp, csplen, "http", 4));
	size_t	 gzlen, len;
	const char *gz = http_page_gz(&gzlen);
	char	*html;

	/* The embedded page is gzip, within the budget, and inflates to HTML. */
	assert_true(gzlen > 100);
	assert_true(gzlen <= 150 * 1024);
	assert_int_equal((unsigned char)gz[0], 0x1f);
	assert_int_equal((unsigned char)gz[1], 0x8b);
	assert_non_null(html = http_page_inflate(&len));
	assert_true(len > gzlen);
	assert_non_null(strstr(html, "<html"));
	free(html);
	/* So is the gazetteer, to JSON. */
	gz = http_places_gz(&gzlen);
	assert_true(gzlen > 100);
	assert_int_equal((unsigned char)gz[0], 0x1f);
	assert_non_null(html = http_inflate(gz, gzlen, &len));
	assert_true(len > gzlen);
	assert_int_equal(html[0], '{');
	free(html);
	assert_null(http_inflate(gz, 10, &len));
}

static int
count_links(const struct link_row *l, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/* status_json of id holds want. */
static void
status_has(struct store *s, const uint8_t id[32], struct buf *out,
    const char *want)
{
	buf_reset(out);
	assert_int_equal(status_json(s, id, out), ERR_OK);
	if (strstr(out->p, want) == NULL)
		fail_msg("'%s' not in %s", want, out->p);
}

static void
test_links_seen(void **state)
{
	struct store *s;
	struct ingest_ctx ctx;
	struct ingest_policy pol;
	struct buf json, out;
	uint8_t	 sk[32], id[32], other[32];
	int64_t	 peer, relay, again;
	bool	 stored;
	int	 n = 0;

	assert_int_equal(store_open(&s, dbpath, 0), ERR_OK);
	memset(sk, 3, sizeof(sk));
	buf_init(&json, 0);
	note(sk, "report", &json, id);
	ingest_ctx_init(&ctx);
	memset(&pol, 0, sizeof(pol));
	assert_int_equal(ingest_one(&ctx, &pol, s, json.p, json.len, 1700000000,
	    NULL), ERR_OK);

	assert_int_equal(store_link_add(s, "ws://10.0.0.2:4848/", LINK_PEER,
	    "mdns", "npub1xyz", &peer), ERR_OK);
	assert_int_equal(store_link_add(s, "wss://relay.example/", LINK_RELAY,
	    "config", NULL, &relay), ERR_OK);
	assert_int_equal(store_link_add(s, "ws://10.0.0.2:4848/", LINK_PEER,
	    "mdns", NULL, &again), ERR_OK);
	assert_int_equal(again, peer);		/* found again: same row */
	assert_int_equal(store_link_update(s, peer, "live", 1700000100, 0,
	    2, 3, 1, "oops"), ERR_OK);
	assert_int_equal(store_links(s, count_links, &n), ERR_OK);
	assert_int_equal(n, 2);
	/* The page's "about this node": links, most recently seen first. */
	buf_init(&out, 0);
	assert_int_equal(status_node_json(s, 1700000000, &out), ERR_OK);
	assert_non_null(strstr(out.p, "{\"started\":1700000000,\"now\":"));
	assert_non_null(strstr(out.p, "\"peers\":[{\"name\":"
	    "\"ws://10.0.0.2:4848/\",\"npub\":\"npub1xyz\",\"kind\":\"peer\","
	    "\"state\":\"live\",\"last_seen\":1700000100,\"last_sync\":0},"
	    "{\"name\":\"wss://relay.example/\""));
	buf_free(&out);

	/* Not stored: status says so and lists nothing. */
	memset(other, 9, sizeof(other));
	buf_init(&out, 0);
	assert_int_equal(status_json(s, other, &out), ERR_OK);
	assert_non_null(strstr(out.p, "\"stored\":false,\"peers\":[],"
	    "\"relays\":[]"));
	/* A seen record for an event not stored is ignored. */
	assert_int_equal(store_seen_put(s, other, peer, SEEN_RECEIVED, 1, NULL),
	    ERR_OK);

	assert_int_equal(store_seen_put(s, id, peer, SEEN_RECEIVED, 1700000200,
	    NULL), ERR_OK);
	assert_int_equal(store_seen_put(s, id, relay, SEEN_ACCEPTED, 1700000300,
	    ""), ERR_OK);
	/* A later refusal does not undo an acceptance. */
	assert_int_equal(store_seen_put(s, id, relay, SEEN_REFUSED, 1700000400,
	    "blocked: no"), ERR_OK);
	buf_reset(&out);
	assert_int_equal(status_json(s, id, &out), ERR_OK);
	assert_non_null(strstr(out.p, "\"stored\":true"));
	assert_non_null(strstr(out.p, "\"peers\":[{\"name\":\"npub1xyz\","
	    "\"how\":\"received\",\"at\":1700000200}]"));
	assert_non_null(strstr(out.p, "\"relays\":[{\"url\":"
	    "\"wss://relay.example/\",\"ok\":true,\"reason\":\"\","
	    "\"at\":1700000300}]"));
	json_t *j = json_loads(out.p, 0, NULL);
	assert_non_null(j);
	json_decref(j);
	assert_int_equal(store_seen(s, id, &stored, NULL, NULL), ERR_OK);
	assert_true(stored);
	/*
	 * The peer accepted it from us, then a sync round sent it back: it
	 * stays "accepted", not "received" (the first thing known stays).
	 */
	assert_int_equal(store_seen_put(s, id, peer, SEEN_ACCEPTED, 1700000500,
	    ""), ERR_OK);
	assert_int_equal(store_seen_put(s, id, relay, SEEN_RECEIVED, 1700000600,
	    NULL), ERR_OK);
	buf_reset(&out);
	assert_int_equal(status_json(s, id, &out), ERR_OK);
	assert_non_null(strstr(out.p, "\"how\":\"received\",\"at\":1700000200"));
	assert_non_null(strstr(out.p, "\"ok\":true,\"reason\":\"\","
	    "\"at\":1700000300"));
	/* A refusal gives way when the peer takes it after all. */
	{
		int64_t	 third;

		assert_int_equal(store_link_add(s, "wss://third.example/",
		    LINK_RELAY, "config", NULL, &third), ERR_OK);
		assert_int_equal(store_seen_put(s, id, third, SEEN_REFUSED,
		    1700000700, "rate-limited: slow down"), ERR_OK);
		assert_int_equal(store_seen_put(s, id, third, SEEN_ACCEPTED,
		    1700000800, ""), ERR_OK);
		buf_reset(&out);
		assert_int_equal(status_json(s, id, &out), ERR_OK);
		assert_non_null(strstr(out.p, "{\"url\":\"wss://third.example/\","
		    "\"ok\":true,\"reason\":\"\",\"at\":1700000800}"));
	}
	/*
	 * A node that called us took it ("sent to"): it gives way to the
	 * node's OK, not to the event coming back, and replaces nothing.
	 */
	{
		int64_t	 in1, in2;

		assert_int_equal(store_link_add(s, "npub1in1", LINK_PEER,
		    "inbound", "npub1in1", &in1), ERR_OK);
		assert_int_equal(store_link_add(s, "npub1in2", LINK_PEER,
		    "inbound", "npub1in2", &in2), ERR_OK);
		assert_int_equal(store_seen_put(s, id, in1, SEEN_SENT,
		    1700000900, NULL), ERR_OK);
		assert_int_equal(store_seen_put(s, id, in1, SEEN_SENT,
		    1700000950, NULL), ERR_OK);
		status_has(s, id, &out, "{\"name\":\"npub1in1\","
		    "\"how\":\"sent\",\"at\":1700000900}");
		assert_int_equal(store_seen_put(s, id, in1, SEEN_RECEIVED,
		    1700000990, NULL), ERR_OK);
		status_has(s, id, &out, "{\"name\":\"npub1in1\","
		    "\"how\":\"sent\",\"at\":1700000900}");
		assert_int_equal(store_seen_put(s, id, in1, SEEN_ACCEPTED,
		    1700001000, NULL), ERR_OK);
		assert_int_equal(store_seen_put(s, id, in2, SEEN_REFUSED,
		    1700001000, "blocked: no"), ERR_OK);
		assert_int_equal(store_seen_put(s, id, in2, SEEN_SENT,
		    1700001100, NULL), ERR_OK);
		status_has(s, id, &out, "{\"name\":\"npub1in1\","
		    "\"how\":\"accepted\",\"at\":1700001000}");
		assert_non_null(strstr(out.p, "{\"name\":\"npub1in2\","
		    "\"how\":\"refused\",\"at\":1700001000}"));
		assert_null(strstr(out.p, "\"sent\""));
		assert_string_equal(seen_how_name(SEEN_SENT), "sent to");
	}

	ingest_ctx_free(&ctx);
	buf_free(&json);
	buf_free(&out);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nip42),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_links_seen),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
