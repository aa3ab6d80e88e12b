/*
 * tree.h - the contraction tree: a binary tree whose leaves are the graph's
 * inputs and whose inner nodes are one pairwise contraction each (or, for a
 * single-input spec, one unary step: reduction, diagonal, transpose, copy).
 * Every node names the indices of its result; the root's result is the
 * graph's output, in the output's order. Everything lives in the arena.
 */
#ifndef EINC_TREE_H
#define EINC_TREE_H

#include "arena.h"
#include "graph.h"

typedef struct {
	int input;       /* leaf: the graph input it stands for; -1 otherwise */
	int left, right; /* children (node ids), -1 where absent; a unary node has left only */
	int rank;
	int *index;      /* rank distinct index ids: the axes of the result */
} ir_tree_node;

/* Leaves come first (node k is input k); children precede their parent. */
typedef struct {
	int nnodes;
	ir_tree_node *nodes;
	int root;
} ir_tree;

/* What an index of a contraction is to it (ir_tree_classify). */
typedef enum {
	IR_ROLE_NONE,       /* not an index of this node */
	IR_ROLE_BATCH,      /* in both children and the result */
	IR_ROLE_CONTRACTED, /* in both children, summed away */
	IR_ROLE_LEFT,       /* in the left child only, kept */
	IR_ROLE_RIGHT,      /* in the right child only, kept */
	IR_ROLE_LEFT_SUM,   /* in the left child only, summed away */
	IR_ROLE_RIGHT_SUM   /* in the right child only, summed away */
} ir_role;

/* Whether node "n" has index "i" among its result axes. */
int ir_tree_node_has(const ir_tree_node *n, int i);

/*
 * The role of every index of "g" in inner node "node" of "t", into
 * "roles[0 .. g->nindices-1]" (IR_ROLE_NONE for leaves' and absent indices).
 */
void ir_tree_classify(const ir_graph *g, const ir_tree *t, int node, ir_role *roles);

#endif
