/*
 * slice_exact.c - the least flops of any slicing of a small contraction
 * that meets a target size, and its labels (slice.h).
 *
 * Slicing labels S and running tree t costs, per pairwise step v,
 * |S| * |U(v) \ S| flops (|X| the product of X's sizes, U(v) the labels
 * of v's operands), twice that when v sums a label not in S; every step
 * result must keep at most the target of its labels not in S. For a
 * fixed S the best tree is a dynamic program over the subsets of tensors
 * (3^n). The sets are branched label by label (sliced, or never): with
 * "sliced" and "never" decided, the same program over the trees whose
 * results keep at most the target of their "never" labels, each step
 * costing |U(v) u sliced| (twice when it sums a "never" label), bounds
 * every completion from below (more sliced labels only cost more, fewer
 * "never" ones only allow more trees), so a branch whose bound is not
 * below the best complete set so far is cut. Branches are taken best
 * first (least bound): started from a good set's cost, the search only
 * opens the branches that bound below it, and when the work runs out the
 * least bound left still bounds every set from below. Labels are decided
 * largest first (a large label "never" sliced constrains the trees most:
 * on the randreg pub-029 at 1/64 the bound settles in 3 s where label
 * order left it at half the least cost after 10^10 splits).
 *
 * A network of more tensors is bounded through subnetworks of a few:
 * each one's least sliced cost, its labels only those its tensors share,
 * is at most the whole's (slice_bound_within in slice.h).
 *
 * And through a subnetwork W and the rest apart (slice_bound_apart): let
 * L_W be W's labels, B_1 .. B_m tensor sets disjoint from W and from each
 * other, L_j the labels of B_j but for those of L_W and of L_i, i < j (so
 * L_W, L_1 .. L_m are disjoint). For any S and tree t of the whole that
 * meet the target, the steps of t's restriction to W are distinct steps of
 * t, each holding U' of L_W where the whole's step holds U >= U' (and
 * doubling where W's does), so the whole costs at least the sum over them
 * of |S u U'| = |S \ L_W| * |(S n L_W) u U'|, that is |S \ L_W| times the
 * cost of slicing S n L_W with the restricted tree in W, at least W's
 * least sliced cost; and |S \ L_W| >= |S n L_1| * .. * |S n L_m|, where
 * S n L_j slices B_j (its labels L_j, the others left out) so that the
 * restriction of t to B_j meets the target: it is at least the least
 * slices any tree of B_j needs, the same branch and bound with each set's
 * slices in place of its flops (a set fits when best_tree finds a tree:
 * more labels sliced only add slices). So W's least cost times the blocks'
 * least slices is at most the whole's least cost.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slice.h"

/* The product of the sizes of the labels in "mask" from "tab" (per byte
 * of the mask, the products of its 256 subsets). */
static double mask_product(const double (*tab)[256], uint64_t mask)
{
	double p = 1;
	for (int b = 0; mask; b++, mask >>= 8)
		p *= tab[b][mask & 255];
	return p;
}

/* What the branch and bound searches over: the problem's step results
 * per subset of its "n" tensors, the labels ("nl" of them, "label") that
 * may be sliced, the best cost found and the work left. */
typedef struct {
	int n, nl, label[64];
	const uint64_t *out;
	const double (*tab)[256];
	uint64_t sums; /* labels whose summing doubles a step's flops sliced or not */
	uint64_t summable; /* labels whose summing here is summing in the whole network */
	double target, min_slices, best, *cost;
	uint64_t found; /* the labels of the best complete set */
	int64_t work;   /* split evaluations left; < 0: given up */
	double open;    /* the least bound of the branches left (best_first) */
	int count;      /* the least slices instead of the least flops */
} search;

/* The least cost over trees whose every step result keeps at most the
 * target of its labels in "never" (labels not sliced), each step costing
 * |U u sliced| flops, twice that when it sums a label of "never" (of any
 * with f->sums all ones): a lower
 * bound for every slicing of "sliced" plus labels not in "never", exact
 * when those are all the labels. INFINITY where no tree fits. */
