/*
 * cost.c - the search problem and opt_einsum's cost model: step costs,
 * path evaluation, and the SSA -> linear path conversion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

/* Fills "o" with the defaults. */
void path_options_init(path_options *o)
{
	memset(o, 0, sizeof(*o));
	o->method = PATH_AUTO;
	o->trials = 32;
}

/* The decimal digits of "c" into "buf". */
char *path_cost_str(path_cost c, char *buf)
{
	char tmp[48];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + (int)(c % 10));
		c /= 10;
	} while (c);
	for (int k = 0; k < n; k++)
		buf[k] = tmp[n - 1 - k];
	buf[n] = 0;
	return buf;
}

/* "c" as the nearest double. */
double path_cost_double(path_cost c)
{
	return (double)(uint64_t)(c >> 64) * 18446744073709551616.0 + (double)(uint64_t)c;
}

/* flops + combo * size, saturating. */
path_cost path_step_score(path_cost flops, path_cost size, double combo)
{
	if (combo <= 0)
		return flops;
	double w = combo * path_cost_double(size);
	path_cost extra = w >= 3.4e38 ? PATH_COST_MAX : (path_cost)w;
	return path_cost_add(flops, extra);
}

/* Orders ints ascending (qsort). */
static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Sorts "v" ("n") and drops repeats; returns the new length. */
static int sort_unique(int *v, int n)
{
	qsort(v, (size_t)n, sizeof(int), cmp_int);
	int m = 0;
	for (int k = 0; k < n; k++)
		if (m == 0 || v[m - 1] != v[k])
			v[m++] = v[k];
	return m;
}

/* Builds the problem: sorted distinct index lists in one CSR array. */
einc_status path_problem_new(einc_ctx *ctx, arena *a, int n, const int *ranks,
                             const int *const idx[], int nindices, const int64_t *size,
                             int out_rank, const int *out_idx, path_problem **out)
{
	if (n < 1 || nindices < 0)
		return ctx_fail(ctx, EINC_EINVAL, "path", "a problem needs at least one tensor");
	size_t total = 0;
	for (int t = 0; t < n; t++)
		total += (size_t)ranks[t];
	path_problem *p = arena_alloc(a, sizeof(*p));
	if (!p)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	p->n = n;
	p->nindices = nindices;
	p->size = arena_array(a, (size_t)nindices + 1, sizeof(int64_t));
	p->start = arena_array(a, (size_t)n + 1, sizeof(int));
	p->index = arena_array(a, total + 1, sizeof(int));
	p->out = arena_array(a, (size_t)nindices + 1, 1);
	if (!p->size || !p->start || !p->index || !p->out)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	for (int i = 0; i < nindices; i++) {
		if (size[i] < 1)
			return ctx_fail(ctx, EINC_EINVAL, "path", "index %d has size %lld < 1", i,
			                (long long)size[i]);
		p->size[i] = size[i];
	}
	int m = 0;
	for (int t = 0; t < n; t++) {
		p->start[t] = m;
		for (int k = 0; k < ranks[t]; k++) {
			if (idx[t][k] < 0 || idx[t][k] >= nindices)
				return ctx_fail(ctx, EINC_EINVAL, "path", "tensor %d names index %d of %d",
				                t, idx[t][k], nindices);
			p->index[m + k] = idx[t][k];
		}
		m += sort_unique(p->index + m, ranks[t]);
	}
	p->start[n] = m;
	for (int k = 0; k < out_rank; k++) {
		if (out_idx[k] < 0 || out_idx[k] >= nindices)
			return ctx_fail(ctx, EINC_EINVAL, "path", "the output names index %d of %d",
			                out_idx[k], nindices);
		p->out[out_idx[k]] = 1;
	}
	*out = p;
	return ctx_ok(ctx);
}

/* The problem of "g": one tensor per input, the indices of its axes of
 * extent > 1 (as the tree's leaves hold them). */
