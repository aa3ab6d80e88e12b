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
 * least bound left still bounds every set from below.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

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
	double target, min_slices, best, *cost;
	uint64_t found; /* the labels of the best complete set */
	int64_t work;   /* split evaluations left; < 0: given up */
	double open;    /* the least bound of the branches left (best_first) */
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
					           (u & ~f->out[a] & (never | f->sums) ? 2 : 1);
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

double slice_exact(const path_problem *prob, double target, double min_slices, double limit,
                   int64_t work, int keep_sums, uint64_t *labels, int *settled)
{
	int n = prob->n, ni = prob->nindices;
	*labels = 0;
	*settled = 0;
	if (n < 2 || n > SLICE_EXACT_MAX_TENSORS || ni > 64)
		return NAN;
	size_t subsets = (size_t)1 << n;
	uint64_t *held = malloc(sizeof(uint64_t) * subsets), *out = malloc(sizeof(uint64_t) * subsets);
	double *cost = malloc(sizeof(double) * subsets), (*tab)[256] = calloc(8, sizeof(*tab));
	double bound = NAN;
	if (!held || !out || !cost || !tab)
		goto done;
	for (int b = 0; b < 8; b++)
		for (int x = 0; x < 256; x++) {
			tab[b][x] = 1;
			for (int i = 0; i < 8; i++)
				if (x >> i & 1 && 8 * b + i < ni)
					tab[b][x] *= (double)prob->size[8 * b + i];
		}
	uint64_t outputs = 0;
	for (int i = 0; i < ni; i++)
		outputs |= (uint64_t)(prob->out[i] != 0) << i;
	held[0] = 0;
	for (size_t a = 1; a < subsets; a++) {
		int t = __builtin_ctzll(a);
		uint64_t mine = 0;
		for (int k = prob->start[t]; k < prob->start[t + 1]; k++)
			mine |= (uint64_t)1 << prob->index[k];
		held[a] = held[a & (a - 1)] | mine;
	}
	/* a step result's labels: those its tensors hold that another tensor
	 * or the output holds too; the labels some result holds may be sliced
	 * (slicing one no step result holds only repeats work) */
	size_t full = subsets - 1;
	uint64_t bonds = 0;
	for (size_t a = 1; a < subsets; a++)
		bonds |= out[a] = held[a] & (held[full ^ a] | outputs);
	search f = {.n = n, .out = out, .tab = (const double(*)[256])tab, .target = target,
	            .min_slices = min_slices, .best = limit, .cost = cost,
	            .work = work, .sums = keep_sums ? ~(uint64_t)0 : 0, .open = INFINITY};
	for (int i = 0; i < ni; i++)
		if (bonds >> i & 1)
			f.label[f.nl++] = i;
	if (best_first(&f))
		goto done;
	bound = f.open < f.best ? f.open : f.best;
	*labels = f.found;
	*settled = f.open == INFINITY;
done:
	free(held);
	free(out);
	free(cost);
	free(tab);
	return bound;
}