static double best_tree(search *f, uint64_t sliced, uint64_t never)
{
	uint32_t full = (1u << f->n) - 1;
	double *best = f->cost;
	for (uint32_t a = 1; a <= full; a++) {
		uint32_t low = a & -a, rest = a ^ low;
		if (!rest) {
			best[a] = 0;
			continue;
		}
		double b = INFINITY;
		if (mask_product(f->tab, f->out[a] & never) <= f->target)
			for (uint32_t sub = rest;; sub = (sub - 1) & rest) {
				uint32_t x = sub | low, y = a ^ x;
				if (y && best[x] + best[y] < b) {
					uint64_t u = f->out[x] | f->out[y];
					double c = mask_product(f->tab, u | sliced) *
					           (u & ~f->out[a] & (never | f->sums) & f->summable ? 2 : 1);
					if (best[x] + best[y] + c < b)
						b = best[x] + best[y] + c;
				}
				if (!sub)
					break;
			}
		best[a] = b;
		f->work -= 1 << __builtin_popcount(rest);
	}
	return best[full];
}

/* A branch: labels label[0 .. k-1] decided (sliced or never), the rest
 * open, and best_tree's bound for it. */
typedef struct {
	double bound;
	uint64_t sliced, never;
	int k;
} node;

/* Adds "x" to the min-heap "h" of "*n" nodes by bound (room for "*cap",
 * grown as needed); -1 when out of memory. */
static int heap_push(node **h, size_t *n, size_t *cap, node x)
{
	if (*n == *cap) {
		size_t more = *cap ? 2 * *cap : 64;
		node *g = realloc(*h, sizeof(node) * more);
		if (!g)
			return -1;
		*h = g;
		*cap = more;
	}
	size_t i = (*n)++;
	for (; i && (*h)[(i - 1) / 2].bound > x.bound; i = (i - 1) / 2)
		(*h)[i] = (*h)[(i - 1) / 2];
	(*h)[i] = x;
	return 0;
}

/* Removes the least node of the min-heap "h" of "*n" nodes (not empty). */
static void heap_pop(node *h, size_t *n)
{
	node last = h[--*n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1].bound < h[c].bound)
			c++;
		if (!(h[c].bound < last.bound))
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n)
		h[i] = last;
}

/* Bounds branch "x" (x.bound set): one below f->best goes on the heap
 * "h" of "*n" ("*cap" room) when a label is still open, else it is a full
 * set, which with at least f->min_slices slices becomes f->best (its
 * bound is exact there) and f->found. -1 when out of memory. */
static int consider(search *f, node x, node **h, size_t *n, size_t *cap)
{
	x.bound = best_tree(f, x.sliced, x.never);
	if (f->count && x.bound < INFINITY) /* some tree fits: more labels only add slices */
		x.bound = mask_product(f->tab, x.sliced);
	if (!(x.bound < f->best))
		return 0;
	if (x.k < f->nl)
		return heap_push(h, n, cap, x);
	if (mask_product(f->tab, x.sliced) >= f->min_slices) {
		f->best = x.bound;
		f->found = x.sliced;
	}
	return 0;
}

/* The branch and bound, best first: takes the open branch of the least
 * bound and decides its next label both ways (consider). When the work
 * runs out, the least bound of the branches left is a lower bound on
 * every set not tried (into f->open; INFINITY when the search ended).
 * -1 when out of memory. */
static int best_first(search *f)
{
	size_t n = 0, cap = 0;
	node *h = NULL;
	int st = consider(f, (node){0}, &h, &n, &cap);
	f->open = INFINITY;
	while (!st && n && h[0].bound < f->best) {
		if (f->work < 0) {
			f->open = h[0].bound;
			break;
		}
		node top = h[0];
		uint64_t bit = (uint64_t)1 << f->label[top.k];
		heap_pop(h, &n);
		st = consider(f, (node){.sliced = top.sliced | bit, .never = top.never, .k = top.k + 1},
		              &h, &n, &cap);
		if (!st)
			st = consider(f, (node){.sliced = top.sliced, .never = top.never | bit,
			                        .k = top.k + 1}, &h, &n, &cap);
	}
	free(h);
	return st;
}

