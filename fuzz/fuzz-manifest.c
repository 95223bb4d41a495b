/*
 * fuzz-manifest.c: the parsers of an archive's own lines, which `archive
 * verify` reads from files anyone may have changed: the manifest's
 * content, an extract's proof, custody, source and stub lines, the sealed
 * header and a ustar header block.  Each input goes to every parser;
 * whatever a line parser accepts must be written back byte for byte by
 * its writer (the lines are one exact text), and a parsed manifest must
 * parse again after it is written.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "custody.h"
#include "seal.h"
#include "tar.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
same(const struct buf *b, const uint8_t *p, size_t n)
{
	if (b->err || b->len != n || memcmp(b->p, p, n) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct manifest m, m2;
	struct proof pr;
	struct custody_line cl;
	struct custody_source cs;
	struct tar_entry te;
	struct buf b;
	uint8_t	 d[32], to[32], from[32], blk[TAR_BLOCK];
	uint64_t seq;
	bool	 end;

	buf_init(&b, 0);
	manifest_init(&m);
	if (manifest_parse(s, size, &m) == ERR_OK) {
		manifest_write(&m, &b);
		manifest_init(&m2);
		if (b.err || manifest_parse(b.p, b.len, &m2) != ERR_OK ||
		    m2.nfiles != m.nfiles || memcmp(m2.root, m.root, 32) != 0)
			abort();
		manifest_free(&m2);
		manifest_free(&m);
	}
	proof_init(&pr);
	if (proof_parse(s, size, &pr) == ERR_OK)
		proof_free(&pr);
	buf_reset(&b);
	if (custody_line_parse(s, size, &cl) == ERR_OK) {
		custody_line_write(&cl, &b);
		same(&b, data, size);
	}
	buf_reset(&b);
	if (custody_source_parse(s, size, &cs) == ERR_OK) {
		custody_source_write(&cs, &b);
		same(&b, data, size);
	}
	buf_reset(&b);
	if (custody_stub_parse(s, size, &seq, d) == ERR_OK) {
		custody_stub_write(seq, d, &b);
		same(&b, data, size);
	}
	(void)seal_header_parse(s, size, to, from);
	memset(blk, 0, sizeof(blk));
	memcpy(blk, data, size < TAR_BLOCK ? size : TAR_BLOCK);
	if (tar_parse(blk, &te, &end) == ERR_OK && !end &&
	    !tar_name_ok(te.name))
		abort();
	buf_free(&b);
	return 0;
}
