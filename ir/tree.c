/* tree.c - facts about contraction trees. */
#include "tree.h"

int ir_tree_node_has(const ir_tree_node *n, int i)
{
	for (int a = 0; a < n->rank; a++)
		if (n->index[a] == i)
			return 1;
	return 0;
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
