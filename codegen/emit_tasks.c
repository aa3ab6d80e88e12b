/*
 * emit_tasks.c - a plain nest outlined into tasks for einc_rt_parallel_for:
 * chunks of its outermost loop, each writing its own rows, or each summing
 * into its own partial result that the caller adds up in task order.
 */
#include <stdio.h>

#include "emitter.h"

/* A loop "for (x = 0; x < n; x++)" at the builder's position: returns x
 * with the builder in the body; "*latch" gets what cg_end_loop needs. */
LLVMValueRef cg_begin_loop(emitter *e, int64_t n, LLVMBasicBlockRef latch[2])
{
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(e->b);
	LLVMBasicBlockRef head = cg_block(e, "loop"), body = cg_block(e, "loop.body");
	LLVMBuildBr(e->b, head);
	LLVMPositionBuilderAtEnd(e->b, head);
	LLVMValueRef x = LLVMBuildPhi(e->b, e->i64, "x");
	LLVMValueRef zero = LLVMConstInt(e->i64, 0, 0);
	LLVMAddIncoming(x, &zero, &pre, 1);
	latch[0] = head;
	latch[1] = cg_block(e, "loop.done");
	LLVMBuildCondBr(e->b, LLVMBuildICmp(e->b, LLVMIntSLT, x, LLVMConstInt(e->i64, (unsigned long long)n, 0), ""),
	                body, latch[1]);
	LLVMPositionBuilderAtEnd(e->b, body);
	return x;
}

/* Ends the loop of "x" begun by cg_begin_loop; the builder goes after it. */
void cg_end_loop(emitter *e, LLVMValueRef x, LLVMBasicBlockRef latch[2])
{
	LLVMValueRef next = LLVMBuildNSWAdd(e->b, x, LLVMConstInt(e->i64, 1, 0), "");
	LLVMBasicBlockRef from = LLVMGetInsertBlock(e->b);
	LLVMAddIncoming(x, &next, &from, 1);
	LLVMBuildBr(e->b, latch[0]);
	LLVMPositionBuilderAtEnd(e->b, latch[1]);
}

/* Element "i" (an i64 value) of the "e->elem" array at "base". */
LLVMValueRef cg_elem_at(emitter *e, LLVMValueRef base, LLVMValueRef i)
{
	return LLVMBuildInBoundsGEP2(e->b, e->elem, base, &i, 1, "");
}

/* result[x] = sum over t < ntasks, in order, of partial[t * n + x], for
 * x < n: the partial results of LOOP_PAR_SUMS tasks added up. */
static void add_partials(emitter *e, LLVMValueRef result, LLVMValueRef partial, int64_t n,
                         int64_t ntasks, unsigned align)
{
	LLVMBasicBlockRef outer[2];
	LLVMValueRef x = cg_begin_loop(e, n, outer);
	LLVMValueRef sum = LLVMBuildLoad2(e->b, e->elem, cg_elem_at(e, partial, x), "p");
	LLVMSetAlignment(sum, align);
	for (int64_t t = 1; t < ntasks; t++) {
		LLVMValueRef i = LLVMBuildNSWAdd(e->b, x, LLVMConstInt(e->i64, (unsigned long long)(t * n), 0), "");
		LLVMValueRef v = LLVMBuildLoad2(e->b, e->elem, cg_elem_at(e, partial, i), "p");
		LLVMSetAlignment(v, align);
		sum = cg_elem_add(e->b, e->dtype, sum, v, "sum");
	}
	LLVMSetAlignment(LLVMBuildStore(e->b, sum, cg_elem_at(e, result, x)), align);
	cg_end_loop(e, x, outer);
}

LLVMValueRef cg_task_function(emitter *e, const char *name)
{
	LLVMTypeRef params[3] = {e->ptr, e->i64, e->ptr};
	LLVMValueRef task = LLVMAddFunction(e->m, name, LLVMFunctionType(LLVMVoidTypeInContext(e->c),
	                                                                 params, 3, 0));
	LLVMSetLinkage(task, LLVMInternalLinkage);
	cg_add_attr(e, task, LLVMAttributeFunctionIndex, "nounwind");
	cg_copy_target_attrs(e->fn, task);
	return task;
}

LLVMValueRef cg_pointer_array(emitter *e, const LLVMValueRef *v, int n, const char *name)
{
	LLVMValueRef array = LLVMBuildArrayAlloca(e->b, e->ptr,
	                                          LLVMConstInt(e->i64, (unsigned long long)n, 0), name);
	for (int x = 0; x < n; x++) {
		LLVMValueRef i = LLVMConstInt(e->i64, (unsigned long long)x, 0);
		LLVMBuildStore(e->b, v[x], LLVMBuildInBoundsGEP2(e->b, e->ptr, array, &i, 1, ""));
	}
	return array;
}

void cg_load_pointers(emitter *e, LLVMValueRef array, int n, LLVMValueRef *v)
{
	for (int x = 0; x < n; x++) {
		LLVMValueRef i = LLVMConstInt(e->i64, (unsigned long long)x, 0);
		v[x] = LLVMBuildLoad2(e->b, e->ptr, LLVMBuildInBoundsGEP2(e->b, e->ptr, array, &i, 1, ""),
		                      "base");
	}
}

