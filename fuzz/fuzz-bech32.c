/*
 * fuzz-bech32.c: bech32 and NIP-19 decoding on arbitrary bytes.  The input
 * is tried twice: as a string (a NUL-terminated copy), and, since mutated
 * strings almost never keep a valid checksum, as a payload: the first byte
 * picks the entity, the rest is bech32-encoded under its hrp, so the TLV
 * parser sees arbitrary bytes too.  Whatever bech32_decode accepts must
 * re-encode to the input up to case; whatever nip19_decode accepts must
 * re-encode and decode to the same entity, and bare 32-byte entities to the
 * same string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bech32.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 out[BECH32_MAX_LEN + 1];
static struct nip19 e, e2;

/* Decodes s as an entity and aborts if it does not survive a round trip. */
static void
roundtrip(const char *s)
{
	if (nip19_decode(s, &e) != 0)
		return;
	if (nip19_encode(&e, out, sizeof(out)) != 0)
		abort();
	if (nip19_decode(out, &e2) != 0 || !nip19_equal(&e, &e2))
		abort();
	if (e.type <= NIP19_NOTE && strcasecmp(out, s) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bytes[BECH32_MAX_DATA];
	static char enc[BECH32_MAX_LEN + 1];
	char	 hrp[BECH32_MAX_HRP + 1];
	char	*s;
	size_t	 len;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (bech32_decode(s, hrp, sizeof(hrp), bytes, sizeof(bytes),
	    &len) == 0) {
		if (bech32_encode(hrp, bytes, len, out, sizeof(out)) != 0 ||
		    strcasecmp(out, s) != 0)
			abort();
	}
	roundtrip(s);
	free(s);

	if (size >= 1 && bech32_encode(nip19_hrp((enum nip19_type)(data[0] %
	    6)), data + 1, size - 1, enc, sizeof(enc)) == 0)
		roundtrip(enc);
	return 0;
}
