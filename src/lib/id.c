/*
 * id.c - record ids: random, lowercase Crockford base32, CRM_ID_LEN long.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "crm.h"

/*
 * Fills buf with n random bytes from getrandom(2), retrying on EINTR and
 * short reads.  Returns 0, or -1 with errno set.
 */
static int random_bytes(unsigned char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(buf + got, n - got, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

/*
 * Fills id with CRM_ID_LEN random symbols of CRM_ID_ALPHABET and a NUL.
 * Each symbol takes the low 5 bits of one random byte: 32 divides 256, so
 * every symbol is equally likely.  Returns CRM_OK, or CRM_ERR with err set
 * when the system has no randomness to give.
 */
int crm_id_generate(char id[CRM_ID_LEN + 1], struct crm_err *err)
{
	unsigned char raw[CRM_ID_LEN];
	size_t i;

	if (random_bytes(raw, sizeof(raw)) < 0)
		return crm_seterr(err, CRM_ERR, _("cannot generate an id: %s"),
				  strerror(errno));
	for (i = 0; i < CRM_ID_LEN; i++)
		id[i] = CRM_ID_ALPHABET[raw[i] & 31];
	id[CRM_ID_LEN] = '\0';
	return CRM_OK;
}

/* True when c is a symbol of CRM_ID_ALPHABET (lowercase only). */
static bool id_symbol(char c)
{
	return c != '\0' && strchr(CRM_ID_ALPHABET, c) != NULL;
}

/* True when s is exactly CRM_ID_LEN symbols of CRM_ID_ALPHABET. */
bool crm_id_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < CRM_ID_LEN; i++)
		if (!id_symbol(s[i]))
			return false;
	return s[CRM_ID_LEN] == '\0';
}

/*
 * The symbol a user meant by c, as Crockford decodes it: ASCII letters
 * lowercased, i and l read as 1, o as 0.  Returns '\0' when c stands for
 * no symbol (u, punctuation, non-ASCII bytes).
 */
static char id_decode_symbol(char c)
{
	if (c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	if (c == 'i' || c == 'l')
		return '1';
	if (c == 'o')
		return '0';
	return id_symbol(c) ? c : '\0';
}

/*
 * Writes the normalised form of the id prefix s into out (at least
 * CRM_ID_LEN + 1 bytes).  Returns false, leaving out unspecified, when s is
 * empty, longer than CRM_ID_LEN or holds a character that is no symbol.
 */
bool crm_id_normalize_prefix(const char *s, char *out)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (i == CRM_ID_LEN)
			return false;
		out[i] = id_decode_symbol(s[i]);
		if (out[i] == '\0')
			return false;
	}
	out[i] = '\0';
	return true;
}
