/*
 * emit_llvm.c - loop nests to LLVM IR through the C API: one function per
 * kernel that finds its workspace and slow buffer, then runs each step
 * (its spills and reloads, zero the result, walk the isl_ast: for, if,
 * block, mark, user statements); and the entries that call it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isl/id.h>
#include <isl/val.h>
#include <llvm-c/Analysis.h>
#include <llvm-c/DebugInfo.h>

#include "cg.h"
#include "ctx.h"

/* The state of one function under construction. */
typedef struct {
	einc_ctx *ctx;
	LLVMContextRef c;
	LLVMModuleRef m;
	LLVMBuilderRef b;
	LLVMTypeRef i8, i32, i64, ptr, elem;
	LLVMValueRef fn;
	int vector_bits;       /* the register blocks' vector width */
	int threads;           /* einc_options.threads */
	const loop_step *st;
	int overwrite;         /* the step sums nothing: store, do not accumulate */
	isl_ast_node *split;   /* the loop that runs from "lo" to "hi" (a task's chunk) */
	LLVMValueRef lo, hi;
	LLVMValueRef base[3];  /* the result, arg0, arg1 of the current step */
	int nfor;              /* the for loops emitted so far */
	int64_t inner_extent;  /* the extent of the last innermost loop emitted */
	LLVMValueRef in_result, in_args; /* alias scope lists: a step's result, its operands */
	int nvars, capvars;    /* the iterators in scope, innermost last */
	isl_id **ids;
	LLVMValueRef *vals;
	einc_status status;
} emitter;

