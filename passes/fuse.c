/*
 * fuse.c - producer fusion: which steps of a contraction tree are computed
 * inside the packing of the GEMM-like step that reads them, never stored.
 * A step qualifies when it multiplies two operands and sums nothing (an
 * outer product, an elementwise product, a scaling: every index of its
 * operands is kept), its one reader is GEMM-like (lower_gemm_probe) and
 * reads no other fused operand, and the elements are real floats; where
 * both of the reader's operands qualify, the larger (the more bytes kept
 * out of memory; the first on a tie). The reader then packs the product
 * of the step's operands where it would pack the step's result
 * (runtime/gett.h, einc_rt_gett_fused), which saves
 * writing the result and reading it back: the intermediate leaves the
 * memory plan (IR_DAG_FUSED) and its operands live until the reader.
 */
#include "ctx.h"
#include "dtype.h"
#include "planner.h"
#include "program.h"

einc_status pass_fuse(einc_ctx *ctx, arena *a, const ir_graph *g, const ir_tree *t,
                      int vector_bits, const cg_caches *caches, int **out)
{
	int *fused = arena_array(a, (size_t)t->nnodes + 1, sizeof(int));
	if (!fused)
		return ctx_fail(ctx, EINC_ENOMEM, "fuse", "out of memory");
	*out = fused;
	if (ir_dtype(g->dtype)->kind != EINC_KIND_REAL)
		return EINC_OK;
	for (int x = 0; x < t->nnodes; x++) /* pass_plan refuses the tree, naming the node */
		if (plan_node_bytes(g, &t->nodes[x]) < 0)
			return EINC_OK;
	for (int p = 0; p < t->nnodes; p++) {
		const ir_tree_node *n = &t->nodes[p];
		if (n->input >= 0 || n->right < 0)
			continue;
		int child[2] = {n->left, n->right}, pick = -1;
		for (int c = 0; c < 2; c++)
			if (ir_tree_sums_nothing(t, &t->nodes[child[c]]) &&
			    (pick < 0 || plan_node_bytes(g, &t->nodes[child[c]]) >
			                     plan_node_bytes(g, &t->nodes[pick])))
				pick = child[c];
		if (pick < 0)
			continue;
		int gemm = lower_gemm_probe(a, g, t, p, vector_bits, caches, NULL);
		if (gemm < 0)
			return ctx_fail(ctx, EINC_ENOMEM, "fuse", "out of memory");
		fused[pick] = gemm;
	}
	return EINC_OK;
}
