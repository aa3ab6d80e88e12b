/*
 * path_greedy.c - greedy contraction order (opt_einsum's rules) with seeded
 * random restarts.
 *
 * One trial: (1) tensors with identical index sets are merged (Hadamard),
 * groups in order of their sorted index lists, each folded left in id order;
 * (2) pairs sharing a non-output index are candidates, scored
 * size(result) - alpha * (size(a) + size(b)); the lowest score wins, ties to
 * the lower first id, then the lower second id; a popped candidate is
 * re-scored against the current index counts (a score only falls as tensors
 * merge); (3) the leftovers are joined smallest first (size of their output
 * indices, ties to the lower id). Trial 0 is that with alpha = 1. Trial
 * r >= 1 draws alpha in [0.1, 4] and a temperature T in [0.001, 1]
 * (log-uniform) from seed and r, scores by sign(s) log(1 + |s|) of the score plus
 * T times a Gumbel draw fixed per candidate: taking the smallest is then a
 * Boltzmann choice among all candidates with weights exp(-log-score / T)
 * (the Gumbel-max trick; cotengra's randomised greedy). The best trial by
 * the objective wins, ties to the earlier one; a trial stops early once it
 * costs more than the best so far. The limit never bars the last step (its
 * result is the output). path_greedy_smallest is one trial with alpha 0
 * and no step (1), blind to the limit: path.c's fallback under a limit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "path.h"

typedef struct {
	double score, noise; /* the key, and the random part of it */
	int x, y;
} cand;

typedef struct set_key set_key;

typedef struct {
	const path_problem *prob;
	const path_options *o;
	int n, nids, ni;
	int *ofs, *len;     /* per id: its index list in pool; len -1 when dead */
	double *dsize;      /* per id: element count */
	int *pool;
	size_t used, cap;
	int *count;         /* per index: live tensors holding it */
	int *lofs, *lcap, *llen, *lpool; /* per index: ids holding it (may list dead ids) */
	int *stamp, stampv;
	int *res;           /* scratch: a step's result */
	cand *heap;
	int nheap, capheap;
	int (*step)[2];
	int nsteps;
	set_key *keys;
	path_cost score;
	double dscore;      /* the score as a double: still ordered beyond 2^128 */
	double alpha, temp;
	int merge;          /* step (1) runs */
	uint64_t rng;
} greedy;

/* The next draw of a splitmix64 generator, uniform in [0, 1). */
static double rng_uniform(uint64_t *s)
{
	return (double)(splitmix64(s) >> 11) * 0x1.0p-53;
}

/* Whether candidate "a" ranks before "b": score, then ids. */
static int cand_less(const cand *a, const cand *b)
{
	if (a->score != b->score)
		return a->score < b->score;
	if (a->x != b->x)
		return a->x < b->x;
	return a->y < b->y;
}

/* Pushes "c" on the heap; -1 when out of memory. */
static int heap_push(greedy *g, cand c)
{
	if (g->nheap == g->capheap) {
		int nc = g->capheap ? 2 * g->capheap : 64;
		cand *h = realloc(g->heap, sizeof(cand) * (size_t)nc);
		if (!h)
			return -1;
		g->heap = h;
		g->capheap = nc;
	}
	int k = g->nheap++;
	while (k > 0 && cand_less(&c, &g->heap[(k - 1) / 2])) {
		g->heap[k] = g->heap[(k - 1) / 2];
		k = (k - 1) / 2;
	}
	g->heap[k] = c;
	return 0;
}

/* Removes and returns the heap's smallest candidate. */
static cand heap_pop(greedy *g)
{
	cand top = g->heap[0], last = g->heap[--g->nheap];
	int k = 0;
	for (;;) {
		int c = 2 * k + 1;
		if (c >= g->nheap)
			break;
		if (c + 1 < g->nheap && cand_less(&g->heap[c + 1], &g->heap[c]))
			c++;
		if (!cand_less(&g->heap[c], &last))
			break;
		g->heap[k] = g->heap[c];
		k = c;
	}
	if (g->nheap)
		g->heap[k] = last;
	return top;
}

/* The result of contracting ids "x" and "y" into g->res: its length, flops
 * and size. */
static int contract_dry(greedy *g, int x, int y, path_cost *flops, path_cost *size)
{
	return path_step(g->prob, g->count, g->pool + g->ofs[x], g->len[x],
	                 g->pool + g->ofs[y], g->len[y], g->res, flops, size);
}

/* Whether the next step, of a result of "size" elements, breaks the
 * intermediate limit (the last step makes the output, which it does not
 * bound). */
static int over_limit(const greedy *g, path_cost size)
{
	return g->o->max_intermediate && size > g->o->max_intermediate && g->nsteps < g->n - 2;
}