einc_status path_problem_from_graph(einc_ctx *ctx, arena *a, const ir_graph *g,
                                    path_problem **out)
{
	int *ranks = arena_array(a, (size_t)g->ninputs + 1, sizeof(int));
	const int **idx = arena_array(a, (size_t)g->ninputs + 1, sizeof(int *));
	int64_t *size = arena_array(a, (size_t)g->nindices + 1, sizeof(int64_t));
	if (!ranks || !idx || !size)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	for (int t = 0; t < g->ninputs; t++) {
		const ir_tensor *x = &g->inputs[t];
		int *kept = arena_array(a, (size_t)x->rank + 1, sizeof(int));
		if (!kept)
			return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
		ranks[t] = 0;
		for (int k = 0; k < x->rank; k++)
			if (x->dims[k] > 1)
				kept[ranks[t]++] = x->index[k];
		idx[t] = kept;
	}
	for (int i = 0; i < g->nindices; i++)
		size[i] = g->indices[i].size;
	return path_problem_new(ctx, a, g->ninputs, ranks, idx, g->nindices, size,
	                        g->output.rank, g->output.index, out);
}

/* A path of "n" leaves with n - 1 steps and room for n unary ones. */
path *path_new(arena *a, int n)
{
	path *p = arena_alloc(a, sizeof(*p));
	if (!p)
		return NULL;
	p->step = arena_array(a, 2 * (size_t)n, sizeof(*p->step));
	if (!p->step)
		return NULL;
	p->n = n;
	p->nsteps = n > 1 ? n - 1 : 0;
	return p;
}

/* Merges sorted "x" and "y"; keeps an index when the output or a tensor
 * other than these two still holds it. */
int path_step(const path_problem *prob, const int *count, const int *x, int nx,
              const int *y, int ny, int *res, path_cost *flops, path_cost *size)
{
	path_cost all = 1, kept = 1;
	int m = 0, a = 0, b = 0, summed = 0;
	while (a < nx || b < ny) {
		int i, mult;
		if (b == ny || (a < nx && x[a] < y[b])) {
			i = x[a++];
			mult = 1;
		} else if (a == nx || y[b] < x[a]) {
			i = y[b++];
			mult = 1;
		} else {
			i = x[a++];
			b++;
			mult = 2;
		}
		path_cost s = (path_cost)prob->size[i];
		all = path_cost_mul(all, s);
		if (prob->out[i] || count[i] > mult) {
			res[m++] = i;
			kept = path_cost_mul(kept, s);
		} else {
			summed = 1;
		}
	}
	*flops = summed ? path_cost_mul(all, 2) : all;
	*size = kept;
	return m;
}

/* The number of unary steps of "p". */
static int count_unary(const path *p)
{
	int u = 0;
	for (int s = 0; s < p->nsteps; s++)
		u += p->step[s][1] < 0;
	return u;
}

/* The element count of the "n" indices "x". */
static path_cost list_size(const path_problem *prob, const int *x, int n)
{
	path_cost s = 1;
	for (int k = 0; k < n; k++)
		s = path_cost_mul(s, (path_cost)prob->size[x[k]]);
	return s;
}

/* The leaves' lists, counted (path.h). */
int path_lists_init(path_lists *l, const path_problem *prob, int nsteps)
{
	int n = prob->n, nids = n + nsteps;
	l->count = calloc((size_t)prob->nindices + 1, sizeof(int));
	l->ofs = malloc(sizeof(int) * ((size_t)nids + 1));
	l->len = malloc(sizeof(int) * ((size_t)nids + 1));
	l->cap = 2 * (size_t)prob->start[n] + 16;
	l->pool = malloc(sizeof(int) * l->cap);
	l->used = 0;
	if (!l->count || !l->ofs || !l->len || !l->pool)
		return -1;
	for (int t = 0; t < n; t++) {
		l->ofs[t] = (int)l->used;
		l->len[t] = prob->start[t + 1] - prob->start[t];
		memcpy(l->pool + l->used, prob->index + prob->start[t], sizeof(int) * (size_t)l->len[t]);
		for (int k = 0; k < l->len[t]; k++)
			l->count[l->pool[l->used + k]]++;
		l->used += (size_t)l->len[t];
	}
	for (int t = n; t < nids; t++)
		l->len[t] = -1;
	return 0;
}

/* One step's result list, after the others (path.h). */
int path_lists_step(path_lists *l, const path_problem *prob, int x, int y, int z,
                    path_cost *f, path_cost *sz)
{
	int ny = y >= 0 ? l->len[y] : 0;
	if (l->used + (size_t)l->len[x] + (size_t)ny > l->cap) {
		size_t cap = 2 * l->cap + (size_t)l->len[x] + (size_t)ny;
		int *grown = realloc(l->pool, sizeof(int) * cap);
		if (!grown)
			return -1;
		l->pool = grown;
		l->cap = cap;
	}
	l->ofs[z] = (int)l->used;
	l->len[z] = path_step(prob, l->count, l->pool + l->ofs[x], l->len[x],
	                      y >= 0 ? l->pool + l->ofs[y] : NULL, ny, l->pool + l->used, f, sz);
	return 0;
}

