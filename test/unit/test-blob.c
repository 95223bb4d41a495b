/*
 * test-blob.c: the blob store (store/blob.c) on the sample files of
 * test/media: a blob is kept only whole and only with the hash it must
 * have, its type from its bytes, metadata refused or stripped, nothing
 * left in tmp/ after a refusal; the budget evicts in the documented
 * order and never this node's own media for a fetch; the index of the
 * blobs reports reference (store/blob_index.c) feeds the fetch queue,
 * thumbnails first, never originals, and a report's status.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#include "blob.h"
#include "blob_index.h"
#include "buf.h"
#include "crypto.h"
#include "event.h"
#include "hex.h"
#include "ingest.h"
#include "store.h"

#define NOW	1800000000ULL

static char dir[] = "/tmp/samizdat-test-blob-XXXXXX";
static int seq;

struct env {
	char		 datadir[256];
	struct store	*st;
	struct blobs	*b;
};

static void
env_open(struct env *e, uint64_t budget)
{
	struct blob_opts o;
	char	 path[300];

	snprintf(e->datadir, sizeof(e->datadir), "%s/d%d", dir, seq++);
	assert_int_equal(mkdir(e->datadir, 0700), 0);
	snprintf(path, sizeof(path), "%s/events.db", e->datadir);
	assert_int_equal(store_open(&e->st, path, 0), ERR_OK);
	memset(&o, 0, sizeof(o));
	o.datadir = e->datadir;
	o.max_size = 1 << 20;
	o.budget = budget;
	assert_int_equal(blobs_open(&e->b, e->st, &o), ERR_OK);
}

static void
env_close(struct env *e)
{
	blobs_close(e->b);
	store_close(e->st);
}

static char *
load(const char *name, size_t *n)
{
	char	 path[256];

	snprintf(path, sizeof(path), "../media/%s", name);
	return tu_read_file(path, n);
}

/* Files in datadir/blobs/tmp. */
static int
tmp_files(const struct env *e)
{
	char	 path[300];
	struct dirent *d;
	DIR	*dp;
	int	 n = 0;

	snprintf(path, sizeof(path), "%s/blobs/tmp", e->datadir);
	assert_non_null(dp = opendir(path));
	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dp);
	return n;
}

static bool
file_there(const struct env *e, const uint8_t h[32])
{
	char	 path[4200];

	blob_path(e->b, h, path, sizeof(path));
	return access(path, F_OK) == 0;
}

/* Keeps a sample file; owner: an uploader's key or NULL. */
static enum err
keep(struct env *e, const char *name, enum blob_role role,
    const uint8_t *owner, bool own_ok, struct blob_put *p)
{
	size_t	 n;
	char	*f = load(name, &n);
	enum err r;

	memset(p, 0, sizeof(*p));
	p->role = role;
	p->owner = owner;
	p->may_evict_own = own_ok;
	p->now = (int64_t)NOW;
	r = blob_put_mem(e->b, f, n, p);
	free(f);
	return r;
}

