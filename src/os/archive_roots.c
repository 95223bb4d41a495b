/*
 * archive_roots.c: custody roots checked against an archive's custody
 * log (docs/archive.md, "Time witnesses").  The roots are the node's
 * kind 4921 events that events.jsonl holds and those of a file the
 * verifier fetched elsewhere (`archive verify --roots FILE`, from a
 * bridge relay, say); the walk over custody.jsonl then hands each line's
 * seq, time and chain to aroots_step, which compares every root whose
 * seq it is.  One entry per root (a day), sorted once, capped at
 * AROOTS_MAX: memory grows with days, not with events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_verify.h"
#include "bech32.h"
#include "hex.h"

#define AROOTS_MAX	100000	/* 270 years of days */

static const char *
hx(const uint8_t *p, char out[65])
{
	hex_encode(p, 32, out);
	return out;
}

void
aroots_free(struct aroots *a)
{
	if (a == NULL)
		return;
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* Where a root came from, for the messages. */
static void
where(const struct aroots *a, const struct aroot *r, char *out, size_t sz)
{
	snprintf(out, sz, "%s line %llu", r->ext ? a->file : ARCHIVE_EVENTS,
	    (unsigned long long)r->line);
}

bool
aroots_add(struct aroots *a, const struct event *ev, uint64_t line,
    bool ext)
{
	struct custody_root r;
	struct aroot *n;
	size_t	 cap;

	if (!custody_root_parse(ev, &r))
		return false;
	if (a->n == AROOTS_MAX) {
		a->over++;
		return true;
	}
	if (a->n == a->cap) {
		cap = a->cap ? a->cap * 2 : 64;
		if ((n = realloc(a->v, cap * sizeof(*n))) == NULL) {
			a->over++;
			return true;
		}
		a->v = n;
		a->cap = cap;
	}
	n = &a->v[a->n++];
	memset(n, 0, sizeof(*n));
	n->r = r;
	memcpy(n->id, ev->id, 32);
	n->line = line;
	n->ext = ext;
	return true;
}

static int
by_seq(const void *x, const void *y)
{
	const struct aroot *a = x, *b = y;

	if (a->r.seq != b->r.seq)
		return a->r.seq < b->r.seq ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

void
aroots_begin(struct aroots *a)
{
	if (a->n > 1)
		qsort(a->v, a->n, sizeof(a->v[0]), by_seq);
	a->next = a->p0 = a->p1 = 0;
}

void
aroots_step(struct aroots *a, struct archive_walk *w, uint64_t seq,
    bool have_at, uint64_t at, const uint8_t chain[32])
{
	struct aroot *r;
	char	 day[11], h1[65], h2[65], h3[65], src[300];
	size_t	 i;

	/*
	 * A closed root covers the last line of its day: the next line
	 * must be of a later day, else the root left lines out.
	 */
	for (i = a->p0; i < a->p1; i++) {
		r = &a->v[i];
		if (!r->matched || !custody_root_closed(&r->r) || !have_at ||
		    at >= custody_day_end(r->r.day))
			continue;
		custody_day_str(r->r.day, day);
		where(a, r, src, sizeof(src));
		w->problems++;
		if (w->say != NULL) {
			char	 msg[1024];

			snprintf(msg, sizeof(msg), "%s (seq %llu) is of %s, but "
			    "custody root event %s (%s) says the day ended at "
			    "seq %llu", ARCHIVE_CUSTODY,
			    (unsigned long long)seq, day, hx(r->id, h1), src,
			    (unsigned long long)r->r.seq);
			w->say(w->arg, msg);
		}
	}
	/* Roots of lines the archive does not show from their start. */
	while (a->next < a->n && a->v[a->next].r.seq < seq)
		a->v[a->next++].checked = false;
	a->p0 = a->next;
	for (; a->next < a->n && a->v[a->next].r.seq == seq; a->next++) {
		char	 msg[1024];

		r = &a->v[a->next];
		r->checked = true;
		custody_day_str(r->r.day, day);
		where(a, r, src, sizeof(src));
		if (memcmp(r->r.chain, chain, 32) != 0) {
			snprintf(msg, sizeof(msg), "%s seq %llu: the chain is %s"
			    " there, but custody root event %s (day %s, %s) "
			    "says %s: the log was changed after the node "
			    "published that root", ARCHIVE_CUSTODY,
			    (unsigned long long)seq, hx(chain, h1),
			    hx(r->id, h2), day, src, hx(r->r.chain, h3));
			w->problems++;
			if (w->say != NULL)
				w->say(w->arg, msg);
			continue;
		}
		if (have_at && at >= custody_day_end(r->r.day)) {
			snprintf(msg, sizeof(msg), "%s seq %llu is of a day "
			    "after %s, which custody root event %s (%s) says "
			    "it ends", ARCHIVE_CUSTODY, (unsigned long long)seq,
			    day, hx(r->id, h1), src);
			w->problems++;
			if (w->say != NULL)
				w->say(w->arg, msg);
			continue;
		}
		r->matched = true;
		a->matched++;
		if (w->note != NULL) {
			snprintf(msg, sizeof(msg), "custody: day %s %sroot "
			    "matches event %s (seq %llu, %s)", day,
			    custody_root_closed(&r->r) ? "" : "running ",
			    hx(r->id, h1), (unsigned long long)seq, src);
			w->note(w->arg, msg);
		}
	}
	a->p1 = a->next;
}

void
aroots_end(struct aroots *a, struct archive_walk *w)
{
	struct aroot *r;
	char	 day[11], h1[65], src[300], msg[1024];
	size_t	 i;

	for (i = 0; i < a->n; i++) {
		r = &a->v[i];
		if (r->checked)
			continue;
		custody_day_str(r->r.day, day);
		where(a, r, src, sizeof(src));
		if (r->r.seq > w->c_last)
			snprintf(msg, sizeof(msg), "custody root event %s (day "
			    "%s, %s) covers seq %llu, but %s ends at seq %llu "
			    "(lines were cut off)", hx(r->id, h1), day, src,
			    (unsigned long long)r->r.seq, ARCHIVE_CUSTODY,
			    (unsigned long long)w->c_last);
		else
			snprintf(msg, sizeof(msg), "custody root event %s (day "
			    "%s, %s) covers seq %llu, which %s does not show",
			    hx(r->id, h1), day, src,
			    (unsigned long long)r->r.seq, ARCHIVE_CUSTODY);
		w->problems++;
		if (w->say != NULL)
			w->say(w->arg, msg);
	}
	if (a->over > 0 && w->note != NULL) {
		snprintf(msg, sizeof(msg), "custody: %llu more root events "
		    "than can be checked at once; the first %d were",
		    (unsigned long long)a->over, AROOTS_MAX);
		w->note(w->arg, msg);
	}
	if (a->others > 0 && w->note != NULL) {
		snprintf(msg, sizeof(msg), "custody: %llu root events of other"
		    " nodes (they witness their own logs, not this one)",
		    (unsigned long long)a->others);
		w->note(w->arg, msg);
	}
}

/*
 * The roots of a file of events, one per line: each must be a custody
 * root whose id and signature verify, signed by the archive's node.
 */
void
aroots_file(struct aroots *a, const char *path, const uint8_t node[32],
    averify_say say, void *arg, uint64_t *problems)
{
	struct event_limits lim = { .max_size = 65536, .max_tags = 64,
	    .max_content = 65536 };
	struct event ev;
	struct buf tmp;
	uint8_t	*scratch;
	char	*line = NULL, msg[1024], n1[100], n2[100];
	size_t	 cap = 0;
	ssize_t	 len;
	uint64_t no = 0;
	FILE	*f;

	a->file = path;
	if ((scratch = malloc(EVENT_SCRATCH(65536))) == NULL ||
	    (f = fopen(path, "r")) == NULL) {
		free(scratch);
		snprintf(msg, sizeof(msg), "%s: cannot be read", path);
		(*problems)++;
		say(arg, msg);
		return;
	}
	buf_init(&tmp, 0);
	while ((len = getline(&line, &cap, f)) > 0) {
		no++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		msg[0] = '\0';
		if (event_parse(line, (size_t)len, &lim, &ev, scratch,
		    EVENT_SCRATCH(65536)) != ERR_OK)
			snprintf(msg, sizeof(msg), "%s line %llu: not an event",
			    path, (unsigned long long)no);
		else if (event_check(&ev, &tmp) != ERR_OK)
			snprintf(msg, sizeof(msg), "%s line %llu: its id or "
			    "signature does not verify", path,
			    (unsigned long long)no);
		else if (memcmp(ev.pubkey, node, 32) != 0) {
			nip19_npub(ev.pubkey, n1, sizeof(n1));
			nip19_npub(node, n2, sizeof(n2));
			snprintf(msg, sizeof(msg), "%s line %llu: signed by %s, "
			    "not by the archive's node %s", path,
			    (unsigned long long)no, n1, n2);
		} else if (!aroots_add(a, &ev, no, true))
			snprintf(msg, sizeof(msg), "%s line %llu: not a custody "
			    "root event", path, (unsigned long long)no);
		if (msg[0] != '\0') {
			(*problems)++;
			say(arg, msg);
		}
	}
	free(line);
	free(scratch);
	buf_free(&tmp);
	fclose(f);
}
