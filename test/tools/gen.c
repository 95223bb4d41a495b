/*
 * gen.c: writes N signed, deterministic Nostr events as JSON lines, for the
 * end-to-end tests and the benchmarks.  Usage: gen N [seed [t0]]
 * (t0: the first created_at, 2022-01-03 by default).
 *
 * Events look like a busy local feed: 200 authors, mostly kind 1 notes of
 * 20 to 300 characters (some Cyrillic, some emoji), hashtags, replies that
 * reference earlier events and people, reactions, a few profile updates.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "event.h"
#include "hex.h"

#define AUTHORS	200

static uint64_t rng;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

static const char *words[] = {
	"internet", "down", "since", "morning", "police", "square", "Almaty",
	"Astana", "bread", "queue", "pharmacy", "open", "closed", "bridge",
	"road", "blocked", "people", "march", "hospital", "need", "help",
	"water", "power", "back", "news", "radio", "says", "curfew", "at",
	"the", "near", "market", "school", "stay", "safe",
	"\xd0\xb8\xd0\xbd\xd1\x82\xd0\xb5\xd1\x80\xd0\xbd\xd0\xb5\xd1\x82",
	"\xd0\xbb\xd1\x8e\xd0\xb4\xd0\xb8",
	"\xd2\x9b\xd0\xb0\xd0\xbb\xd0\xb0", "\xf0\x9f\x93\xa2", "\"quoted\"",
};
static const char *hashtags[] = { "news", "almaty", "help", "medical",
	"roads", "kz" };

int
main(int argc, char *argv[])
{
	uint8_t	 sk[AUTHORS][32], aux[32], (*ids)[32];
	struct buf content, out, tmp;
	struct tag tags[5];
	struct str tv[5][2];
	char	 idhex[5][65];
	const char *blobs = getenv("GEN_BLOBS");
	unsigned long media = getenv("GEN_MEDIA") ? strtoul(getenv("GEN_MEDIA"),
	    NULL, 10) : 0, step = 0, made = 0;
	struct event ev;
	unsigned long n, i, j;
	uint64_t t0 = 1641168000;	/* 2022-01-03 */

	if (argc < 2 || (n = strtoul(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: gen N [seed [t0]]\n");
		return 2;
	}
	rng = argc > 2 ? strtoull(argv[2], NULL, 10) * 2654435761u + 1 :
	    88172645463325252ULL;
	if (argc > 3)
		t0 = strtoull(argv[3], NULL, 10);
	if (crypto_init() != 0 || (ids = calloc(n, 32)) == NULL)
		return 1;
	for (i = 0; i < AUTHORS; i++) {
		memset(sk[i], 0, 32);
		sk[i][0] = 0x5a;
		sk[i][30] = (uint8_t)(i >> 8);
		sk[i][31] = (uint8_t)(i + 1);
	}
	buf_init(&content, 0);
	buf_init(&out, 0);
	buf_init(&tmp, 0);
	if (media > 0 && blobs != NULL)
		step = n / media > 0 ? n / media : 1;
	for (i = 0; i < n; i++) {
		uint32_t who = rnd(AUTHORS), len = 20 + rnd(280), r = rnd(100);
		size_t	 nt = 0;

		memset(&ev, 0, sizeof(ev));
		buf_reset(&content);
		ev.kind = 1;
		ev.created_at = t0 + i * 3 + rnd(5);
		if (r < 10 && i > 0) {
			ev.kind = 7;
			buf_puts(&content, rnd(2) ? "+" : "\xf0\x9f\x99\x8f");
		} else if (r < 12) {
			ev.kind = 0;
			buf_printf(&content, "{\"name\":\"witness %u\"}", who);
		} else {
			while (content.len < len)
				buf_printf(&content, "%s%s", content.len ? " " :
				    "", words[rnd(sizeof(words) /
				    sizeof(words[0]))]);
		}
		if (ev.kind != 0 && rnd(3) == 0) {
			tv[nt][0] = (struct str){ "t", 1 };
			tv[nt][1].p = hashtags[rnd(6)];
			tv[nt][1].n = strlen(tv[nt][1].p);
			nt++;
		}
		if ((ev.kind == 7 || rnd(4) == 0) && i > 0) {
			hex_encode(ids[rnd((uint32_t)i)], 32, idhex[nt]);
			tv[nt][0] = (struct str){ "e", 1 };
			tv[nt][1] = (struct str){ idhex[nt], 64 };
			nt++;
		}
		if (rnd(5) == 0) {
			uint8_t	 pk[32];

			crypto_pubkey(sk[rnd(AUTHORS)], pk);
			hex_encode(pk, 32, idhex[nt]);
			tv[nt][0] = (struct str){ "p", 1 };
			tv[nt][1] = (struct str){ idhex[nt], 64 };
			nt++;
		}
		if (step > 0 && ev.kind == 1 && made < media && i >= made * step) {
			uint8_t	 photo[2048], h[32];
			char	 path[4096];
			FILE	*f;

			for (j = 0; j < sizeof(photo); j++)
				photo[j] = (uint8_t)(j * 31 + made * 7 + (j >> 8));
			memcpy(photo, &made, sizeof(made));
			crypto_sha256(photo, sizeof(photo), h);
			hex_encode(h, 32, idhex[nt]);
			snprintf(path, sizeof(path), "%s/%.2s", blobs, idhex[nt]);
			mkdir(path, 0755);
			snprintf(path, sizeof(path), "%s/%.2s/%.64s", blobs,
			    idhex[nt], idhex[nt]);
			if ((f = fopen(path, "wb")) == NULL ||
			    fwrite(photo, 1, sizeof(photo), f) != sizeof(photo) ||
			    fclose(f) != 0)
				return 1;
			tv[nt][0] = (struct str){ "x", 1 };
			tv[nt][1] = (struct str){ idhex[nt], 64 };
			nt++;
			made++;
		}
		for (j = 0; j < nt; j++) {
			tags[j].v = tv[j];
			tags[j].n = 2;
		}
		ev.tags = tags;
		ev.ntags = nt;
		ev.content.p = content.p;
		ev.content.n = content.len;
		crypto_pubkey(sk[who], ev.pubkey);
		event_compute_id(&ev, &tmp, ev.id);
		for (j = 0; j < 32; j++)
			aux[j] = (uint8_t)rnd(256);
		if (crypto_sign(sk[who], ev.id, 32, aux, ev.sig) != ERR_OK)
			return 1;
		memcpy(ids[i], ev.id, 32);
		buf_reset(&out);
		event_write_json(&ev, &out);
		buf_putc(&out, '\n');
		if (fwrite(out.p, 1, out.len, stdout) != out.len)
			return 1;
	}
	buf_free(&content);
	buf_free(&out);
	buf_free(&tmp);
	free(ids);
	crypto_free();
	return fflush(stdout) == 0 ? 0 : 1;
}