/* Records an internal failure in "e" once; returns NULL for chaining. */
static LLVMValueRef fail(emitter *e, const char *what)
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
	return fail(e, "an AST expression names an unknown iterator");
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
		return fail(e, "an AST operation has an unexpected arity");
	LLVMValueRef a[3] = {NULL, NULL, NULL};
	for (int i = 0; i < n; i++)
		if (!(a[i] = emit_arg(e, expr, i)))
			return NULL;
	LLVMBuilderRef b = e->b;
	switch (op) {
	case isl_ast_expr_op_and:
	case isl_ast_expr_op_and_then:
		return n == 2 ? LLVMBuildAnd(b, a[0], a[1], "") : fail(e, "bad and");
	case isl_ast_expr_op_or:
	case isl_ast_expr_op_or_else:
		return n == 2 ? LLVMBuildOr(b, a[0], a[1], "") : fail(e, "bad or");
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
		return n == 3 ? LLVMBuildSelect(b, a[0], a[1], a[2], "") : fail(e, "bad select");
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
		return fail(e, "an AST expression uses an unsupported operation");
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
		return fail(e, "an AST expression is malformed");
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
 * Marks the loop whose back edge is "br" as one LLVM must not vectorize
 * ("vectorize" 0) and, when "unroll" is 0, must not unroll. Not
 * vectorized: a loop around an innermost loop that fills a vector. Only
 * that innermost loop (the nest's stride-1 index, or the unrolled copies of
 * it that the SLP vectorizer packs) is vectorized; else a short inner loop
 * is unrolled away and its parent is vectorized with gathers and scatters
 * across the result's rows. Around a loop shorter than a vector, LLVM
 * chooses. Not unrolled: the tile loops of a transposing nest, whose
 * bodies LLVM already unrolls into a tile's moves; unrolling the few tiles
 * too multiplied compile time by 4 (ijkl->ljki).
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
static void alias_scopes(emitter *e)
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

/* Marks "v" (an fmul or fadd of a statement) reassociable and contractible,
 * so LLVM may vectorize a reduction and fuse the multiply-add. */
static LLVMValueRef relaxed(LLVMValueRef v)
{
	LLVMSetFastMathFlags(v, LLVMFastMathAllowReassoc | LLVMFastMathAllowContract);
	return v;
}

/* A user statement S(x): result[x] += arg0[x] (* arg1[x]), or = when the
 * step sums nothing. */
static int emit_user(emitter *e, isl_ast_node *node)
{
	isl_ast_expr *call = isl_ast_node_user_get_expr(node);
	const loop_step *st = e->st;
	if (isl_ast_expr_op_get_n_arg(call) != st->ndims + 1) {
		isl_ast_expr_free(call);
		fail(e, "a statement has the wrong number of arguments");
		return -1;
	}
	LLVMValueRef x[st->ndims + 1];
	for (int d = 0; d < st->ndims; d++)
		if (!(x[d] = emit_arg(e, call, d + 1))) {
			isl_ast_expr_free(call);
			return -1;
		}
	isl_ast_expr_free(call);
	unsigned align = (unsigned)LLVMABISizeOfType(LLVMGetModuleDataLayout(e->m), e->elem);
	LLVMValueRef p = element(e, e->base[0], &st->result, x);
	LLVMValueRef v = scoped(e, LLVMBuildLoad2(e->b, e->elem,
	                                          element(e, e->base[1], &st->args[0], x), "a"), 0);
	LLVMSetAlignment(v, align);
	if (st->nargs == 2) {
		LLVMValueRef w = scoped(e, LLVMBuildLoad2(e->b, e->elem,
		                                          element(e, e->base[2], &st->args[1], x), "b"), 0);
		LLVMSetAlignment(w, align);
		v = relaxed(LLVMBuildFMul(e->b, v, w, "ab"));
	}
	if (!e->overwrite) {
		LLVMValueRef acc = scoped(e, LLVMBuildLoad2(e->b, e->elem, p, "c"), 1);
		LLVMSetAlignment(acc, align);
		v = relaxed(LLVMBuildFAdd(e->b, acc, v, "sum"));
	}
	LLVMSetAlignment(scoped(e, LLVMBuildStore(e->b, v, p), 1), align);
	return 0;
}

static int emit_node(emitter *e, isl_ast_node *node);

/* Emits "node" (take). */
static int emit_owned(emitter *e, isl_ast_node *node)
{
	int r = node ? emit_node(e, node) : (fail(e, "an AST node is missing"), -1);
	isl_ast_node_free(node);
	return r;
}

/* A block that ends the current function's list. */
static LLVMBasicBlockRef block(emitter *e, const char *name)
{
	return LLVMAppendBasicBlockInContext(e->c, e->fn, name);
}

/* Which tile loop (0 or 1, as "st->tiled") of a transposing nest runs on
 * iterator "name"; -1 if none. */
static int tile_loop(const loop_step *st, const char *name)
{
	for (int x = 0; st->tile && x < 2; x++)
		if (name && !strcmp(name, st->tile_names[x]))
			return x;
	return -1;
}

/* The extent of the step's dim "name" (a loop's iterator); 0 if none. */
static int64_t loop_extent(const emitter *e, const char *name)
{
	for (int d = 0; d < e->st->ndims; d++)
		if (name && !strcmp(name, e->st->names[d]))
			return e->st->sizes[d];
	return 0;
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
	if (!start) {
		isl_id_free(id);
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
	LLVMBasicBlockRef head = block(e, "for"), body = block(e, "body"), done = block(e, "done");
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
	int inner = ++e->nfor;
	int64_t extent = loop_extent(e, name);
	int r = emit_owned(e, isl_ast_node_for_get_body(node));
	pop_var(e);
	if (r)
		return r;
	LLVMValueRef next = LLVMBuildNSWAdd(e->b, iv, step, "next");
	LLVMBasicBlockRef latch = LLVMGetInsertBlock(e->b);
	LLVMValueRef back = LLVMBuildBr(e->b, head);
	int64_t lanes = e->vector_bits / 8 / (int64_t)LLVMABISizeOfType(LLVMGetModuleDataLayout(e->m), e->elem);
	if (e->nfor == inner)
		e->inner_extent = extent;
	int vectorize = e->nfor == inner || e->inner_extent < lanes;
	loop_hints(e, back, vectorize, tile_loop(e->st, name) < 0);
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
	LLVMBasicBlockRef then = block(e, "then"), other = has_else ? block(e, "else") : NULL;
	LLVMBasicBlockRef done = block(e, "endif");
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

/* Emits "node" (keep) at the builder's position. */
static int emit_node(emitter *e, isl_ast_node *node)
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
		fail(e, "an AST node is malformed");
		return -1;
	}
}

/* "base" plus "offset" bytes. */
static LLVMValueRef byte_at(emitter *e, LLVMValueRef base, int64_t offset, const char *name)
{
	if (!offset)
		return base;
	LLVMValueRef off = LLVMConstInt(e->i64, (unsigned long long)offset, 0);
	return LLVMBuildInBoundsGEP2(e->b, e->i8, base, &off, 1, name);
}

/* The base pointer of "acc": a parameter, or the workspace plus an offset. */
static LLVMValueRef buffer(emitter *e, const loop_access *acc, LLVMValueRef ws)
{
	if (acc->buffer == LOOP_OUT)
		return LLVMGetParam(e->fn, 0);
	if (acc->buffer == LOOP_INPUT)
		return LLVMGetParam(e->fn, (unsigned)acc->input + 1);
	return byte_at(e, ws, acc->offset, "ws.at");
}

/* The copies of step "st": rt_spill_copy(dst, src, bytes, count) each,
 * "count" the local that counts the bytes moved. */
static void emit_copies(emitter *e, const loop_step *st, LLVMValueRef ws, LLVMValueRef slow,
                        LLVMValueRef count)
{
	if (!st->ncopies)
		return;
	LLVMTypeRef params[4] = {e->ptr, e->ptr, e->i64, e->ptr};
	LLVMTypeRef type = LLVMFunctionType(LLVMVoidTypeInContext(e->c), params, 4, 0);
	LLVMValueRef fn = LLVMGetNamedFunction(e->m, "rt_spill_copy");
	if (!fn)
		fn = LLVMAddFunction(e->m, "rt_spill_copy", type);
	for (int c = 0; c < st->ncopies; c++) {
		const loop_copy *x = &st->copies[c];
		LLVMValueRef in_ws = byte_at(e, ws, x->offset, "ws.at");
		LLVMValueRef in_slow = byte_at(e, slow, x->slow, "slow.at");
		LLVMValueRef args[4] = {x->reload ? in_ws : in_slow, x->reload ? in_slow : in_ws,
		                        LLVMConstInt(e->i64, (unsigned long long)x->bytes, 0), count};
		LLVMBuildCall2(e->b, type, fn, args, 4, "");
	}
}

/* Adds the enum attribute "name" at "index" of "fn". */
static void add_attr(emitter *e, LLVMValueRef fn, LLVMAttributeIndex index, const char *name)
{
	unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
	LLVMAddAttributeAtIndex(fn, index, LLVMCreateEnumAttribute(e->c, kind, 0));
}

/* Plain nests of at least this many iterations run in parallel, in at most
 * PAR_TASKS chunks of their outermost loop; chunks of a summed loop keep
 * their partial results on the caller's stack, PAR_PARTIAL_BYTES at most. */
enum { PAR_MIN_WORK = 1 << 16, PAR_TASKS = 64, PAR_PARTIAL_BYTES = 16 << 10 };

/* How a plain nest runs: whole, as chunks of an outermost loop that moves
 * the result (each task owns its elements), or as chunks of an outermost
 * summed loop (each task sums into its own partial result). */
typedef enum { PAR_NONE, PAR_ROWS, PAR_SUMS } par_mode;

/*
 * How step "st" runs, and the extent of its outermost loop and the chunks
 * it is cut into ("*extent", "*ntasks"). Row chunks need more than one
 * thread; summed chunks do not depend on the threads (the partial sums are
 * then added in the same order on any number of threads) and need room for
 * two partial results or more.
 */
static par_mode split_mode(const emitter *e, const loop_step *st, int64_t esize,
                           int64_t *extent, int64_t *ntasks)
{
	if (isl_ast_node_get_type(st->ast) != isl_ast_node_for)
		return PAR_NONE;
	int64_t work = 1;
	for (int d = 0; d < st->ndims; d++)
		work *= st->sizes[d];
	isl_ast_expr *it = isl_ast_node_for_get_iterator(st->ast);
	isl_id *id = isl_ast_expr_get_id(it);
	const char *name = isl_id_get_name(id);
	int outer = -1;
	int64_t tile = 1;
	for (int d = 0; d < st->ndims; d++)
		if (name && !strcmp(name, st->names[d]))
			outer = d;
	int x = tile_loop(st, name);
	if (x >= 0) {
		outer = st->tiled[x];
		tile = st->tile;
	}
	if (st->pair >= 0 && name && !strcmp(name, st->pair_name)) {
		outer = st->pair;
		tile = 2;
	}
	isl_id_free(id);
	isl_ast_expr_free(it);
	if (outer < 0 || work < PAR_MIN_WORK)
		return PAR_NONE;
	*extent = (st->sizes[outer] + tile - 1) / tile;
	int64_t most = PAR_TASKS;
	par_mode mode = PAR_ROWS;
	if (!st->result.strides[outer]) {
		mode = PAR_SUMS;
		most = PAR_PARTIAL_BYTES / (st->result_elems * esize);
	} else if (e->threads == 1) {
		return PAR_NONE;
	}
	if (most > PAR_TASKS)
		most = PAR_TASKS;
	if (most > *extent)
		most = *extent;
	if (most < 2)
		return PAR_NONE;
	int64_t chunk = (*extent + most - 1) / most;
	*ntasks = (*extent + chunk - 1) / chunk;
	return mode;
}

/* Copies the string attribute "key" of function "from" to "to". */
static void copy_attr(LLVMValueRef from, LLVMValueRef to, const char *key)
{
	LLVMAttributeRef at = LLVMGetStringAttributeAtIndex(from, LLVMAttributeFunctionIndex,
	                                                    key, (unsigned)strlen(key));
	if (at)
		LLVMAddAttributeAtIndex(to, LLVMAttributeFunctionIndex, at);
}

/* A loop "for (x = 0; x < n; x++)" at the builder's position: returns x
 * with the builder in the body; "*latch" gets what end_loop needs. */
static LLVMValueRef begin_loop(emitter *e, int64_t n, LLVMBasicBlockRef latch[2])
{
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(e->b);
	LLVMBasicBlockRef head = block(e, "loop"), body = block(e, "loop.body");
	LLVMBuildBr(e->b, head);
	LLVMPositionBuilderAtEnd(e->b, head);
	LLVMValueRef x = LLVMBuildPhi(e->b, e->i64, "x");
	LLVMValueRef zero = LLVMConstInt(e->i64, 0, 0);
	LLVMAddIncoming(x, &zero, &pre, 1);
	latch[0] = head;
	latch[1] = block(e, "loop.done");
	LLVMBuildCondBr(e->b, LLVMBuildICmp(e->b, LLVMIntSLT, x, LLVMConstInt(e->i64, (unsigned long long)n, 0), ""),
	                body, latch[1]);
	LLVMPositionBuilderAtEnd(e->b, body);
	return x;
}

/* Ends the loop of "x" begun by begin_loop; the builder goes after it. */
static void end_loop(emitter *e, LLVMValueRef x, LLVMBasicBlockRef latch[2])
{
	LLVMValueRef next = LLVMBuildNSWAdd(e->b, x, LLVMConstInt(e->i64, 1, 0), "");
	LLVMBasicBlockRef from = LLVMGetInsertBlock(e->b);
	LLVMAddIncoming(x, &next, &from, 1);
	LLVMBuildBr(e->b, latch[0]);
	LLVMPositionBuilderAtEnd(e->b, latch[1]);
}

/* Element "i" (an i64 value) of the "e->elem" array at "base". */
static LLVMValueRef elem_at(emitter *e, LLVMValueRef base, LLVMValueRef i)
{
	return LLVMBuildInBoundsGEP2(e->b, e->elem, base, &i, 1, "");
}

/* result[x] = sum over t < ntasks, in order, of partial[t * n + x], for
 * x < n: the partial results of PAR_SUMS tasks added up. */
static void add_partials(emitter *e, LLVMValueRef result, LLVMValueRef partial, int64_t n,
                         int64_t ntasks, unsigned align)
{
	LLVMBasicBlockRef outer[2];
	LLVMValueRef x = begin_loop(e, n, outer);
	LLVMValueRef sum = LLVMBuildLoad2(e->b, e->elem, elem_at(e, partial, x), "p");
	LLVMSetAlignment(sum, align);
	for (int64_t t = 1; t < ntasks; t++) {
		LLVMValueRef i = LLVMBuildNSWAdd(e->b, x, LLVMConstInt(e->i64, (unsigned long long)(t * n), 0), "");
		LLVMValueRef v = LLVMBuildLoad2(e->b, e->elem, elem_at(e, partial, i), "p");
		LLVMSetAlignment(v, align);
		sum = LLVMBuildFAdd(e->b, sum, v, "sum");
	}
	LLVMSetAlignment(LLVMBuildStore(e->b, sum, elem_at(e, result, x)), align);
	end_loop(e, x, outer);
}

/*
 * Runs the nest of step "s" as "ntasks" tasks over chunks of its outermost
 * loop ("extent" long) through rt_parallel_for: the nest goes into an
 * internal function NAME.stepS(ctx, task, scratch), ctx holding the step's
 * base pointers. PAR_ROWS: every element is computed by one task in the
 * nest's order. PAR_SUMS: task t sums into its own zeroed partial result
 * in a stack array, and the caller adds the partials up in task order. So
 * the result does not depend on the threads.
 */
static int emit_parallel(emitter *e, int s, const loop_step *st, par_mode mode,
                         int64_t extent, int64_t ntasks)
{
	LLVMTypeRef params[3] = {e->ptr, e->i64, e->ptr};
	LLVMTypeRef task_type = LLVMFunctionType(LLVMVoidTypeInContext(e->c), params, 3, 0);
	size_t len;
	const char *fname = LLVMGetValueName2(e->fn, &len);
	char tname[len + 32];
	snprintf(tname, sizeof tname, "%s.step%d", fname, s);
	LLVMValueRef task = LLVMAddFunction(e->m, tname, task_type);
	LLVMSetLinkage(task, LLVMInternalLinkage);
	add_attr(e, task, LLVMAttributeFunctionIndex, "nounwind");
	copy_attr(e->fn, task, "target-cpu");
	copy_attr(e->fn, task, "target-features");
	int64_t chunk = (extent + ntasks - 1) / ntasks;
	unsigned align = (unsigned)LLVMABISizeOfType(LLVMGetModuleDataLayout(e->m), e->elem);
	int64_t n = st->result_elems;

	LLVMValueRef partial = NULL, result = e->base[0];
	if (mode == PAR_SUMS) {
		partial = LLVMBuildArrayAlloca(e->b, e->elem,
		                               LLVMConstInt(e->i64, (unsigned long long)(ntasks * n), 0),
		                               "partial");
		e->base[0] = partial;
	}
	LLVMValueRef ctx = LLVMBuildArrayAlloca(e->b, e->ptr, LLVMConstInt(e->i64, 3, 0), "step.ctx");
	for (int x = 0; x <= st->nargs; x++) {
		LLVMValueRef i = LLVMConstInt(e->i64, (unsigned long long)x, 0);
		LLVMBuildStore(e->b, e->base[x], LLVMBuildInBoundsGEP2(e->b, e->ptr, ctx, &i, 1, ""));
	}
	LLVMTypeRef pf_params[6] = {e->i32, e->i64, e->ptr, e->ptr, e->ptr, e->i64};
	LLVMTypeRef pf_type = LLVMFunctionType(LLVMVoidTypeInContext(e->c), pf_params, 6, 0);
	LLVMValueRef pf = LLVMGetNamedFunction(e->m, "rt_parallel_for");
	if (!pf)
		pf = LLVMAddFunction(e->m, "rt_parallel_for", pf_type);
	LLVMValueRef args[6] = {LLVMConstInt(e->i32, (unsigned long long)e->threads, 0),
	                        LLVMConstInt(e->i64, (unsigned long long)ntasks, 0), task, ctx,
	                        LLVMConstNull(e->ptr), LLVMConstInt(e->i64, 0, 0)};
	LLVMBuildCall2(e->b, pf_type, pf, args, 6, "");
	if (partial)
		add_partials(e, result, partial, n, ntasks, align);

	LLVMBasicBlockRef resume = LLVMGetInsertBlock(e->b);
	LLVMValueRef caller = e->fn;
	e->fn = task;
	LLVMPositionBuilderAtEnd(e->b, block(e, "entry"));
	LLVMValueRef tctx = LLVMGetParam(task, 0);
	for (int x = 0; x <= st->nargs; x++) {
		LLVMValueRef i = LLVMConstInt(e->i64, (unsigned long long)x, 0);
		e->base[x] = LLVMBuildLoad2(e->b, e->ptr,
		                            LLVMBuildInBoundsGEP2(e->b, e->ptr, tctx, &i, 1, ""), "base");
	}
	if (partial) {
		LLVMValueRef at = LLVMBuildNSWMul(e->b, LLVMGetParam(task, 1),
		                                  LLVMConstInt(e->i64, (unsigned long long)n, 0), "");
		e->base[0] = elem_at(e, e->base[0], at);
		LLVMBuildMemSet(e->b, e->base[0], LLVMConstInt(e->i8, 0, 0),
		                LLVMConstInt(e->i64, (unsigned long long)(n * align), 0), align);
	}
	LLVMValueRef c = LLVMConstInt(e->i64, (unsigned long long)chunk, 0);
	e->lo = LLVMBuildNSWMul(e->b, LLVMGetParam(task, 1), c, "lo");
	LLVMValueRef hi = LLVMBuildNSWAdd(e->b, e->lo, c, "");
	LLVMValueRef end = LLVMConstInt(e->i64, (unsigned long long)extent, 0);
	e->hi = LLVMBuildSelect(e->b, LLVMBuildICmp(e->b, LLVMIntSLT, hi, end, ""), hi, end, "hi");
	e->split = st->ast;
	int r = emit_node(e, st->ast);
	e->split = NULL;
	if (!r)
		LLVMBuildRetVoid(e->b);
	e->fn = caller;
	LLVMPositionBuilderAtEnd(e->b, resume);
	return r;
}

/* Whether step "st" writes each result element once: every dim longer
 * than 1 moves the result, so it sums nothing. */
static int sums_nothing(const loop_step *st)
{
	for (int d = 0; d < st->ndims; d++)
		if (st->sizes[d] != 1 && !st->result.strides[d])
			return 0;
	return 1;
}

/* Step "s" ("st"): its GETT call (which writes every result), its nest
 * storing each result once, its nest summed in partial results, or zero its
 * result, then its nest; a large nest runs as parallel tasks. */
static int emit_step(emitter *e, int s, const loop_step *st, LLVMValueRef ws)
{
	e->st = st;
	e->overwrite = !st->gemm && sums_nothing(st);
	alias_scopes(e);
	e->base[0] = buffer(e, &st->result, ws);
	for (int x = 0; x < st->nargs; x++)
		e->base[x + 1] = buffer(e, &st->args[x], ws);
	unsigned esize = (unsigned)LLVMABISizeOfType(LLVMGetModuleDataLayout(e->m), e->elem);
	int64_t bytes = st->result_elems * (int64_t)esize, extent = 0, ntasks = 0;
	if (st->gemm) {
		cg_emit_gemm(e->m, e->b, e->fn, st, s, e->threads, e->vector_bits, e->elem,
		             e->base, ws);
		return 0;
	}
	par_mode mode = split_mode(e, st, esize, &extent, &ntasks);
	if (mode == PAR_SUMS)
		return emit_parallel(e, s, st, mode, extent, ntasks);
	if (!e->overwrite)
		LLVMBuildMemSet(e->b, e->base[0], LLVMConstInt(e->i8, 0, 0),
		                LLVMConstInt(e->i64, (unsigned long long)bytes, 0), esize);
	return mode == PAR_ROWS ? emit_parallel(e, s, st, mode, extent, ntasks) : emit_node(e, st->ast);
}

/* Declares int NAME(T *out, const T *in0, ..., void *workspace), and with
 * "slow" NAME(..., void *workspace, void *slow, int64_t *moved). */
static LLVMValueRef declare_entry(emitter *e, const einc_program *p, const char *name,
                                  LLVMTargetMachineRef tm, int slow)
{
	int n = p->graph->ninputs, np = n + (slow ? 4 : 2);
	LLVMTypeRef params[np];
	for (int k = 0; k < np; k++)
		params[k] = e->ptr;
	LLVMValueRef fn = LLVMAddFunction(e->m, name, LLVMFunctionType(e->i32, params, (unsigned)np, 0));
	add_attr(e, fn, LLVMAttributeFunctionIndex, "nounwind");
	for (int k = 0; k < np; k++) {
		add_attr(e, fn, (LLVMAttributeIndex)k + 1, "nocapture");
		if (k <= n || k == n + 2)
			add_attr(e, fn, (LLVMAttributeIndex)k + 1, "noalias");
		if (k >= 1 && k <= n)
			add_attr(e, fn, (LLVMAttributeIndex)k + 1, "readonly");
	}
	LLVMSetValueName2(LLVMGetParam(fn, 0), "out", 3);
	char pname[32];
	for (int k = 0; k < n; k++) {
		int len = snprintf(pname, sizeof pname, "in%d", k);
		LLVMSetValueName2(LLVMGetParam(fn, (unsigned)k + 1), pname, (size_t)len);
	}
	LLVMSetValueName2(LLVMGetParam(fn, (unsigned)n + 1), "workspace", 9);
	if (slow) {
		LLVMSetValueName2(LLVMGetParam(fn, (unsigned)n + 2), "slow", 4);
		LLVMSetValueName2(LLVMGetParam(fn, (unsigned)n + 3), "moved", 5);
	}
	if (tm) {
		char *cpu = LLVMGetTargetMachineCPU(tm), *feat = LLVMGetTargetMachineFeatureString(tm);
		LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
		                        LLVMCreateStringAttribute(e->c, "target-cpu", 10, cpu, (unsigned)strlen(cpu)));
		if (*feat)
			LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
			                        LLVMCreateStringAttribute(e->c, "target-features", 15, feat,
			                                                  (unsigned)strlen(feat)));
		LLVMDisposeMessage(cpu);
		LLVMDisposeMessage(feat);
	}
	return fn;
}

