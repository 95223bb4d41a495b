/*
 * config_doc.c: what is written from the CONFIG_MAP table of config.h --
 * the effective configuration (`samizdat serve --check-config`), the
 * NIP-11 limitation object and the samizdat.conf(5) page, each into a
 * capped buffer (buf.h) that the caller writes out.  Pure.  Callers:
 * cmd_serve.c, test/unit/test-config.c, test/tools/confdoc.c and
 * fuzz/fuzz-config.c.
 */
#include <inttypes.h>
#include <stdio.h>	/* snprintf */
#include <string.h>

#include "buf.h"
#include "config.h"
#include "config_int.h"

static void	 man_text(struct buf *, const char *);

/* Writes s in double quotes with the two escapes the parser knows. */
static void
put_quoted(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/* The type, range and default of a row in words, for config_print. */
static void
describe(const struct config_row *r, char *out, size_t outsz)
{
	const char *nip11 = r->nip11 ? "; in NIP-11 limitation" : "";

	switch (r->type) {
	case CONFIG_T_UINT:
		snprintf(out, outsz, "number from %" PRIu64 " to %" PRIu64
		    "; default %s%s", r->min, r->max, r->dflt, nip11);
		break;
	case CONFIG_T_BOOL:
		snprintf(out, outsz, "true or false; default %s", r->dflt);
		break;
	case CONFIG_T_STR:
	case CONFIG_T_ADDR:
		snprintf(out, outsz, "%s of at most %" PRIu64 " bytes; "
		    "default %s%s%s", r->type == CONFIG_T_ADDR ? "host:port" :
		    "text", r->max, r->dflt[0] ? "\"" : "empty", r->dflt,
		    r->dflt[0] ? "\"" : "");
		break;
	case CONFIG_T_PUBKEY:
		snprintf(out, outsz, "64 lowercase hex characters or empty; "
		    "default empty");
		break;
	case CONFIG_T_LIST:
		snprintf(out, outsz, "text of at most %" PRIu64 " bytes; may "
		    "be given up to %d times; default none", r->max,
		    CONFIG_LIST_MAX);
		break;
	}
}

int
config_print(const struct config *cfg, struct buf *b)
{
	const struct config_row *r;
	char	 desc[256];
	size_t	 i, n;

	buf_puts(b, "# samizdat.conf: the effective configuration; "
	    "see samizdat.conf(5).\n");
	for (r = config_rows; r < config_rows + CONFIG_KEY__COUNT; r++) {
		describe(r, desc, sizeof(desc));
		buf_printf(b, "\n# %s\n# %s\n", r->doc, desc);
		switch (r->type) {
		case CONFIG_T_UINT:
			buf_printf(b, "%s = %" PRIu64 "\n", r->name,
			    config_uint_value(cfg, r));
			break;
		case CONFIG_T_BOOL:
			buf_printf(b, "%s = %s\n", r->name,
			    config_bool_value(cfg, r) ? "true" : "false");
			break;
		default:
			if ((n = config_count_value(cfg, r)) == 0)
				buf_printf(b, "# (no %s is set)\n", r->name);
			for (i = 0; i < n; i++) {
				buf_printf(b, "%s = ", r->name);
				put_quoted(b, config_str_value(cfg, r, i));
				buf_putc(b, '\n');
			}
			break;
		}
	}
	if (b->err)
		return -1;
	return 0;
}

void
config_nip11_limitation(const struct config *cfg, struct buf *b)
{
	const struct config_row *r;
	bool	 first = true;

	buf_putc(b, '{');
	for (r = config_rows; r < config_rows + CONFIG_KEY__COUNT; r++) {
		if (!r->nip11 || r->type != CONFIG_T_UINT ||
		    config_uint_value(cfg, r) == 0)
			continue;
		if (!first)
			buf_putc(b, ',');
		first = false;
		buf_json_str(b, r->name, strlen(r->name));
		buf_putc(b, ':');
		buf_u64(b, config_uint_value(cfg, r));
	}
	buf_putc(b, '}');
}

/*
 * The fixed parts of samizdat.conf(5).  The key list between them comes
 * from CONFIG_MAP; the syntax told here is what load_line accepts.
 */
static const char *const man_head[] = {
	".\\\" samizdat.conf.5: written by test/tools/confdoc from the key",
	".\\\" table in src/config.h; change src/config.[ch], not this file.",
	".Dd November 26, 2026",
	".Dt SAMIZDAT.CONF 5",
	".Os",
	".Sh NAME",
	".Nm samizdat.conf",
	".Nd samizdat relay configuration file",
	".Sh DESCRIPTION",
	"The",
	".Nm",
	"file in the data directory configures the relay that the",
	".Cm serve",
	"command of",
	".Xr samizdat 1",
	"runs.",
	"When the file is missing every key takes its default.",
	"Command-line options such as",
	".Fl -listen",
	"override the file, and",
	".Ic samizdat serve Fl -check-config",
	"prints the configuration that results, in the syntax of this file, and exits.",
	".Pp",
	"Each line is empty, a comment, or a key followed by its value:",
	".Bd -literal -offset indent",
	"key = value",
	"key value",
	".Ed",
	".Pp",
	"The equals sign is optional.",
	"Spaces and tabs around the key, the equals sign and the value are ignored,",
	"and so is a carriage return before the newline.",
	"A",
	".Ql #",
	"starts a comment that runs to the end of the line.",
	"A value may be put in double quotes to keep a",
	".Ql # ,",
	"leading or trailing spaces, or nothing at all; inside the quotes",
	".Ql \\e\\(dq",
	"stands for a double quote and",
	".Ql \\e\\e",
	"for a backslash.",
	".Pp",
	"Numbers are decimal, without a sign or a unit.",
	"A boolean is",
	".Cm true , yes , on , false , no",
	"or",
	".Cm off .",
	"Text must be valid UTF-8 without control characters.",
	".Pp",
	"Each key may be given once, except",
	".Ic peer .",
	"An unknown key, a key given twice, a malformed value, a value out of",
	"range and a value that is too long are errors: the relay does not",
	"start, and the message names the file and the line, as in",
	".Bd -literal -offset indent",
	"samizdat.conf:12: max_limit must be between 1 and 100000",
	".Ed",
	".Pp",
	"The file may be at most 1048576 bytes long.",
	"Keys said to be published in the NIP-11 document appear, under the",
	"same name, in its",
	".Cm limitation",
	"object, unless they are 0.",
	".Pp",
	"The keys are:",
	".Bl -tag -width Ds",
	NULL
};

static const char *const man_tail[] = {
	".El",
	".Sh FILES",
	".Bl -tag -width Ds",
	".It Pa $XDG_DATA_HOME/samizdat/samizdat.conf",
	"The configuration file in the default data directory.",
	"The data directory is the one given with",
	".Fl d ,",
	"else",
	".Ev SAMIZDAT_DIR ,",
	"else",
	".Pa $XDG_DATA_HOME/samizdat ,",
	"else",
	".Pa ~/.local/share/samizdat .",
	".El",
	".Sh EXAMPLES",
	"A relay for a reading room, with a name and two peers:",
	".Bd -literal -offset indent",
	"# samizdat.conf",
	"listen = 0.0.0.0:4848",
	"name = \"Library relay\"",
	"description = \"Notes for the reading room\"",
	"contact = mailto:librarian@example.org",
	"max_connections = 256",
	"sync_full = yes",
	"peer = wss://relay.example.org",
	"peer = /media/usb/samizdat",
	".Ed",
	".Pp",
	"Accepting clients from this machine only, over IPv6:",
	".Bd -literal -offset indent",
	"listen = [::1]:4848",
	".Ed",
	".Sh SEE ALSO",
	".Xr samizdat 1",
	NULL
};

/*
 * Writes s as roff text lines of at most about 72 bytes, broken at spaces,
 * with backslashes escaped and a leading dot or quote made harmless.
 */
static void
man_text(struct buf *b, const char *s)
{
	size_t	 col = 0, w;

	while (*s != '\0') {
		w = strcspn(s, " ");
		if (col > 0 && col + 1 + w > 72) {
			buf_putc(b, '\n');
			col = 0;
		} else if (col > 0) {
			buf_putc(b, ' ');
			col++;
		}
		if (col == 0 && (*s == '.' || *s == '\''))
			buf_puts(b, "\\&");
		for (; w > 0; w--, s++, col++)
			if (*s == '\\')
				buf_puts(b, "\\e");
			else
				buf_putc(b, *s);
		while (*s == ' ')
			s++;
	}
	buf_putc(b, '\n');
}

int
config_write_man(struct buf *b)
{
	static const char *const arg[] = {
		[CONFIG_T_UINT] = "Ar number",
		[CONFIG_T_BOOL] = "Ar boolean",
		[CONFIG_T_STR] = "Ar string",
		[CONFIG_T_ADDR] = "Ar host : Ns Ar port",
		[CONFIG_T_PUBKEY] = "Ar hex",
		[CONFIG_T_LIST] = "Ar string",
	};
	const struct config_row *r;
	const char *const *l;
	char	 line[256];

	for (l = man_head; *l != NULL; l++)
		buf_printf(b, "%s\n", *l);
	for (r = config_rows; r < config_rows + CONFIG_KEY__COUNT; r++) {
		buf_printf(b, ".It Ic %s %s\n", r->name, arg[r->type]);
		man_text(b, r->doc);
		switch (r->type) {
		case CONFIG_T_UINT:
			snprintf(line, sizeof(line), "From %" PRIu64 " to %"
			    PRIu64 "; the default is %s.", r->min, r->max,
			    r->dflt);
			break;
		case CONFIG_T_BOOL:
			snprintf(line, sizeof(line), "The default is %s.",
			    r->dflt);
			break;
		case CONFIG_T_STR:
		case CONFIG_T_ADDR:
			if (r->dflt[0] == '\0')
				snprintf(line, sizeof(line), "At most %" PRIu64
				    " bytes; empty by default.", r->max);
			else
				snprintf(line, sizeof(line), "At most %" PRIu64
				    " bytes; the default is \"%s\".", r->max,
				    r->dflt);
			break;
		case CONFIG_T_PUBKEY:
			snprintf(line, sizeof(line), "Empty by default.");
			break;
		case CONFIG_T_LIST:
			snprintf(line, sizeof(line), "At most %" PRIu64
			    " bytes; may be given up to %d times; none by "
			    "default.", r->max, CONFIG_LIST_MAX);
			break;
		}
		man_text(b, line);
		if (r->nip11)
			buf_puts(b, "Published in the NIP-11 document.\n");
	}
	for (l = man_tail; *l != NULL; l++)
		buf_printf(b, "%s\n", *l);
	if (b->err)
		return -1;
	return 0;
}
