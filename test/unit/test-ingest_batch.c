/*
 * test-ingest_batch.c: store/ingest_batch.c, the threaded pipeline of
 * `import` and sticks.  Every line's outcome is told once, in input order,
 * whatever the workers' order; events of very different sizes pass through
 * the same slots (the ring gives large buffers back); duplicates, forgeries
 * and bad lines are refused without stopping the rest; and a gap in the
 * input commits what came before it, so that a slow source (a pipe, a
 * stick being read) leaves nothing waiting uncommitted.
 */
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#include "ingest_batch.h"
#include "store.h"

#define NOW	1800000000ULL

static char dbdir[] = "/tmp/samizdat-test-ingest_batch-XXXXXX";
static int dbseq;

struct input {
	char	**lines;
	size_t	 n, next;
	/* The gap test: after gap_at lines, wait for them to be committed. */
	size_t	 gap_at;
	const char *path;
	bool	 saw_commit;	/* the reader thread's finding: no asserts */
};

struct told {
	uint64_t seq[4096];
	enum err e[4096];
	size_t	 n;
};

static ssize_t
read_line(void *arg, char **line, size_t *cap)
{
	struct input *in = arg;
	size_t	 len;

	if (in->next == in->n)
		return -1;
	if (in->gap_at > 0 && in->next == in->gap_at) {
		struct store *ro;
		uint64_t n = 0;
		int	 i;

		/*
		 * The input pauses; the writer must commit what it has.  On
		 * the reader thread: cmocka's asserts are for the test's.
		 */
		if (store_open(&ro, in->path, STORE_RDONLY) == ERR_OK) {
			for (i = 0; i < 500 && n < in->gap_at; i++) {
				usleep(10000);
				if (store_event_count(ro, &n) != ERR_OK)
					break;
			}
			store_close(ro);
		}
		in->saw_commit = n == in->gap_at;
	}
	len = strlen(in->lines[in->next]);
	if (*cap < len + 1) {
		char	*nl = realloc(*line, len + 1);

		if (nl == NULL)
			return -1;	/* the test then finds lines missing */
		*line = nl;
		*cap = len + 1;
	}
	memcpy(*line, in->lines[in->next++], len + 1);
	return (ssize_t)len;
}

static void
on_result(void *arg, uint64_t seq, enum err e, const struct event *ev)
{
	struct told *t = arg;

	assert_true(t->n < 4096);
	assert_true(ingest_accepted(e) == (ev != NULL));
	t->seq[t->n] = seq;
	t->e[t->n++] = e;
}

static struct store *
open_fresh(char *path, size_t size)
{
	struct store *s;

	snprintf(path, size, "%s/db%d", dbdir, dbseq++);
	assert_int_equal(store_open(&s, path, 0), ERR_OK);
	return s;
}

/* The store holds what was told stored; then both go. */
static void
finish(struct store *st, struct input *in, uint64_t stored)
{
	uint64_t count;
	size_t	 i;

	assert_int_equal(store_event_count(st, &count), ERR_OK);
	assert_int_equal(count, stored);
	store_close(st);
	for (i = 0; i < in->n; i++)
		free(in->lines[i]);
	free(in->lines);
}

static void
opts(struct batch_opts *o, struct ingest_policy *pol, struct store *st,
    const char *path)
{
	memset(pol, 0, sizeof(*pol));
	memset(o, 0, sizeof(*o));
	o->pol = pol;
	o->store = st;
	o->store_path = path;
	o->store_empty = true;
	o->now = NOW;
}

/*
 * 2,000 lines: small and large events (a run of 40 large ones holds the
 * reader at RING_BYTES), good and bad, told in one order.
 */
static void
test_order_and_sizes(void **state)
{
	struct batch_opts o;
	struct batch_stats bs;
	struct ingest_policy pol;
	struct input in;
	struct told *t = calloc(1, sizeof(*t));
	struct store *st;
	char	 path[300], *big = malloc(60001), *sig;
	size_t	 i, n = 2000, stored = 0;

	(void)state;
	assert_non_null(t);
	assert_non_null(big);
	memset(big, 'x', 60000);
	big[60000] = '\0';
	memset(&in, 0, sizeof(in));
	in.lines = calloc(n, sizeof(char *));
	assert_non_null(in.lines);
	for (i = 0; i < n; i++) {
		char	 msg[32];

		snprintf(msg, sizeof(msg), "note %zu", i);
		if (i % 97 == 5 || (i >= 1200 && i < 1240))	/* 60 KB */
			big[0] = (char)('a' + i % 26), in.lines[i] =
			    tu_event(1 + (int)(i % 7), NOW - i, 1, "[]", big);
		else
			in.lines[i] = tu_event(1 + (int)(i % 7), NOW - i, 1,
			    "[]", msg);
	}
	/* A duplicate of line 10, a forgery and a line that is no JSON. */
	free(in.lines[500]);
	in.lines[500] = strdup(in.lines[10]);
	/* A digit of the signature changed, to another digit. */
	sig = &in.lines[700][strlen(in.lines[700]) - 4];
	*sig = *sig == '0' ? '1' : '0';
	free(in.lines[900]);
	in.lines[900] = strdup("{\"id\":");
	in.n = n;
	st = open_fresh(path, sizeof(path));
	opts(&o, &pol, st, path);
	o.batch = 300;
	assert_int_equal(ingest_batch(&o, read_line, &in, on_result, t, &bs),
	    ERR_OK);
	assert_int_equal(bs.lines, n);
	assert_int_equal(t->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(t->seq[i], i + 1);
		if (i == 500)
			assert_int_equal(t->e[i], ERR_DUPLICATE);
		else if (i == 700)
			assert_int_equal(t->e[i], ERR_BAD_SIG);
		else if (i == 900)
			assert_false(ingest_accepted(t->e[i]));
		else {
			assert_int_equal(t->e[i], ERR_OK);
			stored++;
		}
	}
	assert_int_equal(bs.stored, stored);
	assert_int_equal(bs.last_seq, n);
	finish(st, &in, stored);
	free(big);
	free(t);
}

/* A pause in the input commits what came before it. */
static void
test_gap_commits(void **state)
{
	struct batch_opts o;
	struct batch_stats bs;
	struct ingest_policy pol;
	struct input in;
	struct told *t = calloc(1, sizeof(*t));
	struct store *st;
	char	 path[300];
	size_t	 i, n = 40;

	(void)state;
	assert_non_null(t);
	memset(&in, 0, sizeof(in));
	in.lines = calloc(n, sizeof(char *));
	assert_non_null(in.lines);
	for (i = 0; i < n; i++)
		in.lines[i] = tu_event(2, NOW - i, 1, "[]", "a line");
	in.n = n;
	in.gap_at = 25;
	st = open_fresh(path, sizeof(path));
	in.path = path;
	opts(&o, &pol, st, path);
	assert_int_equal(ingest_batch(&o, read_line, &in, on_result, t, &bs),
	    ERR_OK);
	assert_true(in.saw_commit);
	assert_int_equal(bs.stored, n);
	finish(st, &in, n);
	free(t);
}

TU_TMPDIR_FIXTURE(dbdir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_sizes),
		cmocka_unit_test(test_gap_commits),
	};

	return cmocka_run_group_tests_name("ingest_batch", tests, setup,
	    teardown);
}
