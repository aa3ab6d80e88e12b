/*
 * test_path.c - contraction-order search: the cost model on hand-computed
 * cases, the linear path form, a brute-force oracle (every merge order) for
 * the exact DP on random problems of <= 7 tensors, reported costs equal to
 * recomputed ones for every tier, max_intermediate, determinism, the
 * pipeline pass that turns a path into the tree IR, einc_options.path,
 * odd shapes (one tensor, scalars, components, saturating costs), and the
 * exact slicing search (slice_exact) against the oracle run on every set
 * of sliced labels.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hash.h"
#include "path.h"
#include "program.h"
#include "slice.h"

/* A splitmix64 step (hash.h), for reproducible random problems. */
static uint64_t next_rand(uint64_t *s)
{
	return splitmix64(s);
}

/* The problem of "spec" ("ab,bc->ac", single-letter labels) with the sizes
 * "sizes" given per label in order a, b, c, ... */
static path_problem *problem_of(arena *a, const char *spec, const int64_t *sizes)
{
	int ranks[64] = {0}, idx[64][16], out[26], nout = 0, n = 0, nl = 0, in_out = 0;
	const int *ptrs[64];
	for (const char *s = spec; *s; s++) {
		if (*s == ',')
			n++;
		else if (*s == '-')
			in_out = 1, s++;
		else {
			int l = *s - 'a';
			nl = l + 1 > nl ? l + 1 : nl;
			if (in_out)
				out[nout++] = l;
			else
				idx[n][ranks[n]++] = l;
		}
	}
	for (int t = 0; t <= n; t++)
		ptrs[t] = idx[t];
	einc_ctx *ctx = einc_ctx_new();
	path_problem *p = NULL;
	assert_int_equal(path_problem_new(ctx, a, n + 1, ranks, ptrs, nl, sizes, nout, out, &p),
	                 EINC_OK);
	einc_ctx_free(ctx);
	return p;
}

/* A path over "n" leaves from "steps" pairs. */
static path *path_of(arena *a, int n, int nsteps, const int (*steps)[2])
{
	path *p = path_new(a, n);
	assert_non_null(p);
	p->nsteps = nsteps;
	memcpy(p->step, steps, sizeof(*steps) * (size_t)nsteps);
	return p;
}

/* path_problem_new's problem, asserted made. */
static path_problem *problem_new(arena *a, int n, const int *ranks, const int **ptrs, int ni,
                                 const int64_t *sizes, int nout, const int *out)
{
	einc_ctx *ctx = einc_ctx_new();
	path_problem *p = NULL;
	assert_int_equal(path_problem_new(ctx, a, n, ranks, ptrs, ni, sizes, nout, out, &p),
	                 EINC_OK);
	einc_ctx_free(ctx);
	return p;
}

/* A random problem: "n" tensors over up to "ni" indices of sizes 1..5,
 * each tensor 1..4 indices, a random output. */
static path_problem *random_problem(arena *a, uint64_t *seed, int n, int ni)
{
	int ranks[16], idx[16][8], out[16], nout = 0;
	int64_t sizes[16];
	const int *ptrs[16];
	int used[16] = {0};
	for (int i = 0; i < ni; i++)
		sizes[i] = 1 + (int64_t)(next_rand(seed) % 5);
	for (int t = 0; t < n; t++) {
		ranks[t] = 1 + (int)(next_rand(seed) % 4);
		for (int k = 0; k < ranks[t]; k++) {
			idx[t][k] = (int)(next_rand(seed) % (uint64_t)ni);
			used[idx[t][k]] = 1;
		}
		ptrs[t] = idx[t];
	}
	for (int i = 0; i < ni; i++)
		if (used[i] && next_rand(seed) % 4 == 0)
			out[nout++] = i;
	return problem_new(a, n, ranks, ptrs, ni, sizes, nout, out);
}

/* Hand-computed costs: "ab,bc,cd->ad" with a=2, b=3, c=4, d=5 along
 * ((0,1),2): abc 24 x 2 = 48, then acd 40 x 2 = 80; largest is ad = 10. */
static void test_cost_hand(void **state)
{
	(void)state;
	arena *a = arena_new();
	einc_ctx *ctx = einc_ctx_new();
	int64_t sz[] = {2, 3, 4, 5};
	path_problem *p = problem_of(a, "ab,bc,cd->ad", sz);
	path *q = path_of(a, 3, 2, (const int[][2]){{0, 1}, {2, 3}});
	assert_int_equal(path_evaluate(ctx, p, 0, q), EINC_OK);
	assert_true(q->flops == 128);
	assert_true(q->largest == 10);
	/* Hadamard (no index summed) counts once: "ab,ab->ab" = 6. */
	path_problem *h = problem_of(a, "ab,ab->ab", sz);
	path *hq = path_of(a, 2, 1, (const int[][2]){{0, 1}});
	assert_int_equal(path_evaluate(ctx, h, 0, hq), EINC_OK);
	assert_true(hq->flops == 6);
	/* One operand: "aa->" is a trace, 2 x 2 = 4; "ab->ab" a copy, 6. */
	path *one = path_new(a, 1);
	one->nsteps = 0;
	assert_int_equal(path_evaluate(ctx, problem_of(a, "aa->", sz), 0, one), EINC_OK);
	assert_true(one->flops == 4 && one->largest == 1);
	assert_int_equal(path_evaluate(ctx, problem_of(a, "ab->ab", sz), 0, one), EINC_OK);
	assert_true(one->flops == 6);
	/* A bad step is an error, not a crash. */
	path *bad = path_of(a, 3, 2, (const int[][2]){{0, 1}, {1, 2}});
	assert_int_equal(path_evaluate(ctx, p, 0, bad), EINC_EINVAL);
	einc_ctx_free(ctx);
	arena_free(a);
}

