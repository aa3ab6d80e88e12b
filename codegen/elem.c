/*
 * elem.c - elements in LLVM IR: the type of an element of each dtype and
 * its multiply and add, built from the dtype table's kind and part bytes
 * (ir/dtype.h). A real is a float or double; a complex is an array of two
 * (real, imaginary: numpy's interleaved layout), multiplied as
 * (a + bi)(c + di) = (ac - bd) + (ad + bc)i; an integer is an i32 or i64
 * whose multiply and add wrap around (no nsw, as numpy's). Float operations
 * may be reassociated and contracted into fused multiply-adds.
 */
#include "cg.h"
#include "dtype.h"

/* The LLVM type of one part (a real, or half a complex) of "d". */
static LLVMTypeRef part_type(LLVMContextRef c, const ir_dtype_info *d)
{
	if (d->kind == EINC_KIND_INT)
		return LLVMIntTypeInContext(c, 8 * (unsigned)d->part_bytes);
	return d->part_bytes == 8 ? LLVMDoubleTypeInContext(c) : LLVMFloatTypeInContext(c);
}

LLVMTypeRef cg_dtype_type(LLVMContextRef c, einc_dtype dtype)
{
	const ir_dtype_info *d = ir_dtype(dtype);
	LLVMTypeRef part = part_type(c, d);
	return d->kind == EINC_KIND_COMPLEX ? LLVMArrayType2(part, 2) : part;
}

LLVMTypeRef cg_dtype_part_type(LLVMContextRef c, einc_dtype dtype)
{
	return part_type(c, ir_dtype(dtype));
}

einc_dtype_kind_t cg_dtype_kind(einc_dtype dtype)
{
	return ir_dtype(dtype)->kind;
}

unsigned cg_dtype_align(einc_dtype dtype)
{
	return (unsigned)ir_dtype(dtype)->part_bytes;
}

/* Marks "v" (a float multiply or add) reassociable and contractible, so
 * LLVM may vectorize a reduction and fuse the multiply-add. */
static LLVMValueRef relaxed(LLVMValueRef v)
{
	LLVMSetFastMathFlags(v, LLVMFastMathAllowReassoc | LLVMFastMathAllowContract);
	return v;
}

/* x * y (mul) or x + y of two parts of kind "kind", named "name". */
static LLVMValueRef part_op(LLVMBuilderRef b, einc_dtype_kind_t kind, int mul, LLVMValueRef x,
                            LLVMValueRef y, const char *name)
{
	if (kind == EINC_KIND_INT)
		return mul ? LLVMBuildMul(b, x, y, name) : LLVMBuildAdd(b, x, y, name);
	return relaxed(mul ? LLVMBuildFMul(b, x, y, name) : LLVMBuildFAdd(b, x, y, name));
}

/* The complex {re, im} of "like"'s type, named "name". */
static LLVMValueRef complex_value(LLVMBuilderRef b, LLVMValueRef like, LLVMValueRef re,
                                  LLVMValueRef im, const char *name)
{
	LLVMValueRef v = LLVMGetUndef(LLVMTypeOf(like));
	v = LLVMBuildInsertValue(b, v, re, 0, "");
	return LLVMBuildInsertValue(b, v, im, 1, name);
}

LLVMValueRef cg_elem_mul(LLVMBuilderRef b, einc_dtype dtype, LLVMValueRef x, LLVMValueRef y,
                         const char *name)
{
	einc_dtype_kind_t kind = ir_dtype(dtype)->kind;
	if (kind != EINC_KIND_COMPLEX)
		return part_op(b, kind, 1, x, y, name);
	LLVMValueRef xr = LLVMBuildExtractValue(b, x, 0, ""), xi = LLVMBuildExtractValue(b, x, 1, "");
	LLVMValueRef yr = LLVMBuildExtractValue(b, y, 0, ""), yi = LLVMBuildExtractValue(b, y, 1, "");
	LLVMValueRef re = relaxed(LLVMBuildFSub(b, part_op(b, kind, 1, xr, yr, ""),
	                                        part_op(b, kind, 1, xi, yi, ""), ""));
	LLVMValueRef im = part_op(b, kind, 0, part_op(b, kind, 1, xr, yi, ""),
	                          part_op(b, kind, 1, xi, yr, ""), "");
	return complex_value(b, x, re, im, name);
}

LLVMValueRef cg_elem_add(LLVMBuilderRef b, einc_dtype dtype, LLVMValueRef x, LLVMValueRef y,
                         const char *name)
{
	einc_dtype_kind_t kind = ir_dtype(dtype)->kind;
	if (kind != EINC_KIND_COMPLEX)
		return part_op(b, kind, 0, x, y, name);
	LLVMValueRef parts[2];
	for (unsigned q = 0; q < 2; q++)
		parts[q] = part_op(b, kind, 0, LLVMBuildExtractValue(b, x, q, ""),
		                   LLVMBuildExtractValue(b, y, q, ""), "");
	return complex_value(b, x, parts[0], parts[1], name);
}
