/*
 * slice_cut.c - a lower bound on the slices (and so on the flops) that any
 * slicing of a whole network needs to meet a target size, from the cuts
 * every contraction tree makes (slice.h; docs/slicing.md).
 *
 * The model (slice_exact.c's): slicing labels S with a binary tree t over
 * the n tensors costs, per pairwise step v, |S| * |U(v) \ S| flops (|X| the
 * product of X's sizes, U(v) the labels of v's operands), and every step
 * result keeps at most the target T of its labels not in S. A step's
 * result over the tensors X (its leaves) holds every label that a tensor
 * of X and a tensor outside X hold: cut(X). Every one of the n - 1
 * pairwise steps costs at least |S|, so the sliced flops are at least
 * (n - 1) |S|, and |S| >= 2^b for each of the bounds b below (in bits: w(L)
 * is the sum of log2 of the sizes of the labels L, t = log2 T, R the labels
 * not sliced). No bound here uses the root's result (cut of the whole: the
 * output), nor a step's doubling for sums, nor the output's labels.
 *
 * Separators, within a block. Any binary tree over m >= 3 leaves V, and
 * any 0/1 weight mu on them (here: every leaf, or the leaves that hold at
 * least three of the block's labels), has an internal node X other than
 * the root with mu(X) in [k, 2k - 1], for each k >= 2 with mu(V) >= 2k:
 * from the root, step into the child of the larger mu while mu >= 2k (that
 * child has mu >= k); the node reached has mu >= k >= 2, so it is no leaf.
 * Also the root's child of the larger mu has mu in [ceil(mu(V)/2), mu(V)],
 * and is internal when mu(V) >= 3. At such a node X, the labels held only
 * by tensors of V that cross (X, V \ X), cut_V(X), are in cut(X), so
 * w(cut_V(X) \ S) <= t: S holds at least w(cut_V(X)) - t of them. The
 * tree restricted to X, and to V \ X, are binary trees over X and V \ X
 * whose every internal node is the restriction of an internal node of t
 * (its cut holds theirs), and the labels held only inside X, only inside
 * V \ X, and cut_V(X) are disjoint. So, with g(V) the bound for the labels
 * held only inside V,
 *   g(V) = max over mu and the ranges above of the min over X in range of
 *          max(0, w(cut_V(X)) - t) + g(X) + g(V \ X),
 * g = 0 for fewer than three leaves, is at most w(S ∩ labels inside V)
 * for every tree: a dynamic program over the subsets of a block (3^k).
 * The network's tensors are split into blocks of at most k (each grown
 * from the first tensor left by the one sharing the most bits with it);
 * the blocks' labels are disjoint, so their bounds add up.
 *
 * Steps, over the whole network. A label of R held by two tensors or more
 * and not by the output is summed at the step joining the last of its
 * tensors. Where a child c of that step is not a leaf, the label is in
 * cut(c) \ S, whose labels weigh at most t together; where both children
 * are leaves a and b (a cherry; the cherries pair tensors off), it is one
 * of the labels only a and b hold, m(a, b) bits. So w(R) <= t (n - 1 - c)
 * + the cherries' m + w(output) <= t (n - 1) + sum over tensors a of
 * max(0, max_b m(a, b) - t) / 2 + w(output), and w(S) is at least the
 * labels held twice or by the output less that. At T = 1 every label
 * some step result holds is sliced: all but those of one pairing.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slice.h"

/* The bits of the labels in "mask" from "tab" (per byte of the mask, the
 * sums of its 256 subsets). */
static double mask_bits(const double (*tab)[256], uint64_t mask)
{
	double w = 0;
	for (int b = 0; mask; b++, mask >>= 8)
		w += tab[b][mask & 255];
	return w;
}

/* The least of "v" over [lo, hi] (INFINITY for none). */
static double least_in(const double *v, int lo, int hi)
{
	double m = INFINITY;
	for (int j = lo; j <= hi; j++)
		if (v[j] < m)
			m = v[j];
	return m;
}

/* The separators' bound over ranges [k, 2k - 1] and the root's larger
 * child's, for weights whose total is "total", from "least" (per weight,
 * the least value of a node of that weight). */
static double ranges_bound(const double *least, int total)
{
	double b = 0;
	for (int k = 2; 2 * k <= total; k++) {
		double r = least_in(least, k, 2 * k - 1);
		if (r > b)
			b = r;
	}
	if (total >= 3) {
		double r = least_in(least, (total + 1) / 2, total);
		if (r > b)
			b = r;
	}
	return b;
}

