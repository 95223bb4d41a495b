/*
 * disc_txt.c: the check of a discovered peer's TXT record (disc_txt.h).
 * Pure: the record's items in, a filled struct disc_peer out.
 */
#include <string.h>

#include "disc_txt.h"

#define NPUB_LEN	63

bool
disc_txt_npub_valid(const char *s, size_t n)
{
	size_t	 i;

	if (n != NPUB_LEN || memcmp(s, "npub1", 5) != 0)
		return false;
	for (i = 5; i < n; i++)
		if ((s[i] < 'a' || s[i] > 'z') && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

bool
disc_txt_check(const char *const *items, const size_t *lens, size_t nitems,
    struct disc_peer *p)
{
	const char	*t;
	size_t		 i, j, n;
	bool		 have_v = false;

	p->npub[0] = p->version[0] = '\0';
	for (j = 0; j < nitems; j++) {
		t = items[j];
		n = lens[j];
		if (n >= 5 && memcmp(t, "npub=", 5) == 0) {
			if (p->npub[0] != '\0' ||
			    !disc_txt_npub_valid(t + 5, n - 5))
				return false;
			memcpy(p->npub, t + 5, n - 5);
			p->npub[n - 5] = '\0';
		} else if (n >= 2 && memcmp(t, "v=", 2) == 0) {
			if (have_v || n - 2 >= sizeof(p->version))
				return false;
			for (i = 2; i < n; i++)
				if (t[i] < 0x20 || t[i] > 0x7e)
					return false;
			memcpy(p->version, t + 2, n - 2);
			p->version[n - 2] = '\0';
			have_v = true;
		}
	}
	return p->npub[0] != '\0';
}
