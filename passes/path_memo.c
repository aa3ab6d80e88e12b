/*
 * path_memo.c - answers kept across searches: words under words
 * (path_memo_find, path_memo_keep), and the DP's solutions on them
 * (path_dp_solve_memo).
 *
 * The slicing search refines the trees of many label sets that differ in a
 * label or two (path_refine.c's windows, each a DP of at most 10 tensors),
 * and most windows come back: on the 4x5 PEPS of the corpus at 1/64 of its
 * largest intermediate 84% of 42368 window DPs had been solved before. A
 * DP's answer is a function of its problem, bound, flags and the options
 * it reads alone, so the kept one is the one it would find again, and the
 * work it counted is counted again: the searches go exactly as without.
 * (slice.c keeps its searches of label sets in the same memo.)
 *
 * An answer is kept under its whole key, compared word by word on a hit;
 * the memo stops keeping new ones past PATH_MEMO_BYTES (those it has
 * still answer), and out of memory it keeps nothing: either way only the
 * time changes.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "path.h"

/* The most memory the memo takes: the key and answer words, and the table */
#define PATH_MEMO_BYTES ((size_t)64 << 20)

/* One kept answer: its words at "at" in the pool, the key's "nkey", then
 * the answer's "nvalue". */
typedef struct {
	uint64_t hash;
	size_t at, nkey, nvalue;
} memo_entry;

struct path_memo {
	uint64_t *pool;        /* keys and answers, one after another */
	size_t used, cap;
	memo_entry *e;
	int ne, cape;
	int *slot;             /* open addressing over entries by hash; -1 empty */
	int nslot;
	uint64_t *key;         /* path_dp_solve_memo's key, "capkey" words */
	size_t capkey;
	size_t bytes;          /* what pool, e and slot take */
	int full;              /* keeps no more */
};

path_memo *path_memo_new(void)
{
	return calloc(1, sizeof(path_memo));
}

void path_memo_free(path_memo *m)
{
	if (!m)
		return;
	free(m->pool);
	free(m->e);
	free(m->slot);
	free(m->key);
	free(m);
}

/* The words of the DP's whole key into m->key (grown as needed); their
 * number, or 0 when out of memory. */
static size_t build_key(path_memo *m, const path_problem *p, const path_options *o,
                        path_cost upper, int flags)
{
	int nlist = p->start[p->n];
	size_t need = 12 + (size_t)p->n + 1 + (size_t)nlist + 3 * (size_t)p->nindices;
	if (need > m->capkey) {
		uint64_t *k = realloc(m->key, sizeof(uint64_t) * 2 * need);
		if (!k)
			return 0;
		m->key = k;
		m->capkey = 2 * need;
	}
	uint64_t *k = m->key, combo;
	size_t w = 0;
	memcpy(&combo, &o->combo, sizeof(combo));
	k[w++] = (uint64_t)flags;
	k[w++] = (uint64_t)p->n;
	k[w++] = (uint64_t)p->nindices;
	k[w++] = (uint64_t)upper;
	k[w++] = (uint64_t)(upper >> 64);
	k[w++] = (uint64_t)o->max_intermediate;
	k[w++] = (uint64_t)(o->max_intermediate >> 64);
	k[w++] = combo;
	k[w++] = (uint64_t)o->dp_work;
	for (int t = 0; t <= p->n; t++)
		k[w++] = (uint64_t)p->start[t];
	for (int q = 0; q < nlist; q++)
		k[w++] = (uint64_t)p->index[q];
	for (int i = 0; i < p->nindices; i++) {
		k[w++] = (uint64_t)p->size[i];
		k[w++] = p->out[i];
	}
	return w;
}

/* The hash of the "n" key words of "k": each word mixed in (mix64). It
 * picks a slot only (keys are compared whole), so no answer depends on it. */
static uint64_t hash_key(const uint64_t *k, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	for (size_t w = 0; w < n; w++)
		h = mix64(h ^ k[w]);
	return h;
}

/* The entry whose key is the "n" words "key" (hash "h"), or -1; the
 * slot where it is or would go into "*at". */
static int lookup(const path_memo *m, uint64_t h, const uint64_t *key, size_t n, int *at)
{
	*at = -1;
	if (!m->nslot)
		return -1;
	for (int s = (int)(h & (uint64_t)(m->nslot - 1));; s = (s + 1) & (m->nslot - 1)) {
		int k = m->slot[s];
		*at = s;
		if (k < 0)
			return -1;
		const memo_entry *e = &m->e[k];
		if (e->hash == h && e->nkey == n && !memcmp(m->pool + e->at, key, sizeof(*key) * n))
			return k;
	}
}