/* The greedy score of contracting "x" and "y", or INFINITY when the result
 * breaks the intermediate limit. */
static double pair_score(greedy *g, int x, int y)
{
	path_cost f, s;
	contract_dry(g, x, y, &f, &s);
	if (over_limit(g, s))
		return INFINITY;
	double base = path_cost_double(s) - g->alpha * (g->dsize[x] + g->dsize[y]);
	if (g->temp <= 0)
		return base;
	return base >= 0 ? log1p(base) : -log1p(-base);
}

/* A Gumbel draw scaled by the temperature: adding it to log-scores and
 * taking the smallest is a Boltzmann choice (the Gumbel-max trick). */
static double noise(greedy *g)
{
	if (g->temp <= 0)
		return 0;
	double u = rng_uniform(&g->rng);
	return g->temp * log(-log(u + 1e-300));
}

/* Adds id "z" to the member list of index "i", dropping dead ids first
 * when the list is full (live holders never exceed the initial count). */
static void member_add(greedy *g, int i, int z)
{
	int *l = g->lpool + g->lofs[i];
	if (g->llen[i] == g->lcap[i]) {
		int m = 0;
		for (int k = 0; k < g->llen[i]; k++)
			if (g->len[l[k]] >= 0)
				l[m++] = l[k];
		g->llen[i] = m;
	}
	l[g->llen[i]++] = z;
}

/* Contracts live ids "x" and "y" into the next id; -1 when out of memory. */
static int contract(greedy *g, int x, int y)
{
	int z = g->n + g->nsteps;
	size_t need = g->used + (size_t)g->len[x] + (size_t)g->len[y];
	if (need > g->cap) {
		size_t nc = 2 * need;
		int *p = realloc(g->pool, sizeof(int) * nc);
		if (!p)
			return -1;
		g->pool = p;
		g->cap = nc;
	}
	path_cost f, s;
	int m = contract_dry(g, x, y, &f, &s);
	memcpy(g->pool + g->used, g->res, sizeof(int) * (size_t)m);
	for (int k = 0; k < g->len[x]; k++)
		g->count[g->pool[g->ofs[x] + k]]--;
	for (int k = 0; k < g->len[y]; k++)
		g->count[g->pool[g->ofs[y] + k]]--;
	g->ofs[z] = (int)g->used;
	g->len[z] = m;
	g->used += (size_t)m;
	g->len[x] = g->len[y] = -1;
	g->dsize[z] = path_cost_double(s);
	for (int k = 0; k < m; k++) {
		int i = g->pool[g->ofs[z] + k];
		g->count[i]++;
		if (!g->prob->out[i])
			member_add(g, i, z);
	}
	g->step[g->nsteps][0] = x < y ? x : y;
	g->step[g->nsteps][1] = x < y ? y : x;
	g->nsteps++;
	g->score = path_cost_add(g->score, path_step_score(f, s, g->o->combo));
	g->dscore += path_cost_double(f) + g->o->combo * path_cost_double(s);
	return 0;
}

/* Pushes a candidate for "z" with every live id sharing a non-output index
 * with it (only ids above "z" when "above"). */
static int push_neighbours(greedy *g, int z, int above)
{
	g->stampv++;
	g->stamp[z] = g->stampv;
	for (int k = 0; k < g->len[z]; k++) {
		int i = g->pool[g->ofs[z] + k];
		if (g->prob->out[i])
			continue;
		const int *l = g->lpool + g->lofs[i];
		for (int e = 0; e < g->llen[i]; e++) {
			int d = l[e];
			if (g->len[d] < 0 || g->stamp[d] == g->stampv || (above && d < z))
				continue;
			g->stamp[d] = g->stampv;
			double eps = noise(g);
			cand c = {pair_score(g, z, d) + eps, eps, z < d ? z : d, z < d ? d : z};
			if (c.score != INFINITY && heap_push(g, c))
				return -1;
		}
	}
	return 0;
}

/* Pops the next candidate whose ids are both live into "*c", re-scored
 * against the current counts (a score only falls as tensors merge: fewer
 * holders, fewer kept indices); 0 when none is left. */
static int pop_valid(greedy *g, cand *c)
{
	while (g->nheap) {
		*c = heap_pop(g);
		if (g->len[c->x] >= 0 && g->len[c->y] >= 0) {
			c->score = pair_score(g, c->x, c->y) + c->noise;
			return 1;
		}
	}
	return 0;
}

/* A leaf's index list, for grouping identical sets. */
struct set_key {
	const int *v;
	int len, id;
};

/* Orders set keys by length, then contents, then id. */
static int cmp_sets(const void *pa, const void *pb)
{
	const set_key *a = pa, *b = pb;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	int c = memcmp(a->v, b->v, sizeof(int) * (size_t)a->len);
	if (c)
		return c;
	return (a->id > b->id) - (a->id < b->id);
}

