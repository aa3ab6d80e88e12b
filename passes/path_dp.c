/*
 * path_dp.c - exact contraction order by dynamic programming over subsets of
 * tensors (netcon; opt_einsum's dp), minimising the objective it reports.
 *
 * The best way to contract a subset S of tensors into one depends on S only:
 * its result keeps the indices of S that the output or a tensor outside S
 * holds. Subsets are built by size, pairing two disjoint stored subsets; a
 * subset is stored only while its cost stays under a cap. A round that does
 * not reach the whole set raises the cap (x2, up to the score of a known
 * path, then beyond) and starts again; the first cap is 1 without a known
 * path, else its score / 4 (a refined greedy path is a tight bound), or
 * its score itself for at most PATH_DP_OUTER_MAX tensors. The first round
 * that reaches the whole set is optimal, since every subtree of an optimal
 * tree costs no more than the tree. Pairing runs over lists sorted by score
 * plus size (it stops at the first partner that breaks the cap), through
 * per-tensor lists of neighbours when only connected subsets pair, and a
 * double-precision lower bound skips most exact 128-bit costings.
 *
 * Problems of at most PATH_DP_OUTER_MAX tensors pair every two disjoint
 * subsets, outer products included: exact over all trees. Larger ones run
 * one DP per connected component, pairing only subsets that share an index,
 * and join the components' results smallest first.
 *
 * A leaf's private indices (no other tensor, not the output) are summed in
 * its first step, or first on their own by a unary step when that is
 * cheaper (PATH_DP_UNARY): both are scored, path_add_unary rebuilds the
 * choice.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "path.h"

/* A set of up to DP_MAXN tensors, one bit each. */
typedef unsigned __int128 tset;
#define DP_MAXN PATH_DP_MAX

/* The number of tensors in "s". */
static int tset_count(tset s)
{
	return __builtin_popcountll((uint64_t)s) + __builtin_popcountll((uint64_t)(s >> 64));
}

/* The lowest tensor of "s" (not empty). */
static int tset_first(tset s)
{
	uint64_t lo = (uint64_t)s;
	return lo ? __builtin_ctzll(lo) : 64 + __builtin_ctzll((uint64_t)(s >> 64));
}

typedef struct {
	tset mask, nbr;      /* the subset; the tensors sharing an index with it */
	path_cost score, size; /* size without a leaf's private indices */
	double dsize;        /* size as a double, for a quick bound */
	path_cost priv;      /* leaf: element count of its private indices, 0 if none */
	path_cost unary;     /* leaf: the score of summing them out alone, 0 if not allowed */
	int left, right;     /* entries it was built from; -1 for a leaf */
	int tensor;          /* leaf: the problem's tensor */
} entry;

/* A list element: an entry with a copy of its mask and of its score plus
 * size (final once its size is complete), so that pairing scans contiguous
 * memory. Any join with the entry costs at least that much more than the
 * partner's score: a step costs at least the size of either operand. */
typedef struct {
	path_cost key;
	tset mask;
	int k;
} item;

typedef struct {
	const path_problem *prob;
	const path_options *o;
	int m, w;            /* tensors in this DP; 64-bit words per index set */
	tset full;
	const int *tensor;   /* m problem tensors */
	tset *tmask;         /* per index: local tensors holding it */
	tset *tnbr;          /* per local tensor: its neighbours */
	uint64_t *outbits;   /* w words */
	entry *e;
	uint64_t *bits;      /* w words per entry: its result's indices */
	int ne, cape;
	int *hash;           /* open addressing over entries by mask */
	int hcap;
	item **list;         /* per size: its entries */
	int *nlist, *caplist;
	item **mlist;        /* per size * DP_MAXN + tensor: the entries holding it */
	item *tmp;           /* sort_level's scratch, "captmp" items */
	int captmp;
	int *nmlist, *capmlist, nml; /* nml: lists, DP_MAXN per size up to n */
	int64_t work;        /* pair evaluations */
	int64_t listed;      /* per-tensor list entries of stored subsets */
	int oom, stop, outer, unary; /* stop: out of memory or of work */
	int whole;           /* the DP holds every tensor: its full set makes the output */
} dp;