/* Costs beyond 2^64 add and multiply exactly, and saturate at 2^128 - 1. */
static void test_cost_wide(void **state)
{
	(void)state;
	char buf[48];
	path_cost big = path_cost_mul((path_cost)UINT64_MAX, 1000);
	assert_string_equal(path_cost_str(big, buf), "18446744073709551615000");
	assert_true(path_cost_mul(big, big) == PATH_COST_MAX);
	assert_true(path_cost_add(PATH_COST_MAX, 1) == PATH_COST_MAX);
	assert_string_equal(path_cost_str(0, buf), "0");
}

/* The linear form, checked by hand: the list starts [0 1 2 3]; (1,2)
 * leaves [0 3 x]; (0,4) contracts positions 0 and 2, leaving [3 y]. */
static void test_linear(void **state)
{
	(void)state;
	arena *a = arena_new();
	path *p = path_of(a, 4, 3, (const int[][2]){{1, 2}, {0, 4}, {3, 5}});
	char *s = path_linear_str(p);
	assert_string_equal(s, "[(1, 2), (0, 2), (0, 1)]");
	free(s);
	path *chain = path_of(a, 3, 2, (const int[][2]){{0, 1}, {2, 3}});
	s = path_linear_str(chain);
	assert_string_equal(s, "[(0, 1), (0, 1)]");
	free(s);
	path *unary = path_of(a, 2, 2, (const int[][2]){{1, -1}, {0, 2}});
	s = path_linear_str(unary);
	assert_string_equal(s, "[(1,), (0, 1)]");
	free(s);
	path *one = path_new(a, 1);
	one->nsteps = 0;
	s = path_linear_str(one);
	assert_string_equal(s, "[(0,)]");
	free(s);
	arena_free(a);
}

/* The oracle: the best score over every merge order of the live ids
 * (every tree, many times), unary reductions added as path_add_unary
 * places them, intermediates within the limit (and the output too for a
 * slicing target, "output"). */
typedef struct {
	const path_problem *prob;
	const path_options *o;
	path *p;
	path_cost best;
	einc_ctx *ctx;
	int output;
	path_cost least; /* the least largest intermediate (inner) of any tree */
} oracle;

/* Recurses over the pairs of the "m" live ids "live" after "ns" steps. */
static void oracle_rec(oracle *w, int *live, int m, int ns)
{
	if (m == 1) {
		path q = *w->p;
		int steps[32][2];
		memcpy(steps, w->p->step, sizeof(steps[0]) * (size_t)ns);
		q.step = steps;
		q.nsteps = ns;
		assert_int_equal(path_add_unary(w->prob, w->o, &q), 0);
		assert_int_equal(path_evaluate(w->ctx, w->prob, w->o->combo, &q), EINC_OK);
		path_cost bounded = w->output ? q.largest : q.inner;
		int fits = !w->o->max_intermediate || bounded <= w->o->max_intermediate;
		if (fits && q.score < w->best)
			w->best = q.score;
		if (q.inner < w->least)
			w->least = q.inner;
		return;
	}
	for (int i = 0; i < m; i++)
		for (int j = i + 1; j < m; j++) {
			int next[16], k = 0;
			for (int e = 0; e < m; e++)
				if (e != i && e != j)
					next[k++] = live[e];
			next[k++] = w->prob->n + ns;
			w->p->step[ns][0] = live[i];
			w->p->step[ns][1] = live[j];
			oracle_rec(w, next, k, ns + 1);
		}
}

/* The oracle run over "prob" under "o" ("output": the limit bounds the
 * output too). */
static oracle oracle_run(arena *a, const path_problem *prob, const path_options *o,
                         int output)
{
	oracle w = {prob, o, path_new(a, prob->n), PATH_COST_MAX, einc_ctx_new(), output,
	            PATH_COST_MAX};
	int live[16];
	for (int t = 0; t < prob->n; t++)
		live[t] = t;
	oracle_rec(&w, live, prob->n, 0);
	einc_ctx_free(w.ctx);
	return w;
}

/* The oracle's best score, PATH_COST_MAX if none. */
static path_cost oracle_best(arena *a, const path_problem *prob, const path_options *o,
                             int output)
{
	return oracle_run(a, prob, o, output).best;
}

/* Checks that "p" is a valid path whose reported costs are recomputed
 * exactly, within the limit. */
static void check_reported(const path_problem *prob, const path_options *o, const path *p)
{
	einc_ctx *ctx = einc_ctx_new();
	path q = *p;
	int steps[256][2];
	assert_true(p->nsteps <= 256);
	memcpy(steps, p->step, sizeof(steps[0]) * (size_t)p->nsteps);
	q.step = steps;
	assert_int_equal(path_evaluate(ctx, prob, o->combo, &q), EINC_OK);
	assert_true(q.flops == p->flops);
	assert_true(q.largest == p->largest);
	assert_true(q.inner == p->inner);
	assert_true(q.score == p->score);
	if (o->max_intermediate)
		assert_true(p->inner <= o->max_intermediate);
	einc_ctx_free(ctx);
}

/* The exact tier equals the oracle on random problems of 2..7 tensors, for
 * flops, for the combined objective and under an intermediate limit. */
static void test_exact_vs_oracle(void **state)
{
	(void)state;
	uint64_t seed = 42;
	for (int round = 0; round < 60; round++) {
		arena *a = arena_new();
		einc_ctx *ctx = einc_ctx_new();
		int n = 2 + round % 5 + (round % 12 == 11);
		path_problem *prob = random_problem(a, &seed, n, 3 + round % 6);
		path_options o;
		path_options_init(&o);
		o.method = PATH_EXACT;
		if (round % 3 == 1)
			o.combo = 4;
		if (round % 3 == 2)
			o.max_intermediate = 1 + next_rand(&seed) % 64;
		path_cost want = oracle_best(a, prob, &o, 0);
		path *p = NULL;
		einc_status st = path_search(ctx, a, prob, &o, &p);
		if (want == PATH_COST_MAX) {
			assert_int_equal(st, EINC_EBUDGET);
		} else {
			assert_int_equal(st, EINC_OK);
			check_reported(prob, &o, p);
			assert_true(p->score == want);
		}
		einc_ctx_free(ctx);
		arena_free(a);
	}
}