void cg_call_parallel_for(emitter *e, int64_t ntasks, LLVMValueRef task, LLVMValueRef arg,
                          LLVMValueRef scratch0, int64_t scratch_bytes)
{
	LLVMTypeRef params[6] = {e->i32, e->i64, e->ptr, e->ptr, e->ptr, e->i64};
	LLVMTypeRef type = LLVMFunctionType(LLVMVoidTypeInContext(e->c), params, 6, 0);
	LLVMValueRef pf = LLVMGetNamedFunction(e->m, "einc_rt_parallel_for");
	if (!pf)
		pf = LLVMAddFunction(e->m, "einc_rt_parallel_for", type);
	LLVMValueRef args[6] = {LLVMConstInt(e->i32, (unsigned long long)e->threads, 0),
	                        LLVMConstInt(e->i64, (unsigned long long)ntasks, 0), task, arg,
	                        scratch0, LLVMConstInt(e->i64, (unsigned long long)scratch_bytes, 0)};
	LLVMBuildCall2(e->b, type, pf, args, 6, "");
}

/*
 * Runs the nest of step "st" as its "st->par" tasks over chunks of its
 * outermost loop through einc_rt_parallel_for (a copy that the runtime
 * runs: its call on each chunk, cg_emit_transpose_rows): the nest goes into an
 * internal function FN.tasks(ctx, task, scratch), FN the step's function
 * (e->fn) and ctx holding the step's
 * base pointers. LOOP_PAR_ROWS: every element is computed by one task in the
 * nest's order. LOOP_PAR_SUMS: task t sums into its own zeroed partial result
 * in a stack array, and the caller adds the partials up in task order. So
 * the result does not depend on the threads.
 */
int cg_emit_parallel(emitter *e, const loop_step *st)
{
	int64_t extent = st->par.extent, ntasks = st->par.ntasks, chunk = st->par.chunk;
	size_t len;
	const char *fname = LLVMGetValueName2(e->fn, &len);
	char tname[len + sizeof(".tasks")];
	snprintf(tname, sizeof tname, "%s.tasks", fname);
	LLVMValueRef task = cg_task_function(e, tname);
	unsigned align = cg_dtype_align(e->dtype);
	int64_t esize = (int64_t)LLVMABISizeOfType(LLVMGetModuleDataLayout(e->m), e->elem);
	int64_t n = st->result_elems;

	LLVMValueRef partial = NULL, result = e->base[0];
	if (st->par.mode == LOOP_PAR_SUMS) {
		partial = LLVMBuildArrayAlloca(e->b, e->elem,
		                               LLVMConstInt(e->i64, (unsigned long long)(ntasks * n), 0),
		                               "partial");
		e->base[0] = partial;
	}
	LLVMValueRef ctx = cg_pointer_array(e, e->base, st->nargs + 1, "step.ctx");
	cg_call_parallel_for(e, ntasks, task, ctx, LLVMConstNull(e->ptr), 0);
	if (partial)
		add_partials(e, result, partial, n, ntasks, align);

	LLVMBasicBlockRef resume = LLVMGetInsertBlock(e->b);
	LLVMValueRef caller = e->fn;
	e->fn = task;
	LLVMPositionBuilderAtEnd(e->b, cg_block(e, "entry"));
	cg_load_pointers(e, LLVMGetParam(task, 0), st->nargs + 1, e->base);
	if (partial) {
		LLVMValueRef at = LLVMBuildNSWMul(e->b, LLVMGetParam(task, 1),
		                                  LLVMConstInt(e->i64, (unsigned long long)n, 0), "");
		e->base[0] = cg_elem_at(e, e->base[0], at);
		LLVMBuildMemSet(e->b, e->base[0], LLVMConstInt(e->i8, 0, 0),
		                LLVMConstInt(e->i64, (unsigned long long)(n * esize), 0), align);
	}
	LLVMValueRef c = LLVMConstInt(e->i64, (unsigned long long)chunk, 0);
	e->lo = LLVMBuildNSWMul(e->b, LLVMGetParam(task, 1), c, "lo");
	LLVMValueRef hi = LLVMBuildNSWAdd(e->b, e->lo, c, "");
	LLVMValueRef end = LLVMConstInt(e->i64, (unsigned long long)extent, 0);
	e->hi = LLVMBuildSelect(e->b, LLVMBuildICmp(e->b, LLVMIntSLT, hi, end, ""), hi, end, "hi");
	e->split = st->ast;
	int r = 0;
	if (ir_loop_step_runtime_copy(st, esize))
		cg_emit_transpose_rows(e, st);
	else
		r = cg_emit_node(e, st->ast);
	e->split = NULL;
	if (!r)
		LLVMBuildRetVoid(e->b);
	e->fn = caller;
	LLVMPositionBuilderAtEnd(e->b, resume);
	return r;
}
