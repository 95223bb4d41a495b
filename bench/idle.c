/*
 * idle.c: a program that only waits until it is killed.  bench/cross.sh
 * builds it static with the cross compiler and runs it under the same
 * qemu-user as samizdat, to tell what qemu itself costs in memory.
 */
#include <unistd.h>

int
main(void)
{
	for (;;)
		pause();
}
