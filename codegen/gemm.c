/*
 * gemm.c - a GEMM-like step as LLVM IR: its einc_rt_gett descriptor (groups,
 * extents and strides, blocks, micro-kernels, small offset tables;
 * runtime/gett.h) as constants, and the call to the runtime's driver. The
 * blocks, and whether the micro-kernel reads A in place, are
 * passes/lower_gemm.c's.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "cg.h"
#include "gett.h"

/* einc_rt_gett_desc's fields in the order the descriptor constant lists them,
 * 8 bytes each; every position is checked against the struct. */
enum {
	DESC_ESIZE, DESC_BATCH, DESC_M, DESC_N, DESC_K, DESC_MR, DESC_NR, DESC_MC, DESC_NC,
	DESC_KC, DESC_THREADS, DESC_NDIMS, DESC_SIZES = DESC_NDIMS + 4, DESC_STRIDES,
	DESC_KERNEL, DESC_KERNEL_DIRECT, DESC_KIND, DESC_AHEAD, DESC_B_LANES, DESC_C_TRANSPOSED,
	DESC_HELD, DESC_TABLES, DESC_KERNEL_COPY, DESC_ROWS_FIRST, DESC_FIELDS
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
DESC_AT(kind, DESC_KIND);
DESC_AT(ahead, DESC_AHEAD);
DESC_AT(b_lanes, DESC_B_LANES);
DESC_AT(c_transposed, DESC_C_TRANSPOSED);
DESC_AT(held, DESC_HELD);
DESC_AT(tables, DESC_TABLES);
DESC_AT(kernel_copy, DESC_KERNEL_COPY);
DESC_AT(rows_first, DESC_ROWS_FIRST);
_Static_assert(sizeof(einc_rt_gett_desc) == DESC_FIELDS * 8, "einc_rt_gett_desc has other fields");
_Static_assert(offsetof(einc_rt_gett_fused_desc, side) == DESC_FIELDS * 8 &&
               offsetof(einc_rt_gett_fused_desc, strides) == DESC_FIELDS * 8 + 8 &&
               sizeof(einc_rt_gett_fused_desc) == DESC_FIELDS * 8 + 16,
               "einc_rt_gett_fused_desc is the descriptor, the side, the strides");

/* The internal constant "name" of type "type" holding "init". */
static LLVMValueRef const_global(LLVMModuleRef m, LLVMTypeRef type, LLVMValueRef init,
                                 const char *name)
{
	LLVMValueRef gv = LLVMAddGlobal(m, type, name);
	LLVMSetInitializer(gv, init);
	LLVMSetLinkage(gv, LLVMInternalLinkage);
	LLVMSetGlobalConstant(gv, 1);
	LLVMSetAlignment(gv, 8);
	return gv;
}

/* The internal constant i64 array NAME.SUFFIX holding "vals[0 .. n-1]",
 * built in "elems" (room for "n"). */
static LLVMValueRef const_array(LLVMModuleRef m, LLVMValueRef *elems, const int64_t *vals,
                                int64_t n, const char *name, const char *suffix)
{
	LLVMTypeRef i64 = LLVMInt64TypeInContext(LLVMGetModuleContext(m));
	for (int64_t x = 0; x < n; x++)
		elems[x] = LLVMConstInt(i64, (unsigned long long)vals[x], 1);
	LLVMValueRef init = LLVMConstArray2(i64, elems, (uint64_t)n);
	char gname[256];
	snprintf(gname, sizeof gname, "%s.%s", name, suffix);
	LLVMValueRef gv = const_global(m, LLVMTypeOf(init), init, gname);
	LLVMSetUnnamedAddr(gv, 1);
	return gv;
}

LLVMValueRef cg_const_array(LLVMModuleRef m, const int64_t *vals, int n,
                                const char *name, const char *suffix)
{
	LLVMValueRef elems[n + 1];
	return const_array(m, elems, vals, n, name, suffix);
}

/* Steps whose offset tables hold at most this many entries get them
 * computed by the compiler (einc_rt_gett_desc's "tables"), NAME.tables;
 * larger ones are computed by each call. */
#define GEMM_TABLES_MAX (1 << 13)

/* The offset tables of step "rd" beside fused operand "side" (second
 * factor's strides "fstrides") as NAME.tables, or a null pointer: too
 * many (GEMM_TABLES_MAX), or no memory to build them. */
static LLVMValueRef gemm_tables(LLVMModuleRef m, const einc_rt_gett_desc *rd, int64_t side,
                                const int64_t *fstrides, const char *name)
{
	int64_t n = einc_rt_gett_table_entries(rd, side, fstrides);
	int64_t *t = n <= GEMM_TABLES_MAX ? malloc((size_t)n * sizeof(int64_t)) : NULL;
	LLVMValueRef *elems = t ? malloc((size_t)n * sizeof(LLVMValueRef)) : NULL, gv;
	if (elems) {
		einc_rt_gett_tables(rd, side, fstrides, t);
		gv = const_array(m, elems, t, n, name, "tables");
	} else {
		gv = LLVMConstNull(LLVMPointerTypeInContext(LLVMGetModuleContext(m), 0));
	}
	free(elems);
	free(t);
	return gv;
}

/* The micro-kernel of "g" for "elem" of kind "kind" in "m":
 * KERNEL.ukernel.TYPE.MRxNR, or KERNEL.ukernel.direct.TYPE.MRxNR.strideS
 * when it reads A in place with element stride S, or, where "copy_b",
 * the twin on packed A that packs B, KERNEL.ukernel.copy.TYPE.MRxNR;
 * defined on first use, for the CPU and features of "fn". */
static LLVMValueRef microkernel(LLVMModuleRef m, LLVMValueRef fn, const char *kernel,
                                const loop_gemm *g, LLVMTypeRef elem, einc_dtype_kind_t kind,
                                int copy_b)
{
	char *type = LLVMPrintTypeToString(elem), name[256];
	int len = snprintf(name, sizeof name, "%.150s.ukernel%s.%s.%dx%d", kernel,
	                   g->a_stride ? ".direct" : copy_b ? ".copy" : "", type, g->mr, g->nr);
	LLVMDisposeMessage(type);
	if (g->a_stride)
		len += snprintf(name + len, sizeof name - (size_t)len, ".stride%lld%s",
		                (long long)g->a_stride,
		                g->a_sweep ? ".sweep" : g->a_held ? ".row" : g->a_next ? ".next" : "");
	if (g->a_sweep_next)
		snprintf(name + len, sizeof name - (size_t)len, ".next%lld.rows%lld",
		         (long long)g->a_sweep_next, (long long)g->mc);
	int a_fetch = g->a_sweep ? CG_A_FETCH_SWEEP : g->a_held ? CG_A_FETCH_ROW
	            : g->a_next ? CG_A_FETCH_NEXT : CG_A_FETCH_NONE;
	cg_sweep sweep = {g->a_sweep_next, g->mc};
	LLVMValueRef k = LLVMGetNamedFunction(m, name);
	return k ? k : cg_microkernel(m, elem, kind, name, g->mr, g->nr, g->vl, g->a_stride,
	                              a_fetch, sweep, copy_b, fn);
}

/* The descriptor of a step with a fused argument on "side"
 * (einc_rt_gett_fused_desc) around "gemm" (of type "gemm_type"):
 * NAME.fused, its second factor's strides "strides" ("n" of them) as
 * NAME.factor. */
static LLVMValueRef fused_desc(LLVMModuleRef m, int64_t side, const int64_t *strides,
                               LLVMTypeRef gemm_type, LLVMValueRef gemm, int n,
                               const char *name)
{
	LLVMContextRef c = LLVMGetModuleContext(m);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(c);
	LLVMValueRef fields[3] = {gemm, LLVMConstInt(i64, (unsigned long long)side, 0),
	                          cg_const_array(m, strides, n, name, "factor")};
	LLVMTypeRef types[3] = {gemm_type, i64, LLVMPointerTypeInContext(c, 0)};
	LLVMTypeRef type = LLVMStructTypeInContext(c, types, 3, 0);
	char fname[256];
	snprintf(fname, sizeof fname, "%s.fused", name);
	return const_global(m, type, LLVMConstNamedStruct(type, fields, 3), fname);
}

void cg_emit_gemm(LLVMModuleRef m, LLVMBuilderRef b, LLVMValueRef fn, const char *kernel,
                  const loop_step *st, int threads,
                  einc_dtype dtype, LLVMValueRef base[4], LLVMValueRef ws,
                  LLVMValueRef next)
{
	const loop_gemm *g = st->gemm;
	LLVMContextRef c = LLVMGetModuleContext(m);
	LLVMTypeRef i8 = LLVMInt8TypeInContext(c), i64 = LLVMInt64TypeInContext(c);
	LLVMTypeRef ptr = LLVMPointerTypeInContext(c, 0), elem = cg_dtype_part_type(c, dtype);
	einc_dtype_kind_t kind = cg_dtype_kind(dtype);
	int esize = (int)g->esize;
	size_t len;
	const char *fname = LLVMGetValueName2(fn, &len);
	char name[200];
	snprintf(name, sizeof name, "%.*s.gemm", (int)(len < 150 ? len : 150), fname);

	int n = g->nb + g->nm + g->nn + g->nk;
	int64_t sizes[n + 1], strides[3 * n + 1], fstrides[n + 1];
	einc_rt_gett_desc rd = lower_gemm_desc(g, kind, sizes, strides);
	int fused = st->fused_arg >= 0;
	int64_t side = !fused ? 0 : st->fused_arg == g->a ? RT_GETT_FUSED_A : RT_GETT_FUSED_B;
	for (int x = 0; fused && x < n; x++)
		fstrides[x] = st->factor.strides[g->dims[x]];
	/* one micro-kernel: on A in place where that pays, else on packed A;
	 * and its twin that packs B where lower_gemm says (b_copy) */
	LLVMValueRef kernel_fn = microkernel(m, fn, kernel, g, elem, kind, 0), null = LLVMConstNull(ptr);
	int64_t head[DESC_SIZES] = {
		[DESC_ESIZE] = esize, [DESC_BATCH] = g->batch, [DESC_M] = g->m, [DESC_N] = g->n,
		[DESC_K] = g->k, [DESC_MR] = g->mr, [DESC_NR] = g->nr, [DESC_MC] = g->mc,
		[DESC_NC] = g->nc, [DESC_KC] = g->kc, [DESC_THREADS] = threads,
		[DESC_NDIMS] = g->nb, [DESC_NDIMS + 1] = g->nm, [DESC_NDIMS + 2] = g->nn,
		[DESC_NDIMS + 3] = g->nk,
	};
	_Static_assert((int)EINC_RT_REAL == (int)EINC_KIND_REAL &&
	               (int)EINC_RT_COMPLEX == (int)EINC_KIND_COMPLEX &&
	               (int)EINC_RT_INT == (int)EINC_KIND_INT, "the runtime's kinds are einc.h's");
	LLVMValueRef fields[DESC_FIELDS];
	LLVMTypeRef types[DESC_FIELDS];
	for (int f = 0; f < DESC_SIZES; f++) {
		fields[f] = LLVMConstInt(i64, (unsigned long long)head[f], 0);
		types[f] = i64;
	}
	fields[DESC_SIZES] = cg_const_array(m, sizes, n, name, "sizes");
	fields[DESC_STRIDES] = cg_const_array(m, strides, 3 * n, name, "strides");
	fields[DESC_KERNEL] = g->a_stride ? null : kernel_fn;
	fields[DESC_KERNEL_DIRECT] = g->a_stride ? kernel_fn : null;
	for (int f = DESC_SIZES; f < DESC_KIND; f++)
		types[f] = ptr;
	fields[DESC_KIND] = LLVMConstInt(i64, (unsigned long long)kind, 0);
	types[DESC_KIND] = i64;
	fields[DESC_AHEAD] = LLVMConstInt(i64, (unsigned long long)g->a_ahead, 0);
	types[DESC_AHEAD] = i64;
	fields[DESC_B_LANES] = LLVMConstInt(i64, (unsigned long long)g->b_lanes, 0);
	types[DESC_B_LANES] = i64;
	fields[DESC_C_TRANSPOSED] = LLVMConstInt(i64, (unsigned long long)g->c_transposed, 0);
	types[DESC_C_TRANSPOSED] = i64;
	fields[DESC_HELD] = LLVMConstInt(i64, (unsigned long long)g->a_held, 0);
	types[DESC_HELD] = i64;
	fields[DESC_TABLES] = gemm_tables(m, &rd, side, fused ? fstrides : NULL, name);
	types[DESC_TABLES] = ptr;
	fields[DESC_KERNEL_COPY] = g->b_copy ? microkernel(m, fn, kernel, g, elem, kind, 1) : null;
	types[DESC_KERNEL_COPY] = ptr;
	fields[DESC_ROWS_FIRST] = LLVMConstInt(i64, (unsigned long long)g->rows_first, 0);
	types[DESC_ROWS_FIRST] = i64;
	LLVMTypeRef desc_type = LLVMStructTypeInContext(c, types, DESC_FIELDS, 0);
	LLVMValueRef init = LLVMConstNamedStruct(desc_type, fields, DESC_FIELDS), desc;
	if (fused)
		desc = fused_desc(m, side, fstrides, desc_type, init, n, name);
	else
		desc = const_global(m, desc_type, init, name);

	LLVMTypeRef params[7] = {ptr, ptr, ptr, ptr, ptr, ptr, i64};
	unsigned nparams = fused ? 6 : next ? 7 : 5;
	const char *driver = fused ? "einc_rt_gett_fused" : next ? "einc_rt_gett_next" : "einc_rt_gett";
	LLVMTypeRef gett_type = LLVMFunctionType(LLVMVoidTypeInContext(c), params, nparams, 0);
	LLVMValueRef gett = LLVMGetNamedFunction(m, driver);
	if (!gett)
		gett = LLVMAddFunction(m, driver, gett_type);
	LLVMValueRef off = LLVMConstInt(i64, (unsigned long long)g->scratch, 0);
	LLVMValueRef scratch = LLVMBuildInBoundsGEP2(b, i8, ws, &off, 1, "gemm.scratch");
	LLVMValueRef args[7] = {desc, base[0], base[1 + g->a], base[2 - g->a], base[3], scratch,
	                        LLVMConstInt(i64, (unsigned long long)st->next_bytes, 0)};
	if (!fused) {
		args[4] = scratch;
		args[5] = next;
	}
	LLVMBuildCall2(b, gett_type, gett, args, nparams, "");
}
