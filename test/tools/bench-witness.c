/*
 * bench-witness.c: witness states for a feed page, for bench/run.sh.
 * Builds a store of REPORTS reports and LABELS witness marks through
 * ingest_store (the one path, so the index is kept as in real use; the
 * events are not signed, which ingest_store does not check), with a web
 * of vouches (the node vouches for 50 keys, each of them for 20), then
 * times witness_states for the newest 200 reports (a tenth of the marks
 * are on them: a hundred each), read by a phone whose
 * own vouches count too, and the bare index reads of the same reports
 * (the ceiling: what the counting cannot beat).  Prints:
 *
 *	build <events> <seconds>
 *	states <median ms> <p99 ms> <runs>
 *	ceiling <median ms> <p99 ms> <runs>
 *
 * Usage: bench-witness DIR [REPORTS [LABELS [RUNS]]]
 * (defaults 100000, 200000, 200).  Exit status: 0, 1 on a store error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "crypto.h"
#include "event.h"
#include "hex.h"
#include "ingest.h"
#include "store.h"
#include "trust_store.h"
#include "witness.h"
#include "witness_store.h"

#define PAGE	200
#define KEYS	5000
#define T0	1790000000ULL

static uint64_t	 rng = 0x9e3779b97f4a7c15ull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void
key_of(unsigned k, uint8_t pk[32])
{
	memset(pk, 0, 32);
	pk[0] = 0x02;
	pk[28] = (uint8_t)(k >> 24);
	pk[29] = (uint8_t)(k >> 16);
	pk[30] = (uint8_t)(k >> 8);
	pk[31] = (uint8_t)k;
}

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ev with its tags; the id from the commitment, a dummy signature. */
static int
put(struct store *st, struct event *ev, struct buf *tmp)
{
	enum err e;

	event_compute_id(ev, tmp, ev->id);
	memset(ev->sig, 0x11, 64);
	ev->raw = NULL;
	if ((e = ingest_store(st, ev, T0 - 2 * 86400)) != ERR_OK &&
	    e != ERR_DUPLICATE) {
		fprintf(stderr, "bench-witness: %s\n", err_str(e));
		return -1;
	}
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	struct store *st = NULL;
	struct witness_tags wt;
	struct witness_report *r;
	struct buf tmp;
	struct event ev;
	sqlite3 *db;
	sqlite3_stmt *q;
	char	 path[4096];
	char	 text[64];
	uint8_t	(*ids)[32], (*page)[32], pk[32], node[32], reader[32];
	unsigned long nrep = 100000, nlab = 200000, runs = 200, i, j, n = 0;
	double	*t, t0, built;
	int	 rc = 1, pass;

	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: bench-witness DIR [REPORTS [LABELS "
		    "[RUNS]]]\n");
		return 2;
	}
	if (argc > 2)
		nrep = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		nlab = strtoul(argv[3], NULL, 10);
	if (argc > 4)
		runs = strtoul(argv[4], NULL, 10);
	if (nrep < PAGE || runs < 1 || runs > 100000)
		return 2;
	crypto_init();
	snprintf(path, sizeof(path), "%s/events.db", argv[1]);
	if (store_open(&st, path, 0) != ERR_OK)
		return 1;
	ids = calloc(nrep, 32);
	page = calloc(PAGE, 32);
	r = calloc(PAGE, sizeof(*r));
	t = calloc(runs, sizeof(*t));
	if (ids == NULL || page == NULL || r == NULL || t == NULL)
		goto done;
	buf_init(&tmp, 0);
	key_of(0, node);
	key_of(1, reader);
	trust_store_set_node(st, node);
	t0 = now_sec();
	store_begin(st);
	/* Vouches: the node for keys 10..59, each of them for 20 more;
	 * the reader for keys 60..69. */
	for (i = 0; i < 50 + 50 * 20 + 10; i++) {
		unsigned from = i < 50 ? 0 : i < 1050 ? 10 + (unsigned)(i - 50) /
		    20 : 1, to = i < 50 ? 10 + (unsigned)i : i < 1050 ? 100 +
		    (unsigned)(i - 50) : 60 + (unsigned)(i - 1050);

		key_of(to, pk);
		witness_tags(&wt, WITNESS_VOUCH, pk, NULL);
		memset(&ev, 0, sizeof(ev));
		key_of(from, ev.pubkey);
		ev.created_at = T0 - 3 * 86400 + i;
		ev.kind = WITNESS_KIND;
		ev.tags = wt.tags;
		ev.ntags = wt.ntags;
		ev.content.p = "";
		if (put(st, &ev, &tmp) != 0)
			goto done;
		n++;
	}
	/* Reports, then marks: a quarter on the newest page, the rest anywhere. */
	for (i = 0; i < nrep + nlab; i++) {
		unsigned who = 2 + (unsigned)(rnd() % KEYS);

		memset(&ev, 0, sizeof(ev));
		key_of(who, ev.pubkey);
		if (i < nrep) {
			snprintf(text, sizeof(text), "report %lu", i);
			ev.created_at = T0 + i;
			ev.kind = 1;
			ev.content.p = text;
			ev.content.n = strlen(text);
			if (put(st, &ev, &tmp) != 0)
				goto done;
			memcpy(ids[i], ev.id, 32);
		} else {
			unsigned long k = rnd() % 10 == 0 ? nrep - 1 - rnd() % PAGE :
			    rnd() % nrep;
			uint8_t	 author[32];

			key_of(who + 1, author);	/* never its own */
			witness_tags(&wt, rnd() % 5 == 0 ? WITNESS_DISPUTE :
			    WITNESS_CONFIRM, ids[k], author);
			ev.created_at = T0 + nrep + i;
			ev.kind = WITNESS_KIND;
			ev.tags = wt.tags;
			ev.ntags = wt.ntags;
			ev.content.p = "";
			if (put(st, &ev, &tmp) != 0)
				goto done;
		}
		n++;
		if (n % 5000 == 0) {
			store_commit(st);
			store_begin(st);
		}
	}
	store_commit(st);
	built = now_sec() - t0;
	printf("build %lu %.1f\n", n, built);
	for (i = 0; i < PAGE; i++)
		memcpy(page[i], ids[nrep - 1 - i], 32);
	/* A fresh read-only handle, as the server's reads are. */
	store_close(st);
	if (store_open(&st, path, STORE_RDONLY) != ERR_OK)
		goto done;
	trust_store_set_node(st, node);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT aid, label, created_at, lid,"
	    " first_seen, eid FROM marks WHERE target = ?", -1, &q,
	    NULL) != SQLITE_OK)
		goto done;
	for (pass = 0; pass < 2; pass++) {
		unsigned long rows = 0;

		/* One untimed run warms the page cache. */
		for (j = 0; j <= runs; j++) {
			double	 s = now_sec();

			if (pass == 0) {
				if (witness_states(st, (const uint8_t (*)[32])page,
				    PAGE, reader, T0 + nrep + nlab, r) != ERR_OK)
					goto done;
			} else
				for (i = 0; i < PAGE; i++) {
					sqlite3_bind_blob(q, 1, page[i], 32,
					    SQLITE_STATIC);
					while (sqlite3_step(q) == SQLITE_ROW)
						rows++;
					sqlite3_reset(q);
				}
			if (j > 0)
				t[j - 1] = (now_sec() - s) * 1000;
		}
		qsort(t, runs, sizeof(*t), cmp_double);
		printf("%s %.2f %.2f %lu\n", pass == 0 ? "states" : "ceiling",
		    t[runs / 2], t[runs - 1 - runs / 100], runs);
		(void)rows;
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	rc = 0;
done:
	store_close(st);
	buf_free(&tmp);
	free(ids);
	free(page);
	free(r);
	free(t);
	return rc;
}
