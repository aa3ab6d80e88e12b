/*
 * tree.h - the contraction tree: a binary tree whose leaves are the graph's
 * inputs and whose inner nodes are one step each: a pairwise contraction,
 * or a unary step over a leaf (diagonal, sum of the leaf's private indices;
 * for a single-input spec the root: reduction, diagonal, transpose, copy).
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
	int *index;      /* rank distinct index ids: the axes of the result (a
	                  * leaf: its input's axes of extent > 1) */
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

/*
 * Builds in "a" the tree of "g" that performs "steps[0 .. nsteps-1]" in
 * SSA form: leaves are 0 .. n-1 (the inputs), step k creates node n + k
 * from two earlier nodes, or from a leaf alone (second id -1: a unary
 * step); the last step makes the root. There are n - 1 pairwise steps and
 * at most one unary step per leaf; with one input the root is one unary
 * step over it (nsteps 0 or 1). An inner node keeps the indices of its
 * children that the output or an input outside its subtree still needs, in
 * index order; the root keeps the output's, in the output's order. Invalid
 * steps (a node used twice or not yet made, a unary step over an inner
 * node, a pairwise count other than n - 1) are EINC_EINTERNAL in "ctx"
 * under "stage".
 */
einc_status ir_tree_build(einc_ctx *ctx, arena *a, const ir_graph *g, int nsteps,
                          const int (*steps)[2], const char *stage, ir_tree **out);

/* Whether node "n" has index "i" among its result axes. */
int ir_tree_node_has(const ir_tree_node *n, int i);

/* Whether node "n" of "t" multiplies two operands and keeps every index
 * of both (an outer product, an elementwise product, a scaling): the
 * steps that pass_fuse may compute inside their reader's packing. */
int ir_tree_sums_nothing(const ir_tree *t, const ir_tree_node *n);

/* The role of an index that the node "kept" and that its left child
 * ("inl") and right child ("inr") hold: IR_ROLE_NONE in neither child. */
ir_role ir_role_of(int kept, int inl, int inr);

/*
 * The role of every index of "g" in inner node "node" of "t", into
 * "roles[0 .. g->nindices-1]" (IR_ROLE_NONE for leaves' and absent indices;
 * a unary node's are IR_ROLE_LEFT or IR_ROLE_LEFT_SUM).
 */
void ir_tree_classify(const ir_graph *g, const ir_tree *t, int node, ir_role *roles);

/*
 * The text form of "t" over "g" (docs/ir.md): leaves as inputs, then one
 * line per contraction with its children and result labels; roles, flops
 * and sizes after ';'. give, free(); NULL when out of memory.
 */
char *ir_tree_print(const ir_graph *g, const ir_tree *t);

/*
 * Reads the text form "text" (named "where" in messages) of a contraction
 * tree over "g" into a new tree in "a", stored in "*out": the order of the
 * steps (contractions and reductions over inputs) is the text's, the results
 * are derived (labels written after "->" must match them). Errors carry
 * line, column and a caret (stage "tree").
 */
einc_status ir_tree_parse(einc_ctx *ctx, arena *a, const ir_graph *g, const char *text,
                          const char *where, ir_tree **out);

#endif
