/*
 * canon.c - canonicalisation between the front end and the search: what
 * an input needs no partner for is done first, so that the search sees
 * smaller operands (docs/ir.md, "The canon form").
 *
 * - Axes of extent 1 (an index of size 1, a broadcast axis) are dropped:
 *   the tree's leaves and the search problem never hold them, and no step
 *   is needed (the input is read at 0 along them).
 * - A diagonal (an index on two axes) is read in place: the leaf holds the
 *   index once and its access steps by the sum of the axes' strides, so a
 *   diagonal alone needs no step (a copy would cost a pass over it; numpy
 *   and opt_einsum make none either).
 * - An input with private indices (held by no other input, not by the
 *   output) gets a unary step over its leaf that sums them (taking its
 *   diagonals on the way), as opt_einsum's dp pre-sums single-use indices;
 *   unless its result breaks the max_intermediate limit.
 * - An input with no index left is a scalar: the scalars are multiplied
 *   together, then into the smallest node of the other inputs' tree.
 * A unary step costs what opt_einsum's single-term contraction costs: the
 * product of the sizes of its operand's indices, x2 when it sums one.
 */
#include <stdlib.h>

#include "path.h"
#include "strbuf.h"

/* The indices of tensor "t" of "prob" that canon keeps into "res" (the
 * output's and those another tensor holds: "count" per index); returns
 * how many, "*private" whether one was dropped. */
static int kept_indices(const path_problem *prob, const int *count, int t, int *res,
                        int *private)
{
	int m = 0;
	*private = 0;
	for (int k = prob->start[t]; k < prob->start[t + 1]; k++) {
		int i = prob->index[k];
		if (prob->out[i] || count[i] > 1)
			res[m++] = i;
		else
			*private = 1;
	}
	return m;
}

/* Decides each tensor's unary step and scalar fold, then builds the
 * reduced problem of the tensors that are not scalars. */
einc_status path_canon_new(einc_ctx *ctx, arena *a, const path_problem *prob,
                           const path_options *o, path_canon **out)
{
	int n = prob->n;
	path_canon *c = arena_alloc(a, sizeof(*c));
	int *count = arena_array(a, (size_t)prob->nindices + 1, sizeof(int));
	int *ranks = arena_array(a, (size_t)n, sizeof(int));
	const int **idx = arena_array(a, (size_t)n, sizeof(int *));
	if (c) {
		c->tensor = arena_array(a, (size_t)n, sizeof(int));
		c->unary = arena_alloc(a, (size_t)n);
		c->scalar = arena_alloc(a, (size_t)n);
	}
	if (!c || !count || !ranks || !idx || !c->tensor || !c->unary || !c->scalar)
		return ctx_fail(ctx, EINC_ENOMEM, "canon", "out of memory");
	for (int k = 0; k < prob->start[n]; k++)
		count[prob->index[k]]++;
	int m = 0;
	for (int t = 0; t < n; t++) {
		int full = prob->start[t + 1] - prob->start[t], private;
		int *res = arena_array(a, (size_t)full + 1, sizeof(int));
		if (!res)
			return ctx_fail(ctx, EINC_ENOMEM, "canon", "out of memory");
		int r = kept_indices(prob, count, t, res, &private);
		path_cost size = 1;
		for (int k = 0; k < r; k++)
			size = path_cost_mul(size, (path_cost)prob->size[res[k]]);
		c->unary[t] = n > 1 && private &&
		              (!o->max_intermediate || size <= o->max_intermediate);
		if (!c->unary[t] || n == 1)
			for (r = 0; r < full; r++)
				res[r] = prob->index[prob->start[t] + r];
		c->scalar[t] = n > 1 && r == 0;
		c->nunary += c->unary[t];
		c->nscalar += c->scalar[t];
		if (c->scalar[t])
			continue;
		c->tensor[m] = t;
		ranks[m] = r;
		idx[m++] = res;
	}
	c->reduced = NULL;
	if (m) {
		int64_t *size = arena_array(a, (size_t)prob->nindices + 1, sizeof(int64_t));
		int *out_idx = arena_array(a, (size_t)prob->nindices + 1, sizeof(int));
		if (!size || !out_idx)
			return ctx_fail(ctx, EINC_ENOMEM, "canon", "out of memory");
		int nout = 0;
		for (int i = 0; i < prob->nindices; i++) {
			size[i] = prob->size[i];
			if (prob->out[i])
				out_idx[nout++] = i;
		}
		einc_status st = path_problem_new(ctx, a, m, ranks, idx, prob->nindices, size, nout,
		                                  out_idx, &c->reduced);
		if (st)
			return st;
	}
	*out = c;
	return ctx_ok(ctx);
}

