/*
 * store_foreign.c: stores from elsewhere (store_foreign.h).  A stick's
 * events.db comes from a stranger, and SQLite will run whatever its
 * schema says: a trigger on every insert, a view in place of a table
 * that never ends, a symbolic link that points our writes at another
 * file.  So nothing of it is used before it has been looked at, in
 * layers, cheapest first:
 *
 *   1. the path: no symbolic link anywhere in it, dir a directory,
 *      opened O_NOFOLLOW and held, so later checks compare the same dir;
 *   2. the files: events.db a regular file with one link, opened
 *      O_NOFOLLOW|O_NONBLOCK (a FIFO cannot block us) and held, with a
 *      SQLite header in UTF-8; -wal and -shm absent or regular files;
 *      no rollback journal (SQLite would replay it before any check);
 *   3. SQLite, opened with SQLITE_OPEN_NOFOLLOW and never _CREATE, set
 *      defensive before the first read: DEFENSIVE, no trusted schema,
 *      triggers and views off, no extensions, tight sqlite3_limits and a
 *      progress handler that stops any statement past the deadline or,
 *      while the schema is being read, past a memory bound;
 *   4. the schema version, then every entry of sqlite_schema against
 *      the exact set a fresh in-memory store of that version has
 *      (store_schema.c runs there and here, so they cannot drift), the
 *      FTS5 settings row by row, and the encoding SQLite sees;
 *   5. that the path still names the dir and file that were checked.
 *
 * Only then is the handle handed to store_attach (store.c) as a store.
 * The bounds stay: every later statement on it runs under the same
 * progress handler.  What an attacker controls in a message (names from
 * the schema) is cut short and stripped of control characters.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store_foreign.h"
#include "store_int.h"

#define FX_CHECK_S	10		/* default seconds for the checks */
#define FX_CHECK_MEM	(64u << 20)	/* default heap the checks may add */
#define FX_STEPS_CHECK	100		/* VDBE steps between looks, checking */
#define FX_STEPS	1000		/* and afterwards */
#define FX_MAX_WAL	(256 << 20)	/* bytes of a WAL found on a stick */
#define FX_SUFFIX	"; a store from elsewhere is data, never code"

/*
 * sqlite3_limit for a store from elsewhere.  The schema's own text is
 * parsed under these, and so is every statement of ours.
 *   LENGTH       a value or row: events are at most 256 KiB of JSON
 *   SQL_LENGTH   a statement: ours are far shorter; a schema entry too
 *   COLUMN       columns of a table, index or result: ours have 12
 *   EXPR_DEPTH   ours nest a few levels
 *   VDBE_OP      a statement's program
 *   ATTACHED     none may be attached
 */
static const struct {
	int		 id, value;
} fx_limits[] = {
	{ SQLITE_LIMIT_LENGTH, 1 << 20 },
	{ SQLITE_LIMIT_SQL_LENGTH, 256 << 10 },
	{ SQLITE_LIMIT_COLUMN, 100 },
	{ SQLITE_LIMIT_EXPR_DEPTH, 100 },
	{ SQLITE_LIMIT_COMPOUND_SELECT, 20 },
	{ SQLITE_LIMIT_VDBE_OP, 1000000 },
	{ SQLITE_LIMIT_FUNCTION_ARG, 16 },
	{ SQLITE_LIMIT_ATTACHED, 0 },
	{ SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000 },
	{ SQLITE_LIMIT_VARIABLE_NUMBER, 32766 },
	{ SQLITE_LIMIT_TRIGGER_DEPTH, 1 },
	{ SQLITE_LIMIT_WORKER_THREADS, 0 },
};

/* sqlite3_db_config switches, each read back to be sure it took. */
static const struct {
	int		 op, value;
} fx_config[] = {
	{ SQLITE_DBCONFIG_DEFENSIVE, 1 },
	{ SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0 },
	{ SQLITE_DBCONFIG_ENABLE_TRIGGER, 0 },
	{ SQLITE_DBCONFIG_ENABLE_VIEW, 0 },
	{ SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0 },
	{ SQLITE_DBCONFIG_ENABLE_FKEY, 0 },
	{ SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0 },
	{ SQLITE_DBCONFIG_WRITABLE_SCHEMA, 0 },
	{ SQLITE_DBCONFIG_DQS_DDL, 0 },
	{ SQLITE_DBCONFIG_DQS_DML, 0 },
};

