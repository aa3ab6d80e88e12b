/*
 * gemm.c - a GEMM-like step as LLVM IR: its einc_rt_gett descriptor (groups,
 * extents and strides, blocks, micro-kernels; runtime/gett.h) as constants,
 * and the call to the runtime's driver. The blocks, and whether the
 * micro-kernel reads A in place, are passes/lower_gemm.c's.
 */
#include <stddef.h>
#include <stdio.h>

#include "cg.h"
#include "gett.h"

/* einc_rt_gett_desc's fields in the order the descriptor constant lists them,
 * 8 bytes each; every position is checked against the struct. */
enum {
	DESC_ESIZE, DESC_BATCH, DESC_M, DESC_N, DESC_K, DESC_MR, DESC_NR, DESC_MC, DESC_NC,
	DESC_KC, DESC_THREADS, DESC_NDIMS, DESC_SIZES = DESC_NDIMS + 4, DESC_STRIDES,
	DESC_KERNEL, DESC_KERNEL_DIRECT, DESC_FIELDS
};
#define DESC_AT(field, pos)                                                           \
	_Static_assert(offsetof(einc_rt_gett_desc, field) == (pos) * 8,                          \
	               "einc_rt_gett_desc." #field " is not where the descriptor constant puts it")
DESC_AT(esize, DESC_ESIZE);
DESC_AT(batch, DESC_BATCH);
DESC_AT(m, DESC_M);
DESC_AT(n, DESC_N);
DESC_AT(k, DESC_K);
DESC_AT(mr, DESC_MR);
DESC_AT(nr, DESC_NR);
DESC_AT(mc, DESC_MC);
DESC_AT(nc, DESC_NC);
DESC_AT(kc, DESC_KC);
DESC_AT(threads, DESC_THREADS);
DESC_AT(ndims, DESC_NDIMS);
DESC_AT(sizes, DESC_SIZES);
DESC_AT(strides, DESC_STRIDES);
DESC_AT(kernel, DESC_KERNEL);
DESC_AT(kernel_direct, DESC_KERNEL_DIRECT);
_Static_assert(sizeof(einc_rt_gett_desc) == DESC_FIELDS * 8, "einc_rt_gett_desc has other fields");

/* The constant i64 array NAME.SUFFIX holding "vals[0 .. n-1]". */
static LLVMValueRef const_array(LLVMModuleRef m, const int64_t *vals, int n,
                                const char *name, const char *suffix)
{
	LLVMTypeRef i64 = LLVMInt64TypeInContext(LLVMGetModuleContext(m));
	LLVMValueRef elems[n + 1];
	for (int x = 0; x < n; x++)
		elems[x] = LLVMConstInt(i64, (unsigned long long)vals[x], 1);
	LLVMValueRef init = LLVMConstArray2(i64, elems, (uint64_t)n);
	char gname[256];
	snprintf(gname, sizeof gname, "%s.%s", name, suffix);
	LLVMValueRef gv = LLVMAddGlobal(m, LLVMTypeOf(init), gname);
	LLVMSetInitializer(gv, init);
	LLVMSetLinkage(gv, LLVMInternalLinkage);
	LLVMSetGlobalConstant(gv, 1);
	LLVMSetUnnamedAddr(gv, 1);
	LLVMSetAlignment(gv, 8);
	return gv;
}

/* The micro-kernel of "g" for "elem" in "m": KERNEL.ukernel.TYPE.MRxNR, or
 * KERNEL.ukernel.direct.TYPE.MRxNR.strideS when it reads A in place with
 * element stride S; defined on first use, for the CPU and features of "fn". */
static LLVMValueRef microkernel(LLVMModuleRef m, LLVMValueRef fn, const char *kernel,
                                const loop_gemm *g, LLVMTypeRef elem)
{
	char *type = LLVMPrintTypeToString(elem), name[256];
	int len = snprintf(name, sizeof name, "%.150s.ukernel%s.%s.%dx%d", kernel,
	                   g->a_stride ? ".direct" : "", type, g->mr, g->nr);
	LLVMDisposeMessage(type);
	if (g->a_stride)
		snprintf(name + len, sizeof name - (size_t)len, ".stride%lld", (long long)g->a_stride);
	LLVMValueRef k = LLVMGetNamedFunction(m, name);
	return k ? k : cg_microkernel(m, elem, name, g->mr, g->nr, g->vl, g->a_stride, fn);
}

void cg_emit_gemm(LLVMModuleRef m, LLVMBuilderRef b, LLVMValueRef fn, const char *kernel,
                  const loop_step *st, int threads,
                  LLVMTypeRef elem, LLVMValueRef base[3], LLVMValueRef ws)
{
	const loop_gemm *g = st->gemm;
	LLVMContextRef c = LLVMGetModuleContext(m);
	LLVMTypeRef i8 = LLVMInt8TypeInContext(c), i64 = LLVMInt64TypeInContext(c);
	LLVMTypeRef ptr = LLVMPointerTypeInContext(c, 0);
	int esize = (int)LLVMABISizeOfType(LLVMGetModuleDataLayout(m), elem);
	size_t len;
	const char *fname = LLVMGetValueName2(fn, &len);
	char name[200];
	snprintf(name, sizeof name, "%.*s.gemm", (int)(len < 150 ? len : 150), fname);

	const loop_access *acc[3] = {&st->args[g->a], &st->args[!g->a], &st->result};
	int n = g->nb + g->nm + g->nn + g->nk;
	int64_t sizes[n + 1], strides[3 * n + 1];
	for (int x = 0; x < n; x++) {
		sizes[x] = st->sizes[g->dims[x]];
		for (int t = 0; t < 3; t++)
			strides[t * n + x] = acc[t]->strides[g->dims[x]];
	}
	/* one micro-kernel: on A in place where that pays, else on packed A */
	LLVMValueRef kernel_fn = microkernel(m, fn, kernel, g, elem), null = LLVMConstNull(ptr);
	int64_t head[DESC_SIZES] = {
		[DESC_ESIZE] = esize, [DESC_BATCH] = g->batch, [DESC_M] = g->m, [DESC_N] = g->n,
		[DESC_K] = g->k, [DESC_MR] = g->mr, [DESC_NR] = g->nr, [DESC_MC] = g->mc,
		[DESC_NC] = g->nc, [DESC_KC] = g->kc, [DESC_THREADS] = threads,
		[DESC_NDIMS] = g->nb, [DESC_NDIMS + 1] = g->nm, [DESC_NDIMS + 2] = g->nn,
		[DESC_NDIMS + 3] = g->nk,
	};
	LLVMValueRef fields[DESC_FIELDS];
	LLVMTypeRef types[DESC_FIELDS];
	for (int f = 0; f < DESC_SIZES; f++) {
		fields[f] = LLVMConstInt(i64, (unsigned long long)head[f], 0);
		types[f] = i64;
	}
	fields[DESC_SIZES] = const_array(m, sizes, n, name, "sizes");
	fields[DESC_STRIDES] = const_array(m, strides, 3 * n, name, "strides");
	fields[DESC_KERNEL] = g->a_stride ? null : kernel_fn;
	fields[DESC_KERNEL_DIRECT] = g->a_stride ? kernel_fn : null;
	for (int f = DESC_SIZES; f < DESC_FIELDS; f++)
		types[f] = ptr;
	LLVMTypeRef desc_type = LLVMStructTypeInContext(c, types, DESC_FIELDS, 0);
	LLVMValueRef desc = LLVMAddGlobal(m, desc_type, name);
	LLVMSetInitializer(desc, LLVMConstNamedStruct(desc_type, fields, DESC_FIELDS));
	LLVMSetLinkage(desc, LLVMInternalLinkage);
	LLVMSetGlobalConstant(desc, 1);
	LLVMSetAlignment(desc, 8);

	LLVMTypeRef params[5] = {ptr, ptr, ptr, ptr, ptr};
	LLVMTypeRef gett_type = LLVMFunctionType(LLVMVoidTypeInContext(c), params, 5, 0);
	LLVMValueRef gett = LLVMGetNamedFunction(m, "einc_rt_gett");
	if (!gett)
		gett = LLVMAddFunction(m, "einc_rt_gett", gett_type);
	LLVMValueRef off = LLVMConstInt(i64, (unsigned long long)g->scratch, 0);
	LLVMValueRef scratch = LLVMBuildInBoundsGEP2(b, i8, ws, &off, 1, "gemm.scratch");
	LLVMValueRef args[5] = {desc, base[0], base[1 + g->a], base[2 - g->a], scratch};
	LLVMBuildCall2(b, gett_type, gett, args, 5, "");
}
