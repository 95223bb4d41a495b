/*
 * stick.c: stick_sync (stick.h).  The stick's store is opened first,
 * through store_foreign_open, and nothing else happens unless it passes:
 * no row is read from it and neither store is written before its files
 * and its schema were found to be exactly what this samizdat makes.
 * Then the two sets are read and reconciled in this process (no wire:
 * both ends of the negentropy engine run here), and the missing events
 * are fed to the other store through ingest_batch, a chunk at a time,
 * each event read from the source only when the pipeline asks for it,
 * so memory stays bounded however large the events on the stick are.
 *
 * One deadline covers it all: the foreign store's progress handler
 * stops any statement on the stick past it, and the copy checks it
 * between events.  After the last write to the stick it is checkpointed
 * and checked to be still in place, and the events copied to it are read
 * back through a fresh open: only those are recorded as held by it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest_batch.h"
#include "log.h"
#include "negentropy.h"
#include "progress.h"
#include "stick.h"
#include "store_foreign.h"
#include "store_neg.h"
#include "store_mesh.h"

#define STICK_MAX_EVENTS 50000000	/* per side, per run: here */
#define STICK_MAX_FOREIGN 10000000	/* on the stick: 400 MB of ids */
#define STICK_CHUNK	2000		/* events copied per batch */
/*
 * Events per commit within a batch: a stick is slow and may be pulled out
 * at any moment; what each commit wrote is kept, and a removal is seen
 * between commits, not only at the end of a batch.
 */
#define STICK_COMMIT	500
#define STICK_VERIFY_S	60		/* s to read back what was copied */

struct idlist {
	uint8_t		(*ids)[32];
	size_t		 n, cap;
};

struct stick_run {
	const struct stick_opts *o;
	struct progress	 prog;
	double		 start, deadline;	/* 0: none */
	bool		 late;
	uint64_t	 done;
};

/* True when the run must stop: cancelled, or past its deadline. */
static bool
run_over(struct stick_run *r)
{
	if (r->o->cancel != NULL && *r->o->cancel)
		r->late = true;
	if (r->deadline > 0 && store_foreign_clock() > r->deadline)
		r->late = true;
	return r->late;
}

static bool
over(void *arg)
{
	return run_over(arg);
}

static void
id_add(struct idlist *l, const uint8_t id[32])
{
	uint8_t	(*n)[32];

	if (l->n == l->cap) {
		size_t	 ncap = l->cap ? l->cap * 2 : 1024;

		if ((n = realloc(l->ids, ncap * 32)) == NULL)
			return;		/* counted short; the next run catches up */
		l->ids = n;
		l->cap = ncap;
	}
	memcpy(l->ids[l->n++], id, 32);
}

static void
on_id(void *arg, const uint8_t id[32], bool have)
{
	id_add(&((struct idlist *)arg)[have ? 0 : 1], id);
}

/*
 * One batch of the copy: ids [at, end) of a list, each read from src
 * only when the reader thread of ingest_batch asks for its next line,
 * so one event at a time is held here however large they are.
 */
struct chunk {
	struct store	*src;
	const struct idlist *l;
	size_t		 at, end;
	char		**line;
	size_t		*cap;
	ssize_t		 len;		/* of the event read; -1: none */
	uint64_t	 now, *bytes;
	enum err	 e;		/* a read from src failed */
	struct stick_run *run;
};

static int
chunk_take(const char *json, size_t len, void *arg)
{
	struct chunk *c = arg;

	if (*c->cap < len + 1) {
		char	*nl = realloc(*c->line, len + 1);

		if (nl == NULL) {
			c->e = ERR_NOMEM;
			return 1;
		}
		*c->line = nl;
		*c->cap = len + 1;
	}
	memcpy(*c->line, json, len);
	(*c->line)[len] = '\0';
	*c->bytes += len;
	c->len = (ssize_t)len;
	return 0;
}

static ssize_t
chunk_read(void *arg, char **line, size_t *cap)
{
	struct chunk *c = arg;

	c->line = line;
	c->cap = cap;
	c->len = -1;
	/* Ids gone since the reconcile (replaced, expired) are skipped. */
	while (c->len < 0 && c->at < c->end && c->e == ERR_OK &&
	    !run_over(c->run))
		c->e = store_get(c->src, c->l->ids[c->at++], c->now, chunk_take,
		    c);
	return c->e == ERR_OK ? c->len : -1;
}

struct copy_state {
	struct stick_side *side;
	struct idlist	*ok;		/* ids the destination said it holds */
	const char	*from;
	struct stick_run *run;
	const char	*what;
};

