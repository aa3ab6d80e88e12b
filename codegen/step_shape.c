/*
 * step_shape.c - which steps of a program compile to the same code: the
 * same dims, strides, zeroing, GETT descriptor, tasks and nest (the isl_ast
 * up to its iterators' names), so that one LLVM function runs them all on
 * their own buffers. A chain of matrices of one size is one function.
 */
#include <string.h>

#include <isl/id.h>
#include <isl/val.h>

#include "cg.h"

/* At most this many iterators in scope are paired; a deeper nest is never
 * the same as another (it gets its own function). */
#define MAX_PAIRED 128

/* The iterators of two nests paired loop by loop, innermost last: "a[k]"
 * of the first nest runs where "b[k]" runs in the second. */
typedef struct {
	int n;
	isl_id *a[MAX_PAIRED], *b[MAX_PAIRED];
} pairing;

/* Whether the id "a" of the first nest stands where "b" stands in the
 * second: paired iterators, or the same free id. */
static int paired(const pairing *v, isl_id *a, isl_id *b)
{
	for (int k = v->n - 1; k >= 0; k--)
		if (v->a[k] == a)
			return v->b[k] == b;
	return a == b;
}

/* Whether the loops of ids "a" and "b" run over the same part of their
 * steps (their loop_iter). */
static int same_role(isl_id *a, isl_id *b)
{
	const loop_iter *x = isl_id_get_user(a), *y = isl_id_get_user(b);
	if (!x || !y)
		return x == y;
	return x->role == y->role && x->dim == y->dim;
}

static int same_expr(const pairing *v, isl_ast_expr *a, isl_ast_expr *b);

/* Whether the operations "a" and "b" (keep) have the same arguments from
 * argument "from" on under "v". */
static int same_args(const pairing *v, isl_ast_expr *a, isl_ast_expr *b, int from)
{
	isl_size n = isl_ast_expr_op_get_n_arg(a);
	int r = n >= from && n == isl_ast_expr_op_get_n_arg(b);
	for (int i = from; i < n && r; i++) {
		isl_ast_expr *x = isl_ast_expr_op_get_arg(a, i), *y = isl_ast_expr_op_get_arg(b, i);
		r = x && y && same_expr(v, x, y);
		isl_ast_expr_free(x);
		isl_ast_expr_free(y);
	}
	return r;
}

/* Whether expressions "a" and "b" (keep) compute the same under "v". */
static int same_expr(const pairing *v, isl_ast_expr *a, isl_ast_expr *b)
{
	enum isl_ast_expr_type t = isl_ast_expr_get_type(a);
	if (t != isl_ast_expr_get_type(b))
		return 0;
	if (t == isl_ast_expr_int) {
		isl_val *x = isl_ast_expr_get_val(a), *y = isl_ast_expr_get_val(b);
		int r = isl_val_eq(x, y) == isl_bool_true;
		isl_val_free(x);
		isl_val_free(y);
		return r;
	}
	if (t == isl_ast_expr_id) {
		isl_id *x = isl_ast_expr_get_id(a), *y = isl_ast_expr_get_id(b);
		int r = x && y && paired(v, x, y);
		isl_id_free(x);
		isl_id_free(y);
		return r;
	}
	return t == isl_ast_expr_op && isl_ast_expr_op_get_type(a) == isl_ast_expr_op_get_type(b) &&
	       same_args(v, a, b, 0);
}

/* Whether the statements "a" and "b" (keep) are the same under "v": the
 * same arguments but the first, their names (S0, S1). */
static int same_user(const pairing *v, isl_ast_node *a, isl_ast_node *b)
{
	isl_ast_expr *x = isl_ast_node_user_get_expr(a), *y = isl_ast_node_user_get_expr(b);
	int r = x && y && same_args(v, x, y, 1);
	isl_ast_expr_free(x);
	isl_ast_expr_free(y);
	return r;
}

/* same_expr on the expressions "a" and "b" take. */
static int same_expr_take(const pairing *v, isl_ast_expr *a, isl_ast_expr *b)
{
	int r = a && b && same_expr(v, a, b);
	isl_ast_expr_free(a);
	isl_ast_expr_free(b);
	return r;
}

static int same_node(pairing *v, isl_ast_node *a, isl_ast_node *b);

/* same_node on the nodes "a" and "b" take. */
static int same_node_take(pairing *v, isl_ast_node *a, isl_ast_node *b)
{
	int r = a && b && same_node(v, a, b);
	isl_ast_node_free(a);
	isl_ast_node_free(b);
	return r;
}

/* Whether the for loops "a" and "b" (keep) are the same under "v": their
 * iterators run over the same part of the step, with the same bounds,
 * increment and body (the iterators paired inside). */
static int same_for(pairing *v, isl_ast_node *a, isl_ast_node *b)
{
	if (isl_ast_node_for_is_degenerate(a) != isl_ast_node_for_is_degenerate(b) ||
	    !same_expr_take(v, isl_ast_node_for_get_init(a), isl_ast_node_for_get_init(b)) ||
	    v->n == MAX_PAIRED)
		return 0;
	isl_ast_expr *ia = isl_ast_node_for_get_iterator(a), *ib = isl_ast_node_for_get_iterator(b);
	isl_id *x = isl_ast_expr_get_id(ia), *y = isl_ast_expr_get_id(ib);
	isl_ast_expr_free(ia);
	isl_ast_expr_free(ib);
	int r = x && y && same_role(x, y);
	if (r) {
		v->a[v->n] = x;
		v->b[v->n++] = y;
		r = same_expr_take(v, isl_ast_node_for_get_cond(a), isl_ast_node_for_get_cond(b)) &&
		    same_expr_take(v, isl_ast_node_for_get_inc(a), isl_ast_node_for_get_inc(b)) &&
		    same_node_take(v, isl_ast_node_for_get_body(a), isl_ast_node_for_get_body(b));
		v->n--;
	}
	isl_id_free(x);
	isl_id_free(y);
	return r;
}

