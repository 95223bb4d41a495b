/*
 * mesh_int.h: what the files of the mesh share.  Not for other modules.
 * The files, and the only way their calls run:
 *
 *   mesh.c       the links table, discovery, the tick, relay hooks (top)
 *   mesh_live.c  live links: the WebSocket client and a virtual
 *                connection of our relay
 *   mesh_work.c  full rounds on worker threads: peers, sticks, bridges
 *   mesh_rec.c   what the links learned, written to the store  (bottom)
 */
#ifndef SAMIZDAT_MESH_INT_H
#define SAMIZDAT_MESH_INT_H

#include <sys/types.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "mesh.h"
#include "store_mesh.h"
#include "sync.h"

#define MESH_MAX_LINKS	256
#define MESH_MAX_INBOUND 256
#define BACKOFF_MIN	1
#define BACKOFF_MAX	30
#define DISC_WAIT	15	/* s a higher npub waits for the lower to call */
#define SYNC_TIMEOUT	30	/* s of silence a round allows */
#define SEEN_MAX	65536	/* records waiting for the next write */
#define SYNC_ECHO_S	10	/* s after a round its events may still pass */
/* Links found by mDNS (docs/discovery.md, "Floods"). */
#define GONE_GRACE	30	/* s a withdrawn link is kept, if not live */
#define TRY_RATE	20	/* calls a second to unproven links ... */
#define TRY_BURST	20	/* ... and at once */
#define TRY_TIMEOUT	5	/* s an unproven link has to answer a call */
#define FOUND_LOGS	20	/* found, left, dropped: lines a minute */

struct mesh;

/*
 * Which store a data dir holds, and how it looked: another stick, or
 * the same one written since, is synced at once.
 */
struct dir_id {
	dev_t		 dev;
	ino_t		 ino;
	struct timespec	 db, wal;	/* mtimes of events.db and its WAL */
};

struct link {
	struct mesh	*m;
	int64_t		 lid;
	enum link_kind	 kind;
	char		 url[1024];	/* ws(s):// URL or a data dir */
	char		 npub[64];	/* known for found and inbound peers */
	const char	*how;		/* config, mdns */
	uint64_t	 seq;		/* order of arrival in the table */
	bool		 gone;		/* mDNS withdrew it */
	time_t		 gone_at;
	bool		 proven;	/* at its address: its key, or a round */
	unsigned	 calls;		/* connections tried, ever */
	time_t		 call_at;	/* the last one */
	struct link	*next_out;	/* left the table, not yet written */
	/* live link (peers) */
	uint64_t	 conn;		/* the WebSocket client's id; 0: none */
	uint64_t	 vconn;		/* our relay's side of it */
	bool		 live;
	time_t		 next_try;
	unsigned	 backoff;
	/* full syncs */
	time_t		 next_sync;
	time_t		 last_ok;	/* last full sync that succeeded */
	bool		 absent;	/* dirs: no store there now */
	struct dir_id	 dir;		/* dirs: the store as last synced */
	unsigned	 sync_backoff;
	bool		 syncing;
	/* counters not yet written */
	uint64_t	 sent, received, refused;
	time_t		 seen_at;
	const char	*state;		/* NULL: unchanged */
	char		 error[256];
	bool		 dirty;
};

struct job {
	struct link	*l;		/* owned by the loop; read-only here */
	enum link_kind	 kind;
	char		 url[1024];
	char		 npub[64];	/* the key announced there, or "" */
	int64_t		 lid;
	int64_t		 since;		/* bridges: upload from here */
	struct dir_id	 dir;		/* dirs: the store being synced */
};

struct worker {
	struct mesh	*m;
	volatile int	 cancel;	/* stopping: give up the job */
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 started, stop, busy, done;
	struct job	 job;
	int		 rc;
	char		 err[256];
	struct sync_report rep;
};

struct inbound {
	uint64_t	 conn;
	int64_t		 lid;
	char		 npub[64];
};

struct seen_rec {
	uint8_t		 id[32];
	int64_t		 lid;
	enum seen_how	 how;
	int64_t		 at;
};

struct mesh {
	struct mesh_opts o;
	struct lws_context *ctx;
	struct wsc	*wsc;		/* the server's WebSocket client */
	struct relay	*relay;
	struct store	*st;		/* side handle for the records */
	uint8_t		 node_pk[32];
	char		 npub[64];
	struct link	*links[MESH_MAX_LINKS];
	size_t		 nlinks;
	uint64_t	 seq;
	struct link	*out;		/* links that left, for the records */
	int64_t		 call_tat;	/* ms: when the call bucket is empty */
	time_t		 log_min;	/* the minute of found_log */
	unsigned	 log_n, log_hidden;
	struct inbound	 in[MESH_MAX_INBOUND];
	size_t		 nin;
	struct seen_rec	*seen;
	size_t		 nseen, seencap;
	struct worker	 w[2];		/* 0: peers and dirs, 1: bridges */
	struct disc	*disc;
};

/* mesh_rec.c */
time_t		 mesh_now(void);
void		 mesh_link_set(struct link *, const char *state,
		    const char *error);
void		 mesh_seen_add(struct mesh *, const uint8_t id[32], int64_t lid,
		    enum seen_how);
void		 mesh_records_flush(struct mesh *);

/* mesh_work.c */
int		 mesh_worker_start(struct mesh *, struct worker *);
void		 mesh_worker_stop(struct worker *);
void		 mesh_worker_tick(struct mesh *, struct worker *, bool bridges);

/* mesh_live.c */
void		 mesh_live_connect(struct link *);
void		 mesh_live_abort(struct link *, const char *why);
void		 mesh_live_close(struct link *);
bool		 mesh_live_forward(void *arg, uint64_t conn,
		    const struct event *);

#endif