/* The buffer "arg" of "bytes" to use, called "what" ("ws": workspace,
 * "slow"): the argument, or when it is NULL the buffer that
 * rt_workspace_once allocates on the first call into the global
 * NAME.workspace or NAME.slow; a failed allocation returns 1 from the
 * kernel. */
static LLVMValueRef find_buffer(emitter *e, const char *name, LLVMValueRef arg,
                                const char *what, int64_t bytes)
{
	if (!bytes)
		return arg;
	int ws = !strcmp(what, "ws");
	char gname[strlen(name) + sizeof(".workspace")], label[32];
	snprintf(gname, sizeof gname, "%s.%s", name, ws ? "workspace" : what);
	LLVMValueRef slot = LLVMAddGlobal(e->m, e->ptr, gname);
	LLVMSetLinkage(slot, LLVMInternalLinkage);
	LLVMSetInitializer(slot, LLVMConstNull(e->ptr));
	LLVMTypeRef once_params[2] = {e->ptr, e->i64};
	LLVMTypeRef once_type = LLVMFunctionType(e->ptr, once_params, 2, 0);
	LLVMValueRef once = LLVMGetNamedFunction(e->m, "rt_workspace_once");
	if (!once)
		once = LLVMAddFunction(e->m, "rt_workspace_once", once_type);
	LLVMBasicBlockRef entry = LLVMGetInsertBlock(e->b);
	snprintf(label, sizeof label, "%s.alloc", what);
	LLVMBasicBlockRef alloc = block(e, label);
	snprintf(label, sizeof label, "%s.failed", what);
	LLVMBasicBlockRef failed = block(e, label);
	snprintf(label, sizeof label, "%s.ready", what);
	LLVMBasicBlockRef ready = block(e, label);
	snprintf(label, sizeof label, "%s.none", what);
	LLVMValueRef none = LLVMBuildICmp(e->b, LLVMIntEQ, arg, LLVMConstNull(e->ptr), label);
	LLVMBuildCondBr(e->b, none, alloc, ready);
	LLVMPositionBuilderAtEnd(e->b, alloc);
	LLVMValueRef args[2] = {slot, LLVMConstInt(e->i64, (unsigned long long)bytes, 0)};
	snprintf(label, sizeof label, "%s.own", what);
	LLVMValueRef own = LLVMBuildCall2(e->b, once_type, once, args, 2, label);
	LLVMBuildCondBr(e->b, LLVMBuildICmp(e->b, LLVMIntEQ, own, LLVMConstNull(e->ptr), ""),
	                failed, ready);
	LLVMPositionBuilderAtEnd(e->b, failed);
	LLVMBuildRet(e->b, LLVMConstInt(e->i32, 1, 0));
	LLVMPositionBuilderAtEnd(e->b, ready);
	LLVMValueRef buf = LLVMBuildPhi(e->b, e->ptr, what);
	LLVMValueRef vals[2] = {arg, own};
	LLVMBasicBlockRef from[2] = {entry, alloc};
	LLVMAddIncoming(buf, vals, from, 2);
	return buf;
}

