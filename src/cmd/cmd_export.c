/*
 * cmd_export.c: `samizdat export` and `samizdat query`: stored events as
 * JSON lines, newest first, streamed straight from the store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "filter.h"
#include "progress.h"

struct out_state {
	struct progress	 prog;
	uint64_t	 n;
	bool		 werr;
};

static int
print_row(const char *json, size_t len, void *arg)
{
	struct out_state *o = arg;

	if (fwrite(json, 1, len, stdout) != len || putchar('\n') == EOF) {
		o->werr = true;
		return 1;
	}
	o->n++;
	progress_update(&o->prog, "export", o->n, "events", NULL);
	return 0;
}

int
cmd_parse_filters(const char *text, struct filter **out)
{
	json_error_t je;
	json_t	*j, *v;
	struct filter *f;
	size_t	 i, n;
	char	 reason[256];
	enum err e = ERR_OK;

	if ((j = json_loads(text, JSON_ALLOW_NUL, &je)) == NULL) {
		fprintf(stderr, "samizdat: filter:%d:%d: %s\n", je.line,
		    je.column, je.text);
		return -1;
	}
	n = json_is_array(j) ? json_array_size(j) : 1;
	if (n == 0 || (f = calloc(n, sizeof(*f))) == NULL) {
		fprintf(stderr, "samizdat: filter: give a filter object or a "
		    "non-empty array of them\n");
		json_decref(j);
		return -1;
	}
	for (i = 0; i < n && e == ERR_OK; i++) {
		v = json_is_array(j) ? json_array_get(j, i) : j;
		if ((e = filter_parse_json(v, &f[i])) != ERR_OK) {
			fprintf(stderr, "samizdat: filter %zu: %s\n", i + 1,
			    err_reason(e, reason, sizeof(reason)));
			while (i-- > 0)
				filter_free(&f[i]);
			free(f);
		}
	}
	json_decref(j);
	if (e != ERR_OK)
		return -1;
	*out = f;
	return (int)n;
}

static int
run_query(struct cmd_env *env, const char *text)
{
	struct filter *f = NULL, all;
	struct store *st = NULL;
	struct out_state o;
	int	 n, i, rc = 1;
	enum err e;

	if (text != NULL) {
		if ((n = cmd_parse_filters(text, &f)) < 0)
			return 1;
	} else {
		memset(&all, 0, sizeof(all));
		all.until = UINT64_MAX;
		f = &all;
		n = 1;
	}
	if (cmd_store_open(env, STORE_RDONLY, false, &st) != ERR_OK)
		goto done;
	memset(&o, 0, sizeof(o));
	progress_init(&o.prog);
	e = store_query(st, f, (size_t)n, env->now, 0, print_row, &o);
	progress_end(&o.prog);
	if (fflush(stdout) == EOF || o.werr) {
		if (errno != EPIPE)
			perror("samizdat: write");
		goto done;
	}
	if (e != ERR_OK) {
		cmd_err("query", e);
		goto done;
	}
	rc = 0;
done:
	store_close(st);
	if (f != &all) {
		for (i = 0; i < n; i++)
			filter_free(&f[i]);
		free(f);
	}
	return rc;
}

int
cmd_export(struct cmd_env *env, int argc, char **argv)
{
	int	 rc;

	if ((rc = cmd_no_options(env, argc, argv, 0, 1)) != -1)
		return rc;
	return run_query(env, optind < argc ? argv[optind] : NULL);
}

int
cmd_query(struct cmd_env *env, int argc, char **argv)
{
	int	 rc;

	if ((rc = cmd_no_options(env, argc, argv, 1, 1)) != -1)
		return rc;
	return run_query(env, argv[optind]);
}
