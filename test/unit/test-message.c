/*
 * test-message.c: core/message.c both ways.  Every message is built with
 * its builder and parsed back from the side that receives it, field by
 * field; verbs from the wrong side, malformed shapes, subscription id
 * limits, escaped strings, text cut at MSG_MAX_TEXT and the hex of
 * NEG-OPEN and NEG-MSG are refused with the code msg_parse promises.
 */
#include "testutil.h"

#include "buf.h"
#include "filter.h"
#include "hex.h"
#include "message.h"
#include "wsframe.h"

#define ID_HEX	"475456fa7ade5ccd4f651144c68741288db33bf05ff54aa50083c53eab98a521"
#define PK_HEX	"f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"

/* The event's bytes are all message.c hands on: any object will do. */
static const char ev_json[] =
    "{\"id\":\"" ID_HEX "\",\"pubkey\":\"" PK_HEX "\","
    "\"created_at\":1700000000,\"kind\":1,\"tags\":[[\"t\",\"a\\\"b\"]],"
    "\"content\":\"caf\\u00e9 ]}\",\"sig\":\"00\"}";

/* Parses exactly the bytes of b (copied, so ASan sees any over-read). */
static enum err
parse_n(const char *s, size_t n, enum msg_from from, size_t max,
    struct msg *m, char **copy)
{
	char	*p = malloc(n > 0 ? n : 1);

	assert_non_null(p);
	memcpy(p, s, n);
	*copy = p;
	return msg_parse(p, n, from, max, m);
}

/* A parsed message and the copy of its bytes it borrows from. */
struct parsed {
	struct msg	 m;
	char		*copy;
	enum err	 e;
};

static void
parse_buf(struct parsed *pm, const struct buf *b, enum msg_from from,
    size_t max)
{
	assert_false(b->err);
	pm->e = parse_n(b->p, b->len, from, max, &pm->m, &pm->copy);
}

static void
parse_str(struct parsed *pm, const char *s, enum msg_from from, size_t max)
{
	pm->e = parse_n(s, strlen(s), from, max, &pm->m, &pm->copy);
}

static void
parsed_free(struct parsed *pm)
{
	msg_free(&pm->m);
	free(pm->copy);
	pm->copy = NULL;
}

/* The code msg_parse gives s from a side. */
static enum err
code(const char *s, enum msg_from from)
{
	struct parsed pm;
	enum err e;

	parse_str(&pm, s, from, MSG_MAX_SUBID);
	e = pm.e;
	parsed_free(&pm);
	return e;
}

static void
test_relay_to_client(void **state)
{
	struct parsed pm;
	struct buf b, nb;
	uint8_t	 id[32], reg[256], neg[300];
	size_t	 i;

	tu_unhex(ID_HEX, id, 32);
	buf_init(&b, 0);
	buf_init(&nb, 0);

	msg_ok(&b, id, true, "");
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_OK);
	assert_memory_equal(pm.m.id, id, 32);
	assert_true(pm.m.ok);
	assert_string_equal(pm.m.text, "");
	parsed_free(&pm);

	buf_reset(&b);
	msg_ok(&b, id, false, "invalid: \"quoted\"\\ line\nnext \x01 caf\xc3\xa9");
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_OK);
	assert_false(pm.m.ok);
	assert_string_equal(pm.m.text,
	    "invalid: \"quoted\"\\ line\nnext \x01 caf\xc3\xa9");
	parsed_free(&pm);

	buf_reset(&b);
	msg_event(&b, "sub \"1\"", ev_json, sizeof(ev_json) - 1);
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_EVENT);
	assert_string_equal(pm.m.subid, "sub \"1\"");
	assert_int_equal(pm.m.eventlen, sizeof(ev_json) - 1);
	assert_memory_equal(pm.m.event, ev_json, sizeof(ev_json) - 1);
	/* The event is borrowed from the input, not copied. */
	assert_true(pm.m.event > pm.copy && pm.m.event < pm.copy + b.len);
	assert_null(pm.m.root);
	parsed_free(&pm);

	buf_reset(&b);
	msg_eose(&b, "s1");
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_EOSE);
	assert_string_equal(pm.m.subid, "s1");
	parsed_free(&pm);

	buf_reset(&b);
	msg_closed(&b, "s2", "blocked: too many");
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_CLOSED);
	assert_string_equal(pm.m.subid, "s2");
	assert_string_equal(pm.m.text, "blocked: too many");
	parsed_free(&pm);

	buf_reset(&b);
	msg_notice(&b, "hello\tworld \xf0\x9f\x93\xa2");
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_NOTICE);
	assert_string_equal(pm.m.text, "hello\tworld \xf0\x9f\x93\xa2");
	parsed_free(&pm);

	buf_reset(&b);
	msg_count(&b, "c1", 18446744073709551615ULL >> 1);
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_COUNT);
	assert_string_equal(pm.m.subid, "c1");
	assert_true(pm.m.count == INT64_MAX);
	assert_false(pm.m.has_hll);
	parsed_free(&pm);

	for (i = 0; i < 256; i++)
		reg[i] = (uint8_t)(i * 7 + 3);
	buf_reset(&b);
	msg_count_hll(&b, "c2", 42, reg);
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_COUNT);
	assert_string_equal(pm.m.subid, "c2");
	assert_int_equal(pm.m.count, 42);
	assert_true(pm.m.has_hll);
	assert_memory_equal(pm.m.hll, reg, 256);
	parsed_free(&pm);

	buf_reset(&b);
	msg_auth_challenge(&b, "0123abcd");
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_AUTH);
	assert_string_equal(pm.m.text, "0123abcd");
	assert_null(pm.m.event);
	parsed_free(&pm);

	/* With a called node's proof (nip42.h): its bytes, untouched. */
	buf_reset(&b);
	msg_auth_proof(&b, "0123abcd", "{\"kind\": 22243}", 15);
	assert_string_equal(b.p, "[\"AUTH\",\"0123abcd\",{\"kind\": 22243}]");
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_AUTH);
	assert_string_equal(pm.m.text, "0123abcd");
	assert_int_equal(pm.m.eventlen, 15);
	assert_memory_equal(pm.m.event, "{\"kind\": 22243}", 15);
	parsed_free(&pm);

	buf_reset(&b);
	msg_neg_err(&b, "n1", "closed: unknown negentropy session");
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_NEG_ERR);
	assert_string_equal(pm.m.subid, "n1");
	assert_string_equal(pm.m.text, "closed: unknown negentropy session");
	parsed_free(&pm);

	for (i = 0; i < sizeof(neg); i++)
		neg[i] = (uint8_t)(255 - i);
	buf_reset(&b);
	msg_neg_msg(&b, "n1", neg, sizeof(neg));
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_NEG_MSG);
	assert_string_equal(pm.m.subid, "n1");
	assert_int_equal(pm.m.neglen, 2 * sizeof(neg));
	assert_int_equal(msg_neg_bytes(&pm.m, &nb), ERR_OK);
	assert_int_equal(nb.len, sizeof(neg));
	assert_memory_equal(nb.p, neg, sizeof(neg));
	parsed_free(&pm);

	buf_free(&b);
	buf_free(&nb);
}

