/*
 * cmd_post.c: `samizdat post`: sign a note with this node's key and send
 * it through the one ingest path like any other event.  With --photo, each
 * file is stripped of its metadata losslessly (media_strip: the picture
 * and video data byte for byte the same), the stripped copy is kept as a
 * blob of this node's, and the note carries its URL and a NIP-92 imeta
 * tag with x (the stripped copy), ox (the file as it was), size and dim
 * (docs/blobs.md).  No thumbnail is made: C cannot re-encode a JPEG
 * without a codec library, and the thumbnail inside a photo's EXIF is
 * exactly what must not travel (it can show what the photographer
 * cropped out); the page makes thumbnails on the phone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob_index.h"
#include "cmd.h"
#include "crypto.h"
#include "event.h"
#include "hex.h"
#include "ingest.h"
#include "key.h"

#define POST_MAX_TAGS	64
#define POST_MAX_PHOTOS	4

/* One photo's imeta tag and URL, kept while the note is built. */
struct photo {
	const char	*file;
	const char	*alt;
	char		 f[BLOSSOM_IMETA_FIELDS][BLOSSOM_IMETA_LEN];
	struct str	 v[BLOSSOM_IMETA_FIELDS + 1];
	char		 url[1300];
};

/* Reads a whole file of at most max bytes.  Returns: 0 or -1 (said). */
static int
read_file(const char *path, uint64_t max, struct buf *out)
{
	char	 chunk[65536];
	ssize_t	 k;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "samizdat: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf_init(out, (size_t)max);
	while ((k = read(fd, chunk, sizeof(chunk))) > 0)
		buf_append(out, chunk, (size_t)k);
	close(fd);
	if (k < 0 || out->err) {
		fprintf(stderr, "samizdat: %s: %s\n", path, k < 0 ?
		    strerror(errno) : "larger than blob_max_size");
		buf_free(out);
		return -1;
	}
	return 0;
}

/*
 * Strips a photo, keeps the stripped copy, fills its imeta tag.
 * Returns: 0, or -1 (said why).
 */
static int
photo_add(struct blobs *b, const char *base, const uint8_t *owner,
    uint64_t now, struct photo *ph, struct tag *t)
{
	struct blossom_imeta m;
	struct media_info mi;
	struct blob_put p;
	struct buf in, out, words;
	uint8_t	 ox[32];
	char	 hex[65];
	size_t	 n, i;
	enum err e;

	if (read_file(ph->file, blobs_opts(b)->max_size, &in) != 0)
		return -1;
	crypto_sha256(in.p, in.len, ox);
	buf_init(&out, in.len + 4096);
	if ((e = media_strip((const uint8_t *)in.p, in.len, in.len, &out,
	    &mi)) != ERR_OK) {
		memset(&p, 0, sizeof(p));
		snprintf(p.detail, sizeof(p.detail), "%s", mi.detail ?
		    mi.detail : "");
		cmd_blob_refused(ph->file, e, &p);
		goto bad;
	}
	buf_init(&words, 1024);
	media_removed_write(&mi, &words);
	fprintf(stderr, "samizdat: %s: %s%s\n", ph->file, words.len > 0 ?
	    "removed " : "no metadata to remove", words.len > 0 ? words.p :
	    "");
	buf_free(&words);
	memset(&p, 0, sizeof(p));
	p.owner = owner;
	p.may_evict_own = true;
	p.role = BLOB_PUBLIC;
	p.now = (int64_t)now;
	if ((e = blob_put_mem(b, out.p, out.len, &p)) != ERR_OK) {
		cmd_blob_refused(ph->file, e, &p);
		goto bad;
	}
	hex_encode(p.sha256, 32, hex);
	snprintf(ph->url, sizeof(ph->url), "%s/%s.%s", base, hex,
	    media_ext(p.type));
	memset(&m, 0, sizeof(m));
	m.url = ph->url;
	m.type = p.type;
	memcpy(m.x, p.sha256, 32);
	m.ox = ox;
	m.size = p.size;
	m.width = p.width;
	m.height = p.height;
	m.alt = ph->alt;
	if ((n = blossom_imeta(&m, ph->f)) == 0) {
		fprintf(stderr, "samizdat: %s: the imeta tag is too long\n",
		    ph->file);
		goto bad;
	}
	ph->v[0] = (struct str){ "imeta", 5 };
	for (i = 0; i < n; i++)
		ph->v[i + 1] = (struct str){ ph->f[i], strlen(ph->f[i]) };
	t->v = ph->v;
	t->n = n + 1;
	buf_free(&in);
	buf_free(&out);
	return 0;
bad:
	buf_free(&in);
	buf_free(&out);
	return -1;
}