/* The operands' lists consumed, the result's counted (path.h). */
void path_lists_retire(path_lists *l, int x, int y, int z)
{
	for (int k = 0; k < l->len[x]; k++)
		l->count[l->pool[l->ofs[x] + k]]--;
	for (int k = 0; y >= 0 && k < l->len[y]; k++)
		l->count[l->pool[l->ofs[y] + k]]--;
	for (int k = 0; k < l->len[z]; k++)
		l->count[l->pool[l->ofs[z] + k]]++;
	l->used += (size_t)l->len[z];
	l->len[x] = -1;
	if (y >= 0)
		l->len[y] = -1;
}

/* Frees the lists (path.h). */
void path_lists_free(path_lists *l)
{
	free(l->count);
	free(l->ofs);
	free(l->len);
	free(l->pool);
}

/* Replays the SSA steps over live index lists and sums their costs; the
 * element count of every id into "sizes" unless NULL. */
static einc_status replay(einc_ctx *ctx, const path_problem *prob, double combo, path *p,
                          path_cost *sizes)
{
	int n = prob->n, nu = count_unary(p);
	if (p->n != n || p->nsteps - nu != (n > 1 ? n - 1 : 0) || nu > n)
		return ctx_fail(ctx, EINC_EINVAL, "path", "a path of %d leaves has %d pairwise "
		                "steps, expected %d", p->n, p->nsteps - nu, n > 1 ? n - 1 : 0);
	if (n == 1) {
		path_cost all = 1, kept = 1;
		int summed = 0;
		for (int k = prob->start[0]; k < prob->start[1]; k++) {
			int i = prob->index[k];
			all = path_cost_mul(all, (path_cost)prob->size[i]);
			if (prob->out[i])
				kept = path_cost_mul(kept, (path_cost)prob->size[i]);
			else
				summed = 1;
		}
		p->flops = summed ? path_cost_mul(all, 2) : all;
		p->largest = kept;
		p->inner = 0;
		p->score = path_step_score(p->flops, kept, combo);
		if (sizes)
			for (int s = 0; s <= p->nsteps; s++)
				sizes[s] = s ? kept : all;
		return ctx_ok(ctx);
	}
	path_lists l;
	einc_status st = EINC_OK;
	if (path_lists_init(&l, prob, p->nsteps)) {
		st = ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
		goto done;
	}
	for (int t = 0; sizes && t < n; t++)
		sizes[t] = list_size(prob, l.pool + l.ofs[t], l.len[t]);
	p->flops = p->largest = p->inner = p->score = 0;
	for (int s = 0; s < p->nsteps; s++) {
		int x = p->step[s][0], y = p->step[s][1], z = n + s;
		if (x < 0 || x >= z || y >= z || x == y || l.len[x] < 0 || (y >= 0 && l.len[y] < 0)) {
			st = ctx_fail(ctx, EINC_EINVAL, "path", "step %d (%d, %d) uses an id that is "
			              "not live", s, x, y);
			goto done;
		}
		path_cost f, sz;
		if (path_lists_step(&l, prob, x, y, z, &f, &sz)) {
			st = ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
			goto done;
		}
		path_lists_retire(&l, x, y, z);
		p->flops = path_cost_add(p->flops, f);
		p->score = path_cost_add(p->score, path_step_score(f, sz, combo));
		if (sizes)
			sizes[z] = sz;
		if (sz > p->largest)
			p->largest = sz;
		if (s < p->nsteps - 1 && sz > p->inner)
			p->inner = sz; /* the last step makes the root */
	}
	st = ctx_ok(ctx);
done:
	path_lists_free(&l);
	return st;
}

/* Replays without sizes. */
einc_status path_evaluate(einc_ctx *ctx, const path_problem *prob, double combo, path *p)
{
	return replay(ctx, prob, combo, p, NULL);
}