static void
test_keep_and_refuse(void **state)
{
	struct env e;
	struct blob_put p;
	struct blob_info i;
	uint8_t	 h[32], other[32];
	size_t	 n;
	char	*f;

	env_open(&e, 1 << 24);
	/* A JPEG with nothing to remove: kept as it is, by its hash. */
	f = load("adobe-cmyk.jpg", &n);
	crypto_sha256(f, n, h);
	memset(&p, 0, sizeof(p));
	p.role = BLOB_PUBLIC;
	p.expect = h;
	assert_int_equal(blob_put_mem(e.b, f, n, &p), ERR_OK);
	assert_memory_equal(p.sha256, h, 32);
	assert_int_equal(p.type, MEDIA_JPEG);
	assert_int_equal(p.size, n);
	assert_int_equal(p.width, 96);
	assert_int_equal(p.height, 64);
	assert_false(p.existed);
	assert_true(file_there(&e, h));
	assert_int_equal(blob_get(e.b, h, &i), ERR_OK);
	assert_true(i.present);
	assert_int_equal(i.size, n);
	/* Again: it was there. */
	memset(&p, 0, sizeof(p));
	p.role = BLOB_PUBLIC;
	assert_int_equal(blob_put_mem(e.b, f, n, &p), ERR_OK);
	assert_true(p.existed);
	/* The hash it must have, and not: refused, nothing kept. */
	memcpy(other, h, 32);
	other[0] ^= 1;
	memset(&p, 0, sizeof(p));
	p.expect = other;
	f[n - 10] ^= 0x01;
	assert_int_equal(blob_put_mem(e.b, f, n, &p), ERR_BLOB_HASH);
	assert_non_null(strstr(p.detail, "expected"));
	crypto_sha256(f, n, other);
	assert_false(file_there(&e, other));
	assert_int_equal(tmp_files(&e), 0);
	free(f);
	/* Not a type we take. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(blob_put_mem(e.b, "<html>hello</html>", 18, &p),
	    ERR_MEDIA_TYPE);
	memset(&p, 0, sizeof(p));
	assert_int_equal(blob_put_mem(e.b, "", 0, &p), ERR_MEDIA_TYPE);
	assert_int_equal(tmp_files(&e), 0);
	env_close(&e);
}

static void
test_metadata(void **state)
{
	struct env e;
	struct blob_put p;
	uint8_t	 h[32];
	size_t	 n;
	char	*f = load("phone.jpg", &n);

	env_open(&e, 1 << 24);
	crypto_sha256(f, n, h);
	/* As it is: refused, with what it carries. */
	memset(&p, 0, sizeof(p));
	p.role = BLOB_PUBLIC;
	assert_int_equal(blob_put_mem(e.b, f, n, &p), ERR_BLOB_METADATA);
	assert_non_null(strstr(p.detail, "GPS position"));
	assert_false(file_there(&e, h));
	/* Stripped (/media): only the stripped copy, ox the original. */
	memset(&p, 0, sizeof(p));
	p.role = BLOB_PUBLIC;
	p.strip = true;
	p.expect = h;		/* the bytes as sent */
	assert_int_equal(blob_put_mem(e.b, f, n, &p), ERR_OK);
	assert_memory_equal(p.ox, h, 32);
	assert_memory_not_equal(p.sha256, h, 32);
	assert_true(p.size < n);
	assert_true(file_there(&e, p.sha256));
	assert_false(file_there(&e, h));
	/* Kept with its metadata on request: an original. */
	memset(&p, 0, sizeof(p));
	p.role = BLOB_PUBLIC;
	p.keep_metadata = true;
	assert_int_equal(blob_put_mem(e.b, f, n, &p), ERR_OK);
	assert_int_equal(p.role, BLOB_ORIGINAL);
	assert_true(file_there(&e, h));
	/* Truncated: the stripper's refusal, nothing kept. */
	memset(&p, 0, sizeof(p));
	p.strip = true;
	assert_int_not_equal(blob_put_mem(e.b, f, 9000, &p), ERR_OK);
	assert_int_equal(tmp_files(&e), 0);
	free(f);
	env_close(&e);
}

static void
test_size_cap(void **state)
{
	struct env e;
	struct blob_writer w;
	static char big[(1 << 20) + 1];

	env_open(&e, 1 << 24);
	assert_int_equal(blob_writer_open(e.b, &w, 1 << 20), ERR_OK);
	assert_int_equal(blob_writer_write(&w, big, sizeof(big)),
	    ERR_MEDIA_SIZE);
	blob_writer_abort(&w);
	blob_writer_abort(&w);	/* twice is safe */
	assert_int_equal(tmp_files(&e), 0);
	env_close(&e);
}

/*
 * Four blobs: others' full-size (A), others' thumbnail (B), this node's
 * full-size (C), this node's thumbnail (D); a budget of just them.
 */
