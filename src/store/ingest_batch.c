/*
 * ingest_batch.c: the threaded pipeline of ingest_batch.h.
 *
 * A ring of slots, one mutex, three condition variables.  The reader fills
 * slot[head], workers claim slots in order and process them in parallel,
 * the writer (the calling thread) takes slot[tail] once it is done.  Each
 * slot keeps its own line and parse scratch, so the writer stores the
 * event the worker parsed without parsing it again.  Memory is bounded by
 * the ring: RING_SLOTS lines in flight at most, RING_BYTES of their cost.
 */
#include <sys/stat.h>

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "ingest_batch.h"
#include "json.h"
#include "log.h"
#include "thread.h"

/*
 * The ring absorbs the writer's commits (20 to 100 ms for 10,000 events),
 * during which the workers go on verifying: with 512 slots they stopped
 * within 25 ms.  A line in flight costs its bytes, its parse scratch and
 * the serialisation its id is computed from (which may grow to twice
 * the line), up to 11 times its length: RING_BYTES bounds that sum, one
 * line over it at a time.  A slot given back keeps its buffers only if
 * they are of an ordinary event's size (KEEP_LINE), so that what stays
 * allocated between lines is bounded too: 22 MiB at the very worst
 * (every slot's last line 2 KiB long), 6 MiB for lines of 500 bytes.
 */
#define RING_SLOTS	1024
#define RING_BYTES	(16u << 20)	/* what lines in flight cost at most */
#define KEEP_LINE	2048
#define LINE_COST(n)	((size_t)(n) * 3 + EVENT_SCRATCH(n))
#define MAX_WORKERS	16
#define RUN_MAX		64	/* slots the writer takes with one lock */
/*
 * A commit writes every page the batch dirtied to the WAL, and ids, tag
 * keys and pubkeys land all over their indexes: the more events a commit
 * holds, the more of them share a page.  The writer's page cache is
 * raised while the batch runs so that those pages stay dirty in memory
 * until the commit (a bounded 16 MiB, within the import's 64 MB goal).
 */
#define BATCH_EVENTS	10000		/* events per commit unless told */
#define COMMIT_NSEC	(1000 * 1000000LL)	/* commit at least this often */
/*
 * The writer often catches up with the workers for a moment; committing
 * at each such gap made commits of some 650 events, not 10,000, and a
 * quarter of the writer's time.  It waits this long for more first.
 */
#define IDLE_NSEC	(50 * 1000000LL)
#define WRITER_CACHE_KIB 16384
/*
 * The checkpointer copies the WAL into the database, but only a writer
 * starting from a fully copied WAL writes it from the start again; one
 * that never pauses never does, and a million events left a 7 GB WAL.
 * Past this size the writer restarts it after a commit.
 */
#define WAL_MAX_BYTES	(64LL << 20)

enum slot_state { S_FREE, S_FILLED, S_DONE };

struct slot {
	enum slot_state	 state;
	uint64_t	 seq;
	char		*line;
	size_t		 len, cap;
	struct ingest_ctx ctx;		/* scratch the event borrows */
	struct event	 ev;
	enum err	 e;
	size_t		 cost;		/* LINE_COST(len), in pipe.inflight */
};

struct pipe {
	const struct batch_opts *o;
	batch_read_fn	 read;
	void		*rarg;
	struct slot	*ring;
	uint64_t	 head, claim, tail;
	bool		 eof, stop;
	pthread_mutex_t	 mu;
	pthread_cond_t	 space, work, done;
	uint64_t	 lines;
	size_t		 inflight;	/* what the lines in the ring cost */
};