/* Stores the count "count" holds into "*moved" unless "moved" is NULL. */
static void store_moved(emitter *e, LLVMValueRef moved, LLVMValueRef count)
{
	LLVMBasicBlockRef set = block(e, "moved.set"), go = block(e, "moved.done");
	LLVMBuildCondBr(e->b, LLVMBuildICmp(e->b, LLVMIntEQ, moved, LLVMConstNull(e->ptr), ""),
	                go, set);
	LLVMPositionBuilderAtEnd(e->b, set);
	LLVMBuildStore(e->b, LLVMBuildLoad2(e->b, e->i64, count, "moved.bytes"), moved);
	LLVMBuildBr(e->b, go);
	LLVMPositionBuilderAtEnd(e->b, go);
}

/* The body of NAME_slow: buffers, then every step with its copies, which
 * count the bytes they move in a local stored into "moved" at the end; for
 * a graph with a size 0, zeros into "out" instead of the steps. */
static void emit_body(emitter *e, const einc_program *p, const char *name)
{
	unsigned n = (unsigned)p->graph->ninputs;
	LLVMPositionBuilderAtEnd(e->b, block(e, "entry"));
	LLVMValueRef count = LLVMBuildAlloca(e->b, e->i64, "moved.count");
	LLVMBuildStore(e->b, LLVMConstInt(e->i64, 0, 0), count);
	LLVMValueRef ws = find_buffer(e, name, LLVMGetParam(e->fn, n + 1), "ws",
	                              p->loops->workspace_bytes);
	LLVMValueRef slow = find_buffer(e, name, LLVMGetParam(e->fn, n + 2), "slow",
	                                p->loops->slow_bytes);
	const ir_graph *g = p->graph;
	if (g->empty_dims) /* an index of size 0: the result is zeros, no step runs */
		LLVMBuildMemSet(e->b, LLVMGetParam(e->fn, 0), LLVMConstInt(e->i8, 0, 0),
		                LLVMConstInt(e->i64, (unsigned long long)ir_graph_elems(g, -1) *
		                             (g->dtype == EINC_F64 ? 8 : 4), 0), 1);
	for (int s = 0; !g->empty_dims && s < p->loops->nsteps && !e->status; s++) {
		emit_copies(e, &p->loops->steps[s], ws, slow, count);
		emit_step(e, s, &p->loops->steps[s], ws);
	}
	if (e->status)
		return;
	store_moved(e, LLVMGetParam(e->fn, n + 3), count);
	LLVMBuildRet(e->b, LLVMConstInt(e->i32, 0, 0));
}