/* Whether label "i" of "prob" is one of a subnetwork's, "inside" of whose
 * tensors hold it: two of them, or one and the output. */
static int subnetwork_label(const path_problem *prob, const int *inside, int i)
{
	return inside[i] >= 2 || (inside[i] && prob->out[i]);
}

/* The branch and bound (best_first) over the network of the tensors
 * "member" ("n" of them, ids of "prob", at most SLICE_EXACT_MAX_TENSORS),
 * its labels those held by two of them or by one and the output (but for
 * those marked in "skip", when not NULL: left out, as if of size 1), with
 * "f"'s target, min_slices, best, work and sums set: a lower bound on
 * the sliced flops of "prob" (see slice_bound_within), the least cost of
 * the subnetwork when "*settled". Its labels are numbered here: label k
 * is prob's "global[k]" (room for 64). NAN when there are more than 64
 * such labels or memory runs out. */
static double search_within(search *f, const path_problem *prob, const int *member, int n,
                            const unsigned char *skip, int *global, int *settled)
{
	int ni = prob->nindices;
	size_t subsets = (size_t)1 << n;
	uint64_t *held = malloc(sizeof(uint64_t) * subsets), *out = malloc(sizeof(uint64_t) * subsets);
	double *cost = malloc(sizeof(double) * subsets), (*tab)[256] = calloc(8, sizeof(*tab));
	int *inside = calloc((size_t)ni + 1, sizeof(int)), *all = calloc((size_t)ni + 1, sizeof(int));
	int *local = malloc(sizeof(int) * ((size_t)ni + 1));
	double bound = NAN;
	*settled = 0;
	if (!held || !out || !cost || !tab || !inside || !all || !local)
		goto done;
	for (int t = 0; t < prob->n; t++)
		for (int k = prob->start[t]; k < prob->start[t + 1]; k++)
			all[prob->index[k]]++;
	for (int m = 0; m < n; m++)
		for (int k = prob->start[member[m]]; k < prob->start[member[m] + 1]; k++)
			inside[prob->index[k]]++;
	int nl = 0;
	uint64_t outputs = 0, summable = 0;
	for (int i = 0; i < ni; i++) {
		local[i] = -1;
		if (!subnetwork_label(prob, inside, i) || (skip && skip[i]))
			continue;
		if (nl == 64)
			goto done;
		global[nl] = i;
		outputs |= (uint64_t)(prob->out[i] != 0) << nl;
		summable |= (uint64_t)(!prob->out[i] && inside[i] == all[i]) << nl;
		local[i] = nl++;
	}
	for (int b = 0; b < 8; b++)
		for (int x = 0; x < 256; x++) {
			tab[b][x] = 1;
			for (int i = 0; i < 8; i++)
				if (x >> i & 1 && 8 * b + i < nl)
					tab[b][x] *= (double)prob->size[global[8 * b + i]];
		}
	held[0] = 0;
	for (size_t a = 1; a < subsets; a++) {
		int t = member[__builtin_ctzll(a)];
		uint64_t mine = 0;
		for (int k = prob->start[t]; k < prob->start[t + 1]; k++)
			if (local[prob->index[k]] >= 0)
				mine |= (uint64_t)1 << local[prob->index[k]];
		held[a] = held[a & (a - 1)] | mine;
	}
	/* a step result's labels: those its tensors hold that another tensor
	 * or the output holds too; the labels some result holds may be sliced
	 * (slicing one no step result holds only repeats work) */
	size_t full = subsets - 1;
	uint64_t bonds = 0;
	for (size_t a = 1; a < subsets; a++)
		bonds |= out[a] = held[a] & (held[full ^ a] | outputs);
	f->n = n;
	f->out = out;
	f->tab = (const double(*)[256])tab;
	f->cost = cost;
	f->summable = summable;
	f->found = 0;
	f->nl = 0;
	for (int i = 0; i < nl; i++) /* the largest first, by id on ties */
		if (bonds >> i & 1) {
			int j = f->nl++;
			for (; j && prob->size[global[f->label[j - 1]]] < prob->size[global[i]]; j--)
				f->label[j] = f->label[j - 1];
			f->label[j] = i;
		}
	if (best_first(f))
		goto done;
	bound = f->open < f->best ? f->open : f->best;
	*settled = f->open == INFINITY;
done:
	free(held);
	free(out);
	free(cost);
	free(tab);
	free(inside);
	free(all);
	free(local);
	return bound;
}

