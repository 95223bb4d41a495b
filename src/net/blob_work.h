/*
 * blob_work.h: blobs travel with their reports (docs/blobs.md).  One
 * thread of its own, with its own store handle and libwebsockets
 * context, so that text never waits for media: it indexes the blobs new
 * events reference, fetches those not here from the peers that have them
 * (Blossom GET on their relay port, the hash checked before anything is
 * kept, thumbnails first), and uploads this node's blobs to the Blossom
 * bridges whenever they are reachable (BUD-02 with the node's key, this
 * node's reporters' first, thumbnails first).  Every count is bounded:
 * one request at a time, a few blobs a round, a deadline on each.
 */
#ifndef SAMIZDAT_BLOB_WORK_H
#define SAMIZDAT_BLOB_WORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blob.h"

/* What serve hands the Blossom side: server_blob.c and the worker. */
struct blob_srv_opts {
	struct blob_opts store;		/* datadir, max_size, budget, metadata */
	const char	*store_path;	/* for the worker's own handle */
	unsigned	 uploads;	/* blob_uploads */
	unsigned	 uploads_per_address;
	unsigned	 upload_timeout;	/* seconds */
	const char	(*bridges)[1024];	/* blossom_bridge */
	size_t		 nbridges;
	const uint8_t	*node_sk;	/* signs GET and upload tokens */
	uint16_t	 port;		/* ours: the URL of a report's photo */
	bool		 fetch;		/* fetch what reports reference */
};

struct blob_work;

/* Starts the thread.  Returns: 0, or -1 (logged). */
int	blob_work_start(struct blob_work **, const struct blob_srv_opts *);
/* Something is wanted now (a placeholder was served): look at once. */
void	blob_work_wake(struct blob_work *);
/* Stops it and waits (NULL is a no-op). */
void	blob_work_stop(struct blob_work *);

/*
 * The base URL for a blob in a report posted on this node: the first
 * Blossom bridge, else http://<first LAN address>:port (docs/blobs.md,
 * "Which URL goes into a report").  Written to out without a trailing
 * slash.
 */
void	blob_public_base(const char (*bridges)[1024], size_t nbridges,
	    uint16_t port, char *out, size_t sz);

#endif
