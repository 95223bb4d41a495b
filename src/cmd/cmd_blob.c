/*
 * cmd_blob.c: `samizdat blob put|get|ls` (docs/blobs.md), and the helpers
 * `post --photo` shares (cmd.h): the blob store of the data dir opened
 * with samizdat.conf's limits, and the URL a report's photo goes by.
 * `blob put` keeps a file exactly as it is, as PUT /upload would: a photo
 * that still carries metadata which could identify its photographer is
 * refused unless --keep-metadata, and a file kept with its metadata is an
 * original, never forwarded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob_index.h"
#include "blob_work.h"
#include "cmd.h"
#include "config.h"
#include "hex.h"
#include "key.h"
#include "utc.h"

int
cmd_blobs_open(const struct cmd_env *env, struct store **st,
    struct blobs **b, char *base, size_t basesz)
{
	static struct config cfg;	/* its lists are large: not on the stack */
	struct blob_opts o;
	char	 host[256];
	uint16_t port = 4848;

	if (cmd_config(env, &cfg) != 0)
		return -1;
	if (cmd_store_open(env, 0, false, st) != ERR_OK)
		return -1;
	memset(&o, 0, sizeof(o));
	o.datadir = env->datadir;
	o.max_size = cfg.blob_max_size;
	o.budget = cfg.blob_budget;
	o.keep_metadata = cfg.blob_keep_metadata;
	if (blobs_open(b, *st, &o) != ERR_OK) {
		fprintf(stderr, "samizdat: cannot open the blob store in %s\n",
		    env->datadir);
		store_close(*st);
		*st = NULL;
		return -1;
	}
	(void)config_addr_split(cfg.listen, host, sizeof(host), &port);
	if (base != NULL)
		blob_public_base((const char (*)[1024])cfg.blossom_bridge,
		    cfg.nblossom_bridge, port, base, basesz);
	return 0;
}

void
cmd_blob_refused(const char *what, enum err e, const struct blob_put *p)
{
	char	 why[800];

	err_reason_detail(e, p->detail[0] ? p->detail : NULL, why,
	    sizeof(why));
	fprintf(stderr, "samizdat: %s: %s\n", what, why);
	if (e == ERR_BLOB_METADATA)
		fprintf(stderr, "samizdat: 'samizdat post --photo' removes it "
		    "and keeps the picture; --keep-metadata keeps the file as "
		    "it is, on this node only\n");
}

/* Prints a NIP-92 imeta tag as one JSON array. */
void
cmd_imeta_print(const struct blossom_imeta *m)
{
	char	 f[BLOSSOM_IMETA_FIELDS][BLOSSOM_IMETA_LEN];
	struct buf b;
	size_t	 n = blossom_imeta(m, f), i;

	buf_init(&b, 0);
	buf_puts(&b, "[\"imeta\"");
	for (i = 0; i < n; i++) {
		buf_putc(&b, ',');
		buf_json_str(&b, f[i], strlen(f[i]));
	}
	buf_putc(&b, ']');
	if (!b.err)
		printf("%s\n", b.p);
	buf_free(&b);
}

static int
blob_put_cmd(struct cmd_env *env, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "keep-metadata", no_argument, NULL, 'k' },
		{ "thumb", no_argument, NULL, 't' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};
	struct blossom_imeta m;
	struct blob_put p;
	struct store *st = NULL;
	struct blobs *b = NULL;
	char	 base[1100], url[1300], hex[65], path[4096];
	uint8_t	 sk[32], pk[32];
	bool	 have_key;
	int	 ch, rc = 1;
	enum err e;

	memset(&p, 0, sizeof(p));
	p.role = BLOB_PUBLIC;
	optind = 0;
	while ((ch = cmd_getopt(argc, argv, "hkt", longopts)) > 0) {
		switch (ch) {
		case 'k':
			p.keep_metadata = true;
			break;
		case 't':
			p.role = BLOB_THUMB;
			break;
		}
	}
	if ((ch = cmd_operands(env, ch, argc, 1, 1)) != -1)
		return ch;
	cmd_path(env, "key", path, sizeof(path));
	have_key = key_load(path, sk) == ERR_OK &&
	    crypto_pubkey(sk, pk) == ERR_OK;
	explicit_bzero(sk, sizeof(sk));
	if (cmd_blobs_open(env, &st, &b, base, sizeof(base)) != 0)
		return 1;
	p.owner = have_key ? pk : NULL;	/* this node's own media */
	p.may_evict_own = true;
	p.now = (int64_t)env->now;
	if ((e = blob_put_file(b, argv[optind], &p)) != ERR_OK) {
		cmd_blob_refused(argv[optind], e, &p);
		goto done;
	}
	hex_encode(p.sha256, 32, hex);
	snprintf(url, sizeof(url), "%s/%s.%s", base, hex, media_ext(p.type));
	printf("%s\n", hex);
	memset(&m, 0, sizeof(m));
	m.url = url;
	m.type = p.type;
	memcpy(m.x, p.sha256, 32);
	m.size = p.size;
	m.width = p.width;
	m.height = p.height;
	cmd_imeta_print(&m);
	if (p.role == BLOB_ORIGINAL)
		fprintf(stderr, "samizdat: kept with its metadata, as an "
		    "original: it stays on this node\n");
	rc = 0;
