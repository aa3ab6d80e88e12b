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

int ir_tree_sums_nothing(const ir_tree *t, const ir_tree_node *n)
{
	if (n->input >= 0 || n->right < 0)
		return 0;
	int child[2] = {n->left, n->right};
	for (int c = 0; c < 2; c++) {
		const ir_tree_node *x = &t->nodes[child[c]];
		for (int k = 0; k < x->rank; k++)
			if (!ir_tree_node_has(n, x->index[k]))
				return 0;
	}
	return 1;
}

/* Makes leaf "k": the distinct indices of input k in axis order, without
 * its axes of extent 1 (a size-1 index or a broadcast axis: the input is
 * read at 0 along them, so no step carries them). */
static int make_leaf(arena *a, const ir_graph *g, int k, ir_tree_node *n)
{
	const ir_tensor *t = &g->inputs[k];
	n->input = k;
	n->left = n->right = -1;
	if (!(n->index = arena_array(a, (size_t)t->rank + 1, sizeof(int))))
		return -1;
	for (int x = 0; x < t->rank; x++)
		if (t->dims[x] > 1 && !ir_tree_node_has(n, t->index[x]))
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

/* Counts into "count" (one per index), for each index, the leaves of "t"
 * that hold it among the inputs flagged in "under" (NULL: all). */
static void count_leaves(const ir_graph *g, const ir_tree *t, const char *under, int *count)
{
	for (int i = 0; i < g->nindices; i++)
		count[i] = 0;
	for (int k = 0; k < g->ninputs; k++)
		if (!under || under[k])
			for (int x = 0; x < t->nodes[k].rank; x++)
				count[t->nodes[k].index[x]]++;
}

/*
 * Makes inner node "id" of "t" over "left" and "right" (-1: unary). "under"
 * flags the inputs in its subtree; "total" counts the leaves that hold each
 * index, "below" (scratch) gets those in the subtree. The root keeps the
 * output's axes; other nodes the children's indices that the output or an
 * input outside the subtree needs.
 */
static int make_inner(arena *a, const ir_graph *g, ir_tree *t, int id, int left,
                      int right, const char *under, const int *total, int *below)
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
	count_leaves(g, t, under, below);
	for (int i = 0; i < g->nindices; i++) {
		int have = ir_tree_node_has(&t->nodes[left], i) ||
		           (right >= 0 && ir_tree_node_has(&t->nodes[right], i));
		if (have && (total[i] > below[i] || tensor_has(&g->output, i)))
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

/* Checks the SSA steps: each operand made before and used once, a unary
 * step only over a leaf (or the root of a one-input spec), n - 1 pairwise
 * steps. */
static einc_status check_steps(einc_ctx *ctx, int n, int nsteps, const int (*steps)[2],
                               char *used, const char *stage)
{
	int pairwise = 0;
	for (int s = 0; s < nsteps; s++) {
		int unary = steps[s][1] < 0;
		pairwise += !unary;
		for (int x = 0; x < 2 - unary; x++) {
			int c = steps[s][x];
			if (c < 0 || c >= n + s || used[c] || steps[s][0] == steps[s][1])
				return ctx_fail(ctx, EINC_EINTERNAL, stage,
				                "step %d contracts node %d, which is not available", s, c);
			if (unary && c >= n)
				return ctx_fail(ctx, EINC_EINTERNAL, stage,
				                "step %d reduces node %d, which is not an input", s, c);
			used[c] = 1;
		}
	}
	if (pairwise != n - 1 || (n == 1 && nsteps > 1))
		return ctx_fail(ctx, EINC_EINTERNAL, stage, "%d steps cannot contract %d inputs",
		                nsteps, n);
	return EINC_OK;
}

/* Checks the steps, then makes the leaves and one node per step (for one
 * input without steps, the unary root). */
einc_status ir_tree_build(einc_ctx *ctx, arena *a, const ir_graph *g, int nsteps,
                          const int (*steps)[2], const char *stage, ir_tree **out)
{
	int n = g->ninputs, nnodes = n == 1 && nsteps == 0 ? 2 : n + nsteps;
	if (n < 1 || nsteps < 0)
		return ctx_fail(ctx, EINC_EINTERNAL, stage, "%d steps cannot contract %d inputs",
		                nsteps, n);
	ir_tree *t = arena_alloc(a, sizeof(*t));
	char *used = arena_alloc(a, (size_t)nnodes), *under = arena_alloc(a, (size_t)n);
	int *total = arena_array(a, (size_t)g->nindices + 1, sizeof(int));
	int *below = arena_array(a, (size_t)g->nindices + 1, sizeof(int));
	if (t)
		t->nodes = arena_array(a, (size_t)nnodes, sizeof(ir_tree_node));
	if (!t || !used || !under || !total || !below || !t->nodes)
		return ctx_fail(ctx, EINC_ENOMEM, stage, "out of memory");
	einc_status st = check_steps(ctx, n, nsteps, steps, used, stage);
	if (st)
		return st;
	t->nnodes = nnodes;
	t->root = nnodes - 1;
	for (int k = 0; k < n; k++)
		if (make_leaf(a, g, k, &t->nodes[k]))
			return ctx_fail(ctx, EINC_ENOMEM, stage, "out of memory");
	count_leaves(g, t, NULL, total);
	for (int id = n; id < nnodes; id++) {
		int left = nsteps ? steps[id - n][0] : 0, right = nsteps ? steps[id - n][1] : -1;
		for (int k = 0; k < n; k++)
			under[k] = 0;
		mark_leaves(t, left, under);
		if (right >= 0)
			mark_leaves(t, right, under);
		if (make_inner(a, g, t, id, left, right, under, total, below))
			return ctx_fail(ctx, EINC_ENOMEM, stage, "out of memory");
	}
	*out = t;
	return EINC_OK;
}

/* Reads each index's role off membership in the children and the result. */
ir_role ir_role_of(int kept, int inl, int inr)
{
	if (inl && inr)
		return kept ? IR_ROLE_BATCH : IR_ROLE_CONTRACTED;
	if (inl)
		return kept ? IR_ROLE_LEFT : IR_ROLE_LEFT_SUM;
	if (inr)
		return kept ? IR_ROLE_RIGHT : IR_ROLE_RIGHT_SUM;
	return IR_ROLE_NONE;
}

void ir_tree_classify(const ir_graph *g, const ir_tree *t, int node, ir_role *roles)
{
	const ir_tree_node *n = &t->nodes[node];
	const ir_tree_node *l = n->left >= 0 ? &t->nodes[n->left] : NULL;
	const ir_tree_node *r = n->right >= 0 ? &t->nodes[n->right] : NULL;
	for (int i = 0; i < g->nindices; i++)
		roles[i] = ir_role_of(ir_tree_node_has(n, i), l && ir_tree_node_has(l, i),
		                      r && ir_tree_node_has(r, i));
}