static void
copy_result(void *arg, uint64_t seq, enum err e, const struct event *ev)
{
	struct copy_state *cs = arg;
	char	 reason[200];

	cs->run->done++;
	/* Held: stored, or there already; a newer version is not this one. */
	if (ev != NULL && (e == ERR_OK || e == ERR_DUPLICATE))
		id_add(cs->ok, ev->id);
	if (e == ERR_OK)
		cs->side->accepted++;
	else if (ingest_accepted(e) || e == ERR_DELETED)
		cs->side->duplicate++;
	else {
		cs->side->rejected++;
		progress_end(&cs->run->prog);
		log_warnx("%s: an event was rejected: %s", cs->from,
		    err_reason(e, reason, sizeof(reason)));
	}
	if (cs->run->o->progress)
		progress_update(&cs->run->prog, cs->what, cs->run->done,
		    "events", NULL);
}

/*
 * Copies the events with the given ids from src to dst through the
 * ingest pipeline.  dst_path NULL: dst is the stick, which is written
 * through its checked handle alone (no helper handles opened by path),
 * and checked to be in place after every batch.
 * Returns: ERR_OK or the error that stopped it, with why when the stick
 * was found moved or removed.
 */
static enum err
copy_ids(struct stick_run *run, struct store *src, struct store *dst,
    const char *dst_path, const char *from, const struct idlist *l,
    uint64_t now, struct stick_side *side, struct idlist *ok,
    const char *what, uint64_t *bytes, char *why, size_t whysz)
{
	struct ingest_policy pol;
	struct batch_opts o;
	struct batch_stats bs;
	struct copy_state cs;
	struct chunk c;
	struct custody_src csrc = { CUSTODY_STICK, from };
	size_t	 i;
	enum err e = ERR_OK;

	/* Any past created_at (offline clocks drift), a bounded future. */
	memset(&pol, 0, sizeof(pol));
	pol.max_future = run->o->future_limit;
	memset(&cs, 0, sizeof(cs));
	cs.side = side;
	cs.ok = ok;
	cs.from = from;
	cs.run = run;
	cs.what = what;
	memset(&c, 0, sizeof(c));
	c.src = src;
	c.l = l;
	c.now = now;
	c.bytes = bytes;
	c.run = run;
	for (i = 0; i < l->n && e == ERR_OK && !run_over(run);
	    i += STICK_CHUNK) {
		c.at = i;
		c.end = l->n - i < STICK_CHUNK ? l->n : i + STICK_CHUNK;
		memset(&o, 0, sizeof(o));
		o.pol = &pol;
		o.store = dst;
		o.store_path = dst_path;
		o.now = now;
		o.src = &csrc;	/* the other data dir, by its path */
		o.batch = STICK_COMMIT;
		e = ingest_batch(&o, chunk_read, &c, copy_result, &cs, &bs);
		if (e == ERR_OK)
			e = c.e;
		if (e == ERR_OK && dst_path == NULL)
			e = store_foreign_intact(dst, why, whysz);
	}
	return e;
}

/*
 * The stick's set, sorted, without what no store of ours holds: a
 * created_at of 2^63 or more (negative in SQLite; UINT64_MAX is the
 * engine's bound) or the same event twice.
 */
static size_t
items_clean(struct neg_item *it, size_t n)
{
	size_t	 i, k = 0;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (it[i].ts < (1ULL << 63))
			it[k++] = it[i];
	neg_sort(it, k);
	for (i = n = 0; i < k; i++)
		if (n == 0 || neg_item_cmp(&it[n - 1], &it[i]) != 0)
			it[n++] = it[i];
	return n;
}

/*
 * Reconciles the two sets in-process.  l[0] gets the ids only we have,
 * l[1] those only the target has.
 */
