/*
 * archive_verify.c: the walk over an archive's items and the whole check
 * (archive_verify.h).  Three readers at most are open at a time; lines are
 * bounded by ARCHIVE_LINE_MAX and nothing is kept per event, so memory is
 * the same for ten events and ten million.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "archive_verify.h"
#include "bech32.h"
#include "crypto.h"
#include "custody.h"
#include "event.h"
#include "hex.h"

#define MANIFEST_MAX	(256u << 20)

static void
say(averify_say fn, void *arg, uint64_t *count, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
say(averify_say fn, void *arg, uint64_t *count, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(*count)++;
	if (fn != NULL)
		fn(arg, msg);
}

#define WSAY(w, ...)	say((w)->say, (w)->arg, &(w)->problems, __VA_ARGS__)

static const char *
hx(const uint8_t *p, char out[65])
{
	hex_encode(p, 32, out);
	out[64] = '\0';
	return out;
}

static const char *
why_event(enum err e)
{
	switch (e) {
	case ERR_ID_MISMATCH:
		return "its id does not match its content (a byte was changed)";
	case ERR_BAD_SIG:
	case ERR_PUBKEY_CURVE:
		return "its signature does not verify (changed after signing)";
	default:
		return "it is not a well-formed event (a byte was changed)";
	}
}

/*
 * Parses and checks one event line (tmp NULL: parses only).  Returns:
 * ERR_OK or why not.
 */
static enum err
check_line(const struct buf *line, struct event *ev, uint8_t **scratch,
    size_t *scap, struct buf *tmp)
{
	struct event_limits lim = { .max_size = ARCHIVE_LINE_MAX,
	    .max_tags = 100000, .max_content = ARCHIVE_LINE_MAX };
	size_t	 need = EVENT_SCRATCH(line->len);
	uint8_t	*n;
	enum err e;

	if (need > *scap) {
		if ((n = realloc(*scratch, need)) == NULL)
			return ERR_NOMEM;
		*scratch = n;
		*scap = need;
	}
	if ((e = event_parse(line->p, line->len, &lim, ev, *scratch, *scap)) !=
	    ERR_OK)
		return e;
	return tmp != NULL ? event_check(ev, tmp) : ERR_OK;
}

static void
add_leaf(struct archive_walk *w, uint8_t type, uint64_t line, const char *p,
    size_t n, const uint8_t h[32])
{
	uint8_t	 l[32];

	merkle_leaf(type, h, l);
	if (w->leaf != NULL)
		w->leaf(w->leaf_arg, w->tree.n, type, line, p, n, h);
	merkle_add(&w->tree, l);
}

static void
leaf_text(struct archive_walk *w, uint8_t type, uint64_t line,
    const char *p, size_t n)
{
	uint8_t	 h[32];

	crypto_sha256(p, n, h);
	add_leaf(w, type, line, p, n, h);
}

static int
walk_events(struct asrc *s, struct archive_walk *w, uint8_t **scratch,
    size_t *scap, struct buf *tmp)
{
	struct ardr *r;
	struct buf line;
	struct event ev;
	uint64_t n = 0;
	char	 h[65];
	int	 got;
	enum err e;

	if (ardr_open(s, ARCHIVE_EVENTS, &r) != ERR_OK) {
		WSAY(w, "%s: missing: the archive's events are not there",
		    ARCHIVE_EVENTS);
		return -1;
	}
	buf_init(&line, 0);
	while ((got = ardr_line(r, &line)) == 1) {
		n++;
		leaf_text(w, MERKLE_EVENT, n, line.p, line.len);
		w->events++;
		if ((e = check_line(&line, &ev, scratch, scap, w->no_sigs ?
		    NULL : tmp)) != ERR_OK) {
			if (e == ERR_ID_MISMATCH || e == ERR_BAD_SIG)
				WSAY(w, "%s line %llu: event %s: %s",
				    ARCHIVE_EVENTS, (unsigned long long)n,
				    hx(ev.id, h), why_event(e));
			else
				WSAY(w, "%s line %llu: %s", ARCHIVE_EVENTS,
				    (unsigned long long)n, why_event(e));
			continue;
		}
		if (w->roots != NULL && ev.kind == CUSTODY_ROOT_KIND) {
			if (memcmp(ev.pubkey, w->node, 32) != 0)
				w->roots->others++;
			else
				(void)aroots_add(w->roots, &ev, n, false);
		}
		if (archive_is_mark(&ev))
			w->marks++;
		else
			w->reports++;
		if (!w->have_time || ev.created_at < w->t_first)
			w->t_first = ev.created_at;
		if (!w->have_time || ev.created_at > w->t_last)
			w->t_last = ev.created_at;
		w->have_time = true;
	}
	if (got < 0)
		WSAY(w, "%s line %llu: %s", ARCHIVE_EVENTS,
		    (unsigned long long)n + 1, got == -2 ? "longer than any "
		    "line an archive has" : "could not be read");
	buf_free(&line);
	ardr_close(r);
	return got < 0 ? -1 : 0;
}