done:
	blobs_close(b);
	store_close(st);
	return rc;
}

/* A hash on the command line: 64 hex, or a URL ending in one. */
static bool
parse_hash(const char *s, uint8_t h[32])
{
	return hex_decode(s, strlen(s), h, 32) ||
	    blobref_url_hash(s, strlen(s), false, h);
}

static int
blob_get_cmd(struct cmd_env *env, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};
	struct blob_info info;
	struct store *st = NULL;
	struct blobs *b = NULL;
	struct buf peers;
	const char *out = NULL;
	char	 chunk[65536];
	uint8_t	 h[32];
	ssize_t	 k;
	int	 ch, fd = -1, ofd = STDOUT_FILENO, rc = 1;
	enum err e;

	optind = 0;
	while ((ch = cmd_getopt(argc, argv, "ho:", longopts)) > 0) {
		switch (ch) {
		case 'o':
			out = optarg;
			break;
		}
	}
	if ((ch = cmd_operands(env, ch, argc, 1, 1)) != -1)
		return ch;
	if (!parse_hash(argv[optind], h)) {
		fprintf(stderr, "samizdat: blob get: '%s' is not a blob's "
		    "hash (64 lowercase hex digits)\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (cmd_blobs_open(env, &st, &b, NULL, 0) != 0)
		return 1;
	if ((e = blob_open(b, h, &fd, &info)) != ERR_OK) {
		buf_init(&peers, 1 << 16);
		if (e == ERR_BLOB_ABSENT)
			(void)blob_holders_json(st, h, &peers);
		fprintf(stderr, "samizdat: blob get: %s%s%s\n", e ==
		    ERR_BLOB_ABSENT ? "photo not on this node" : err_str(e),
		    peers.len > 2 ? "; held by " : "", peers.len > 2 ?
		    peers.p : "");
		buf_free(&peers);
		goto done;
	}
	if (out != NULL && (ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644)) == -1) {
		fprintf(stderr, "samizdat: %s: %s\n", out, strerror(errno));
		goto done;
	}
	if (out == NULL && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "samizdat: blob get: not writing a %s to a "
		    "terminal; use -o FILE\n", media_mime(info.type));
		goto done;
	}
	while ((k = read(fd, chunk, sizeof(chunk))) > 0)
		if (write(ofd, chunk, (size_t)k) != k) {
			fprintf(stderr, "samizdat: blob get: %s\n",
			    strerror(errno));
			goto done;
		}
	rc = k == 0 ? 0 : 1;
done:
	if (fd != -1)
		close(fd);
	if (out != NULL && ofd != -1 && ofd != STDOUT_FILENO &&
	    close(ofd) != 0)
		rc = 1;
	blobs_close(b);
	store_close(st);
	return rc;
}

static int
ls_row(const struct blob_info *i, int64_t at, void *arg)
{
	char	 hex[65], when[32];

	hex_encode(i->sha256, 32, hex);
	utc_text(when, sizeof(when), (int64_t)i->created, true);
	printf("%s %10llu %-15s %-8s %s %s%s\n", hex,
	    (unsigned long long)i->size, i->type != MEDIA_NONE ?
	    media_mime(i->type) : "-", blobref_role_name(i->role), when,
	    i->present ? "here" : i->gone == BLOB_REMOVED ?
	    "removed by its uploader" : i->gone == BLOB_EVICTED ? "evicted" :
	    "not fetched yet", i->own ? ", uploaded here" : "");
	(*(size_t *)arg)++;
	return 0;
}

static int
blob_ls_cmd(struct cmd_env *env, int argc, char **argv)
{
	struct store *st = NULL;
	struct blobs *b = NULL;
	uint64_t bytes = 0, count = 0;
	size_t	 n = 0;
	enum err e;
	int	 rc;

	if ((rc = cmd_no_options(env, argc, argv, 0, 0)) != -1)
		return rc;
	if (cmd_blobs_open(env, &st, &b, NULL, 0) != 0)
		return 1;
	if ((e = blob_each(b, ls_row, &n)) == ERR_OK)
		e = blob_usage(b, &bytes, &count);
	if (e == ERR_OK)
		printf("%llu blobs here, %llu bytes of a budget of %llu; %zu "
		    "known\n", (unsigned long long)count,
		    (unsigned long long)bytes,
		    (unsigned long long)blobs_opts(b)->budget, n);
	blobs_close(b);
	store_close(st);
	if (e != ERR_OK) {
		cmd_err("blob ls", e);
		return 1;
	}
	return 0;
}

int
cmd_blob(struct cmd_env *env, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "put") == 0)
		return blob_put_cmd(env, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "get") == 0)
		return blob_get_cmd(env, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "ls") == 0)
		return blob_ls_cmd(env, argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0))
		return cmd_help(env);
	return cmd_usage(env);
}
