/*
 * gemm.c - a GEMM-like step as LLVM IR: its offset tables and rt_gett
 * descriptor as constants (runtime/gett.h), its micro-kernel, and the call
 * to the runtime's driver.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cg.h"
#include "ctx.h"
#include "gett.h"

/* Group "x" of "g" (0 batch, 1 M, 2 N, 3 K): its first dim and count. */
static const int *group(const loop_gemm *g, int x, int *n)
{
	int count[4] = {g->nb, g->nm, g->nn, g->nk};
	const int *d = g->dims;
	for (int y = 0; y < x; y++)
		d += count[y];
	*n = count[x];
	return d;
}

/* The constant table NAME.SUFFIX of the offsets "strides" gives every
 * flattened index of group "x" (first dim outermost); NULL when out of
 * memory. */
static LLVMValueRef offset_table(LLVMModuleRef m, const loop_step *st, int x,
                                 const int64_t *strides, const char *name, const char *suffix)
{
	int n;
	const int *d = group(st->gemm, x, &n);
	int64_t len = 1;
	for (int y = 0; y < n; y++)
		len *= st->sizes[d[y]];
	LLVMTypeRef i64 = LLVMInt64TypeInContext(LLVMGetModuleContext(m));
	LLVMValueRef *vals = malloc((size_t)len * sizeof(*vals));
	int64_t *coord = calloc((size_t)n + 1, sizeof(*coord));
	if (!vals || !coord) {
		free(vals);
		free(coord);
		return NULL;
	}
	int64_t off = 0;
	for (int64_t f = 0; f < len; f++) {
		vals[f] = LLVMConstInt(i64, (unsigned long long)off, 1);
		for (int y = n - 1; y >= 0; y--) {
			off += strides[d[y]];
			if (++coord[y] < st->sizes[d[y]])
				break;
			off -= coord[y] * strides[d[y]];
			coord[y] = 0;
		}
	}
	LLVMValueRef init = LLVMConstArray2(i64, vals, (uint64_t)len);
	free(vals);
	free(coord);
	char gname[256];
	snprintf(gname, sizeof gname, "%s.%s", name, suffix);
	LLVMValueRef gv = LLVMAddGlobal(m, LLVMTypeOf(init), gname);
	LLVMSetInitializer(gv, init);
	LLVMSetLinkage(gv, LLVMInternalLinkage);
	LLVMSetGlobalConstant(gv, 1);
	LLVMSetUnnamedAddr(gv, 1);
	LLVMSetAlignment(gv, 64);
	return gv;
}

einc_status cg_emit_gemm(einc_ctx *ctx, LLVMModuleRef m, LLVMBuilderRef b, LLVMValueRef fn,
                         const loop_step *st, int s, int threads, int vector_bits,
                         LLVMTypeRef elem, LLVMValueRef base[3], LLVMValueRef ws)
{
	const loop_gemm *g = st->gemm;
	LLVMContextRef c = LLVMGetModuleContext(m);
	LLVMTypeRef i8 = LLVMInt8TypeInContext(c), i64 = LLVMInt64TypeInContext(c);
	LLVMTypeRef ptr = LLVMPointerTypeInContext(c, 0);
	int esize = (int)LLVMABISizeOfType(LLVMGetModuleDataLayout(m), elem), mr, nr, vl;
	cg_register_block(vector_bits, esize, &mr, &nr, &vl);
	size_t len;
	const char *fname = LLVMGetValueName2(fn, &len);
	char name[200];
	snprintf(name, sizeof name, "%.*s.gemm%d", (int)(len < 150 ? len : 150), fname, s);
	char kname[220];
	snprintf(kname, sizeof kname, "%s.ukernel", name);
	LLVMValueRef kernel = cg_microkernel(m, elem, kname, mr, nr, vl, fn);

	const loop_access *acc[3] = {&st->args[g->a], &st->args[!g->a], &st->result};
	static const int groups[3][3] = {{0, 1, 3}, {0, 3, 2}, {0, 1, 2}};
	static const char *const suffix[3][3] = {
		{"a_b", "a_m", "a_k"}, {"b_b", "b_k", "b_n"}, {"c_b", "c_m", "c_n"}};
	LLVMValueRef fields[22];
	int64_t head[12] = {esize, g->batch, g->m, g->n, g->k, mr, nr, g->mc, g->nc, g->kc,
	                    g->mchunks, threads};
	for (int f = 0; f < 12; f++)
		fields[f] = LLVMConstInt(i64, (unsigned long long)head[f], 0);
	for (int t = 0; t < 3; t++)
		for (int x = 0; x < 3; x++)
			if (!(fields[12 + 3 * t + x] = offset_table(m, st, groups[t][x], acc[t]->strides,
			                                            name, suffix[t][x])))
				return ctx_fail(ctx, EINC_ENOMEM, "codegen", "out of memory");
	fields[21] = kernel;
	LLVMTypeRef types[22];
	for (int f = 0; f < 22; f++)
		types[f] = f < 12 ? i64 : ptr;
	LLVMTypeRef desc_type = LLVMStructTypeInContext(c, types, 22, 0);
	LLVMValueRef desc = LLVMAddGlobal(m, desc_type, name);
	LLVMSetInitializer(desc, LLVMConstNamedStruct(desc_type, fields, 22));
	LLVMSetLinkage(desc, LLVMInternalLinkage);
	LLVMSetGlobalConstant(desc, 1);
	LLVMSetAlignment(desc, 8);

	LLVMTypeRef params[5] = {ptr, ptr, ptr, ptr, ptr};
	LLVMTypeRef gett_type = LLVMFunctionType(LLVMVoidTypeInContext(c), params, 5, 0);
	LLVMValueRef gett = LLVMGetNamedFunction(m, "rt_gett");
	if (!gett)
		gett = LLVMAddFunction(m, "rt_gett", gett_type);
	LLVMValueRef off = LLVMConstInt(i64, (unsigned long long)g->scratch, 0);
	LLVMValueRef scratch = LLVMBuildInBoundsGEP2(b, i8, ws, &off, 1, "gemm.scratch");
	LLVMValueRef args[5] = {desc, base[0], base[1 + g->a], base[2 - g->a], scratch};
	LLVMBuildCall2(b, gett_type, gett, args, 5, "");
	return EINC_OK;
}
