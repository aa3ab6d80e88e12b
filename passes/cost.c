/*
 * cost.c - the search problem and opt_einsum's cost model: step costs,
 * path evaluation, and the SSA -> linear path conversion.
 */
#include <math.h>
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

/* a + b, saturating at PATH_COST_MAX. */
path_cost path_cost_add(path_cost a, path_cost b)
{
	path_cost s = a + b;
	return s < a ? PATH_COST_MAX : s;
}

/* a * b, saturating at PATH_COST_MAX. */
path_cost path_cost_mul(path_cost a, path_cost b)
{
	if (a && b > PATH_COST_MAX / a)
		return PATH_COST_MAX;
	return a * b;
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
	p->log2size = arena_array(a, (size_t)nindices + 1, sizeof(double));
	p->start = arena_array(a, (size_t)n + 1, sizeof(int));
	p->index = arena_array(a, total + 1, sizeof(int));
	p->out = arena_array(a, (size_t)nindices + 1, 1);
	if (!p->size || !p->log2size || !p->start || !p->index || !p->out)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	for (int i = 0; i < nindices; i++) {
		if (size[i] < 1)
			return ctx_fail(ctx, EINC_EINVAL, "path", "index %d has size %lld < 1", i,
			                (long long)size[i]);
		p->size[i] = size[i];
		p->log2size[i] = log2((double)size[i]);
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

/* The problem of "g": one tensor per input, its axes' indices. */
einc_status path_problem_from_graph(einc_ctx *ctx, arena *a, const ir_graph *g,
                                    path_problem **out)
{
	int *ranks = arena_array(a, (size_t)g->ninputs + 1, sizeof(int));
	const int **idx = arena_array(a, (size_t)g->ninputs + 1, sizeof(int *));
	int64_t *size = arena_array(a, (size_t)g->nindices + 1, sizeof(int64_t));
	if (!ranks || !idx || !size)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	for (int t = 0; t < g->ninputs; t++) {
		ranks[t] = g->inputs[t].rank;
		idx[t] = g->inputs[t].index;
	}
	for (int i = 0; i < g->nindices; i++)
		size[i] = g->indices[i].size;
	return path_problem_new(ctx, a, g->ninputs, ranks, idx, g->nindices, size,
	                        g->output.rank, g->output.index, out);
}

/* A path of "n" leaves with room for n - 1 steps. */
path *path_new(arena *a, int n)
{
	path *p = arena_alloc(a, sizeof(*p));
	if (!p)
		return NULL;
	p->step = arena_array(a, (size_t)n, sizeof(*p->step));
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

/* Replays the SSA steps over live index lists and sums their costs. */
einc_status path_evaluate(einc_ctx *ctx, const path_problem *prob, double combo, path *p)
{
	int n = prob->n;
	if (p->n != n || p->nsteps != (n > 1 ? n - 1 : 0))
		return ctx_fail(ctx, EINC_EINVAL, "path", "a path of %d leaves has %d steps, "
		                "expected %d", p->n, p->nsteps, n > 1 ? n - 1 : 0);
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
		p->score = path_step_score(p->flops, kept, combo);
		return ctx_ok(ctx);
	}
	int nids = 2 * n - 1, ni = prob->nindices;
	int *count = calloc((size_t)ni + 1, sizeof(int));
	int *ofs = malloc(sizeof(int) * ((size_t)nids + 1));
	int *len = malloc(sizeof(int) * ((size_t)nids + 1));
	size_t cap = 2 * (size_t)prob->start[n] + 16;
	int *pool = malloc(sizeof(int) * cap);
	einc_status st = EINC_OK;
	if (!count || !ofs || !len || !pool) {
		st = ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
		goto done;
	}
	int used = 0;
	for (int t = 0; t < n; t++) {
		ofs[t] = used;
		len[t] = prob->start[t + 1] - prob->start[t];
		memcpy(pool + used, prob->index + prob->start[t], sizeof(int) * (size_t)len[t]);
		for (int k = 0; k < len[t]; k++)
			count[pool[used + k]]++;
		used += len[t];
	}
	for (int t = n; t < nids; t++)
		len[t] = -1;
	p->flops = p->largest = p->score = 0;
	for (int s = 0; s < p->nsteps; s++) {
		int x = p->step[s][0], y = p->step[s][1], z = n + s;
		if (x < 0 || y < 0 || x >= z || y >= z || x == y || len[x] < 0 || len[y] < 0) {
			st = ctx_fail(ctx, EINC_EINVAL, "path", "step %d (%d, %d) uses an id that is "
			              "not live", s, x, y);
			goto done;
		}
		if ((size_t)used + (size_t)len[x] + (size_t)len[y] > cap) {
			cap = 2 * cap + (size_t)len[x] + (size_t)len[y];
			int *grown = realloc(pool, sizeof(int) * cap);
			if (!grown) {
				st = ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
				goto done;
			}
			pool = grown;
		}
		path_cost f, sz;
		ofs[z] = used;
		len[z] = path_step(prob, count, pool + ofs[x], len[x], pool + ofs[y], len[y],
		                   pool + used, &f, &sz);
		for (int k = 0; k < len[x]; k++)
			count[pool[ofs[x] + k]]--;
		for (int k = 0; k < len[y]; k++)
			count[pool[ofs[y] + k]]--;
		for (int k = 0; k < len[z]; k++)
			count[pool[used + k]]++;
		used += len[z];
		len[x] = len[y] = -1;
		p->flops = path_cost_add(p->flops, f);
		p->score = path_cost_add(p->score, path_step_score(f, sz, combo));
		if (sz > p->largest)
			p->largest = sz;
	}
	st = ctx_ok(ctx);
done:
	free(count);
	free(ofs);
	free(len);
	free(pool);
	return st;
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
	int nids = 2 * p->n - 1;
	int *fen = calloc((size_t)nids + 1, sizeof(int));
	if (!fen)
		return -1;
	for (int t = 0; t < p->n; t++)
		fen_add(fen, nids, t, 1);
	for (int s = 0; s < p->nsteps; s++) {
		int x = p->step[s][0], y = p->step[s][1];
		int i = fen_sum(fen, x), j = fen_sum(fen, y);
		lin[s][0] = i < j ? i : j;
		lin[s][1] = i < j ? j : i;
		fen_add(fen, nids, x, -1);
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
		m += (size_t)sprintf(s + m, "%s(%d, %d)", k ? ", " : "", lin[k][0], lin[k][1]);
	s[m++] = ']';
	s[m] = 0;
	free(lin);
	return s;
}
