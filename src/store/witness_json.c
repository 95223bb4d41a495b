/*
 * witness_json.c: what the witness index says, written out: JSON for the
 * page (GET /api/witnesses, docs/formats.md) and lines of text for
 * `samizdat witnesses ID`.  The counting is trust_store.c's and
 * core/trust.c's; this file only writes.
 */
#include <stdlib.h>
#include <string.h>

#include "bech32.h"
#include "hex.h"
#include "store_mesh.h"
#include "utc.h"
#include "witness_store.h"

const char witness_rule[] =
    "Each key counts once, with its newest mark; retracted marks and the "
    "author's own do not count.  A witness vouched for by you or by this "
    "node (one hop) counts 1, one vouched for by such a witness (two hops) "
    "1/2, a key this node first saw a day or more ago 1/4 (all of them "
    "together at most 1), a fresh key 0.  Corroborated: confirmations "
    "weigh 3 or more and at least three times the disputes; disputed: the "
    "same the other way; contested: both sides weigh 1 or more; otherwise "
    "unverified.";

static void
weight(struct buf *b, unsigned q)
{
	buf_printf(b, "%u", q / 4);
	if (q % 4 != 0)
		buf_printf(b, ".%02u", (q % 4) * 25);
}

static void
side_json(struct buf *b, const char *name, const struct trust_side *s)
{
	buf_printf(b, "\"%s\":{\"keys\":%u,\"own\":%u,\"hop1\":%u,\"hop2\":%u,"
	    "\"history\":%u,\"fresh\":%u,\"fresh_hour\":%u,\"weight\":", name,
	    s->keys, s->own, s->hop1, s->hop2, s->history, s->fresh,
	    s->fresh_hour);
	weight(b, s->weight);
	buf_putc(b, '}');
}

/* The fields of one report, without the braces. */
static void
report_json(struct buf *b, const uint8_t id[32], const struct witness_report *r)
{
	buf_puts(b, "\"id\":\"");
	buf_hex(b, id, 32);
	buf_printf(b, "\",\"stored\":%s,\"state\":\"%s\",", r->stored ? "true" :
	    "false", trust_state_name(r->t.state));
	if (r->stored) {
		buf_puts(b, "\"author\":{\"pubkey\":\"");
		buf_hex(b, r->author, 32);
		buf_printf(b, "\",\"level\":\"%s\"},",
		    trust_level_name(r->author_level));
	} else
		buf_puts(b, "\"author\":null,");
	side_json(b, "confirm", &r->t.confirm);
	buf_putc(b, ',');
	side_json(b, "dispute", &r->t.dispute);
	buf_printf(b, ",\"retracted\":%u,\"self\":%u,\"mine\":", r->t.retracted,
	    r->t.self);
	if (r->mine == WITNESS_CONFIRM || r->mine == WITNESS_DISPUTE)
		buf_printf(b, "\"%s\"", witness_label_name(r->mine));
	else
		buf_puts(b, "null");
}

enum err
witness_json_states(struct store *s, const uint8_t (*ids)[32], size_t n,
    const uint8_t *reader, uint64_t now, struct buf *b)
{
	struct witness_report *r;
	size_t	 i;
	enum err e;

	if ((r = calloc(n ? n : 1, sizeof(*r))) == NULL)
		return ERR_NOMEM;
	if ((e = witness_states(s, ids, n, reader, now, r)) == ERR_OK) {
		buf_printf(b, "{\"now\":%llu,\"reports\":[", (unsigned long long)
		    now);
		for (i = 0; i < n; i++) {
			buf_puts(b, i ? ",{" : "{");
			report_json(b, ids[i], &r[i]);
			buf_putc(b, '}');
		}
		buf_puts(b, "]}");
	}
	free(r);
	return e != ERR_OK ? e : b->err ? ERR_NOMEM : ERR_OK;
}

/* Marks listed in one answer; the rest are counted as "omitted". */
#define WITNESS_JSON_MARKS	500

struct jd {
	struct buf	*b;
	bool		 first;
	size_t		 n, omitted;
};