/* Replays for the sizes. */
einc_status path_sizes(einc_ctx *ctx, const path_problem *prob, path *p, path_cost *sizes)
{
	return replay(ctx, prob, 0, p, sizes);
}

/* The indices of leaf "t" that no other tensor and not the output holds,
 * removed: its list after a unary reduction into "res" (returns its length);
 * "*unary" gets that reduction's score, 0 when there is nothing to reduce. */
static int leaf_reduced(const path_problem *prob, const int *count, int t,
                        const path_options *o, int *res, path_cost *unary)
{
	const int *x = prob->index + prob->start[t];
	int nx = prob->start[t + 1] - prob->start[t];
	path_cost f, sz;
	int m = path_step(prob, count, x, nx, NULL, 0, res, &f, &sz);
	int fits = !o->max_intermediate || sz <= o->max_intermediate;
	*unary = m < nx && fits ? path_step_score(f, sz, o->combo) : 0;
	return m;
}

/* Pre-reduces the leaves whose private indices are cheaper to sum out
 * first: each leaf's choice only changes its parent step, so the choices
 * (at most two leaves per step, all four combinations tried) are exact for
 * the tree; a reduction whose result breaks the limit is not taken. */
int path_add_unary(const path_problem *prob, const path_options *o, path *p)
{
	int n = prob->n;
	if (n < 2 || count_unary(p))
		return 0;
	int ni = prob->nindices, nids = 2 * n - 1;
	int *count = calloc((size_t)ni + 1, sizeof(int));
	int *ofs = malloc(sizeof(int) * (size_t)nids), *len = malloc(sizeof(int) * (size_t)nids);
	int *red = malloc(sizeof(int) * (size_t)n), *newid = malloc(sizeof(int) * (size_t)nids);
	size_t cap = 2 * (size_t)prob->start[n] + 16;
	int *pool = malloc(sizeof(int) * cap);
	int (*steps)[2] = malloc(sizeof(*steps) * 2 * (size_t)n);
	int r = -1;
	if (!count || !ofs || !len || !red || !newid || !pool || !steps)
		goto done;
	for (int k = 0; k < prob->start[n]; k++)
		count[prob->index[k]]++;
	size_t used = (size_t)prob->start[n];
	memcpy(pool, prob->index, sizeof(int) * used);
	for (int t = 0; t < n; t++) {
		ofs[t] = prob->start[t];
		len[t] = prob->start[t + 1] - prob->start[t];
		red[t] = 0;
	}
	for (int s = 0; s < p->nsteps; s++) {
		int v[2] = {p->step[s][0], p->step[s][1]}, z = n + s;
		int rl[2] = {0, 0}, *rx[2];
		size_t need = used + 3 * ((size_t)len[v[0]] + (size_t)len[v[1]]);
		if (need > cap) {
			cap = 2 * need;
			int *grown = realloc(pool, sizeof(int) * cap);
			if (!grown)
				goto done;
			pool = grown;
		}
		path_cost un[2] = {0, 0};
		for (int e = 0; e < 2; e++) {
			rx[e] = pool + used;
			if (v[e] < n) {
				rl[e] = leaf_reduced(prob, count, v[e], o, rx[e], &un[e]);
				used += (size_t)rl[e];
			}
		}
		path_cost best = PATH_COST_MAX;
		int pick = 0;
		for (int c = 0; c < 4; c++) {
			if (((c & 1) && !un[0]) || ((c & 2) && !un[1]))
				continue;
			const int *a = c & 1 ? rx[0] : pool + ofs[v[0]];
			const int *b = c & 2 ? rx[1] : pool + ofs[v[1]];
			int na = c & 1 ? rl[0] : len[v[0]], nb = c & 2 ? rl[1] : len[v[1]];
			path_cost f, sz;
			path_step(prob, count, a, na, b, nb, pool + used, &f, &sz);
			path_cost sc = path_step_score(f, sz, o->combo);
			sc = path_cost_add(sc, path_cost_add(c & 1 ? un[0] : 0, c & 2 ? un[1] : 0));
			if (sc < best) {
				best = sc;
				pick = c;
			}
		}
		for (int e = 0; e < 2; e++)
			if (pick >> e & 1)
				red[v[e]] = 1;
		path_cost f, sz;
		ofs[z] = (int)used;
		len[z] = path_step(prob, count, pool + ofs[v[0]], len[v[0]], pool + ofs[v[1]],
		                   len[v[1]], pool + used, &f, &sz);
		for (int e = 0; e < 2; e++)
			for (int k = 0; k < len[v[e]]; k++)
				count[pool[ofs[v[e]] + k]]--;
		for (int k = 0; k < len[z]; k++)
			count[pool[used + k]]++;
		used += (size_t)len[z];
	}
	int nu = 0;
	for (int t = 0; t < n; t++) {
		newid[t] = t;
		if (red[t]) {
			steps[nu][0] = t;
			steps[nu][1] = -1;
			newid[t] = n + nu++;
		}
	}
	for (int s = 0; s < p->nsteps; s++) {
		newid[n + s] = n + nu + s;
		int a = newid[p->step[s][0]], b = newid[p->step[s][1]];
		steps[nu + s][0] = a < b ? a : b;
		steps[nu + s][1] = a < b ? b : a;
	}
	memcpy(p->step, steps, sizeof(*steps) * (size_t)(nu + p->nsteps));
	p->nsteps += nu;
	r = 0;
done:
	free(count);
	free(ofs);
	free(len);
	free(red);
	free(newid);
	free(pool);
	free(steps);
	return r;
}

