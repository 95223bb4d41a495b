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

int
wsext_rx_pwr2(size_t max_message)
{
	int	 n = 12;

	while (n < WSEXT_RX_PWR2_MAX && ((size_t)1 << n) < max_message + 1024)
		n++;
	return n;
}

void
wsext_bound(struct lws *wsi, int rx_pwr2)
{
	char	 v[16];

	snprintf(v, sizeof(v), "%d", WSEXT_MEM_LEVEL);
	/* Fails harmlessly when the extension was not negotiated. */
	(void)lws_set_extension_option(wsi, "permessage-deflate", "mem_level",
	    v);
	/* Read at the first compressed frame, when the buffer is made. */
	snprintf(v, sizeof(v), "%d", WSEXT_TX_PWR2);
	(void)lws_set_extension_option(wsi, "permessage-deflate",
	    "tx_buf_size", v);
	if (rx_pwr2 > 0) {
		snprintf(v, sizeof(v), "%d", rx_pwr2);
		(void)lws_set_extension_option(wsi, "permessage-deflate",
		    "rx_buf_size", v);
	}
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