/* Ends the current function with a call of "callee" on "args" ("n" of
 * them) that returns its result. */
static void emit_tail_call(emitter *e, LLVMValueRef callee, LLVMValueRef *args, unsigned n)
{
	LLVMValueRef r = LLVMBuildCall2(e->b, LLVMGlobalGetValueType(callee), callee, args, n, "r");
	LLVMBuildRet(e->b, r);
}

/* int NAME(T *out, const T *in0, ..., void *ws): NAME_slow with its own
 * slow buffer and no count. */
static void emit_plain_entry(emitter *e, const einc_program *p, const char *name,
                             LLVMTargetMachineRef tm, LLVMValueRef full)
{
	int n = p->graph->ninputs;
	LLVMValueRef fn = declare_entry(e, p, name, tm, 0);
	LLVMPositionBuilderAtEnd(e->b, LLVMAppendBasicBlockInContext(e->c, fn, "entry"));
	LLVMValueRef args[n + 4];
	for (int k = 0; k < n + 2; k++)
		args[k] = LLVMGetParam(fn, (unsigned)k);
	args[n + 2] = args[n + 3] = LLVMConstNull(e->ptr);
	emit_tail_call(e, full, args, (unsigned)n + 4);
}

/* int NAME.argv(T *out, const T *const *in, void *ws, void *slow,
 * int64_t *moved): the JIT's entry, which unpacks "in" and calls
 * NAME_slow. */
