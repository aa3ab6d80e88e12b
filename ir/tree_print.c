/* tree_print.c - the text form of a contraction tree (docs/ir.md). */
#include <stdlib.h>

#include "strbuf.h"
#include "tree.h"

/* Appends "[a b c]": the labels of the "rank" indices "index" of "g". */
static void print_labels(strbuf *b, const ir_graph *g, int rank, const int *index)
{
	strbuf_printf(b, "[");
	for (int a = 0; a < rank; a++)
		strbuf_printf(b, "%s%s", a ? " " : "", g->indices[index[a]].name);
	strbuf_printf(b, "]");
}

/* Appends "NAME l1 l2 ..., " for the indices of "g" whose role is "role",
 * nothing when there is none. */
static void print_role(strbuf *b, const ir_graph *g, const ir_role *roles,
                       ir_role role, const char *name)
{
	int first = 1;
	for (int i = 0; i < g->nindices; i++)
		if (roles[i] == role) {
			if (first)
				strbuf_printf(b, "%s", name);
			strbuf_printf(b, " %s", g->indices[i].name);
			first = 0;
		}
	if (!first)
		strbuf_printf(b, ", ");
}

/* The element count of node "n" of a tree over "g", in double. */
static double node_size(const ir_graph *g, const ir_tree_node *n)
{
	double s = 1;
	for (int a = 0; a < n->rank; a++)
		s *= (double)g->indices[n->index[a]].size;
	return s;
}

/* opt_einsum's cost of inner node "id": the product of the sizes of all its
 * children's indices, doubled when it sums one away. */
static double node_flops(const ir_graph *g, const ir_tree *t, int id, ir_role *roles)
{
	ir_tree_classify(g, t, id, roles);
	double f = 1;
	int sums = 0;
	for (int i = 0; i < g->nindices; i++) {
		if (roles[i] != IR_ROLE_NONE)
			f *= (double)g->indices[i].size;
		sums |= roles[i] == IR_ROLE_CONTRACTED || roles[i] == IR_ROLE_LEFT_SUM ||
		        roles[i] == IR_ROLE_RIGHT_SUM;
	}
	return sums ? 2 * f : f;
}

/* Prints the leaves as inputs, then each inner node with its children and
 * result; the roles, flops and sizes go after ';'. */
char *ir_tree_print(const ir_graph *g, const ir_tree *t)
{
	strbuf b = {0};
	ir_role *roles = calloc((size_t)g->nindices + 1, sizeof(ir_role));
	if (!roles)
		return NULL;
	double flops = 0, largest = 0;
	for (int id = 0; id < t->nnodes; id++)
		if (t->nodes[id].input < 0) {
			flops += node_flops(g, t, id, roles);
			if (node_size(g, &t->nodes[id]) > largest)
				largest = node_size(g, &t->nodes[id]);
		}
	strbuf_printf(&b, "; einc tree v1\n; flops %.6g, largest intermediate %.6g\n", flops, largest);
	for (int id = 0; id < t->nnodes; id++) {
		const ir_tree_node *n = &t->nodes[id];
		if (n->input >= 0) {
			strbuf_printf(&b, "%%%d = input ", id);
			const ir_tensor *x = &g->inputs[n->input];
			print_labels(&b, g, x->rank, x->index);
			strbuf_printf(&b, "\n");
			continue;
		}
		if (n->right >= 0)
			strbuf_printf(&b, "%%%d = contract %%%d %%%d -> ", id, n->left, n->right);
		else
			strbuf_printf(&b, "%%%d = reduce %%%d -> ", id, n->left);
		print_labels(&b, g, n->rank, n->index);
		double f = node_flops(g, t, id, roles);
		strbuf_printf(&b, "  ; ");
		print_role(&b, g, roles, IR_ROLE_BATCH, "batch");
		print_role(&b, g, roles, IR_ROLE_CONTRACTED, "sum");
		print_role(&b, g, roles, IR_ROLE_LEFT_SUM, n->right >= 0 ? "sum-left" : "sum");
		print_role(&b, g, roles, IR_ROLE_RIGHT_SUM, "sum-right");
		strbuf_printf(&b, "flops %.6g, size %.6g\n", f, node_size(g, n));
	}
	free(roles);
	return strbuf_take(&b);
}
