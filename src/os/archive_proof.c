/*
 * archive_proof.c: the check of an extract (archive_verify.h): every line
 * and media file of it proven by its Merkle path in proof.json against
 * the root the manifest signs, every item present, each event's id and
 * signature, and the report there.  Nothing else of the archive is needed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_verify.h"
#include "crypto.h"
#include "event.h"
#include "hex.h"

/* The sha256 of a whole file of the archive.  Returns: 0 or -1. */
static int
file_sha256_in(struct asrc *s, const char *name, uint8_t h[32])
{
	struct ardr *r;
	uint8_t	 b[1u << 16];
	ssize_t	 got;

	if (ardr_open(s, name, &r) != ERR_OK)
		return -1;
	while ((got = ardr_read(r, b, sizeof(b))) > 0)
		;
	ardr_sha256(r, h);
	ardr_close(r);
	return got < 0 ? -1 : 0;
}

static void
esay(struct averify *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
esay(struct averify *v, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->problems++;
	if (v->say != NULL)
		v->say(v->arg, msg);
}

/* The proof item for file and line, checked; marks it used. */
static void
prove(struct averify *v, const struct proof *pr, bool *used,
    const char *file, uint64_t line, const uint8_t h[32])
{
	uint8_t	 l[32];
	size_t	 i;

	for (i = 0; i < pr->nitems; i++)
		if (strcmp(pr->items[i].file, file) == 0 &&
		    pr->items[i].line == line)
			break;
	if (i == pr->nitems) {
		if (line > 0)
			esay(v, "%s line %llu: proof.json does not prove it "
			    "(added)", file, (unsigned long long)line);
		else
			esay(v, "%s: proof.json does not prove it (added)",
			    file);
		return;
	}
	used[i] = true;
	merkle_leaf(pr->items[i].type, h, l);
	if (!merkle_verify(l, pr->items[i].leaf, pr->leaves,
	    (const uint8_t (*)[32])pr->items[i].path, pr->items[i].npath,
	    pr->root)) {
		if (line > 0)
			esay(v, "%s line %llu: its Merkle path does not lead to "
			    "the signed root (it was changed)", file,
			    (unsigned long long)line);
		else
			esay(v, "%s: its Merkle path does not lead to the "
			    "signed root (it was changed)", file);
	}
}

uint64_t
archive_verify_extract(struct asrc *s, struct averify *v)
{
	static const char *files[3] = { ARCHIVE_EVENTS, ARCHIVE_CUSTODY,
	    ARCHIVE_SOURCES };
	struct proof pr;
	struct ardr *r;
	struct buf text, line, tmp;
	struct event ev;
	uint8_t	 h[32], nh[32], *scratch = NULL;
	uint64_t n;
	bool	*used = NULL, found = false;
	size_t	 i, k;
	const char *name;
	char	 hexs[65];

	proof_init(&pr);
	buf_init(&text, 0);
	buf_init(&line, 0);
	buf_init(&tmp, 0);
	if (asrc_slurp(s, ARCHIVE_PROOF, 16u << 20, &text) != 0 ||
	    proof_parse(text.p, text.len, &pr) != ERR_OK) {
		esay(v, "%s: not a proof of this format (a byte was changed)",
		    ARCHIVE_PROOF);
		goto done;
	}
	if (memcmp(pr.root, v->m.root, 32) != 0 || pr.leaves != v->m.leaves)
		esay(v, "%s: its root is not the one the manifest signs",
		    ARCHIVE_PROOF);
	if ((used = calloc(pr.nitems + 1, sizeof(*used))) == NULL)
		goto done;
	for (k = 0; k < 3; k++) {
		if (asrc_find(s, files[k]) < 0 ||
		    ardr_open(s, files[k], &r) != ERR_OK)
			continue;
		for (n = 1; ardr_line(r, &line) == 1; n++) {
			crypto_sha256(line.p, line.len, h);
			prove(v, &pr, used, files[k], n, h);
			if (k != 0)
				continue;
			free(scratch);
			if ((scratch = malloc(EVENT_SCRATCH(line.len))) == NULL)
				break;
			if (event_parse(line.p, line.len, NULL, &ev, scratch,
			    EVENT_SCRATCH(line.len)) != ERR_OK ||
			    event_check(&ev, &tmp) != ERR_OK)
				esay(v, "%s line %llu: the event's id or "
				    "signature does not verify (a byte was "
				    "changed)", files[k], (unsigned long long)n);
			else if (memcmp(ev.id, pr.id, 32) == 0)
				found = true;
		}
		ardr_close(r);
	}
	for (i = 0; i < asrc_count(s); i++) {
		name = asrc_name(s, i);
		if (strncmp(name, ARCHIVE_MEDIA_DIR,
		    strlen(ARCHIVE_MEDIA_DIR)) != 0)
			continue;
		if (file_sha256_in(s, name, h) != 0)
			continue;
		if (!hex_decode(name + strlen(ARCHIVE_MEDIA_DIR),
		    strlen(name + strlen(ARCHIVE_MEDIA_DIR)), nh, 32) ||
		    memcmp(nh, h, 32) != 0)
			esay(v, "%s: its bytes do not match its name (the media "
			    "file was changed)", name);
		prove(v, &pr, used, name, 0, nh);
	}
	for (i = 0; i < pr.nitems; i++)
		if (!used[i])
			esay(v, "%s%s%llu: proof.json proves it, but it is not "
			    "in the extract (removed)", pr.items[i].file,
			    pr.items[i].line ? " line " : "",
			    (unsigned long long)pr.items[i].line);
	if (!found) {
		hex_encode(pr.id, 32, hexs);
		hexs[64] = '\0';
		esay(v, "%s: the report %s is not in it", ARCHIVE_EVENTS, hexs);
	}
	for (i = 0; i < asrc_count(s); i++) {
		name = asrc_name(s, i);
		if (strcmp(name, ARCHIVE_MANIFEST) != 0 &&
		    strcmp(name, ARCHIVE_PROOF) != 0 &&
		    strcmp(name, ARCHIVE_EVENTS) != 0 &&
		    strcmp(name, ARCHIVE_CUSTODY) != 0 &&
		    strcmp(name, ARCHIVE_SOURCES) != 0 &&
		    strcmp(name, ARCHIVE_MEDIA_LIST) != 0 &&
		    strncmp(name, ARCHIVE_MEDIA_DIR,
		    strlen(ARCHIVE_MEDIA_DIR)) != 0)
			esay(v, "%s: added: an extract has no such file", name);
	}
done:
	proof_free(&pr);
	free(used);
	free(scratch);
	buf_free(&text);
	buf_free(&line);
	buf_free(&tmp);
	return v->problems;
}
