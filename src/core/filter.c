/*
 * filter.c: NIP-01 filter parsing and in-memory matching.  Search matching
 * here is the live-event approximation of the store's FTS5 query: every
 * word of the query must occur in the content, ignoring ASCII case;
 * key:value extension tokens are ignored.  Pure.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "hex.h"

/*
 * Checks a filter list: an array of at most FILTER_MAX_VALUES.  An empty
 * one sets *empty: the filter then matches nothing (NIP-01 wants lists
 * non-empty; treating [] as "no condition" would widen the query).
 */
static enum err
list_len(const json_t *arr, size_t *cnt, bool *empty)
{
	if (!json_is_array(arr))
		return ERR_FILTER;
	*cnt = json_array_size(arr);
	if (*cnt > FILTER_MAX_VALUES)
		return ERR_FILTER_SIZE;
	if (*cnt == 0)
		*empty = true;
	return ERR_OK;
}

static enum err
parse_hex_list(const json_t *arr, uint8_t (**out)[32], size_t *n, bool *empty)
{
	size_t	 i, cnt;
	enum err e;
	const json_t *v;
	uint8_t	(*a)[32];

	if ((e = list_len(arr, &cnt, empty)) != ERR_OK || cnt == 0)
		return e;
	if ((a = calloc(cnt, 32)) == NULL)
		return ERR_NOMEM;
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || !hex_decode(json_string_value(v),
		    json_string_length(v), a[i], 32)) {
			free(a);
			return ERR_FILTER_HEX;
		}
	}
	*out = a;
	*n = cnt;
	return ERR_OK;
}

static enum err
parse_kinds(const json_t *arr, struct filter *f)
{
	size_t	 i, cnt;
	enum err e;
	const json_t *v;

	if ((e = list_len(arr, &cnt, &f->empty)) != ERR_OK || cnt == 0)
		return e;
	if ((f->kinds = calloc(cnt, sizeof(*f->kinds))) == NULL)
		return ERR_NOMEM;
	json_array_foreach(arr, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 65535)
			return ERR_FILTER;
		f->kinds[i] = (uint32_t)json_integer_value(v);
	}
	f->nkinds = cnt;
	return ERR_OK;
}

static enum err
parse_tag(char name, const json_t *arr, struct filter *f)
{
	struct filter_tag *t;
	const json_t *v;
	size_t	 i, cnt;
	char	*copy;
	enum err e;

	if ((e = list_len(arr, &cnt, &f->empty)) != ERR_OK || cnt == 0)
		return e;
	if (f->ntags >= FILTER_MAX_TAGKEYS)
		return ERR_FILTER_SIZE;
	t = &f->tags[f->ntags];
	if ((t->vals = calloc(cnt, sizeof(*t->vals))) == NULL)
		return ERR_NOMEM;
	t->name = name;
	f->ntags++;
	json_array_foreach(arr, i, v) {
		size_t	 len;

		if (!json_is_string(v))
			return ERR_FILTER;
		len = json_string_length(v);
		if ((name == 'e' || name == 'p') &&
		    !hex_is_lower(json_string_value(v), len, 32))
			return ERR_FILTER_HEX;
		if ((copy = malloc(len + 1)) == NULL)
			return ERR_NOMEM;
		memcpy(copy, json_string_value(v), len);
		copy[len] = '\0';
		t->vals[i].p = copy;
		t->vals[i].n = len;
		t->nvals++;
	}
	return ERR_OK;
}

static enum err
parse_u64(const json_t *v, uint64_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return ERR_FILTER;
	*out = (uint64_t)json_integer_value(v);
	return ERR_OK;
}

