/*
 * bench-query.c: query latency on a store, for bench/run.sh.  Opens the
 * store read-only, parses each filter (an object, or an array of objects
 * for a REQ with several filters) once, then times store_query over many
 * runs and prints one line per shape:
 *
 *	<name> <rows> <median ms> <p99 ms> <runs>
 *
 * Usage: bench-query DB RUNS NAME FILTER [NAME FILTER]...
 *
 * One untimed run warms the page cache first.  A shape stops early once it
 * has spent BUDGET_SEC (after MIN_RUNS runs), so a slow shape cannot make
 * the benchmark unbounded; the runs column says how many were timed.  A
 * run that returns a different row count from the first is an error.
 * Exit status: 0, 1 on a store or filter error, 2 on usage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "err.h"
#include "filter.h"
#include "store.h"

#define MIN_RUNS	10
#define MAX_RUNS	100000
#define BUDGET_SEC	5.0

struct counter {
	uint64_t	 rows;
};

static int	parse_filters(const char *, struct filter **, size_t *);
static void	free_filters(struct filter *, size_t);
static int	bench_shape(struct store *, const char *, const char *, long);
static int	count_row(const char *, size_t, void *);
static int	cmp_double(const void *, const void *);
static double	now_sec(void);

int
main(int argc, char *argv[])
{
	struct store *st = NULL;
	char	*end;
	long	 runs;
	int	 i, rc = 1;
	enum err e;

	if (argc < 5 || (argc - 3) % 2 != 0) {
		fprintf(stderr, "usage: bench-query DB RUNS NAME FILTER "
		    "[NAME FILTER]...\n");
		return 2;
	}
	runs = strtol(argv[2], &end, 10);
	if (*end != '\0' || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "bench-query: RUNS: 1 to %d\n", MAX_RUNS);
		return 2;
	}
	if ((e = store_open(&st, argv[1], STORE_RDONLY)) != ERR_OK) {
		fprintf(stderr, "bench-query: %s: %s\n", argv[1], err_str(e));
		return 1;
	}
	for (i = 3; i < argc; i += 2)
		if (bench_shape(st, argv[i], argv[i + 1], runs) == -1)
			goto done;
	rc = 0;
 done:
	store_close(st);
	if (fflush(stdout) == EOF) {
		perror("bench-query: stdout");
		rc = 1;
	}
	return rc;
}

/* One filter object or a non-empty array of them.  Returns: 0 or -1. */
static int
parse_filters(const char *text, struct filter **fp, size_t *np)
{
	json_error_t je;
	json_t	*j, *v;
	struct filter *f = NULL;
	size_t	 i, n;
	char	 reason[256];
	enum err e;
	int	 rc = -1;

	if ((j = json_loads(text, 0, &je)) == NULL) {
		fprintf(stderr, "bench-query: %s: %s\n", text, je.text);
		return -1;
	}
	n = json_is_array(j) ? json_array_size(j) : 1;
	if (n == 0 || (f = calloc(n, sizeof(*f))) == NULL) {
		fprintf(stderr, "bench-query: %s: no filter\n", text);
		goto done;
	}
	for (i = 0; i < n; i++) {
		v = json_is_array(j) ? json_array_get(j, i) : j;
		if ((e = filter_parse_json(v, &f[i])) != ERR_OK) {
			fprintf(stderr, "bench-query: %s: %s\n", text,
			    err_reason(e, reason, sizeof(reason)));
			free_filters(f, i);
			goto done;
		}
	}
	*fp = f;
	*np = n;
	rc = 0;
 done:
	json_decref(j);
	return rc;
}

static void
free_filters(struct filter *f, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		filter_free(&f[i]);
	free(f);
}

static int
bench_shape(struct store *st, const char *name, const char *text, long runs)
{
	struct filter *f = NULL;
	struct counter c;
	double	*ms = NULL, t0, spent = 0;
	uint64_t now = (uint64_t)time(NULL), rows;
	size_t	 nf = 0, i, k, p99;
	enum err e;
	int	 rc = -1;

	if (parse_filters(text, &f, &nf) == -1)
		return -1;
	if ((ms = calloc((size_t)runs, sizeof(*ms))) == NULL) {
		perror("bench-query");
		goto done;
	}
	memset(&c, 0, sizeof(c));
	if ((e = store_query(st, f, nf, now, 0, count_row, &c)) != ERR_OK) {
		fprintf(stderr, "bench-query: %s: %s\n", name, err_str(e));
		goto done;
	}
	rows = c.rows;
	for (k = 0; k < (size_t)runs; k++) {
		if (k >= MIN_RUNS && spent > BUDGET_SEC)
			break;
		memset(&c, 0, sizeof(c));
		t0 = now_sec();
		e = store_query(st, f, nf, now, 0, count_row, &c);
		ms[k] = (now_sec() - t0) * 1e3;
		spent += ms[k] / 1e3;
		if (e != ERR_OK) {
			fprintf(stderr, "bench-query: %s: %s\n", name,
			    err_str(e));
			goto done;
		}
		if (c.rows != rows) {
			fprintf(stderr, "bench-query: %s: run %zu gave %llu "
			    "rows, the first %llu\n", name, k,
			    (unsigned long long)c.rows,
			    (unsigned long long)rows);
			goto done;
		}
	}
	qsort(ms, k, sizeof(*ms), cmp_double);
	/* Nearest rank: the smallest value with 99% of runs at or below. */
	p99 = (k * 99 + 99) / 100;
	p99 = p99 > 0 ? p99 - 1 : 0;
	printf("%s %llu %.3f %.3f %zu\n", name, (unsigned long long)rows,
	    k % 2 ? ms[k / 2] : (ms[k / 2 - 1] + ms[k / 2]) / 2, ms[p99], k);
	rc = 0;
 done:
	for (i = 0; i < nf; i++)
		filter_free(&f[i]);
	free(f);
	free(ms);
	return rc;
}

static int
count_row(const char *json, size_t len, void *arg)
{
	struct counter *c = arg;

	c->rows++;
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