/* The hash slot of "set": its two halves folded, then mixed (mix64). */
static size_t slot_of(tset set, int hcap)
{
	uint64_t mask = (uint64_t)set ^ (uint64_t)(set >> 64) * 0x9e3779b97f4a7c15ull;
	return (size_t)mix64(mask) & (size_t)(hcap - 1);
}

/* The entry of "mask", or -1. */
static int find(const dp *d, tset mask)
{
	for (size_t h = slot_of(mask, d->hcap);; h = (h + 1) & (size_t)(d->hcap - 1)) {
		int k = d->hash[h];
		if (k < 0 || d->e[k].mask == mask)
			return k;
	}
}

/* Grows the hash table when it is half full. */
static void rehash(dp *d)
{
	if (2 * (d->ne + 1) < d->hcap)
		return;
	int nc = d->hcap * 2;
	int *h = malloc(sizeof(int) * (size_t)nc);
	if (!h) {
		d->oom = d->stop = 1;
		return;
	}
	memset(h, 0xff, sizeof(int) * (size_t)nc);
	for (int k = 0; k < d->ne; k++) {
		size_t s = slot_of(d->e[k].mask, nc);
		while (h[s] >= 0)
			s = (s + 1) & (size_t)(nc - 1);
		h[s] = k;
	}
	free(d->hash);
	d->hash = h;
	d->hcap = nc;
}

/* Appends entry "k" to the growable list "*l" ("*n" used of "*cap"); -1
 * when out of memory. */
static int list_add(item **l, int *n, int *cap, int k)
{
	if (*n == *cap) {
		int nc = *cap ? 2 * *cap : 16;
		item *g = realloc(*l, sizeof(item) * (size_t)nc);
		if (!g)
			return -1;
		*l = g;
		*cap = nc;
	}
	(*l)[(*n)++].k = k;
	return 0;
}

/* A new entry (its index bits uninitialised) listed under its size and,
 * without outer products, under each of its tensors; -1 OOM. */
static int add_entry(dp *d, tset mask)
{
	rehash(d);
	if (d->oom)
		return -1;
	if (d->ne == d->cape) {
		int nc = d->cape * 2;
		entry *e = realloc(d->e, sizeof(entry) * (size_t)nc);
		if (e)
			d->e = e;
		uint64_t *b = e ? realloc(d->bits, sizeof(uint64_t) * (size_t)d->w * (size_t)nc) : NULL;
		if (!b) {
			d->oom = d->stop = 1;
			return -1;
		}
		d->bits = b;
		d->cape = nc;
	}
	int k = d->ne++, c = tset_count(mask);
	if (list_add(&d->list[c], &d->nlist[c], &d->caplist[c], k)) {
		d->oom = d->stop = 1;
		return -1;
	}
	for (tset r = d->outer ? 0 : mask; r; r &= r - 1) {
		int v = c * DP_MAXN + tset_first(r);
		if (list_add(&d->mlist[v], &d->nmlist[v], &d->capmlist[v], k)) {
			d->oom = d->stop = 1;
			return -1;
		}
		d->listed++;
	}
	size_t s = slot_of(mask, d->hcap);
	while (d->hash[s] >= 0)
		s = (s + 1) & (size_t)(d->hcap - 1);
	d->hash[s] = k;
	d->e[k].mask = mask;
	return k;
}

/* Clears the tables and stores the single tensors. */
static void reset(dp *d)
{
	d->ne = 0;
	memset(d->hash, 0xff, sizeof(int) * (size_t)d->hcap);
	memset(d->nlist, 0, sizeof(int) * (size_t)(d->m + 1));
	memset(d->nmlist, 0, sizeof(int) * (size_t)d->nml);
	const path_problem *p = d->prob;
	for (int j = 0; j < d->m; j++) {
		int k = add_entry(d, (tset)1 << j);
		if (k < 0)
			return;
		entry *x = &d->e[k];
		int t = d->tensor[j];
		uint64_t *b = d->bits + (size_t)k * (size_t)d->w;
		memset(b, 0, sizeof(uint64_t) * (size_t)d->w);
		/* Private indices (no other tensor, not the output) stay out of the
		 * bits: they never meet another operand. */
		x->size = 1;
		x->priv = 0;
		path_cost all = 1;
		for (int q = p->start[t]; q < p->start[t + 1]; q++) {
			int i = p->index[q];
			all = path_cost_mul(all, (path_cost)p->size[i]);
			if (d->tmask[i] == (tset)1 << j && !p->out[i]) {
				x->priv = path_cost_mul(x->priv ? x->priv : 1, (path_cost)p->size[i]);
				continue;
			}
			b[i >> 6] |= 1ull << (i & 63);
			x->size = path_cost_mul(x->size, (path_cost)p->size[i]);
		}
		int fits = !d->o->max_intermediate || x->size <= d->o->max_intermediate;
		x->dsize = path_cost_double(x->size);
		x->unary = x->priv && fits ? path_step_score(path_cost_mul(all, 2), x->size, d->o->combo) : 0;
		x->nbr = d->tnbr[j];
		x->score = 0;
		x->left = x->right = -1;
		x->tensor = t;
	}
}

