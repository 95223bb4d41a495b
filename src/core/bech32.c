/*
 * bech32.c: BIP-173 bech32 encode and strict decode, and the NIP-19 entities
 * on top: bare 32-byte npub, nsec and note, and the TLV entities nprofile,
 * nevent and naddr.  Everything is checked before anything is written out,
 * and buffers that held a secret key are wiped.  Pure; printing and prompts
 * are the CLI's.
 */
#include <string.h>

#include "bech32.h"

#define BECH32_CHECKSUM		6	/* characters */
#define BECH32_CONST		1	/* BIP-350's bech32m uses 0x2bc830a3 */

/* TLV types (NIP-19). */
#define TLV_SPECIAL		0
#define TLV_RELAY		1
#define TLV_AUTHOR		2
#define TLV_KIND		3

/* A capped TLV builder with a sticky error; checked once at the end. */
struct tlv_buf {
	uint8_t		 p[BECH32_MAX_DATA];
	size_t		 len;
	bool		 err;
};

static uint32_t	 bech32_polymod_step(uint32_t);
static bool	 bech32_hrp_ok(const char *, size_t);
static int	 bech32_value(unsigned char);
static bool	 nip19_is_tlv(enum nip19_type);
static bool	 nip19_relay_ok(const uint8_t *, size_t);
static int	 nip19_tlv_parse(const uint8_t *, size_t, struct nip19 *);
static void	 tlv_put(struct tlv_buf *, uint8_t, const void *, size_t);

static const char bech32_charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* Indexed by enum nip19_type. */
static const char *const nip19_hrps[] = {
	"npub", "nsec", "note", "nprofile", "nevent", "naddr"
};
#define NIP19_NTYPES	(sizeof(nip19_hrps) / sizeof(nip19_hrps[0]))

static uint32_t
bech32_polymod_step(uint32_t pre)
{
	static const uint32_t gen[5] = {
		0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3
	};
	uint32_t b = pre >> 25, chk = (pre & 0x1ffffff) << 5;
	int	 i;

	for (i = 0; i < 5; i++)
		if ((b >> i) & 1)
			chk ^= gen[i];
	return chk;
}

/* hrp[0..n): 1 to 83 characters from '!' to '~'; case is the caller's. */
static bool
bech32_hrp_ok(const char *hrp, size_t n)
{
	size_t	 i;

	if (n < 1 || n > BECH32_MAX_HRP)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)hrp[i] < 33 || (unsigned char)hrp[i] > 126)
			return false;
	return true;
}

/* Returns: the 5-bit value of a lowercase data character, or -1. */
static int
bech32_value(unsigned char c)
{
	const char *p;

	if (c == '\0' || (p = memchr(bech32_charset, c, 32)) == NULL)
		return -1;
	return (int)(p - bech32_charset);
}

