/*
 * relay_q.c: store work that could hold up the loop -- NIP-45 counts and
 * NIP-77 id sets, which read every matching row -- on a thread of its own
 * with its own read-only store handle (relay_int.h).
 *
 * A connection with a job out is "busy": whatever it sends meanwhile waits
 * in its waiting room (relay.c, park) and its socket is not read, so its
 * messages are still answered in order, one client has one job at a time,
 * and a client sending a hundred COUNTs slows itself, nobody else.  Jobs
 * run in the order they came; their answers are sent from the loop
 * (relay_q_collect), by the handler that asked (job->done).
 *
 * Without the thread (relay_q_start not called: unit tests, tools) a job
 * runs at once on the relay's own handle.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hll.h"
#include "log.h"
#include "negentropy.h"
#include "relay_int.h"

struct relay_q {
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct qjob	*todo, **todo_tail;
	struct qjob	*done, **done_tail;
	bool		 stop;
	struct store	*st;
	struct relay_io	 io;		/* its wake */
};

static void
run(struct store *st, struct qjob *j)
{
	switch (j->kind) {
	case QJ_COUNT:
		j->e = store_count(st, j->f, j->nf, j->now, &j->count);
		break;
	case QJ_COUNT_HLL:
		j->e = store_count_hll(st, &j->f[0], j->now, j->hll_offset,
		    &j->count, j->reg);
		break;
	case QJ_IDS:
		j->e = store_ids(st, &j->f[0], j->now, j->max, &j->items,
		    &j->n);
		if (j->e == ERR_OK)
			neg_sort(j->items, j->n);
		break;
	}
}

static void *
worker(void *arg)
{
	struct relay_q *q = arg;
	struct qjob *j;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->todo == NULL && !q->stop)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->stop)
			break;
		j = q->todo;
		if ((q->todo = j->next) == NULL)
			q->todo_tail = &q->todo;
		pthread_mutex_unlock(&q->mu);
		run(q->st, j);
		pthread_mutex_lock(&q->mu);
		j->next = NULL;
		*q->done_tail = j;
		q->done_tail = &j->next;
		pthread_mutex_unlock(&q->mu);
		q->io.wake(q->io.arg);
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

enum err
relay_q_start(struct relay *r, const char *store_path)
{
	struct relay_q *q;
	enum err e;

	if (r->q != NULL || r->io.wake == NULL)
		return ERR_OK;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return ERR_NOMEM;
	if ((e = store_open(&q->st, store_path, STORE_RDONLY)) != ERR_OK) {
		free(q);
		return e;
	}
	q->io = r->io;
	q->todo_tail = &q->todo;
	q->done_tail = &q->done;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	if (pthread_create(&q->th, NULL, worker, q) != 0) {
		store_close(q->st);
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->cv);
		free(q);
		return ERR_NOMEM;
	}
	r->q = q;
	return ERR_OK;
}

struct qjob *
relay_q_job(enum qjob_kind kind, const char *subid)
{
	struct qjob *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->kind = kind;
	snprintf(j->subid, sizeof(j->subid), "%s", subid);
	buf_init(&j->payload, 0);
	return j;
}

void
relay_q_job_free(struct qjob *j)
{
	size_t	 i;

	if (j == NULL)
		return;
	for (i = 0; i < j->nf; i++)
		filter_free(&j->f[i]);
	free(j->f);
	free(j->items);
	buf_free(&j->payload);
	free(j);
}

void
relay_q_submit(struct relay *r, struct rconn *c, struct qjob *j)
{
	struct relay_q *q = r->q;

	j->conn = c->id;
	if (q == NULL) {
		run(r->store, j);
		j->done(r, c, j);
		relay_q_job_free(j);
		return;
	}
	c->busy = true;
	pthread_mutex_lock(&q->mu);
	j->next = NULL;
	*q->todo_tail = j;
	q->todo_tail = &j->next;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void
relay_q_collect(struct relay *r)
{
	struct relay_q *q = r->q;
	struct qjob *j, *next;
	struct rconn *c;

	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	j = q->done;
	q->done = NULL;
	q->done_tail = &q->done;
	pthread_mutex_unlock(&q->mu);
	for (; j != NULL; j = next) {
		next = j->next;
		if ((c = relay_conn_find(r, j->conn)) != NULL)
			c->busy = false;
		j->done(r, c, j);
		relay_q_job_free(j);
	}
}

void
relay_q_stop(struct relay *r)
{
	struct relay_q *q = r->q;
	struct qjob *j, *next;

	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = true;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->th, NULL);
	for (j = q->todo; j != NULL; j = next) {
		next = j->next;
		relay_q_job_free(j);
	}
	for (j = q->done; j != NULL; j = next) {
		next = j->next;
		relay_q_job_free(j);
	}
	store_close(q->st);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
	r->q = NULL;
}