double
store_foreign_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* SQLite's progress handler: non-zero interrupts the statement. */
static int
fx_progress(void *arg)
{
	struct store_fx *fx = arg;
	struct stat sb;
	double	 now, limit;

	if (fx->stop != FX_RUN)
		return 1;
	/* A stick pulled out or cut short: stop before more is written. */
	if (fstat(fx->dbfd, &sb) == 0) {
		if (sb.st_nlink == 0 || sb.st_size < fx->size_seen)
			fx->stop = FX_GONE;
		else
			fx->size_seen = sb.st_size;
	}
	if (fx->stop != FX_RUN)
		return 1;
	if (fx->cancel != NULL && *fx->cancel)
		fx->stop = FX_CANCEL;
	else if (fx->checking && fx->mem_max > 0 &&
	    sqlite3_memory_used() - fx->mem_base > fx->mem_max)
		fx->stop = FX_MEM;
	else {
		now = store_foreign_clock();
		limit = fx->checking ? fx->check_deadline : fx->deadline;
		if (limit > 0 && now > limit)
			fx->stop = FX_LATE;
	}
	return fx->stop != FX_RUN;
}

const char *
store_foreign_stopped(const struct store *s)
{
	if (s == NULL || s->fx == NULL)
		return NULL;
	switch (s->fx->stop) {
	case FX_LATE:
		return "the time limit passed";
	case FX_CANCEL:
		return "it was stopped";
	case FX_MEM:
		return "reading its schema took too much memory";
	case FX_GONE:
		return "its events.db was removed or cut short";
	case FX_RUN:
		break;
	}
	return NULL;
}

/*
 * SQLite's message, fit for ours: a schema it cannot parse is quoted in
 * it, and that text is the stranger's.  Cut short, no control bytes.
 */
static const char *
fx_errmsg(sqlite3 *db, int rc, char *out, size_t outsz)
{
	const char *m = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	size_t	 i;

	for (i = 0; m[i] != '\0' && i + 4 < outsz; i++) {
		if (i == 160) {
			memcpy(out + i, "...", 3);
			i += 3;
			break;
		}
		out[i] = ((unsigned char)m[i] < 0x20 || m[i] == 0x7f) ? '?' :
		    m[i];
	}
	out[i] = '\0';
	return out;
}

static const char *
fx_kind(mode_t m)
{
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISFIFO(m))
		return "a named pipe";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/*
 * 1. The path: made absolute; every component that exists is looked at
 * with lstat, and none may be a symbolic link (SQLITE_OPEN_NOFOLLOW
 * refuses them too, without saying which).  Then the dir is opened.
 * Returns: ERR_OK, ERR_IO (absent: no store there) or ERR_FOREIGN.
 */
