/*
 * emit_ast.c - one step's isl_ast as LLVM IR: for, if, block, mark and the
 * user statement result[x] += arg0[x] * arg1[x], with the iterators in
 * scope, loop hints and alias scopes.
 */
#include <stdlib.h>
#include <string.h>

#include <isl/id.h>
#include <isl/val.h>
#include <llvm-c/DebugInfo.h>

#include "ctx.h"
#include "emitter.h"

LLVMValueRef cg_fail(emitter *e, const char *what)
{
	if (!e->status)
		e->status = ctx_fail(e->ctx, EINC_EINTERNAL, "codegen", "%s", what);
	return NULL;
}

/* Binds iterator "id" (take) to "v"; returns 0, or -1 when out of memory. */
static int push_var(emitter *e, isl_id *id, LLVMValueRef v)
{
	if (e->nvars == e->capvars) {
		int cap = e->capvars ? 2 * e->capvars : 16;
		isl_id **ids = realloc(e->ids, (size_t)cap * sizeof(*ids));
		if (ids)
			e->ids = ids;
		LLVMValueRef *vals = ids ? realloc(e->vals, (size_t)cap * sizeof(*vals)) : NULL;
		if (!vals) {
			isl_id_free(id);
			e->status = ctx_fail(e->ctx, EINC_ENOMEM, "codegen", "out of memory");
			return -1;
		}
		e->vals = vals;
		e->capvars = cap;
	}
	e->ids[e->nvars] = id;
	e->vals[e->nvars++] = v;
	return 0;
}

/* Unbinds the innermost iterator. */
static void pop_var(emitter *e)
{
	isl_id_free(e->ids[--e->nvars]);
}

/* The value bound to "id" (keep), innermost first. */
static LLVMValueRef lookup_var(emitter *e, isl_id *id)
{
	for (int v = e->nvars - 1; v >= 0; v--)
		if (e->ids[v] == id)
			return e->vals[v];
	return cg_fail(e, "an AST expression names an unknown iterator");
}

static LLVMValueRef emit_expr(emitter *e, isl_ast_expr *expr);

/* Argument "i" of operation "expr", emitted. */
static LLVMValueRef emit_arg(emitter *e, isl_ast_expr *expr, int i)
{
	isl_ast_expr *arg = isl_ast_expr_op_get_arg(expr, i);
	LLVMValueRef v = emit_expr(e, arg);
	isl_ast_expr_free(arg);
	return v;
}

/* Floor division a / b for signed "a" and "b". */
static LLVMValueRef floor_div(emitter *e, LLVMValueRef a, LLVMValueRef b)
{
	LLVMValueRef zero = LLVMConstInt(e->i64, 0, 0);
	LLVMValueRef q = LLVMBuildSDiv(e->b, a, b, "q");
	LLVMValueRef r = LLVMBuildSRem(e->b, a, b, "r");
	LLVMValueRef inexact = LLVMBuildICmp(e->b, LLVMIntNE, r, zero, "");
	LLVMValueRef signs = LLVMBuildICmp(e->b, LLVMIntNE,
	                                   LLVMBuildICmp(e->b, LLVMIntSLT, a, zero, ""),
	                                   LLVMBuildICmp(e->b, LLVMIntSLT, b, zero, ""), "");
	LLVMValueRef adjust = LLVMBuildAnd(e->b, inexact, signs, "");
	return LLVMBuildSub(e->b, q, LLVMBuildZExt(e->b, adjust, e->i64, ""), "fdiv");
}