static void emit_argv_entry(emitter *e, const char *name, int n, LLVMValueRef full)
{
	char aname[strlen(name) + sizeof(".argv")];
	snprintf(aname, sizeof aname, "%s.argv", name);
	LLVMTypeRef params[5] = {e->ptr, e->ptr, e->ptr, e->ptr, e->ptr};
	LLVMValueRef fn = LLVMAddFunction(e->m, aname, LLVMFunctionType(e->i32, params, 5, 0));
	LLVMPositionBuilderAtEnd(e->b, LLVMAppendBasicBlockInContext(e->c, fn, "entry"));
	LLVMValueRef args[n + 4];
	args[0] = LLVMGetParam(fn, 0);
	for (int k = 0; k < n; k++) {
		LLVMValueRef idx = LLVMConstInt(e->i64, (unsigned long long)k, 0);
		LLVMValueRef slot = LLVMBuildInBoundsGEP2(e->b, e->ptr, LLVMGetParam(fn, 1), &idx, 1, "");
		args[k + 1] = LLVMBuildLoad2(e->b, e->ptr, slot, "in");
	}
	for (int k = 0; k < 3; k++)
		args[n + 1 + k] = LLVMGetParam(fn, 2 + (unsigned)k);
	emit_tail_call(e, full, args, (unsigned)n + 4);
}