static enum err
reconcile(struct store *local, struct store *remote, const struct filter *f,
    uint64_t now, struct idlist l[2], struct stick_report *rep)
{
	double	 t0 = store_foreign_clock(), t1;
	struct neg_item *li = NULL, *ri = NULL;
	struct store_neg *lv = NULL;
	size_t	 ln, rn;
	struct neg client, server;
	struct buf a, b;
	bool	 done = false;
	enum err e;

	buf_init(&a, 0);
	buf_init(&b, 0);
	/*
	 * Ours: a time window is read from the NIP-77 index.  The stick's
	 * is read into memory, bounded and cleaned, whatever it claims.
	 */
	if (store_neg_serves(local, f)) {
		if ((e = store_neg_open(local, f, &lv)) != ERR_OK)
			goto done;
		neg_init_storage(&client, &store_neg_storage, lv, 0);
	} else {
		if ((e = store_ids(local, f, now, STICK_MAX_EVENTS, &li,
		    &ln)) != ERR_OK)
			goto done;
		neg_sort(li, ln);
		neg_init(&client, li, ln, 0);
	}
	if ((e = store_ids(remote, f, now, STICK_MAX_FOREIGN, &ri, &rn)) !=
	    ERR_OK)
		goto done;
	rn = items_clean(ri, rn);
	t1 = store_foreign_clock();
	rep->t_read = t1 - t0;
	neg_init(&server, ri, rn, 0);
	e = neg_initiate(&client, &a);
	while (e == ERR_OK && !done && rep->rounds < 1000) {
		rep->rounds++;
		rep->neg_bytes += a.len;
		buf_reset(&b);
		if ((e = neg_reconcile(&server, (uint8_t *)a.p, a.len, &b, NULL,
		    NULL, &done)) != ERR_OK)
			break;
		rep->neg_bytes += b.len;
		buf_reset(&a);
		e = neg_reconcile(&client, (uint8_t *)b.p, b.len, &a, on_id, l,
		    &done);
	}
	rep->t_neg = store_foreign_clock() - t1;
done:
	buf_free(&a);
	buf_free(&b);
	free(li);
	free(ri);
	if (lv != NULL)
		store_neg_close(lv);
	return e;
}

/*
 * What the stick verifiably holds of the events copied to it: read back
 * through a fresh, checked open after the last commit there.  Keeps in
 * l only the ids found.  Returns: ERR_OK, or why nothing is kept.
 */
static int
read_found(const char *json, size_t len, void *arg)
{
	*(bool *)arg = len > 0;
	return 0;
}

static enum err
read_back(const char *dir, volatile int *cancel, struct idlist *l, char *why,
    size_t whysz)
{
	struct store_bounds b;
	struct store *s = NULL;
	size_t	 i, k = 0;
	bool	 found;
	enum err e;

	memset(&b, 0, sizeof(b));
	b.deadline = store_foreign_clock() + STICK_VERIFY_S;
	b.cancel = cancel;
	if ((e = store_foreign_open(&s, dir, STORE_RDONLY, &b, why, whysz)) !=
	    ERR_OK) {
		l->n = 0;
		return e;
	}
	/* The row itself, not only its index entry; gone since: replaced. */
	for (i = 0; i < l->n && e == ERR_OK; i++) {
		found = false;
		e = store_get(s, l->ids[i], 0, read_found, &found);
		if (found)
			memmove(l->ids[k++], l->ids[i], 32);
	}
	if (e != ERR_OK) {
		snprintf(why, whysz, "reading it back: %s",
		    store_foreign_stopped(s) ? store_foreign_stopped(s) :
		    err_str(e));
		k = 0;
	}
	l->n = k;
	store_close(s);
	return e;
}

/*
 * What a sync with a data dir leaves in the local store's records: the
 * dir as a link with its counts, and which events it now holds (held[0],
 * copied to it and read back) or sent us (held[1]), so that `samizdat
 * status` can say a report went onto that stick.
 */
static void
record(struct store *st, const char *dir, uint64_t now,
    const struct idlist held[2], const struct stick_report *rep,
    const char *error)
{
	int64_t	 lid;
	size_t	 i;

	if (store_begin(st) != ERR_OK)
		return;
	if (store_link_add(st, dir, LINK_DIR, "sync", NULL, &lid) != ERR_OK)
		goto bad;
	store_link_update(st, lid, error == NULL ? "synced" : "sync failed",
	    (int64_t)now, error == NULL ? (int64_t)now : 0, rep->up.accepted,
	    rep->down.accepted, rep->up.rejected, error ? error : "");
	for (i = 0; i < held[0].n; i++)
		store_seen_put(st, held[0].ids[i], lid, SEEN_ACCEPTED,
		    (int64_t)now, NULL);
	for (i = 0; i < held[1].n; i++)
		store_seen_put(st, held[1].ids[i], lid, SEEN_RECEIVED,
		    (int64_t)now, NULL);
	if (store_commit(st) == ERR_OK)
		return;
bad:
	store_rollback(st);
}

/* Why a step failed, in err: the stick's own reason first. */
static void
failed(char *err, size_t errsz, struct stick_run *run, struct store *remote,
    const char *step, enum err e, const char *why)
{
	const char *gone = store_foreign_stopped(remote);
	char	 reason[200];

	if (run_over(run))
		snprintf(err, errsz, "%s after %.0f s", run->o->cancel &&
		    *run->o->cancel ? "stopped" :
		    "gave up: the time limit passed",
		    store_foreign_clock() - run->start);
	else if (gone != NULL || why[0] != '\0')
		snprintf(err, errsz, "the stick was moved or changed during the "
		    "sync: %s; nothing more is recorded as held by it",
		    gone != NULL ? gone : why);
	else if (e == ERR_DB_CORRUPT || e == ERR_IO)
		snprintf(err, errsz, "%s: %s: was the stick removed, cut short "
		    "or damaged during the sync?", step, err_reason(e, reason,
		    sizeof(reason)));
	else
		snprintf(err, errsz, "%s: %s", step, err_reason(e, reason,
		    sizeof(reason)));
}

