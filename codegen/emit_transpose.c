/*
 * emit_transpose.c - a step that only copies its operand into a layout
 * whose unit-stride dim is another (passes/lower.c's copy_dims, such as
 * passes/relayout.c's copies), as one call of
 * the runtime's einc_rt_transpose_copy on the step's extents and strides,
 * or one call of einc_rt_transpose_copy_rows per task of its row chunks
 * (4- and 8-byte elements, which it moves in AVX2 vectors):
 * its blocks write whole cache lines, past the caches when large, where
 * LLVM's tiles of scalar moves took twice as long
 * (runtime/transpose_copy.c).
 */
#include <stdio.h>

#include "emitter.h"

/* A call of the runtime's copy for step "st" at the builder's position:
 * einc_rt_transpose_copy on the whole step when "lo" is NULL, else
 * einc_rt_transpose_copy_rows on the elements lo .. hi-1 along st->par's
 * dim. */
static void emit_copy_call(emitter *e, const loop_step *st, LLVMValueRef lo, LLVMValueRef hi)
{
	unsigned long long esize = LLVMABISizeOfType(LLVMGetModuleDataLayout(e->m), e->elem);
	int n = st->ndims;
	int64_t strides[2 * n + 1];
	for (int d = 0; d < n; d++) {
		strides[d] = st->result.strides[d];
		strides[n + d] = st->args[0].strides[d];
	}
	size_t len;
	const char *fname = LLVMGetValueName2(e->fn, &len);
	char name[200];
	snprintf(name, sizeof name, "%.*s.copy", (int)(len < 150 ? len : 150), fname);
	const char *callee = lo ? "einc_rt_transpose_copy_rows" : "einc_rt_transpose_copy";
	unsigned nparams = lo ? 11 : 8;
	LLVMTypeRef params[11] = {e->ptr, e->ptr, e->i64, e->i64, e->i64, e->i64,
	                          e->ptr, e->ptr, e->i64, e->i64, e->i64};
	LLVMTypeRef type = LLVMFunctionType(LLVMVoidTypeInContext(e->c), params, nparams, 0);
	LLVMValueRef fn = LLVMGetNamedFunction(e->m, callee);
	if (!fn)
		fn = LLVMAddFunction(e->m, callee, type);
	LLVMValueRef args[11] = {
		e->base[0], e->base[1], LLVMConstInt(e->i64, esize, 0),
		LLVMConstInt(e->i64, (unsigned long long)n, 0),
		LLVMConstInt(e->i64, (unsigned long long)st->copy_dims[0], 0),
		LLVMConstInt(e->i64, (unsigned long long)st->copy_dims[1], 0),
		cg_const_array(e->m, st->sizes, n, name, "sizes"),
		cg_const_array(e->m, strides, 2 * n, name, "strides"),
		LLVMConstInt(e->i64, (unsigned long long)st->par.dim, 0), lo, hi,
	};
	LLVMBuildCall2(e->b, type, fn, args, nparams, "");
}

int cg_emit_transpose_copy(emitter *e, const loop_step *st)
{
	unsigned long long esize = LLVMABISizeOfType(LLVMGetModuleDataLayout(e->m), e->elem);
	if (!ir_loop_step_runtime_copy(st, (int64_t)esize) || st->par.mode != LOOP_PAR_NONE)
		return 0;
	emit_copy_call(e, st, NULL, NULL);
	return 1;
}

void cg_emit_transpose_rows(emitter *e, const loop_step *st)
{
	LLVMValueRef unit = LLVMConstInt(e->i64, (unsigned long long)st->par.unit, 0);
	LLVMValueRef size = LLVMConstInt(e->i64, (unsigned long long)st->sizes[st->par.dim], 0);
	LLVMValueRef lo = LLVMBuildNSWMul(e->b, e->lo, unit, "copy.lo");
	LLVMValueRef hi = LLVMBuildNSWMul(e->b, e->hi, unit, "");
	hi = LLVMBuildSelect(e->b, LLVMBuildICmp(e->b, LLVMIntSLT, hi, size, ""), hi, size,
	                     "copy.hi");
	emit_copy_call(e, st, lo, hi);
}
