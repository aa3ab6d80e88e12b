/*
 * gemm.c - a GEMM-like step as LLVM IR: its einc_rt_gett descriptor (groups,
 * extents and strides, blocks, micro-kernels; runtime/gett.h) as constants,
 * and the call to the runtime's driver. The micro-kernel reading A in place
 * is emitted only for the steps the runtime's rule says it pays for.
 */
#include <stdio.h>

#include "cg.h"
#include "gett.h"

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

/* The element stride of A ("strides") along the flattened K group, dims
 * "k0 .. n-1" of extents "sizes", outer first; 0 when it is not one
 * uniform stride. */
static int64_t k_stride(const int64_t *sizes, const int64_t *strides, int k0, int n)
{
	for (int x = k0; x + 1 < n; x++)
		if (strides[x] != strides[x + 1] * sizes[x + 1])
			return 0;
	return strides[n - 1];
}

void cg_emit_gemm(LLVMModuleRef m, LLVMBuilderRef b, LLVMValueRef fn,
                  const loop_step *st, int s, int threads, int vector_bits,
                  LLVMTypeRef elem, LLVMValueRef base[3], LLVMValueRef ws)
{
	const loop_gemm *g = st->gemm;
	LLVMContextRef c = LLVMGetModuleContext(m);
	LLVMTypeRef i8 = LLVMInt8TypeInContext(c), i64 = LLVMInt64TypeInContext(c);
	LLVMTypeRef ptr = LLVMPointerTypeInContext(c, 0);
	int esize = (int)LLVMABISizeOfType(LLVMGetModuleDataLayout(m), elem), mr, nr, vl;
	cg_register_block(vector_bits, esize, g->n, &mr, &nr, &vl);
	size_t len;
	const char *fname = LLVMGetValueName2(fn, &len);
	char name[200];
	snprintf(name, sizeof name, "%.*s.gemm%d", (int)(len < 150 ? len : 150), fname, s);
	char kname[220];
	snprintf(kname, sizeof kname, "%s.ukernel", name);

	const loop_access *acc[3] = {&st->args[g->a], &st->args[!g->a], &st->result};
	int n = g->nb + g->nm + g->nn + g->nk;
	int64_t sizes[n + 1], strides[3 * n + 1];
	for (int x = 0; x < n; x++) {
		sizes[x] = st->sizes[g->dims[x]];
		for (int t = 0; t < 3; t++)
			strides[t * n + x] = acc[t]->strides[g->dims[x]];
	}
	/* one micro-kernel: on A in place where that pays, else on packed A */
	int64_t ks = k_stride(sizes, strides, n - g->nk, n);
	LLVMValueRef kernel = LLVMConstNull(ptr), direct = LLVMConstNull(ptr);
	if (einc_rt_gett_direct_pays(ks, g->n, g->nc, nr)) {
		snprintf(kname, sizeof kname, "%s.ukernel.direct", name);
		direct = cg_microkernel(m, elem, kname, mr, nr, vl, ks, fn);
	} else {
		kernel = cg_microkernel(m, elem, kname, mr, nr, vl, 0, fn);
	}
	LLVMValueRef fields[19];
	int64_t head[15] = {esize, g->batch, g->m, g->n, g->k, mr, nr, g->mc, g->nc, g->kc,
	                    threads, g->nb, g->nm, g->nn, g->nk};
	for (int f = 0; f < 15; f++)
		fields[f] = LLVMConstInt(i64, (unsigned long long)head[f], 0);
	fields[15] = const_array(m, sizes, n, name, "sizes");
	fields[16] = const_array(m, strides, 3 * n, name, "strides");
	fields[17] = kernel;
	fields[18] = direct;
	LLVMTypeRef types[19];
	for (int f = 0; f < 19; f++)
		types[f] = f < 15 ? i64 : ptr;
	LLVMTypeRef desc_type = LLVMStructTypeInContext(c, types, 19, 0);
	LLVMValueRef desc = LLVMAddGlobal(m, desc_type, name);
	LLVMSetInitializer(desc, LLVMConstNamedStruct(desc_type, fields, 19));
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