/* A random network of "n" tensors over "ni" labels of sizes 1..5, each
 * label held by two tensors or by one and the output (no label a tensor
 * sums alone: slice_exact's relaxation leaves out such unary steps), and
 * with "hyper" one label in three by a third tensor where there is one;
 * labels "drop" (bits) left out of every tensor and the output, and
 * labels "unit" of size 1. */
static path_problem *bond_problem(arena *a, uint64_t seed, int n, int ni, unsigned drop,
                                  unsigned unit, int hyper)
{
	int ranks[8] = {0}, idx[8][16], out[16], nout = 0;
	int64_t sizes[16];
	const int *ptrs[8];
	for (int i = 0; i < ni; i++) {
		sizes[i] = 1 + (int64_t)(next_rand(&seed) % 5);
		if (unit >> i & 1)
			sizes[i] = 1;
		int t = (int)(next_rand(&seed) % (uint64_t)n);
		int u = (t + 1 + (int)(next_rand(&seed) % (uint64_t)n)) % n;
		int w = hyper && next_rand(&seed) % 3 == 0 ? (t + 1) % n : t;
		if (drop >> i & 1)
			continue;
		idx[t][ranks[t]++] = i;
		if (u == t)
			out[nout++] = i;
		else
			idx[u][ranks[u]++] = i;
		if (w != t && w != u)
			idx[w][ranks[w]++] = i;
	}
	for (int t = 0; t < n; t++)
		ptrs[t] = idx[t];
	return problem_new(a, n, ranks, ptrs, ni, sizes, nout, out);
}

/* slice_exact equals the oracle's best over every set S of sliced labels
 * (the slices' count times the best tree's flops on the network with S
 * left out, or, keeping sums, with S of size 1, whose sums still count),
 * intermediates within the target, at least the slices asked for; and
 * the labels it returns cost that. Random networks of 2..6 tensors. */
static void test_slice_exact_vs_oracle(void **state)
{
	(void)state;
	int open = 0;
	for (int round = 0; round < 24; round++) {
		uint64_t seed = 1000 + (uint64_t)round, r = seed * 7;
		int n = 2 + round % 5, ni = 3 + round % 5, keep = round % 2;
		double target = (double)(1 + next_rand(&r) % 24), least = 1 + round % 3 * 3;
		arena *a = arena_new();
		path_problem *prob = bond_problem(a, seed, n, ni, 0, 0, 0);
		double want = INFINITY, got_set = INFINITY;
		uint64_t labels;
		int settled;
		double got = slice_exact(prob, target, least, INFINITY, INT64_MAX, keep, &labels,
		                         &settled);
		assert_true(settled);
		for (unsigned set = 0; set < 1u << ni; set++) {
			double slices = 1;
			for (int i = 0; i < ni; i++)
				if (set >> i & 1)
					slices *= (double)prob->size[i];
			path_problem *q = bond_problem(a, seed, n, ni, keep ? 0 : set, keep ? set : 0, 0);
			path_options o;
			path_options_init(&o);
			o.max_intermediate = (path_cost)target;
			path_cost best = oracle_best(a, q, &o, 1);
			double cost = best == PATH_COST_MAX ? INFINITY : slices * path_cost_double(best);
			if (slices >= least && cost < want)
				want = cost;
			if (set == labels)
				got_set = cost;
		}
		assert_true(isfinite(want));
		assert_true(got == want);
		assert_true(got_set == want);
		/* a limit the best reaches: nothing cheaper, the limit back */
		assert_true(slice_exact(prob, target, least, want, INT64_MAX, keep, &labels,
		                        &settled) == want);
		assert_true(settled && labels == 0);
		/* out of work: still a lower bound, the least cost once settled */
		double part = slice_exact(prob, target, least, INFINITY, 60, keep, &labels, &settled);
		assert_true(settled ? part == want : part <= want);
		open += !settled;
		arena_free(a);
	}
	assert_true(open > 0);
}

/* slice_bound_within over subnetworks of every size is never above the
 * oracle's least cost of any slicing (as above, no slice count asked for),
 * and over the whole network (k = n) equals it; random networks of 2..6
 * tensors, some with labels held by three (where counting a label held
 * outside the subnetwork as an output would go above it: rounds 59 and
 * 79), the sums kept and not. */
static void test_slice_bound_within_vs_oracle(void **state)
{
	(void)state;
	int below = 0;
	for (int round = 0; round < 80; round++) {
		uint64_t seed = 2000 + (uint64_t)round, r = seed * 7;
		int n = 2 + round % 5, ni = 3 + round % 5, keep = round % 2, hyper = round % 4 > 1;
		double target = (double)(1 + next_rand(&r) % 24);
		arena *a = arena_new();
		path_problem *prob = bond_problem(a, seed, n, ni, 0, 0, hyper);
		double want = INFINITY;
		for (unsigned set = 0; set < 1u << ni; set++) {
			double slices = 1;
			for (int i = 0; i < ni; i++)
				if (set >> i & 1)
					slices *= (double)prob->size[i];
			path_problem *q =
			        bond_problem(a, seed, n, ni, keep ? 0 : set, keep ? set : 0, hyper);
			path_options o;
			path_options_init(&o);
			o.max_intermediate = (path_cost)target;
			path_cost best = oracle_best(a, q, &o, 1);
			if (best != PATH_COST_MAX && slices * path_cost_double(best) < want)
				want = slices * path_cost_double(best);
		}
		assert_true(isfinite(want));
		for (int k = 2; k <= n; k++) {
			int settled;
			double got = slice_bound_within(prob, k, target, INFINITY, INT64_MAX, keep,
			                                &settled);
			assert_true(got <= want);
			assert_true(k < n || got == want);
			below += got < want;
		}
		/* a limit the least cost reaches: the limit back, settled */
		int settled;
		assert_true(slice_bound_within(prob, n, target, want, INT64_MAX, keep, &settled) ==
		            want);
		assert_true(settled);
		arena_free(a);
	}
	assert_true(below > 0);
}

