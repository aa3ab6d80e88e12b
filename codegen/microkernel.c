/*
 * microkernel.c - the register-blocked GEMM micro-kernel as LLVM vector IR
 * (runtime/gett.h's einc_rt_ukernel, or einc_rt_ukernel_direct): an MR x NR block of
 * C held in MR x NR/VL vector accumulators across the k loop, one rank-1
 * update per k (NR/VL vector loads of B, MR broadcasts of A, fused
 * multiply-adds, or integer multiplies and adds that wrap), then stored to C's rows (first K block) or added to them.
 * A is either a packed micro-panel or read in place from the tensor, each
 * row at its own offset, along K with a constant stride; B's rows lie
 * "ldb" elements apart (a packed panel's NR, or its stride in place). The
 * block is passes/lower_gemm.c's, from the target's vector width. A held
 * step's kernel (einc_rt_ukernel_held) walks all the rows it is given, a
 * register block after the other, into the thread's buffer of sums, or
 * on the last K block, where it is given C's rows, into C. A copying
 * kernel (einc_rt_ukernel_copy) stores each B row it loads into the packed
 * micro-panel that the other register blocks of rows read.
 */
#include <string.h>

#include "cg.h"

/*
 * The rows of B (values of k) ahead of the k loop that it prefetches, one
 * line a row: B's micro-panel is meant to stay in L1, but beside the
 * stream of A's rows (as many bytes again for f64's 6 x 8 block) some of
 * it is lost and comes back from L2, or from L3 on a column of tiles' first
 * call. 8 rows are 8 rank-1 updates, about 50 cycles on an AVX2 core, an L2
 * or L3 hit's latency. Measured (perf_bench, 1 thread, best of 6-10
 * alternating, on a loaded machine): gemm 1024x2048x2048 f64 0.96x the
 * time, c128 gemm 1024^3 0.97-0.99x; f32 and c64 within the noise.
 */
#define PREFETCH_B_ROWS 8

/*
 * The cache lines ahead of a value of k along the first of A's rows that
 * a held step's micro-kernel prefetches (CG_A_FETCH_ROW): its rows run
 * with unit stride, each value of k's a run of memory that the next
 * register blocks read on, K's values far apart (a power of two apart
 * in ttm's view: they share one set of L1 and of L2, and the hardware's
 * prefetcher follows none of them far enough). Measured on znver5 in a
 * harness (ttm's ijk stored kji, 1 thread, against the library's twin):
 * 2 / 4 / 8 lines ahead alike, 16-32 worse, none 1.33x the twin against
 * 1.08-1.11x; docs/bench-views.md, run 24.
 */
#define PREFETCH_A_ROW_LINES 4

/*
 * The bytes ahead of a value of k along A's packed micro-panel that the
 * kernel prefetches, a line a value of k: the panel streams from L2 past
 * B's micro-panel, a new one every call, and the hardware's prefetcher
 * starts on each late (OpenBLAS's AVX-512 kernels prefetch their streamed
 * operand 384-448 bytes ahead). 8 values of k of f64's 6 x 16 block.
 * Measured on sapphirerapids (1 thread, wall, best of 6 alternating,
 * against OpenBLAS's SkylakeX kernels): gemm 1024^3 f64 1.048 -> 1.013x
 * OpenBLAS's time, 2000^3 1.074 -> 1.060x; f32 1.071 -> 1.033x, 1.106 ->
 * 1.095x; docs/bench-kernels.md, "Sapphire Rapids".
 */
#define PREFETCH_A_BYTES 384

/*
 * The bytes ahead along each of B's rows that a copying kernel
 * (einc_rt_ukernel_copy) prefetches, every line of the row's run: the
 * rows it reads in place lie far apart (else B would be read in place by
 * all), each a stream of its own that the hardware does not follow, and
 * the next calls read on along them. runtime/gett.c's copy_rows packs
 * such rows as far ahead (PACK_AHEAD_BYTES).
 */
#define COPY_B_AHEAD_BYTES 512

/* Element "i" of "base" ("elem"-typed). */
static LLVMValueRef at(LLVMBuilderRef b, LLVMTypeRef elem, LLVMValueRef base, LLVMValueRef i)
{
	return LLVMBuildInBoundsGEP2(b, elem, base, &i, 1, "");
}

/* A prefetch of the cache line at "p" into every cache level, for writing
 * when "write" is set. */