/* g of the header over the block of "k" tensors whose labels (at most 64,
 * bits "local") are "held" per tensor, for "t" bits a step; "heavy": the
 * tensors of weight 1 in the second weighting. -1 when out of memory. */
static double block_bits(const uint64_t *mine, int k, const double (*tab)[256], uint64_t heavy,
                         double t)
{
	size_t subsets = (size_t)1 << k, full = subsets - 1;
	uint64_t *held = malloc(sizeof(uint64_t) * subsets);
	double *g = malloc(sizeof(double) * subsets);
	if (!held || !g) {
		free(held);
		free(g);
		return -1;
	}
	held[0] = 0;
	for (size_t a = 1; a < subsets; a++)
		held[a] = held[a & (a - 1)] | mine[__builtin_ctzll(a)];
	for (size_t v = 0; v < subsets; v++) {
		int m = __builtin_popcountll(v);
		uint64_t inside = held[v] & ~held[full ^ v];
		g[v] = 0;
		if (m < 3 || !inside)
			continue;
		double least[2][65];
		for (int j = 0; j <= m; j++)
			least[0][j] = least[1][j] = INFINITY;
		for (size_t x = (v - 1) & v; x; x = (x - 1) & v) {
			size_t y = v ^ x;
			double c = mask_bits(tab, held[x] & held[y] & inside) - t;
			double val = (c > 0 ? c : 0) + g[x] + g[y];
			int jc = __builtin_popcountll(x), jh = __builtin_popcountll(x & heavy);
			if (val < least[0][jc])
				least[0][jc] = val;
			if (val < least[1][jh])
				least[1][jh] = val;
		}
		double b0 = ranges_bound(least[0], m);
		double b1 = ranges_bound(least[1], __builtin_popcountll(v & heavy));
		g[v] = b0 > b1 ? b0 : b1;
	}
	double bits = g[full];
	free(held);
	free(g);
	return bits;
}

/* The bits of label "i" of "prob". */
static double label_bits(const path_problem *prob, int i)
{
	return log2((double)prob->size[i]);
}

/* The separators' bound over blocks of at most "k" tensors, in bits;
 * "holders" per label (count), "scratch" room for prob->n + nindices
 * bytes. -1 when out of memory. */
static double blocks_bits(const path_problem *prob, int k, double t, const int *holders,
                          unsigned char *scratch)
{
	int n = prob->n, ni = prob->nindices;
	unsigned char *taken = scratch, *in = scratch + n;
	int *member = malloc(sizeof(int) * (size_t)k), *local = malloc(sizeof(int) * ((size_t)ni + 1));
	int *count = malloc(sizeof(int) * ((size_t)ni + 1));
	uint64_t *mine = malloc(sizeof(uint64_t) * (size_t)k);
	double total = 0, (*tab)[256] = malloc(sizeof(*tab) * 8);
	int global[64];
	if (!member || !local || !count || !mine || !tab) {
		total = -1;
		goto done;
	}
	memset(taken, 0, (size_t)n);
	for (int seed = 0; seed < n; seed++) {
		if (taken[seed])
			continue;
		memset(in, 0, (size_t)ni);
		int m = 0;
		for (int pick = seed; pick >= 0 && m < k;) {
			member[m++] = pick;
			taken[pick] = 1;
			for (int x = prob->start[pick]; x < prob->start[pick + 1]; x++)
				in[prob->index[x]] = 1;
			double most = 0;
			pick = -1;
			for (int u = 0; u < n; u++) {
				double shared = 0;
				for (int x = prob->start[u]; !taken[u] && x < prob->start[u + 1]; x++)
					if (in[prob->index[x]] && !prob->out[prob->index[x]])
						shared += label_bits(prob, prob->index[x]);
				if (shared > most) {
					most = shared;
					pick = u;
				}
			}
		}
		/* the block's labels: held by two of its tensors or more, by no
		 * tensor outside it, not by the output */
		memset(count, 0, sizeof(int) * (size_t)ni);
		for (int j = 0; j < m; j++)
			for (int x = prob->start[member[j]]; x < prob->start[member[j] + 1]; x++)
				count[prob->index[x]]++;
		int nl = 0;
		for (int i = 0; i < ni; i++) {
			local[i] = -1;
			if (nl < 64 && count[i] >= 2 && count[i] == holders[i] && !prob->out[i]) {
				global[nl] = i;
				local[i] = nl++;
			}
		}
		for (int b = 0; b < 8; b++) { /* each subset: one without its lowest label, plus it */
			tab[b][0] = 0;
			for (int x = 1; x < 256; x++) {
				int i = 8 * b + __builtin_ctz((unsigned)x);
				tab[b][x] = tab[b][x & (x - 1)] + (i < nl ? label_bits(prob, global[i]) : 0);
			}
		}
		uint64_t heavy = 0;
		for (int j = 0; j < m; j++) {
			mine[j] = 0;
			for (int x = prob->start[member[j]]; x < prob->start[member[j] + 1]; x++)
				if (local[prob->index[x]] >= 0)
					mine[j] |= (uint64_t)1 << local[prob->index[x]];
			heavy |= (uint64_t)(__builtin_popcountll(mine[j]) >= 3) << j;
		}
		double bits = nl ? block_bits(mine, m, (const double(*)[256])tab, heavy, t) : 0;
		if (bits < 0) {
			total = -1;
			goto done;
		}
		total += bits;
	}
done:
	free(member);
	free(local);
	free(count);
	free(mine);
	free(tab);
	return total;
}