/* The score of joining disjoint entries "x" and "y" whose union of indices
 * has "all" elements, their result "kept" and "summed" telling whether
 * the step sums an index; a leaf with private indices joins either whole
 * (they are summed in this step) or reduced first by a unary step,
 * whichever is cheaper (the unary choice only when d->unary). */
static path_cost join_score(const dp *d, const entry *x, const entry *y, path_cost all,
                            path_cost kept, int summed)
{
	path_cost best = PATH_COST_MAX;
	for (int c = 0; c < 4; c++) {
		if (((c & 1) && !(x->unary && d->unary)) || ((c & 2) && !(y->unary && d->unary)))
			continue;
		path_cost a = all, extra = 0;
		int sum = summed;
		if (x->priv && !(c & 1)) {
			a = path_cost_mul(a, x->priv);
			sum = 1;
		} else if (x->priv) {
			extra = x->unary;
		}
		if (y->priv && !(c & 2)) {
			a = path_cost_mul(a, y->priv);
			sum = 1;
		} else if (y->priv) {
			extra = path_cost_add(extra, y->unary);
		}
		path_cost f = sum ? path_cost_mul(a, 2) : a;
		path_cost sc = path_cost_add(extra, path_step_score(f, kept, d->o->combo));
		if (sc < best)
			best = sc;
	}
	return best;
}

/* Pairs entries "a" and "b" (disjoint): stores or improves their union when
 * its score stays within "cap" and its size within the limit. */
static void pair(dp *d, int a, int b, path_cost cap)
{
	const entry *x = &d->e[a], *y = &d->e[b];
	path_cost base = path_cost_add(x->score, y->score);
	if (base > cap)
		return;
	tset s = x->mask | y->mask, rest = d->full & ~s;
	const uint64_t *bx = d->bits + (size_t)a * (size_t)d->w;
	const uint64_t *by = d->bits + (size_t)b * (size_t)d->w;
	const path_problem *p = d->prob;
	/* Any way of joining them costs at least the union of their indices:
	 * skip the exact count when that bound already breaks the cap (never
	 * when nothing is capped: saturated costs still need a path). */
	double shared = 1;
	for (int q = 0; q < d->w; q++)
		for (uint64_t both = bx[q] & by[q]; both; both &= both - 1)
			shared *= (double)p->size[q * 64 + __builtin_ctzll(both)];
	if (cap != PATH_COST_MAX &&
	    x->dsize * y->dsize / shared > path_cost_double(cap - base) * (1 + 1e-9) + 1)
		return;
	path_cost all = 1, kept = 1;
	int summed = 0;
	for (int q = 0; q < d->w; q++)
		for (uint64_t u = bx[q] | by[q]; u; u &= u - 1) {
			uint64_t bit = u & -u;
			int i = q * 64 + __builtin_ctzll(u);
			all = path_cost_mul(all, (path_cost)p->size[i]);
			if ((bx[q] & by[q] & bit) && !(d->outbits[q] & bit) && !(d->tmask[i] & rest))
				summed = 1;
			else
				kept = path_cost_mul(kept, (path_cost)p->size[i]);
		}
	if (d->o->max_intermediate && kept > d->o->max_intermediate && !(s == d->full && d->whole))
		return; /* the limit does not bound the output */
	path_cost score = path_cost_add(base, join_score(d, x, y, all, kept, summed));
	/* A part of the whole still meets a partner in a step that costs at
	 * least its size. */
	if (score > cap || (s != d->full && path_cost_add(score, kept) > cap))
		return;
	int k = find(d, s);
	if (k >= 0 && d->e[k].score <= score)
		return;
	if (k < 0) {
		k = add_entry(d, s);
		if (k < 0)
			return;
		x = &d->e[a];
		y = &d->e[b];
		bx = d->bits + (size_t)a * (size_t)d->w;
		by = d->bits + (size_t)b * (size_t)d->w;
		uint64_t *bs = d->bits + (size_t)k * (size_t)d->w;
		for (int q = 0; q < d->w; q++) {
			bs[q] = bx[q] | by[q];
			for (uint64_t both = bx[q] & by[q]; both; both &= both - 1) {
				int i = q * 64 + __builtin_ctzll(both);
				if (!(d->outbits[q] >> (i & 63) & 1) && !(d->tmask[i] & rest))
					bs[q] &= ~(1ull << (i & 63));
			}
		}
		d->e[k].nbr = (x->nbr | y->nbr) & ~s;
		d->e[k].tensor = -1;
		d->e[k].priv = 0;
	}
	entry *z = &d->e[k];
	z->score = score;
	z->size = kept;
	z->dsize = path_cost_double(kept);
	z->left = a;
	z->right = b;
}