/* Step (1): merges tensors with identical index sets. */
static int merge_identical(greedy *g)
{
	set_key *key = g->keys;
	for (int t = 0; t < g->n; t++)
		key[t] = (set_key){g->pool + g->ofs[t], g->len[t], t};
	qsort(key, (size_t)g->n, sizeof(set_key), cmp_sets);
	for (int k = 0; k < g->n;) {
		int e = k + 1;
		while (e < g->n && !cmp_sets(&(set_key){key[e].v, key[e].len, key[k].id}, &key[k]))
			e++;
		int acc = key[k].id;
		for (int j = k + 1; j < e; j++) {
			path_cost f, s;
			contract_dry(g, acc, key[j].id, &f, &s);
			if (over_limit(g, s))
				break;
			if (contract(g, acc, key[j].id))
				return -1;
			acc = g->n + g->nsteps - 1;
		}
		k = e;
	}
	return 0;
}

/* The element count of id "z"'s output indices. */
static double out_size(const greedy *g, int z)
{
	double s = 1;
	for (int k = 0; k < g->len[z]; k++)
		if (g->prob->out[g->pool[g->ofs[z] + k]])
			s *= (double)g->prob->size[g->pool[g->ofs[z] + k]];
	return s;
}

/* Step (3): joins the leftovers smallest first. 0 ok, -1 OOM, 1 when a
 * join breaks the intermediate limit. */
static int join_leftovers(greedy *g)
{
	g->nheap = 0;
	for (int z = 0; z < g->n + g->nsteps; z++)
		if (g->len[z] >= 0 && heap_push(g, (cand){out_size(g, z), 0, z, z}))
			return -1;
	while (g->nheap > 1) {
		cand a = heap_pop(g), b = heap_pop(g);
		path_cost f, s;
		contract_dry(g, a.x, b.x, &f, &s);
		if (over_limit(g, s))
			return 1;
		if (contract(g, a.x, b.x))
			return -1;
		int z = g->n + g->nsteps - 1;
		if (heap_push(g, (cand){out_size(g, z), 0, z, z}))
			return -1;
	}
	return 0;
}

/* Whether the trial so far costs more than "bound" ("dbound" as a double,
 * which decides when both saturate). */
static int worse(const greedy *g, path_cost bound, double dbound)
{
	if (g->score == PATH_COST_MAX && bound == PATH_COST_MAX)
		return g->dscore > dbound;
	return g->score > bound;
}

/* One trial into g->step. 0 ok, -1 OOM, 1 blocked by the limit, 2 stopped
 * because its score passed "bound". */
static int trial(greedy *g, path_cost bound, double dbound)
{
	const path_problem *p = g->prob;
	g->used = 0;
	g->nsteps = 0;
	g->score = 0;
	g->dscore = 0;
	g->nheap = 0;
	memset(g->count, 0, sizeof(int) * (size_t)g->ni);
	for (int t = 0; t < g->n; t++) {
		g->ofs[t] = p->start[t];
		g->len[t] = p->start[t + 1] - p->start[t];
		double s = 1;
		for (int k = p->start[t]; k < p->start[t + 1]; k++) {
			g->count[p->index[k]]++;
			s *= (double)p->size[p->index[k]];
		}
		g->dsize[t] = s;
	}
	memcpy(g->pool, p->index, sizeof(int) * (size_t)p->start[g->n]);
	g->used = (size_t)p->start[g->n];
	for (int z = g->n; z < g->nids; z++)
		g->len[z] = -1;
	memset(g->llen, 0, sizeof(int) * (size_t)g->ni);
	for (int t = 0; t < g->n; t++)
		for (int k = p->start[t]; k < p->start[t + 1]; k++)
			if (!p->out[p->index[k]])
				g->lpool[g->lofs[p->index[k]] + g->llen[p->index[k]]++] = t;
	if (g->merge && merge_identical(g))
		return -1;
	for (int z = 0; z < g->n + g->nsteps; z++)
		if (g->len[z] >= 0 && push_neighbours(g, z, 1))
			return -1;
	cand c;
	int r;
	while ((r = pop_valid(g, &c)) == 1) {
		if (contract(g, c.x, c.y) || push_neighbours(g, g->n + g->nsteps - 1, 0))
			return -1;
		if (worse(g, bound, dbound))
			return 2;
	}
	if (r < 0)
		return -1;
	r = join_leftovers(g);
	if (r == 0 && worse(g, bound, dbound))
		return 2;
	return r;
}

