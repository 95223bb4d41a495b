/*
 * seal.c: sealed archives (seal.h) over nip44.c.
 */
#include <string.h>

#include "hex.h"
#include "nip44.h"
#include "seal.h"

void
seal_header_write(const uint8_t to[32], const uint8_t from[32], struct buf *b)
{
	buf_puts(b, SEAL_MAGIC ",\"v\":1,\"for\":\"");
	buf_hex(b, to, 32);
	buf_puts(b, "\",\"key\":\"");
	buf_hex(b, from, 32);
	buf_puts(b, "\"}\n");
}

enum err
seal_header_parse(const char *p, size_t n, uint8_t to[32], uint8_t from[32])
{
	static const char a[] = SEAL_MAGIC ",\"v\":1,\"for\":\"";
	static const char m[] = "\",\"key\":\"";
	size_t	 al = sizeof(a) - 1, ml = sizeof(m) - 1;
	uint8_t	 t[32], f[32];

	if (n != al + 64 + ml + 64 + 2 || memcmp(p, a, al) != 0 ||
	    !hex_decode(p + al, 64, t, 32) || memcmp(p + al + 64, m, ml) != 0 ||
	    !hex_decode(p + al + 64 + ml, 64, f, 32) ||
	    memcmp(p + n - 2, "\"}", 2) != 0)
		return ERR_ARCHIVE;
	memcpy(to, t, 32);
	memcpy(from, f, 32);
	return ERR_OK;
}

bool
seal_sniff(const uint8_t *p, size_t n)
{
	size_t	 l = sizeof(SEAL_MAGIC) - 1;

	return n >= l && memcmp(p, SEAL_MAGIC, l) == 0;
}

enum err
seal_init_send(struct seal *s, const uint8_t sk[32], const uint8_t to[32])
{
	memset(s, 0, sizeof(*s));
	return nip44_conversation_key(sk, to, s->conv);
}

enum err
seal_init_open(struct seal *s, const uint8_t sk[32], const uint8_t from[32])
{
	memset(s, 0, sizeof(*s));
	return nip44_conversation_key(sk, from, s->conv);
}

static void
be64(uint8_t *p, uint64_t v)
{
	int	 i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

enum err
seal_chunk(struct seal *s, const uint8_t nonce[32], const uint8_t *data,
    size_t n, bool last, uint8_t *out, size_t *outlen)
{
	uint8_t	 plain[SEAL_PLAIN];
	size_t	 raw;
	enum err e;

	if (n > SEAL_DATA)
		return ERR_NIP44;
	be64(plain, s->next);
	plain[8] = last ? 1 : 0;
	if (n > 0)
		memcpy(plain + SEAL_HEAD, data, n);
	raw = (size_t)nip44_raw_len(SEAL_HEAD + n);
	e = nip44_encrypt_raw(s->conv, nonce, plain, SEAL_HEAD + n,
	    NIP44_CLASSIC_MAX, out + 4);
	explicit_bzero(plain, SEAL_HEAD + n);
	if (e != ERR_OK)
		return e;
	out[0] = (uint8_t)(raw >> 24);
	out[1] = (uint8_t)(raw >> 16);
	out[2] = (uint8_t)(raw >> 8);
	out[3] = (uint8_t)raw;
	*outlen = 4 + raw;
	s->next++;
	return ERR_OK;
}

enum err
seal_open(struct seal *s, const uint8_t *payload, size_t n, uint8_t *data,
    size_t *len, bool *last)
{
	uint64_t num = 0;
	size_t	 plen, i;
	enum err e;

	if (s->done)
		return ERR_ARCHIVE;
	if ((e = nip44_decrypt_raw(s->conv, payload, n, NIP44_CLASSIC_MAX, data,
	    &plen)) != ERR_OK)
		return e;
	if (plen < SEAL_HEAD || data[8] > 1)
		return ERR_ARCHIVE;
	for (i = 0; i < 8; i++)
		num = num << 8 | data[i];
	if (num != s->next)
		return ERR_ARCHIVE;
	*last = data[8] == 1;
	memmove(data, data + SEAL_HEAD, plen - SEAL_HEAD);
	*len = plen - SEAL_HEAD;
	s->next++;
	s->done = *last;
	return ERR_OK;
}
