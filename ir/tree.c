/* tree.c - building contraction trees and facts about them. */
#include "tree.h"

#include "ctx.h"

int ir_tree_node_has(const ir_tree_node *n, int i)
{
	for (int a = 0; a < n->rank; a++)
		if (n->index[a] == i)
			return 1;
	return 0;
}

/* Makes leaf "k": the distinct indices of input k in axis order. */
static int make_leaf(arena *a, const ir_graph *g, int k, ir_tree_node *n)
{
	const ir_tensor *t = &g->inputs[k];
	n->input = k;
	n->left = n->right = -1;
	if (!(n->index = arena_array(a, (size_t)t->rank + 1, sizeof(int))))
		return -1;
	for (int x = 0; x < t->rank; x++)
		if (!ir_tree_node_has(n, t->index[x]))
			n->index[n->rank++] = t->index[x];
	return 0;
}

/* Whether index "i" is an axis of "t". */
static int tensor_has(const ir_tensor *t, int i)
{
	for (int a = 0; a < t->rank; a++)
		if (t->index[a] == i)
			return 1;
	return 0;
}

/*
 * Makes inner node "id" of "t" over "left" and "right" (-1: unary). "under"
 * flags the inputs in its subtree. The root keeps the output's axes; other
 * nodes the children's indices that the output or an input outside the
 * subtree needs.
 */
static int make_inner(arena *a, const ir_graph *g, ir_tree *t, int id, int left,
                      int right, const char *under)
{
	ir_tree_node *n = &t->nodes[id];
	n->input = -1;
	n->left = left;
	n->right = right;
	if (!(n->index = arena_array(a, (size_t)g->nindices + 1, sizeof(int))))
		return -1;
	if (id == t->root) {
		for (int x = 0; x < g->output.rank; x++)
			n->index[n->rank++] = g->output.index[x];
		return 0;
	}
	for (int i = 0; i < g->nindices; i++) {
		int have = ir_tree_node_has(&t->nodes[left], i) ||
		           (right >= 0 && ir_tree_node_has(&t->nodes[right], i));
		int needed = tensor_has(&g->output, i);
		for (int k = 0; k < g->ninputs && !needed; k++)
			needed = !under[k] && tensor_has(&g->inputs[k], i);
		if (have && needed)
			n->index[n->rank++] = i;
	}
	return 0;
}

/* Marks in "under" the inputs below node "id". */
static void mark_leaves(const ir_tree *t, int id, char *under)
{
	const ir_tree_node *n = &t->nodes[id];
	if (n->input >= 0) {
		under[n->input] = 1;
		return;
	}
	mark_leaves(t, n->left, under);
	if (n->right >= 0)
		mark_leaves(t, n->right, under);
}

/* Checks the SSA pairs, then makes the leaves and one node per step. */
einc_status ir_tree_build(einc_ctx *ctx, arena *a, const ir_graph *g, int nsteps,
                          const int (*pairs)[2], const char *stage, ir_tree **out)
{
	int n = g->ninputs, nnodes = n == 1 ? 2 : n + nsteps;
	if (n < 1 || nsteps != (n == 1 ? 0 : n - 1))
		return ctx_fail(ctx, EINC_EINTERNAL, stage, "%d steps cannot contract %d inputs",
		                nsteps, n);
	ir_tree *t = arena_alloc(a, sizeof(*t));
	char *used = arena_alloc(a, (size_t)nnodes), *under = arena_alloc(a, (size_t)n);
	if (t)
		t->nodes = arena_array(a, (size_t)nnodes, sizeof(ir_tree_node));
	if (!t || !used || !under || !t->nodes)
		return ctx_fail(ctx, EINC_ENOMEM, stage, "out of memory");
	for (int s = 0; s < nsteps; s++)
		for (int x = 0; x < 2; x++) {
			int c = pairs[s][x];
			if (c < 0 || c >= n + s || used[c] || pairs[s][0] == pairs[s][1])
				return ctx_fail(ctx, EINC_EINTERNAL, stage,
				                "step %d contracts node %d, which is not available", s, c);
			used[c] = 1;
		}
	t->nnodes = nnodes;
	t->root = nnodes - 1;
	for (int k = 0; k < n; k++)
		if (make_leaf(a, g, k, &t->nodes[k]))
			return ctx_fail(ctx, EINC_ENOMEM, stage, "out of memory");
	for (int id = n; id < nnodes; id++) {
		int left = n == 1 ? 0 : pairs[id - n][0], right = n == 1 ? -1 : pairs[id - n][1];
		for (int k = 0; k < n; k++)
			under[k] = 0;
		mark_leaves(t, left, under);
		if (right >= 0)
			mark_leaves(t, right, under);
		if (make_inner(a, g, t, id, left, right, under))
			return ctx_fail(ctx, EINC_ENOMEM, stage, "out of memory");
	}
	*out = t;
	return EINC_OK;
}

/* Reads each index's role off membership in the children and the result. */
void ir_tree_classify(const ir_graph *g, const ir_tree *t, int node, ir_role *roles)
{
	const ir_tree_node *n = &t->nodes[node];
	const ir_tree_node *l = n->left >= 0 ? &t->nodes[n->left] : NULL;
	const ir_tree_node *r = n->right >= 0 ? &t->nodes[n->right] : NULL;
	for (int i = 0; i < g->nindices; i++) {
		int inl = l && ir_tree_node_has(l, i);
		int inr = r && ir_tree_node_has(r, i);
		int kept = ir_tree_node_has(n, i);
		if (inl && inr)
			roles[i] = kept ? IR_ROLE_BATCH : IR_ROLE_CONTRACTED;
		else if (inl)
			roles[i] = kept ? IR_ROLE_LEFT : IR_ROLE_LEFT_SUM;
		else if (inr)
			roles[i] = kept ? IR_ROLE_RIGHT : IR_ROLE_RIGHT_SUM;
		else
			roles[i] = IR_ROLE_NONE;
	}
}