/* A network of "n" tensors whose tensors "pair[k][0]" and "pair[k][1]"
 * share bond k of size 2 ("m" bonds), no output. */
static path_problem *bonds_network(arena *a, int n, int m, const int (*pair)[2])
{
	int ranks[16] = {0}, idx[16][16];
	int64_t sizes[64];
	const int *ptrs[16];
	for (int k = 0; k < m; k++) {
		sizes[k] = 2;
		for (int e = 0; e < 2; e++)
			idx[pair[k][e]][ranks[pair[k][e]]++] = k;
	}
	for (int t = 0; t < n; t++)
		ptrs[t] = idx[t];
	return problem_new(a, n, ranks, ptrs, m, sizes, 0, NULL);
}

/* slice_cut_slices where the least slices are known by hand (bonds of
 * size 2): a ring of 6 at a target of 1 slices all but the bonds of three
 * disjoint pairs (8 slices) and at a target of 2 one bond (every cut of a
 * ring holds two); a 4x4 lattice at 1 all but a perfect pairing's 8 of 24
 * bonds (2^16); the complete graph on 5 at 1 all but two bonds (2^8: the
 * steps' bound gives 2^7.5 there, the separators the 2^8); and
 * slice_bound_cut is (n - 1) times the slices. */
static void test_slice_cut_hand(void **state)
{
	(void)state;
	arena *a = arena_new();
	int ring[6][2], grid[24][2], full[10][2], m = 0;
	for (int k = 0; k < 6; k++) {
		ring[k][0] = k;
		ring[k][1] = (k + 1) % 6;
	}
	for (int r = 0; r < 4; r++)
		for (int c = 0; c < 4; c++) {
			if (c < 3) {
				grid[m][0] = 4 * r + c;
				grid[m++][1] = 4 * r + c + 1;
			}
			if (r < 3) {
				grid[m][0] = 4 * r + c;
				grid[m++][1] = 4 * r + c + 4;
			}
		}
	m = 0;
	for (int x = 0; x < 5; x++)
		for (int y = x + 1; y < 5; y++) {
			full[m][0] = x;
			full[m++][1] = y;
		}
	path_problem *r6 = bonds_network(a, 6, 6, (const int(*)[2])ring);
	path_problem *g44 = bonds_network(a, 16, 24, (const int(*)[2])grid);
	path_problem *k5 = bonds_network(a, 5, 10, (const int(*)[2])full);
	for (int k = 0; k <= 6; k += 6) {
		assert_true(fabs(slice_cut_slices(r6, 1, k) - 8) < 1e-9);
		assert_true(fabs(slice_cut_slices(r6, 2, k) - 2) < 1e-9);
		assert_true(fabs(slice_bound_cut(r6, 1, k) - 40) < 1e-9);
	}
	assert_true(fabs(slice_cut_slices(g44, 1, 0) - 65536) < 1e-6);
	assert_true(fabs(slice_cut_slices(g44, 1, 12) - 65536) < 1e-6);
	assert_true(fabs(slice_cut_slices(k5, 1, 0) - exp2(7.5)) < 1e-9);
	assert_true(fabs(slice_cut_slices(k5, 1, 5) - 256) < 1e-9);
	assert_true(isnan(slice_cut_slices(r6, 0.5, 6)));
	arena_free(a);
}

/* slice_bound_cut and slice_bound_apart are never above slice_exact's
 * least cost (settled, the sums kept and not) on random networks of 3..8
 * tensors, some with labels held by three, for blocks and subnetworks of
 * every size; the cut bound above one flop a step on some; the apart
 * bound that least cost over the whole network, and above
 * slice_bound_within's on some. */
static void test_slice_bounds_vs_exact(void **state)
{
	(void)state;
	int above = 0, apart_above = 0;
	for (int round = 0; round < 240; round++) {
		uint64_t r = 3000 + (uint64_t)round;
		int n = 3 + (int)(next_rand(&r) % 6), ni = 4 + (int)(next_rand(&r) % 9);
		double target = (double)(1 + next_rand(&r) % 16);
		int keep = round & 1;
		arena *a = arena_new();
		path_problem *prob = bond_problem(a, next_rand(&r), n, ni, 0, 0, round >> 1 & 1);
		uint64_t labels;
		int settled;
		double least = slice_exact(prob, target, 0, INFINITY, INT64_MAX, keep, &labels, &settled);
		assert_true(settled);
		for (int k = 0; k <= n; k++) {
			double cut = slice_bound_cut(prob, target, k);
			assert_true(cut <= least * (1 + 1e-12));
			above += cut > (n - 1) * (1 + 1e-9);
			if (k < 2)
				continue;
			double apart =
			        slice_bound_apart(prob, k, target, INFINITY, INT64_MAX, keep, &settled);
			assert_true(apart <= least * (1 + 1e-12));
			assert_true(k < n || apart == least);
			apart_above += apart > slice_bound_within(prob, k, target, INFINITY, INT64_MAX,
			                                          keep, &settled) * (1 + 1e-9);
		}
		arena_free(a);
	}
	assert_true(above > 0 && apart_above > 0);
}

/* slice_bound_apart where the figures are known by hand: two rings of 4
 * tensors apart (bonds of 2) at a target of 1. A ring's least slicing cuts
 * the two bonds its pairs' results hold (4 slices), each slice 4 + 4 + 1
 * flops (a pair sums its own bond: twice 2; the ring's step 1): 36. A ring
 * as W times the other's 4 slices is 144. The two together cost 304: 16
 * slices of 4 + 4 + 1 per ring and 1 for the root; the whole as W gives
 * that least, and a limit it reaches comes back settled. */
