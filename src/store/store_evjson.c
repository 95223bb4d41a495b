/*
 * store_evjson.c: an event's JSON kept without its id and sig (schema
 * version 7).  The id is already the events.id column and the sig is 64
 * bytes in events.sig, so events.json holds only what lies between
 * {"id":"<64 hex>", and ,"sig":"<128 hex>"} -- 147 bytes less a row.  The
 * SQL function ev_json(id, json, sig) puts the event back together byte
 * for byte; a row whose sig is NULL (stored before version 7, or JSON
 * that did not come in that shape) holds the whole JSON.  Statements name
 * a stored event as ev_json(id, json, sig); store_prepare turns that into
 * json on a store older than version 7, which has no sig column.
 */
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "store_int.h"

#define ID_HEAD		7	/* {"id":" */
#define SIG_HEAD	8	/* ,"sig":" */
#define PREFIX_LEN	(ID_HEAD + 64 + 2)	/* ... and ", */
#define SUFFIX_LEN	(SIG_HEAD + 128 + 2)	/* ... and "} */

bool
store_evjson_split(const uint8_t id[32], const uint8_t sig[64],
    const char *json, size_t len, size_t *off, size_t *n)
{
	char	 hex[129];

	if (len < PREFIX_LEN + SUFFIX_LEN + 1)
		return false;
	hex_encode(id, 32, hex);
	if (memcmp(json, "{\"id\":\"", ID_HEAD) != 0 ||
	    memcmp(json + ID_HEAD, hex, 64) != 0 ||
	    memcmp(json + ID_HEAD + 64, "\",", 2) != 0)
		return false;
	hex_encode(sig, 64, hex);
	json += len - SUFFIX_LEN;
	if (memcmp(json, ",\"sig\":\"", SIG_HEAD) != 0 ||
	    memcmp(json + SIG_HEAD, hex, 128) != 0 ||
	    memcmp(json + SIG_HEAD + 128, "\"}", 2) != 0)
		return false;
	*off = PREFIX_LEN;
	*n = len - PREFIX_LEN - SUFFIX_LEN;
	return true;
}

/*
 * ev_json(id, json, sig).  A row that does not hold what version 7 puts
 * there (a stick's) gives "", which no parser takes: the event is refused
 * where it is read, as any broken row is.
 */
static void
ev_json(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *body;
	char	*out;
	size_t	 n;

	(void)argc;
	if (sqlite3_value_type(argv[2]) == SQLITE_NULL) {
		sqlite3_result_value(ctx, argv[1]);
		return;
	}
	if (sqlite3_value_type(argv[0]) != SQLITE_BLOB ||
	    sqlite3_value_bytes(argv[0]) != 32 ||
	    sqlite3_value_type(argv[2]) != SQLITE_BLOB ||
	    sqlite3_value_bytes(argv[2]) != 64 ||
	    sqlite3_value_type(argv[1]) != SQLITE_TEXT) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	body = sqlite3_value_text(argv[1]);
	n = (size_t)sqlite3_value_bytes(argv[1]);
	if (body == NULL || (out = sqlite3_malloc64(PREFIX_LEN + n +
	    SUFFIX_LEN + 1)) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	memcpy(out, "{\"id\":\"", ID_HEAD);
	hex_encode(sqlite3_value_blob(argv[0]), 32, out + ID_HEAD);
	memcpy(out + ID_HEAD + 64, "\",", 2);
	memcpy(out + PREFIX_LEN, body, n);
	memcpy(out + PREFIX_LEN + n, ",\"sig\":\"", SIG_HEAD);
	hex_encode(sqlite3_value_blob(argv[2]), 64, out + PREFIX_LEN + n +
	    SIG_HEAD);
	memcpy(out + PREFIX_LEN + n + SIG_HEAD + 128, "\"}", 2);
	sqlite3_result_text64(ctx, out, PREFIX_LEN + n + SUFFIX_LEN,
	    sqlite3_free, SQLITE_UTF8);
}

int
store_evjson_register(sqlite3 *db)
{
	return sqlite3_create_function_v2(db, "ev_json", 3, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL, ev_json, NULL,
	    NULL, NULL);
}

char *
store_evjson_sql(const char *sql)
{
	const char *p, *a, *b, *end;
	size_t	 len = strlen(sql), o = 0;
	char	*out;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	/* ev_json(A, B, C) -> B: the JSON column of the same table. */
	while ((p = strstr(sql, "ev_json(")) != NULL) {
		a = p + 8;
		if ((b = strstr(a, ", ")) == NULL ||
		    (end = strchr(b + 2, ')')) == NULL ||
		    (end = memchr(b + 2, ',', (size_t)(end - b - 2))) == NULL) {
			free(out);
			return NULL;
		}
		memcpy(out + o, sql, (size_t)(p - sql));
		o += (size_t)(p - sql);
		memcpy(out + o, b + 2, (size_t)(end - b - 2));
		o += (size_t)(end - b - 2);
		sql = strchr(end, ')') + 1;
	}
	strcpy(out + o, sql);
	return out;
}

int
store_prepare(struct store *s, const char *sql, unsigned flags,
    sqlite3_stmt **st)
{
	char	*old;
	int	 rc;

	*st = NULL;
	if (s->version >= STORE_SIG_VERSION ||
	    strstr(sql, "ev_json(") == NULL)
		return sqlite3_prepare_v3(s->db, sql, -1, flags, st, NULL);
	if ((old = store_evjson_sql(sql)) == NULL)
		return SQLITE_NOMEM;
	rc = sqlite3_prepare_v3(s->db, old, -1, flags, st, NULL);
	free(old);
	return rc;
}