/* Allocates the workspace of "g" for "prob"; -1 when out of memory. */
static int greedy_init(greedy *g, const path_problem *prob, const path_options *o)
{
	memset(g, 0, sizeof(*g));
	g->prob = prob;
	g->o = o;
	g->n = prob->n;
	g->nids = 2 * prob->n - 1;
	g->ni = prob->nindices;
	size_t nids = (size_t)g->nids + 1, ni = (size_t)g->ni + 1;
	g->cap = 2 * (size_t)prob->start[prob->n] + 16;
	g->ofs = malloc(sizeof(int) * nids);
	g->len = malloc(sizeof(int) * nids);
	g->stamp = calloc(nids, sizeof(int));
	g->dsize = malloc(sizeof(double) * nids);
	g->pool = malloc(sizeof(int) * g->cap);
	g->count = malloc(sizeof(int) * ni);
	g->lofs = calloc(ni, sizeof(int));
	g->lcap = calloc(ni, sizeof(int));
	g->llen = calloc(ni, sizeof(int));
	g->lpool = malloc(sizeof(int) * ((size_t)prob->start[prob->n] + 1));
	g->res = malloc(sizeof(int) * ni);
	g->step = malloc(sizeof(*g->step) * nids);
	g->keys = malloc(sizeof(*g->keys) * nids);
	if (!g->keys || !g->ofs || !g->len || !g->stamp || !g->dsize || !g->pool || !g->count ||
	    !g->lofs || !g->lcap || !g->llen || !g->lpool || !g->res || !g->step)
		return -1;
	for (int k = 0; k < prob->start[prob->n]; k++)
		g->lcap[prob->index[k]] += !prob->out[prob->index[k]];
	for (int i = 0, at = 0; i < g->ni; i++) {
		g->lofs[i] = at;
		at += g->lcap[i];
	}
	return 0;
}

/* Frees the workspace of "g". */
static void greedy_fini(greedy *g)
{
	free(g->ofs);
	free(g->len);
	free(g->stamp);
	free(g->dsize);
	free(g->pool);
	free(g->count);
	free(g->lofs);
	free(g->lcap);
	free(g->llen);
	free(g->lpool);
	free(g->res);
	free(g->step);
	free(g->heap);
	free(g->keys);
}

/* Runs trials first .. first + count - 1 and keeps the best path. */
einc_status path_greedy_trials(einc_ctx *ctx, arena *a, const path_problem *prob,
                               const path_options *o, int first, int count, path **out)
{
	path *best = path_new(a, prob->n);
	if (!best)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	greedy g;
	int found = 0, oom = greedy_init(&g, prob, o);
	path_cost bound = PATH_COST_MAX;
	double dbound = INFINITY;
	for (int r = first; r < first + (count > 0 ? count : 1) && !oom && prob->n > 1; r++) {
		g.rng = o->seed + (uint64_t)r * 0x632be59bd9b4e019ull;
		g.alpha = 1;
		g.temp = 0;
		g.merge = 1;
		if (r > 0) {
			g.alpha = 0.1 + 3.9 * rng_uniform(&g.rng);
			g.temp = exp(log(0.001) * (1 - rng_uniform(&g.rng)));
		}
		int st = trial(&g, bound, dbound);
		if (st < 0)
			oom = 1;
		if (st != 0 || (found && (g.score == bound ? g.dscore >= dbound : g.score > bound)))
			continue;
		found = 1;
		bound = g.score;
		dbound = g.dscore;
		memcpy(best->step, g.step, sizeof(*g.step) * (size_t)best->nsteps);
	}
	greedy_fini(&g);
	if (oom)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	if (prob->n > 1 && !found)
		return ctx_fail(ctx, EINC_EBUDGET, "path", "greedy found no contraction path "
		                "whose intermediates fit max_intermediate");
	return path_finish(ctx, prob, o, best, "greedy found no contraction path whose "
	                   "intermediates fit max_intermediate", out);
}

/* All o->trials trials (at least one). */
einc_status path_search_greedy(einc_ctx *ctx, arena *a, const path_problem *prob,
                               const path_options *o, path **out)
{
	return path_greedy_trials(ctx, a, prob, o, 0, o->trials, out);
}

einc_status path_greedy_smallest(einc_ctx *ctx, arena *a, const path_problem *prob,
                                 const path_options *o, path **out)
{
	path_options free_ = *o;
	free_.max_intermediate = 0;
	path *p = path_new(a, prob->n);
	greedy g;
	int st = greedy_init(&g, prob, &free_); /* alpha 0, no merging */
	if (!st && p && prob->n > 1)
		st = trial(&g, PATH_COST_MAX, INFINITY);
	if (!st && p)
		memcpy(p->step, g.step, sizeof(*g.step) * (size_t)p->nsteps);
	greedy_fini(&g);
	if (st || !p)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	*out = p;
	return path_complete(ctx, prob, o, p);
}