/* An operation of the AST: integer arithmetic (i64) or a condition (i1). */
static LLVMValueRef emit_op(emitter *e, isl_ast_expr *expr)
{
	enum isl_ast_expr_op_type op = isl_ast_expr_op_get_type(expr);
	isl_size n = isl_ast_expr_op_get_n_arg(expr);
	if (n < 1 || n > 3)
		return cg_fail(e, "an AST operation has an unexpected arity");
	LLVMValueRef a[3] = {NULL, NULL, NULL};
	for (int i = 0; i < n; i++)
		if (!(a[i] = emit_arg(e, expr, i)))
			return NULL;
	LLVMBuilderRef b = e->b;
	switch (op) {
	case isl_ast_expr_op_and:
	case isl_ast_expr_op_and_then:
		return n == 2 ? LLVMBuildAnd(b, a[0], a[1], "") : cg_fail(e, "bad and");
	case isl_ast_expr_op_or:
	case isl_ast_expr_op_or_else:
		return n == 2 ? LLVMBuildOr(b, a[0], a[1], "") : cg_fail(e, "bad or");
	case isl_ast_expr_op_max:
	case isl_ast_expr_op_min: {
		LLVMValueRef v = a[0];
		for (int i = 1; i < n; i++) {
			LLVMIntPredicate p = op == isl_ast_expr_op_max ? LLVMIntSGT : LLVMIntSLT;
			v = LLVMBuildSelect(b, LLVMBuildICmp(b, p, v, a[i], ""), v, a[i], "");
		}
		return v;
	}
	case isl_ast_expr_op_minus:
		return LLVMBuildNSWNeg(b, a[0], "");
	case isl_ast_expr_op_add:
		return LLVMBuildNSWAdd(b, a[0], a[1], "");
	case isl_ast_expr_op_sub:
		return LLVMBuildNSWSub(b, a[0], a[1], "");
	case isl_ast_expr_op_mul:
		return LLVMBuildNSWMul(b, a[0], a[1], "");
	case isl_ast_expr_op_div:
	case isl_ast_expr_op_pdiv_q:
		return LLVMBuildSDiv(b, a[0], a[1], "");
	case isl_ast_expr_op_fdiv_q:
		return floor_div(e, a[0], a[1]);
	case isl_ast_expr_op_pdiv_r:
	case isl_ast_expr_op_zdiv_r:
		return LLVMBuildSRem(b, a[0], a[1], "");
	case isl_ast_expr_op_cond:
	case isl_ast_expr_op_select:
		return n == 3 ? LLVMBuildSelect(b, a[0], a[1], a[2], "") : cg_fail(e, "bad select");
	case isl_ast_expr_op_eq:
		return LLVMBuildICmp(b, LLVMIntEQ, a[0], a[1], "");
	case isl_ast_expr_op_le:
		return LLVMBuildICmp(b, LLVMIntSLE, a[0], a[1], "");
	case isl_ast_expr_op_lt:
		return LLVMBuildICmp(b, LLVMIntSLT, a[0], a[1], "");
	case isl_ast_expr_op_ge:
		return LLVMBuildICmp(b, LLVMIntSGE, a[0], a[1], "");
	case isl_ast_expr_op_gt:
		return LLVMBuildICmp(b, LLVMIntSGT, a[0], a[1], "");
	default:
		return cg_fail(e, "an AST expression uses an unsupported operation");
	}
}

/* An AST expression: an integer, an iterator or an operation. */
static LLVMValueRef emit_expr(emitter *e, isl_ast_expr *expr)
{
	switch (isl_ast_expr_get_type(expr)) {
	case isl_ast_expr_int: {
		isl_val *v = isl_ast_expr_get_val(expr);
		long n = isl_val_get_num_si(v);
		isl_val_free(v);
		return LLVMConstInt(e->i64, (unsigned long long)n, 1);
	}
	case isl_ast_expr_id: {
		isl_id *id = isl_ast_expr_get_id(expr);
		LLVMValueRef v = lookup_var(e, id);
		isl_id_free(id);
		return v;
	}
	case isl_ast_expr_op:
		return emit_op(e, expr);
	default:
		return cg_fail(e, "an AST expression is malformed");
	}
}

/* A node "!{self, ops[0 .. n-1]}" that names itself, so it is unique:
 * the form of LLVM's loop IDs, alias scopes and their domains. */
static LLVMMetadataRef self_node(LLVMContextRef c, LLVMMetadataRef *ops, size_t n)
{
	LLVMMetadataRef all[n + 1];
	all[0] = LLVMTemporaryMDNode(c, NULL, 0);
	for (size_t x = 0; x < n; x++)
		all[x + 1] = ops[x];
	LLVMMetadataRef node = LLVMMDNodeInContext2(c, all, n + 1);
	LLVMMetadataReplaceAllUsesWith(all[0], node);
	return node;
}

/*
 * The bytes of an innermost loop shorter than a vector at which the loop
 * around it is not vectorized (loop_hints): a 256-bit vector. Measured on
 * sapphirerapids (1 thread, wall, best of 3 alternating, parent
 * vectorized -> not): zij,zjk->zik at z = 65536, 8 x 8 x 8 f32 5.86 ->
 * 1.80 ms (np.matmul on OpenBLAS 3.09), 8 x 4 x 12 f32 5.49 -> 1.64, 4 x
 * 8 x 8 f32 2.04 -> 1.19, z = 32768, 8 x 16 x 8 f32 3.30 -> 1.47; 8 x 8 x
 * 4 f64 (32 bytes) level; loops of 16 bytes (4 f32, 2 f64) level either
 * way, so left to LLVM.
 */
#define INNER_VECTOR_BYTES 32