/* Whether the blocks "a" and "b" (keep) have the same children in order. */
static int same_block(pairing *v, isl_ast_node *a, isl_ast_node *b)
{
	isl_ast_node_list *la = isl_ast_node_block_get_children(a);
	isl_ast_node_list *lb = isl_ast_node_block_get_children(b);
	isl_size n = isl_ast_node_list_size(la);
	int r = n >= 0 && n == isl_ast_node_list_size(lb);
	for (int i = 0; i < n && r; i++)
		r = same_node_take(v, isl_ast_node_list_get_at(la, i), isl_ast_node_list_get_at(lb, i));
	isl_ast_node_list_free(la);
	isl_ast_node_list_free(lb);
	return r;
}

/* Whether the nodes "a" and "b" (keep) emit the same code under "v" (marks
 * emit only what they hold). */
static int same_node(pairing *v, isl_ast_node *a, isl_ast_node *b)
{
	enum isl_ast_node_type t = isl_ast_node_get_type(a);
	if (t != isl_ast_node_get_type(b))
		return 0;
	switch (t) {
	case isl_ast_node_for:
		return same_for(v, a, b);
	case isl_ast_node_if: {
		isl_bool ea = isl_ast_node_if_has_else_node(a);
		return ea == isl_ast_node_if_has_else_node(b) &&
		       same_expr_take(v, isl_ast_node_if_get_cond(a), isl_ast_node_if_get_cond(b)) &&
		       same_node_take(v, isl_ast_node_if_get_then_node(a),
		                      isl_ast_node_if_get_then_node(b)) &&
		       (ea != isl_bool_true ||
		        same_node_take(v, isl_ast_node_if_get_else_node(a),
		                       isl_ast_node_if_get_else_node(b)));
	}
	case isl_ast_node_block:
		return same_block(v, a, b);
	case isl_ast_node_mark:
		return same_node_take(v, isl_ast_node_mark_get_node(a), isl_ast_node_mark_get_node(b));
	case isl_ast_node_user:
		return same_user(v, a, b);
	default:
		return 0;
	}
}

/* Whether "a" and "b" hold the same "n" values. */
static int same_ints(const int64_t *a, const int64_t *b, int n)
{
	return !n || memcmp(a, b, (size_t)n * sizeof(*a)) == 0;
}

/* Whether the GETT steps "a" and "b" have the same descriptor, blocks and
 * packing buffers (or neither is one). */
static int same_gemm(const loop_gemm *a, const loop_gemm *b)
{
	if (!a || !b)
		return a == b;
	int n = a->nb + a->nm + a->nn + a->nk;
	return a->nb == b->nb && a->nm == b->nm && a->nn == b->nn && a->nk == b->nk &&
	       memcmp(a->dims, b->dims, (size_t)n * sizeof(*a->dims)) == 0 && a->a == b->a &&
	       a->batch == b->batch && a->m == b->m && a->n == b->n && a->k == b->k &&
	       a->mc == b->mc && a->nc == b->nc && a->kc == b->kc && a->mr == b->mr &&
	       a->nr == b->nr && a->vl == b->vl && a->a_stride == b->a_stride &&
	       a->a_ahead == b->a_ahead && a->a_sweep == b->a_sweep &&
	       a->a_sweep_next == b->a_sweep_next && a->a_next == b->a_next &&
	       a->b_lanes == b->b_lanes && a->c_transposed == b->c_transposed &&
	       a->a_held == b->a_held &&
	       a->scratch == b->scratch;
}

/* Whether steps "a" and "b" compile to the same code but for the base
 * pointers of their result and operands. */
static int same_step(const loop_step *a, const loop_step *b)
{
	int n = a->ndims;
	if (a->fused_into >= 0 || b->fused_into >= 0) /* never emitted */
		return 0;
	if (n != b->ndims || a->nargs != b->nargs || a->result_elems != b->result_elems ||
	    a->strided_out != b->strided_out ||
	    !same_ints(a->sizes, b->sizes, n) || !same_ints(a->result.strides, b->result.strides, n) ||
	    a->par.mode != b->par.mode || a->par.extent != b->par.extent ||
	    a->par.ntasks != b->par.ntasks || a->par.chunk != b->par.chunk ||
	    a->par.dim != b->par.dim || a->par.unit != b->par.unit ||
	    !same_gemm(a->gemm, b->gemm) || a->fused_arg != b->fused_arg ||
	    a->next_bytes != b->next_bytes ||
	    (a->fused_arg >= 0 && !same_ints(a->factor.strides, b->factor.strides, n)))
		return 0;
	for (int x = 0; x < a->nargs; x++)
		if (!same_ints(a->args[x].strides, b->args[x].strides, n))
			return 0;
	if (a->gemm)
		return 1;
	pairing v = {0};
	return a->ast && b->ast && same_node(&v, a->ast, b->ast);
}

void cg_step_shapes(const ir_loops *l, int *first)
{
	for (int s = 0; s < l->nsteps; s++) {
		first[s] = s;
		for (int k = 0; k < s && first[s] == s; k++)
			if (first[k] == k && same_step(&l->steps[k], &l->steps[s]))
				first[s] = k;
	}
}
