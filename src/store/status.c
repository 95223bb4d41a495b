/*
 * status.c: an event's whereabouts, and the node's links (status.h).
 */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "blob_index.h"
#include "status.h"
#include "store_mesh.h"
#include "utc.h"

struct jstate {
	struct buf	*b;
	bool		 relays;	/* this pass lists relays, else peers */
	bool		 first;
};

static int
json_row(const struct seen_row *r, void *arg)
{
	struct jstate *j = arg;
	const struct link_row *l = r->link;
	const char *name;

	if ((l->kind == LINK_RELAY) != j->relays)
		return 0;
	if (!j->first)
		buf_putc(j->b, ',');
	j->first = false;
	if (j->relays) {
		buf_puts(j->b, "{\"url\":");
		buf_json_str(j->b, l->name, strlen(l->name));
		buf_printf(j->b, ",\"ok\":%s,\"reason\":",
		    r->how == SEEN_REFUSED ? "false" : "true");
		buf_json_str(j->b, r->reason, strlen(r->reason));
	} else {
		name = l->npub[0] != '\0' ? l->npub : l->name;
		buf_puts(j->b, "{\"name\":");
		buf_json_str(j->b, name, strlen(name));
		buf_printf(j->b, ",\"how\":\"%s\"", r->how == SEEN_RECEIVED ?
		    "received" : r->how == SEEN_ACCEPTED ? "accepted" :
		    r->how == SEEN_SENT ? "sent" : "refused");
	}
	buf_printf(j->b, ",\"at\":%lld}", (long long)r->at);
	return 0;
}

enum err
status_json(struct store *s, const uint8_t id[32], struct buf *b)
{
	struct jstate j = { b, false, true };
	bool	 stored;
	enum err e;

	buf_puts(b, "{\"id\":\"");
	buf_hex(b, id, 32);
	buf_puts(b, "\",\"stored\":");
	if ((e = store_seen(s, id, &stored, NULL, NULL)) != ERR_OK)
		return e;
	buf_puts(b, stored ? "true" : "false");
	buf_puts(b, ",\"peers\":[");
	if (stored && (e = store_seen(s, id, &stored, json_row, &j)) != ERR_OK)
		return e;
	buf_puts(b, "],\"relays\":[");
	j.relays = true;
	j.first = true;
	if (stored && (e = store_seen(s, id, &stored, json_row, &j)) != ERR_OK)
		return e;
	/* The report's photos and videos, and where they have reached. */
	buf_puts(b, "],\"blobs\":");
	if ((e = blob_status_json(s, id, b)) != ERR_OK)
		return e;
	buf_putc(b, '}');
	return b->err ? ERR_NOMEM : ERR_OK;
}

static int
json_link(const struct link_row *l, void *arg)
{
	struct jstate *j = arg;

	if (!j->first)
		buf_putc(j->b, ',');
	j->first = false;
	buf_puts(j->b, "{\"name\":");
	buf_json_str(j->b, l->name, strlen(l->name));
	buf_puts(j->b, ",\"npub\":");
	buf_json_str(j->b, l->npub, strlen(l->npub));
	buf_printf(j->b, ",\"kind\":\"%s\",\"state\":",
	    link_kind_name(l->kind));
	buf_json_str(j->b, l->state, strlen(l->state));
	buf_printf(j->b, ",\"last_seen\":%lld,\"last_sync\":%lld}",
	    (long long)l->last_seen, (long long)l->last_sync);
	return 0;
}

enum err
status_node_json(struct store *s, int64_t started, struct buf *b)
{
	struct jstate j = { b, false, true };
	enum err e;

	buf_printf(b, "{\"started\":%lld,\"now\":%lld,\"peers\":[",
	    (long long)started, (long long)time(NULL));
	if ((e = store_links(s, json_link, &j)) != ERR_OK)
		return e;
	buf_puts(b, "]}");
	return b->err ? ERR_NOMEM : ERR_OK;
}

static int
print_row(const struct seen_row *r, void *arg)
{
	FILE	*f = arg;
	const struct link_row *l = r->link;
	char	 when[32];

	utc_text(when, sizeof(when), (int64_t)r->at, true);
	fprintf(f, "  %-13s %-5s %s%s%s  %s%s%s\n", seen_how_name(r->how),
	    link_kind_name(l->kind), l->npub[0] ? l->npub : l->name,
	    l->npub[0] && strcmp(l->npub, l->name) ? " at " : "",
	    l->npub[0] && strcmp(l->npub, l->name) ? l->name : "", when,
	    r->reason[0] ? "  " : "", r->reason);
	return 0;
}

enum err
status_print(struct store *s, const uint8_t id[32], FILE *f, bool *stored)
{
	enum err e;

	if ((e = store_seen(s, id, stored, NULL, NULL)) != ERR_OK)
		return e;
	if (!*stored) {
		fprintf(f, "not stored on this node\n");
		return ERR_OK;
	}
	fprintf(f, "stored on this node\n");
	if ((e = store_seen(s, id, stored, print_row, f)) != ERR_OK)
		return e;
	return blob_status_print(s, id, f);
}
