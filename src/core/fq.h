/*
 * fq.h: a FIFO of frames waiting for a socket, each allocated with
 * FQ_HEADROOM free bytes in front (libwebsockets writes its header
 * there), with an optional cap on the bytes it holds.  The relay's
 * connections and the WebSocket client queue their output in one.  Pure
 * apart from malloc.
 */
#ifndef SAMIZDAT_FQ_H
#define SAMIZDAT_FQ_H

#include <stdbool.h>
#include <stddef.h>

#define FQ_HEADROOM	16

struct fq_frame {
	struct fq_frame	*next;
	size_t		 len;
	char		 data[];	/* FQ_HEADROOM + len */
};

struct fq {
	struct fq_frame	*head, *tail;
	size_t		 bytes;		/* of the frames queued */
	size_t		 frames;
	size_t		 max;		/* 0: no cap */
};

/* An empty queue holding at most max bytes (0: no cap). */
void		 fq_init(struct fq *, size_t max);
/* Frees every frame; the queue stays usable. */
void		 fq_clear(struct fq *);
/*
 * Appends a copy of p.  Returns: false, queueing nothing, when it would
 * pass the cap or memory ran out.
 */
bool		 fq_push(struct fq *, const void *p, size_t len);
/* The oldest frame, taken off the queue (free it with free), or NULL. */
struct fq_frame	*fq_pop(struct fq *);
/* The bytes of a frame, after its headroom. */
#define FQ_DATA(f)	((f)->data + FQ_HEADROOM)

#endif