static int
entry_json(const struct witness_entry *w, void *arg)
{
	struct jd *j = arg;
	struct buf *b = j->b;

	if (j->n++ >= WITNESS_JSON_MARKS) {
		j->omitted++;
		return 0;
	}
	buf_puts(b, j->first ? "{" : ",{");
	j->first = false;
	buf_puts(b, "\"pubkey\":\"");
	buf_hex(b, w->pubkey, 32);
	buf_printf(b, "\",\"label\":\"%s\",\"at\":%llu,\"event\":\"",
	    witness_label_name(w->label), (unsigned long long)w->created_at);
	buf_hex(b, w->event, 32);
	buf_puts(b, "\",\"comment\":");
	buf_json_str(b, w->comment.p, w->comment.n);
	buf_printf(b, ",\"level\":\"%s\",\"counted\":%s,\"self\":%s,\"via\":",
	    trust_level_name(w->level), w->counted ? "true" : "false",
	    w->self ? "true" : "false");
	if (w->has_via) {
		buf_putc(b, '"');
		buf_hex(b, w->via, 32);
		buf_putc(b, '"');
	} else
		buf_puts(b, "null");
	buf_printf(b, ",\"first_seen\":%llu,\"reports\":%llu,\"first_via\":",
	    (unsigned long long)w->first_seen, (unsigned long long)w->reports);
	if (w->first_link >= 0) {
		buf_printf(b, "{\"kind\":\"%s\",\"name\":",
		    link_kind_name((enum link_kind)w->first_link));
		buf_json_str(b, w->first_name, strlen(w->first_name));
		buf_putc(b, '}');
	} else
		buf_puts(b, "null");
	buf_putc(b, '}');
	return 0;
}

enum err
witness_json_detail(struct store *s, const uint8_t id[32],
    const uint8_t *reader, uint64_t now, struct buf *b)
{
	struct witness_report r;
	struct buf marks;
	struct jd j;
	enum err e;

	buf_init(&marks, b->max);
	memset(&j, 0, sizeof(j));
	j.b = &marks;
	j.first = true;
	if ((e = witness_detail(s, id, reader, now, &r, entry_json, &j)) ==
	    ERR_OK) {
		buf_printf(b, "{\"now\":%llu,", (unsigned long long)now);
		report_json(b, id, &r);
		buf_puts(b, ",\"marks\":[");
		buf_append(b, marks.p, marks.len);
		buf_printf(b, "],\"omitted\":%zu}", j.omitted);
		if (marks.err)
			b->err = true;
	}
	buf_free(&marks);
	return e != ERR_OK ? e : b->err ? ERR_NOMEM : ERR_OK;
}

/* --- text ------------------------------------------------------------------ */

static const char *
level_words(enum trust_level l)
{
	switch (l) {
	case TRUST_OWN:
		return "this node's own key";
	case TRUST_HOP1:
		return "vouched for, one hop";
	case TRUST_HOP2:
		return "vouched for, two hops";
	case TRUST_HISTORY:
		return "history";
	default:
		return "fresh";
	}
}

static void
side_text(FILE *f, const char *verb, const struct trust_side *s)
{
	unsigned v = s->own + s->hop1 + s->hop2;

	if (s->keys == 0) {
		fprintf(f, "  %s by nobody\n", verb);
		return;
	}
	fprintf(f, "  %s by %u: %u vouched (%u own, %u at one hop, %u at two "
	    "hops), %u with history, %u fresh", verb, s->keys, v, s->own,
	    s->hop1, s->hop2, s->history, s->fresh);
	if (s->fresh_hour > 0)
		fprintf(f, " (%u first seen in the last hour)", s->fresh_hour);
	fprintf(f, "; weight %u%s\n", s->weight / 4, s->weight % 4 == 1 ?
	    ".25" : s->weight % 4 == 2 ? ".5" : s->weight % 4 == 3 ? ".75" :
	    "");
}

static void
ago(char *out, size_t sz, uint64_t when, uint64_t now)
{
	uint64_t d = now > when ? now - when : 0;

	if (when == 0)
		snprintf(out, sz, "never");
	else if (d < 3600)
		snprintf(out, sz, "%llu min ago", (unsigned long long)(d / 60));
	else if (d < 172800)
		snprintf(out, sz, "%llu h ago", (unsigned long long)(d / 3600));
	else
		snprintf(out, sz, "%llu days ago", (unsigned long long)(d /
		    86400));
}

struct tp {
	FILE		*f;
	uint64_t	 now;
};

static int
entry_print(const struct witness_entry *w, void *arg)
{
	struct tp *t = arg;
	char	 npub[100], via[100], when[32], seen[32];
	size_t	 i;

	nip19_npub(w->pubkey, npub, sizeof(npub));
	utc_text(when, sizeof(when), (int64_t)w->created_at, false);
	ago(seen, sizeof(seen), w->first_seen, t->now);
	fprintf(t->f, "  %-8s %s  %s", witness_label_name(w->label), npub,
	    w->self ? "the report's author: not counted" :
	    level_words(w->level));
	if (w->has_via && w->level == TRUST_HOP2) {
		nip19_npub(w->via, via, sizeof(via));
		fprintf(t->f, " (by %s)", via);
	}
	fprintf(t->f, "\n           %s; first seen here %s", when, seen);
	if (w->first_link >= 0)
		fprintf(t->f, " from %s %s", link_kind_name(
		    (enum link_kind)w->first_link), w->first_name);
	fprintf(t->f, "; %llu reports\n", (unsigned long long)w->reports);
	if (w->comment.n > 0) {
		fputs("           \"", t->f);
		/* A comment is a stranger's text: no control bytes reach the
		 * terminal. */
		for (i = 0; i < w->comment.n && i < 300; i++) {
			unsigned char c = (unsigned char)w->comment.p[i];

			fputc(c < 0x20 || c == 0x7f ? ' ' : c, t->f);
		}
		fputs(i < w->comment.n ? "...\"\n" : "\"\n", t->f);
	}
	return 0;
}