/* The next event line's id, for matching custody lines to events. */
static int
next_event_id(struct ardr *r, struct buf *line, uint8_t id[32])
{
	const char *p;

	if (r == NULL || ardr_line(r, line) != 1)
		return 0;
	/* The id is checked by walk_events; here only where it is. */
	if ((p = memmem(line->p, line->len, "\"id\":\"", 6)) == NULL ||
	    (size_t)(line->p + line->len - p) < 6 + 64 ||
	    !hex_decode(p + 6, 64, id, 32))
		memset(id, 0, 32);
	return 1;
}

static void
qpop(uint8_t q[2][32], uint64_t qn[2], size_t *n, size_t k)
{
	if (k == 1 && *n == 2) {
		memcpy(q[0], q[1], 32);
		qn[0] = qn[1];
	}
	*n -= k;
}

static int
walk_custody(struct asrc *s, struct archive_walk *w)
{
	struct ardr *c = NULL, *src = NULL, *ev = NULL;
	struct custody_line cl;
	struct custody_source cs;
	struct buf line, sline, eline;
	uint8_t	 chain[32], digest[32], eq[2][32];
	uint64_t seq = w->c_first, n = 0, sn = 0, en = 0, stub_seq, eqn[2];
	size_t	 nq = 0;
	bool	 have_src = false, src_end = false, gap;
	char	 h1[65], h2[65];
	int	 got, rc = 0;

	memcpy(chain, w->c_start, 32);
	w->c_last = w->c_first - 1;
	memcpy(w->c_head, chain, 32);
	if (asrc_find(s, ARCHIVE_CUSTODY) < 0) {
		WSAY(w, "%s: missing: the archive's custody log is not there",
		    ARCHIVE_CUSTODY);
		return -1;
	}
	if (ardr_open(s, ARCHIVE_CUSTODY, &c) != ERR_OK)
		return -1;
	if (asrc_find(s, ARCHIVE_SOURCES) >= 0 &&
	    ardr_open(s, ARCHIVE_SOURCES, &src) != ERR_OK)
		src = NULL;
	if (ardr_open(s, ARCHIVE_EVENTS, &ev) != ERR_OK)
		ev = NULL;
	buf_init(&line, 0);
	buf_init(&sline, 0);
	buf_init(&eline, 0);
	if (w->roots != NULL)
		aroots_begin(w->roots);
	while ((got = ardr_line(c, &line)) == 1) {
		n++;
		if (custody_stub_parse(line.p, line.len, &stub_seq, digest) ==
		    ERR_OK) {
			if (stub_seq != seq) {
				WSAY(w, "%s line %llu: seq %llu where seq %llu "
				    "belongs: a line was removed or added",
				    ARCHIVE_CUSTODY, (unsigned long long)n,
				    (unsigned long long)stub_seq,
				    (unsigned long long)seq);
				seq = stub_seq;
			}
			w->stubs++;
			custody_chain_digest(chain, digest, chain);
			if (w->roots != NULL)
				aroots_step(w->roots, w, seq, false, 0, chain);
			seq++;
			continue;
		}
		if (custody_line_parse(line.p, line.len, &cl) != ERR_OK) {
			WSAY(w, "%s line %llu (seq %llu): not a custody line "
			    "(a byte was changed)", ARCHIVE_CUSTODY,
			    (unsigned long long)n, (unsigned long long)seq);
			crypto_sha256(line.p, line.len, digest);
			custody_chain_digest(chain, digest, chain);
			if (w->roots != NULL)
				aroots_step(w->roots, w, seq, false, 0, chain);
			seq++;
			continue;
		}
		gap = cl.seq != seq;
		if (gap) {
			WSAY(w, "%s line %llu: seq %llu where seq %llu belongs: "
			    "a line was removed or added", ARCHIVE_CUSTODY,
			    (unsigned long long)n, (unsigned long long)cl.seq,
			    (unsigned long long)seq);
			seq = cl.seq;
		}
		if (memcmp(cl.prev, chain, 32) != 0) {
			if (gap)
				;	/* said */
			else if (n == 1)
				WSAY(w, "%s line 1 (seq %llu): its prev is not "
				    "the chain start the manifest signs",
				    ARCHIVE_CUSTODY, (unsigned long long)seq);
			else
				WSAY(w, "%s line %llu (seq %llu) was changed: "
				    "line %llu's prev does not match it (the "
				    "chain is %s there, the next line says %s)",
				    ARCHIVE_CUSTODY, (unsigned long long)n - 1,
				    (unsigned long long)seq - 1,
				    (unsigned long long)n, hx(chain, h1),
				    hx(cl.prev, h2));
			memcpy(chain, cl.prev, 32);
		}
		w->custody++;
		leaf_text(w, MERKLE_CUSTODY, n, line.p, line.len);
		/*
		 * The k-th full line is the k-th event's first receipt.  Two
		 * events are looked at, so that one event or one line taken
		 * out is named once, not as a shift of all that follow.
		 */
		while (nq < 2 && next_event_id(ev, &eline, eq[nq]) == 1)
			eqn[nq++] = ++en;
		if (nq > 0 && memcmp(eq[0], cl.id, 32) == 0)
			qpop(eq, eqn, &nq, 1);
		else if (nq > 1 && memcmp(eq[1], cl.id, 32) == 0) {
			WSAY(w, "%s line %llu: event %s has no custody line "
			    "(its line was removed)", ARCHIVE_EVENTS,
			    (unsigned long long)eqn[0], hx(eq[0], h1));
			qpop(eq, eqn, &nq, 2);
		} else
			WSAY(w, "%s line %llu (seq %llu) names event %s, which "
			    "is not in %s where it belongs (the event was "
			    "removed)", ARCHIVE_CUSTODY, (unsigned long long)n,
			    (unsigned long long)seq, hx(cl.id, h1),
			    ARCHIVE_EVENTS);
		/* Its source line, if the archive shows it. */
		while (src != NULL && !src_end && !have_src) {
			if (ardr_line(src, &sline) != 1) {
				src_end = true;
				break;
			}
			sn++;
			if (custody_source_parse(sline.p, sline.len, &cs) !=
			    ERR_OK) {
				WSAY(w, "%s line %llu: not a source line (a "
				    "byte was changed)", ARCHIVE_SOURCES,
				    (unsigned long long)sn);
				continue;
			}
			have_src = true;
		}
		while (have_src && cs.seq < seq) {
			WSAY(w, "%s line %llu (seq %llu): no custody line of "
			    "that seq (its line was removed, or this one added)",
			    ARCHIVE_SOURCES, (unsigned long long)sn,
			    (unsigned long long)cs.seq);
			have_src = false;
			while (src != NULL && !src_end && !have_src) {
				if (ardr_line(src, &sline) != 1) {
					src_end = true;
					break;
				}
				sn++;
				have_src = custody_source_parse(sline.p,
				    sline.len, &cs) == ERR_OK;
				if (!have_src)
					WSAY(w, "%s line %llu: not a source "
					    "line (a byte was changed)",
					    ARCHIVE_SOURCES,
					    (unsigned long long)sn);
			}
		}
		if (have_src && cs.seq == seq) {
			crypto_sha256(sline.p, sline.len, digest);
			if (memcmp(digest, cl.src, 32) != 0)
				WSAY(w, "%s line %llu (seq %llu) was changed: "
				    "its sha256 is not the src its custody line"
				    " holds", ARCHIVE_SOURCES,
				    (unsigned long long)sn,
				    (unsigned long long)seq);
			leaf_text(w, MERKLE_SOURCE, sn, sline.p, sline.len);
			w->sources++;
			have_src = false;
		}
		custody_chain(chain, line.p, line.len, chain);
		if (w->roots != NULL)
			aroots_step(w->roots, w, seq, true, cl.at, chain);
		seq++;
	}
	if (got < 0) {
		WSAY(w, "%s line %llu: %s", ARCHIVE_CUSTODY,
		    (unsigned long long)n + 1, got == -2 ? "longer than any "
		    "line an archive has" : "could not be read");
		rc = -1;
	}
	if (have_src || (src != NULL && !src_end && ardr_line(src, &sline) ==
	    1))
		WSAY(w, "%s: lines after the last custody line they could "
		    "belong to (added or out of order)", ARCHIVE_SOURCES);
	if (nq > 0 || (ev != NULL && ardr_line(ev, &eline) == 1))
		WSAY(w, "%s line %llu and after: events without a custody line"
		    " (added)", ARCHIVE_EVENTS, nq > 0 ?
		    (unsigned long long)eqn[0] : (unsigned long long)en + 1);
	w->c_last = seq - 1;
	memcpy(w->c_head, chain, 32);
	if (w->roots != NULL)
		aroots_end(w->roots, w);
	buf_free(&line);
	buf_free(&sline);
	buf_free(&eline);
	ardr_close(c);
	ardr_close(src);
	ardr_close(ev);
	return rc;
}