/*
 * Marks the loop whose back edge is "br" as one LLVM must not vectorize
 * ("vectorize" 0) and, when "unroll" is 0, must not unroll. Not
 * vectorized: a loop around an innermost loop that fills a vector. Only
 * that innermost loop (the nest's stride-1 index, or the unrolled copies of
 * it that the SLP vectorizer packs) is vectorized; else a short inner loop
 * is unrolled away and its parent is vectorized with gathers and scatters
 * across the result's rows. Around a loop shorter than a vector, LLVM
 * chooses, but where that loop spans INNER_VECTOR_BYTES or more (8 f32 of
 * AVX-512's 16 lanes): the SLP vectorizer packs its unrolled copies into
 * a narrower vector, where the parent vectorized across rows interleaves
 * them with permutes. Not unrolled: the tile loops of a transposing nest,
 * whose bodies LLVM already unrolls into a tile's moves; unrolling the few
 * tiles too multiplied compile time by 4 (ijkl->ljki).
 */
static void loop_hints(emitter *e, LLVMValueRef br, int vectorize, int unroll)
{
	const char *vec_key = "llvm.loop.vectorize.enable", *unroll_key = "llvm.loop.unroll.disable";
	LLVMMetadataRef prop[2] = {LLVMMDStringInContext2(e->c, vec_key, strlen(vec_key)),
	                           LLVMValueAsMetadata(LLVMConstInt(LLVMInt1TypeInContext(e->c), 0, 0))};
	LLVMMetadataRef hints[2];
	size_t n = 0;
	if (!vectorize)
		hints[n++] = LLVMMDNodeInContext2(e->c, prop, 2);
	if (!unroll) {
		LLVMMetadataRef key = LLVMMDStringInContext2(e->c, unroll_key, strlen(unroll_key));
		hints[n++] = LLVMMDNodeInContext2(e->c, &key, 1);
	}
	if (n)
		LLVMSetMetadata(br, LLVMGetMDKindIDInContext(e->c, "llvm.loop", 9),
		                LLVMMetadataAsValue(e->c, self_node(e->c, hints, n)));
}

/*
 * The alias scopes of a plain nest: the step's result and its operands are
 * disjoint (the memory plan keeps the buffers of one step apart, and the
 * entry's arguments are noalias), which LLVM cannot see through the task
 * context or the workspace offsets. Fresh scopes per step, as one step's
 * result is the next one's operand. Fills e->in_result and e->in_args.
 */
void cg_alias_scopes(emitter *e)
{
	const char *name = "einc.step";
	LLVMMetadataRef tag = LLVMMDStringInContext2(e->c, name, strlen(name));
	LLVMMetadataRef domain = self_node(e->c, &tag, 1), list[2];
	for (int x = 0; x < 2; x++) {
		LLVMMetadataRef scope = self_node(e->c, &domain, 1);
		list[x] = LLVMMDNodeInContext2(e->c, &scope, 1);
	}
	e->in_result = LLVMMetadataAsValue(e->c, list[0]);
	e->in_args = LLVMMetadataAsValue(e->c, list[1]);
}

/* Tags the load or store "v" as an access to the step's result ("result")
 * or to its operands. */
static LLVMValueRef scoped(emitter *e, LLVMValueRef v, int result)
{
	LLVMSetMetadata(v, LLVMGetMDKindIDInContext(e->c, "alias.scope", 11),
	                result ? e->in_result : e->in_args);
	LLVMSetMetadata(v, LLVMGetMDKindIDInContext(e->c, "noalias", 7),
	                result ? e->in_args : e->in_result);
	return v;
}

/* The element pointer base[sum_d strides[d] * x[d]]. */
static LLVMValueRef element(emitter *e, LLVMValueRef base, const loop_access *acc,
                            LLVMValueRef *x)
{
	LLVMValueRef off = NULL;
	for (int d = 0; d < e->st->ndims; d++) {
		int64_t s = acc->strides[d];
		if (!s)
			continue;
		LLVMValueRef term = s == 1 ? x[d]
		                  : LLVMBuildNSWMul(e->b, x[d], LLVMConstInt(e->i64, (unsigned long long)s, 0), "");
		off = off ? LLVMBuildNSWAdd(e->b, off, term, "") : term;
	}
	if (!off)
		return base;
	return LLVMBuildInBoundsGEP2(e->b, e->elem, base, &off, 1, "");
}

/* A user statement S(x): result[x] += arg0[x] (* arg1[x]), or = when the
 * step sums nothing. */