static void test_slice_bound_apart_hand(void **state)
{
	(void)state;
	arena *a = arena_new();
	int two[8][2];
	for (int k = 0; k < 8; k++) {
		two[k][0] = k;
		two[k][1] = k / 4 * 4 + (k + 1) % 4;
	}
	path_problem *rings = bonds_network(a, 8, 8, (const int(*)[2])two);
	uint64_t labels;
	int settled;
	double least = slice_exact(rings, 1, 0, INFINITY, INT64_MAX, 0, &labels, &settled);
	assert_true(settled && least == 304);
	assert_true(slice_bound_within(rings, 4, 1, INFINITY, INT64_MAX, 0, &settled) == 36);
	assert_true(slice_bound_apart(rings, 4, 1, INFINITY, INT64_MAX, 0, &settled) == 144);
	assert_true(slice_bound_apart(rings, 8, 1, INFINITY, INT64_MAX, 0, &settled) == 304);
	assert_true(settled == 0);
	assert_true(slice_bound_apart(rings, 4, 1, 100, INT64_MAX, 0, &settled) >= 100 && settled);
	assert_true(isnan(slice_bound_apart(rings, 1, 1, INFINITY, INT64_MAX, 0, &settled)));
	arena_free(a);
}

/* Corpus cases where opt_einsum's own searches disagree: the exact tier
 * reaches the best of them (outer products, and a private index summed
 * first). */
static void test_exact_corpus(void **state)
{
	(void)state;
	static const struct {
		const char *spec;
		int64_t sizes[15];
		uint64_t best;
	} cases[] = {
		{"a,b,c,ab->abc", {8, 6, 24}, 1248},
		{"ab,cbd,ad->ac", {64, 128, 256, 96}, 403439616},
		{"ab,cbd,ac->ad", {96, 128, 12, 192}, 56770560},
		{"ab,bc,cd,de,ea->", {6, 24, 48, 512, 96}, 898848},
		{"abcd,befghij,aef,bklm,gd,klm,n,co,ij,afhlmo->cg",
		 {4, 8, 8, 8, 4, 6, 3, 5, 6, 6, 8, 3, 5, 3, 5}, 425358},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		arena *a = arena_new();
		einc_ctx *ctx = einc_ctx_new();
		path_problem *prob = problem_of(a, cases[k].spec, cases[k].sizes);
		path_options o;
		path_options_init(&o);
		o.method = PATH_EXACT;
		path *p = NULL;
		assert_int_equal(path_search(ctx, a, prob, &o, &p), EINC_OK);
		check_reported(prob, &o, p);
		assert_true(p->flops <= cases[k].best);
		einc_ctx_free(ctx);
		arena_free(a);
	}
}

/* Every tier reports the cost of the path it returns and honours the
 * limit; up to 10 tensors (where the DP pairs every two subsets) none beats
 * the exact tier. */
static void test_tiers_reported(void **state)
{
	(void)state;
	uint64_t seed = 7;
	path_method methods[] = {PATH_GREEDY, PATH_REFINE, PATH_AUTO, PATH_EXACT};
	for (int round = 0; round < 14; round++) {
		arena *a = arena_new();
		einc_ctx *ctx = einc_ctx_new();
		int n = 3 + round;
		path_problem *prob = random_problem(a, &seed, n > 12 ? 12 : n, 4 + round % 9);
		path_cost exact = 0;
		for (int m = 3; m >= 0; m--) {
			path_options o;
			path_options_init(&o);
			o.method = methods[m];
			o.trials = 8;
			if (round % 4 == 3)
				o.max_intermediate = 400;
			path *p = NULL;
			einc_status st = path_search(ctx, a, prob, &o, &p);
			if (st == EINC_EBUDGET && o.max_intermediate)
				continue;
			assert_int_equal(st, EINC_OK);
			check_reported(prob, &o, p);
			if (m == 3)
				exact = p->score;
			else if (exact && prob->n <= 10)
				assert_true(p->score >= exact);
		}
		einc_ctx_free(ctx);
		arena_free(a);
	}
}

/* The limit that the EBUDGET message in "ctx" says works. */
static path_cost limit_named(einc_ctx *ctx)
{
	const char *m = strstr(einc_ctx_message(ctx), "a limit of ");
	assert_non_null(m);
	return (path_cost)strtoull(m + strlen("a limit of "), NULL, 10);
}

/* A limit below every intermediate's size fails in every tier, with a
 * message that says einc has no all-remaining step and names the limit
 * that works (the smallest here: each intermediate has 64 elements). */
static void test_limit_impossible(void **state)
{
	(void)state;
	arena *a = arena_new();
	einc_ctx *ctx = einc_ctx_new();
	int64_t sz[] = {8, 8, 8, 8};
	path_problem *prob = problem_of(a, "ab,bc,cd->ad", sz);
	path_method methods[] = {PATH_GREEDY, PATH_REFINE, PATH_AUTO, PATH_EXACT};
	for (int m = 0; m < 4; m++) {
		path_options o;
		path_options_init(&o);
		o.method = methods[m];
		o.max_intermediate = 32;
		path *p = NULL;
		assert_int_equal(path_search(ctx, a, prob, &o, &p), EINC_EBUDGET);
		assert_non_null(strstr(einc_ctx_message(ctx), "max_intermediate 32 elements"));
		assert_non_null(strstr(einc_ctx_message(ctx), "two operands per step"));
		assert_true(limit_named(ctx) == 64);
	}
	einc_ctx_free(ctx);
	arena_free(a);
}

/* The limit bounds the intermediates, not the output (opt_einsum's and
 * numpy's searches never bound it): an outer product and a chain whose
 * output is larger than the limit, an intermediate within it, succeed in
 * every tier; the report's largest intermediate still counts the output. */
static void test_limit_spares_output(void **state)
{
	(void)state;
	arena *a = arena_new();
	einc_ctx *ctx = einc_ctx_new();
	int64_t outer[] = {4, 5}, chain[] = {100, 2, 100, 2};
	const path_problem *probs[] = {problem_of(a, "a,b->ab", outer),
	                               problem_of(a, "ab,bc,cd->ad", chain)};
	path_cost limit[] = {5, 10}, largest[] = {20, 200}, inner[] = {0, 4};
	path_method methods[] = {PATH_GREEDY, PATH_REFINE, PATH_AUTO, PATH_EXACT};
	for (int k = 0; k < 2; k++)
		for (int m = 0; m < 4; m++) {
			path_options o;
			path_options_init(&o);
			o.method = methods[m];
			o.max_intermediate = limit[k];
			path *p = NULL;
			assert_int_equal(path_search(ctx, a, probs[k], &o, &p), EINC_OK);
			check_reported(probs[k], &o, p);
			assert_true(p->largest == largest[k]);
			assert_true(p->inner == inner[k]);
		}
	einc_ctx_free(ctx);
	arena_free(a);
}