static int
walk_media(struct asrc *s, struct archive_walk *w)
{
	struct ardr *r;
	struct buf line;
	json_t	*j;
	json_error_t je;
	uint8_t	 h[32];
	char	 name[TAR_NAME_MAX + 1];
	const char *hs;
	uint64_t n = 0;
	int	 got;

	if (asrc_find(s, ARCHIVE_MEDIA_LIST) < 0) {
		WSAY(w, "%s: missing", ARCHIVE_MEDIA_LIST);
		return -1;
	}
	if (ardr_open(s, ARCHIVE_MEDIA_LIST, &r) != ERR_OK)
		return -1;
	buf_init(&line, 0);
	while ((got = ardr_line(r, &line)) == 1) {
		n++;
		j = json_loadb(line.p, line.len, JSON_REJECT_DUPLICATES, &je);
		hs = json_string_value(json_object_get(j, "sha256"));
		if (j == NULL || hs == NULL || strlen(hs) != 64 ||
		    !hex_decode(hs, 64, h, 32) ||
		    !json_is_boolean(json_object_get(j, "held"))) {
			WSAY(w, "%s line %llu: not a media line (a byte was "
			    "changed)", ARCHIVE_MEDIA_LIST,
			    (unsigned long long)n);
			json_decref(j);
			continue;
		}
		if (json_is_true(json_object_get(j, "held"))) {
			w->media_held++;
			add_leaf(w, MERKLE_MEDIA, 0, hs, 64, h);
			snprintf(name, sizeof(name), "%s%s", ARCHIVE_MEDIA_DIR,
			    hs);
			if (asrc_find(s, name) < 0)
				WSAY(w, "%s: missing (%s line %llu says the "
				    "archive holds it)", name,
				    ARCHIVE_MEDIA_LIST, (unsigned long long)n);
		} else
			w->media_missing++;
		json_decref(j);
	}
	buf_free(&line);
	ardr_close(r);
	return got < 0 ? -1 : 0;
}