/* Makes room for one more entry of "words" pool words (the table doubled
 * at half full); 0, or -1 when that would pass PATH_MEMO_BYTES or memory
 * ran out. */
static int make_room(path_memo *m, size_t words)
{
	size_t grow = 0;
	if (m->used + words > m->cap)
		grow += sizeof(uint64_t) * (2 * (m->used + words) - m->cap);
	if (m->ne == m->cape)
		grow += sizeof(memo_entry) * (size_t)(m->cape ? m->cape : 64);
	if (2 * (m->ne + 1) > m->nslot)
		grow += sizeof(int) * (size_t)(m->nslot ? m->nslot : 128);
	if (m->bytes + grow > PATH_MEMO_BYTES)
		return -1;
	if (m->used + words > m->cap) {
		uint64_t *p = realloc(m->pool, sizeof(uint64_t) * 2 * (m->used + words));
		if (!p)
			return -1;
		m->pool = p;
		m->cap = 2 * (m->used + words);
	}
	if (m->ne == m->cape) {
		int nc = m->cape ? 2 * m->cape : 64;
		memo_entry *e = realloc(m->e, sizeof(*e) * (size_t)nc);
		if (!e)
			return -1;
		m->e = e;
		m->cape = nc;
	}
	if (2 * (m->ne + 1) > m->nslot) {
		int ns = m->nslot ? 2 * m->nslot : 128;
		int *slot = malloc(sizeof(int) * (size_t)ns);
		if (!slot)
			return -1;
		memset(slot, 0xff, sizeof(int) * (size_t)ns);
		for (int k = 0; k < m->ne; k++) {
			int s = (int)(m->e[k].hash & (uint64_t)(ns - 1));
			while (slot[s] >= 0)
				s = (s + 1) & (ns - 1);
			slot[s] = k;
		}
		free(m->slot);
		m->slot = slot;
		m->nslot = ns;
	}
	m->bytes += grow;
	return 0;
}

const uint64_t *path_memo_find(const path_memo *m, const uint64_t *key, size_t nkey,
                               size_t *nvalue)
{
	int at, k = m ? lookup(m, hash_key(key, nkey), key, nkey, &at) : -1;
	if (k < 0)
		return NULL;
	*nvalue = m->e[k].nvalue;
	return m->pool + m->e[k].at + nkey;
}

void path_memo_keep(path_memo *m, const uint64_t *key, size_t nkey, const uint64_t *value,
                    size_t nvalue)
{
	uint64_t h = hash_key(key, nkey);
	int at;
	if (!m || m->full || lookup(m, h, key, nkey, &at) >= 0 ||
	    (m->full = make_room(m, nkey + nvalue) < 0))
		return;
	lookup(m, h, key, nkey, &at);
	m->e[m->ne] = (memo_entry){h, m->used, nkey, nvalue};
	memcpy(m->pool + m->used, key, sizeof(uint64_t) * nkey);
	memcpy(m->pool + m->used + nkey, value, sizeof(uint64_t) * nvalue);
	m->used += nkey + nvalue;
	m->slot[at] = m->ne++;
}

int path_dp_solve_memo(path_memo *m, const path_problem *prob, const path_options *o,
                       path_cost upper, int flags, int (*steps)[2], int64_t *work)
{
	size_t n = m && prob->n <= PATH_DP_MAX ? build_key(m, prob, o, upper, flags) : 0, nv;
	const uint64_t *w = n ? path_memo_find(m, m->key, n, &nv) : NULL;
	if (w) {
		for (size_t s = 0; 2 + 2 * s < nv; s++) {
			steps[s][0] = (int)(int64_t)w[2 + 2 * s];
			steps[s][1] = (int)(int64_t)w[3 + 2 * s];
		}
		if (work)
			*work += (int64_t)w[1];
		return (int)(int64_t)w[0];
	}
	int64_t spent = 0;
	int r = path_dp_solve(prob, o, upper, flags, steps, &spent);
	if (work)
		*work += spent;
	/* the status, the work, and the steps when it found them */
	size_t ns = r == 0 ? (size_t)prob->n - 1 : 0;
	uint64_t *v = n && r >= 0 ? malloc(sizeof(uint64_t) * (2 + 2 * ns)) : NULL;
	if (v) {
		v[0] = (uint64_t)(int64_t)r;
		v[1] = (uint64_t)spent;
		for (size_t s = 0; s < ns; s++) {
			v[2 + 2 * s] = (uint64_t)(int64_t)steps[s][0];
			v[3 + 2 * s] = (uint64_t)(int64_t)steps[s][1];
		}
		path_memo_keep(m, m->key, n, v, 2 + 2 * ns);
	}
	free(v);
	return r;
}