/* Whether item "a" sorts before "b": key, then entry. */
static int item_less(const item *a, const item *b)
{
	return a->key < b->key || (a->key == b->key && a->k < b->k);
}

/* Sorts "l" ("n" items) by item_less: insertion sort of runs of SORT_RUN,
 * then bottom-up merges through "tmp" (room for "n"). The order is total
 * (entries differ), so any sort gives the same list. */
#define SORT_RUN 16
static void sort_items(item *l, item *tmp, int n)
{
	for (int lo = 0; lo < n; lo += SORT_RUN) {
		int hi = lo + SORT_RUN < n ? lo + SORT_RUN : n;
		for (int i = lo + 1; i < hi; i++) {
			item x = l[i];
			int j = i;
			for (; j > lo && item_less(&x, &l[j - 1]); j--)
				l[j] = l[j - 1];
			l[j] = x;
		}
	}
	item *src = l, *dst = tmp;
	for (int w = SORT_RUN; w < n; w *= 2) {
		for (int lo = 0; lo < n; lo += 2 * w) {
			int mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			int i = lo, j = mid, k = lo;
			while (i < mid || j < hi)
				dst[k++] = j == hi || (i < mid && item_less(&src[i], &src[j])) ? src[i++] : src[j++];
		}
		item *t = src;
		src = dst;
		dst = t;
	}
	if (src != l)
		memcpy(l, src, sizeof(item) * (size_t)n);
}

/* Sorts the entries of size "m" by key (score plus size) once that size is
 * complete, so that pairing can stop at the first partner that breaks the
 * cap: the list of the size, then (without outer products) each tensor's
 * list refilled from it in order. */
static void sort_level(dp *d, int m)
{
	item *l = d->list[m];
	int n = d->nlist[m];
	for (int i = 0; i < n; i++) {
		l[i].key = path_cost_add(d->e[l[i].k].score, d->e[l[i].k].size);
		l[i].mask = d->e[l[i].k].mask;
	}
	if (n > d->captmp) {
		item *t = realloc(d->tmp, sizeof(item) * (size_t)n);
		if (!t) {
			d->oom = d->stop = 1;
			return;
		}
		d->tmp = t;
		d->captmp = n;
	}
	sort_items(l, d->tmp, n);
	if (d->outer)
		return;
	int *nm = d->nmlist + (size_t)m * DP_MAXN;
	memset(nm, 0, sizeof(int) * (size_t)d->m);
	for (int i = 0; i < n; i++)
		for (tset r = l[i].mask; r; r &= r - 1) {
			int v = tset_first(r);
			d->mlist[m * DP_MAXN + v][nm[v]++] = l[i];
		}
}

/* Counts one pair evaluation against the work budget, which also pays for
 * the list entries of the subsets stored so far: on large networks those
 * (a subset of c tensors is listed c times) take most of the time and the
 * memory. */
static void count_work(dp *d)
{
	if (++d->work + d->listed > d->o->dp_work && d->o->dp_work)
		d->stop = 1;
}

/* Pairs every stored entry of size "k" with every disjoint one of size
 * "m - k" (each unordered pair once), outer products included. */