int
archive_walk(struct asrc *s, struct archive_walk *w)
{
	uint8_t	*scratch = NULL;
	size_t	 scap = 0;
	struct buf tmp;
	int	 rc = 0;

	merkle_init(&w->tree);
	buf_init(&tmp, 0);
	if (walk_events(s, w, &scratch, &scap, &tmp) != 0)
		rc = -1;
	if (walk_custody(s, w) != 0)
		rc = -1;
	if (walk_media(s, w) != 0)
		rc = -1;
	free(scratch);
	buf_free(&tmp);
	return rc;
}

/* Every listed file there, whole and unchanged; nothing else there. */
static void
check_files(struct asrc *s, struct averify *v)
{
	const struct manifest *m = &v->m;
	struct ardr *r;
	uint8_t	 b[1u << 16], h[32], nh[32];
	uint64_t size;
	ssize_t	 got, i;
	size_t	 k, listed;
	char	 h1[65], h2[65];
	const char *name;

	for (k = 0; k < m->nfiles; k++) {
		name = m->files[k].name;
		if ((i = asrc_find(s, name)) < 0) {
			say(v->say, v->arg, &v->problems, "%s: missing: the "
			    "manifest lists it (%llu bytes, sha256 %s)", name,
			    (unsigned long long)m->files[k].size,
			    hx(m->files[k].sha256, h1));
			continue;
		}
		if (ardr_open(s, name, &r) != ERR_OK) {
			say(v->say, v->arg, &v->problems, "%s: cannot be read",
			    name);
			continue;
		}
		size = 0;
		while ((got = ardr_read(r, b, sizeof(b))) > 0)
			size += (uint64_t)got;
		ardr_sha256(r, h);
		ardr_close(r);
		if (got < 0)
			say(v->say, v->arg, &v->problems, "%s: cannot be read",
			    name);
		else if (size != m->files[k].size ||
		    memcmp(h, m->files[k].sha256, 32) != 0)
			say(v->say, v->arg, &v->problems, "%s: changed: %llu "
			    "bytes with sha256 %s, the manifest signs %llu "
			    "bytes with sha256 %s", name,
			    (unsigned long long)size, hx(h, h1),
			    (unsigned long long)m->files[k].size,
			    hx(m->files[k].sha256, h2));
		if (strncmp(name, ARCHIVE_MEDIA_DIR, strlen(ARCHIVE_MEDIA_DIR))
		    == 0 && (!hex_decode(name + strlen(ARCHIVE_MEDIA_DIR),
		    strlen(name + strlen(ARCHIVE_MEDIA_DIR)), nh, 32) ||
		    memcmp(nh, h, 32) != 0))
			say(v->say, v->arg, &v->problems, "%s: its bytes do not "
			    "match its name, the sha256 of the original (the "
			    "media file was changed)", name);
	}
	/* Anything else is an addition (the manifest and the viewer aside). */
	for (k = 0; k < asrc_count(s); k++) {
		name = asrc_name(s, k);
		if (strcmp(name, ARCHIVE_MANIFEST) == 0 ||
		    strcmp(name, "index.html") == 0 ||
		    (v->extract && strcmp(name, ARCHIVE_PROOF) == 0))
			continue;
		for (listed = 0; listed < m->nfiles; listed++)
			if (strcmp(m->files[listed].name, name) == 0)
				break;
		if (listed == m->nfiles)
			say(v->say, v->arg, &v->problems, "%s: added: the "
			    "manifest does not list it", name);
	}
}

