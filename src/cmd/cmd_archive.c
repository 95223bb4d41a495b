/*
 * cmd_archive.c: `samizdat archive` (docs/archive.md): write an evidence
 * archive from the store (store/archive_write.c), check one offline
 * (os/archive_verify.c), open one sealed for this node's key.
 *
 *   archive [--filter JSON] [--tar] [--for NPUB] OUT
 *   archive verify [--node NPUB] [--roots FILE] ARCHIVE
 *   archive open SEALED OUT.tar
 *   archive extract ARCHIVE ID OUT
 *   archive root [--now]
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive_io.h"
#include "archive_verify.h"
#include "archive_write.h"
#include "bech32.h"
#include "cmd.h"
#include "filter.h"
#include "hex.h"
#include "key.h"
#include "progress.h"
#include "store_root.h"

static int
parse_npub(const char *s, uint8_t pk[32])
{
	struct nip19 n;

	if (nip19_decode(s, &n) == 0 && n.type == NIP19_NPUB) {
		memcpy(pk, n.key, 32);
		return 0;
	}
	if (strlen(s) == 64 && hex_decode(s, 64, pk, 32))
		return 0;
	fprintf(stderr, "samizdat: archive: %s is not an npub\n", s);
	return -1;
}

static void
on_progress(void *arg, const char *what, uint64_t n)
{
	progress_update(arg, what, n, strcmp(what, "media") == 0 ? "files" :
	    "custody lines", NULL);
}

static int
run_write(struct cmd_env *env, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "filter", required_argument, NULL, 'f' },
		{ "for", required_argument, NULL, 'F' },
		{ "tar", no_argument, NULL, 't' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};
	struct archive_opts o;
	struct manifest m;
	struct progress prog;
	struct store *st = NULL;
	struct filter *f = NULL;
	struct stat sb;
	char	 path[4096], blobs[4096], err[1024], npub[100], root[65];
	const char *ftext = NULL;
	uint8_t	 sk[32], to[32];
	bool	 tar = false, sealed = false;
	int	 ch, n = 0, i, rc = 1;

	optind = 0;
	while ((ch = cmd_getopt(argc, argv, "h", longopts)) > 0) {
		switch (ch) {
		case 'f':
			ftext = optarg;
			break;
		case 'F':
			if (parse_npub(optarg, to) != 0)
				return EXIT_USAGE;
			sealed = true;
			break;
		case 't':
			tar = true;
			break;
		}
	}
	if ((ch = cmd_operands(env, ch, argc, 1, 1)) != -1)
		return ch;
	if (ftext != NULL && (n = cmd_parse_filters(ftext, &f)) < 0)
		return 1;
	cmd_path(env, "key", path, sizeof(path));
	if (key_load(path, sk) != ERR_OK)
		goto done;
	if (cmd_store_open(env, STORE_RDONLY, false, &st) != ERR_OK)
		goto done;
	cmd_path(env, "blobs", blobs, sizeof(blobs));
	memset(&o, 0, sizeof(o));
	o.out = argv[optind];
	o.kind = sealed ? ARCHIVE_SEALED : tar ? ARCHIVE_TAR : ARCHIVE_DIR;
	o.for_pk = sealed ? to : NULL;
	o.f = f;
	o.nf = (size_t)n;
	o.filter_text = ftext;
	o.sk = sk;
	o.blobs = stat(blobs, &sb) == 0 && S_ISDIR(sb.st_mode) ? blobs : NULL;
	o.now = env->now;
	o.progress = on_progress;
	progress_init(&prog);
	o.arg = &prog;
	rc = archive_write(st, &o, &m, err, sizeof(err)) == 0 ? 0 : 1;
	progress_end(&prog);
	explicit_bzero(sk, sizeof(sk));
	if (rc != 0)
		fprintf(stderr, "samizdat: archive: %s\n", err);
	else {
		nip19_npub(m.node, npub, sizeof(npub));
		hex_encode(m.root, 32, root);
		root[64] = '\0';
		printf("%s: %llu events, %llu custody lines (%llu stubs), "
		    "%llu media files (%llu named, not held)\nroot %s, signed "
		    "by %s\n", o.out, (unsigned long long)m.events,
		    (unsigned long long)m.custody, (unsigned long long)m.stubs,
		    (unsigned long long)m.media_held,
		    (unsigned long long)m.media_missing, root, npub);
	}
	manifest_free(&m);
done:
	explicit_bzero(sk, sizeof(sk));
	store_close(st);
	for (i = 0; i < n; i++)
		filter_free(&f[i]);
	free(f);
	return rc;
}

static void
say_problem(void *arg, const char *msg)
{
	printf("FAIL %s\n", msg);
}

static void
say_note(void *arg, const char *msg)
{
	printf("%s\n", msg);
}

static int
run_verify(struct cmd_env *env, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "roots", required_argument, NULL, 'r' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};
	const char *roots = NULL;
	struct averify v;
	struct asrc *s = NULL;
	enum asrc_kind kind;
	uint8_t	 node[32];
	bool	 have_node = false;
	char	 err[1024], npub[100], root[65];
	uint64_t bad;
	int	 ch;

	optind = 0;
	while ((ch = cmd_getopt(argc, argv, "h", longopts)) > 0) {
		switch (ch) {
		case 'n':
			if (parse_npub(optarg, node) != 0)
				return EXIT_USAGE;
			have_node = true;
			break;
		case 'r':
			roots = optarg;
			break;
		}
	}
	if ((ch = cmd_operands(env, ch, argc, 1, 1)) != -1)
		return ch;
	if (asrc_open(&s, argv[optind], &kind, err, sizeof(err)) != ERR_OK) {
		printf("FAIL %s\n", err);
		return 1;
	}
	if (kind == ASRC_SEALED) {
		printf("FAIL %s is sealed for one key: open it first with "
		    "`samizdat archive open %s OUT.tar` on the node of that "
		    "key\n", argv[optind], argv[optind]);
		return 1;
	}
	memset(&v, 0, sizeof(v));
	v.expect = have_node ? node : NULL;
	v.roots_file = roots;
	v.say = say_problem;
	v.note = say_note;
	bad = archive_verify(s, &v);
	asrc_close(s);
	if (bad == 0 && v.extract) {
		nip19_npub(v.signer, npub, sizeof(npub));
		hex_encode(v.m.root, 32, root);
		root[64] = '\0';
		printf("OK %s: an extract, every item proven against root %s, "
		    "signed by %s\n", argv[optind], root, npub);
	} else if (bad == 0) {
		nip19_npub(v.signer, npub, sizeof(npub));
		hex_encode(v.m.root, 32, root);
		root[64] = '\0';
		printf("OK %s: %llu events, %llu custody lines, %llu media "
		    "files, root %s, signed by %s\n", argv[optind],
		    (unsigned long long)v.w.events,
		    (unsigned long long)v.w.custody,
		    (unsigned long long)v.w.media_held, root, npub);
	} else
		printf("%s: %llu problem%s\n", argv[optind],
		    (unsigned long long)bad, bad == 1 ? "" : "s");
	averify_free(&v);
	return bad == 0 ? 0 : 1;
}

static int
run_open(struct cmd_env *env, int argc, char **argv)
{
	char	 path[4096], err[1024], tmp[4200];
	uint8_t	 sk[32];
	int	 fd, rc;

	if ((rc = cmd_no_options(env, argc, argv, 2, 2)) != -1)
		return rc;
	cmd_path(env, "key", path, sizeof(path));
	if (key_load(path, sk) != ERR_OK)
		return 1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[optind + 1]);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1) {
		fprintf(stderr, "samizdat: %s: %s\n", tmp, strerror(errno));
		explicit_bzero(sk, sizeof(sk));
		return 1;
	}
	rc = archive_unseal(argv[optind], sk, fd, err, sizeof(err));
	explicit_bzero(sk, sizeof(sk));
	if (rc == 0 && fsync(fd) != 0)
		rc = -1;
	close(fd);
	if (rc == 0 && rename(tmp, argv[optind + 1]) != 0)
		rc = -1;
	if (rc != 0) {
		unlink(tmp);
		fprintf(stderr, "samizdat: archive open: %s\n", err[0] ? err :
		    strerror(errno));
		return 1;
	}
	printf("%s: the tar inside; check it with `samizdat archive verify "
	    "%s`\n", argv[optind + 1], argv[optind + 1]);
	return 0;
}

static int
run_extract(struct cmd_env *env, int argc, char **argv)
{
	struct averify v;
	struct asrc *s = NULL;
	struct nip19 n19;
	enum asrc_kind kind;
	uint8_t	 id[32];
	char	 err[1024] = "";
	int	 rc;

	if ((rc = cmd_no_options(env, argc, argv, 3, 3)) != -1)
		return rc;
	if (!(strlen(argv[optind + 1]) == 64 && hex_decode(argv[optind + 1],
	    64, id, 32))) {
		if (nip19_decode(argv[optind + 1], &n19) != 0 ||
		    (n19.type != NIP19_NOTE && n19.type != NIP19_NEVENT)) {
			fprintf(stderr, "samizdat: archive extract: %s is not "
			    "an event id\n", argv[optind + 1]);
			return EXIT_USAGE;
		}
		memcpy(id, n19.key, 32);
	}
	if (asrc_open(&s, argv[optind], &kind, err, sizeof(err)) != ERR_OK ||
	    kind == ASRC_SEALED) {
		fprintf(stderr, "samizdat: archive extract: %s\n", err[0] ? err :
		    "a sealed archive: open it first");
		asrc_close(s);
		return 1;
	}
	memset(&v, 0, sizeof(v));
	if (archive_verify(s, &v) != 0 || v.extract) {
		fprintf(stderr, "samizdat: archive extract: %s does not verify"
		    " (samizdat archive verify says why)\n", argv[optind]);
		rc = 1;
	} else if (archive_extract(s, &v.m, id, argv[optind + 2], err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "samizdat: archive extract: %s\n", err);
		rc = 1;
	} else {
		printf("%s: the report, its marks, custody, media and proof; "
		    "check it with `samizdat archive verify %s`\n",
		    argv[optind + 2], argv[optind + 2]);
		rc = 0;
	}
	averify_free(&v);
	asrc_close(s);
	return rc;
}

static void
print_root(void *arg, const struct custody_root *r, const char *json,
    size_t len)
{
	char	 day[11], chain[65];

	custody_day_str(r->day, day);
	hex_encode(r->chain, 32, chain);
	printf("%.*s\n", (int)len, json);
	fprintf(stderr, "custody: %s root of %s: %llu lines, chain %s\n",
	    custody_root_closed(r) ? "the" : "a running", day,
	    (unsigned long long)r->seq, chain);
}

/*
 * The custody roots the daemon makes once a day (store_root.h), now: of
 * the ended days not yet published and, with --now, of the log as it is.
 */