/* Appends SSA step (x, y) to "p" (pairs first < second; y = -1: unary) and
 * returns the id it makes. */
static int emit(path *p, int x, int y)
{
	int s = p->nsteps++;
	p->step[s][0] = y < 0 || x < y ? x : y;
	p->step[s][1] = y < 0 || x < y ? y : x;
	return p->n + s;
}

/* The id of the smallest node of "r" (its leaves and step results; the
 * latest on ties), or -1 when out of memory. */
static int smallest_node(einc_ctx *ctx, const path_problem *reduced, path *r)
{
	int nids = r->n + r->nsteps, best = 0;
	path_cost *size = malloc(sizeof(path_cost) * (size_t)nids);
	if (!size || path_sizes(ctx, reduced, r, size)) {
		free(size);
		return -1;
	}
	for (int id = 1; id < nids; id++)
		if (size[id] <= size[best])
			best = id;
	free(size);
	return best;
}

/* Unary steps first, then the scalars' products, then the search's steps
 * renumbered, with the scalar product folded in after the smallest node. */
einc_status path_canon_search(einc_ctx *ctx, arena *a, const path_problem *prob,
                              const path_canon *c, const path_options *o, path **out)
{
	int n = prob->n;
	if (n == 1)
		return path_search(ctx, a, prob, o, out);
	path *r = NULL, *p = path_new(a, n);
	int *cur = arena_array(a, (size_t)n, sizeof(int));
	if (!p || !cur)
		return ctx_fail(ctx, EINC_ENOMEM, "canon", "out of memory");
	if (c->reduced) {
		einc_status st = path_search(ctx, a, c->reduced, o, &r);
		if (st)
			return st;
	}
	p->nsteps = 0;
	for (int t = 0; t < n; t++)
		cur[t] = c->unary[t] ? emit(p, t, -1) : t;
	int scalar = -1;
	for (int t = 0; t < n; t++)
		if (c->scalar[t])
			scalar = scalar < 0 ? cur[t] : emit(p, scalar, cur[t]);
	if (r) {
		int nids = r->n + r->nsteps, target = scalar < 0 ? -1 : smallest_node(ctx, c->reduced, r);
		int *alias = arena_array(a, (size_t)nids, sizeof(int));
		if (!alias || (scalar >= 0 && target < 0))
			return ctx_fail(ctx, EINC_ENOMEM, "canon", "out of memory");
		for (int id = 0; id < nids; id++) {
			if (id < r->n) {
				alias[id] = cur[c->tensor[id]];
			} else {
				const int *s = r->step[id - r->n];
				alias[id] = emit(p, alias[s[0]], s[1] < 0 ? -1 : alias[s[1]]);
			}
			if (id == target)
				alias[id] = emit(p, alias[id], scalar);
		}
	}
	*out = p;
	return path_evaluate(ctx, prob, o->combo, p);
}

/* The problem of "g" and its canonical form under "o". */
einc_status pass_canon(einc_ctx *ctx, arena *a, const ir_graph *g, const path_options *o,
                       path_problem **prob, path_canon **out)
{
	einc_status st = path_problem_from_graph(ctx, a, g, prob);
	return st ? st : path_canon_new(ctx, a, *prob, o, out);
}

/* Appends ", " (or " " before the first item) and the formatted item. */
#define ITEM(b, any, ...) (strbuf_printf(b, (any)++ ? ", " : " "), strbuf_printf(b, __VA_ARGS__))

