/*
 * vpool.c: the verify pool of vpool.h.  A ring of job slots and one mutex:
 * the loop fills slot[head], workers claim slots in order and verify in
 * parallel, the loop takes slot[tail] once it is done.  Each slot keeps
 * its parse scratch between uses, so a steady stream allocates nothing.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "vpool.h"

#define VPOOL_SLOTS	1024
#define VPOOL_THREADS	16

struct vslot {
	struct vjob	 job;
	bool		 done;
	bool		 ready;		/* job.ctx initialised */
};

struct vpool {
	struct vslot	*ring;
	unsigned	 head, claim, tail;	/* free-running counters */
	bool		 stop;
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;
	pthread_t	 threads[VPOOL_THREADS];
	int		 nthreads;
	void		(*wake)(void *);
	void		*arg;
};

static void *
worker(void *arg)
{
	struct vpool *p = arg;
	struct vslot *s;
	struct crypto_keys *keys = NULL;	/* at the first job: 48 KiB */

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->claim == p->head && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop)
			break;
		s = &p->ring[p->claim++ % VPOOL_SLOTS];
		pthread_mutex_unlock(&p->mu);
		if (keys == NULL)
			keys = calloc(1, sizeof(*keys));	/* or none */
		s->job.e = ingest_verify_with(&s->job.ev, keys);
		pthread_mutex_lock(&p->mu);
		s->done = true;
		pthread_mutex_unlock(&p->mu);
		p->wake(p->arg);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	free(keys);
	return NULL;
}

enum err
vpool_new(struct vpool **pp, int nthreads, void (*wake)(void *), void *arg)
{
	struct vpool *p;
	int	 i;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return ERR_NOMEM;
	if ((p->ring = calloc(VPOOL_SLOTS, sizeof(*p->ring))) == NULL) {
		free(p);
		return ERR_NOMEM;
	}
	/*
	 * Slots are set up when first used, so that an idle relay does not
	 * keep the whole ring (some 300 KB) in memory.
	 */
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	p->wake = wake;
	p->arg = arg;
	if (nthreads > VPOOL_THREADS)
		nthreads = VPOOL_THREADS;
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
			break;
		p->nthreads++;
	}
	if (p->nthreads == 0) {
		vpool_free(p);
		return ERR_NOMEM;
	}
	*pp = p;
	return ERR_OK;
}

void
vpool_free(struct vpool *p)
{
	int	 i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	for (i = 0; i < VPOOL_SLOTS; i++) {
		if (p->ring[i].ready)
			ingest_ctx_free(&p->ring[i].job.ctx);
		free(p->ring[i].job.json);
	}
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p->ring);
	free(p);
}

struct vjob *
vpool_job(struct vpool *p)
{
	struct vslot *s;

	/* Only the loop moves head and tail: no lock needed to read them. */
	if (p->head - p->tail >= VPOOL_SLOTS)
		return NULL;
	s = &p->ring[p->head % VPOOL_SLOTS];
	if (!s->ready) {
		ingest_ctx_init(&s->job.ctx);
		s->ready = true;
	}
	return &s->job;
}

void
vpool_submit(struct vpool *p, struct vjob *j)
{
	pthread_mutex_lock(&p->mu);
	p->ring[p->head % VPOOL_SLOTS].done = false;
	p->head++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	(void)j;
}

struct vjob *
vpool_take(struct vpool *p)
{
	struct vslot *s;
	bool	 done;

	if (p->tail == p->head)
		return NULL;
	s = &p->ring[p->tail % VPOOL_SLOTS];
	pthread_mutex_lock(&p->mu);
	done = s->done;
	pthread_mutex_unlock(&p->mu);
	return done ? &s->job : NULL;
}

void
vpool_done(struct vpool *p, struct vjob *j)
{
	/* Give back memory a large event took. */
	if (j->cap > (64u << 10)) {
		free(j->json);
		j->json = NULL;
		j->len = j->cap = 0;
	}
	p->tail++;
}

unsigned
vpool_pending(const struct vpool *p)
{
	return p->head - p->tail;
}
