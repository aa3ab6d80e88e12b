/* output_shape.c - einc_output_shape: the output's shape from the spec and
 * the operands' shapes, by the front end alone (parse and bind). */
#include <string.h>

#include "ctx.h"
#include "einc.h"
#include "frontend.h"

einc_status einc_output_shape(einc_ctx *ctx, const char *spec, int nops,
                              const int *ranks, const int64_t *const shapes[],
                              int max_rank, int *out_rank, int64_t *out_dims)
{
	if (!ctx)
		return EINC_EINVAL;
	ctx_ok(ctx);
	if (!spec || !out_rank || max_rank < 0 || (max_rank > 0 && !out_dims))
		return ctx_fail(ctx, EINC_EINVAL, "api", "the output shape needs a spec, out_rank, "
		                "max_rank >= 0 and out_dims when max_rank > 0");
	fe_sizes sizes;
	einc_status st = fe_sizes_numeric(ctx, nops, ranks, shapes, &sizes);
	if (st)
		return st;
	arena *a = arena_new();
	if (!a)
		return ctx_fail(ctx, EINC_ENOMEM, "api", "out of memory");
	ir_graph *g;
	st = fe_spec_to_graph(ctx, a, spec, &sizes, EINC_F64, &g);
	if (!st) {
		int rank = g->output.rank;
		*out_rank = rank;
		if (rank > max_rank)
			st = ctx_fail(ctx, EINC_EINVAL, "api", "the output has rank %d but out_dims "
			              "has room for %d", rank, max_rank);
		else if (rank > 0)
			memcpy(out_dims, ir_graph_dims(g, -1), (size_t)rank * sizeof(*out_dims));
	}
	arena_free(a);
	return st;
}
