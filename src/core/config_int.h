/*
 * config_int.h: what config.c (parsing) and config_doc.c (printing, the
 * NIP-11 limitation object, the man page) share: the row table made from
 * CONFIG_MAP and typed access to struct config by row.  Not for other
 * modules.
 */
#ifndef SAMIZDAT_CONFIG_INT_H
#define SAMIZDAT_CONFIG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum config_type {
	CONFIG_T_UINT,
	CONFIG_T_BOOL,
	CONFIG_T_STR,
	CONFIG_T_ADDR,
	CONFIG_T_PUBKEY,
	CONFIG_T_LIST
};

enum config_key {
#define CONFIG_KEY(name, type, dflt, min, max, nip11, doc) CONFIG_KEY_##name,
	CONFIG_MAP(CONFIG_KEY)
#undef CONFIG_KEY
	CONFIG_KEY__COUNT
};

/*
 * One row per key, from CONFIG_MAP.  off is where the field lives in
 * struct config; countoff is where a LIST key keeps its count (0 for the
 * other types).
 */
struct config_row {
	const char		*name;
	enum config_type	 type;
	const char		*dflt;
	uint64_t		 min;
	uint64_t		 max;
	bool			 nip11;
	const char		*doc;
	size_t			 off;
	size_t			 countoff;
};

extern const struct config_row config_rows[CONFIG_KEY__COUNT];

uint64_t	 config_uint_value(const struct config *, const struct config_row *);
bool		 config_bool_value(const struct config *, const struct config_row *);
const char	*config_str_value(const struct config *, const struct config_row *,
		    size_t);
size_t		 config_count_value(const struct config *,
		    const struct config_row *);

#endif