static void
check_count(struct averify *v, const char *what, uint64_t signed_n,
    uint64_t found)
{
	if (signed_n != found)
		say(v->say, v->arg, &v->problems, "the manifest counts %llu "
		    "%s, the archive holds %llu", (unsigned long long)signed_n,
		    what, (unsigned long long)found);
}

/* The manifest: a signed event by the node it names. */
static int
check_manifest(struct asrc *s, struct averify *v)
{
	struct event_limits lim = { .max_size = MANIFEST_MAX,
	    .max_tags = 16, .max_content = MANIFEST_MAX };
	struct buf text, tmp;
	struct event ev;
	uint8_t	*scratch = NULL;
	char	 n1[100], n2[100];
	int	 rc = -1;
	enum err e;

	buf_init(&text, 0);
	buf_init(&tmp, 0);
	if (asrc_slurp(s, ARCHIVE_MANIFEST, MANIFEST_MAX, &text) != 0) {
		say(v->say, v->arg, &v->problems, "%s: missing or unreadable: "
		    "nothing in the archive can be checked without it",
		    ARCHIVE_MANIFEST);
		goto done;
	}
	while (text.len > 0 && text.p[text.len - 1] == '\n')
		text.len--;
	if ((scratch = malloc(EVENT_SCRATCH(text.len))) == NULL)
		goto done;
	if ((e = event_parse(text.p, text.len, &lim, &ev, scratch,
	    EVENT_SCRATCH(text.len))) != ERR_OK || ev.kind != ARCHIVE_KIND) {
		say(v->say, v->arg, &v->problems, "%s: not a manifest event "
		    "(a byte was changed)", ARCHIVE_MANIFEST);
		goto done;
	}
	if ((e = event_check(&ev, &tmp)) != ERR_OK) {
		say(v->say, v->arg, &v->problems, "%s: %s", ARCHIVE_MANIFEST,
		    why_event(e));
		goto done;
	}
	memcpy(v->signer, ev.pubkey, 32);
	v->manifest_at = ev.created_at;
	if (manifest_parse(ev.content.p, ev.content.n, &v->m) != ERR_OK) {
		say(v->say, v->arg, &v->problems, "%s: its content is not a "
		    "manifest of this format", ARCHIVE_MANIFEST);
		goto done;
	}
	nip19_npub(ev.pubkey, n1, sizeof(n1));
	if (memcmp(v->m.node, ev.pubkey, 32) != 0) {
		nip19_npub(v->m.node, n2, sizeof(n2));
		say(v->say, v->arg, &v->problems, "%s: signed by %s, not by "
		    "the node it names (%s): re-signed by another key",
		    ARCHIVE_MANIFEST, n1, n2);
	}
	if (v->expect != NULL && memcmp(v->expect, ev.pubkey, 32) != 0) {
		nip19_npub(v->expect, n2, sizeof(n2));
		say(v->say, v->arg, &v->problems, "%s: signed by %s, not by "
		    "%s (--node): re-signed by another key", ARCHIVE_MANIFEST,
		    n1, n2);
	}
	rc = 0;
done:
	free(scratch);
	buf_free(&text);
	buf_free(&tmp);
	return rc;
}

