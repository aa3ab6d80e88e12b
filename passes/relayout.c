/*
 * relayout.c - operands that the caller's strides (einc_compile_strided)
 * would make a GEMM-like step read slowly: such a step packs its operands
 * block by block, and a view whose unit stride lies along a dim the
 * blocks do not follow (a batch dim, the far end of a flattened group)
 * reads a cache line, or a page, per element (bmm with an operand's axes
 * reversed: 2.3x its contiguous twin). So each non-dense input that a
 * pairwise GEMM-like step reads at least RELAYOUT_REUSE times per element
 * first gets a unary step of its own that copies it into a dense
 * intermediate (the runtime's transposing copy, or a nest in tiles), and
 * the step then runs as on the contiguous twin; the copy moves each
 * element once, against the step's RELAYOUT_REUSE multiply-adds or more.
 * A view that GETT packs as fast as the twin (reads_as_dense) is read
 * where it lies, and so is a B whose unit stride runs across its panels
 * where the step packs it so (lower_gemm_probe's "crossed",
 * runtime/pack_crossed.c: tc_ijk_jl with ijk's axes reversed, 1.17-1.19x
 * its twin after the copy, 1.03-1.05x packed across), or packs L batch
 * elements' panels at once (loop_gemm's b_lanes: bmm's bjk reversed,
 * 1.16-1.21x after the copy, 1.02-1.07x, docs/bench-views.md run 19;
 * an f64 A whose batch runs so is B of its step, the operands swapped:
 * bmm's bij reversed 1.09-1.13x after the copy, 0.98-1.04x, run 23).
 * A factor of a product that the step may pack (pass_fuse) is always
 * copied: the product tile reads a factor transposed across its runs one
 * element at a time (bilinear's bj with b of unit stride: 1.53x its twin,
 * 1.01x after a 128 KiB copy).
 */
#include <string.h>

#include "ctx.h"
#include "dtype.h"
#include "program.h"

/* A pairwise step's multiply-adds per element of an operand at which the
 * copy costs at most a few percent of the step. */
enum { RELAYOUT_REUSE = 256 };

/* Whether node "node" of "t" is a pairwise step that runs as a GEMM
 * (lower_gemm_like, before lower_gemm's limits on tables and work), its
 * indices' roles into "roles". */
static int gemm_like(const ir_graph *g, const ir_tree *t, int node, ir_role *roles)
{
	if (t->nodes[node].right < 0)
		return 0;
	ir_tree_classify(g, t, node, roles);
	int count[IR_ROLE_RIGHT_SUM + 1] = {0};
	for (int i = 0; i < g->nindices; i++)
		count[roles[i]]++;
	return lower_gemm_like(count);
}

/* The multiply-adds of a step per element of its child "child": the
 * product of the sizes of the step's indices ("roles", as classified)
 * that the child lacks, counted up to RELAYOUT_REUSE. */
static int64_t reuse(const ir_graph *g, const ir_tree *t, int child, const ir_role *roles)
{
	int64_t r = 1;
	for (int i = 0; i < g->nindices; i++)
		if (roles[i] != IR_ROLE_NONE && !ir_tree_node_has(&t->nodes[child], i) &&
		    (r *= g->indices[i].size) >= RELAYOUT_REUSE)
			return r;
	return r;
}

/*
 * Whether the step whose indices play "roles" reads input "in" as fast as
 * its dense twin: the view is the twin's elements in another order (no
 * gaps, no repeated index, strides > 0), its unit stride lies along an
 * index that GETT's packing follows (a free or summed one, not a batch
 * index), and within each role its indices run in the twin's order, so
 * that the step's groups flatten as on the twin (bmm, tc_ijk_jl and
 * bilinear with the last two axes swapped: 1.00-1.05x the twin read in
 * place, 1.10-1.15x after the copy). Where "k_free", the other operand is
 * a product that pass_fuse forms as it is packed, in the order K takes
 * from this input (lower_gemm.c), so its summed indices may run in any
 * order (bilinear with ioj's axes reversed: 1.10x after the copy).
 */
static int reads_as_dense(const ir_graph *g, int in, const ir_role *roles, int k_free)
{
	const ir_tensor *x = &g->inputs[in];
	const int64_t *st = g->strides[in];
	int axes[x->rank + 1], m = 0, unit = -1;
	for (int d = 0; d < x->rank; d++) {
		if (x->dims[d] == 1)
			continue;
		for (int e = 0; e < m; e++)
			if (x->index[axes[e]] == x->index[d] || st[axes[e]] == st[d])
				return 0;
		if (st[d] <= 0)
			return 0;
		for (int e = 0; e < m; e++)
			if (roles[x->index[axes[e]]] == roles[x->index[d]] && st[axes[e]] < st[d] &&
			    !(k_free && roles[x->index[d]] == IR_ROLE_CONTRACTED))
				return 0;
		if (st[d] == 1)
			unit = d;
		axes[m++] = d;
	}
	if (unit < 0 || roles[x->index[unit]] == IR_ROLE_BATCH)
		return 0;
	/* no gaps: each stride, in ascending order, is the product of the
	 * extents below it */
	for (int64_t want = 1, done = 0; done < m; done++) {
		int next = -1;
		for (int e = 0; e < m; e++)
			if (st[axes[e]] == want)
				next = axes[e];
		if (next < 0)
			return 0;
		want *= x->dims[next];
	}
	return 1;
}

