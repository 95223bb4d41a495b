/*
 * archive.c: the manifest, the extract's proof and media references
 * (archive.h).  Writers use buf with one fixed field order; parsers use
 * jansson and check every type and range, so that a verifier fed a
 * hostile manifest says what is wrong instead of trusting it.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "archive.h"
#include "hex.h"

void
manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
}

void
manifest_free(struct manifest *m)
{
	free(m->filter);
	free(m->files);
	memset(m, 0, sizeof(*m));
}

enum err
manifest_add_file(struct manifest *m, const char *name, uint64_t size,
    const uint8_t sha256[32])
{
	struct archive_file *f;
	size_t	 ncap;

	if (strlen(name) > TAR_NAME_MAX || m->nfiles >= ARCHIVE_MAX_FILES)
		return ERR_ARCHIVE;
	if (m->nfiles == m->filecap) {
		ncap = m->filecap ? m->filecap * 2 : 16;
		if ((f = realloc(m->files, ncap * sizeof(*f))) == NULL)
			return ERR_NOMEM;
		m->files = f;
		m->filecap = ncap;
	}
	f = &m->files[m->nfiles++];
	memset(f, 0, sizeof(*f));
	memcpy(f->name, name, strlen(name) + 1);
	f->size = size;
	memcpy(f->sha256, sha256, 32);
	return ERR_OK;
}

static void
key_hex(struct buf *b, const char *key, const uint8_t *p, size_t n)
{
	buf_printf(b, "\"%s\":\"", key);
	buf_hex(b, p, n);
	buf_putc(b, '"');
}

void
manifest_write(const struct manifest *m, struct buf *b)
{
	size_t	 i;

	buf_puts(b, "{\"format\":\"" ARCHIVE_FORMAT "\",\"v\":1,\"software\":");
	buf_json_str(b, m->software, strlen(m->software));
	buf_putc(b, ',');
	key_hex(b, "node", m->node, 32);
	buf_puts(b, ",\"created\":");
	buf_u64(b, m->created);
	buf_puts(b, ",\"filter\":");
	if (m->filter != NULL)
		buf_json_str(b, m->filter, strlen(m->filter));
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"for\":");
	if (m->sealed) {
		buf_putc(b, '"');
		buf_hex(b, m->for_pk, 32);
		buf_putc(b, '"');
	} else
		buf_puts(b, "null");
	buf_puts(b, ",\"media\":");
	buf_json_str(b, m->media, strlen(m->media));
	buf_printf(b, ",\"counts\":{\"events\":%llu,\"reports\":%llu,"
	    "\"marks\":%llu,\"custody\":%llu,\"stubs\":%llu,\"sources\":%llu,"
	    "\"media\":%llu,\"media_missing\":%llu}",
	    (unsigned long long)m->events, (unsigned long long)m->reports,
	    (unsigned long long)m->marks, (unsigned long long)m->custody,
	    (unsigned long long)m->stubs, (unsigned long long)m->sources,
	    (unsigned long long)m->media_held,
	    (unsigned long long)m->media_missing);
	buf_puts(b, ",\"time\":");
	if (m->have_time)
		buf_printf(b, "{\"first\":%llu,\"last\":%llu}",
		    (unsigned long long)m->t_first,
		    (unsigned long long)m->t_last);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"custody\":");
	if (m->have_custody) {
		buf_printf(b, "{\"first\":%llu,\"last\":%llu,",
		    (unsigned long long)m->c_first,
		    (unsigned long long)m->c_last);
		key_hex(b, "start", m->c_start, 32);
		buf_putc(b, ',');
		key_hex(b, "head", m->c_head, 32);
		buf_putc(b, '}');
	} else
		buf_puts(b, "null");
	buf_puts(b, ",\"merkle\":{");
	key_hex(b, "root", m->root, 32);
	buf_printf(b, ",\"leaves\":%llu}", (unsigned long long)m->leaves);
	buf_puts(b, ",\"files\":[");
	for (i = 0; i < m->nfiles; i++) {
		if (i > 0)
			buf_putc(b, ',');
		buf_puts(b, "{\"name\":");
		buf_json_str(b, m->files[i].name, strlen(m->files[i].name));
		buf_printf(b, ",\"size\":%llu,",
		    (unsigned long long)m->files[i].size);
		key_hex(b, "sha256", m->files[i].sha256, 32);
		buf_putc(b, '}');
	}
	buf_puts(b, "]}");
}

/* Helpers: each returns false when the value is missing or mistyped. */
static bool
get_u64(const json_t *o, const char *k, uint64_t *v)
{
	const json_t *j = json_object_get(o, k);

	if (!json_is_integer(j) || json_integer_value(j) < 0)
		return false;
	*v = (uint64_t)json_integer_value(j);
	return true;
}

