/*
 * path_ltr.c - the left-to-right contraction tree: ((in0 in1) in2) ...,
 * as SSA pairs (0, 1), (n, 2), (n+1, 3), ... for ir_tree_build. A single
 * input becomes one unary step over it.
 */
#include "ctx.h"
#include "program.h"

/* Builds the left-to-right tree of "g" in "a" into "*out". */
einc_status pass_path_ltr(einc_ctx *ctx, arena *a, const ir_graph *g, ir_tree **out)
{
	int n = g->ninputs, nsteps = n > 1 ? n - 1 : 0;
	int (*pairs)[2] = arena_array(a, (size_t)nsteps + 1, sizeof(*pairs));
	if (!pairs)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	for (int s = 0; s < nsteps; s++) {
		pairs[s][0] = s == 0 ? 0 : n + s - 1;
		pairs[s][1] = s + 1;
	}
	return ir_tree_build(ctx, a, g, nsteps, (const int (*)[2])pairs, "path", out);
}