static enum err
fx_path(struct store_fx *fx, const char *dir, char *why, size_t whysz)
{
	char	 cwd[PATH_MAX], *p;
	struct stat sb, db;
	size_t	 n;
	int	 w;

	if (dir[0] == '/')
		w = snprintf(fx->dir, sizeof(fx->dir), "%s", dir);
	else if (getcwd(cwd, sizeof(cwd)) != NULL)
		w = snprintf(fx->dir, sizeof(fx->dir), "%s/%s", cwd, dir);
	else {
		snprintf(why, whysz, "cannot tell where it is: %s",
		    strerror(errno));
		return ERR_IO;
	}
	if (w < 0 || (size_t)w >= sizeof(fx->dir)) {
		snprintf(why, whysz, "refused: its path is too long");
		return ERR_FOREIGN;
	}
	for (n = strlen(fx->dir); n > 1 && fx->dir[n - 1] == '/'; n--)
		fx->dir[n - 1] = '\0';
	for (p = fx->dir + 1;; p++) {
		char	 c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (lstat(fx->dir, &sb) == -1) {
			int	 err = errno;

			*p = c;
			if (err == ENOENT || err == ENOTDIR)
				return ERR_IO;
			snprintf(why, whysz, "%s", strerror(err));
			return ERR_IO;
		}
		if (S_ISLNK(sb.st_mode)) {
			snprintf(why, whysz, "refused: %s is a symbolic link; "
			    "a store from elsewhere is opened only through "
			    "real directories", fx->dir);
			*p = c;
			return ERR_FOREIGN;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(why, whysz, "refused: it is %s, not a data directory",
		    fx_kind(sb.st_mode));
		return ERR_FOREIGN;
	}
	fx->dirfd = open(fx->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fx->dirfd == -1 || fstat(fx->dirfd, &db) == -1) {
		snprintf(why, whysz, "%s", strerror(errno));
		return ERR_IO;
	}
	if (db.st_dev != sb.st_dev || db.st_ino != sb.st_ino) {
		snprintf(why, whysz, "refused: it changed while it was being "
		    "checked");
		return ERR_FOREIGN;
	}
	fx->dir_dev = db.st_dev;
	fx->dir_ino = db.st_ino;
	snprintf(fx->path, sizeof(fx->path), "%s/events.db", fx->dir);
	return ERR_OK;
}

/*
 * A file of the store in the dir, by lstat: absent (1), a regular file
 * with one link (0), or anything else (-1, refused, why set).
 */
static int
fx_file(struct store_fx *fx, const char *name, struct stat *sb, char *why,
    size_t whysz)
{
	if (fstatat(fx->dirfd, name, sb, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(why, whysz, "%s: %s", name, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb->st_mode)) {
		snprintf(why, whysz, "refused: its %s is %s, not a file%s",
		    name, fx_kind(sb->st_mode), FX_SUFFIX);
		return -1;
	}
	if (sb->st_nlink != 1) {
		snprintf(why, whysz, "refused: its %s has %ju hard links; a "
		    "samizdat store's files have one", name,
		    (uintmax_t)sb->st_nlink);
		return -1;
	}
	return 0;
}

/*
 * The side files SQLite opens by name: absent or plain files.  SQLite
 * reads all of a WAL it finds before the first query, in one go that
 * no progress handler sees, so its size is bounded here.
 */
static enum err
fx_side_files(struct store_fx *fx, char *why, size_t whysz)
{
	struct stat sb;
	int	 r;

	if ((r = fx_file(fx, "events.db-wal", &sb, why, whysz)) < 0 ||
	    fx_file(fx, "events.db-shm", &sb, why, whysz) < 0)
		return ERR_FOREIGN;
	if (r == 0 && sb.st_size > FX_MAX_WAL) {
		snprintf(why, whysz, "refused: its events.db-wal is %jd MiB, "
		    "more than the %d MiB a samizdat store leaves there",
		    (intmax_t)(sb.st_size >> 20), FX_MAX_WAL >> 20);
		return ERR_FOREIGN;
	}
	return ERR_OK;
}

/* 2. The files, and the header of events.db read through our own fd. */
static enum err
fx_files(struct store_fx *fx, const char *dir, char *why, size_t whysz)
{
	struct stat sb, fb;
	uint8_t	 h[100];
	ssize_t	 n;
	int	 r;

	if ((r = fx_file(fx, "events.db", &sb, why, whysz)) != 0)
		return r > 0 ? ERR_IO : ERR_FOREIGN;
	if (fx_file(fx, "events.db-journal", &fb, why, whysz) != 1) {
		snprintf(why, whysz, "refused: it has a rollback journal "
		    "(events.db-journal), which samizdat stores never have; "
		    "SQLite would replay it before anything could be "
		    "checked");
		return ERR_FOREIGN;
	}
	if (fx_side_files(fx, why, whysz) != ERR_OK)
		return ERR_FOREIGN;
	fx->dbfd = openat(fx->dirfd, "events.db", O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fx->dbfd == -1 || fstat(fx->dbfd, &fb) == -1) {
		snprintf(why, whysz, "events.db: %s", strerror(errno));
		return ERR_IO;
	}
	if (!S_ISREG(fb.st_mode) || fb.st_dev != sb.st_dev ||
	    fb.st_ino != sb.st_ino) {
		snprintf(why, whysz, "refused: its events.db changed while it "
		    "was being checked");
		return ERR_FOREIGN;
	}
	fx->db_dev = fb.st_dev;
	fx->db_ino = fb.st_ino;
	fx->size_seen = fb.st_size;
	if (fb.st_size == 0) {
		snprintf(why, whysz, "refused: its events.db is empty, not a "
		    "samizdat store; samizdat makes a store only where it is "
		    "asked to: 'samizdat -d %s init' on a dir without one",
		    dir);
		return ERR_FOREIGN;
	}
	n = pread(fx->dbfd, h, sizeof(h), 0);
	if (n != (ssize_t)sizeof(h) || memcmp(h, "SQLite format 3", 16) != 0) {
		snprintf(why, whysz, "refused: its events.db is not a SQLite "
		    "database, so not a samizdat store");
		return ERR_FOREIGN;
	}
	/* Offset 56: text encoding, 1 for UTF-8. */
	if (h[56] != 0 || h[57] != 0 || h[58] != 0 || h[59] != 1) {
		snprintf(why, whysz, "refused: its text is not in UTF-8, so it "
		    "was not made by samizdat");
		return ERR_FOREIGN;
	}
	return ERR_OK;
}

/* An error of SQLite during the checks, in words. */
static enum err
fx_sqlerr(struct store_fx *fx, sqlite3 *db, int rc, char *why, size_t whysz)
{
	char	 msg[200];

	switch (rc & 0xff) {
	case SQLITE_INTERRUPT:
		if (fx->stop == FX_MEM)
			snprintf(why, whysz, "refused: reading its schema "
			    "took more than %lld MiB%s",
			    (long long)(fx->mem_max >> 20), FX_SUFFIX);
		else if (fx->stop == FX_LATE)
			snprintf(why, whysz, "refused: checking it took more "
			    "than the time allowed%s", FX_SUFFIX);
		else
			snprintf(why, whysz, "stopped while checking it");
		return fx->stop == FX_CANCEL ? ERR_IO : ERR_FOREIGN;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		snprintf(why, whysz, "its store is locked by another process; "
		    "try again when it is done");
		return ERR_DB_BUSY;
	case SQLITE_NOMEM:
		snprintf(why, whysz, "out of memory");
		return ERR_NOMEM;
	case SQLITE_CANTOPEN:
		if (rc == SQLITE_CANTOPEN_SYMLINK) {
			snprintf(why, whysz, "refused: a symbolic link appeared "
			    "in its path%s", FX_SUFFIX);
			return ERR_FOREIGN;
		}
		/* FALLTHROUGH */
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_PERM:
		snprintf(why, whysz, "%s", fx_errmsg(db, rc, msg,
		    sizeof(msg)));
		return ERR_IO;
	}
	/* Corrupt, not a database, a schema SQLite will not parse, ... */
	snprintf(why, whysz, "refused: it is not a samizdat store SQLite can "
	    "read safely (%s)%s", fx_errmsg(db, rc, msg, sizeof(msg)),
	    FX_SUFFIX);
	return ERR_FOREIGN;
}

/* 3. and 4.: the handle, made defensive before its first read, then checked. */
static enum err
fx_check(struct store_fx *fx, sqlite3 *db, const char *dir, char *why,
    size_t whysz)
{
	size_t	 i;
	int	 rc, got;
	enum err e;

	for (i = 0; i < sizeof(fx_config) / sizeof(fx_config[0]); i++) {
		got = -1;
		if (sqlite3_db_config(db, fx_config[i].op, fx_config[i].value,
		    &got) != SQLITE_OK || got != fx_config[i].value) {
			snprintf(why, whysz, "this SQLite cannot be made "
			    "defensive (setting %d)", fx_config[i].op);
			return ERR_DB;
		}
	}
	sqlite3_enable_load_extension(db, 0);
	for (i = 0; i < sizeof(fx_limits) / sizeof(fx_limits[0]); i++)
		sqlite3_limit(db, fx_limits[i].id, fx_limits[i].value);
	sqlite3_progress_handler(db, FX_STEPS_CHECK, fx_progress, fx);
	sqlite3_busy_timeout(db, 5000);

	rc = store_foreign_schema(db, dir, &e, why, whysz);
	if (rc != SQLITE_OK)
		return fx_sqlerr(fx, db, rc, why, whysz);
	return e;
}

static enum err
fx_intact(const struct store_fx *fx, char *why, size_t whysz)
{
	struct stat sb;

	if (fstat(fx->dirfd, &sb) == -1 || sb.st_nlink == 0 ||
	    lstat(fx->dir, &sb) == -1 || sb.st_dev != fx->dir_dev ||
	    sb.st_ino != fx->dir_ino) {
		snprintf(why, whysz, "its dir was moved or removed");
		return ERR_IO;
	}
	if (fstat(fx->dbfd, &sb) == -1 || sb.st_nlink == 0 ||
	    fstatat(fx->dirfd, "events.db", &sb, AT_SYMLINK_NOFOLLOW) == -1 ||
	    sb.st_dev != fx->db_dev || sb.st_ino != fx->db_ino) {
		snprintf(why, whysz, "its events.db was removed or replaced");
		return ERR_IO;
	}
	if (sb.st_size < fx->size_seen) {
		snprintf(why, whysz, "its events.db was cut short");
		return ERR_IO;
	}
	return ERR_OK;
}

enum err
store_foreign_intact(struct store *s, char *why, size_t whysz)
{
	return s->fx == NULL ? ERR_OK : fx_intact(s->fx, why, whysz);
}

enum err
store_foreign_settle(struct store *s, char *why, size_t whysz)
{
	struct stat sb;
	int	 rc, pages = 0, size = 0;

	if (s->fx == NULL || (s->flags & STORE_RDONLY))
		return store_foreign_intact(s, why, whysz);
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    NULL, NULL);
	if (rc == SQLITE_OK && (rc = store_sql_int(s->db, "PRAGMA page_count",
	    &pages)) == SQLITE_OK)
		rc = store_sql_int(s->db, "PRAGMA page_size", &size);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		pages = 0;	/* a reader in the way: the WAL keeps it */
	else if (rc != SQLITE_OK) {
		snprintf(why, whysz, "writing it out failed: %s",
		    sqlite3_errmsg(s->db));
		return store_sqlerr(s, rc, "stick: checkpoint");
	}
	if (store_foreign_intact(s, why, whysz) != ERR_OK)
		return ERR_IO;
	if (pages > 0 && (fstat(s->fx->dbfd, &sb) == -1 ||
	    sb.st_size < (off_t)pages * size)) {
		snprintf(why, whysz, "its events.db was cut short");
		return ERR_IO;
	}
	return ERR_OK;
}

enum err
store_foreign_open(struct store **sp, const char *dir, int flags,
    const struct store_bounds *b, char *why, size_t whysz)
{
	struct store_fx *fx;
	sqlite3	*db = NULL;
	double	 now;
	int	 rc, pages, psize;
	enum err e;

	why[0] = '\0';
	if ((fx = calloc(1, sizeof(*fx))) == NULL) {
		snprintf(why, whysz, "out of memory");
		return ERR_NOMEM;
	}
	fx->dirfd = fx->dbfd = -1;
	if ((e = fx_path(fx, dir, why, whysz)) != ERR_OK ||
	    (e = fx_files(fx, dir, why, whysz)) != ERR_OK) {
		if (e == ERR_IO && why[0] == '\0')
			snprintf(why, whysz, "it holds no samizdat store; to "
			    "start one there, run 'samizdat -d %s init'", dir);
		goto bad;
	}
	now = store_foreign_clock();
	fx->deadline = b ? b->deadline : 0;
	fx->cancel = b ? b->cancel : NULL;
	fx->check_deadline = now + (b && b->check_s ? b->check_s :
	    FX_CHECK_S);
	if (fx->deadline > 0 && fx->deadline < fx->check_deadline)
		fx->check_deadline = fx->deadline;
	fx->mem_max = b && b->check_mem ? (sqlite3_int64)b->check_mem :
	    FX_CHECK_MEM;
	fx->mem_base = sqlite3_memory_used();
	fx->checking = 1;
	rc = sqlite3_open_v2(fx->path, &db, ((flags & STORE_RDONLY) ?
	    SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX |
	    SQLITE_OPEN_PRIVATECACHE, NULL);
	if (rc != SQLITE_OK) {
		e = fx_sqlerr(fx, db, db ? sqlite3_extended_errcode(db) : rc,
		    why, whysz);
		goto bad;
	}
	if ((e = fx_check(fx, db, dir, why, whysz)) != ERR_OK)
		goto bad;
	/*
	 * Bytes past the last page would go at the first checkpoint; from
	 * here the file only grows (no auto-vacuum), so less is a cut.
	 */
	if (store_sql_int(db, "PRAGMA page_count", &pages) == SQLITE_OK &&
	    store_sql_int(db, "PRAGMA page_size", &psize) == SQLITE_OK &&
	    (off_t)pages * psize < fx->size_seen)
		fx->size_seen = (off_t)pages * psize;
	/* 5. What SQLite opened is what was checked, and still in place. */
	if ((e = fx_intact(fx, why, whysz)) != ERR_OK ||
	    (e = fx_side_files(fx, why, whysz)) != ERR_OK)
		goto bad;
	fx->checking = 0;
	sqlite3_progress_handler(db, FX_STEPS, fx_progress, fx);
	if ((e = store_attach(sp, db, (flags & STORE_RDONLY) | STORE_FOREIGN,
	    fx)) != ERR_OK)
		snprintf(why, whysz, "%s", err_str(e));
	return e;
bad:
	sqlite3_close(db);
	if (fx->dbfd >= 0)
		close(fx->dbfd);
	if (fx->dirfd >= 0)
		close(fx->dirfd);
	free(fx);
	return e;
}
