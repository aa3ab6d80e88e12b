/*
 * plan_dp.c - the exact minimum-peak order of a DAG of up to 64 ops by
 * dynamic programming over downsets (sets of executed ops closed under
 * predecessors). The bytes live after a downset depend on the set alone,
 * so the lowest peak that reaches it is the minimum over its last op v of
 * max(peak of the set without v, working set of running v after it).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "planner.h"

/* A downset, the lowest peak that reaches it, the bytes live after it, and
 * the last op of an order that reaches it at that peak. */
typedef struct {
	uint64_t set;
	int64_t peak, live;
	int last;
} dp_state;

/* The states found so far, in the order found, and an open-addressing
 * index into them (slot 0: empty, else state index + 1). */
typedef struct {
	dp_state *st;
	int n, cap;
	int *slot;
	int nslots; /* a power of two, > 2 x n */
} dp_table;

/* The hash slot of "set": its bits mixed (mix64). */
static unsigned dp_hash(uint64_t set, int nslots)
{
	return (unsigned)mix64(set) & (unsigned)(nslots - 1);
}

/* The index of the state of "set" in "t", -1 when none. */
static int dp_find(const dp_table *t, uint64_t set)
{
	for (unsigned h = dp_hash(set, t->nslots);; h = (h + 1) & (unsigned)(t->nslots - 1)) {
		int i = t->slot[h] - 1;
		if (i < 0 || t->st[i].set == set)
			return i;
	}
}

/* Doubles the index of "t" and re-enters its states; -1 when out of memory. */
static int dp_grow(dp_table *t)
{
	int nslots = t->nslots * 2;
	int *slot = calloc((size_t)nslots, sizeof(int));
	dp_state *st = realloc(t->st, (size_t)nslots / 2 * sizeof(dp_state));
	if (!slot || !st) {
		free(slot);
		if (st)
			t->st = st;
		return -1;
	}
	free(t->slot);
	t->slot = slot;
	t->st = st;
	t->nslots = nslots;
	for (int i = 0; i < t->n; i++) {
		unsigned h = dp_hash(t->st[i].set, nslots);
		while (slot[h])
			h = (h + 1) & (unsigned)(nslots - 1);
		slot[h] = i + 1;
	}
	return 0;
}

/* Records that op "v" after state "from" reaches "set" with "peak" and
 * "live" when that beats what is known; 1 when the cap is hit, -1 when out
 * of memory. */
static int dp_reach(dp_table *t, int from, int v, int64_t peak, int64_t live)
{
	uint64_t set = t->st[from].set | (uint64_t)1 << v;
	int i = dp_find(t, set);
	if (i >= 0) {
		if (peak < t->st[i].peak) {
			t->st[i].peak = peak;
			t->st[i].last = v;
		}
		return 0;
	}
	if (t->n >= t->cap)
		return 1;
	if (2 * (t->n + 1) >= t->nslots && dp_grow(t) < 0)
		return -1;
	t->st[t->n] = (dp_state){.set = set, .peak = peak, .live = live, .last = v};
	unsigned h = dp_hash(set, t->nslots);
	while (t->slot[h])
		h = (h + 1) & (unsigned)(t->nslots - 1);
	t->slot[h] = ++t->n;
	return 0;
}

/* Per op: the ops it waits for, and per tensor the ops that read it, as
 * bitsets. */
typedef struct {
	uint64_t *pred, *uses;
} dp_masks;

/* The bytes op "v" adds to "live" when it runs after "set" (its result and
 * the inputs no earlier op read) into "*start", and the bytes that are
 * dead once it ran (operands with no reader left, an unread result). */
static void dp_step(const plan_problem *pb, const dp_masks *m, uint64_t set, int v,
                    int64_t *start, int64_t *end)
{
	const ir_dag *d = pb->dag;
	const ir_dag_op *op = &d->ops[v];
	uint64_t after = set | (uint64_t)1 << v;
	*start = pb->size[op->out];
	*end = d->tensors[op->out].nuses ? 0 : pb->size[op->out];
	for (int k = 0; k < op->nin; k++) {
		int e = op->in[k];
		if (d->tensors[e].producer < 0 && !(m->uses[e] & set))
			*start += pb->size[e];
		if (!(m->uses[e] & ~after))
			*end += pb->size[e];
	}
}

