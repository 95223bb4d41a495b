/*
 * nip11.c: the NIP-11 document of nip11.h.  The limitation object comes
 * from the config key table (config_nip11_limitation); the NIPs from the
 * table below, the same list as the README's.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "nip11.h"
#include "version.h"

/*
 * The NIPs a client may rely on.  NIP-42 is spoken with nodes only and
 * NIP-19 in the CLI only, so neither is listed.
 */
static const struct {
	int	 nip;
	bool	 negentropy;	/* only when negentropy = true */
} nips[] = {
	{ 1, false },
	{ 9, false },
	{ 11, false },
	{ 13, false },
	{ 40, false },
	{ 45, false },
	{ 50, false },
	{ 77, true },
};

char *
nip11_document(const struct config *cfg, size_t *len)
{
	return nip11_document_pow(cfg, cfg->pow_min, len);
}

char *
nip11_document_pow(const struct config *cfg, unsigned min_pow, size_t *len)
{
	struct buf b, lim;
	size_t	 i;
	const char *sep = "";

	buf_init(&b, 0);
	buf_puts(&b, "{\"name\":");
	buf_json_str(&b, cfg->name, strlen(cfg->name));
	buf_puts(&b, ",\"description\":");
	buf_json_str(&b, cfg->description, strlen(cfg->description));
	if (cfg->admin_pubkey[0] != '\0') {
		buf_puts(&b, ",\"pubkey\":");
		buf_json_str(&b, cfg->admin_pubkey, strlen(cfg->admin_pubkey));
	}
	if (cfg->contact[0] != '\0') {
		buf_puts(&b, ",\"contact\":");
		buf_json_str(&b, cfg->contact, strlen(cfg->contact));
	}
	buf_puts(&b, ",\"supported_nips\":[");
	for (i = 0; i < sizeof(nips) / sizeof(nips[0]); i++) {
		if (nips[i].negentropy && !cfg->negentropy)
			continue;
		buf_printf(&b, "%s%d", sep, nips[i].nip);
		sep = ",";
	}
	buf_puts(&b, "],\"software\":\"samizdat\",\"version\":\""
	    SAMIZDAT_VERSION "\",\"limitation\":");
	/* The config's limits, and the difficulty asked now. */
	buf_init(&lim, 0);
	config_nip11_limitation(cfg, &lim);
	if (!lim.err && lim.len >= 2 && lim.p[lim.len - 1] == '}') {
		buf_append(&b, lim.p, lim.len - 1);
		buf_printf(&b, "%s\"min_pow_difficulty\":%u}", lim.len > 2 ?
		    "," : "", min_pow);
	} else
		b.err = true;
	buf_free(&lim);
	buf_putc(&b, '}');
	if (b.err) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.p;
}
