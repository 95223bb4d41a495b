/*
 * thread.c: a helper thread's scheduling (thread.h).
 */
#include <sys/resource.h>
#include <errno.h>
#include <unistd.h>

#include "thread.h"

void
thread_nice(int inc)
{
#ifdef __linux__
	int	 now;

	errno = 0;
	now = getpriority(PRIO_PROCESS, (id_t)gettid());
	if (now == -1 && errno != 0)
		return;
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(),
	    now + inc > 19 ? 19 : now + inc);
#else
	(void)inc;
#endif
}