static bool
get_hex(const json_t *o, const char *k, uint8_t *out, size_t n)
{
	const json_t *j = json_object_get(o, k);

	return json_is_string(j) && hex_decode(json_string_value(j),
	    json_string_length(j), out, n);
}

static bool
get_str(const json_t *o, const char *k, char *out, size_t sz)
{
	const json_t *j = json_object_get(o, k);

	if (!json_is_string(j) || json_string_length(j) >= sz ||
	    memchr(json_string_value(j), '\0', json_string_length(j)) != NULL)
		return false;
	memcpy(out, json_string_value(j), json_string_length(j) + 1);
	return true;
}

static enum err
parse_files(const json_t *arr, struct manifest *m)
{
	const json_t *f;
	char	 name[TAR_NAME_MAX + 1];
	uint8_t	 h[32];
	uint64_t size;
	size_t	 i;
	enum err e;

	if (!json_is_array(arr) || json_array_size(arr) > ARCHIVE_MAX_FILES)
		return ERR_ARCHIVE;
	json_array_foreach(arr, i, f) {
		if (!json_is_object(f) || !get_str(f, "name", name,
		    sizeof(name)) || !tar_name_ok(name) ||
		    !get_u64(f, "size", &size) || !get_hex(f, "sha256", h, 32))
			return ERR_ARCHIVE;
		if ((e = manifest_add_file(m, name, size, h)) != ERR_OK)
			return e;
	}
	return ERR_OK;
}

