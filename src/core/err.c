/*
 * err.c: lookups into the ERR_MAP table of err.h.  Pure.
 */
#include <stdio.h>

#include "err.h"

struct err_row {
	const char	*name;
	const char	*prefix;
	const char	*text;
};

static const struct err_row err_rows[] = {
#define ERR_ROW(code, prefix, text) { #code, prefix, text },
	ERR_MAP(ERR_ROW)
#undef ERR_ROW
};

static const struct err_row *
err_row(enum err e)
{
	if ((unsigned)e >= ERR__COUNT)
		e = ERR_DB;
	return &err_rows[e];
}

const char *
err_str(enum err e)
{
	return err_row(e)->text;
}

const char *
err_prefix(enum err e)
{
	return err_row(e)->prefix;
}

const char *
err_name(enum err e)
{
	return err_row(e)->name;
}

char *
err_reason(enum err e, char *buf, unsigned long sz)
{
	const struct err_row *r = err_row(e);

	if (sz == 0)
		return buf;
	if (r->prefix[0] != '\0')
		snprintf(buf, sz, "%s: %s", r->prefix, r->text);
	else
		snprintf(buf, sz, "%s", r->text);
	return buf;
}

char *
err_reason_detail(enum err e, const char *detail, char *buf, unsigned long sz)
{
	const struct err_row *r = err_row(e);

	if (detail == NULL)
		return err_reason(e, buf, sz);
	if (sz == 0)
		return buf;
	if (r->prefix[0] != '\0')
		snprintf(buf, sz, "%s: %s (%s)", r->prefix, r->text, detail);
	else
		snprintf(buf, sz, "%s (%s)", r->text, detail);
	return buf;
}
