/*
 * cmd.h: what main.c hands every subcommand, and the subcommands
 * themselves.  Each cmd_*.c is one row of the table in main.c.
 */
#ifndef SAMIZDAT_CMD_H
#define SAMIZDAT_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

#define EXIT_USAGE	2

struct cmd;

struct cmd_env {
	const struct cmd *cmd;		/* the row being run */
	const char	*datadir;	/* resolved, never NULL */
	const char	*argv0;
	uint64_t	 now;
	bool		 verbosity_set;	/* -q or -v was given */
};

struct cmd {
	const char	*name;
	int		(*fn)(struct cmd_env *, int, char **);
	const char	*usage;		/* after "samizdat [-d dir] " */
	const char	*help;		/* one line */
};

extern const struct cmd cmd_table[];

int	cmd_init(struct cmd_env *, int, char **);
int	cmd_key(struct cmd_env *, int, char **);
int	cmd_post(struct cmd_env *, int, char **);
int	cmd_import(struct cmd_env *, int, char **);
int	cmd_export(struct cmd_env *, int, char **);
int	cmd_query(struct cmd_env *, int, char **);
int	cmd_verify(struct cmd_env *, int, char **);
int	cmd_serve(struct cmd_env *, int, char **);
int	cmd_sync(struct cmd_env *, int, char **);
int	cmd_peers(struct cmd_env *, int, char **);
int	cmd_status(struct cmd_env *, int, char **);
int	cmd_mute(struct cmd_env *, int, char **);
int	cmd_unmute(struct cmd_env *, int, char **);
int	cmd_policy(struct cmd_env *, int, char **);
int	cmd_witnesses(struct cmd_env *, int, char **);
int	cmd_vouch(struct cmd_env *, int, char **);
int	cmd_blob(struct cmd_env *, int, char **);
int	cmd_archive(struct cmd_env *, int, char **);

/* Shared helpers (cmd_util.c). */
/*
 * Every subcommand parses its options with cmd_getopt and counts its
 * operands with cmd_operands:
 *
 *	optind = 0;
 *	while ((ch = cmd_getopt(argc, argv, "ho:", longopts)) > 0)
 *		switch (ch) {
 *		case 'o':
 *			...
 *		}
 *	if ((rc = cmd_operands(env, ch, argc, 1, 1)) != -1)
 *		return rc;
 *
 * Each takes -h and --help: "h" in its short options, CMD_OPT_HELP in its
 * long ones.
 */
#define CMD_OPT_HELP	{ "help", no_argument, NULL, 'h' }
/* What cmd_getopt returns once the command's own options are done. */
#define CMD_OPT_END	0	/* no more options */
#define CMD_OPT_HELPED	(-1)	/* -h or --help */
#define CMD_OPT_BAD	(-2)	/* a bad option; getopt_long(3) said why */
/*
 * getopt_long(3), with its end, -h and a bad option told apart from the
 * command's own options.  Returns: the next option of the command's own
 * (> 0), CMD_OPT_END, CMD_OPT_HELPED or CMD_OPT_BAD.
 */
int	cmd_getopt(int argc, char **argv, const char *optstring,
	    const struct option *);
/*
 * Ends option parsing: ch is what cmd_getopt returned last.  Answers -h
 * with cmd_help, and a bad option or a count of operands (argc - optind)
 * outside [min, max] with cmd_usage.  Returns: -1 to go on (argv[optind]
 * is the first operand), or the exit status to return at once.
 */
int	cmd_operands(const struct cmd_env *, int ch, int argc, int min,
	    int max);
/* Prints the command's usage line to stderr.  Returns: EXIT_USAGE. */
int	cmd_usage(const struct cmd_env *);
/* Prints the usage and what the command does to stdout.  Returns: 0. */
int	cmd_help(const struct cmd_env *);
/*
 * For a command without options: parses argv for -h and --help only,
 * then counts the operands as cmd_operands does.  Returns: as
 * cmd_operands.
 */
int	cmd_no_options(const struct cmd_env *, int argc, char **argv,
	    int min, int max);
/* Path of a file in the data dir (static buffer per call site is the caller's). */
void	cmd_path(const struct cmd_env *, const char *file, char *out, size_t sz);
/* Creates the data dir (0700) if needed.  Returns: 0 or -1 (logged). */
int	cmd_mkdatadir(const struct cmd_env *);
/*
 * Opens the store of the data dir.  A missing store is an error unless
 * create is set.  Prints what to do on failure.  Returns: ERR_OK or error.
 */
enum err cmd_store_open(const struct cmd_env *, int flags, bool create,
	    struct store **);
/*
 * Reads the data dir's samizdat.conf over the defaults (a missing file
 * is the defaults).  Prints "samizdat: file:line: reason" on an error.
 * Returns: 0, or -1.
 */
struct config;
int	cmd_config(const struct cmd_env *, struct config *);
/* Makes the node's key if the data dir has none.  Returns: 0 or -1. */
int	cmd_key_ensure(struct cmd_env *);
/*
 * Parses one filter object or an array of them (cmd_export.c).  Returns:
 * the count, or -1 after printing why.
 */
struct filter;
int	cmd_parse_filters(const char *text, struct filter **out);
/* Prints "samizdat: what: reason" for an err code to stderr. */
void	cmd_err(const char *what, enum err e);

/* Blobs (cmd_blob.c), for `blob` and `post --photo`. */
struct blobs;
struct blob_put;
struct blossom_imeta;
/*
 * Opens the store and the blob store of the data dir with samizdat.conf's
 * limits; base (if not NULL) gets the URL base a report's photo goes by.
 * Prints what went wrong.  Returns: 0 or -1.
 */
int	cmd_blobs_open(const struct cmd_env *, struct store **,
	    struct blobs **, char *base, size_t basesz);
/* Prints why a blob was refused (and what to do about metadata). */
void	cmd_blob_refused(const char *what, enum err, const struct blob_put *);
/* Prints a NIP-92 imeta tag as a JSON array on stdout. */
void	cmd_imeta_print(const struct blossom_imeta *);

#endif
