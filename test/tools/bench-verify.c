/*
 * bench-verify.c: the ceiling for import speed -- how many BIP-340
 * verifications per second libsecp256k1 does on one core of this machine,
 * over the events of a JSON-lines file (parsed beforehand, not timed).
 * Usage: bench-verify FILE [max]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "event.h"

struct item {
	uint8_t	 id[32], pk[32], sig[64];
};

int
main(int argc, char *argv[])
{
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0, n = 0, max, i;
	ssize_t	 len;
	struct item *it;
	struct event ev;
	static char scratch[EVENT_SCRATCH(1 << 18)];
	struct timespec t0, t1;
	double	 secs;

	if (argc < 2 || (f = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: bench-verify FILE [max]\n");
		return 2;
	}
	max = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000;
	if ((it = calloc(max, sizeof(*it))) == NULL || crypto_init() != 0)
		return 1;
	while (n < max && (len = getline(&line, &cap, f)) > 0) {
		if (event_parse(line, (size_t)len, NULL, &ev, scratch,
		    sizeof(scratch)) != ERR_OK)
			continue;
		memcpy(it[n].id, ev.id, 32);
		memcpy(it[n].pk, ev.pubkey, 32);
		memcpy(it[n].sig, ev.sig, 64);
		n++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		if (crypto_verify(it[i].sig, it[i].id, 32, it[i].pk) != ERR_OK) {
			fprintf(stderr, "event %zu does not verify\n", i);
			return 1;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%.0f\n", (double)n / secs);
	free(line);
	free(it);
	fclose(f);
	return 0;
}