uint64_t
archive_verify(struct asrc *s, struct averify *v)
{
	struct manifest *m = &v->m;
	uint8_t	 root[32];
	char	 h1[65], h2[65];

	manifest_init(m);
	memset(&v->w, 0, sizeof(v->w));
	memset(&v->roots, 0, sizeof(v->roots));
	v->problems = 0;
	v->extract = asrc_find(s, ARCHIVE_PROOF) >= 0;
	if (check_manifest(s, v) != 0)
		return v->problems;
	if (v->extract)
		return archive_verify_extract(s, v);
	check_files(s, v);
	v->w.say = v->say;
	v->w.arg = v->arg;
	v->w.node = m->node;
	v->w.roots = &v->roots;
	v->w.note = v->note;
	if (v->roots_file != NULL)
		aroots_file(&v->roots, v->roots_file, m->node, v->say, v->arg,
		    &v->problems);
	if (m->have_custody) {
		v->w.c_first = m->c_first;
		memcpy(v->w.c_start, m->c_start, 32);
	} else
		v->w.c_first = 1;
	archive_walk(s, &v->w);
	v->problems += v->w.problems;
	merkle_root(&v->w.tree, root);
	if (memcmp(root, m->root, 32) != 0 || v->w.tree.n != m->leaves)
		say(v->say, v->arg, &v->problems, "the Merkle root of the "
		    "archive's %llu items is %s, the manifest signs %s over "
		    "%llu items", (unsigned long long)v->w.tree.n, hx(root, h1),
		    hx(m->root, h2), (unsigned long long)m->leaves);
	if (m->have_custody && (v->w.c_last != m->c_last ||
	    memcmp(v->w.c_head, m->c_head, 32) != 0))
		say(v->say, v->arg, &v->problems, "%s: the chain ends at seq "
		    "%llu with %s, the manifest signs seq %llu with %s (the "
		    "last line was changed, or lines were cut off or added)",
		    ARCHIVE_CUSTODY, (unsigned long long)v->w.c_last,
		    hx(v->w.c_head, h1), (unsigned long long)m->c_last,
		    hx(m->c_head, h2));
	check_count(v, "events", m->events, v->w.events);
	check_count(v, "custody lines", m->custody, v->w.custody);
	check_count(v, "custody stubs", m->stubs, v->w.stubs);
	check_count(v, "source lines", m->sources, v->w.sources);
	check_count(v, "media files", m->media_held, v->w.media_held);
	return v->problems;
}

void
averify_free(struct averify *v)
{
	manifest_free(&v->m);
	aroots_free(&v->roots);
}
