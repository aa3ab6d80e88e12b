/* labels.c - the label map: linear probing over a power-of-two table. */
#include "labels.h"

/* An empty table at least twice as large as "n". */
int fe_labelmap_init(fe_labelmap *m, arena *a, size_t n)
{
	size_t cap = 16;
	while (cap < 2 * n + 1)
		cap *= 2;
	m->mask = cap - 1;
	m->key = arena_array(a, cap, sizeof(*m->key));
	m->val = arena_array(a, cap, sizeof(*m->val));
	if (!m->key || !m->val)
		return -1;
	for (size_t i = 0; i < cap; i++)
		m->key[i] = FE_NO_LABEL;
	return 0;
}

/* The slot where "cp" is or would go: the high half of a 64-bit
 * multiplicative hash (Fibonacci hashing), then linear probing. */
static size_t labelmap_find(const fe_labelmap *m, uint32_t cp)
{
	size_t i = (size_t)((cp * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & m->mask;
	while (m->key[i] != FE_NO_LABEL && m->key[i] != cp)
		i = (i + 1) & m->mask;
	return i;
}

/* The value slot of "cp", inserting "init" on first sight. */
int *fe_labelmap_slot(fe_labelmap *m, uint32_t cp, int init)
{
	size_t i = labelmap_find(m, cp);
	if (m->key[i] == FE_NO_LABEL) {
		m->key[i] = cp;
		m->val[i] = init;
	}
	return &m->val[i];
}

/* The value of "cp", or "missing". */
int fe_labelmap_get(const fe_labelmap *m, uint32_t cp, int missing)
{
	size_t i = labelmap_find(m, cp);
	return m->key[i] == FE_NO_LABEL ? missing : m->val[i];
}