/*
 * Writes into "order" an order that reaches state "full" of "t" at its
 * peak, walking back from it: walk 0 takes each state's recorded last op,
 * walk w > 0 one of the ops that may be last without passing that peak,
 * drawn by a generator seeded with w.
 */
static void dp_walk(const plan_problem *pb, const dp_masks *m, const dp_table *t, int full,
                    int walk, int *order)
{
	int64_t peak = t->st[full].peak;
	uint64_t seed = 0x9E3779B97F4A7C15ull * (uint64_t)(walk + 1);
	for (int i = full, k = pb->dag->nops - 1; k >= 0; k--) {
		uint64_t set = t->st[i].set;
		int v = t->st[i].last, can[64], nv = 0;
		for (int u = 0; walk && u < pb->dag->nops; u++) {
			int j = set >> u & 1 ? dp_find(t, set & ~((uint64_t)1 << u)) : -1;
			int64_t start, end;
			if (j < 0 || t->st[j].peak > peak)
				continue;
			dp_step(pb, m, t->st[j].set, u, &start, &end);
			if (t->st[j].live + start <= peak)
				can[nv++] = u;
		}
		if (nv) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			v = can[seed % (uint64_t)nv];
		}
		order[k] = v;
		i = dp_find(t, set & ~((uint64_t)1 << v));
	}
}

/* Builds the DP of "pb" level by level, keeping only states whose peak is
 * at most "ub"; writes up to "norders" distinct orders of the full set at
 * its peak into "orders" (n ints each). */
int plan_order_dp(const plan_problem *pb, int cap, int64_t ub, int norders, int *orders)
{
	const ir_dag *d = pb->dag;
	int n = d->nops, rc = -1;
	if (n < 1 || n > 64 || cap < 1 || norders < 1)
		return 0;
	dp_masks m = {calloc((size_t)n, sizeof(uint64_t)),
	              calloc((size_t)d->ntensors + 1, sizeof(uint64_t))};
	dp_table t = {.cap = cap, .nslots = 64};
	t.slot = calloc((size_t)t.nslots, sizeof(int));
	t.st = malloc((size_t)t.nslots / 2 * sizeof(dp_state));
	if (!m.pred || !m.uses || !t.slot || !t.st)
		goto out;
	for (int e = 0; e < d->ntensors; e++)
		for (int u = 0; u < d->tensors[e].nuses; u++)
			m.uses[e] |= (uint64_t)1 << d->tensors[e].uses[u];
	for (int v = 0; v < n; v++)
		for (int k = 0; k < d->ops[v].nin; k++) {
			int p = d->tensors[d->ops[v].in[k]].producer;
			if (p >= 0)
				m.pred[v] |= (uint64_t)1 << p;
		}
	t.st[0] = (dp_state){.set = 0, .peak = 0, .live = 0, .last = -1};
	t.slot[dp_hash(0, t.nslots)] = ++t.n;
	/* States are found in order of size, so each is final when reached. */
	for (int i = 0; i < t.n; i++) {
		for (int v = 0; v < n; v++) {
			uint64_t set = t.st[i].set;
			if (set >> v & 1 || (m.pred[v] & ~set))
				continue;
			int64_t start, end;
			dp_step(pb, &m, set, v, &start, &end);
			int64_t run = t.st[i].live + start;
			int64_t peak = run > t.st[i].peak ? run : t.st[i].peak;
			if (peak > ub)
				continue;
			int r = dp_reach(&t, i, v, peak, run - end);
			if (r) {
				rc = r > 0 ? 0 : -1;
				goto out;
			}
		}
	}
	uint64_t full = n == 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
	int i = dp_find(&t, full);
	rc = 0;
	if (i < 0)
		goto out;
	for (int walk = 0; walk < 4 * norders && rc < norders; walk++) {
		int *order = orders + (size_t)rc * (size_t)n;
		dp_walk(pb, &m, &t, i, walk, order);
		int seen = 0;
		for (int k = 0; k < rc && !seen; k++)
			seen = !memcmp(orders + (size_t)k * (size_t)n, order, (size_t)n * sizeof(int));
		rc += !seen;
	}
out:
	free(m.pred);
	free(m.uses);
	free(t.slot);
	free(t.st);
	return rc;
}
