/*
 * canon.c: a stdio harness for the interop test.  Reads one Nostr event
 * object per line on standard input and, for each, writes one line:
 *
 *	<id> <check> <commitment>
 *
 * where id is the 64-hex sha256 that event_compute_id() gives, check is
 * what event_check() says of the claimed id and signature (ok, bad-id,
 * bad-sig, bad-key, or an err_name()), and commitment is the NIP-01
 * serialization from event_commitment(), which holds no raw newline because
 * every control character is escaped.  A line that event_parse() rejects
 * gives "ERROR <err_name>".  Judging the answers is left to
 * test/interop/canon.mjs, which compares them with nostr-tools; nothing
 * here knows what is right.  Exit status: 0, or 1 on a system error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "err.h"
#include "event.h"

static int	canon_line(const char *, size_t, struct buf *, struct buf *);
static const char *check_word(enum err);

int
main(void)
{
	struct buf	 ser, tmp;
	char		*line = NULL;
	size_t		 linesz = 0;
	ssize_t		 n;
	int		 rc = 1;

	buf_init(&ser, 0);
	buf_init(&tmp, 0);
	if (crypto_init() == -1)
		goto done;
	while ((n = getline(&line, &linesz, stdin)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			n--;
		if (canon_line(line, (size_t)n, &ser, &tmp) == -1)
			goto done;
	}
	if (ferror(stdin)) {
		perror("stdin");
		goto done;
	}
	rc = 0;
 done:
	if (fflush(stdout) == EOF || ferror(stdout)) {
		perror("stdout");
		rc = 1;
	}
	free(line);
	buf_free(&ser);
	buf_free(&tmp);
	crypto_free();
	return rc;
}

/*
 * Answers for one line of n bytes.  The JSON is parsed from an exact-size
 * copy, so ASan sees any read past the end of the object.
 * Returns: 0, or -1 if memory ran out (reported).
 */
static int
canon_line(const char *line, size_t n, struct buf *ser, struct buf *tmp)
{
	struct event	 ev;
	char		*json = NULL;
	void		*scratch = NULL;
	size_t		 scratchsz = EVENT_SCRATCH(n);
	uint8_t		 id[32];
	enum err	 e;
	int		 rc = -1;

	if ((json = malloc(n > 0 ? n : 1)) == NULL ||
	    (scratch = malloc(scratchsz)) == NULL) {
		perror("malloc");
		goto done;
	}
	memcpy(json, line, n);
	if ((e = event_parse(json, n, NULL, &ev, scratch, scratchsz)) !=
	    ERR_OK) {
		printf("ERROR %s\n", err_name(e));
		rc = 0;
		goto done;
	}

	buf_reset(ser);
	event_commitment(&ev, ser);
	event_compute_id(&ev, tmp, id);
	e = event_check(&ev, tmp);
	if (ser->err || tmp->err) {
		fprintf(stderr, "canon: buffer full or out of memory\n");
		goto done;
	}

	buf_reset(tmp);
	buf_hex(tmp, id, sizeof(id));
	buf_putc(tmp, ' ');
	buf_puts(tmp, check_word(e));
	buf_putc(tmp, ' ');
	buf_append(tmp, ser->p, ser->len);
	buf_putc(tmp, '\n');
	if (tmp->err) {
		fprintf(stderr, "canon: buffer full or out of memory\n");
		goto done;
	}
	if (fwrite(tmp->p, 1, tmp->len, stdout) != tmp->len) {
		perror("stdout");
		goto done;
	}
	rc = 0;
 done:
	free(scratch);
	free(json);
	return rc;
}

/* Returns: the short word for an event_check() result; never NULL. */
static const char *
check_word(enum err e)
{
	switch (e) {
	case ERR_OK:
		return "ok";
	case ERR_ID_MISMATCH:
		return "bad-id";
	case ERR_BAD_SIG:
		return "bad-sig";
	case ERR_PUBKEY_CURVE:
		return "bad-key";
	default:
		return err_name(e);
	}
}