/*
 * Orders the axes of "copy", the dense copy of input "in" that a step
 * whose indices play "roles" reads: in index order, but where the view's
 * unit-stride run and the axis after it form one run of memory (that
 * axis's stride the run's extent), neither is the copy's last axis, and
 * that axis is not a batch index and no index of its role follows it in
 * the copy, that axis goes last: the copy then reads the view in order,
 * each block of its transposes from one run, and the step's groups
 * flatten as before, with unit stride along a free or summed index
 * (reads_as_dense). bmm with bij's axes reversed (b of unit stride, then
 * i): the copy into bji 0.95-1.11 ms, into bij 1.35-1.49, the step on bji
 * as fast as on bij (docs/bench-views.md, run 32).
 */
static void copy_order(const ir_graph *g, int in, ir_tree_node *copy, const ir_role *roles)
{
	const ir_tensor *x = &g->inputs[in];
	const int64_t *st = g->strides[in];
	int a = -1, v = -1, axes = 0, at = -1;
	for (int d = 0; d < x->rank; d++)
		if (x->dims[d] > 1) {
			axes++;
			if (st[d] == 1)
				a = d;
			else if (st[d] > 1 && (v < 0 || st[d] < st[v]))
				v = d;
		}
	if (a < 0 || v < 0 || copy->rank != axes || st[v] != x->dims[a] ||
	    roles[x->index[v]] == IR_ROLE_BATCH)
		return;
	for (int d = 0; d < copy->rank; d++)
		if (copy->index[d] == x->index[v])
			at = d;
	if (at < 0 || copy->index[copy->rank - 1] == x->index[a])
		return;
	for (int d = at + 1; d < copy->rank; d++)
		if (roles[copy->index[d]] == roles[x->index[v]])
			return;
	for (int d = at; d + 1 < copy->rank; d++)
		copy->index[d] = copy->index[d + 1];
	copy->index[copy->rank - 1] = x->index[v];
}

einc_status pass_relayout(einc_ctx *ctx, arena *a, const ir_graph *g, int vector_bits,
                          const cg_caches *caches, ir_tree **tree)
{
	const ir_tree *t = *tree;
	int n = g->ninputs, inner = t->nnodes - n;
	if (!g->strides || inner < 1 || t->nodes[t->root].right < 0)
		return EINC_OK;
	int unary_of[n + 1], direct[n + 1], copies = 0;
	int real = ir_dtype(g->dtype)->kind == EINC_KIND_REAL;
	ir_role roles[g->nindices + 1], (*roles_of)[g->nindices + 1] =
		arena_array(a, (size_t)n, sizeof(*roles_of));
	if (!roles_of)
		return ctx_fail(ctx, EINC_ENOMEM, "relayout", "out of memory");
	for (int k = 0; k < n; k++)
		unary_of[k] = -1, direct[k] = 0;
	for (int x = n; x < t->nnodes; x++) {
		const ir_tree_node *p = &t->nodes[x];
		if (!gemm_like(g, t, x, roles))
			continue;
		gemm_probe form = {.crossed = -1};
		if (lower_gemm_probe(a, g, t, x, vector_bits, caches, &form) < 0)
			return ctx_fail(ctx, EINC_ENOMEM, "relayout", "out of memory");
		for (int side = 0; side < 2; side++) {
			int c = side ? p->right : p->left;
			const ir_tree_node *f = &t->nodes[c];
			int factors[2] = {c, -1};
			if (ir_tree_sums_nothing(t, f))
				factors[0] = f->left, factors[1] = f->right;
			/* the other operand a product pass_fuse forms (real elements) */
			int k_free = real && ir_tree_sums_nothing(t, &t->nodes[side ? p->left : p->right]);
			for (int y = 0; y < 2; y++) {
				int in = factors[y];
				if (in >= 0 && in < n && g->strides[in] &&
				    reuse(g, t, in, roles) >= RELAYOUT_REUSE &&
				    (in != c || (!reads_as_dense(g, in, roles, k_free) && form.crossed != side))) {
					unary_of[in] = n + copies++;
					if ((direct[in] = in == c)) /* the step reads the copy */
						memcpy(roles_of[in], roles, sizeof(roles));
				}
			}
		}
	}
	if (!copies)
		return EINC_OK;
	int (*steps)[2] = arena_array(a, (size_t)(inner + copies), sizeof(*steps));
	if (!steps)
		return ctx_fail(ctx, EINC_ENOMEM, "relayout", "out of memory");
	for (int k = 0; k < n; k++)
		if (unary_of[k] >= 0)
			steps[unary_of[k] - n][0] = k, steps[unary_of[k] - n][1] = -1;
	for (int x = n; x < t->nnodes; x++) {
		const ir_tree_node *p = &t->nodes[x];
		for (int side = 0; side < 2; side++) {
			int c = side ? p->right : p->left;
			steps[copies + x - n][side] = c < 0 ? -1 : c >= n ? c + copies
			                            : unary_of[c] >= 0 ? unary_of[c] : c;
		}
	}
	einc_status st =
		ir_tree_build(ctx, a, g, inner + copies, (const int (*)[2])steps, "relayout", tree);
	for (int k = 0; k < n && !st; k++)
		if (direct[k])
			copy_order(g, k, &(*tree)->nodes[unary_of[k]], roles_of[k]);
	return st;
}