static void
test_eviction_order(void **state)
{
	static const char *names[4] = { "location.stripped.mp4",
	    "adobe-cmyk.jpg", "clip.stripped.mov", "faststart.stripped.mp4" };
	static const enum blob_role roles[4] = { BLOB_PUBLIC, BLOB_THUMB,
	    BLOB_PUBLIC, BLOB_THUMB };
	struct env e;
	struct blob_put p;
	struct blob_info inf;
	uint8_t	 h[4][32], owner[32];
	uint64_t sz[4], total = 0, bytes, count;
	int	 i;

	memset(owner, 7, sizeof(owner));
	env_open(&e, 1 << 24);
	for (i = 0; i < 4; i++) {
		assert_int_equal(keep(&e, names[i], roles[i], i >= 2 ? owner :
		    NULL, true, &p), ERR_OK);
		memcpy(h[i], p.sha256, 32);
		sz[i] = p.size;
		total += p.size;
	}
	env_close(&e);
	/* Reopen with a budget of exactly these. */
	{
		struct blob_opts o;
		char	 path[300];

		snprintf(path, sizeof(path), "%s/events.db", e.datadir);
		assert_int_equal(store_open(&e.st, path, 0), ERR_OK);
		memset(&o, 0, sizeof(o));
		o.datadir = e.datadir;
		o.max_size = 1 << 20;
		o.budget = total;
		assert_int_equal(blobs_open(&e.b, e.st, &o), ERR_OK);
	}
	assert_int_equal(blob_usage(e.b, &bytes, &count), ERR_OK);
	assert_int_equal(bytes, total);
	assert_int_equal(count, 4);
	/* One byte more: others' full-size goes first. */
	assert_int_equal(blob_make_room(e.b, 1, false), ERR_OK);
	assert_false(file_there(&e, h[0]));
	assert_int_equal(blob_get(e.b, h[0], &inf), ERR_OK);
	assert_false(inf.present);
	assert_int_equal(inf.gone, BLOB_EVICTED);
	assert_true(file_there(&e, h[1]) && file_there(&e, h[2]) &&
	    file_there(&e, h[3]));
	/* Past that: others' thumbnail. */
	assert_int_equal(blob_make_room(e.b, sz[0] + 1, false), ERR_OK);
	assert_false(file_there(&e, h[1]));
	assert_true(file_there(&e, h[2]) && file_there(&e, h[3]));
	/* A fetch may not push out this node's own media. */
	assert_int_equal(blob_make_room(e.b, sz[0] + sz[1] + 1, false),
	    ERR_BLOB_FULL);
	assert_true(file_there(&e, h[2]) && file_there(&e, h[3]));
	/* An upload may: full-size before the thumbnail. */
	assert_int_equal(blob_make_room(e.b, sz[0] + sz[1] + 1, true),
	    ERR_OK);
	assert_false(file_there(&e, h[2]));
	assert_true(file_there(&e, h[3]));
	/* More than the whole budget: no room at all. */
	assert_int_equal(blob_make_room(e.b, total + 1, true), ERR_BLOB_FULL);
	env_close(&e);
}

/* Secret keys 1..9 by index. */
static void
seckey(int who, uint8_t sk[32])
{
	memset(sk, 0, 32);
	sk[31] = (uint8_t)who;
}

static void
pubhex(int who, char out[65])
{
	uint8_t	 sk[32], pk[32];

	seckey(who, sk);
	crypto_pubkey(sk, pk);
	hex_encode(pk, 32, out);
}

/*
 * Signs an event; tags as a JSON array text.  Returns malloc'd JSON.
 */