/* f written by msg_req and read back from the message are the same. */
static void
expect_filter(const json_t *o, const char *want)
{
	struct filter f;
	struct buf b;

	assert_non_null(o);
	assert_int_equal(filter_parse_json(o, &f), ERR_OK);
	buf_init(&b, 0);
	filter_write_json(&f, &b);
	assert_false(b.err);
	assert_string_equal(b.p, want);
	buf_free(&b);
	filter_free(&f);
}

static void
test_client_to_relay(void **state)
{
	static const char *fj[2] = {
		"{\"ids\":[\"" ID_HEX "\"],\"kinds\":[1,7]}",
		"{\"authors\":[\"" PK_HEX "\"],\"#t\":[\"x\\\"y\"],"
		    "\"since\":5,\"until\":10,\"limit\":3}",
	};
	struct filter f[2];
	struct parsed pm;
	struct buf b, nb, w;
	uint8_t	 neg[5] = { 0x61, 0x00, 0xff, 0x10, 0x0a };
	size_t	 i;

	buf_init(&b, 0);
	buf_init(&nb, 0);
	buf_init(&w, 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(filter_parse(fj[i], strlen(fj[i]), &f[i]),
		    ERR_OK);

	msg_publish(&b, ev_json, sizeof(ev_json) - 1);
	parse_buf(&pm, &b, MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_EVENT);
	assert_string_equal(pm.m.subid, "");
	assert_int_equal(pm.m.eventlen, sizeof(ev_json) - 1);
	assert_memory_equal(pm.m.event, ev_json, sizeof(ev_json) - 1);
	parsed_free(&pm);

	buf_reset(&b);
	msg_req(&b, "req-1", f, 2);
	parse_buf(&pm, &b, MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_REQ);
	assert_string_equal(pm.m.subid, "req-1");
	assert_int_equal(pm.m.nfilters, 2);
	for (i = 0; i < 2; i++) {
		buf_reset(&w);
		filter_write_json(&f[i], &w);
		expect_filter(msg_filter(&pm.m, i), w.p);
	}
	assert_null(msg_filter(&pm.m, 2));
	parsed_free(&pm);

	buf_reset(&b);
	msg_count_req(&b, "cnt", &f[1], 1);
	parse_buf(&pm, &b, MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_COUNT);
	assert_string_equal(pm.m.subid, "cnt");
	assert_int_equal(pm.m.nfilters, 1);
	buf_reset(&w);
	filter_write_json(&f[1], &w);
	expect_filter(msg_filter(&pm.m, 0), w.p);
	parsed_free(&pm);

	/* A REQ with no filter parses; the relay answers it (CLOSED). */
	buf_reset(&b);
	msg_req(&b, "none", f, 0);
	parse_buf(&pm, &b, MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_REQ);
	assert_int_equal(pm.m.nfilters, 0);
	parsed_free(&pm);

	buf_reset(&b);
	msg_close(&b, "req-1");
	parse_buf(&pm, &b, MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_CLOSE);
	assert_string_equal(pm.m.subid, "req-1");
	parsed_free(&pm);

	buf_reset(&b);
	msg_auth(&b, ev_json, sizeof(ev_json) - 1);
	parse_buf(&pm, &b, MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_AUTH);
	assert_int_equal(pm.m.eventlen, sizeof(ev_json) - 1);
	assert_memory_equal(pm.m.event, ev_json, sizeof(ev_json) - 1);
	assert_string_equal(pm.m.text, "");
	parsed_free(&pm);

	buf_reset(&b);
	msg_neg_open(&b, "neg-1", &f[0], neg, sizeof(neg));
	parse_buf(&pm, &b, MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_NEG_OPEN);
	assert_string_equal(pm.m.subid, "neg-1");
	buf_reset(&w);
	filter_write_json(&f[0], &w);
	expect_filter(msg_neg_filter(&pm.m), w.p);
	assert_int_equal(msg_neg_bytes(&pm.m, &nb), ERR_OK);
	assert_int_equal(nb.len, sizeof(neg));
	assert_memory_equal(nb.p, neg, sizeof(neg));
	parsed_free(&pm);

	buf_reset(&b);
	msg_neg_msg(&b, "neg-1", neg, 2);
	parse_buf(&pm, &b, MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_NEG_MSG);
	assert_string_equal(pm.m.subid, "neg-1");
	assert_int_equal(msg_neg_bytes(&pm.m, &nb), ERR_OK);
	assert_int_equal(nb.len, 2);
	assert_memory_equal(nb.p, neg, 2);
	parsed_free(&pm);

	buf_reset(&b);
	msg_neg_close(&b, "neg-1");
	parse_buf(&pm, &b, MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_NEG_CLOSE);
	assert_string_equal(pm.m.subid, "neg-1");
	parsed_free(&pm);

	for (i = 0; i < 2; i++)
		filter_free(&f[i]);
	buf_free(&b);
	buf_free(&nb);
	buf_free(&w);
}

/* A verb only the other side may send is unknown: ERR_USAGE. */
static void
test_wrong_side(void **state)
{
	static const char *relay_only[] = {
		"[\"OK\",\"" ID_HEX "\",true,\"\"]",
		"[\"EOSE\",\"s\"]",
		"[\"CLOSED\",\"s\",\"x\"]",
		"[\"NOTICE\",\"x\"]",
		"[\"NEG-ERR\",\"s\",\"x\"]",
	};
	static const char *client_only[] = {
		"[\"REQ\",\"s\",{}]",
		"[\"CLOSE\",\"s\"]",
		"[\"NEG-OPEN\",\"s\",{},\"61\"]",
		"[\"NEG-CLOSE\",\"s\"]",
	};
	struct parsed pm;
	size_t	 i;

	for (i = 0; i < sizeof(relay_only) / sizeof(relay_only[0]); i++) {
		assert_int_equal(code(relay_only[i], MSG_FROM_RELAY), ERR_OK);
		parse_str(&pm, relay_only[i], MSG_FROM_CLIENT, MSG_MAX_SUBID);
		assert_int_equal(pm.e, ERR_USAGE);
		assert_int_equal(pm.m.verb, MSG_UNKNOWN);
		assert_true(strncmp(relay_only[i] + 2, pm.m.verb_text,
		    strlen(pm.m.verb_text)) == 0);
		assert_true(strlen(pm.m.verb_text) >= 2);
		parsed_free(&pm);
	}
	for (i = 0; i < sizeof(client_only) / sizeof(client_only[0]); i++) {
		assert_int_equal(code(client_only[i], MSG_FROM_CLIENT),
		    ERR_OK);
		parse_str(&pm, client_only[i], MSG_FROM_RELAY, MSG_MAX_SUBID);
		assert_int_equal(pm.e, ERR_USAGE);
		assert_int_equal(pm.m.verb, MSG_UNKNOWN);
		parsed_free(&pm);
	}
	/* Unknown anywhere; the notice can say which. */
	parse_str(&pm, "[\"FOO\",1]", MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_USAGE);
	assert_string_equal(pm.m.verb_text, "FOO");
	parsed_free(&pm);
	assert_int_equal(code("[\"FOO\"]", MSG_FROM_RELAY), ERR_USAGE);
	assert_int_equal(code("[\"event\",{}]", MSG_FROM_CLIENT), ERR_USAGE);
	assert_int_equal(code("[\"EVENT \",{}]", MSG_FROM_CLIENT), ERR_USAGE);
	/* A verb too long to be one is unknown, not an overflow. */
	parse_str(&pm, "[\"NEG-OPEN-NEG-OPEN-NEG-OPEN-NEG-OPEN-NEG-OPEN\",1]",
	    MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_USAGE);
	assert_int_equal(pm.m.verb, MSG_UNKNOWN);
	parsed_free(&pm);
	/* An escaped verb is the verb it decodes to. */
	parse_str(&pm, "[\"\\u0045OSE\",\"s\"]", MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_EOSE);
	parsed_free(&pm);
	/* Both sides send EVENT, COUNT, AUTH and NEG-MSG, in their shapes. */
	assert_int_equal(code("[\"EVENT\",{}]", MSG_FROM_RELAY), ERR_JSON);
	assert_int_equal(code("[\"EVENT\",\"s\",{}]", MSG_FROM_CLIENT),
	    ERR_JSON);
	assert_int_equal(code("[\"COUNT\",\"s\",{\"count\":1}]",
	    MSG_FROM_CLIENT), ERR_OK);	/* a filter, for the relay */
	assert_int_equal(code("[\"COUNT\",\"s\",{\"kinds\":[1]}]",
	    MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"AUTH\",{}]", MSG_FROM_RELAY), ERR_FILTER);

	for (i = MSG_EVENT; i < MSG_UNKNOWN; i++)
		assert_string_not_equal(msg_verb_name((enum msg_verb)i), "?");
	assert_string_equal(msg_verb_name(MSG_NEG_OPEN), "NEG-OPEN");
	assert_string_equal(msg_verb_name(MSG_CLOSED), "CLOSED");
	assert_string_equal(msg_verb_name(MSG_UNKNOWN), "?");
}

static void
test_not_an_array(void **state)
{
	static const char *bad[] = {
		"", " ", "{}", "\"EVENT\"", "[]", "[ ]", "[1]", "[null]",
		"[[\"EVENT\"]]", "[\"EVENT\"", "[\"EVENT\",", "[\"EVENT\"]",
		"[\"EVENT\",{}", "[\"EVENT\",{}]x", "[\"EVENT\",{},{}]",
		"[\"EVENT\",{\"a\":}]", "[\"EVENT\" {}]", "[\"EOSE\",\"s\"",
		"[\"EOSE\",\"s\"] x", "[\"REQ\",\"s\",{]", "[\"EV\\x\",{}]",
		"[\"EVENT\\", "[\"\xff\",1]",
	};
	size_t	 i;
	int	 side;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (side = 0; side < 2; side++)
			if (code(bad[i], side ? MSG_FROM_RELAY :
			    MSG_FROM_CLIENT) != ERR_JSON)
				fail_msg("%s from %s: not ERR_JSON", bad[i],
				    side ? "relay" : "client");
	/* White space anywhere between the parts is fine. */
	assert_int_equal(code(" \n[ \"EVENT\" ,\t{} ]\r\n", MSG_FROM_CLIENT),
	    ERR_OK);
	assert_int_equal(code(" [ \"EVENT\" , \"s\" , {} ] ", MSG_FROM_RELAY),
	    ERR_OK);
	assert_int_equal(code(" [ \"EOSE\" , \"s\" ] ", MSG_FROM_RELAY),
	    ERR_OK);
}

/* What ingest judges is not judged here: the event's bytes go on. */
static void
test_event_bytes(void **state)
{
	struct parsed pm;

	parse_str(&pm, "[\"EVENT\", {\"content\":\"\x01\\q\"} ]",
	    MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.eventlen, 17);
	assert_memory_equal(pm.m.event, "{\"content\":\"\x01\\q\"}", 17);
	parsed_free(&pm);
	/* Not even an object: ingest says so, with a reason. */
	parse_str(&pm, "[\"EVENT\",42]", MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.eventlen, 2);
	parsed_free(&pm);
	parse_str(&pm, "[\"AUTH\",\"challenge?\"]", MSG_FROM_CLIENT,
	    MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_AUTH);
	assert_int_equal(pm.m.eventlen, 12);
	parsed_free(&pm);
}

/* A subscription id of n bytes, all 'a' but for an optional tail. */
static char *
subid_of(size_t n, const char *tail)
{
	char	*s = malloc(n + strlen(tail) + 1);

	memset(s, 'a', n);
	strcpy(s + n, tail);
	return s;
}

/* A message shape: what comes before and after the quoted subid. */
struct shape {
	const char	*pre, *post;
	enum msg_from	 from;
};

/* The code for pre "subid" post, the subid's JSON text as given. */
static enum err
sub_code(const struct shape *sh, const char *sub, size_t max, char *got,
    size_t gotsz)
{
	struct parsed pm;
	struct buf b;
	enum err e;

	buf_init(&b, 0);
	buf_puts(&b, sh->pre);
	buf_putc(&b, '"');
	buf_puts(&b, sub);
	buf_putc(&b, '"');
	buf_puts(&b, sh->post);
	parse_buf(&pm, &b, sh->from, max);
	e = pm.e;
	if (got != NULL)
		snprintf(got, gotsz, "%s", pm.m.subid);
	parsed_free(&pm);
	buf_free(&b);
	return e;
}

static void
test_subid(void **state)
{
	static const struct shape shapes[] = {
		{ "[\"REQ\",", ",{}]", MSG_FROM_CLIENT },
		{ "[\"COUNT\",", ",{}]", MSG_FROM_CLIENT },
		{ "[\"CLOSE\",", "]", MSG_FROM_CLIENT },
		{ "[\"NEG-OPEN\",", ",{},\"61\"]", MSG_FROM_CLIENT },
		{ "[\"NEG-MSG\",", ",\"61\"]", MSG_FROM_CLIENT },
		{ "[\"NEG-CLOSE\",", "]", MSG_FROM_CLIENT },
		{ "[\"EVENT\",", ",{}]", MSG_FROM_RELAY },
		{ "[\"EOSE\",", "]", MSG_FROM_RELAY },
		{ "[\"CLOSED\",", ",\"x\"]", MSG_FROM_RELAY },
		{ "[\"COUNT\",", ",{\"count\":0}]", MSG_FROM_RELAY },
		{ "[\"NEG-MSG\",", ",\"61\"]", MSG_FROM_RELAY },
		{ "[\"NEG-ERR\",", ",\"x\"]", MSG_FROM_RELAY },
	};
	char	 got[MSG_MAX_SUBID * 4 + 1], *s;
	size_t	 i;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		const struct shape *f = &shapes[i];

		/* 1 to max bytes; empty or longer is ERR_FILTER. */
		s = subid_of(64, "");
		assert_int_equal(sub_code(f, s, 64, got, sizeof(got)),
		    ERR_OK);
		assert_string_equal(got, s);
		free(s);
		s = subid_of(65, "");
		assert_int_equal(sub_code(f, s, 64, NULL, 0), ERR_FILTER);
		free(s);
		assert_int_equal(sub_code(f, "", 64, NULL, 0), ERR_FILTER);
		assert_int_equal(sub_code(f, "x", 64, got, sizeof(got)),
		    ERR_OK);
		assert_string_equal(got, "x");
		/* The cap is the caller's. */
		assert_int_equal(sub_code(f, "abcdefgh", 8, NULL, 0),
		    ERR_OK);
		assert_int_equal(sub_code(f, "abcdefghi", 8, NULL, 0),
		    ERR_FILTER);
		/* It counts bytes, not characters. */
		assert_int_equal(sub_code(f, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		    8, got, sizeof(got)), ERR_OK);
		assert_string_equal(got, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
		assert_int_equal(sub_code(f, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		    "a", 8, NULL, 0), ERR_FILTER);
		/* Escapes are decoded, and the decoded length counts. */
		assert_int_equal(sub_code(f, "a\\\"b\\\\c\\u00e9\\/", 64,
		    got, sizeof(got)), ERR_OK);
		assert_string_equal(got, "a\"b\\c\xc3\xa9/");
		s = subid_of(62, "\\n");
		assert_int_equal(sub_code(f, s, 64, got, sizeof(got)),
		    ERR_OK);
		assert_int_equal(strlen(got), 63);
		free(s);
		s = subid_of(60, "\\u00e9\\u00e9");
		assert_int_equal(sub_code(f, s, 64, got, sizeof(got)),
		    ERR_OK);
		assert_int_equal(strlen(got), 64);
		free(s);
		s = subid_of(61, "\\u00e9\\u00e9");
		assert_int_equal(sub_code(f, s, 64, NULL, 0), ERR_FILTER);
		free(s);
		/* A NUL would cut the id short: refused. */
		assert_int_equal(sub_code(f, "a\\u0000b", 64, NULL, 0),
		    ERR_FILTER);
		/* Never more than the buffer, whatever the cap. */
		s = subid_of(MSG_MAX_SUBID * 4, "");
		assert_int_equal(sub_code(f, s, 100000, got, sizeof(got)),
		    ERR_OK);
		assert_string_equal(got, s);
		free(s);
		s = subid_of(MSG_MAX_SUBID * 4 + 1, "");
		assert_int_equal(sub_code(f, s, 100000, NULL, 0),
		    ERR_FILTER);
		free(s);
	}
	/* Not a string: a wrong shape (the verb is known). */
	assert_int_equal(code("[\"REQ\",5,{}]", MSG_FROM_CLIENT), ERR_FILTER);
	assert_int_equal(code("[\"REQ\",null,{}]", MSG_FROM_CLIENT),
	    ERR_FILTER);
	assert_int_equal(code("[\"REQ\"]", MSG_FROM_CLIENT), ERR_FILTER);
	assert_int_equal(code("[\"CLOSE\",[\"s\"]]", MSG_FROM_CLIENT),
	    ERR_FILTER);
	assert_int_equal(code("[\"EOSE\",1]", MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"EOSE\"]", MSG_FROM_RELAY), ERR_FILTER);
	assert_int_not_equal(code("[\"EVENT\",5,{}]", MSG_FROM_RELAY), ERR_OK);
}

static void
test_shapes(void **state)
{
	struct parsed pm;

	/* REQ and COUNT: every filter must be an object; the id is kept. */
	parse_str(&pm, "[\"REQ\",\"s\",{},[]]", MSG_FROM_CLIENT,
	    MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_FILTER);
	assert_int_equal(pm.m.verb, MSG_REQ);
	assert_string_equal(pm.m.subid, "s");
	parsed_free(&pm);
	parse_str(&pm, "[\"COUNT\",\"q\",\"{}\"]", MSG_FROM_CLIENT,
	    MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_FILTER);
	assert_int_equal(pm.m.verb, MSG_COUNT);
	assert_string_equal(pm.m.subid, "q");
	parsed_free(&pm);
	assert_int_equal(code("[\"REQ\",\"s\",{},{},{}]", MSG_FROM_CLIENT),
	    ERR_OK);
	/* CLOSE and EOSE take exactly an id; CLOSED and NEG-ERR a reason
	 * or none. */
	assert_int_equal(code("[\"CLOSE\",\"s\",1]", MSG_FROM_CLIENT),
	    ERR_FILTER);
	assert_int_equal(code("[\"EOSE\",\"s\",\"x\"]", MSG_FROM_RELAY),
	    ERR_FILTER);
	parse_str(&pm, "[\"CLOSED\",\"s\"]", MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_string_equal(pm.m.text, "");
	parsed_free(&pm);
	assert_int_equal(code("[\"CLOSED\",\"s\",5]", MSG_FROM_RELAY),
	    ERR_FILTER);
	assert_int_equal(code("[\"CLOSED\",\"s\",\"a\",\"b\"]",
	    MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"NEG-ERR\",\"s\"]", MSG_FROM_RELAY), ERR_OK);
	assert_int_equal(code("[\"NEG-ERR\",\"s\",null]", MSG_FROM_RELAY),
	    ERR_FILTER);
	/* NOTICE: one string. */
	assert_int_equal(code("[\"NOTICE\"]", MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"NOTICE\",1]", MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"NOTICE\",\"a\",\"b\"]", MSG_FROM_RELAY),
	    ERR_FILTER);
	/* A relay's AUTH: one string, and at most a proof object. */
	assert_int_equal(code("[\"AUTH\"]", MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"AUTH\",\"a\",\"b\"]", MSG_FROM_RELAY),
	    ERR_FILTER);
	assert_int_equal(code("[\"AUTH\",\"a\",{}]", MSG_FROM_RELAY), ERR_OK);
	assert_int_equal(code("[\"AUTH\",\"a\",{},{}]", MSG_FROM_RELAY),
	    ERR_FILTER);
	assert_int_equal(code("[\"AUTH\",1,{}]", MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"AUTH\",\"\",{}]", MSG_FROM_RELAY),
	    ERR_FILTER);
	assert_int_equal(code("[\"AUTH\",\"a\\u0000b\"]", MSG_FROM_RELAY),
	    ERR_FILTER);
}

static void
test_ok(void **state)
{
	struct parsed pm;
	uint8_t	 id[32];

	tu_unhex(ID_HEX, id, 32);
	/* Without a reason: "" */
	parse_str(&pm, "[\"OK\",\"" ID_HEX "\",false]", MSG_FROM_RELAY,
	    MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_OK);
	assert_false(pm.m.ok);
	assert_memory_equal(pm.m.id, id, 32);
	assert_string_equal(pm.m.text, "");
	parsed_free(&pm);
	parse_str(&pm, "[\"OK\",\"" ID_HEX "\",true,\"duplicate: \\u00e9\"]",
	    MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_true(pm.m.ok);
	assert_string_equal(pm.m.text, "duplicate: \xc3\xa9");
	parsed_free(&pm);
	/* The id is 64 lowercase hex; ok is a boolean; reason a string. */
	assert_int_equal(code("[\"OK\",\"475456FA7ADE5CCD4F651144C68741288DB3"
	    "3BF05FF54AA50083C53EAB98A521\",true]", MSG_FROM_RELAY),
	    ERR_FILTER);
	assert_int_equal(code("[\"OK\",\"4754\",true]", MSG_FROM_RELAY),
	    ERR_FILTER);
	assert_int_equal(code("[\"OK\",\"" ID_HEX "00\",true]",
	    MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"OK\",1,true]", MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"OK\",\"" ID_HEX "\",\"true\"]",
	    MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"OK\",\"" ID_HEX "\",1]", MSG_FROM_RELAY),
	    ERR_FILTER);
	assert_int_equal(code("[\"OK\",\"" ID_HEX "\",true,null]",
	    MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"OK\",\"" ID_HEX "\",true,\"\",\"\"]",
	    MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"OK\",\"" ID_HEX "\"]", MSG_FROM_RELAY),
	    ERR_FILTER);
	assert_int_equal(code("[\"OK\"]", MSG_FROM_RELAY), ERR_FILTER);
}

/* Text past MSG_MAX_TEXT is cut on a character boundary. */
static void
test_long_text(void **state)
{
	struct parsed pm;
	struct buf b, t;
	size_t	 i;

	buf_init(&b, 0);
	buf_init(&t, 0);
	/* "x" then 3-byte characters: 1 + 3k never ends at 1023 exactly. */
	buf_putc(&t, 'x');
	for (i = 0; i < 700; i++)
		buf_puts(&t, "\xe2\x82\xac");
	msg_notice(&b, t.p);
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(strlen(pm.m.text), 1 + 3 * 340);	/* 1021 */
	assert_memory_equal(pm.m.text, t.p, 1 + 3 * 340);
	parsed_free(&pm);
	/* The same for the reasons of OK, CLOSED and NEG-ERR. */
	buf_reset(&b);
	msg_closed(&b, "s", t.p);
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(strlen(pm.m.text), 1021);
	parsed_free(&pm);
	buf_reset(&b);
	msg_neg_err(&b, "s", t.p);
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(strlen(pm.m.text), 1021);
	parsed_free(&pm);
	{
		uint8_t	 id[32] = { 0 };

		buf_reset(&b);
		msg_ok(&b, id, false, t.p);
		parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
		assert_int_equal(pm.e, ERR_OK);
		assert_int_equal(strlen(pm.m.text), 1021);
		parsed_free(&pm);
	}
	/* Plain ASCII: exactly MSG_MAX_TEXT - 1 bytes are kept. */
	buf_reset(&t);
	for (i = 0; i < 5000; i++)
		buf_putc(&t, (char)('a' + i % 26));
	buf_reset(&b);
	msg_notice(&b, t.p);
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(strlen(pm.m.text), MSG_MAX_TEXT - 1);
	assert_memory_equal(pm.m.text, t.p, MSG_MAX_TEXT - 1);
	parsed_free(&pm);
	/*
	 * A relay's AUTH challenge is answered back exactly, so one too long
	 * to keep is refused rather than cut.
	 */
	t.len = MSG_MAX_TEXT - 1;
	t.p[t.len] = '\0';
	buf_reset(&b);
	msg_auth_challenge(&b, t.p);
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.verb, MSG_AUTH);
	assert_string_equal(pm.m.text, t.p);
	parsed_free(&pm);
	buf_putc(&t, 'z');
	buf_reset(&b);
	msg_auth_challenge(&b, t.p);
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_FILTER);
	assert_int_equal(pm.m.verb, MSG_AUTH);
	parsed_free(&pm);
	buf_free(&b);
	buf_free(&t);
}

static void
test_count_answer(void **state)
{
	struct parsed pm;
	struct buf b;
	size_t	 i;

	parse_str(&pm, "[\"COUNT\",\"c\",{\"count\":0}]", MSG_FROM_RELAY,
	    MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(pm.m.count, 0);
	assert_false(pm.m.has_hll);
	parsed_free(&pm);
	/* Other keys (NIP-45 "approximate") are fine. */
	assert_int_equal(code("[\"COUNT\",\"c\",{\"count\":3,"
	    "\"approximate\":true}]", MSG_FROM_RELAY), ERR_OK);
	assert_int_equal(code("[\"COUNT\",\"c\",{\"count\":-1}]",
	    MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"COUNT\",\"c\",{\"count\":1.5}]",
	    MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"COUNT\",\"c\",{\"count\":\"1\"}]",
	    MSG_FROM_RELAY), ERR_FILTER);
	assert_int_equal(code("[\"COUNT\",\"c\",{}]", MSG_FROM_RELAY),
	    ERR_FILTER);
	assert_int_equal(code("[\"COUNT\",\"c\",5]", MSG_FROM_RELAY),
	    ERR_FILTER);
	assert_int_equal(code("[\"COUNT\",\"c\"]", MSG_FROM_RELAY),
	    ERR_FILTER);
	assert_int_equal(code("[\"COUNT\",\"c\",{\"count\":1},{}]",
	    MSG_FROM_RELAY), ERR_FILTER);
	/* hll: exactly 512 lowercase hex characters. */
	buf_init(&b, 0);
	for (i = 0; i < 3; i++) {
		size_t	 n = i == 0 ? 510 : i == 1 ? 514 : 512, k;

		buf_reset(&b);
		buf_puts(&b, "[\"COUNT\",\"c\",{\"count\":1,\"hll\":\"");
		for (k = 0; k < n; k++)
			buf_putc(&b, i == 2 && k == 7 ? 'A' : 'a');
		buf_puts(&b, "\"}]");
		parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
		assert_int_equal(pm.e, ERR_FILTER);
		parsed_free(&pm);
	}
	assert_int_equal(code("[\"COUNT\",\"c\",{\"count\":1,\"hll\":5}]",
	    MSG_FROM_RELAY), ERR_FILTER);
	buf_free(&b);
}

static void
test_neg_shapes(void **state)
{
	struct parsed pm;

	/* NEG-OPEN: [verb, id, filter, hex]; the id is kept for NEG-ERR. */
	parse_str(&pm, "[\"NEG-OPEN\",\"n\",{}]", MSG_FROM_CLIENT,
	    MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_NEG);
	assert_int_equal(pm.m.verb, MSG_NEG_OPEN);
	assert_string_equal(pm.m.subid, "n");
	assert_null(pm.m.neg);
	parsed_free(&pm);
	assert_int_equal(code("[\"NEG-OPEN\",\"n\",{},61]", MSG_FROM_CLIENT),
	    ERR_NEG);
	assert_int_equal(code("[\"NEG-OPEN\",\"n\",{},\"61\",\"61\"]",
	    MSG_FROM_CLIENT), ERR_NEG);
	assert_int_equal(code("[\"NEG-OPEN\",\"n\"]", MSG_FROM_CLIENT),
	    ERR_NEG);
	/* A bad id is a bad id, not a NIP-77 problem. */
	assert_int_equal(code("[\"NEG-OPEN\",\"\",{},\"61\"]",
	    MSG_FROM_CLIENT), ERR_FILTER);
	assert_int_equal(code("[\"NEG-OPEN\"]", MSG_FROM_CLIENT), ERR_FILTER);
	/* NEG-MSG: [verb, id, hex], both ways. */
	parse_str(&pm, "[\"NEG-MSG\",\"n\"]", MSG_FROM_CLIENT, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_NEG);
	assert_int_equal(pm.m.verb, MSG_NEG_MSG);
	assert_string_equal(pm.m.subid, "n");
	parsed_free(&pm);
	assert_int_equal(code("[\"NEG-MSG\",\"n\",null]", MSG_FROM_CLIENT),
	    ERR_NEG);
	assert_int_equal(code("[\"NEG-MSG\",\"n\",\"61\",\"\"]",
	    MSG_FROM_CLIENT), ERR_NEG);
	assert_int_equal(code("[\"NEG-MSG\",\"n\"]", MSG_FROM_RELAY), ERR_NEG);
	assert_int_equal(code("[\"NEG-MSG\",\"n\",{}]", MSG_FROM_RELAY),
	    ERR_NEG);
	/* NEG-CLOSE: the id is all that matters. */
	assert_int_equal(code("[\"NEG-CLOSE\",\"n\"]", MSG_FROM_CLIENT),
	    ERR_OK);
	assert_int_equal(code("[\"NEG-CLOSE\",3]", MSG_FROM_CLIENT),
	    ERR_FILTER);
}

/* msg_neg_bytes on a NEG-MSG whose payload is hex. */
static enum err
neg_bytes(const char *hex, struct buf *out)
{
	struct parsed pm;
	struct buf b;
	enum err e;

	buf_init(&b, 0);
	buf_printf(&b, "[\"NEG-MSG\",\"n\",\"%s\"]", hex);
	parse_buf(&pm, &b, MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	e = msg_neg_bytes(&pm.m, out);
	parsed_free(&pm);
	buf_free(&b);
	return e;
}

static void
test_neg_bytes(void **state)
{
	struct parsed pm;
	struct buf out;

	buf_init(&out, 0);
	assert_int_equal(neg_bytes("6100ff", &out), ERR_OK);
	assert_int_equal(out.len, 3);
	assert_memory_equal(out.p, "\x61\x00\xff", 3);
	assert_int_equal(neg_bytes("", &out), ERR_OK);
	assert_int_equal(out.len, 0);
	assert_int_equal(neg_bytes("610", &out), ERR_NEG);
	assert_int_equal(neg_bytes("6", &out), ERR_NEG);
	assert_int_equal(neg_bytes("61FF", &out), ERR_NEG);
	assert_int_equal(neg_bytes("zz", &out), ERR_NEG);
	assert_int_equal(neg_bytes("61 0", &out), ERR_NEG);
	assert_int_equal(neg_bytes("0x61", &out), ERR_NEG);
	assert_int_equal(neg_bytes("\\u0036\\u0031", &out), ERR_OK);
	assert_int_equal(out.len, 1);
	assert_int_equal((uint8_t)out.p[0], 0x61);
	/* A message with no payload has none to decode. */
	parse_str(&pm, "[\"EOSE\",\"s\"]", MSG_FROM_RELAY, MSG_MAX_SUBID);
	assert_int_equal(pm.e, ERR_OK);
	assert_int_equal(msg_neg_bytes(&pm.m, &out), ERR_NEG);
	parsed_free(&pm);
	/* A capped output buffer is out of memory, not a crash. */
	buf_free(&out);
	buf_init(&out, 2);
	assert_int_equal(neg_bytes("61626364", &out), ERR_NOMEM);
	buf_free(&out);
}

/* Builders append to a capped buffer with a sticky error. */
static void
test_builders_cap(void **state)
{
	struct buf b;
	uint8_t	 id[32] = { 0 };

	buf_init(&b, 16);
	msg_ok(&b, id, true, "");
	assert_true(b.err);
	msg_eose(&b, "s");
	assert_true(b.err);
	buf_reset(&b);
	msg_eose(&b, "s");
	assert_false(b.err);
	assert_string_equal(b.p, "[\"EOSE\",\"s\"]");
	buf_free(&b);
}

/* A server's text frame header (RFC 6455, 5.2): the three length forms. */
static void
test_wsframe(void **state)
{
	static const struct {
		size_t		 len;
		size_t		 n;
		uint8_t		 h[WSFRAME_HDR_MAX];
	} v[] = {
		{ 0, 2, { 0x81, 0 } },
		{ 125, 2, { 0x81, 125 } },
		{ 126, 4, { 0x81, 126, 0, 126 } },
		{ 65535, 4, { 0x81, 126, 0xff, 0xff } },
		{ 65536, 10, { 0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0 } },
		{ 0x89abcdefU, 10, { 0x81, 127, 0, 0, 0, 0, 0x89, 0xab, 0xcd,
		    0xef } },
	};
	uint8_t	 h[WSFRAME_HDR_MAX];
	size_t	 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(h, 0xee, sizeof(h));
		assert_int_equal(wsframe_text_header(h, v[i].len), v[i].n);
		assert_memory_equal(h, v[i].h, v[i].n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relay_to_client),
		cmocka_unit_test(test_wsframe),
		cmocka_unit_test(test_client_to_relay),
		cmocka_unit_test(test_wrong_side),
		cmocka_unit_test(test_not_an_array),
		cmocka_unit_test(test_event_bytes),
		cmocka_unit_test(test_subid),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_long_text),
		cmocka_unit_test(test_count_answer),
		cmocka_unit_test(test_neg_shapes),
		cmocka_unit_test(test_neg_bytes),
		cmocka_unit_test(test_builders_cap),
	};

	return cmocka_run_group_tests_name("message", tests, NULL, NULL);
}
