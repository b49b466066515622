/*
 * safe.c - text from records made safe to show on a terminal: a name can
 * hold an escape sequence, a bidirectional override or invalid UTF-8,
 * and none of them may reach the terminal as it is.
 */
#include <stdint.h>
#include <string.h>

#include "cli.h"

/* True for code points a terminal acts on instead of showing: C0 and
 * C1 controls, DEL, line and paragraph separators, and the marks that
 * reorder bidirectional text. */
static bool is_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Appends the escape of cp: \t, \n, \r, \xNN for the other ASCII ones,
 * \uNNNN for the rest. */
void cli_escape_cp(struct crm_buf *b, uint32_t cp)
{
	if (cp == '\t')
		crm_buf_adds(b, "\\t");
	else if (cp == '\n')
		crm_buf_adds(b, "\\n");
	else if (cp == '\r')
		crm_buf_adds(b, "\\r");
	else if (cp < 0x80)
		crm_buf_addf(b, "\\x%02x", (unsigned)cp);
	else
		crm_buf_addf(b, "\\u%04x", (unsigned)cp);
}

void cli_safe_addn(struct crm_buf *b, const char *s, size_t n,
		   bool keep_newlines)
{
	size_t len;
	uint32_t cp;

	while (n > 0) {
		len = crm_utf8_decode(s, n, &cp);
		if (len == 0) {
			crm_buf_addf(b, "\\x%02x", (unsigned char)*s);
			len = 1;
		} else if (is_unsafe(cp) && !(cp == '\n' && keep_newlines)) {
			cli_escape_cp(b, cp);
		} else {
			crm_buf_add(b, s, len);
		}
		s += len;
		n -= len;
	}
	if (b->s == NULL)
		crm_buf_adds(b, "");
}

void cli_safe_add(struct crm_buf *b, const char *s)
{
	cli_safe_addn(b, s, strlen(s), false);
}

char *cli_safe(const char *s)
{
	struct crm_buf b = {0};

	cli_safe_add(&b, s ? s : "");
	return crm_buf_detach(&b);
}