static void prefetch(LLVMModuleRef m, LLVMBuilderRef b, LLVMValueRef p, int write)
{
	LLVMContextRef ctx = LLVMGetModuleContext(m);
	LLVMTypeRef i32 = LLVMInt32TypeInContext(ctx), ptr = LLVMPointerTypeInContext(ctx, 0);
	unsigned id = LLVMLookupIntrinsicID("llvm.prefetch", 13);
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(m, id, &ptr, 1);
	/* read or write, locality 3 (keep in all levels), data cache */
	LLVMValueRef args[4] = {p, LLVMConstInt(i32, (unsigned)write, 0), LLVMConstInt(i32, 3, 0),
	                        LLVMConstInt(i32, 1, 0)};
	LLVMBuildCall2(b, LLVMIntrinsicGetType(ctx, id, &ptr, 1), fn, args, 4, "");
}

/* Prefetches, for writing, every cache line of the "mr" rows of C's block
 * ("nr" elements of "esize" bytes from "c" plus each row's offset in
 * "rows"): they are read and written after the k loop, and a tile of a
 * large C is in no cache by then; fetched during the loop, its misses
 * overlap the arithmetic instead of following it (BLIS's kernels do the
 * same). Measured (einc --run, best of 6, alternating, 1 thread, on a
 * loaded machine): gemm 1024^3 c128 0.90x the time, f64 1024x2048x2048
 * 0.82x, f32 0.92x; bmm 64x256^3 c128 (C in L2) 0.99x. */
static void prefetch_c(LLVMModuleRef m, LLVMBuilderRef b, LLVMTypeRef elem, unsigned esize,
                       int mr, int nr, LLVMValueRef c, LLVMValueRef rows)
{
	LLVMTypeRef i64 = LLVMInt64TypeInContext(LLVMGetModuleContext(m));
	int line = 64 / (int)esize;
	for (int i = 0; i < mr; i++) {
		LLVMValueRef ro = LLVMBuildLoad2(b, i64, at(b, i64, rows, LLVMConstInt(i64, (unsigned)i, 0)),
		                                 "row");
		LLVMSetAlignment(ro, 8);
		/* each line's first element, then the last (a row may straddle) */
		for (int e = 0; e < nr + line; e += line) {
			int x = e < nr ? e : nr - 1;
			prefetch(m, b, at(b, elem, c, LLVMBuildNSWAdd(b, ro, LLVMConstInt(i64, (unsigned)x, 0), "")), 1);
		}
	}
}

/*
 * The element that the micro-kernel "fn", reading A in place with element
 * stride "a_stride" along K (its rows A's M, of unit stride, K's stride M:
 * a K block of kc values is one run of memory, the next block the run
 * after it), prefetches at value "k" of its loop where it sweeps A's next
 * block (loop_gemm's a_sweep): the block's M / "mr" calls each take their
 * rows' share of it, kc * mr elements from kc times the first row's offset,
 * mr elements a value of k. Where "sweep" names the next M block instead
 * (an M block of sweep.rows rows, one run of memory over the kc values of
 * its one K block, the next sweep.next elements on), the share lies at kc
 * times the row's place in its block, in the next block. Past A's end after
 * its last block: a plain (not inbounds) address, which a prefetch may name
 * without faulting.
 */
static LLVMValueRef sweep_line(LLVMBuilderRef b, LLVMTypeRef elem, LLVMValueRef fn, int mr,
                               int64_t a_stride, cg_sweep sweep, LLVMValueRef k)
{
	LLVMTypeRef i64 = LLVMTypeOf(k);
	LLVMValueRef row = LLVMBuildLoad2(b, i64, LLVMGetParam(fn, 2), "arow0");
	LLVMSetAlignment(row, 8);
	LLVMValueRef kc = LLVMGetParam(fn, 0), base;
	if (sweep.next) {
		/* the next M block's part at the row's place in its block */
		LLVMValueRef in = LLVMBuildURem(b, row, LLVMConstInt(i64, (unsigned long long)sweep.rows, 0), "");
		base = LLVMBuildAdd(b, LLVMBuildSub(b, row, in, ""),
		                    LLVMConstInt(i64, (unsigned long long)sweep.next, 0), "");
		base = LLVMBuildAdd(b, base, LLVMBuildMul(b, kc, in, ""), "");
	} else {
		LLVMValueRef next = LLVMBuildAdd(b, row, LLVMConstInt(i64, (unsigned long long)a_stride, 0), "");
		base = LLVMBuildMul(b, kc, next, "");
	}
	LLVMValueRef at = LLVMBuildAdd(b, base,
	                               LLVMBuildMul(b, k, LLVMConstInt(i64, (unsigned long long)mr, 0), ""),
	                               "sweep");
	return LLVMBuildGEP2(b, elem, LLVMGetParam(fn, 1), &at, 1, "a.sweep");
}

