/*
 * layout.c - the order of a tiled chain's intermediates' labels, their
 * layout in memory: row-major in index order, but where the chain's next
 * step reads the intermediate as its B and packs it because B's summed
 * labels run far apart (einc_rt_gett_b_in_place: K rows within
 * RT_GETT_B_NEAR_BYTES), those labels move in, just before the last
 * label, when the step then reads whole micro-panels in place (the last
 * label's extent a multiple of NR) and the step that writes the
 * intermediate keeps its form (its C's unit stride, the last label, stays).
 * The 4-index transform (pqrs,pi,qj,rk,sl->ijkl, 48^4 f64, tiled over p):
 * its third step read [p q k l] summing q, K rows 18 KiB apart, packed;
 * [p k q l] puts them 384 bytes apart. Measured on znver5 (1 thread, CPU
 * time): qkl,qj->jkl 0.122 ms, kql,qj->jkl 0.106 (best of 300 calls); the
 * second step writes either as fast (qrl,rk->qkl and ->kql 0.105); the
 * transform 24.2-24.6 -> 22.9-23.7 ms (5 rounds). Only a chain's per-tile
 * intermediates, which the caches hold: the same move on intermediates
 * within L2 but untiled (the transform's last two at 7x24^3 f32) took
 * 0.19 -> 0.23 ms (docs/bench-kernels.md, session 31).
 */
#include <string.h>

#include "ctx.h"
#include "dtype.h"
#include "program.h"
#include "tile.h"

/* Whether "x"'s labels move, into "order": those that its reader "r"
 * sums, in their order, just before x's last label, which r keeps; the
 * others as they were. Not past label "still" (a chain's tiled label,
 * -1: none), whose tiles' windows keep their shape. */
static int summed_inward(const ir_tree *t, int x, int r, int still, int *order)
{
	const ir_tree_node *n = &t->nodes[x];
	int last = n->index[n->rank - 1], at = 0, stop = -1;
	if (!ir_tree_node_has(&t->nodes[r], last))
		return 0;
	for (int d = 0; d + 1 < n->rank; d++)
		if (n->index[d] == still)
			stop = d;
	for (int pass = 0; pass < 2; pass++)
		for (int d = 0; d + 1 < n->rank; d++) {
			int i = n->index[d], kept = ir_tree_node_has(&t->nodes[r], i);
			if (!kept && d < stop)
				return 0;
			if (kept == !pass)
				order[at++] = i;
		}
	order[at] = last;
	return memcmp(order, n->index, (size_t)n->rank * sizeof(int)) != 0;
}

/* Whether probes "p" and "q" (each of a GEMM-like step or not: "gp",
 * "gq") find the same form. */
static int same_form(int gp, const gemm_probe *p, int gq, const gemm_probe *q)
{
	return gp == gq && (!gp || (p->b == q->b && p->b_in_place == q->b_in_place &&
	                            p->crossed == q->crossed));
}

/* Moves the labels of intermediate "x" (read by "r"; not past label
 * "still") as the file's comment says, where that pays; 0, or -1 when
 * out of memory. */
static int lay_out(arena *a, const ir_graph *g, ir_tree *t, int x, int r, int still,
                   int vector_bits, const cg_caches *caches)
{
	ir_tree_node *n = &t->nodes[x];
	gemm_probe read = {0}, wrote = {0}, now = {0};
	int order[n->rank + 1], was[n->rank + 1];
	int gr = lower_gemm_probe(a, g, t, r, vector_bits, caches, &read);
	if (gr <= 0 || (read.b ? t->nodes[r].right : t->nodes[r].left) != x || read.b_in_place ||
	    !summed_inward(t, x, r, still, order))
		return gr < 0 ? -1 : 0;
	int gw = lower_gemm_probe(a, g, t, x, vector_bits, caches, &wrote);
	memcpy(was, n->index, (size_t)n->rank * sizeof(int));
	memcpy(n->index, order, (size_t)n->rank * sizeof(int));
	int gn = lower_gemm_probe(a, g, t, r, vector_bits, caches, &now);
	int64_t run = g->indices[order[n->rank - 1]].size;
	int keep = gn > 0 && now.b == read.b && now.b_in_place && run % now.nr == 0;
	if (keep) {
		gemm_probe after = {0};
		int ga = lower_gemm_probe(a, g, t, x, vector_bits, caches, &after);
		keep = ga >= 0 && same_form(gw, &wrote, ga, &after);
		gn = ga < 0 ? ga : gn;
	}
	if (!keep)
		memcpy(n->index, was, (size_t)n->rank * sizeof(int));
	return gw < 0 || gn < 0 ? -1 : 0;
}

einc_status pass_layout(einc_ctx *ctx, arena *a, const ir_graph *g, const chain_tiling *tiling,
                        int vector_bits, const cg_caches *caches, ir_tree *t)
{
	if (!tiling || ir_dtype(g->dtype)->kind == EINC_KIND_COMPLEX)
		return EINC_OK;
	/* readers first: a reader's own layout is settled when its operand's
	 * is chosen */
	for (int k = tiling->n - 2; k >= 0; k--) {
		int x = tiling->nodes[k], r = tiling->nodes[k + 1];
		if (t->nodes[x].right >= 0 && t->nodes[r].right >= 0 && t->nodes[x].rank > 1 &&
		    lay_out(a, g, t, x, r, tiling->label, vector_bits, caches))
			return ctx_fail(ctx, EINC_ENOMEM, "layout", "out of memory");
	}
	return EINC_OK;
}
