/*
 * key.c: load and save the node key (key.h).  Secrets are wiped from every
 * buffer they pass through.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bech32.h"
#include "crypto.h"
#include "hex.h"
#include "key.h"
#include "log.h"

enum err
key_load(const char *path, uint8_t seckey[32])
{
	char	 line[256];
	struct nip19 n;
	uint8_t	 pub[32];
	size_t	 len;
	ssize_t	 r;
	int	 fd;
	enum err e = ERR_KEY;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			log_warnx("%s: no key; run 'samizdat key new' or "
			    "'samizdat init'", path);
		else
			log_warn("%s", path);
		return ERR_KEY;
	}
	r = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (r < 0) {
		log_warn("%s", path);
		return ERR_KEY;
	}
	line[r] = '\0';
	len = strcspn(line, "\r\n");
	line[len] = '\0';
	memset(&n, 0, sizeof(n));
	if (nip19_decode(line, &n) == 0 && n.type == NIP19_NSEC)
		memcpy(seckey, n.key, 32);
	else if (!hex_decode(line, len, seckey, 32)) {
		log_warnx("%s:1: not a secret key (want nsec1... or 64 hex "
		    "characters)", path);
		goto done;
	}
	if (crypto_pubkey(seckey, pub) != ERR_OK) {
		log_warnx("%s:1: secret key is out of range", path);
		explicit_bzero(seckey, 32);
		goto done;
	}
	e = ERR_OK;
done:
	explicit_bzero(line, sizeof(line));
	explicit_bzero(&n, sizeof(n));
	return e;
}

enum err
key_save(const char *path, const uint8_t seckey[32], bool force)
{
	char	 tmp[4200], line[128];
	struct nip19 n;
	size_t	 len;
	int	 fd;
	enum err e = ERR_IO;

	if (!force && access(path, F_OK) == 0) {
		log_warnx("%s: a key exists already; keeping it (use --force "
		    "to replace it, which changes this node's identity)", path);
		return ERR_KEY;
	}
	memset(&n, 0, sizeof(n));
	n.type = NIP19_NSEC;
	memcpy(n.key, seckey, 32);
	if (nip19_encode(&n, line, sizeof(line) - 1) != 0) {
		explicit_bzero(&n, sizeof(n));
		return ERR_KEY;
	}
	explicit_bzero(&n, sizeof(n));
	len = strlen(line);
	line[len++] = '\n';
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1) {
		log_warn("%s", tmp);
		goto done;
	}
	if (write(fd, line, len) != (ssize_t)len || fsync(fd) == -1) {
		log_warn("%s", tmp);
		close(fd);
		unlink(tmp);
		goto done;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		log_warn("%s", path);
		unlink(tmp);
		goto done;
	}
	e = ERR_OK;
done:
	explicit_bzero(line, sizeof(line));
	return e;
}