/*
 * The element that the micro-kernel "fn" reading A in place (unit stride
 * along K, its MR = "mr" rows one run of memory KC apart, K in one block:
 * loop_gemm's a_next) prefetches at value "k" of its loop: the next
 * register block's rows, the MR x KC elements after its own, swept MR
 * elements (a line at most: such blocks have 8 rows of f64 at most) a
 * value of k, so that the block has come from memory when the next call
 * reads it. The kernel's own rows are MR streams a few lines long each,
 * which the hardware's prefetcher picks up late or not at all. Past A's
 * end after its last block: a plain (not inbounds) address, which a
 * prefetch may name without faulting.
 */
static LLVMValueRef next_rows_line(LLVMBuilderRef b, LLVMTypeRef elem, LLVMValueRef fn, int mr,
                                   LLVMValueRef k)
{
	LLVMTypeRef i64 = LLVMTypeOf(k);
	LLVMValueRef row = LLVMBuildLoad2(b, i64, LLVMGetParam(fn, 2), "arow0");
	LLVMSetAlignment(row, 8);
	LLVMValueRef kc = LLVMGetParam(fn, 0);
	LLVMValueRef run = LLVMBuildMul(b, LLVMBuildAdd(b, kc, k, ""),
	                                LLVMConstInt(i64, (unsigned long long)mr, 0), "");
	LLVMValueRef e = LLVMBuildAdd(b, row, run, "next");
	return LLVMBuildGEP2(b, elem, LLVMGetParam(fn, 1), &e, 1, "a.rows");
}

/* The address of row "i" of a held kernel's rows "r0" on of "rows" (the
 * last block's rows past "rows" repeat its last, whose sums land in the
 * buffer's rounding): "base" plus aoff[min(r0 + i, rows - 1)] elements. */
static LLVMValueRef held_row(LLVMBuilderRef b, LLVMTypeRef elem, LLVMValueRef base,
                             LLVMValueRef aoff, LLVMValueRef r0, LLVMValueRef rows, int i)
{
	LLVMTypeRef i64 = LLVMTypeOf(r0);
	LLVMValueRef want = LLVMBuildNUWAdd(b, r0, LLVMConstInt(i64, (unsigned long long)i, 0), "");
	LLVMValueRef last = LLVMBuildSub(b, rows, LLVMConstInt(i64, 1, 0), "");
	LLVMValueRef in = LLVMBuildICmp(b, LLVMIntULT, want, rows, "");
	LLVMValueRef idx = LLVMBuildSelect(b, in, want, last, "");
	LLVMValueRef ro = LLVMBuildLoad2(b, i64, at(b, i64, aoff, idx), "arow");
	LLVMSetAlignment(ro, 8);
	return at(b, elem, base, ro);
}