/* Whatever blocks a tier, the limit its message names works for it: the
 * same search under that limit finds a path within it; up to 7 tensors
 * (the oracle's reach) it is the least largest intermediate of any tree. */
static void test_limit_named_works(void **state)
{
	(void)state;
	uint64_t seed = 11;
	path_method methods[] = {PATH_GREEDY, PATH_REFINE, PATH_AUTO, PATH_EXACT};
	int blocked = 0, least = 0;
	for (int round = 0; round < 40; round++) {
		arena *a = arena_new();
		einc_ctx *ctx = einc_ctx_new();
		path_problem *prob = random_problem(a, &seed, 3 + round % 10, 4 + round % 7);
		path_cost limit = 1 + next_rand(&seed) % 16;
		for (int m = 0; m < 4; m++) {
			path_options o;
			path_options_init(&o);
			o.method = methods[m];
			o.trials = 4;
			o.max_intermediate = limit;
			path *p = NULL;
			einc_status st = path_search(ctx, a, prob, &o, &p);
			if (st == EINC_OK) {
				check_reported(prob, &o, p);
				continue;
			}
			assert_int_equal(st, EINC_EBUDGET);
			blocked++;
			o.max_intermediate = limit_named(ctx);
			assert_true(o.max_intermediate > limit);
			if (prob->n <= 7) {
				o.max_intermediate = limit;
				assert_true(limit_named(ctx) == oracle_run(a, prob, &o, 0).least);
				o.max_intermediate = limit_named(ctx);
				least++;
			}
			assert_int_equal(path_search(ctx, a, prob, &o, &p), EINC_OK);
			check_reported(prob, &o, p);
		}
		einc_ctx_free(ctx);
		arena_free(a);
	}
	assert_true(blocked > 20 && least > 10);
}

/* A ring of "n" tensors (index t joins tensors t and t + 1) with chords,
 * sizes 2..9, a scalar output: a larger network for the heuristic tiers. */
static path_problem *ring(arena *a, int n, uint64_t *seed)
{
	int ranks[200], idx[200][3], nl = n + (n + 2) / 3;
	int64_t sizes[300];
	const int *ptrs[200];
	for (int i = 0; i < nl; i++)
		sizes[i] = 2 + (int64_t)(next_rand(seed) % 8);
	for (int t = 0; t < n; t++) {
		ranks[t] = 2;
		idx[t][0] = t;
		idx[t][1] = (t + 1) % n;
		if (t % 3 < 2) /* a chord index shared by tensors 3k and 3k + 1 */
			idx[t][ranks[t]++] = n + t / 3;
		ptrs[t] = idx[t];
	}
	einc_ctx *ctx = einc_ctx_new();
	path_problem *p = NULL;
	assert_int_equal(path_problem_new(ctx, a, n, ranks, ptrs, nl, sizes, 0, NULL, &p),
	                 EINC_OK);
	einc_ctx_free(ctx);
	return p;
}

/* Same input and seed, same path; refinement never makes it worse. */
static void test_deterministic(void **state)
{
	(void)state;
	uint64_t seed = 3;
	arena *a = arena_new();
	einc_ctx *ctx = einc_ctx_new();
	path_problem *prob = ring(a, 80, &seed);
	path_options o;
	path_options_init(&o);
	o.method = PATH_GREEDY;
	o.seed = 11;
	path *p1 = NULL, *p2 = NULL, *r = NULL;
	assert_int_equal(path_search(ctx, a, prob, &o, &p1), EINC_OK);
	assert_int_equal(path_search(ctx, a, prob, &o, &p2), EINC_OK);
	assert_int_equal(p1->nsteps, p2->nsteps);
	assert_memory_equal(p1->step, p2->step, sizeof(*p1->step) * (size_t)p1->nsteps);
	check_reported(prob, &o, p1);
	o.method = PATH_REFINE;
	assert_int_equal(path_search(ctx, a, prob, &o, &r), EINC_OK);
	assert_true(r->score <= p1->score);
	einc_ctx_free(ctx);
	arena_free(a);
}

/* The memo of DP solutions (path_memo.c) changes nothing but the time: a
 * DP answered from it gives the steps, status and work it gave when
 * solved, and the searches that use one (refine and auto, on rings and
 * random problems, each run twice on one memo so that the second is
 * answered from it) find the paths they find without. */
static void test_memo_same(void **state)
{
	(void)state;
	uint64_t seed = 5;
	arena *a = arena_new();
	einc_ctx *ctx = einc_ctx_new();
	path_memo *m = path_memo_new();
	assert_non_null(m);
	for (int k = 0; k < 12; k++) {
		path_problem *prob = k < 4 ? ring(a, 20 + 10 * k, &seed)
		                           : random_problem(a, &seed, 6 + k % 5, 10);
		path_options o;
		path_options_init(&o);
		o.seed = (uint64_t)k;
		int steps[3][128][2];
		int64_t work[3] = {0, 0, 0};
		int r0 = path_dp_solve(prob, &o, PATH_COST_MAX, PATH_DP_UNARY, steps[0], &work[0]);
		int r1 = path_dp_solve_memo(m, prob, &o, PATH_COST_MAX, PATH_DP_UNARY, steps[1], &work[1]);
		int r2 = path_dp_solve_memo(m, prob, &o, PATH_COST_MAX, PATH_DP_UNARY, steps[2], &work[2]);
		assert_int_equal(r0, r1);
		assert_int_equal(r0, r2);
		assert_true(work[0] > 0 && work[1] == work[0] && work[2] == work[0]);
		if (!r0) {
			assert_memory_equal(steps[0], steps[1], sizeof(steps[0][0]) * (size_t)(prob->n - 1));
			assert_memory_equal(steps[0], steps[2], sizeof(steps[0][0]) * (size_t)(prob->n - 1));
		}
		for (int method = 0; method < 2; method++) {
			o.method = method ? PATH_REFINE : PATH_AUTO;
			path *plain = NULL, *memo[2] = {NULL, NULL};
			o.memo = NULL;
			assert_int_equal(path_search(ctx, a, prob, &o, &plain), EINC_OK);
			o.memo = m;
			for (int run = 0; run < 2; run++) {
				assert_int_equal(path_search(ctx, a, prob, &o, &memo[run]), EINC_OK);
				assert_int_equal(memo[run]->nsteps, plain->nsteps);
				assert_memory_equal(memo[run]->step, plain->step,
				                    sizeof(*plain->step) * (size_t)plain->nsteps);
				assert_true(memo[run]->flops == plain->flops);
			}
		}
	}
	path_memo_free(m);
	einc_ctx_free(ctx);
	arena_free(a);
}

