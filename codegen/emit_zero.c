/*
 * emit_zero.c - zeroing an array that is not dense (the output at the
 * caller's strides, einc_compile_strided) element by element: one loop per
 * axis, where a dense result takes one memset.
 */
#include "emitter.h"

/* Zeroes each element of "dims" at "strides" from "base": nested loops,
 * the first axis outermost; an axis at stride 0 holds the same elements
 * and gets no loop. */
void cg_zero_strided(emitter *e, LLVMValueRef base, int rank, const int64_t *dims,
                     const int64_t *strides)
{
	LLVMValueRef x[rank + 1];
	LLVMBasicBlockRef latch[rank + 1][2];
	LLVMValueRef off = LLVMConstInt(e->i64, 0, 0);
	for (int a = 0; a < rank; a++) {
		if (!strides[a])
			continue;
		x[a] = cg_begin_loop(e, dims[a], latch[a]);
		LLVMValueRef s = LLVMConstInt(e->i64, (unsigned long long)strides[a], 1);
		off = LLVMBuildNSWAdd(e->b, off, LLVMBuildNSWMul(e->b, x[a], s, ""), "");
	}
	LLVMSetAlignment(LLVMBuildStore(e->b, LLVMConstNull(e->elem), cg_elem_at(e, base, off)),
	                 cg_dtype_align(e->dtype));
	for (int a = rank - 1; a >= 0; a--)
		if (strides[a])
			cg_end_loop(e, x[a], latch[a]);
}
