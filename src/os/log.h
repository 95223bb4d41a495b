/*
 * log.h: diagnostics to standard error.  log_warn appends strerror(errno);
 * log_warnx does not.  fatal/fatalx are for start-up and broken invariants
 * only, never for bad input.
 */
#ifndef SAMIZDAT_LOG_H
#define SAMIZDAT_LOG_H

#include <stdarg.h>

extern int	log_verbose;		/* 0 quiet-ish, 1 info, 2 debug */
extern const char *log_procname;

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