/* The steps' bound of the header, in bits; "holders" per label, "one"
 * per label a tensor that holds it. NAN when out of memory. */
static double steps_bits(const path_problem *prob, double t, const int *holders, const int *one)
{
	int n = prob->n;
	double shared = 0, outs = 0, pairs = 0;
	for (int i = 0; i < prob->nindices; i++) {
		if (prob->out[i])
			outs += label_bits(prob, i);
		if (prob->out[i] || holders[i] >= 2)
			shared += label_bits(prob, i);
	}
	/* per tensor a, the most bits of labels only a and one other hold */
	int rank = 1;
	for (int a = 0; a < n; a++)
		if (prob->start[a + 1] - prob->start[a] > rank)
			rank = prob->start[a + 1] - prob->start[a];
	int *other = malloc(sizeof(int) * (size_t)rank);
	double *with = malloc(sizeof(double) * (size_t)rank);
	if (!other || !with) {
		free(other);
		free(with);
		return NAN;
	}
	for (int a = 0; a < n; a++) {
		int np = 0;
		double best = 0;
		for (int x = prob->start[a]; x < prob->start[a + 1]; x++) {
			int i = prob->index[x], b = one[i], p = 0;
			if (prob->out[i] || holders[i] != 2)
				continue;
			if (b == a) /* the other holder */
				for (int u = 0; u < n && b == a; u++)
					for (int y = prob->start[u]; u != a && y < prob->start[u + 1]; y++)
						b = prob->index[y] == i ? u : b;
			while (p < np && other[p] != b)
				p++;
			if (p == np) {
				other[np] = b;
				with[np++] = 0;
			}
			with[p] += label_bits(prob, i);
			if (with[p] > best)
				best = with[p];
		}
		if (best > t)
			pairs += (best - t) / 2;
	}
	free(other);
	free(with);
	return shared - t * (n - 1) - pairs - outs;
}

double slice_cut_slices(const path_problem *prob, double target, int k)
{
	int n = prob->n;
	if (n < 2 || target < 1)
		return NAN;
	double t = log2(target);
	int *holders = calloc((size_t)prob->nindices + 1, sizeof(int));
	int *one = malloc(sizeof(int) * ((size_t)prob->nindices + 1));
	unsigned char *scratch = malloc((size_t)(n + prob->nindices) + 1);
	double bits = NAN;
	if (!holders || !one || !scratch)
		goto done;
	for (int a = 0; a < n; a++)
		for (int x = prob->start[a]; x < prob->start[a + 1]; x++) {
			holders[prob->index[x]]++;
			one[prob->index[x]] = a;
		}
	double steps = steps_bits(prob, t, holders, one);
	double blocks = k >= 3 ? blocks_bits(prob, k < SLICE_CUT_MAX_BLOCK ? k : SLICE_CUT_MAX_BLOCK,
	                                     t, holders, scratch)
	                       : 0;
	if (!isnan(steps) && blocks >= 0)
		bits = steps > blocks ? steps : blocks > 0 ? blocks : 0;
done:
	free(holders);
	free(one);
	free(scratch);
	return exp2(bits);
}

double slice_bound_cut(const path_problem *prob, double target, int k)
{
	return (double)(prob->n - 1) * slice_cut_slices(prob, target, k);
}