enum err
filter_parse_json(const json_t *obj, struct filter *out)
{
	struct filter f;
	const char *key;
	const json_t *v;
	enum err e = ERR_OK;

	if (!json_is_object(obj))
		return ERR_FILTER;
	memset(&f, 0, sizeof(f));
	f.until = UINT64_MAX;
	if ((f.tags = calloc(FILTER_MAX_TAGKEYS, sizeof(*f.tags))) == NULL)
		return ERR_NOMEM;
	json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
		if (strcmp(key, "ids") == 0 && f.ids == NULL)
			e = parse_hex_list(v, &f.ids, &f.nids, &f.empty);
		else if (strcmp(key, "authors") == 0 && f.authors == NULL)
			e = parse_hex_list(v, &f.authors, &f.nauthors,
			    &f.empty);
		else if (strcmp(key, "kinds") == 0 && f.kinds == NULL)
			e = parse_kinds(v, &f);
		else if (strcmp(key, "since") == 0)
			e = parse_u64(v, &f.since);
		else if (strcmp(key, "until") == 0)
			e = parse_u64(v, &f.until);
		else if (strcmp(key, "limit") == 0) {
			e = parse_u64(v, &f.limit);
			f.has_limit = true;
		} else if (strcmp(key, "search") == 0 && f.search == NULL) {
			if (!json_is_string(v))
				e = ERR_FILTER;
			else if ((f.search = strdup(json_string_value(v))) ==
			    NULL)
				e = ERR_NOMEM;
		} else if (key[0] == '#' && isalpha((unsigned char)key[1]) &&
		    key[2] == '\0')
			e = parse_tag(key[1], v, &f);
		else
			e = ERR_FILTER_KEY;
		if (e != ERR_OK)
			break;
	}
	if (e != ERR_OK) {
		filter_free(&f);
		return e;
	}
	*out = f;
	return ERR_OK;
}

enum err
filter_parse(const char *s, size_t n, struct filter *f)
{
	json_error_t je;
	json_t	*j;
	enum err e;

	if ((j = json_loadb(s, n, JSON_ALLOW_NUL, &je)) == NULL)
		return ERR_FILTER;
	e = filter_parse_json(j, f);
	json_decref(j);
	return e;
}

static void
write_hex_list(struct buf *b, const char *key, uint8_t (*v)[32], size_t n)
{
	size_t	 i;

	buf_printf(b, "\"%s\":[", key);
	for (i = 0; i < n; i++) {
		buf_puts(b, i ? ",\"" : "\"");
		buf_hex(b, v[i], 32);
		buf_putc(b, '"');
	}
	buf_putc(b, ']');
}

void
filter_write_json(const struct filter *f, struct buf *b)
{
	const char *sep = "";
	size_t	 i, j;

	if (f->empty) {		/* matches nothing, whatever else it says */
		buf_puts(b, "{\"ids\":[]}");
		return;
	}
	buf_putc(b, '{');
	if (f->nids > 0) {
		write_hex_list(b, "ids", f->ids, f->nids);
		sep = ",";
	}
	if (f->nauthors > 0) {
		buf_puts(b, sep);
		write_hex_list(b, "authors", f->authors, f->nauthors);
		sep = ",";
	}
	if (f->nkinds > 0) {
		buf_printf(b, "%s\"kinds\":[", sep);
		for (i = 0; i < f->nkinds; i++)
			buf_printf(b, "%s%u", i ? "," : "", f->kinds[i]);
		buf_putc(b, ']');
		sep = ",";
	}
	for (i = 0; i < f->ntags; i++) {
		buf_printf(b, "%s\"#%c\":[", sep, f->tags[i].name);
		for (j = 0; j < f->tags[i].nvals; j++) {
			if (j > 0)
				buf_putc(b, ',');
			buf_json_str(b, f->tags[i].vals[j].p,
			    f->tags[i].vals[j].n);
		}
		buf_putc(b, ']');
		sep = ",";
	}
	if (f->since > 0) {
		buf_printf(b, "%s\"since\":", sep);
		buf_u64(b, f->since);
		sep = ",";
	}
	if (f->until != UINT64_MAX) {
		buf_printf(b, "%s\"until\":", sep);
		buf_u64(b, f->until);
		sep = ",";
	}
	if (f->has_limit) {
		buf_printf(b, "%s\"limit\":", sep);
		buf_u64(b, f->limit);
		sep = ",";
	}
	if (f->search != NULL) {
		buf_printf(b, "%s\"search\":", sep);
		buf_json_str(b, f->search, strlen(f->search));
	}
	buf_putc(b, '}');
}

