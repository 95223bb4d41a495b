/*
 * disc-demo.c: LAN discovery by hand.  Publishes NPUB on PORT with
 * disc_start, then for SECONDS (or until SIGINT/SIGTERM) prints each
 * result as it is taken, with the time since start:
 *
 *	found <npub> <addr> <port> <version> +<seconds>
 *	gone <npub> +<seconds>
 *
 * The discovery thread wakes the loop through a pipe, as the daemon's
 * loop is woken by lws_cancel_service.  -v shows avahi-core's messages.
 * Usage: disc-demo [-v] NPUB PORT SECONDS
 * Exit status: 0, 1 if discovery could not start, 2 on usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "disc.h"
#include "log.h"

static volatile sig_atomic_t quit;
static int	wake_fd[2] = { -1, -1 };

static void	on_signal(int);
static void	on_wake(void *);
static double	now_sec(void);

int
main(int argc, char *argv[])
{
	struct disc	*d = NULL;
	struct disc_peer p[16];
	struct sigaction sa;
	struct pollfd	 pfd;
	char		 buf[64], *end;
	double		 start, left;
	long		 port, secs;
	size_t		 i, n;
	int		 rc = 1;

	log_procname = "disc-demo";
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		log_verbose = 2;
		argv++;
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: disc-demo [-v] NPUB PORT SECONDS\n");
		return 2;
	}
	port = strtol(argv[2], &end, 10);
	if (*end != '\0' || port < 1 || port > 65535)
		return 2;
	secs = strtol(argv[3], &end, 10);
	if (*end != '\0' || secs < 1)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll must return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (pipe2(wake_fd, O_NONBLOCK | O_CLOEXEC) == -1) {
		log_warn("pipe");
		return 1;
	}
	start = now_sec();
	if (disc_start(&d, argv[1], "demo", (uint16_t)port, on_wake,
	    NULL) == -1)
		goto done;
	pfd.fd = wake_fd[0];
	pfd.events = POLLIN;
	while (!quit && (left = start + secs - now_sec()) > 0) {
		if (poll(&pfd, 1, (int)(left * 1000) + 1) == -1 &&
		    errno != EINTR) {
			log_warn("poll");
			goto done;
		}
		while (read(wake_fd[0], buf, sizeof(buf)) > 0)
			;
		while ((n = disc_take(d, p, 16)) > 0)
			for (i = 0; i < n; i++)
				if (p[i].gone)
					printf("gone %s +%.3f\n", p[i].npub,
					    now_sec() - start);
				else
					printf("found %s %s %u %s +%.3f\n",
					    p[i].npub, p[i].addr, p[i].port,
					    p[i].version, now_sec() - start);
		fflush(stdout);
	}
	rc = 0;
 done:
	disc_stop(d);
	close(wake_fd[0]);
	close(wake_fd[1]);
	return rc;
}

static void
on_signal(int sig)
{
	quit = 1;
}

/* From the discovery thread: a full pipe already means "look". */
static void
on_wake(void *arg)
{
	int	 saved = errno;

	(void)write(wake_fd[1], "w", 1);
	errno = saved;
}

static double
now_sec(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