static int emit_user(emitter *e, isl_ast_node *node)
{
	isl_ast_expr *call = isl_ast_node_user_get_expr(node);
	const loop_step *st = e->st;
	if (isl_ast_expr_op_get_n_arg(call) != st->ndims + 1) {
		isl_ast_expr_free(call);
		cg_fail(e, "a statement has the wrong number of arguments");
		return -1;
	}
	LLVMValueRef x[st->ndims + 1];
	for (int d = 0; d < st->ndims; d++)
		if (!(x[d] = emit_arg(e, call, d + 1))) {
			isl_ast_expr_free(call);
			return -1;
		}
	isl_ast_expr_free(call);
	unsigned align = cg_dtype_align(e->dtype);
	LLVMValueRef p = element(e, e->base[0], &st->result, x);
	LLVMValueRef v = scoped(e, LLVMBuildLoad2(e->b, e->elem,
	                                          element(e, e->base[1], &st->args[0], x), "a"), 0);
	LLVMSetAlignment(v, align);
	if (st->nargs == 2) {
		LLVMValueRef w = scoped(e, LLVMBuildLoad2(e->b, e->elem,
		                                          element(e, e->base[2], &st->args[1], x), "b"), 0);
		LLVMSetAlignment(w, align);
		v = cg_elem_mul(e->b, e->dtype, v, w, "ab");
	}
	if (!e->overwrite) {
		LLVMValueRef acc = scoped(e, LLVMBuildLoad2(e->b, e->elem, p, "c"), 1);
		LLVMSetAlignment(acc, align);
		v = cg_elem_add(e->b, e->dtype, acc, v, "sum");
	}
	LLVMSetAlignment(scoped(e, LLVMBuildStore(e->b, v, p), 1), align);
	return 0;
}

/* Emits "node" (take). */
static int emit_owned(emitter *e, isl_ast_node *node)
{
	int r = node ? cg_emit_node(e, node) : (cg_fail(e, "an AST node is missing"), -1);
	isl_ast_node_free(node);
	return r;
}

LLVMBasicBlockRef cg_block(emitter *e, const char *name)
{
	return LLVMAppendBasicBlockInContext(e->c, e->fn, name);
}

/*
 * In a kernel of many step functions, a loop around an innermost loop of
 * at least LONG_INNER vectors' worth of iterations is not unrolled: it is
 * vectorized and interleaved already, so copies of it for each outer
 * iteration save little and cost LLVM much. A PEPS of 1000 tensors (173
 * large nests with loops of 2 to 8 around one of 512 to 2048): LLVM
 * unrolled them 16 times over; 10.1 s of CPU to an object, 5.2 s without.
 */
#define LONG_INNER 8

/* At the start of an iteration "x" of the loop "e->zeroing", zeroes the
 * result's slab that it moves (ir_loop_step_zero_slab). */
static void zero_slab(emitter *e, isl_ast_node *node, LLVMValueRef x)
{
	if (node != e->zeroing)
		return;
	LLVMValueRef slab = LLVMConstInt(e->i64, (unsigned long long)e->slab, 0);
	LLVMValueRef at = LLVMBuildNSWMul(e->b, x, slab, "");
	int64_t esize = (int64_t)LLVMABISizeOfType(LLVMGetModuleDataLayout(e->m), e->elem);
	LLVMBuildMemSet(e->b, cg_elem_at(e, e->base[0], at), LLVMConstInt(e->i8, 0, 0),
	                LLVMConstInt(e->i64, (unsigned long long)(e->slab * esize), 0),
	                cg_dtype_align(e->dtype));
}

/* A for loop: header with the iterator's phi, body, latch, exit; the loop
 * "e->split" runs over [e->lo, e->hi) instead of its bounds. */
