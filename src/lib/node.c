/*
 * node.c - the in-memory YAML tree: scalars, sequences and ordered maps.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/* A zeroed node of kind k.  Caller owns it; never NULL. */
static struct crm_node *node_alloc(enum crm_node_kind k)
{
	struct crm_node *n = crm_xcalloc(1, sizeof(*n));

	n->kind = k;
	return n;
}

/* A string scalar holding a copy of s.  Caller owns it. */
struct crm_node *crm_node_new_scalar(const char *s)
{
	struct crm_node *n = node_alloc(CRM_NODE_SCALAR);

	n->str = crm_xstrdup(s);
	return n;
}

struct crm_node *crm_node_new_scalar_n(const char *s, size_t len)
{
	struct crm_node *n = node_alloc(CRM_NODE_SCALAR);

	n->str = crm_xstrndup(s, len);
	return n;
}

/* A typed (plain-written) scalar holding a copy of s.  Caller owns it. */
struct crm_node *crm_node_new_typed(const char *s)
{
	struct crm_node *n = crm_node_new_scalar(s);

	n->typed = true;
	return n;
}

/* An empty sequence.  Caller owns it. */
struct crm_node *crm_node_new_seq(void)
{
	return node_alloc(CRM_NODE_SEQ);
}

/* An empty map.  Caller owns it. */
struct crm_node *crm_node_new_map(void)
{
	return node_alloc(CRM_NODE_MAP);
}

/* Frees n and everything it owns.  NULL is allowed. */
void crm_node_free(struct crm_node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->len; i++) {
		if (n->keys)
			free(n->keys[i]);
		crm_node_free(n->items[i]);
	}
	free(n->keys);
	free(n->items);
	free(n->str);
	free(n);
}

/* Makes room for one more item in a SEQ or MAP. */
static void node_grow(struct crm_node *n)
{
	if (n->len < n->cap)
		return;
	n->cap = n->cap ? n->cap * 2 : 8;
	n->items = crm_xrealloc(n->items, n->cap * sizeof(*n->items));
	if (n->kind == CRM_NODE_MAP)
		n->keys = crm_xrealloc(n->keys, n->cap * sizeof(*n->keys));
}

/* A deep copy of n (NULL gives NULL), source line kept.  Caller owns it. */
struct crm_node *crm_node_dup(const struct crm_node *n)
{
	struct crm_node *d;
	size_t i;

	if (n == NULL)
		return NULL;
	d = node_alloc(n->kind);
	d->line = n->line;
	d->typed = n->typed;
	if (n->str)
		d->str = crm_xstrdup(n->str);
	for (i = 0; i < n->len; i++) {
		node_grow(d);
		if (n->kind == CRM_NODE_MAP)
			d->keys[i] = crm_xstrdup(n->keys[i]);
		d->items[i] = crm_node_dup(n->items[i]);
		d->len++;
	}
	return d;
}

/* Deep equality of a and b; of their source lines too when lines. */
static bool nodes_equal(const struct crm_node *a, const struct crm_node *b,
			bool lines)
{
	size_t i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->kind != b->kind || (lines && a->line != b->line))
		return false;
	if (a->kind == CRM_NODE_SCALAR)
		return a->typed == b->typed && strcmp(a->str, b->str) == 0;
	if (a->len != b->len)
		return false;
	for (i = 0; i < a->len; i++) {
		if (a->kind == CRM_NODE_MAP && strcmp(a->keys[i], b->keys[i]))
			return false;
		if (!nodes_equal(a->items[i], b->items[i], lines))
			return false;
	}
	return true;
}

/* Deep equality of a and b; source lines are ignored. */
bool crm_node_equal(const struct crm_node *a, const struct crm_node *b)
{
	return nodes_equal(a, b, false);
}

/* Deep equality of a and b, source lines included. */
bool crm_node_same(const struct crm_node *a, const struct crm_node *b)
{
	return nodes_equal(a, b, true);
}

/* Position of key in map, or -1 (also when map is not a MAP). */
long crm_map_index(const struct crm_node *map, const char *key)
{
	size_t i;

	if (map == NULL || map->kind != CRM_NODE_MAP)
		return -1;
	for (i = 0; i < map->len; i++)
		if (strcmp(map->keys[i], key) == 0)
			return (long)i;
	return -1;
}

/* The value for key (owned by map), or NULL. */
struct crm_node *crm_map_get(const struct crm_node *map, const char *key)
{
	long i = crm_map_index(map, key);

	return i < 0 ? NULL : map->items[i];
}

/* The scalar text for key (owned by map), or NULL. */
const char *crm_map_str(const struct crm_node *map, const char *key)
{
	struct crm_node *v = crm_map_get(map, key);

	if (v == NULL || v->kind != CRM_NODE_SCALAR)
		return NULL;
	return v->str;
}

/* Sets key to val (map takes val): replaces in place, else appends. */
void crm_map_set(struct crm_node *map, const char *key, struct crm_node *val)
{
	long i = crm_map_index(map, key);

	if (i >= 0) {
		if (map->items[i] != val)
			crm_node_free(map->items[i]);
		map->items[i] = val;
		return;
	}
	node_grow(map);
	map->keys[map->len] = crm_xstrdup(key);
	map->items[map->len] = val;
	map->len++;
}

void crm_map_append(struct crm_node *map, char *key, struct crm_node *val)
{
	node_grow(map);
	map->keys[map->len] = key;
	map->items[map->len] = val;
	map->len++;
}

/* Sets key to a string scalar copy of s. */
void crm_map_set_str(struct crm_node *map, const char *key, const char *s)
{
	crm_map_set(map, key, crm_node_new_scalar(s));
}

/* Removes key and frees its value; true when it was there. */
bool crm_map_del(struct crm_node *map, const char *key)
{
	long i = crm_map_index(map, key);
	size_t rest;

	if (i < 0)
		return false;
	free(map->keys[i]);
	crm_node_free(map->items[i]);
	rest = map->len - (size_t)i - 1;
	memmove(map->keys + i, map->keys + i + 1, rest * sizeof(*map->keys));
	memmove(map->items + i, map->items + i + 1,
		rest * sizeof(*map->items));
	map->len--;
	return true;
}

/* Appends val to seq (seq takes val). */
void crm_seq_push(struct crm_node *seq, struct crm_node *val)
{
	node_grow(seq);
	seq->items[seq->len++] = val;
}

char *crm_node_text(const struct crm_node *n)
{
	struct crm_buf b = {0};
	size_t i;

	if (n->kind == CRM_NODE_SCALAR)
		return crm_xstrdup(n->str);
	if (n->kind == CRM_NODE_MAP)
		return crm_xstrdup("{...}");
	for (i = 0; i < n->len; i++) {
		char *v = crm_node_text(n->items[i]);

		crm_buf_addf(&b, "%s%s", i ? ", " : "", v);
		free(v);
	}
	return crm_buf_detach(&b);
}

char *crm_node_cell(const struct crm_node *n)
{
	struct crm_buf b = {0};
	size_t i;

	if (n->kind == CRM_NODE_SCALAR)
		return crm_xstrdup(n->str);
	if (n->kind == CRM_NODE_MAP)
		return crm_node_text(n);
	for (i = 0; i < n->len; i++) {
		char *item = crm_node_cell(n->items[i]);

		crm_buf_addf(&b, "%s%s", i ? ", " : "", item);
		free(item);
	}
	return crm_buf_detach(&b);
}
