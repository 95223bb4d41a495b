/*
 * mesh_rec.c: what the mesh learns -- link states, counters, and which
 * link holds which event -- kept in memory by the loop and written in
 * one transaction per tick through the mesh's side store handle, for
 * `samizdat peers` and `samizdat status` (store_mesh.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mesh_int.h"

time_t
mesh_now(void)
{
	return time(NULL);
}

void
mesh_link_set(struct link *l, const char *state, const char *error)
{
	if (state != NULL)
		l->state = state;
	if (error != NULL)
		snprintf(l->error, sizeof(l->error), "%s", error);
	l->dirty = true;
}

void
mesh_seen_add(struct mesh *m, const uint8_t id[32], int64_t lid,
    enum seen_how how)
{
	struct seen_rec *n;

	if (m->nseen == m->seencap) {
		size_t	 ncap = m->seencap ? m->seencap * 2 : 256;

		if (ncap > SEEN_MAX || (n = realloc(m->seen,
		    ncap * sizeof(*n))) == NULL)
			return;		/* a record lost, not an event */
		m->seen = n;
		m->seencap = ncap;
	}
	memcpy(m->seen[m->nseen].id, id, 32);
	m->seen[m->nseen].lid = lid;
	m->seen[m->nseen].how = how;
	m->seen[m->nseen].at = (int64_t)mesh_now();
	m->nseen++;
}

static void
link_write(struct mesh *m, struct link *l)
{
	if (!l->dirty || l->lid <= 0)
		return;
	store_link_update(m->st, l->lid, l->state, (int64_t)l->seen_at, 0,
	    l->sent, l->received, l->refused, l->error);
	l->sent = l->received = l->refused = 0;
	l->state = NULL;
	l->dirty = false;
}

/* Also writes the links that left the table (m->out), then frees them. */
void
mesh_records_flush(struct mesh *m)
{
	struct link *l;
	size_t	 i;
	bool	 any = m->nseen > 0 || m->out != NULL;

	for (i = 0; i < m->nlinks && !any; i++)
		any = m->links[i]->dirty;
	if (!any || store_begin(m->st) != ERR_OK)
		return;
	for (i = 0; i < m->nseen; i++)
		store_seen_put(m->st, m->seen[i].id, m->seen[i].lid,
		    m->seen[i].how, m->seen[i].at, NULL);
	m->nseen = 0;
	for (i = 0; i < m->nlinks; i++)
		link_write(m, m->links[i]);
	while ((l = m->out) != NULL) {
		m->out = l->next_out;
		link_write(m, l);
		free(l);
	}
	if (store_commit(m->st) != ERR_OK)
		store_rollback(m->st);
}
