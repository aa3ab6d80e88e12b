/*
 * path_ltr.c - the left-to-right contraction tree: ((in0 in1) in2) ...,
 * as SSA pairs (0, 1), (n, 2), (n+1, 3), ... for ir_tree_build. A single
 * input becomes one unary step over it. The order is the caller's, so a
 * limit it breaks is an error that names the limit it needs.
 */
#include "ctx.h"
#include "path.h"
#include "program.h"

/* The largest result of "t"'s steps but the root's, in elements. */
static path_cost largest_inner(const ir_graph *g, const ir_tree *t)
{
	path_cost big = 0;
	for (int k = g->ninputs; k < t->nnodes; k++) {
		if (k == t->root)
			continue;
		path_cost s = 1;
		for (int r = 0; r < t->nodes[k].rank; r++)
			s = path_cost_mul(s, (path_cost)g->indices[t->nodes[k].index[r]].size);
		if (s > big)
			big = s;
	}
	return big;
}

/* Builds the left-to-right tree of "g" in "a" into "*out". */
einc_status pass_path_ltr(einc_ctx *ctx, arena *a, const ir_graph *g,
                          int64_t max_intermediate, ir_tree **out)
{
	int n = g->ninputs, nsteps = n > 1 ? n - 1 : 0;
	int (*pairs)[2] = arena_array(a, (size_t)nsteps + 1, sizeof(*pairs));
	if (!pairs)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	for (int s = 0; s < nsteps; s++) {
		pairs[s][0] = s == 0 ? 0 : n + s - 1;
		pairs[s][1] = s + 1;
	}
	einc_status st = ir_tree_build(ctx, a, g, nsteps, (const int (*)[2])pairs, "path", out);
	path_cost need = st ? 0 : largest_inner(g, *out);
	if (!max_intermediate || need <= (path_cost)max_intermediate)
		return st;
	char lim[48], big[48];
	return ctx_fail(ctx, EINC_EBUDGET, "path", "the left-to-right order keeps an intermediate "
	                "of %s elements, over max_intermediate %s: a limit of %s elements works, "
	                "or a searched order", path_cost_str(need, big),
	                path_cost_str((path_cost)max_intermediate, lim), path_cost_str(need, big));
}