static int
run_root(struct cmd_env *env, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "now", no_argument, NULL, 'n' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};
	struct store *st = NULL;
	char	 path[4096];
	uint8_t	 sk[32];
	size_t	 made = 0;
	bool	 now = false, running = false;
	int	 ch, rc = 1;
	enum err e;

	optind = 0;
	while ((ch = cmd_getopt(argc, argv, "h", longopts)) > 0) {
		switch (ch) {
		case 'n':
			now = true;
			break;
		}
	}
	if ((ch = cmd_operands(env, ch, argc, 0, 0)) != -1)
		return ch;
	cmd_path(env, "key", path, sizeof(path));
	if (key_load(path, sk) != ERR_OK)
		return 1;
	if (cmd_store_open(env, 0, false, &st) != ERR_OK)
		goto done;
	e = store_root_close(st, sk, env->now, print_root, NULL, &made);
	if (e == ERR_OK && now)
		e = store_root_running(st, sk, env->now, print_root, NULL,
		    &running);
	if (e != ERR_OK) {
		cmd_err("archive root", e);
		goto done;
	}
	if (made == 0 && !running)
		fprintf(stderr, "custody: no root to make (%s)\n", now ?
		    "the custody log is empty" : "no ended day has lines that "
		    "the roots made do not cover; --now makes one of the log "
		    "as it is");
	rc = 0;
done:
	explicit_bzero(sk, sizeof(sk));
	store_close(st);
	return rc;
}

int
cmd_archive(struct cmd_env *env, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "root") == 0)
		return run_root(env, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "extract") == 0)
		return run_extract(env, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return run_verify(env, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "open") == 0)
		return run_open(env, argc - 1, argv + 1);
	return run_write(env, argc, argv);
}