static void *
reader_main(void *arg)
{
	struct pipe *p = arg;
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	uint64_t seq = 0;

	for (;;) {
		struct slot *s;

		n = p->read(p->rarg, &line, &cap);
		if (n < 0)
			break;
		seq++;
		n = (ssize_t)json_rtrim(line, (size_t)n);
		if (n == 0)
			continue;
		pthread_mutex_lock(&p->mu);
		while ((p->head - p->tail >= RING_SLOTS ||
		    (p->inflight + LINE_COST(n) > RING_BYTES &&
		    p->head != p->tail)) &&
		    !p->stop)
			pthread_cond_wait(&p->space, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		s = &p->ring[p->head % RING_SLOTS];
		pthread_mutex_unlock(&p->mu);
		/* The slot is ours until head moves past it. */
		if (s->cap < (size_t)n + 1) {
			char *nl = realloc(s->line, (size_t)n + 1);

			if (nl == NULL) {
				log_warnx("import: out of memory for a line of "
				    "%zd bytes", n);
				continue;
			}
			s->line = nl;
			s->cap = (size_t)n + 1;
		}
		memcpy(s->line, line, (size_t)n);
		s->line[n] = '\0';
		s->len = (size_t)n;
		s->seq = seq;
		s->cost = LINE_COST(n);
		pthread_mutex_lock(&p->mu);
		s->state = S_FILLED;
		p->inflight += s->cost;
		p->head++;
		p->lines++;
		pthread_cond_signal(&p->work);
		pthread_mutex_unlock(&p->mu);
	}
	free(line);
	pthread_mutex_lock(&p->mu);
	p->eof = true;
	pthread_cond_broadcast(&p->work);
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void
process(struct pipe *p, struct slot *s, struct store *ro,
    struct crypto_keys *keys)
{
	const struct ingest_policy *pol = p->o->pol;

	s->e = ingest_check(&s->ctx, pol, ro, s->line, s->len, p->o->now,
	    &s->ev);
	if (s->e == ERR_OK)
		s->e = ingest_verify_with(&s->ev, keys);
}

static void *
worker_main(void *arg)
{
	struct pipe *p = arg;
	struct store *ro = NULL;
	struct crypto_keys *keys = calloc(1, sizeof(*keys));	/* or none */

	thread_nice(THREAD_WORKER_NICE);	/* the writer first: thread.h */
	/*
	 * Duplicates are checked here to spare their signatures; into an
	 * empty store nothing can be a duplicate but what the writer sees.
	 */
	if (p->o->store_path != NULL && !p->o->store_empty &&
	    store_open(&ro, p->o->store_path, STORE_RDONLY | STORE_HELPER) !=
	    ERR_OK)
		ro = NULL;	/* only an optimisation: the writer dedups too */
	for (;;) {
		struct slot *s;

		pthread_mutex_lock(&p->mu);
		while (p->claim == p->head && !p->eof && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop || p->claim == p->head) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		s = &p->ring[p->claim % RING_SLOTS];
		p->claim++;
		pthread_mutex_unlock(&p->mu);

		process(p, s, ro, keys);

		pthread_mutex_lock(&p->mu);
		s->state = S_DONE;
		if (s == &p->ring[p->tail % RING_SLOTS])
			pthread_cond_signal(&p->done);
		pthread_mutex_unlock(&p->mu);
	}
	store_close(ro);
	free(keys);
	return NULL;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* *ts = now + nsec on CLOCK_MONOTONIC, the clock of the pipe's conds. */
static void
deadline(struct timespec *ts, int64_t nsec)
{
	int64_t	 t = now_ns() + nsec;

	ts->tv_sec = (time_t)(t / 1000000000LL);
	ts->tv_nsec = (long)(t % 1000000000LL);
}

static int
online_cpus(void)
{
	long	 n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > MAX_WORKERS ? MAX_WORKERS : (int)n;
}

/* Keeps the WAL near WAL_MAX_BYTES, its blocks reused, not grown. */
static void
wal_bound(const struct batch_opts *o)
{
	char	 path[PATH_MAX];
	struct stat sb;

	if (o->store_path == NULL || snprintf(path, sizeof(path), "%s-wal",
	    o->store_path) >= (int)sizeof(path))
		return;
	if (stat(path, &sb) == 0 && sb.st_size > WAL_MAX_BYTES)
		(void)store_checkpoint_restart(o->store);
}

/* Commits the open transaction; on failure rolls it back. */
static enum err
batch_commit(const struct batch_opts *o, struct batch_stats *st, bool *in_tx,
    unsigned *pending, uint64_t pending_seq)
{
	enum err e;

	if ((e = store_commit(o->store)) != ERR_OK) {
		store_rollback(o->store);
		*in_tx = false;
		return e;
	}
	*in_tx = false;
	wal_bound(o);
	st->stored += *pending;
	if (*pending > 0)
		st->last_seq = pending_seq;
	*pending = 0;
	return ERR_OK;
}

/*
 * Stores one slot's event in the open transaction (begun if need be) and
 * commits when the batch is full or old.  Returns: ERR_OK, or the
 * database error that must stop the pipeline.
 */
static enum err
store_slot(const struct batch_opts *o, struct slot *s, struct batch_stats *st,
    bool *in_tx, int64_t *tx_start, unsigned *pending, uint64_t *pending_seq,
    unsigned batch)
{
	enum err e;

	if (s->e == ERR_OK && !*in_tx) {
		if ((e = store_begin(o->store)) != ERR_OK)
			return e;
		*in_tx = true;
		*tx_start = now_ns();
	}
	if (s->e == ERR_OK) {
		s->e = ingest_store_from(o->store, &s->ev, o->now, o->src);
		if (s->e == ERR_OK) {
			(*pending)++;
			*pending_seq = s->seq;
		} else if (!ingest_accepted(s->e) && s->e != ERR_DELETED &&
		    s->e != ERR_WITNESS_PENDING)
			return s->e;	/* database trouble: stop */
	}
	if (*in_tx && (*pending >= batch || now_ns() - *tx_start > COMMIT_NSEC))
		return batch_commit(o, st, in_tx, pending, *pending_seq);
	return ERR_OK;
}

enum err
ingest_batch(const struct batch_opts *o, batch_read_fn rd, void *rarg,
    batch_result_fn res, void *res_arg, struct batch_stats *st)
{
	struct pipe p;
	pthread_t reader, workers[MAX_WORKERS];
	struct store_ckpt *ckpt = NULL;
	pthread_condattr_t ca;
	int	 nw, i, started = 0;
	unsigned batch = o->batch ? o->batch : BATCH_EVENTS, pending = 0;
	uint64_t pending_seq = 0;
	int64_t	 tx_start = 0;
	bool	 reader_up = false, in_tx = false;
	enum err e = ERR_OK;

	memset(&p, 0, sizeof(p));
	memset(st, 0, sizeof(*st));
	p.o = o;
	p.read = rd;
	p.rarg = rarg;
	nw = o->workers > 0 ? o->workers : online_cpus();
	if (nw > MAX_WORKERS)
		nw = MAX_WORKERS;
	if ((p.ring = calloc(RING_SLOTS, sizeof(*p.ring))) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < RING_SLOTS; i++)
		ingest_ctx_init(&p.ring[i].ctx);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.space, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p.done, &ca);
	pthread_condattr_destroy(&ca);
	(void)store_cache(o->store, WRITER_CACHE_KIB);	/* only faster */
	/*
	 * Checkpoints on another thread: they were a sixth of the writer's
	 * time, and the writer is the one stage that cannot be spread over
	 * cores.  Without that thread the writer does them, as always.
	 */
	if (o->store_path != NULL)
		(void)store_ckpt_start(o->store, &ckpt);
	if (pthread_create(&reader, NULL, reader_main, &p) != 0) {
		e = ERR_NOMEM;
		goto out_sync;
	}
	reader_up = true;
	for (i = 0; i < nw; i++) {
		if (pthread_create(&workers[i], NULL, worker_main, &p) != 0)
			break;
		started++;
	}
	if (started == 0) {
		e = ERR_NOMEM;
		pthread_mutex_lock(&p.mu);
		p.stop = true;
		pthread_cond_broadcast(&p.space);
		pthread_mutex_unlock(&p.mu);
		goto join;
	}

	for (;;) {
		struct slot *s;
		uint64_t run, k;
		size_t	 bytes = 0;
		bool	 idle;

		pthread_mutex_lock(&p.mu);
		s = &p.ring[p.tail % RING_SLOTS];
		idle = p.tail == p.head || s->state != S_DONE;
		/*
		 * Nothing ready: a gap in the input, or the workers a moment
		 * behind.  After IDLE_NSEC of it, commit what we have
		 * instead of sitting on it.
		 */
		if (idle && in_tx && !p.eof) {
			struct timespec dl;

			deadline(&dl, IDLE_NSEC);
			while ((p.tail == p.head || s->state != S_DONE) &&
			    !p.eof && pthread_cond_timedwait(&p.done, &p.mu,
			    &dl) == 0)
				;
			idle = p.tail == p.head || s->state != S_DONE;
		}
		/* At the end the workers are sure to finish: no gap to fill. */
		if (idle && in_tx && !p.eof) {
			pthread_mutex_unlock(&p.mu);
			if ((e = batch_commit(o, st, &in_tx, &pending,
			    pending_seq)) != ERR_OK)
				break;
			continue;
		}
		while ((p.tail == p.head && !p.eof) ||
		    (p.tail != p.head && s->state != S_DONE))
			pthread_cond_wait(&p.done, &p.mu);
		if (p.tail == p.head && p.eof) {
			pthread_mutex_unlock(&p.mu);
			break;
		}
		/* Every slot done from the tail on, taken with one lock. */
		for (run = 1; run < RUN_MAX && p.tail + run != p.head &&
		    p.ring[(p.tail + run) % RING_SLOTS].state == S_DONE; run++)
			;
		pthread_mutex_unlock(&p.mu);

		for (k = 0; k < run && e == ERR_OK; k++) {
			s = &p.ring[(p.tail + k) % RING_SLOTS];
			e = store_slot(o, s, st, &in_tx, &tx_start, &pending,
			    &pending_seq, batch);
			if (e == ERR_OK)
				res(res_arg, s->seq, s->e,
				    ingest_accepted(s->e) ? &s->ev : NULL);
			bytes += s->cost;
			if (s->cap > KEEP_LINE + 1) {	/* keep the ring small */
				free(s->line);
				s->line = NULL;
				s->cap = 0;
			}
			if (s->ctx.scratchsz > EVENT_SCRATCH(KEEP_LINE) ||
			    s->ctx.tmp.cap > KEEP_LINE * 2) {
				ingest_ctx_free(&s->ctx);
				ingest_ctx_init(&s->ctx);
			}
		}
		pthread_mutex_lock(&p.mu);
		p.inflight -= bytes;
		for (; k > 0; k--) {
			p.ring[p.tail % RING_SLOTS].state = S_FREE;
			p.tail++;
		}
		pthread_cond_signal(&p.space);
		pthread_mutex_unlock(&p.mu);
		if (e != ERR_OK)
			break;
	}
	if (e != ERR_OK) {
		if (in_tx)
			store_rollback(o->store);
	} else if (in_tx)
		e = batch_commit(o, st, &in_tx, &pending, pending_seq);
	pthread_mutex_lock(&p.mu);
	p.stop = true;
	pthread_cond_broadcast(&p.space);
	pthread_cond_broadcast(&p.work);
	pthread_mutex_unlock(&p.mu);
join:
	for (i = 0; i < started; i++)
		pthread_join(workers[i], NULL);
	if (reader_up)
		pthread_join(reader, NULL);
	st->lines = p.lines;
out_sync:
	if (ckpt != NULL) {
		store_ckpt_stop(ckpt);
		(void)store_checkpoint(o->store, true);
	}
	(void)store_cache(o->store, 0);
	pthread_cond_destroy(&p.done);
	pthread_cond_destroy(&p.work);
	pthread_cond_destroy(&p.space);
	pthread_mutex_destroy(&p.mu);
	for (i = 0; i < RING_SLOTS; i++) {
		ingest_ctx_free(&p.ring[i].ctx);
		free(p.ring[i].line);
	}
	free(p.ring);
	return e;
}