/* Builds the whole module, then verifies it. */
einc_status cg_emit_module(einc_ctx *ctx, const einc_program *p, LLVMContextRef c,
                           LLVMTargetMachineRef tm, const char *name,
                           int argv_entry, LLVMModuleRef *out)
{
	emitter e = {.ctx = ctx, .c = c, .vector_bits = cg_vector_bits(tm),
	             .threads = p->options.threads};
	e.m = LLVMModuleCreateWithNameInContext(name, c);
	LLVMSetSourceFileName(e.m, name, strlen(name));
	if (tm) {
		char *triple = LLVMGetTargetMachineTriple(tm);
		LLVMSetTarget(e.m, triple);
		LLVMDisposeMessage(triple);
		LLVMTargetDataRef dl = LLVMCreateTargetDataLayout(tm);
		LLVMSetModuleDataLayout(e.m, dl);
		LLVMDisposeTargetData(dl);
	}
	e.b = LLVMCreateBuilderInContext(c);
	e.i8 = LLVMInt8TypeInContext(c);
	e.i32 = LLVMInt32TypeInContext(c);
	e.i64 = LLVMInt64TypeInContext(c);
	e.ptr = LLVMPointerTypeInContext(c, 0);
	e.elem = p->graph->dtype == EINC_F64 ? LLVMDoubleTypeInContext(c) : LLVMFloatTypeInContext(c);
	char full[strlen(name) + sizeof("_slow")];
	snprintf(full, sizeof full, "%s_slow", name);
	e.fn = declare_entry(&e, p, full, tm, 1);
	emit_body(&e, p, name);
	if (!e.status) {
		emit_plain_entry(&e, p, name, tm, e.fn);
		if (argv_entry)
			emit_argv_entry(&e, name, p->graph->ninputs, e.fn);
	}
	LLVMDisposeBuilder(e.b);
	free(e.ids);
	free(e.vals);
	char *msg = NULL;
	if (!e.status && LLVMVerifyModule(e.m, LLVMReturnStatusAction, &msg))
		ctx_fail(ctx, EINC_EINTERNAL, "codegen", "invalid LLVM IR: %s", msg);
	LLVMDisposeMessage(msg);
	if (e.status || einc_ctx_status(ctx)) {
		LLVMDisposeModule(e.m);
		return einc_ctx_status(ctx);
	}
	*out = e.m;
	return EINC_OK;
}