void
filter_init(struct filter *f)
{
	memset(f, 0, sizeof(*f));
	f->until = UINT64_MAX;
}

void
filter_free(struct filter *f)
{
	size_t	 i, j;

	if (f == NULL)
		return;
	free(f->ids);
	free(f->authors);
	free(f->kinds);
	if (f->tags != NULL) {
		for (i = 0; i < f->ntags; i++) {
			for (j = 0; j < f->tags[i].nvals; j++)
				free((void *)(uintptr_t)f->tags[i].vals[j].p);
			free(f->tags[i].vals);
		}
		free(f->tags);
	}
	free(f->search);
	memset(f, 0, sizeof(*f));
}

static bool
has_id(uint8_t (*list)[32], size_t n, const uint8_t *id)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (memcmp(list[i], id, 32) == 0)
			return true;
	return false;
}

static bool
tag_matches(const struct filter_tag *ft, const struct event *ev)
{
	size_t	 i, j;

	for (i = 0; i < ev->ntags; i++) {
		const struct tag *t = &ev->tags[i];

		if (t->n < 2 || t->v[0].n != 1 || t->v[0].p[0] != ft->name)
			continue;
		for (j = 0; j < ft->nvals; j++)
			if (ft->vals[j].n == t->v[1].n &&
			    memcmp(ft->vals[j].p, t->v[1].p, t->v[1].n) == 0)
				return true;
	}
	return false;
}

/* ASCII-case-insensitive search for needle in hay. */
static bool
contains_word(const char *hay, size_t hn, const char *nd, size_t nn)
{
	size_t	 i, j;

	if (nn == 0)
		return true;
	for (i = 0; i + nn <= hn; i++) {
		for (j = 0; j < nn; j++)
			if (tolower((unsigned char)hay[i + j]) !=
			    tolower((unsigned char)nd[j]))
				break;
		if (j == nn)
			return true;
	}
	return false;
}

static bool
search_matches(const char *q, const struct event *ev)
{
	const char *w;
	size_t	 n;

	while (*q != '\0') {
		while (*q == ' ' || *q == '\t' || *q == '\n')
			q++;
		w = q;
		while (*q != '\0' && *q != ' ' && *q != '\t' && *q != '\n')
			q++;
		n = (size_t)(q - w);
		if (n == 0 || memchr(w, ':', n) != NULL)
			continue;
		if (!contains_word(ev->content.p, ev->content.n, w, n))
			return false;
	}
	return true;
}

bool
filter_match(const struct filter *f, const struct event *ev)
{
	size_t	 i;
	bool	 ok;

	if (f->empty)
		return false;
	if (ev->created_at < f->since || ev->created_at > f->until)
		return false;
	if (f->nids > 0 && !has_id(f->ids, f->nids, ev->id))
		return false;
	if (f->nauthors > 0 && !has_id(f->authors, f->nauthors, ev->pubkey))
		return false;
	if (f->nkinds > 0) {
		ok = false;
		for (i = 0; i < f->nkinds && !ok; i++)
			ok = f->kinds[i] == ev->kind;
		if (!ok)
			return false;
	}
	for (i = 0; i < f->ntags; i++)
		if (!tag_matches(&f->tags[i], ev))
			return false;
	if (f->search != NULL && !search_matches(f->search, ev))
		return false;
	return true;
}

bool
filter_match_any(const struct filter *f, size_t n, const struct event *ev)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (filter_match(&f[i], ev))
			return true;
	return false;
}
