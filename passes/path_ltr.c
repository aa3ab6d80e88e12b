/*
 * path_ltr.c - the left-to-right contraction tree: ((in0 in1) in2) ...; each
 * node keeps the indices still needed by a later operand or by the output.
 * A single input becomes one unary step over it.
 */
#include "ctx.h"
#include "program.h"

/* Whether index "i" is an axis of "t". */
static int tensor_has(const ir_tensor *t, int i)
{
	for (int a = 0; a < t->rank; a++)
		if (t->index[a] == i)
			return 1;
	return 0;
}

/* Makes leaf "k": the distinct indices of input k in axis order. */
static einc_status make_leaf(arena *a, const ir_graph *g, int k, ir_tree_node *n)
{
	const ir_tensor *t = &g->inputs[k];
	n->input = k;
	n->left = n->right = -1;
	n->index = arena_array(a, (size_t)t->rank + 1, sizeof(int));
	if (!n->index)
		return EINC_ENOMEM;
	for (int x = 0; x < t->rank; x++)
		if (!ir_tree_node_has(n, t->index[x]))
			n->index[n->rank++] = t->index[x];
	return EINC_OK;
}

/* Makes inner node "n" over "left" and "right" (-1 for a unary node): the
 * output's axes for the root, else the children's indices that inputs after
 * "last" or the output still need, in index order. */
static einc_status make_inner(arena *a, const ir_graph *g, ir_tree *t, int left,
                              int right, int last, ir_tree_node *n)
{
	n->input = -1;
	n->left = left;
	n->right = right;
	n->index = arena_array(a, (size_t)g->nindices + 1, sizeof(int));
	if (!n->index)
		return EINC_ENOMEM;
	if (last == g->ninputs - 1) {
		for (int x = 0; x < g->output.rank; x++)
			n->index[n->rank++] = g->output.index[x];
		return EINC_OK;
	}
	for (int i = 0; i < g->nindices; i++) {
		int have = ir_tree_node_has(&t->nodes[left], i) ||
		           (right >= 0 && ir_tree_node_has(&t->nodes[right], i));
		int needed = tensor_has(&g->output, i);
		for (int k = last + 1; k < g->ninputs && !needed; k++)
			needed = tensor_has(&g->inputs[k], i);
		if (have && needed)
			n->index[n->rank++] = i;
	}
	return EINC_OK;
}

/* Builds the left-to-right tree of "g" in "a" into "*out". */
einc_status pass_path_ltr(einc_ctx *ctx, arena *a, const ir_graph *g, ir_tree **out)
{
	int n = g->ninputs;
	ir_tree *t = arena_alloc(a, sizeof(*t));
	if (t)
		t->nodes = arena_array(a, (size_t)(n == 1 ? 2 : 2 * n - 1), sizeof(ir_tree_node));
	if (!t || !t->nodes)
		return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	for (int k = 0; k < n; k++)
		if (make_leaf(a, g, k, &t->nodes[t->nnodes++]))
			return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	if (n == 1) {
		if (make_inner(a, g, t, 0, -1, 0, &t->nodes[t->nnodes++]))
			return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
	}
	int acc = 0;
	for (int k = 1; k < n; k++) {
		if (make_inner(a, g, t, acc, k, k, &t->nodes[t->nnodes]))
			return ctx_fail(ctx, EINC_ENOMEM, "path", "out of memory");
		acc = t->nnodes++;
	}
	t->root = t->nnodes - 1;
	*out = t;
	return EINC_OK;
}
