/*
 * neg-harness.c: the negentropy conformance harness of the reference
 * test suite (hoytech/negentropy test/, described in
 * test/vectors/negentropy): commands on stdin, answers on stdout, one per
 * line.  item,<ts>,<id> / seal / initiate / msg,<hex>; answers msg,<hex>,
 * have,<id>, need,<id>, done.  FRAMESIZELIMIT in the environment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "hex.h"
#include "negentropy.h"

static void
report(void *arg, const uint8_t id[32], bool have)
{
	char	 h[65];

	hex_encode(id, 32, h);
	printf("%s,%s\n", have ? "have" : "need", h);
}

static void
put_msg(const struct buf *b, size_t limit)
{
	char	*h = malloc(2 * b->len + 1);

	if (h == NULL)
		exit(1);
	if (limit != 0 && b->len > limit) {
		fprintf(stderr, "harness: message of %zu bytes over the limit\n",
		    b->len);
		exit(1);
	}
	hex_encode((const uint8_t *)b->p, b->len, h);
	printf("msg,%s\n", h);
	free(h);
}

int
main(void)
{
	struct neg_item *items = NULL;
	size_t	 n = 0, cap = 0, limit = 0, len;
	struct neg ng;
	struct buf out;
	char	*line = NULL, *e;
	size_t	 lcap = 0;
	ssize_t	 r;
	bool	 done, initiator = false;
	const char *fl = getenv("FRAMESIZELIMIT");

	if (fl != NULL)
		limit = strtoul(fl, NULL, 10);
	crypto_init();
	buf_init(&out, 0);
	while ((r = getline(&line, &lcap, stdin)) != -1) {
		while (r > 0 && (line[r - 1] == '\n' || line[r - 1] == '\r'))
			line[--r] = '\0';
		if (r == 0)
			continue;
		if (strncmp(line, "item,", 5) == 0) {
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				if ((items = realloc(items, cap *
				    sizeof(*items))) == NULL)
					return 1;
			}
			items[n].ts = strtoull(line + 5, &e, 10);
			if (*e != ',' || !hex_decode(e + 1, strlen(e + 1),
			    items[n].id, 32)) {
				fprintf(stderr, "harness: bad item\n");
				return 1;
			}
			n++;
		} else if (strcmp(line, "seal") == 0) {
			neg_sort(items, n);
			if (neg_init(&ng, items, n, limit) != ERR_OK) {
				fprintf(stderr, "harness: bad frame limit\n");
				return 1;
			}
		} else if (strcmp(line, "initiate") == 0) {
			initiator = true;
			buf_reset(&out);
			if (neg_initiate(&ng, &out) != ERR_OK)
				return 1;
			put_msg(&out, limit);
		} else if (strncmp(line, "msg,", 4) == 0) {
			uint8_t	*bin;

			len = strlen(line + 4) / 2;
			if ((bin = malloc(len + 1)) == NULL ||
			    !hex_decode(line + 4, 2 * len, bin, len))
				return 1;
			buf_reset(&out);
			if (neg_reconcile(&ng, bin, len, &out, initiator ?
			    report : NULL, NULL, &done) != ERR_OK) {
				fprintf(stderr, "harness: reconcile failed\n");
				return 1;
			}
			free(bin);
			if (done)
				printf("done\n");
			else
				put_msg(&out, limit);
		} else {
			fprintf(stderr, "harness: unknown command\n");
			return 1;
		}
		fflush(stdout);
	}
	free(line);
	free(items);
	buf_free(&out);
	return 0;
}
