/*
 * thread.h: how a helper thread asks to be scheduled.
 */
#ifndef SAMIZDAT_THREAD_H
#define SAMIZDAT_THREAD_H

/*
 * The nice value a verify worker adds to the process's: on a machine with
 * as many workers as cores, the one thread that stores in order (the
 * import's writer) must not get only its fair share of
 * a core, or it becomes the whole pipeline's pace while the workers wait
 * for free slots (docs/architecture.md, "Import pipeline").
 */
#define THREAD_WORKER_NICE	5

/*
 * Raises the calling thread's nice value by inc (at most to 19), so that
 * on a busy core the threads at the process's own value run first.  The
 * rest of the process is left as it is: Linux keeps a nice value per
 * thread.  Best effort: elsewhere, or when refused, nothing changes.
 */
void	thread_nice(int inc);

#endif
