/*
 * server_blob_int.h: what the files of the Blossom side of the server
 * share (docs/blobs.md).  Not for other modules.  The files, and the only
 * way their calls run:
 *
 *   server_blob.c    setup, dispatch, serving blobs, list, delete,
 *                    HEAD /upload (top)
 *   server_upload.c  PUT /upload, /media and /mirror: bodies to files
 *   server_answer.c  answers, refusals, headers, tokens, counting (bottom)
 *
 * A request's state (struct sblob) hangs off its connection's pss and
 * is freed with its answer (server_blob_release); a mirror's fetch is
 * cancelled with it, so no callback finds it gone.
 */
#ifndef SAMIZDAT_SERVER_BLOB_INT_H
#define SAMIZDAT_SERVER_BLOB_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "blob.h"
#include "blob_work.h"
#include "httpc.h"
#include "server_int.h"

#define DRAIN_MAX	(1u << 20)	/* bytes of a refused body still read */
#define MIRROR_BODY_MAX	4096

/* One address's uploads in progress. */
struct upaddr {
	char		 addr[64];
	unsigned	 n;
};

struct blobsrv {
	const struct blob_srv_opts *o;
	struct server	*s;
	struct blobs	*b;		/* on the server's store handle */
	struct httpc	*hc;		/* mirror fetches, on this context */
	struct blob_work *w;
	struct upaddr	*up;
	size_t		 nup;
	unsigned	 total;
	char		 public_base[1100];
};

/* A Blossom request in progress. */
struct sblob {
	struct blobsrv	*bs;
	struct lws	*wsi;		/* valid while the connection is */
	struct pss	*pss;
	enum http_kind	 kind;
	bool		 head_only;
	char		 peer[64], host[256];
	time_t		 started;
	/* serving a file */
	int		 fd;
	uint64_t	 off, end;	/* bytes [off, end) still to send */
	/* an upload */
	bool		 counted;
	struct blob_writer w;
	bool		 writing;
	uint64_t	 want, got;
	struct blossom_auth auth;
	uint8_t		 xsha[32];
	bool		 has_xsha;
	/* a refusal waiting for the body to be thrown away */
	enum err	 refuse;
	char		 detail[512];
	/* a mirror */
	struct buf	 mbody;
	uint64_t	 fetch;		/* httpc id; 0: none */
	uint8_t		 mhash[32];
	bool		 mirror_done;
	enum err	 mirror_err;
	unsigned	 answer_status;
	char		*answer;	/* a body to send when writable */
	size_t		 answer_len;
	const char	*answer_type;
};

/* server_upload.c */
int	sblob_put_start(struct sblob *);
int	sblob_put_body(struct sblob *, const void *, size_t);
int	sblob_put_done(struct sblob *);

/* server_answer.c */
enum err sblob_count_in(struct sblob *);
void	sblob_count_out(struct sblob *);
/* One line of printable ASCII for X-Reason. */
void	sblob_reason(enum err, const char *detail, char *out, size_t sz);
/*
 * The status line and headers: every answer's own (CSP, nosniff,
 * no-referrer), BUD-01's CORS, then extra (name, value pairs, NULL
 * last); clen is the Content-Length.  Returns: 0 or -1.
 */
int	sblob_headers(struct sblob *, unsigned status, const char *ctype,
	    uint64_t clen, const char *const *extra);
/* After the headers: body (malloc'd, taken) when writable, or done. */
int	sblob_send(struct sblob *, char *body, size_t len);
int	sblob_json(struct sblob *, unsigned status, struct buf *);
/* A refusal, or any plain answer: X-Reason and the same line. */
int	sblob_text(struct sblob *, enum err, const char *detail);
/* A refusal now, then close: the body is not read. */
int	sblob_refuse_now(struct sblob *, enum err, const char *detail);
/* A refusal after a small body is thrown away; at once for a large one. */
int	sblob_refuse_body(struct sblob *, enum err, const char *detail);
/* A request header; true if present (out "" when too long). */
bool	sblob_header(struct lws *, enum lws_token_indexes, char *out,
	    size_t sz);
bool	sblob_custom(struct lws *, const char *name, char *out, size_t sz);
/* The request's token for verb.  Returns: ERR_OK and sb->auth, or why. */
enum err sblob_auth(struct sblob *, enum blossom_verb);
/* X-SHA-256 (or name), if any.  Returns: ERR_OK or ERR_BLOB_REQUEST. */
enum err sblob_xsha(struct sblob *, const char *name);
/* http://<Host>: this node as the client named it. */
void	sblob_base(struct sblob *, char *out, size_t sz);

#endif