double slice_exact(const path_problem *prob, double target, double min_slices, double limit,
                   int64_t work, int keep_sums, uint64_t *labels, int *settled)
{
	int n = prob->n, member[SLICE_EXACT_MAX_TENSORS], global[64];
	*labels = 0;
	*settled = 0;
	if (n < 2 || n > SLICE_EXACT_MAX_TENSORS || prob->nindices > 64)
		return NAN;
	for (int t = 0; t < n; t++)
		member[t] = t;
	search f = {.target = target, .min_slices = min_slices, .best = limit, .work = work,
	            .sums = keep_sums ? ~(uint64_t)0 : 0, .open = INFINITY};
	double bound = search_within(&f, prob, member, n, NULL, global, settled);
	for (int i = 0; i < 64; i++)
		if (f.found >> i & 1)
			*labels |= (uint64_t)1 << global[i];
	return bound;
}

/* The tensors of "prob" grown from tensor "seed" (not taken) into
 * "member" (at most "k" of them, as many as are not taken: the count
 * returned): each next the one not taken that shares the largest product
 * of label sizes with those of "near", or with "compact" the largest
 * such product over that of its other labels (the one that widens the
 * subnetwork's cut least); the lowest id on ties, one sharing none only
 * where none shares any. "taken" flags prob->n tensors and "near"
 * prob->nindices labels (those of the tensors taken since both were last
 * cleared); both are updated. */
static int grow(const path_problem *prob, int seed, int k, int compact, int *member,
                unsigned char *taken, unsigned char *near)
{
	int m = 0;
	for (int pick = seed; pick >= 0 && m < k;) {
		member[m++] = pick;
		taken[pick] = 1;
		for (int x = prob->start[pick]; x < prob->start[pick + 1]; x++)
			near[prob->index[x]] = 1;
		double most = -1;
		pick = -1;
		for (int t = 0; t < prob->n; t++) {
			double shared = 0, alone = 1;
			for (int x = prob->start[t]; !taken[t] && x < prob->start[t + 1]; x++)
				if (near[prob->index[x]])
					shared = (shared ? shared : 1) * (double)prob->size[prob->index[x]];
				else
					alone *= (double)prob->size[prob->index[x]];
			if (compact)
				shared /= alone;
			if (!taken[t] && shared > most) {
				most = shared;
				pick = t;
			}
		}
	}
	return m;
}

double slice_bound_within(const path_problem *prob, int k, double target, double limit,
                          int64_t work, int keep_sums, int *settled)
{
	int n = prob->n, member[SLICE_EXACT_MAX_TENSORS], global[64];
	int seeds = n < SLICE_BOUND_SEEDS ? n : SLICE_BOUND_SEEDS;
	unsigned char *taken = malloc((size_t)(n + prob->nindices) + 1);
	double bound = 0;
	*settled = 0;
	if (k > n)
		k = n;
	if (!taken || k < 2 || k > SLICE_EXACT_MAX_TENSORS) {
		free(taken);
		return NAN;
	}
	for (int s = 0; s < seeds && bound < limit; s++) {
		memset(taken, 0, (size_t)(n + prob->nindices));
		grow(prob, (int)((int64_t)s * n / seeds), k, 0, member, taken, taken + n);
		search f = {.target = target, .best = limit, .work = work / seeds,
		            .sums = keep_sums ? ~(uint64_t)0 : 0, .open = INFINITY};
		int done;
		double b = search_within(&f, prob, member, k, NULL, global, &done);
		if (b > bound)
			bound = b;
	}
	free(taken);
	*settled = bound >= limit;
	return bound;
}

