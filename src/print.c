/*
 * print.c - output: aligned tables, CSV, TSV, ids and JSON, with colour
 * only on a terminal.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *color_bold(const struct cli *cli)
{
	return cli->color ? "\033[1m" : "";
}

const char *color_dim(const struct cli *cli)
{
	return cli->color ? "\033[2m" : "";
}

const char *color_red(const struct cli *cli)
{
	return cli->color ? "\033[31m" : "";
}

const char *color_green(const struct cli *cli)
{
	return cli->color ? "\033[32m" : "";
}

const char *color_reset(const struct cli *cli)
{
	return cli->color ? "\033[0m" : "";
}

/* Rows an aligned table holds to size its columns before it prints. */
#define TABLE_SAMPLE 1000

/* Writes s as one CSV field (RFC 4180). */
static void csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Writes s as one TSV field: tabs, newlines and backslashes escaped. */
static void tsv_field(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\t')
			fputs("\\t", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\r')
			fputs("\\r", f);
		else if (*s == '\\')
			fputs("\\\\", f);
		else
			fputc(*s, f);
	}
}

/* Prints one row of a delimited format. */
static void delimited_row(FILE *f, const char *const *cells, size_t n,
			  bool csv)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc(csv ? ',' : '\t', f);
		if (csv)
			csv_field(f, cells[i]);
		else
			tsv_field(f, cells[i]);
	}
	fputc('\n', f);
}

/* Writes s padded with spaces to width columns (UTF-8 aware); the first
 * line only, cut with an ellipsis when wider. */
static void padded(FILE *f, const char *s, size_t width, bool last)
{
	size_t w = 0, len, cw;
	const char *p = s;
	char one[8];

	while (*p && *p != '\n') {
		len = 1;
		while ((p[len] & 0xc0) == 0x80)
			len++;
		memcpy(one, p, len < 8 ? len : 7);
		one[len < 8 ? len : 7] = '\0';
		cw = crm_utf8_width(one);
		if (w + cw > width)
			break;
		w += cw;
		p += len;
	}
	fwrite(s, 1, (size_t)(p - s), f);
	if (*p && *p != '\n' && w < width + 1) {
		fputs("…", f);
		w++;
	}
	while (!last && w++ < width)
		fputc(' ', f);
}

/* The display width of a cell: first line, at most 40 columns. */
static size_t cell_width(const char *s)
{
	const char *nl = strchr(s, '\n');
	char *first = nl ? crm_xstrndup(s, (size_t)(nl - s)) : NULL;
	size_t w = crm_utf8_width(first ? first : s);

	free(first);
	return w > 40 ? 40 : w;
}

/* Prints one aligned row. */
static void aligned_row(const struct table *t, const char *const *cells)
{
	size_t c;

	for (c = 0; c < t->ncols; c++) {
		padded(t->out, cells[c], t->widths[c], c + 1 == t->ncols);
		if (c + 1 < t->ncols)
			fputs("  ", t->out);
	}
	fputc('\n', t->out);
}

/* Sizes the columns from the rows held, prints the header and them, and
 * from then on prints each row as it comes. */
static void start_streaming(struct table *t)
{
	const char *hdr[16];
	size_t r, c;

	for (c = 0; c < t->ncols; c++) {
		hdr[c] = crm_pgettext(t->headers[c]);
		t->widths[c] = crm_utf8_width(hdr[c]);
	}
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++)
			if (cell_width(t->cells[r * t->ncols + c]) > t->widths[c])
				t->widths[c] = cell_width(t->cells[r * t->ncols + c]);
	fputs(color_bold(t->cli), t->out);
	for (c = 0; c < t->ncols; c++) {
		padded(t->out, hdr[c], t->widths[c], c + 1 == t->ncols);
		if (c + 1 < t->ncols)
			fputs("  ", t->out);
	}
	fprintf(t->out, "%s\n", color_reset(t->cli));
	for (r = 0; r < t->nrows; r++)
		aligned_row(t, (const char *const *)&t->cells[r * t->ncols]);
	for (r = 0; r < t->nrows * t->ncols; r++)
		free(t->cells[r]);
	t->nrows = 0;
	t->streaming = true;
}

void table_init(struct table *t, size_t ncols, const char **headers,
		struct cli *cli, FILE *out)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols < 16 ? ncols : 16;
	t->headers = headers;
	t->cli = cli;
	t->out = out;
}

/* Prints the CSV or TSV header row once (the untranslated names). */
static void delimited_header(struct table *t)
{
	const char *hdr[16];
	size_t c;

	if (t->streaming)
		return;
	for (c = 0; c < t->ncols; c++)
		hdr[c] = strchr(t->headers[c], '\004') + 1;
	delimited_row(t->out, hdr, t->ncols, t->cli->format == FMT_CSV);
	t->streaming = true;
}

void table_add(struct table *t, const char *id, const char *const *cells)
{
	const char *row[16];
	size_t i;

	for (i = 0; i < t->ncols; i++)
		row[i] = cells[i] ? cells[i] : "";
	switch (t->cli->format) {
	case FMT_IDS:
		fprintf(t->out, "%s\n", id ? id : "");
		return;
	case FMT_CSV:
	case FMT_TSV:
		delimited_header(t);
		delimited_row(t->out, row, t->ncols, t->cli->format == FMT_CSV);
		return;
	default:
		break;
	}
	if (t->streaming) {
		aligned_row(t, row);
		return;
	}
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = crm_xrealloc(t->cells, t->cap * t->ncols * sizeof(char *));
	}
	for (i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = crm_xstrdup(row[i]);
	if (++t->nrows == TABLE_SAMPLE)
		start_streaming(t);
}

void table_finish(struct table *t, bool print)
{
	size_t i;

	if (print && (t->cli->format == FMT_CSV || t->cli->format == FMT_TSV))
		delimited_header(t);
	else if (print && !t->streaming && t->cli->format != FMT_IDS)
		start_streaming(t);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p == '\r')
			fputs("\\r", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* True when a typed scalar is a JSON number or literal as written. */
static bool json_literal(const char *s)
{
	size_t i = 0;

	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
		return true;
	if (s[i] == '-')
		i++;
	if (s[i] < '0' || s[i] > '9' || (s[i] == '0' && s[i + 1] >= '0' &&
					 s[i + 1] <= '9'))
		return false;
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	if (s[i] == '.') {
		i++;
		if (s[i] < '0' || s[i] > '9')
			return false;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return s[i] == '\0';
}

void json_node(FILE *f, const struct crm_node *n, int indent)
{
	size_t i;

	if (n->kind == CRM_NODE_SCALAR) {
		if (n->typed && json_literal(n->str))
			fputs(n->str, f);
		else if (n->typed && (n->str[0] == '\0' || strcmp(n->str, "~") == 0 ||
				      strcasecmp(n->str, "null") == 0))
			fputs("null", f);
		else
			json_string(f, n->str);
		return;
	}
	if (n->len == 0) {
		fputs(n->kind == CRM_NODE_MAP ? "{}" : "[]", f);
		return;
	}
	fputc(n->kind == CRM_NODE_MAP ? '{' : '[', f);
	for (i = 0; i < n->len; i++) {
		fprintf(f, "%s\n%*s", i ? "," : "", indent + 2, "");
		if (n->kind == CRM_NODE_MAP) {
			json_string(f, n->keys[i]);
			fputs(": ", f);
		}
		json_node(f, n->items[i], indent + 2);
	}
	fprintf(f, "\n%*s%c", indent, "", n->kind == CRM_NODE_MAP ? '}' : ']');
}
