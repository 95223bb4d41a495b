/*
 * fq.c: the frame FIFO of fq.h.
 */
#include <stdlib.h>
#include <string.h>

#include "fq.h"

void
fq_init(struct fq *q, size_t max)
{
	memset(q, 0, sizeof(*q));
	q->max = max;
}

void
fq_clear(struct fq *q)
{
	struct fq_frame *f;

	while ((f = fq_pop(q)) != NULL)
		free(f);
}

bool
fq_push(struct fq *q, const void *p, size_t len)
{
	struct fq_frame *f;

	if (q->max != 0 && q->bytes + len > q->max)
		return false;
	if ((f = malloc(sizeof(*f) + FQ_HEADROOM + len)) == NULL)
		return false;
	f->next = NULL;
	f->len = len;
	memcpy(FQ_DATA(f), p, len);
	if (q->tail != NULL)
		q->tail->next = f;
	else
		q->head = f;
	q->tail = f;
	q->bytes += len;
	q->frames++;
	return true;
}

struct fq_frame *
fq_pop(struct fq *q)
{
	struct fq_frame *f = q->head;

	if (f == NULL)
		return NULL;
	q->head = f->next;
	if (q->head == NULL)
		q->tail = NULL;
	q->bytes -= f->len;
	q->frames--;
	f->next = NULL;
	return f;
}