static int emit_for(emitter *e, isl_ast_node *node)
{
	isl_ast_expr *it = isl_ast_node_for_get_iterator(node);
	isl_id *id = isl_ast_expr_get_id(it);
	isl_ast_expr_free(it);
	int split = node == e->split;
	isl_ast_expr *init = isl_ast_node_for_get_init(node);
	LLVMValueRef start = split ? e->lo : emit_expr(e, init);
	isl_ast_expr_free(init);
	const char *name = isl_id_get_name(id);
	const loop_iter *role = isl_id_get_user(id);
	if (!start || !role) {
		isl_id_free(id);
		if (!role)
			cg_fail(e, "a loop has no role");
		return -1;
	}
	if (!split && isl_ast_node_for_is_degenerate(node) == isl_bool_true) {
		if (push_var(e, id, start))
			return -1;
		int r = emit_owned(e, isl_ast_node_for_get_body(node));
		pop_var(e);
		return r;
	}
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(e->b);
	LLVMBasicBlockRef head = cg_block(e, "for"), body = cg_block(e, "body"), done = cg_block(e, "done");
	LLVMBuildBr(e->b, head);
	LLVMPositionBuilderAtEnd(e->b, head);
	LLVMValueRef iv = LLVMBuildPhi(e->b, e->i64, name);
	if (push_var(e, id, iv))
		return -1;
	isl_ast_expr *cond = isl_ast_node_for_get_cond(node);
	LLVMValueRef c = split ? LLVMBuildICmp(e->b, LLVMIntSLT, iv, e->hi, "") : emit_expr(e, cond);
	isl_ast_expr_free(cond);
	isl_ast_expr *inc = isl_ast_node_for_get_inc(node);
	LLVMValueRef step = c ? emit_expr(e, inc) : NULL;
	isl_ast_expr_free(inc);
	if (!step) {
		pop_var(e);
		return -1;
	}
	LLVMBuildCondBr(e->b, c, body, done);
	LLVMPositionBuilderAtEnd(e->b, body);
	zero_slab(e, node, iv);
	int inner = ++e->nfor;
	int64_t extent = role->role == LOOP_WHOLE ? e->st->sizes[role->dim] : 0;
	int r = emit_owned(e, isl_ast_node_for_get_body(node));
	pop_var(e);
	if (r)
		return r;
	LLVMValueRef next = LLVMBuildNSWAdd(e->b, iv, step, "next");
	LLVMBasicBlockRef latch = LLVMGetInsertBlock(e->b);
	LLVMValueRef back = LLVMBuildBr(e->b, head);
	int64_t esize = (int64_t)LLVMABISizeOfType(LLVMGetModuleDataLayout(e->m), e->elem);
	int64_t lanes = e->vector_bits / 8 / esize;
	if (e->nfor == inner)
		e->inner_extent = extent;
	int vectorize = e->nfor == inner || (e->inner_extent < lanes &&
	                                     e->inner_extent * esize < INNER_VECTOR_BYTES);
	int long_inner = e->nfor != inner && e->inner_extent >= LONG_INNER * lanes;
	loop_hints(e, back, vectorize, role->role != LOOP_TILE && !(e->many_shapes && long_inner));
	LLVMValueRef in_vals[2] = {start, next};
	LLVMBasicBlockRef in_blocks[2] = {pre, latch};
	LLVMAddIncoming(iv, in_vals, in_blocks, 2);
	LLVMPositionBuilderAtEnd(e->b, done);
	return 0;
}

/* An if, with or without else. */
static int emit_if(emitter *e, isl_ast_node *node)
{
	isl_ast_expr *cond = isl_ast_node_if_get_cond(node);
	LLVMValueRef c = emit_expr(e, cond);
	isl_ast_expr_free(cond);
	if (!c)
		return -1;
	int has_else = isl_ast_node_if_has_else_node(node) == isl_bool_true;
	LLVMBasicBlockRef then = cg_block(e, "then"), other = has_else ? cg_block(e, "else") : NULL;
	LLVMBasicBlockRef done = cg_block(e, "endif");
	LLVMBuildCondBr(e->b, c, then, has_else ? other : done);
	LLVMPositionBuilderAtEnd(e->b, then);
	if (emit_owned(e, isl_ast_node_if_get_then_node(node)))
		return -1;
	LLVMBuildBr(e->b, done);
	if (has_else) {
		LLVMPositionBuilderAtEnd(e->b, other);
		if (emit_owned(e, isl_ast_node_if_get_else_node(node)))
			return -1;
		LLVMBuildBr(e->b, done);
	}
	LLVMPositionBuilderAtEnd(e->b, done);
	return 0;
}

/* A block: its children in order. */
static int emit_block(emitter *e, isl_ast_node *node)
{
	isl_ast_node_list *list = isl_ast_node_block_get_children(node);
	isl_size n = isl_ast_node_list_size(list);
	int r = n < 0 ? -1 : 0;
	for (int i = 0; i < n && !r; i++)
		r = emit_owned(e, isl_ast_node_list_get_at(list, i));
	isl_ast_node_list_free(list);
	return r;
}

int cg_emit_node(emitter *e, isl_ast_node *node)
{
	switch (isl_ast_node_get_type(node)) {
	case isl_ast_node_for:
		return emit_for(e, node);
	case isl_ast_node_if:
		return emit_if(e, node);
	case isl_ast_node_block:
		return emit_block(e, node);
	case isl_ast_node_mark:
		return emit_owned(e, isl_ast_node_mark_get_node(node));
	case isl_ast_node_user:
		return emit_user(e, node);
	default:
		cg_fail(e, "an AST node is malformed");
		return -1;
	}
}

