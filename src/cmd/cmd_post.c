/*
 * cmd_post.c: `samizdat post`: sign a note with this node's key and send
 * it through the one ingest path like any other event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "event.h"
#include "ingest.h"
#include "key.h"

#define POST_MAX_TAGS	64

static const struct custody_src post_src = { CUSTODY_POST, "" };

int
cmd_post(struct cmd_env *env, int argc, char **argv)
{
	struct tag tags[POST_MAX_TAGS];
	struct str vals[POST_MAX_TAGS][2];
	struct event ev;
	struct ingest_policy pol;
	struct ingest_ctx ctx;
	struct store *st = NULL;
	struct buf tmp, json;
	char	 path[4096], *end;
	uint8_t	 sk[32];
	size_t	 ntags = 0;
	long	 kind = 1;
	int	 ch, rc = 1;
	enum err e;

	static const struct option longopts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "tag", required_argument, NULL, 't' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hk:t:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			kind = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || kind < 0 ||
			    kind > 65535) {
				fprintf(stderr, "samizdat: post: kind must be "
				    "0 to 65535\n");
				return EXIT_USAGE;
			}
			break;
		case 't':
			if ((end = strchr(optarg, '=')) == NULL ||
			    end == optarg || ntags == POST_MAX_TAGS) {
				fprintf(stderr, "samizdat: post: -t takes "
				    "name=value (at most %d)\n", POST_MAX_TAGS);
				return EXIT_USAGE;
			}
			vals[ntags][0].p = optarg;
			vals[ntags][0].n = (size_t)(end - optarg);
			vals[ntags][1].p = end + 1;
			vals[ntags][1].n = strlen(end + 1);
			tags[ntags].v = vals[ntags];
			tags[ntags].n = 2;
			ntags++;
			break;
		case 'h':
			return cmd_help(env);
		default:
			return cmd_usage(env);
		}
	}
	if (optind != argc - 1)
		return cmd_usage(env);

	cmd_path(env, "key", path, sizeof(path));
	if (key_load(path, sk) != ERR_OK)
		return 1;
	memset(&ev, 0, sizeof(ev));
	ev.created_at = env->now;
	ev.kind = (uint32_t)kind;
	ev.tags = tags;
	ev.ntags = ntags;
	ev.content.p = argv[optind];
	ev.content.n = strlen(argv[optind]);
	buf_init(&tmp, 0);
	buf_init(&json, 0);
	ingest_ctx_init(&ctx);
	e = event_sign(&ev, sk, &tmp);
	explicit_bzero(sk, sizeof(sk));
	if (e != ERR_OK) {
		cmd_err("post", e);
		goto done;
	}
	event_write_json(&ev, &json);
	if (cmd_store_open(env, 0, false, &st) != ERR_OK)
		goto done;
	/* The note goes in exactly as an event from the network would. */
	memset(&pol, 0, sizeof(pol));
	ctx.src = &post_src;
	e = ingest_one(&ctx, &pol, st, json.p, json.len, env->now, NULL);
	if (!ingest_accepted(e)) {
		cmd_err("post", e);
		goto done;
	}
	printf("%s\n", json.p);
	rc = 0;
done:
	store_close(st);
	ingest_ctx_free(&ctx);
	buf_free(&tmp);
	buf_free(&json);
	return rc;
}