enum err
manifest_parse(const char *p, size_t n, struct manifest *out)
{
	struct manifest m;
	json_t	*root, *j, *c;
	json_error_t je;
	uint64_t v;
	enum err e = ERR_ARCHIVE;

	manifest_init(&m);
	if ((root = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return ERR_ARCHIVE;
	if (!json_is_object(root))
		goto bad;
	j = json_object_get(root, "format");
	if (!json_is_string(j) || strcmp(json_string_value(j),
	    ARCHIVE_FORMAT) != 0 || !get_u64(root, "v", &v) || v != 1)
		goto bad;
	if (!get_str(root, "software", m.software, sizeof(m.software)) ||
	    !get_hex(root, "node", m.node, 32) ||
	    !get_u64(root, "created", &m.created) ||
	    !get_str(root, "media", m.media, sizeof(m.media)))
		goto bad;
	j = json_object_get(root, "filter");
	if (json_is_string(j)) {
		if ((m.filter = strndup(json_string_value(j),
		    json_string_length(j))) == NULL) {
			e = ERR_NOMEM;
			goto bad;
		}
	} else if (!json_is_null(j))
		goto bad;
	j = json_object_get(root, "for");
	if (json_is_string(j)) {
		if (!get_hex(root, "for", m.for_pk, 32))
			goto bad;
		m.sealed = true;
	} else if (!json_is_null(j))
		goto bad;
	c = json_object_get(root, "counts");
	if (!json_is_object(c) || !get_u64(c, "events", &m.events) ||
	    !get_u64(c, "reports", &m.reports) ||
	    !get_u64(c, "marks", &m.marks) ||
	    !get_u64(c, "custody", &m.custody) ||
	    !get_u64(c, "stubs", &m.stubs) ||
	    !get_u64(c, "sources", &m.sources) ||
	    !get_u64(c, "media", &m.media_held) ||
	    !get_u64(c, "media_missing", &m.media_missing))
		goto bad;
	c = json_object_get(root, "time");
	if (json_is_object(c)) {
		if (!get_u64(c, "first", &m.t_first) ||
		    !get_u64(c, "last", &m.t_last))
			goto bad;
		m.have_time = true;
	} else if (!json_is_null(c))
		goto bad;
	c = json_object_get(root, "custody");
	if (json_is_object(c)) {
		if (!get_u64(c, "first", &m.c_first) ||
		    !get_u64(c, "last", &m.c_last) || m.c_first == 0 ||
		    m.c_last < m.c_first ||
		    !get_hex(c, "start", m.c_start, 32) ||
		    !get_hex(c, "head", m.c_head, 32))
			goto bad;
		m.have_custody = true;
	} else if (!json_is_null(c))
		goto bad;
	c = json_object_get(root, "merkle");
	if (!json_is_object(c) || !get_hex(c, "root", m.root, 32) ||
	    !get_u64(c, "leaves", &m.leaves))
		goto bad;
	if ((e = parse_files(json_object_get(root, "files"), &m)) != ERR_OK)
		goto bad;
	json_decref(root);
	*out = m;
	return ERR_OK;
bad:
	json_decref(root);
	manifest_free(&m);
	return e;
}

void
proof_init(struct proof *p)
{
	memset(p, 0, sizeof(*p));
}

void
proof_free(struct proof *p)
{
	free(p->items);
	memset(p, 0, sizeof(*p));
}

enum err
proof_add(struct proof *p, const struct proof_item *it)
{
	struct proof_item *n;

	if (p->nitems >= ARCHIVE_MAX_PROOF)
		return ERR_ARCHIVE;
	if ((n = realloc(p->items, (p->nitems + 1) * sizeof(*n))) == NULL)
		return ERR_NOMEM;
	p->items = n;
	p->items[p->nitems++] = *it;
	return ERR_OK;
}

void
proof_write(const struct proof *p, struct buf *b)
{
	size_t	 i, k;

	buf_puts(b, "{\"format\":\"" ARCHIVE_EXTRACT "\",\"v\":1,");
	key_hex(b, "event", p->id, 32);
	buf_putc(b, ',');
	key_hex(b, "root", p->root, 32);
	buf_printf(b, ",\"leaves\":%llu,\"items\":[",
	    (unsigned long long)p->leaves);
	for (i = 0; i < p->nitems; i++) {
		const struct proof_item *it = &p->items[i];

		if (i > 0)
			buf_putc(b, ',');
		buf_puts(b, "{\"file\":");
		buf_json_str(b, it->file, strlen(it->file));
		buf_printf(b, ",\"line\":%llu,\"type\":\"%c\",\"leaf\":%llu,"
		    "\"path\":[", (unsigned long long)it->line, it->type,
		    (unsigned long long)it->leaf);
		for (k = 0; k < it->npath; k++) {
			if (k > 0)
				buf_putc(b, ',');
			buf_putc(b, '"');
			buf_hex(b, it->path[k], 32);
			buf_putc(b, '"');
		}
		buf_puts(b, "]}");
	}
	buf_puts(b, "]}\n");
}

static bool
type_ok(const char *t, uint8_t *type)
{
	if (strlen(t) != 1 || strchr("ecsm", t[0]) == NULL)
		return false;
	*type = (uint8_t)t[0];
	return true;
}

enum err
proof_parse(const char *s, size_t n, struct proof *out)
{
	struct proof p;
	struct proof_item it;
	json_t	*root, *items, *j, *path, *h;
	json_error_t je;
	char	 t[4];
	uint64_t v;
	size_t	 i, k;
	enum err e = ERR_ARCHIVE;

	proof_init(&p);
	if ((root = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return ERR_ARCHIVE;
	j = json_object_get(root, "format");
	if (!json_is_object(root) || !json_is_string(j) ||
	    strcmp(json_string_value(j), ARCHIVE_EXTRACT) != 0 ||
	    !get_u64(root, "v", &v) || v != 1 ||
	    !get_hex(root, "event", p.id, 32) ||
	    !get_hex(root, "root", p.root, 32) ||
	    !get_u64(root, "leaves", &p.leaves))
		goto bad;
	items = json_object_get(root, "items");
	if (!json_is_array(items) || json_array_size(items) > ARCHIVE_MAX_PROOF)
		goto bad;
	json_array_foreach(items, i, j) {
		memset(&it, 0, sizeof(it));
		path = json_object_get(j, "path");
		if (!json_is_object(j) || !get_str(j, "file", it.file,
		    sizeof(it.file)) || !tar_name_ok(it.file) ||
		    !get_u64(j, "line", &it.line) ||
		    !get_str(j, "type", t, sizeof(t)) || !type_ok(t, &it.type) ||
		    !get_u64(j, "leaf", &it.leaf) || it.leaf >= p.leaves ||
		    !json_is_array(path) ||
		    json_array_size(path) > MERKLE_MAX_PATH)
			goto bad;
		json_array_foreach(path, k, h) {
			if (!json_is_string(h) || !hex_decode(json_string_value(h),
			    json_string_length(h), it.path[k], 32))
				goto bad;
		}
		it.npath = json_array_size(path);
		if ((e = proof_add(&p, &it)) != ERR_OK)
			goto bad;
		e = ERR_ARCHIVE;
	}
	json_decref(root);
	*out = p;
	return ERR_OK;
bad:
	json_decref(root);
	proof_free(&p);
	return e;
}

const char *
archive_role_name(enum archive_role r)
{
	return r == ARCHIVE_ORIGINAL ? "original" : "public";
}

static size_t
ref_add(struct archive_ref *refs, size_t n, size_t max, const uint8_t h[32],
    enum archive_role role)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (memcmp(refs[i].sha256, h, 32) == 0 && refs[i].role == role)
			return n;
	if (n >= max)
		return n;
	memcpy(refs[n].sha256, h, 32);
	refs[n].role = role;
	return n + 1;
}

/*
 * A hash at the end of a URL's path: "/<64 hex>" then the end, '.', '?'
 * or '#'.  Scans s for every such hash.
 */
static size_t
url_hashes(const char *s, size_t len, struct archive_ref *refs, size_t n,
    size_t max)
{
	uint8_t	 h[32];
	size_t	 i;

	for (i = 0; i + 65 <= len; i++) {
		if (s[i] != '/' || !hex_decode(s + i + 1, 64, h, 32))
			continue;
		if (i + 65 < len && s[i + 65] != '.' && s[i + 65] != '?' &&
		    s[i + 65] != '#' && s[i + 65] != ' ' && s[i + 65] != '\n' &&
		    s[i + 65] != '"' && s[i + 65] != ')')
			continue;
		n = ref_add(refs, n, max, h, ARCHIVE_PUBLIC);
		i += 64;
	}
	return n;
}

static bool
is(const struct str *s, const char *lit)
{
	return s->n == strlen(lit) && memcmp(s->p, lit, s->n) == 0;
}

size_t
archive_refs(const struct event *ev, struct archive_ref *refs, size_t max)
{
	uint8_t	 h[32];
	size_t	 n = 0, i, k;

	for (i = 0; i < ev->ntags; i++) {
		const struct tag *t = &ev->tags[i];

		if (t->n >= 2 && (is(&t->v[0], "x") || is(&t->v[0], "ox")) &&
		    hex_decode(t->v[1].p, t->v[1].n, h, 32)) {
			n = ref_add(refs, n, max, h, t->v[0].n == 2 ?
			    ARCHIVE_ORIGINAL : ARCHIVE_PUBLIC);
			continue;
		}
		if (!is(&t->v[0], "imeta"))
			continue;
		for (k = 1; k < t->n; k++) {
			const struct str *v = &t->v[k];

			if (v->n == 66 && memcmp(v->p, "x ", 2) == 0 &&
			    hex_decode(v->p + 2, 64, h, 32))
				n = ref_add(refs, n, max, h, ARCHIVE_PUBLIC);
			else if (v->n == 67 && memcmp(v->p, "ox ", 3) == 0 &&
			    hex_decode(v->p + 3, 64, h, 32))
				n = ref_add(refs, n, max, h, ARCHIVE_ORIGINAL);
			else if ((v->n > 4 && memcmp(v->p, "url ", 4) == 0) ||
			    (v->n > 6 && memcmp(v->p, "thumb ", 6) == 0) ||
			    (v->n > 6 && memcmp(v->p, "image ", 6) == 0))
				n = url_hashes(v->p, v->n, refs, n, max);
		}
	}
	return url_hashes(ev->content.p, ev->content.n, refs, n, max);
}

bool
archive_is_mark(const struct event *ev)
{
	return ev->kind == 1985;
}

static void
html_escaped(struct buf *b, const char *s, size_t n)
{
	size_t	 i, run = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != '<' && s[i] != '>' && s[i] != '&')
			continue;
		buf_append(b, s + run, i - run);
		buf_printf(b, "\\u%04x", (unsigned char)s[i]);
		run = i + 1;
	}
	buf_append(b, s + run, n - run);
}

void
archive_html_json(struct buf *b, const char *s, size_t n)
{
	html_escaped(b, s, n);
}

void
archive_html_str(struct buf *b, const char *s, size_t n)
{
	struct buf t;

	buf_init(&t, 0);
	buf_json_str(&t, s, n);
	if (t.err)
		b->err = true;
	else
		html_escaped(b, t.p, t.len);
	buf_free(&t);
}
