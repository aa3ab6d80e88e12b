/*
 * emit_transpose.c - a step that only copies its operand into a layout
 * whose unit-stride dim is another (passes/lower.c's copy_dims, such as
 * passes/relayout.c's copies), as one call of
 * the runtime's einc_rt_transpose_copy on the step's extents and strides
 * (4- and 8-byte elements, which it moves in AVX2 vectors):
 * its blocks write whole cache lines, past the caches when large, where
 * LLVM's tiles of scalar moves took twice as long
 * (runtime/transpose_copy.c).
 */
#include <stdio.h>

#include "emitter.h"

int cg_emit_transpose_copy(emitter *e, const loop_step *st)
{
	unsigned long long esize = LLVMABISizeOfType(LLVMGetModuleDataLayout(e->m), e->elem);
	if (!ir_loop_step_runtime_copy(st, (int64_t)esize))
		return 0;
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
	LLVMTypeRef params[8] = {e->ptr, e->ptr, e->i64, e->i64, e->i64, e->i64, e->ptr, e->ptr};
	LLVMTypeRef type = LLVMFunctionType(LLVMVoidTypeInContext(e->c), params, 8, 0);
	LLVMValueRef fn = LLVMGetNamedFunction(e->m, "einc_rt_transpose_copy");
	if (!fn)
		fn = LLVMAddFunction(e->m, "einc_rt_transpose_copy", type);
	LLVMValueRef args[8] = {
		e->base[0], e->base[1], LLVMConstInt(e->i64, esize, 0),
		LLVMConstInt(e->i64, (unsigned long long)n, 0),
		LLVMConstInt(e->i64, (unsigned long long)st->copy_dims[0], 0),
		LLVMConstInt(e->i64, (unsigned long long)st->copy_dims[1], 0),
		cg_const_array(e->m, st->sizes, n, name, "sizes"),
		cg_const_array(e->m, strides, 2 * n, name, "strides"),
	};
	LLVMBuildCall2(e->b, type, fn, args, 8, "");
	return 1;
}