static char *
mk(int who, uint64_t created_at, uint32_t kind, const char *tags,
    const char *content)
{
	struct buf b, tmp;
	struct event ev;
	uint8_t	 sk[32];
	char	*unsigned_json, *out;
	static char scratch[EVENT_SCRATCH(16384)];
	char	 pk[65];

	buf_init(&b, 0);
	buf_init(&tmp, 0);
	pubhex(who, pk);
	/* Build an unsigned body, parse it, sign it, write it out. */
	buf_printf(&b, "{\"id\":\"%064d\",\"pubkey\":\"%s\",\"created_at\":%llu,"
	    "\"kind\":%u,\"tags\":%s,\"content\":", 0, pk,
	    (unsigned long long)created_at, kind, tags);
	buf_json_str(&b, content, strlen(content));
	buf_printf(&b, ",\"sig\":\"%0128d\"}", 0);
	unsigned_json = strdup(b.p);
	assert_int_equal(event_parse(unsigned_json, strlen(unsigned_json), NULL,
	    &ev, scratch, sizeof(scratch)), ERR_OK);
	seckey(who, sk);
	assert_int_equal(event_sign(&ev, sk, &tmp), ERR_OK);
	buf_reset(&b);
	event_write_json(&ev, &b);
	out = strdup(b.p);
	free(unsigned_json);
	buf_free(&b);
	buf_free(&tmp);
	return out;
}

static enum err
put(struct store *s, const char *json)
{
	struct ingest_ctx c;
	struct ingest_policy pol;
	enum err e;

	memset(&pol, 0, sizeof(pol));
	ingest_ctx_init(&c);
	e = ingest_one(&c, &pol, s, json, strlen(json), NOW, NULL);
	ingest_ctx_free(&c);
	return e;
}

static void
test_index_and_wants(void **state)
{
	struct env e;
	struct blob_want w[8];
	struct buf b;
	uint8_t	 id[32];
	char	 tags[2000], x[65], th[65], ox[65], *ev;
	size_t	 n;

	env_open(&e, 1 << 24);
	memset(x, 'a', 64);
	memset(th, 'b', 64);
	memset(ox, 'c', 64);
	x[64] = th[64] = ox[64] = '\0';
	snprintf(tags, sizeof(tags), "[[\"imeta\",\"url https://b.example/"
	    "%s.jpg\",\"x %s\",\"ox %s\",\"thumb https://b.example/%s.jpg\"]]",
	    x, x, ox, th);
	ev = mk(1, NOW - 10, 1, tags, "a photo");
	assert_int_equal(put(e.st, ev), ERR_OK);
	tu_unhex_n(ev + 7, id, 32);
	free(ev);
	assert_int_equal(blob_index(e.st, (int64_t)NOW, 100, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(blob_index(e.st, (int64_t)NOW, 100, &n), ERR_OK);
	assert_int_equal(n, 0);
	/* Wanted: the thumbnail first, then the photo; the original never. */
	n = blob_wants(e.st, (int64_t)NOW, w, 8);
	assert_int_equal(n, 2);
	assert_int_equal(w[0].role, BLOB_THUMB);
	assert_int_equal(w[0].sha256[0], 0xbb);
	assert_int_equal(w[1].role, BLOB_PUBLIC);
	assert_int_equal(w[1].sha256[0], 0xaa);
	/* A failed fetch waits; asked for again, it is due at once. */
	assert_int_equal(blob_want_failed(e.st, w[0].sha256, (int64_t)NOW,
	    "no peer had it", false), ERR_OK);
	n = blob_wants(e.st, (int64_t)NOW, w, 8);
	assert_int_equal(n, 1);
	assert_int_equal(w[0].sha256[0], 0xaa);
	memset(w[1].sha256, 0xbb, 32);
	assert_true(blob_want_now(e.st, w[1].sha256, (int64_t)NOW));
	assert_int_equal(blob_wants(e.st, (int64_t)NOW, w, 8), 2);
	assert_true(blob_is_referenced(e.st, w[0].sha256));
	/* The report's status lists both, not here. */
	buf_init(&b, 0);
	assert_int_equal(blob_status_json(e.st, id, &b), ERR_OK);
	buf_putc(&b, '\0');
	assert_non_null(strstr(b.p, "\"role\":\"thumb\""));
	assert_non_null(strstr(b.p, "\"here\":false"));
	assert_null(strstr(b.p, ox));
	buf_free(&b);
	env_close(&e);
}

static int
setup(void **state)
{
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	 cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keep_and_refuse),
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_eviction_order),
		cmocka_unit_test(test_index_and_wants),
	};

	crypto_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