/* The pipeline pass: "ij,jk,kl->il" with i = k = 100, j = l = 2 contracts
 * jk with kl first (1600 flops, against 80000 left to right), and the tree
 * says so; the report of that path; a unary step is dropped from the pairs. */
static void test_pass_tree(void **state)
{
	(void)state;
	arena *a = arena_new();
	einc_ctx *ctx = einc_ctx_new();
	ir_index idx[] = {{"i", 100}, {"j", 2}, {"k", 100}, {"l", 2}};
	int ax[3][2] = {{0, 1}, {1, 2}, {2, 3}}, out[] = {0, 3};
	int64_t dims[3][2] = {{100, 2}, {2, 100}, {100, 2}}, odims[] = {100, 2};
	ir_graph g = {.dtype = EINC_F32, .spec = "ij,jk,kl->il", .nindices = 4, .indices = idx,
	              .ninputs = 3, .output = {2, out, odims}};
	ir_tensor in[3];
	for (int t = 0; t < 3; t++)
		in[t] = (ir_tensor){2, ax[t], dims[t]};
	g.inputs = in;
	path_options o;
	path_options_init(&o);
	ir_tree *tree = NULL;
	path_problem *canon_prob = NULL;
	path_canon *canon = NULL;
	path *found = NULL;
	assert_int_equal(pass_canon(ctx, a, &g, &o, &canon_prob, &canon), EINC_OK);
	assert_int_equal(pass_path(ctx, a, &g, canon_prob, canon, &o, &found, &tree), EINC_OK);
	assert_int_equal(found->nsteps, 2);
	assert_int_equal(tree->nnodes, 5);
	assert_int_equal(tree->root, 4);
	assert_int_equal(tree->nodes[3].left, 1);
	assert_int_equal(tree->nodes[3].right, 2);
	assert_int_equal(tree->nodes[4].left, 0);
	assert_int_equal(tree->nodes[4].right, 3);
	/* The report: naive 40000 x (2 + 1), each step 400 x 2. */
	path_problem *prob = NULL;
	assert_int_equal(path_problem_from_graph(ctx, a, &g, &prob), EINC_OK);
	char *text = path_print(&g, prob, path_of(a, 3, 2, (const int[][2]){{1, 2}, {0, 3}}));
	assert_string_equal(text,
		"  Complete contraction:  ij,jk,kl->il\n"
		"      Naive FLOP count:  120000\n"
		"  Optimized FLOP count:  1600\n"
		"   Theoretical speedup:  75\n"
		"  Largest intermediate:  200 elements\n"
		"scaling  flops                    size                     step\n"
		"3        800                      4                        jk,kl->jl\n"
		"3        800                      200                      ij,jl->il\n");
	free(text);
	path *p = path_of(a, 3, 3, (const int[][2]){{2, -1}, {0, 1}, {3, 4}});
	int pairs[3][2], alias[6];
	assert_int_equal(path_pairs(p, pairs, alias), 2);
	assert_int_equal(pairs[0][0], 0);
	assert_int_equal(pairs[0][1], 1);
	assert_int_equal(pairs[1][0], 2);
	assert_int_equal(pairs[1][1], 3);
	einc_ctx_free(ctx);
	arena_free(a);
}

/* Runs "prog" JIT-compiled and with the reference evaluator on the same
 * f32 inputs; the results agree to rounding. */
static void check_jit(einc_ctx *ctx, const einc_program *prog)
{
	int n = einc_program_num_inputs(prog);
	float *in[8], *out = calloc((size_t)einc_program_elems(prog, -1) + 1, sizeof(float));
	float *ref = calloc((size_t)einc_program_elems(prog, -1) + 1, sizeof(float));
	for (int k = 0; k < n; k++) {
		size_t m = (size_t)einc_program_elems(prog, k);
		in[k] = malloc(sizeof(float) * (m + 1));
		for (size_t e = 0; e < m; e++)
			in[k][e] = (float)((e * 7 + (size_t)k * 3) % 11) / 8 - 0.5f;
	}
	einc_kernel *kern = NULL;
	assert_int_equal(einc_program_jit(ctx, prog, &kern), EINC_OK);
	assert_int_equal(einc_kernel_run(kern, out, (const void *const *)in, NULL), EINC_OK);
	assert_int_equal(einc_program_run_reference(ctx, prog, ref, (const void *const *)in),
	                 EINC_OK);
	for (size_t e = 0; e < (size_t)einc_program_elems(prog, -1); e++)
		assert_true(out[e] - ref[e] < 1e-3f && ref[e] - out[e] < 1e-3f);
	einc_kernel_free(kern);
	for (int k = 0; k < n; k++)
		free(in[k]);
	free(out);
	free(ref);
}

/* Through the public API: the default (EINC_PATH_AUTO) gives the better
 * tree (and runs right), EINC_PATH_LTR the left-to-right one, a bad path
 * value is an error. */