static void pair_all(dp *d, int k, int m, path_cost cap)
{
	int na = d->nlist[k], nb = d->nlist[m - k];
	const item *la = d->list[k], *lb = d->list[m - k];
	for (int ia = 0; ia < na && !d->stop; ia++) {
		path_cost sa = d->e[la[ia].k].score;
		for (int ib = k == m - k ? ia + 1 : 0; ib < nb && !d->stop; ib++) {
			if (path_cost_add(sa, lb[ib].key) > cap)
				break;
			if (la[ia].mask & lb[ib].mask)
				continue;
			count_work(d);
			pair(d, la[ia].k, lb[ib].k, cap);
		}
	}
}

/* Pairs every stored entry of size "k" with the disjoint ones of size
 * "m - k" that share an index with it: those holding a neighbour v, counted
 * under their lowest such v (each unordered pair once). */
static void pair_connected(dp *d, int k, int m, path_cost cap)
{
	int na = d->nlist[k];
	const item *la = d->list[k];
	for (int ia = 0; ia < na && !d->stop; ia++) {
		int a = la[ia].k;
		tset am = la[ia].mask, an = d->e[a].nbr;
		path_cost sa = d->e[a].score;
		if (sa > cap)
			continue;
		/* a partner breaks the cap when sa + its key does: its key passes
		 * cap - sa (never under no cap, where the sum saturates at it) */
		path_cost room = cap == PATH_COST_MAX ? PATH_COST_MAX : cap - sa;
		for (tset r = an; r && !d->stop; r &= r - 1) {
			int v = tset_first(r), l = (m - k) * DP_MAXN + v, nb = d->nmlist[l];
			/* a partner holds none of a's tensors and none of its
			 * neighbours below v */
			tset bad = am | (an & (((tset)1 << v) - 1));
			const item *lb = d->mlist[l];
			for (const item *b = lb; b < lb + nb && b->key <= room; b++) {
				if ((b->mask & bad) || (k == m - k && b->k < a))
					continue;
				count_work(d);
				pair(d, a, b->k, cap);
				if (d->stop)
					break;
			}
		}
	}
}

/* One round under "cap": the entry of the whole set, -1 when the cap (or
 * the limit) blocks it, -2 when the work budget or memory ran out. */
static int round_under(dp *d, path_cost cap)
{
	reset(d);
	sort_level(d, 1);
	for (int m = 2; m <= d->m && !d->stop; m++) {
		for (int k = 1; 2 * k <= m && !d->stop; k++) {
			if (d->outer)
				pair_all(d, k, m, cap);
			else
				pair_connected(d, k, m, cap);
		}
		sort_level(d, m);
	}
	if (d->stop)
		return -2;
	return find(d, d->full);
}

/* Writes the steps that build entry "k" into "steps" (from "*ns" on, SSA
 * ids from "base"); returns the id of its result. */
static int emit(const dp *d, int k, int base, int (*steps)[2], int *ns)
{
	const entry *x = &d->e[k];
	if (x->left < 0)
		return x->tensor;
	int l = emit(d, x->left, base, steps, ns);
	int r = emit(d, x->right, base, steps, ns);
	steps[*ns][0] = l < r ? l : r;
	steps[*ns][1] = l < r ? r : l;
	return base + (*ns)++;
}

/* Solves the DP over the "m" tensors "tensor" (one component, or all);
 * appends its steps. 0 ok, 1 blocked by the limit, 2 out of work, -1 OOM. */
static int solve_part(dp *d, const int *tensor, int m, path_cost upper,
                      int (*steps)[2], int *ns, int *root, path_cost *size)
{
	const path_problem *p = d->prob;
	d->m = m;
	d->tensor = tensor;
	d->full = m == DP_MAXN ? ~(tset)0 : ((tset)1 << m) - 1;
	memset(d->tmask, 0, sizeof(tset) * (size_t)(p->nindices + 1));
	for (int j = 0; j < m; j++)
		for (int q = p->start[tensor[j]]; q < p->start[tensor[j] + 1]; q++)
			d->tmask[p->index[q]] |= (tset)1 << j;
	for (int j = 0; j < m; j++) {
		d->tnbr[j] = 0;
		for (int q = p->start[tensor[j]]; q < p->start[tensor[j] + 1]; q++)
			d->tnbr[j] |= d->tmask[p->index[q]];
		d->tnbr[j] &= ~((tset)1 << j);
	}
	path_cost cap = upper == PATH_COST_MAX ? 1 : m <= PATH_DP_OUTER_MAX ? upper : upper / 4;
	if (cap < 1)
		cap = 1;
	for (;;) {
		int k = round_under(d, cap);
		if (k == -2)
			return d->oom ? -1 : 2;
		if (k >= 0) {
			*root = emit(d, k, p->n, steps, ns);
			*size = d->e[k].size;
			return 0;
		}
		if (cap == PATH_COST_MAX)
			return 1;
		path_cost next = path_cost_mul(cap, 2);
		cap = cap < upper && next > upper ? upper : next;
	}
}

