/*
 * store_wal.c: the page cache -- the process-wide setting, and what
 * ingest_batch.c tunes of a handle's while an import runs -- and WAL
 * checkpoints, with the thread that runs them for a writer (the relay's
 * loop, an import's writer) (store.h).
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "store_int.h"

void
store_process_init(void)
{
	/* Fails harmlessly (SQLITE_MISUSE) once SQLite is in use. */
	(void)sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

enum err
store_cache(struct store *s, int kib)
{
	char	 sql[64];
	int	 rc;

	/* A side handle, or a stick's store, keeps its 2 MiB bound. */
	if (s->flags & (STORE_HELPER | STORE_FOREIGN))
		kib = 2048;
	else if (kib <= 0)
		kib = 8192;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%d", kib);
	rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? ERR_OK : store_sqlerr(s, rc, "store");
}

enum err
store_checkpoint(struct store *s, bool truncate)
{
	int	 rc;

	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, truncate ?
	    SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return ERR_OK;		/* readers in the way: next time */
	return rc == SQLITE_OK ? ERR_OK : store_sqlerr(s, rc, "store: checkpoint");
}

enum err
store_checkpoint_restart(struct store *s)
{
	int	 rc;

	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_RESTART,
	    NULL, NULL);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return ERR_OK;		/* readers in the way: next time */
	return rc == SQLITE_OK ? ERR_OK : store_sqlerr(s, rc, "store: checkpoint");
}

/*
 * The background checkpointer of store.h.  The writer's handle gets a WAL
 * hook in place of SQLite's automatic checkpoint: a commit that takes
 * the WAL CKPT_FRAMES frames past where it was at the last wake wakes the
 * thread, which copies them into the database on its own handle (PASSIVE,
 * so the writer never waits for it).  Counting from the last wake, not
 * from the start of the WAL as SQLite's own does, matters: a writer that
 * keeps a transaction open most of the time never lets the WAL start
 * again, and every commit would then copy and sync.
 *
 * The WAL starts again from its beginning only if it was wholly copied
 * when the writer's transaction began, and a writer under a steady stream
 * begins the next one at once.  So past CKPT_WAL_FRAMES (64 MiB of 4 KiB
 * pages) the commit copies what the thread has not yet, itself (little:
 * the thread keeps up), and the next transaction writes the WAL from its
 * start; journal_size_limit then cuts the file back.  Nothing waits for
 * readers: one that holds an old snapshot only delays the new start.
 * Its handle is opened at the first wake, so a relay that stores nothing
 * keeps none; if it cannot be opened, the writer checkpoints itself, as
 * SQLite would have.
 */
#define CKPT_FRAMES	1000		/* SQLite's own default */
#define CKPT_WAL_FRAMES	16000
#define CKPT_WAL_MAX	"67108864"

struct store_ckpt {
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 kicked, stop;
	bool		 failed;	/* no handle of its own: the writer does */
	int		 woke_at;	/* the WAL's frames then: the hook's own */
	struct store	*w, *cs;
	char		 path[PATH_MAX + 16];
};

static int
ckpt_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store_ckpt *k = arg;
	bool	 failed;

	(void)name;
	pthread_mutex_lock(&k->mu);
	if (!(failed = k->failed)) {
		if (frames < k->woke_at)
			k->woke_at = 0;		/* the WAL started again */
		if (frames - k->woke_at >= CKPT_FRAMES && !k->kicked) {
			k->woke_at = frames;
			k->kicked = true;
			pthread_cond_signal(&k->cv);
		}
	}
	pthread_mutex_unlock(&k->mu);
	if ((failed && frames >= CKPT_FRAMES) || frames >= CKPT_WAL_FRAMES)
		(void)sqlite3_wal_checkpoint_v2(db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

static void *
ckpt_main(void *arg)
{
	struct store_ckpt *k = arg;

	pthread_mutex_lock(&k->mu);
	for (;;) {
		while (!k->kicked && !k->stop)
			pthread_cond_wait(&k->cv, &k->mu);
		if (k->stop)
			break;
		k->kicked = false;
		pthread_mutex_unlock(&k->mu);
		if (k->cs == NULL && store_open(&k->cs, k->path, STORE_HELPER) !=
		    ERR_OK) {
			k->cs = NULL;
			pthread_mutex_lock(&k->mu);
			k->failed = true;	/* logged by store_open */
			break;
		}
		(void)store_checkpoint(k->cs, false);
		pthread_mutex_lock(&k->mu);
	}
	pthread_mutex_unlock(&k->mu);
	return NULL;
}

enum err
store_ckpt_start(struct store *w, struct store_ckpt **out)
{
	struct store_ckpt *k;
	const char *path;

	*out = NULL;
	path = sqlite3_db_filename(w->db, "main");
	if ((w->flags & (STORE_RDONLY | STORE_FOREIGN)) || path == NULL ||
	    *path == '\0')
		return ERR_OK;		/* nothing to copy, or a stick's own */
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return ERR_NOMEM;
	k->w = w;
	if ((size_t)snprintf(k->path, sizeof(k->path), "%s", path) >=
	    sizeof(k->path)) {
		free(k);
		return ERR_OK;		/* cannot be: as before */
	}
	pthread_mutex_init(&k->mu, NULL);
	pthread_cond_init(&k->cv, NULL);
	if (pthread_create(&k->th, NULL, ckpt_main, k) != 0) {
		pthread_cond_destroy(&k->cv);
		pthread_mutex_destroy(&k->mu);
		free(k);
		return ERR_NOMEM;
	}
	(void)sqlite3_exec(w->db, "PRAGMA journal_size_limit=" CKPT_WAL_MAX,
	    NULL, NULL, NULL);
	sqlite3_wal_hook(w->db, ckpt_hook, k);	/* replaces autocheckpoint */
	*out = k;
	return ERR_OK;
}

void
store_ckpt_stop(struct store_ckpt *k)
{
	if (k == NULL)
		return;
	/* The writer checkpoints itself again, as it was opened to. */
	(void)sqlite3_wal_autocheckpoint(k->w->db, CKPT_FRAMES);
	pthread_mutex_lock(&k->mu);
	k->stop = true;
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
	pthread_join(k->th, NULL);
	if (k->cs != NULL)
		(void)store_checkpoint(k->cs, false);
	pthread_cond_destroy(&k->cv);
	pthread_mutex_destroy(&k->mu);
	store_close(k->cs);
	free(k);
}
