/*
 * wsext.c: permessage-deflate for every WebSocket (wsext.h), through
 * libwebsockets' own extension.  Our end keeps zlib's memory level low;
 * the window stays at the 15 bits a peer may use, because libwebsockets
 * inflates with the same setting it compresses with.
 */
#include <stdio.h>

#include <libwebsockets.h>

#include "wsext.h"

static const struct lws_extension exts[] = {
	{
		"permessage-deflate",
		lws_extension_callback_pm_deflate,
		"permessage-deflate; client_max_window_bits"
	},
	{ NULL, NULL, NULL }
};

const struct lws_extension *
wsext_list(void)
{
	return exts;
}

void
wsext_bound(struct lws *wsi)
{
	char	 v[8];

	snprintf(v, sizeof(v), "%d", WSEXT_MEM_LEVEL);
	/* Fails harmlessly when the extension was not negotiated. */
	(void)lws_set_extension_option(wsi, "permessage-deflate", "mem_level",
	    v);
	/* Read at the first compressed frame, when the buffer is made. */
	snprintf(v, sizeof(v), "%d", WSEXT_TX_PWR2);
	(void)lws_set_extension_option(wsi, "permessage-deflate",
	    "tx_buf_size", v);
}

bool
wsext_active(struct lws *wsi)
{
	return lws_set_extension_option(wsi, "permessage-deflate",
	    "compression_level", "1") == 0;
}

bool
wsext_fits(size_t len)
{
	return len <= (1u << WSEXT_TX_PWR2) - WSEXT_TX_SLACK;
}