/* Appends one input's line: its axes, what it keeps, and after ';' what
 * canon does to it ("flops": its unary step's). */
static void print_input(strbuf *b, const ir_graph *g, const path_problem *prob,
                        const path_canon *c, int k, int j, path_cost flops)
{
	const ir_tensor *t = &g->inputs[k];
	const path_problem *red = c->reduced;
	int any = 0, kb = j >= 0 ? red->start[j] : 0, ke = j >= 0 ? red->start[j + 1] : 0;
	strbuf_printf(b, "%%%d [", k);
	for (int x = 0; x < t->rank; x++)
		strbuf_printf(b, "%s%s%s", x ? " " : "", g->indices[t->index[x]].name,
		              t->dims[x] == 1 && g->indices[t->index[x]].size > 1 ? ":1" : "");
	strbuf_printf(b, "] -> [");
	for (int x = kb; x < ke; x++)
		strbuf_printf(b, "%s%s", x > kb ? " " : "", g->indices[red->index[x]].name);
	strbuf_printf(b, "]  ;");
	for (int x = 0; x < t->rank; x++)
		if (t->dims[x] == 1)
			ITEM(b, any, "drop %s%s", g->indices[t->index[x]].name,
			     g->indices[t->index[x]].size > 1 ? ":1" : "");
	for (int x = 0; x < t->rank; x++)
		for (int y = 0; y < x; y++)
			if (t->dims[x] > 1 && t->index[x] == t->index[y])
				ITEM(b, any, "diagonal %s%s", g->indices[t->index[x]].name,
				     c->unary[k] ? "" : " (read in place)");
	for (int x = prob->start[k]; c->unary[k] && x < prob->start[k + 1]; x++) {
		int i = prob->index[x], kept = 0;
		for (int y = kb; y < ke; y++)
			kept |= red->index[y] == i;
		if (!kept)
			ITEM(b, any, "sum %s", g->indices[i].name);
	}
	char num[48];
	if (c->unary[k])
		ITEM(b, any, "unary step, flops %s", path_cost_str(flops, num));
	if (c->scalar[k])
		ITEM(b, any, "scalar, folded");
	if (!any)
		strbuf_printf(b, " as is");
	strbuf_printf(b, "\n");
}

/* Per input one line; the header counts the unary steps, their flops (as
 * path_step costs each) and the scalars. */
char *canon_print(const ir_graph *g, const path_problem *prob, const path_canon *c)
{
	strbuf b = {0};
	int *count = calloc((size_t)prob->nindices + 1, sizeof(int));
	int *res = malloc(sizeof(int) * ((size_t)prob->nindices + 1));
	path_cost *flops = calloc((size_t)prob->n, sizeof(path_cost)), total = 0;
	char *text = NULL, num[48];
	if (!count || !flops || !res)
		goto done;
	for (int k = 0; k < prob->start[prob->n]; k++)
		count[prob->index[k]]++;
	for (int k = 0; k < prob->n; k++)
		if (c->unary[k]) {
			path_cost size;
			path_step(prob, count, prob->index + prob->start[k],
			          prob->start[k + 1] - prob->start[k], NULL, 0, res, &flops[k], &size);
			total = path_cost_add(total, flops[k]);
		}
	strbuf_printf(&b, "; einc canon v1\n; %d unary step%s, flops %s; %d scalar%s folded\n",
	              c->nunary, c->nunary == 1 ? "" : "s", path_cost_str(total, num), c->nscalar,
	              c->nscalar == 1 ? "" : "s");
	if (prob->n == 1)
		strbuf_printf(&b, "; one input: its one step is the root\n");
	for (int k = 0, j = 0; k < prob->n; k++) {
		print_input(&b, g, prob, c, k, c->scalar[k] ? -1 : j, flops[k]);
		j += !c->scalar[k];
	}
	text = strbuf_take(&b);
done:
	free(count);
	free(flops);
	free(res);
	return text;
}