/* Marks in "used" the labels of the subnetwork of the tensors "member"
 * ("m" of them; subnetwork_label), "inside" room for prob->nindices
 * counts (left zero). */
static void mark_labels(const path_problem *prob, const int *member, int m, int *inside,
                        unsigned char *used)
{
	for (int j = 0; j < m; j++)
		for (int x = prob->start[member[j]]; x < prob->start[member[j] + 1]; x++)
			inside[prob->index[x]]++;
	for (int i = 0; i < prob->nindices; i++) {
		used[i] |= subnetwork_label(prob, inside, i);
		inside[i] = 0;
	}
}

/* The least slices (a lower bound where the work runs out) of the blocks
 * that cover the tensors not "taken" (flags, updated), each grown by
 * "grow" to at most "k" tensors, their labels those not yet "used" (flags,
 * updated; "inside" as mark_labels'), multiplied, each block's search
 * given "work" splits; -1 when out of memory. */
static double slices_apart(const path_problem *prob, int k, double target, int64_t work,
                           unsigned char *taken, unsigned char *used, int *inside)
{
	int member[SLICE_EXACT_MAX_TENSORS], global[64];
	unsigned char *near = malloc((size_t)prob->nindices + 1);
	double product = 1;
	for (int seed = 0; near && seed < prob->n; seed++) {
		if (taken[seed])
			continue;
		memset(near, 0, (size_t)prob->nindices);
		int m = grow(prob, seed, k, 1, member, taken, near);
		search f = {.target = target, .best = INFINITY, .work = work, .open = INFINITY,
		            .count = 1};
		int done;
		double least = m >= 2 ? search_within(&f, prob, member, m, used, global, &done) : 1;
		if (least > 1) /* NAN (more than 64 labels): nothing known */
			product *= least;
		mark_labels(prob, member, m, inside, used);
	}
	if (!near)
		return -1;
	free(near);
	return product;
}

double slice_bound_apart(const path_problem *prob, int k, double target, double limit,
                         int64_t work, int keep_sums, int *settled)
{
	int n = prob->n, member[SLICE_EXACT_MAX_TENSORS], global[64];
	int seeds = n < SLICE_BOUND_SEEDS ? n : SLICE_BOUND_SEEDS;
	unsigned char *taken = malloc((size_t)(n + 2 * prob->nindices) + 1);
	int *inside = calloc((size_t)prob->nindices + 1, sizeof(int));
	double bound = 0;
	*settled = 0;
	if (k > n)
		k = n;
	if (!taken || !inside || k < 2 || k > SLICE_EXACT_MAX_TENSORS) {
		bound = NAN;
		goto done;
	}
	unsigned char *near = taken + n, *used = near + prob->nindices;
	for (int j = 2; j <= k; j++)
		for (int s = 0; s < seeds && bound < limit; s++) {
			memset(taken, 0, (size_t)(n + 2 * prob->nindices));
			int m = grow(prob, (int)((int64_t)s * n / seeds), j, 1, member, taken, near);
			mark_labels(prob, member, m, inside, used);
			int64_t share = work / seeds / (1 + (n - 1) / j);
			double rest = slices_apart(prob, j, target, share, taken, used, inside);
			if (rest < 0) {
				bound = NAN;
				goto done;
			}
			search f = {.target = target, .best = limit / rest, .work = share,
			            .sums = keep_sums ? ~(uint64_t)0 : 0, .open = INFINITY};
			int done;
			double b = rest * search_within(&f, prob, member, m, NULL, global, &done);
			if (b > bound) /* not NAN (more than 64 labels) */
				bound = b;
		}
	*settled = bound >= limit;
done:
	free(taken);
	free(inside);
	return bound;
}