static void test_compile_options(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_options o;
	einc_options_init(&o);
	einc_program *prog = NULL;
	const char *dims = "i=100,j=2,k=100,l=2";
	assert_int_equal(o.path, EINC_PATH_AUTO);
	o.path = EINC_PATH_LTR;
	assert_int_equal(einc_compile_text(ctx, "ij,jk,kl->il", dims, NULL, &o, &prog), EINC_OK);
	assert_int_equal(prog->tree->nodes[3].left, 0);
	einc_program_free(prog);
	o.path = EINC_PATH_AUTO;
	assert_int_equal(einc_compile_text(ctx, "ij,jk,kl->il", dims, NULL, &o, &prog), EINC_OK);
	assert_int_equal(prog->tree->nodes[3].left, 1);
	assert_int_equal(prog->tree->nodes[3].right, 2);
	check_jit(ctx, prog);
	einc_program_free(prog);
	/* The limit bounds the intermediates (jl: 4 elements), not the output
	 * (il: 200); left to right (ik: 10000) honours it too. */
	o.max_intermediate = 4;
	assert_int_equal(einc_compile_text(ctx, "ij,jk,kl->il", dims, NULL, &o, &prog), EINC_OK);
	check_jit(ctx, prog);
	einc_program_free(prog);
	o.max_intermediate = 3;
	assert_int_equal(einc_compile_text(ctx, "ij,jk,kl->il", dims, NULL, &o, &prog), EINC_EBUDGET);
	assert_non_null(strstr(einc_ctx_message(ctx), "a limit of 4 elements works"));
	o.path = EINC_PATH_LTR;
	o.max_intermediate = 9999;
	assert_int_equal(einc_compile_text(ctx, "ij,jk,kl->il", dims, NULL, &o, &prog), EINC_EBUDGET);
	assert_non_null(strstr(einc_ctx_message(ctx), "a limit of 10000 elements works"));
	o.max_intermediate = 10000;
	assert_int_equal(einc_compile_text(ctx, "ij,jk,kl->il", dims, NULL, &o, &prog), EINC_OK);
	einc_program_free(prog);
	/* An index of size 0: no step runs, no intermediate is made, nothing
	 * to bound. */
	o.path = EINC_PATH_AUTO;
	o.max_intermediate = 1;
	assert_int_equal(einc_compile_text(ctx, "ij,jk,kl->il", "i=100,j=0,k=100,l=2", NULL, &o,
	                                   &prog), EINC_OK);
	einc_program_free(prog);
	o.path = EINC_PATH_LTR;
	assert_int_equal(einc_compile_text(ctx, "ij,jk,kl->il", "i=100,j=0,k=100,l=2", NULL, &o,
	                                   &prog), EINC_OK);
	einc_program_free(prog);
	o.path = EINC_PATH_AUTO;
	o.max_intermediate = 0;
	/* One operand, a diagonal, scalars, broadcasting: every tree builds and
	 * runs right. */
	static const char *const specs[][3] = {
		{"ii->i", "i=4", NULL},
		{"iij,j,jk->ik", "i=3,j=4,k=5", NULL},
		{",i,->i", "i=5", NULL},
		{"...ij,...jk,k->...i", NULL, "2x1x3x4,5x4x6,6"},
	};
	for (int k = 0; k < 4; k++) {
		assert_int_equal(einc_compile_text(ctx, specs[k][0], specs[k][1], specs[k][2], &o,
		                                   &prog), EINC_OK);
		check_jit(ctx, prog);
		einc_program_free(prog);
	}
	o.path = (einc_path)9;
	assert_int_equal(einc_compile_text(ctx, "ij,jk,kl->il", dims, NULL, &o, &prog), EINC_EINVAL);
	einc_ctx_free(ctx);
}

/* Odd shapes through every tier: one tensor, scalars, two components of
 * more than 10 tensors, and sizes whose costs saturate at 2^128 - 1. */
static void test_edge_cases(void **state)
{
	(void)state;
	static const struct {
		const char *spec;
		int64_t size;
	} cases[] = {
		{"ab->a", 3},
		{",a,->a", 5},
		{"ab,bc,cd,de,ef,fg,hi,ij,jk,kl,lm,mn->agn", 3},
		{"ab,bc,cd,da,ae,ef->bf", 1ll << 50},
	};
	path_method methods[] = {PATH_GREEDY, PATH_REFINE, PATH_AUTO, PATH_EXACT};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int64_t sz[26];
		for (int i = 0; i < 26; i++)
			sz[i] = cases[k].size;
		for (int m = 0; m < 4; m++) {
			arena *a = arena_new();
			einc_ctx *ctx = einc_ctx_new();
			path_problem *prob = problem_of(a, cases[k].spec, sz);
			path_options o;
			path_options_init(&o);
			o.method = methods[m];
			path *p = NULL;
			assert_int_equal(path_search(ctx, a, prob, &o, &p), EINC_OK);
			check_reported(prob, &o, p);
			if (cases[k].size == 1ll << 50)
				assert_true(p->flops == PATH_COST_MAX);
			einc_ctx_free(ctx);
			arena_free(a);
		}
	}
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cost_hand),
		cmocka_unit_test(test_cost_wide),
		cmocka_unit_test(test_linear),
		cmocka_unit_test(test_exact_vs_oracle),
		cmocka_unit_test(test_exact_corpus),
		cmocka_unit_test(test_tiers_reported),
		cmocka_unit_test(test_limit_impossible),
		cmocka_unit_test(test_limit_spares_output),
		cmocka_unit_test(test_limit_named_works),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_memo_same),
		cmocka_unit_test(test_pass_tree),
		cmocka_unit_test(test_compile_options),
		cmocka_unit_test(test_edge_cases),
		cmocka_unit_test(test_slice_exact_vs_oracle),
		cmocka_unit_test(test_slice_cut_hand),
		cmocka_unit_test(test_slice_bounds_vs_exact),
		cmocka_unit_test(test_slice_bound_apart_hand),
		cmocka_unit_test(test_slice_bound_within_vs_oracle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