static const struct custody_src post_src = { CUSTODY_POST, "" };

int
cmd_post(struct cmd_env *env, int argc, char **argv)
{
	struct tag tags[POST_MAX_TAGS + POST_MAX_PHOTOS];
	struct str vals[POST_MAX_TAGS][2];
	static struct photo photos[POST_MAX_PHOTOS];
	struct blobs *blobs = NULL;
	struct buf content;
	char	 base[1100];
	uint8_t	 pk[32];
	size_t	 nphotos = 0, i, nidx;
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
		{ "photo", required_argument, NULL, 'p' },
		{ "alt", required_argument, NULL, 'a' },
		CMD_OPT_HELP,
		{ NULL, 0, NULL, 0 }
	};

	optind = 0;
	while ((ch = cmd_getopt(argc, argv, "hk:t:", longopts)) > 0) {
		switch (ch) {
		case 'p':
			if (nphotos == POST_MAX_PHOTOS) {
				fprintf(stderr, "samizdat: post: at most %d "
				    "photos\n", POST_MAX_PHOTOS);
				return EXIT_USAGE;
			}
			memset(&photos[nphotos], 0, sizeof(photos[0]));
			photos[nphotos++].file = optarg;
			break;
		case 'a':
			if (nphotos == 0) {
				fprintf(stderr, "samizdat: post: --alt "
				    "describes the --photo before it\n");
				return EXIT_USAGE;
			}
			photos[nphotos - 1].alt = optarg;
			break;
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
		}
	}
	if ((ch = cmd_operands(env, ch, argc, 1, 1)) != -1)
		return ch;

	cmd_path(env, "key", path, sizeof(path));
	if (key_load(path, sk) != ERR_OK)
		return 1;
	buf_init(&tmp, 0);
	buf_init(&json, 0);
	buf_init(&content, EVENT_MAX_CONTENT);
	ingest_ctx_init(&ctx);
	buf_puts(&content, argv[optind]);
	if (nphotos > 0) {
		if (crypto_pubkey(sk, pk) != ERR_OK ||
		    cmd_blobs_open(env, &st, &blobs, base, sizeof(base)) != 0)
			goto done;
		for (i = 0; i < nphotos; i++) {
			if (photo_add(blobs, base, pk, env->now, &photos[i],
			    &tags[ntags]) != 0)
				goto done;
			ntags++;
			/* Standard clients show the URL in the content. */
			buf_printf(&content, "%s%s", content.len > 0 ? "\n" :
			    "", photos[i].url);
		}
	}
	memset(&ev, 0, sizeof(ev));
	ev.created_at = env->now;
	ev.kind = (uint32_t)kind;
	ev.tags = tags;
	ev.ntags = ntags;
	ev.content.p = content.p != NULL ? content.p : "";
	ev.content.n = content.len;
	e = event_sign(&ev, sk, &tmp);
	explicit_bzero(sk, sizeof(sk));
	if (e != ERR_OK) {
		cmd_err("post", e);
		goto done;
	}
	event_write_json(&ev, &json);
	if (st == NULL && cmd_store_open(env, 0, false, &st) != ERR_OK)
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
	/* Its photos are known to be referenced at once (status, sticks). */
	if (nphotos > 0)
		(void)blob_index(st, (int64_t)env->now, 1000, &nidx);
	rc = 0;
done:
	explicit_bzero(sk, sizeof(sk));
	blobs_close(blobs);
	buf_free(&content);
	store_close(st);
	ingest_ctx_free(&ctx);
	buf_free(&tmp);
	buf_free(&json);
	return rc;
}