int
stick_sync(struct store *local, const char *local_path, const char *dir,
    const struct stick_opts *o, struct stick_report *rep, char *err,
    size_t errsz)
{
	struct stick_run run;
	struct store_bounds bounds;
	struct store *remote = NULL;
	struct idlist l[2], held[2];
	struct filter all;
	char	 why[256];
	uint64_t now = (uint64_t)time(NULL);
	int	 rc = -1;
	enum err e;

	memset(rep, 0, sizeof(*rep));
	memset(l, 0, sizeof(l));
	memset(held, 0, sizeof(held));
	memset(&run, 0, sizeof(run));
	run.o = o;
	run.start = store_foreign_clock();
	if (o->timeout_s > 0)
		run.deadline = run.start + o->timeout_s;
	progress_init(&run.prog);
	filter_init(&all);
	memset(&bounds, 0, sizeof(bounds));
	bounds.deadline = run.deadline;
	bounds.cancel = o->cancel;
	/* First and alone: nothing is read or written unless it passes. */
	if ((e = store_foreign_open(&remote, dir, o->up ? 0 : STORE_RDONLY,
	    &bounds, why, sizeof(why))) != ERR_OK) {
		snprintf(err, errsz, "%s", why);
		goto out;
	}
	rep->t_check = store_foreign_clock() - run.start;
	why[0] = '\0';
	if ((e = reconcile(local, remote, o->filter ? o->filter : &all, now,
	    l, rep)) != ERR_OK) {
		failed(err, errsz, &run, remote, "reconciling", e, why);
		goto done;
	}
	rep->have = l[0].n;
	rep->need = l[1].n;
	rep->bytes = rep->neg_bytes;
	if (o->down && l[1].n > 0 && (e = copy_ids(&run, remote, local,
	    local_path, dir, &l[1], now, &rep->down, &held[1], "sync down",
	    &rep->bytes, why, sizeof(why))) != ERR_OK) {
		failed(err, errsz, &run, remote, "copying from the stick", e,
		    why);
		goto report;
	}
	if (o->up && l[0].n > 0 && !run.late && (e = copy_ids(&run, local,
	    remote, NULL, local_path, &l[0], now, &rep->up, &held[0],
	    "sync up", &rep->bytes, why, sizeof(why))) != ERR_OK) {
		failed(err, errsz, &run, remote, "copying to the stick", e,
		    why);
		goto report;
	}
	/* Then the photos and videos those events reference. */
	if (!run.late && o->blobs != NULL && stick_blobs(local, remote, dir,
	    o, rep, over, &run) != 0) {
		snprintf(err, errsz, "the blobs of %s cannot be used", dir);
		goto report;
	}
	if (run.late) {
		failed(err, errsz, &run, remote, "", ERR_OK, why);
		goto report;
	}
	rc = 0;
report:
	progress_end(&run.prog);
	/*
	 * The stick as it is now: written out, in place, and what was
	 * copied to it read back.  Only that is recorded as held by it.
	 */
	why[0] = '\0';
	if ((e = store_foreign_settle(remote, why, sizeof(why))) != ERR_OK) {
		held[0].n = 0;
		if (rc == 0 || (!run.late && store_foreign_stopped(remote) ==
		    NULL))
			snprintf(err, errsz, "the stick was moved or changed "
			    "during the sync: %s; nothing copied to it is "
			    "recorded as held by it", why);
		rc = -1;
	} else if (held[0].n > 0 && (e = read_back(dir, o->cancel, &held[0],
	    why, sizeof(why))) != ERR_OK) {
		if (rc == 0)
			snprintf(err, errsz, "the stick changed during the sync: "
			    "%s; nothing copied to it is recorded as held by "
			    "it", why);
		rc = -1;
	}
	record(local, dir, now, held, rep, rc == 0 ? NULL : err);
done:
	store_close(remote);
out:
	if (rc != 0) {
		char	*was = strdup(err);

		if (was != NULL)
			snprintf(err, errsz, "stick %s: %s", dir, was);
		free(was);
	}
	rep->secs = store_foreign_clock() - run.start;
	free(l[0].ids);
	free(l[1].ids);
	free(held[0].ids);
	free(held[1].ids);
	return rc;
}
