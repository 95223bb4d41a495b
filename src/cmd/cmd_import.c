/*
 * cmd_import.c: `samizdat import` and `samizdat verify`: JSON lines as
 * strfry and nak write them.  Each line is accepted or rejected with its
 * line number and reason; a bad line never stops the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "ingest.h"
#include "json.h"
#include "ingest_batch.h"
#include "log.h"
#include "progress.h"

#define SHOW_REJECTS	1000	/* rejected lines printed, then a count */

struct import_state {
	const char	*name;		/* file name for messages */
	FILE		*in;
	struct progress	 prog;
	uint64_t	 count[ERR__COUNT];
	uint64_t	 done, rejected, shown;
};

static ssize_t
read_line(void *arg, char **line, size_t *cap)
{
	struct import_state *s = arg;

	return getline(line, cap, s->in);
}

static void
report_reject(struct import_state *s, uint64_t seq, enum err e)
{
	char	 reason[256];

	s->rejected++;
	if (s->shown++ < SHOW_REJECTS) {
		progress_end(&s->prog);
		fprintf(stderr, "%s:%llu: %s\n", s->name,
		    (unsigned long long)seq, err_reason(e, reason,
		    sizeof(reason)));
	}
}

static void
on_result(void *arg, uint64_t seq, enum err e, const struct event *ev)
{
	struct import_state *s = arg;
	char	 extra[64];

	s->count[e < ERR__COUNT ? e : ERR_DB]++;
	s->done++;
	if (!ingest_accepted(e) && e != ERR_DELETED)
		report_reject(s, seq, e);
	snprintf(extra, sizeof(extra), "%llu stored",
	    (unsigned long long)s->count[ERR_OK]);
	progress_update(&s->prog, "import", s->done, "events", extra);
}

static int
open_input(const char *arg, struct import_state *s)
{
	if (arg == NULL || strcmp(arg, "-") == 0) {
		s->in = stdin;
		s->name = "(stdin)";
		return 0;
	}
	if ((s->in = fopen(arg, "r")) == NULL) {
		log_warn("%s", arg);
		return -1;
	}
	s->name = arg;
	return 0;
}

int
cmd_import(struct cmd_env *env, int argc, char **argv)
{
	struct import_state s;
	struct ingest_policy pol;
	struct config cfg;
	struct batch_opts o;
	struct custody_src src;
	struct batch_stats bs;
	struct store *st = NULL;
	char	 path[4096], *end;
	long	 workers = 0;
	uint64_t n;
	int	 ch, rc = 1;
	enum err e;

	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};

	optind = 0;
	while ((ch = cmd_getopt(argc, argv, "hj:", longopts)) > 0) {
		switch (ch) {
		case 'j':
			workers = strtol(optarg, &end, 10);
			if (*end != '\0' || workers < 1 || workers > 16) {
				fprintf(stderr, "samizdat: import: -j takes 1 "
				    "to 16\n");
				return EXIT_USAGE;
			}
			break;
		}
	}
	if ((ch = cmd_operands(env, ch, argc, 0, 1)) != -1)
		return ch;
	if (cmd_config(env, &cfg) != 0)
		return 1;
	memset(&s, 0, sizeof(s));
	if (open_input(optind < argc ? argv[optind] : NULL, &s) == -1)
		return 1;
	if (cmd_store_open(env, 0, true, &st) != ERR_OK)
		goto done;
	/*
	 * Offline devices' clocks drift: imports take any past created_at,
	 * and the future up to future_limit, as syncs do.
	 */
	memset(&pol, 0, sizeof(pol));
	pol.max_future = cfg.future_limit;
	memset(&o, 0, sizeof(o));
	cmd_path(env, "events.db", path, sizeof(path));
	o.pol = &pol;
	o.store = st;
	o.store_path = path;
	o.workers = (int)workers;
	o.now = env->now;
	o.store_empty = store_event_count(st, &n) == ERR_OK && n == 0;
	/* The custody log names the file as the operator gave it. */
	src.via = CUSTODY_IMPORT;
	src.from = optind < argc ? argv[optind] : "-";
	o.src = &src;
	progress_init(&s.prog);
	e = ingest_batch(&o, read_line, &s, on_result, &s, &bs);
	progress_end(&s.prog);
	if (s.shown > SHOW_REJECTS)
		fprintf(stderr, "%s: %llu more rejected lines not shown\n",
		    s.name, (unsigned long long)(s.shown - SHOW_REJECTS));
	if (ferror(s.in)) {
		log_warn("%s: read error", s.name);
		e = e == ERR_OK ? ERR_IO : e;
	}
	fprintf(stderr, "import: %llu lines: %llu stored, %llu duplicate, "
	    "%llu older or deleted, %llu ephemeral (not stored), "
	    "%llu rejected; %.1f s\n",
	    (unsigned long long)bs.lines,
	    (unsigned long long)bs.stored,
	    (unsigned long long)s.count[ERR_DUPLICATE],
	    (unsigned long long)(s.count[ERR_HAVE_NEWER] + s.count[ERR_DELETED]),
	    (unsigned long long)s.count[ERR_EPHEMERAL],
	    (unsigned long long)s.rejected, progress_elapsed(&s.prog));
	if (e != ERR_OK) {
		cmd_err("import stopped", e);
		fprintf(stderr, "samizdat: everything up to line %llu is "
		    "stored; fix the problem and run the same import again "
		    "(stored events are skipped)\n",
		    (unsigned long long)bs.last_seq);
		goto done;
	}
	rc = 0;
done:
	store_close(st);
	if (s.in != NULL && s.in != stdin)
		fclose(s.in);
	return rc;
}

int
cmd_verify(struct cmd_env *env, int argc, char **argv)
{
	struct import_state s;
	struct ingest_policy pol;
	struct ingest_ctx ctx;
	struct event ev;
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	uint64_t seq = 0, ok = 0;
	enum err e;
	int	 rc;

	if ((rc = cmd_no_options(env, argc, argv, 0, 1)) != -1)
		return rc;
	memset(&s, 0, sizeof(s));
	if (open_input(optind < argc ? argv[optind] : NULL, &s) == -1)
		return 1;
	memset(&pol, 0, sizeof(pol));
	ingest_ctx_init(&ctx);
	progress_init(&s.prog);
	while ((n = getline(&line, &cap, s.in)) != -1) {
		seq++;
		n = (ssize_t)json_rtrim(line, (size_t)n);
		if (n == 0)
			continue;
		/* now 0: signatures only, whatever the time says. */
		if ((e = ingest_check(&ctx, &pol, NULL, line, (size_t)n, 0,
		    &ev)) == ERR_OK)
			e = ingest_verify(&ev);
		if (e == ERR_OK)
			ok++;
		else
			report_reject(&s, seq, e);
		progress_update(&s.prog, "verify", ok + s.rejected, "events",
		    NULL);
	}
	progress_end(&s.prog);
	if (s.shown > SHOW_REJECTS)
		fprintf(stderr, "%s: %llu more failed lines not shown\n",
		    s.name, (unsigned long long)(s.shown - SHOW_REJECTS));
	rc = ferror(s.in) ? 1 : 0;
	if (rc)
		log_warn("%s: read error", s.name);
	fprintf(stderr, "verify: %llu ok, %llu failed\n",
	    (unsigned long long)ok, (unsigned long long)s.rejected);
	free(line);
	ingest_ctx_free(&ctx);
	if (s.in != stdin)
		fclose(s.in);
	return rc || s.rejected > 0 ? 1 : 0;
}