/* Labels the connected components of the problem's tensors in "comp";
 * returns their number. Components are numbered by their first tensor. */
static int components(const path_problem *p, int *comp, int *stack)
{
	int nc = 0;
	for (int t = 0; t < p->n; t++)
		comp[t] = -1;
	for (int t0 = 0; t0 < p->n; t0++) {
		if (comp[t0] >= 0)
			continue;
		int top = 0;
		stack[top++] = t0;
		comp[t0] = nc;
		while (top) {
			int t = stack[--top];
			for (int u = 0; u < p->n; u++) {
				if (comp[u] >= 0)
					continue;
				int shared = 0;
				for (int a = p->start[t], b = p->start[u];
				     a < p->start[t + 1] && b < p->start[u + 1] && !shared;) {
					if (p->index[a] == p->index[b])
						shared = 1;
					else if (p->index[a] < p->index[b])
						a++;
					else
						b++;
				}
				if (shared) {
					comp[u] = nc;
					stack[top++] = u;
				}
			}
		}
		nc++;
	}
	return nc;
}

/* Allocates the DP tables of "d"; -1 when out of memory. */
static int dp_init(dp *d, const path_problem *p, const path_options *o)
{
	memset(d, 0, sizeof(*d));
	d->prob = p;
	d->o = o;
	d->w = (p->nindices + 63) / 64 + 1;
	d->cape = 64;
	d->hcap = 128;
	d->nml = (p->n + 1) * DP_MAXN;
	d->tmask = malloc(sizeof(tset) * (size_t)(p->nindices + 1));
	d->tnbr = malloc(sizeof(tset) * DP_MAXN);
	d->outbits = calloc((size_t)d->w, sizeof(uint64_t));
	d->e = malloc(sizeof(entry) * (size_t)d->cape);
	d->bits = malloc(sizeof(uint64_t) * (size_t)d->w * (size_t)d->cape);
	d->hash = malloc(sizeof(int) * (size_t)d->hcap);
	d->list = calloc(DP_MAXN + 2, sizeof(item *));
	d->nlist = calloc(DP_MAXN + 2, sizeof(int));
	d->caplist = calloc(DP_MAXN + 2, sizeof(int));
	d->mlist = calloc((size_t)d->nml, sizeof(item *));
	d->nmlist = calloc((size_t)d->nml, sizeof(int));
	d->capmlist = calloc((size_t)d->nml, sizeof(int));
	if (!d->tmask || !d->tnbr || !d->outbits || !d->e || !d->bits || !d->hash ||
	    !d->list || !d->nlist || !d->caplist || !d->mlist || !d->nmlist || !d->capmlist)
		return -1;
	for (int i = 0; i < p->nindices; i++)
		if (p->out[i])
			d->outbits[i >> 6] |= 1ull << (i & 63);
	return 0;
}

/* Frees the DP tables of "d". */
static void dp_fini(dp *d)
{
	for (int c = 0; d->list && c < DP_MAXN + 2; c++)
		free(d->list[c]);
	free(d->list);
	for (int c = 0; d->mlist && c < d->nml; c++)
		free(d->mlist[c]);
	free(d->mlist);
	free(d->nmlist);
	free(d->capmlist);
	free(d->nlist);
	free(d->caplist);
	free(d->tmask);
	free(d->tnbr);
	free(d->outbits);
	free(d->e);
	free(d->bits);
	free(d->hash);
	free(d->tmp);
}

/* A component's result while joining: its output indices' element count
 * and its SSA id. */
typedef struct {
	path_cost size;
	int id;
} part;