/* Adds the unary steps, then computes the path's costs. */
einc_status path_complete(einc_ctx *ctx, const path_problem *prob, const path_options *o,
                          path *p)
{
	if (path_add_unary(prob, o, p))
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	return path_evaluate(ctx, prob, o->combo, p);
}

/* path_complete, then the cap on the completed path's intermediates. */
einc_status path_finish(einc_ctx *ctx, const path_problem *prob, const path_options *o,
                        path *p, const char *none, path **out)
{
	einc_status st = path_complete(ctx, prob, o, p);
	if (st)
		return st;
	if (o->max_intermediate && p->inner > o->max_intermediate)
		return ctx_fail(ctx, EINC_EBUDGET, "path", "%s", none);
	*out = p;
	return ctx_ok(ctx);
}

/* Fenwick tree over ids: adds "v" at "i". */
static void fen_add(int *fen, int size, int i, int v)
{
	for (i++; i <= size; i += i & -i)
		fen[i] += v;
}

/* Fenwick tree prefix sum over ids < "i". */
static int fen_sum(const int *fen, int i)
{
	int s = 0;
	for (; i > 0; i -= i & -i)
		s += fen[i];
	return s;
}

/* A live id's position is the number of live ids below it, since results
 * are appended with increasing ids. */
int path_to_linear(const path *p, int (*lin)[2])
{
	int nids = p->n + p->nsteps;
	int *fen = calloc((size_t)nids + 1, sizeof(int));
	if (!fen)
		return -1;
	for (int t = 0; t < p->n; t++)
		fen_add(fen, nids, t, 1);
	for (int s = 0; s < p->nsteps; s++) {
		int x = p->step[s][0], y = p->step[s][1];
		int i = fen_sum(fen, x), j = y >= 0 ? fen_sum(fen, y) : -1;
		lin[s][0] = j < 0 || i < j ? i : j;
		lin[s][1] = j < 0 || i < j ? j : i;
		fen_add(fen, nids, x, -1);
		if (y >= 0)
			fen_add(fen, nids, y, -1);
		fen_add(fen, nids, p->n + s, 1);
	}
	free(fen);
	return 0;
}

/* "[(i, j), ...]" for every step of the linear form. */
char *path_linear_str(const path *p)
{
	size_t cap = 8 + (size_t)p->nsteps * 28;
	char *s = malloc(cap);
	int (*lin)[2] = malloc(sizeof(*lin) * ((size_t)p->nsteps + 1));
	if (!s || !lin || path_to_linear(p, lin)) {
		free(s);
		free(lin);
		return NULL;
	}
	size_t m = 0;
	s[m++] = '[';
	if (p->nsteps == 0)
		m += (size_t)sprintf(s + m, "(0,)");
	for (int k = 0; k < p->nsteps; k++)
		if (lin[k][1] < 0)
			m += (size_t)sprintf(s + m, "%s(%d,)", k ? ", " : "", lin[k][0]);
		else
			m += (size_t)sprintf(s + m, "%s(%d, %d)", k ? ", " : "", lin[k][0], lin[k][1]);
	s[m++] = ']';
	s[m] = 0;
	free(lin);
	return s;
}