int
bech32_encode(const char *hrp, const uint8_t *data, size_t len, char *out,
    size_t outsz)
{
	size_t	 hlen, nwords, total, i, o;
	uint32_t chk = 1, acc = 0;
	int	 bits = 0;

	hlen = strnlen(hrp, BECH32_MAX_HRP + 1);
	if (!bech32_hrp_ok(hrp, hlen) || len > BECH32_MAX_DATA)
		return -1;
	for (i = 0; i < hlen; i++)
		if (hrp[i] >= 'A' && hrp[i] <= 'Z')
			return -1;
	nwords = (len * 8 + 4) / 5;
	total = hlen + 1 + nwords + BECH32_CHECKSUM;
	if (total > BECH32_MAX_LEN || total >= outsz)
		return -1;

	for (i = 0; i < hlen; i++)
		chk = bech32_polymod_step(chk) ^ ((unsigned char)hrp[i] >> 5);
	chk = bech32_polymod_step(chk);
	for (i = 0; i < hlen; i++)
		chk = bech32_polymod_step(chk) ^ ((unsigned char)hrp[i] & 31);
	memcpy(out, hrp, hlen);
	o = hlen;
	out[o++] = '1';
	for (i = 0; i < len; i++) {
		acc = ((acc << 8) | data[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			chk = bech32_polymod_step(chk) ^ ((acc >> bits) & 31);
			out[o++] = bech32_charset[(acc >> bits) & 31];
		}
	}
	if (bits > 0) {
		chk = bech32_polymod_step(chk) ^ ((acc << (5 - bits)) & 31);
		out[o++] = bech32_charset[(acc << (5 - bits)) & 31];
	}
	for (i = 0; i < BECH32_CHECKSUM; i++)
		chk = bech32_polymod_step(chk);
	chk ^= BECH32_CONST;
	for (i = 0; i < BECH32_CHECKSUM; i++)
		out[o++] = bech32_charset[(chk >> (5 * (5 - i))) & 31];
	out[o] = '\0';
	return 0;
}

int
bech32_decode(const char *s, char *hrp, size_t hrpsz, uint8_t *data,
    size_t datasz, size_t *len)
{
	uint8_t	 buf[BECH32_MAX_DATA];
	size_t	 n, sep, i, o = 0;
	uint32_t chk = 1, acc = 0;
	bool	 lower = false, upper = false;
	int	 bits = 0, v, rc = -1;
	unsigned char c;

	n = strnlen(s, BECH32_MAX_LEN + 1);
	if (n > BECH32_MAX_LEN)
		goto done;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c < 33 || c > 126)
			goto done;
		if (c >= 'a' && c <= 'z')
			lower = true;
		if (c >= 'A' && c <= 'Z')
			upper = true;
	}
	if (lower && upper)
		goto done;
	/* The separator is the last '1'; the hrp may contain others. */
	for (sep = n; sep > 0 && s[sep - 1] != '1'; sep--)
		;
	if (sep == 0)
		goto done;
	sep--;
	if (!bech32_hrp_ok(s, sep) || n - sep - 1 < BECH32_CHECKSUM ||
	    sep + 1 > hrpsz)
		goto done;

	/* Characters are known printable, so lowercasing is c | 0x20. */
	for (i = 0; i < sep; i++) {
		c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		chk = bech32_polymod_step(chk) ^ (c >> 5);
	}
	chk = bech32_polymod_step(chk);
	for (i = 0; i < sep; i++)
		chk = bech32_polymod_step(chk) ^ ((unsigned char)s[i] & 31);
	for (i = sep + 1; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		if ((v = bech32_value(c)) < 0)
			goto done;
		chk = bech32_polymod_step(chk) ^ (uint32_t)v;
		if (i >= n - BECH32_CHECKSUM)
			continue;
		acc = ((acc << 5) | (uint32_t)v) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (chk != BECH32_CONST)
		goto done;
	/* At most 4 padding bits, all zero (BIP-173). */
	if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
		goto done;
	if (o > datasz)
		goto done;

	for (i = 0; i < sep; i++) {
		c = (unsigned char)s[i];
		hrp[i] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
	}
	hrp[sep] = '\0';
	memcpy(data, buf, o);
	*len = o;
	rc = 0;
done:
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

const char *
nip19_hrp(enum nip19_type t)
{
	if ((size_t)t >= NIP19_NTYPES)
		return NULL;
	return nip19_hrps[t];
}

static bool
nip19_is_tlv(enum nip19_type t)
{
	return t == NIP19_NPROFILE || t == NIP19_NEVENT || t == NIP19_NADDR;
}

/*
 * Relay hints end up in terminals and URLs, so only printable ASCII without
 * space is kept: that excludes NUL, escapes and non-ASCII bytes.
 */
static bool
nip19_relay_ok(const uint8_t *v, size_t n)
{
	size_t	 i;

	if (n < 1 || n > NIP19_MAX_VALUE)
		return false;
	for (i = 0; i < n; i++)
		if (v[i] < 33 || v[i] > 126)
			return false;
	return true;
}

static void
tlv_put(struct tlv_buf *b, uint8_t type, const void *v, size_t n)
{
	if (b->err || n > NIP19_MAX_VALUE || sizeof(b->p) - b->len < 2 + n) {
		b->err = true;
		return;
	}
	b->p[b->len++] = type;
	b->p[b->len++] = (uint8_t)n;
	memcpy(b->p + b->len, v, n);
	b->len += n;
}

int
nip19_encode(const struct nip19 *e, char *out, size_t outsz)
{
	struct tlv_buf tlv;
	const char *hrp;
	uint8_t	 kind[4];
	size_t	 i;
	int	 rc = -1;

	tlv.len = 0;
	tlv.err = false;
	if ((hrp = nip19_hrp(e->type)) == NULL)
		goto done;
	if (!nip19_is_tlv(e->type)) {
		rc = bech32_encode(hrp, e->key, 32, out, outsz);
		goto done;
	}
	if (e->nrelays > NIP19_MAX_RELAYS)
		goto done;
	if (e->type == NIP19_NADDR) {
		if (!e->has_author || !e->has_kind || e->dlen > NIP19_MAX_VALUE)
			goto done;
		tlv_put(&tlv, TLV_SPECIAL, e->d, e->dlen);
	} else
		tlv_put(&tlv, TLV_SPECIAL, e->key, 32);
	for (i = 0; i < e->nrelays; i++) {
		size_t	 n = strnlen(e->relays[i], sizeof(e->relays[i]));

		if (!nip19_relay_ok((const uint8_t *)e->relays[i], n))
			goto done;
		tlv_put(&tlv, TLV_RELAY, e->relays[i], n);
	}
	if (e->type != NIP19_NPROFILE) {
		if (e->has_author)
			tlv_put(&tlv, TLV_AUTHOR, e->author, 32);
		if (e->has_kind) {
			kind[0] = (uint8_t)(e->kind >> 24);
			kind[1] = (uint8_t)(e->kind >> 16);
			kind[2] = (uint8_t)(e->kind >> 8);
			kind[3] = (uint8_t)e->kind;
			tlv_put(&tlv, TLV_KIND, kind, 4);
		}
	}
	if (tlv.err)
		goto done;
	rc = bech32_encode(hrp, tlv.p, tlv.len, out, outsz);
done:
	explicit_bzero(&tlv, sizeof(tlv));
	return rc;
}

/* Fills n's TLV fields from p[0..len); n->type is set, the rest zero. */
static int
nip19_tlv_parse(const uint8_t *p, size_t len, struct nip19 *n)
{
	const uint8_t *v;
	size_t	 i = 0, l;
	uint8_t	 t;
	bool	 has_special = false;

	while (i < len) {
		if (len - i < 2)
			return -1;
		t = p[i];
		l = p[i + 1];
		i += 2;
		if (l > len - i)
			return -1;
		v = p + i;
		i += l;
		switch (t) {
		case TLV_SPECIAL:
			if (has_special)
				return -1;
			has_special = true;
			if (n->type == NIP19_NADDR) {
				memcpy(n->d, v, l);
				n->d[l] = '\0';
				n->dlen = l;
			} else {
				if (l != 32)
					return -1;
				memcpy(n->key, v, 32);
			}
			break;
		case TLV_RELAY:
			/* Some encoders write an empty hint; it says nothing. */
			if (l == 0)
				break;
			if (!nip19_relay_ok(v, l))
				return -1;
			if (n->nrelays == NIP19_MAX_RELAYS)
				break;
			memcpy(n->relays[n->nrelays], v, l);
			n->relays[n->nrelays][l] = '\0';
			n->nrelays++;
			break;
		case TLV_AUTHOR:
			if (n->type == NIP19_NPROFILE)
				break;
			if (n->has_author || l != 32)
				return -1;
			memcpy(n->author, v, 32);
			n->has_author = true;
			break;
		case TLV_KIND:
			if (n->type == NIP19_NPROFILE)
				break;
			if (n->has_kind || l != 4)
				return -1;
			n->kind = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
			    (uint32_t)v[2] << 8 | v[3];
			n->has_kind = true;
			break;
		default:
			break;
		}
	}
	if (!has_special)
		return -1;
	if (n->type == NIP19_NADDR && (!n->has_author || !n->has_kind))
		return -1;
	return 0;
}

int
nip19_decode(const char *s, struct nip19 *out)
{
	struct nip19 n;
	char	 hrp[BECH32_MAX_HRP + 1];
	uint8_t	 data[BECH32_MAX_DATA];
	size_t	 len, t;
	int	 rc = -1;

	memset(&n, 0, sizeof(n));
	if (bech32_decode(s, hrp, sizeof(hrp), data, sizeof(data), &len) != 0)
		goto done;
	for (t = 0; t < NIP19_NTYPES; t++)
		if (strcmp(hrp, nip19_hrps[t]) == 0)
			break;
	if (t == NIP19_NTYPES)
		goto done;
	n.type = (enum nip19_type)t;
	if (nip19_is_tlv(n.type)) {
		if (nip19_tlv_parse(data, len, &n) != 0)
			goto done;
	} else {
		if (len != 32)
			goto done;
		memcpy(n.key, data, 32);
	}
	memcpy(out, &n, sizeof(n));
	rc = 0;
done:
	explicit_bzero(&n, sizeof(n));
	explicit_bzero(data, sizeof(data));
	return rc;
}

bool
nip19_equal(const struct nip19 *a, const struct nip19 *b)
{
	size_t	 i;

	if (a->type != b->type)
		return false;
	switch (a->type) {
	case NIP19_NADDR:
		if (a->dlen != b->dlen || a->dlen > NIP19_MAX_VALUE ||
		    memcmp(a->d, b->d, a->dlen) != 0)
			return false;
		break;
	default:
		if (memcmp(a->key, b->key, 32) != 0)
			return false;
		break;
	}
	if (!nip19_is_tlv(a->type))
		return true;
	if (a->nrelays != b->nrelays || a->nrelays > NIP19_MAX_RELAYS)
		return false;
	for (i = 0; i < a->nrelays; i++)
		if (strncmp(a->relays[i], b->relays[i],
		    sizeof(a->relays[i])) != 0)
			return false;
	if (a->type == NIP19_NPROFILE)
		return true;
	if (a->has_author != b->has_author || a->has_kind != b->has_kind)
		return false;
	if (a->has_author && memcmp(a->author, b->author, 32) != 0)
		return false;
	if (a->has_kind && a->kind != b->kind)
		return false;
	return true;
}

void
nip19_npub(const uint8_t pubkey[32], char *out, size_t outsz)
{
	struct nip19 n;

	memset(&n, 0, sizeof(n));
	n.type = NIP19_NPUB;
	memcpy(n.key, pubkey, 32);
	if (nip19_encode(&n, out, outsz) != 0 && outsz > 0)
		out[0] = '\0';
}