/* Orders parts by size, then id. */
static int cmp_part(const void *pa, const void *pb)
{
	const part *a = pa, *b = pb;
	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* Solves each component (or the whole problem with outer products when
 * small), then joins the components. */
int path_dp_solve(const path_problem *prob, const path_options *o, path_cost upper,
                  int flags, int (*steps)[2], int64_t *work)
{
	int n = prob->n, ns = 0, r = 0;
	if (n > DP_MAXN)
		return 3;
	dp d;
	int *comp = malloc(sizeof(int) * (size_t)n), *stack = malloc(sizeof(int) * (size_t)n);
	int *members = malloc(sizeof(int) * (size_t)n);
	part *parts = malloc(sizeof(part) * (size_t)n);
	if (dp_init(&d, prob, o) || !comp || !stack || !members || !parts) {
		r = -1;
		goto done;
	}
	d.outer = n <= PATH_DP_OUTER_MAX && !(flags & PATH_DP_CONNECTED);
	d.unary = flags & PATH_DP_UNARY;
	int nc = d.outer ? 1 : components(prob, comp, stack);
	d.whole = nc == 1;
	for (int c = 0; c < nc && r == 0; c++) {
		int m = 0;
		for (int t = 0; t < n; t++)
			if (nc == 1 || comp[t] == c)
				members[m++] = t;
		parts[c].id = members[0];
		parts[c].size = 1;
		if (m > 1)
			r = solve_part(&d, members, m, upper, steps, &ns, &parts[c].id, &parts[c].size);
	}
	/* Join the components' results smallest first: a sorted queue where each
	 * join is inserted back in order. */
	for (int c = 0; c < nc && r == 0; c++) {
		path_cost s = 1;
		int id = parts[c].id;
		if (id < n) {
			for (int q = prob->start[id]; q < prob->start[id + 1]; q++)
				if (prob->out[prob->index[q]])
					s = path_cost_mul(s, (path_cost)prob->size[prob->index[q]]);
		} else {
			s = parts[c].size;
		}
		parts[c].size = s;
	}
	if (r == 0)
		qsort(parts, (size_t)nc, sizeof(part), cmp_part);
	for (int lo = 0; r == 0 && lo + 1 < nc; lo++) {
		part a = parts[lo], b = parts[lo + 1];
		path_cost s = path_cost_mul(a.size, b.size);
		if (o->max_intermediate && s > o->max_intermediate && lo + 2 < nc) {
			r = 1;
			break;
		}
		steps[ns][0] = a.id < b.id ? a.id : b.id;
		steps[ns][1] = a.id < b.id ? b.id : a.id;
		part z = {s, n + ns++};
		int k = lo + 1;
		while (k + 1 < nc && cmp_part(&parts[k + 1], &z) < 0) {
			parts[k] = parts[k + 1];
			k++;
		}
		parts[k] = z;
	}
done:
	if (work)
		*work += d.work;
	dp_fini(&d);
	free(comp);
	free(stack);
	free(members);
	free(parts);
	return r;
}

/* Runs the DP, bounded by the score of "upper" when given. */
einc_status path_search_dp(einc_ctx *ctx, arena *a, const path_problem *prob,
                           const path_options *o, const path *upper, path **out)
{
	if (prob->n > DP_MAXN)
		return ctx_fail(ctx, EINC_EUNSUPPORTED, "path", "the exact search takes at most "
		                "%d tensors, this problem has %d", DP_MAXN, prob->n);
	path *p = path_new(a, prob->n);
	if (!p)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	int r = path_dp_solve_memo(o->memo, prob, o, upper ? upper->score : PATH_COST_MAX,
	                           PATH_DP_UNARY, p->step, NULL);
	if (r < 0)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	if (r == 1)
		return ctx_fail(ctx, EINC_EBUDGET, "path", "no contraction path keeps every "
		                "intermediate within max_intermediate");
	if (r == 2)
		return ctx_fail(ctx, EINC_EUNSUPPORTED, "path", "the exact search gave up on %d "
		                "operands after %lld pair evaluations and stored subsets (its "
		                "work budget); "
		                "--path=auto, greedy or refine find a path", prob->n,
		                (long long)o->dp_work);
	return path_finish(ctx, prob, o, p, "no contraction path keeps every intermediate "
	                   "within max_intermediate", out);
}