enum err
witness_print(struct store *s, const uint8_t id[32], const uint8_t *reader,
    uint64_t now, FILE *f)
{
	struct witness_report r;
	struct tp t = { f, now };
	uint8_t	 one[1][32];
	char	 hex[65], npub[100];
	enum err e;

	hex_encode(id, 32, hex);
	fprintf(f, "report %s\n", hex);
	memcpy(one[0], id, 32);
	if ((e = witness_states(s, (const uint8_t (*)[32])one, 1, reader, now,
	    &r)) != ERR_OK)
		return e;
	if (r.stored) {
		nip19_npub(r.author, npub, sizeof(npub));
		fprintf(f, "  by %s (%s)\n", npub, level_words(r.author_level));
	} else
		fprintf(f, "  not stored on this node (yet): marks wait for it\n");
	fprintf(f, "  state: %s\n", trust_state_name(r.t.state));
	side_text(f, "confirmed", &r.t.confirm);
	side_text(f, "disputed", &r.t.dispute);
	if (r.t.retracted || r.t.self)
		fprintf(f, "  not counted: %u retracted, %u by its author\n",
		    r.t.retracted, r.t.self);
	if (r.t.confirm.keys + r.t.dispute.keys + r.t.retracted + r.t.self > 0)
		fputc('\n', f);
	return witness_detail(s, id, reader, now, &r, entry_print, &t);
}

/* --- the page's API ---------------------------------------------------------- */

static unsigned
http_error(struct buf *b, unsigned status, const char *why)
{
	buf_reset(b);
	buf_puts(b, "{\"error\":");
	buf_json_str(b, why, strlen(why));
	buf_putc(b, '}');
	return status;
}

struct jk {
	struct buf	*b;
	bool		 first;
};

static int
key_json(const uint8_t pubkey[32], uint64_t reports, void *arg)
{
	struct jk *j = arg;

	buf_puts(j->b, j->first ? "{\"pubkey\":\"" : ",{\"pubkey\":\"");
	j->first = false;
	buf_hex(j->b, pubkey, 32);
	buf_printf(j->b, "\",\"reports\":%llu}", (unsigned long long)reports);
	return 0;
}

unsigned
witness_http(struct store *s, const uint8_t *id, const char *args,
    uint64_t now, struct buf *b)
{
	uint8_t	 prefix[5];
	struct jk jk = { b, true };
	uint8_t	 (*ids)[32], me[32];
	size_t	 n = 0;
	bool	 has_me = false;
	enum err e;

	if (id != NULL) {
		/* One report: only "me=" may come with it. */
		if (args[0] != '\0') {
			if (strncmp(args, "me=", 3) != 0 || (strlen(args) != 3 &&
			    !hex_decode(args + 3, strlen(args + 3), me, 32)))
				return http_error(b, 400, "invalid: the query "
				    "takes only me=<64 hex>");
			has_me = strlen(args) != 3;
		}
		e = witness_json_detail(s, id, has_me ? me : NULL, now, b);
	} else if (strncmp(args, "code=", 5) == 0) {
		if (!witness_code_prefix(args + 5, strlen(args + 5), prefix))
			return http_error(b, 400, "invalid: a code is 8 bech32 "
			    "characters");
		buf_puts(b, "{\"keys\":[");
		if ((e = witness_keys_by_code(s, prefix, key_json, &jk)) ==
		    ERR_OK)
			buf_puts(b, "]}");
	} else {
		if ((ids = calloc(WITNESS_API_MAX_IDS, 32)) == NULL)
			return http_error(b, 500, "error: out of memory");
		if (!witness_query_parse(args, ids, WITNESS_API_MAX_IDS, &n, me,
		    &has_me)) {
			free(ids);
			return http_error(b, 400, "invalid: want ids=<64 hex>,"
			    "... (at most 50, none twice) and optionally "
			    "me=<64 hex>");
		}
		e = witness_json_states(s, (const uint8_t (*)[32])ids, n,
		    has_me ? me : NULL, now, b);
		free(ids);
	}
	if (e != ERR_OK || b->err) {
		char	 why[128];

		return http_error(b, 500, err_reason(e != ERR_OK ? e : ERR_NOMEM,
		    why, sizeof(why)));
	}
	return 200;
}