LLVMValueRef cg_microkernel(LLVMModuleRef m, LLVMTypeRef elem, einc_dtype_kind_t kind,
                            const char *name, int mr, int nr, int vl, int64_t a_stride,
                            int a_fetch, cg_sweep sweep, int copy_b, LLVMValueRef like)
{
	int integer = kind == EINC_KIND_INT;
	LLVMContextRef c = LLVMGetModuleContext(m);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(c), ptr = LLVMPointerTypeInContext(c, 0);
	LLVMTypeRef vec = LLVMVectorType(elem, (unsigned)vl);
	/* (kc, a, [aoff,] b, ldb, c, rowoff, first): "direct" shifts the last
	 * five; a held kernel's (kc, a, aoff, rows, b, sums, first, c, coff);
	 * a copying kernel's (kc, a, b, ldb, c, rowoff, first, bpack) */
	int held = a_fetch == CG_A_FETCH_ROW;
	unsigned direct = a_stride != 0, np = 7 + direct - (unsigned)held;
	LLVMTypeRef params[10] = {i64, ptr, ptr, ptr, i64, ptr, ptr, i64};
	params[np - 4] = i64;
	params[np - 3] = ptr;
	params[np - 2] = ptr;
	params[np - 1] = i64;
	params[np] = params[np + 1] = ptr;
	LLVMValueRef fn = LLVMAddFunction(m, name, LLVMFunctionType(LLVMVoidTypeInContext(c),
	                                                           params,
	                                                           np + 2 * (unsigned)held + (unsigned)copy_b,
	                                                           0));
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	const char *nounwind = "nounwind";
	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
	                        LLVMCreateEnumAttribute(c, LLVMGetEnumAttributeKindForName(nounwind, 8), 0));
	cg_copy_target_attrs(like, fn);
	unsigned fmuladd_id = LLVMLookupIntrinsicID("llvm.fmuladd", 12);
	LLVMValueRef fma = integer ? NULL : LLVMGetIntrinsicDeclaration(m, fmuladd_id, &vec, 1);
	LLVMTypeRef fma_type = integer ? NULL : LLVMIntrinsicGetType(c, fmuladd_id, &vec, 1);
	unsigned esize = (unsigned)LLVMABISizeOfType(LLVMGetModuleDataLayout(m), elem);

	LLVMBuilderRef b = LLVMCreateBuilderInContext(c);
	LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(c, fn, "entry");
	/* a held kernel's register blocks of rows, one after the other */
	LLVMBasicBlockRef head = held ? LLVMAppendBasicBlockInContext(c, fn, "rows") : entry;
	LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(c, fn, "k");
	LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c, fn, "store");
	LLVMPositionBuilderAtEnd(b, entry);
	LLVMValueRef zero_k = LLVMConstInt(i64, 0, 0), r0 = zero_k, rows = NULL;
	LLVMValueRef to_c = NULL, ctab = NULL;
	if (held) {
		rows = LLVMGetParam(fn, 3);
		/* C's row offsets where "c" is set, else A's, which are always
		 * there: the store's address is chosen after the load */
		to_c = LLVMBuildIsNotNull(b, LLVMGetParam(fn, np), "to.c");
		ctab = LLVMBuildSelect(b, to_c, LLVMGetParam(fn, np + 1), LLVMGetParam(fn, 2), "ctab");
		LLVMBuildBr(b, head);
		LLVMPositionBuilderAtEnd(b, head);
		r0 = LLVMBuildPhi(b, i64, "r0");
	}
	LLVMValueRef a = LLVMGetParam(fn, 1), bp = LLVMGetParam(fn, 2 + direct + (unsigned)held), arow[mr];
	for (int i = 0; i < mr && direct; i++) {
		if (held) {
			arow[i] = held_row(b, elem, a, LLVMGetParam(fn, 2), r0, rows, i);
			continue;
		}
		LLVMValueRef ri = LLVMConstInt(i64, (unsigned long long)i, 0);
		LLVMValueRef ro = LLVMBuildLoad2(b, i64, at(b, i64, LLVMGetParam(fn, 2), ri), "arow");
		LLVMSetAlignment(ro, 8);
		arow[i] = at(b, elem, a, ro);
	}
	/* a block on A in place along rows of unit stride prefetches no B
	 * rows, and a narrow one (one vector of B per row, a line at most:
	 * few columns) not C's tile either: its B micro-panel is read in
	 * order, as the hardware's stream prefetcher follows it, C's narrow
	 * tile is MR vectors, and each value of k loads MR values of A, MR
	 * rows streamed from where A lies; prefetches there take load slots
	 * and L1's miss buffers from A's rows. Measured on znver5:
	 * docs/bench-kernels.md, "Few columns: no prefetches, K within
	 * GEMM_KC_MAX" (ik,kj->ij, i = k = 4096, j = 4 and 16) and
	 * "Prefetches and workspace against 75ec058" (ttm, tucker_proj).
	 * Neither does a held step's (CG_A_FETCH_ROW): its B block stays in
	 * L1 and its C is the thread's buffer, in L2 (run 24's harness
	 * prefetched neither). Nor one on A read across (a_stride past 1):
	 * each value of k loads a line of A from L2, K's stride apart, and
	 * the B row's prefetch beside it takes a load slot and a miss buffer
	 * as the kernel waits on that line; its C tile is prefetched as
	 * before. Measured on znver5 (1 thread, CPU time, 40 alternating
	 * rounds in one process, load 5-8): ijk,lk->ijl 256^3 x 64 with ijk's
	 * last two axes swapped, view / twin medians 1.074-1.090 -> 1.053-1.075;
	 * docs/bench-views.md, run 33. */
	int fetch_b = !a_stride && !copy_b, fetch_c = !held && (a_stride != 1 || nr != vl);
	if (fetch_c)
		prefetch_c(m, b, elem, esize, mr, nr, LLVMGetParam(fn, np - 3), LLVMGetParam(fn, np - 2));
	LLVMBuildBr(b, loop);
	LLVMPositionBuilderAtEnd(b, loop);
	int nv = nr / vl, nacc = mr * nv;
	LLVMValueRef k = LLVMBuildPhi(b, i64, "k"), acc[nacc], next[nacc];
	for (int x = 0; x < nacc; x++)
		acc[x] = LLVMBuildPhi(b, vec, "acc");
	LLVMValueRef ldb = held ? LLVMConstInt(i64, (unsigned long long)nr, 0) : LLVMGetParam(fn, np - 4);
	LLVMValueRef koff = LLVMBuildNUWMul(b, k, ldb, "");
	LLVMValueRef bv[nv];
	for (int v = 0; v < nv; v++) {
		LLVMValueRef off = LLVMBuildNUWAdd(b, koff, LLVMConstInt(i64, (unsigned long long)(v * vl), 0), "");
		bv[v] = LLVMBuildLoad2(b, vec, at(b, elem, bp, off), "b");
		LLVMSetAlignment(bv[v], esize);
		if (copy_b) {
			LLVMValueRef to = LLVMBuildNUWAdd(b, LLVMBuildNUWMul(b, k, LLVMConstInt(i64, (unsigned)nr, 0), ""),
			                                  LLVMConstInt(i64, (unsigned long long)(v * vl), 0), "");
			LLVMSetAlignment(LLVMBuildStore(b, bv[v], at(b, elem, LLVMGetParam(fn, np), to)), esize);
		}
	}
	/* a copying kernel: every line of the row's run, COPY_B_AHEAD_BYTES
	 * on (past B's end on the last calls: a plain address) */
	for (int e = 0; copy_b && e < nr; e += 64 / (int)esize) {
		LLVMValueRef ahead = LLVMBuildAdd(b, koff, LLVMConstInt(i64, (unsigned)(COPY_B_AHEAD_BYTES / esize + e), 0), "");
		prefetch(m, b, LLVMBuildGEP2(b, elem, bp, &ahead, 1, "b.ahead"), 0);
	}
	/* past B's last row on the last values of k: a plain (not inbounds)
	 * address, which a prefetch may name without faulting */
	if (fetch_b) {
		LLVMValueRef ahead = LLVMBuildMul(b, LLVMBuildAdd(b, k, LLVMConstInt(i64, PREFETCH_B_ROWS, 0), ""),
		                                  ldb, "");
		prefetch(m, b, LLVMBuildGEP2(b, elem, bp, &ahead, 1, "b.ahead"), 0);
	}
	LLVMValueRef astep = LLVMConstInt(i64, (unsigned long long)(direct ? a_stride : mr), 0);
	LLVMValueRef aoff = LLVMBuildNUWMul(b, k, astep, "");
	if (a_fetch == CG_A_FETCH_SWEEP)
		prefetch(m, b, sweep_line(b, elem, fn, mr, a_stride, sweep, k), 0);
	/* packed A: past its end on the last values of k, a plain address */
	if (!direct && !held) {
		LLVMValueRef ahead = LLVMBuildAdd(b, aoff, LLVMConstInt(i64, PREFETCH_A_BYTES / esize, 0), "");
		prefetch(m, b, LLVMBuildGEP2(b, elem, a, &ahead, 1, "a.next"), 0);
	}
	if (a_fetch == CG_A_FETCH_NEXT)
		prefetch(m, b, next_rows_line(b, elem, fn, mr, k), 0);
	if (a_fetch == CG_A_FETCH_ROW) {
		LLVMValueRef ahead = LLVMBuildAdd(b, aoff, LLVMConstInt(i64, PREFETCH_A_ROW_LINES * 64 / esize, 0), "");
		prefetch(m, b, LLVMBuildGEP2(b, elem, arow[0], &ahead, 1, "a.ahead"), 0);
	}
	LLVMValueRef zeros = LLVMConstNull(LLVMVectorType(LLVMInt32TypeInContext(c), (unsigned)vl));
	for (int i = 0; i < mr; i++) {
		LLVMValueRef ri = LLVMConstInt(i64, (unsigned long long)i, 0);
		LLVMValueRef s = LLVMBuildLoad2(b, elem, direct ? at(b, elem, arow[i], aoff)
		                                       : at(b, elem, a, LLVMBuildNUWAdd(b, aoff, ri, "")),
		                                "a");
		LLVMSetAlignment(s, esize);
		LLVMValueRef one = LLVMBuildInsertElement(b, LLVMGetPoison(vec), s,
		                                          LLVMConstInt(i64, 0, 0), "");
		LLVMValueRef splat = LLVMBuildShuffleVector(b, one, LLVMGetPoison(vec), zeros, "a.splat");
		for (int v = 0; v < nv; v++) {
			LLVMValueRef args[3] = {splat, bv[v], acc[i * nv + v]};
			next[i * nv + v] = integer
			                 ? LLVMBuildAdd(b, LLVMBuildMul(b, splat, bv[v], ""), args[2], "acc.next")
			                 : LLVMBuildCall2(b, fma_type, fma, args, 3, "acc.next");
		}
	}
	LLVMValueRef k1 = LLVMBuildNUWAdd(b, k, LLVMConstInt(i64, 1, 0), "k.next");
	LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, k1, LLVMGetParam(fn, 0), ""), loop, done);
	LLVMAddIncoming(k, (LLVMValueRef[]){zero_k, k1}, (LLVMBasicBlockRef[]){head, loop}, 2);
	for (int x = 0; x < nacc; x++)
		LLVMAddIncoming(acc[x], (LLVMValueRef[]){LLVMConstNull(vec), next[x]},
		                (LLVMBasicBlockRef[]){head, loop}, 2);
	LLVMPositionBuilderAtEnd(b, done);
	LLVMBasicBlockRef put = LLVMAppendBasicBlockInContext(c, fn, "store.first");
	LLVMBasicBlockRef add = LLVMAppendBasicBlockInContext(c, fn, "store.add");
	LLVMBasicBlockRef after = held ? LLVMAppendBasicBlockInContext(c, fn, "rows.next") : NULL;
	LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntNE, LLVMGetParam(fn, np - 1), zero_k, ""), put, add);
	for (int adding = 0; adding < 2; adding++) {
		LLVMPositionBuilderAtEnd(b, adding ? add : put);
		LLVMValueRef cp = LLVMGetParam(fn, np - 3 + (unsigned)held), rows_c = LLVMGetParam(fn, np - 2);
		for (int i = 0; i < mr; i++) {
			LLVMValueRef ri = LLVMConstInt(i64, (unsigned long long)i, 0), ro, out = NULL;
			if (held) {
				/* the thread's buffer: the block's rows NR apart;
				 * on the last K block C's rows, where "c" is set */
				ro = LLVMBuildNUWMul(b, LLVMBuildNUWAdd(b, r0, ri, ""),
				                     LLVMConstInt(i64, (unsigned long long)nr, 0), "row");
				out = held_row(b, elem, LLVMGetParam(fn, np), ctab, r0, rows, i);
			} else {
				ro = LLVMBuildLoad2(b, i64, at(b, i64, rows_c, ri), "row");
				LLVMSetAlignment(ro, 8);
			}
			for (int v = 0; v < nv; v++) {
				LLVMValueRef vo = LLVMConstInt(i64, (unsigned long long)(v * vl), 0);
				LLVMValueRef p = at(b, elem, cp, LLVMBuildNSWAdd(b, ro, vo, ""));
				LLVMValueRef sum = next[i * nv + v];
				if (adding) {
					LLVMValueRef old = LLVMBuildLoad2(b, vec, p, "c");
					LLVMSetAlignment(old, esize);
					sum = integer ? LLVMBuildAdd(b, old, sum, "c.new")
					              : LLVMBuildFAdd(b, old, sum, "c.new");
				}
				if (held)
					p = LLVMBuildSelect(b, to_c, at(b, elem, out, vo), p, "");
				LLVMSetAlignment(LLVMBuildStore(b, sum, p), esize);
			}
		}
		if (held)
			LLVMBuildBr(b, after);
		else
			LLVMBuildRetVoid(b);
	}
	if (held) {
		LLVMPositionBuilderAtEnd(b, after);
		LLVMValueRef r1 = LLVMBuildNUWAdd(b, r0, LLVMConstInt(i64, (unsigned long long)mr, 0), "r0.next");
		LLVMBasicBlockRef ret = LLVMAppendBasicBlockInContext(c, fn, "ret");
		LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, r1, rows, ""), head, ret);
		LLVMAddIncoming(r0, (LLVMValueRef[]){zero_k, r1}, (LLVMBasicBlockRef[]){entry, after}, 2);
		LLVMPositionBuilderAtEnd(b, ret);
		LLVMBuildRetVoid(b);
	}
	LLVMDisposeBuilder(b);
	return fn;
}
