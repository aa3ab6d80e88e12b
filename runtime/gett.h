/* SPDX-License-Identifier: MIT */
/*
 * gett.h - the driver of a GEMM-like step (runtime/gett.c; libc +
 * pthreads): C[b, m, n] += sum_k A[b, m, k] * B[b, k, n] over tensors of any
 * layout, GETT/BLIS style. Each index group (batch, M, N, K) is flattened;
 * a table per tensor and group gives the element offset of each flattened
 * index, so the packing routines read the strided tensors directly into
 * micro-panels, and a register-blocked micro-kernel (generated code) runs on
 * the panels. When A runs with one stride along K and the panels would be
 * reused little, a second micro-kernel reads A's rows in place instead
 * (passes/lower_gemm.c decides); beside few rows of A, the kernels read B's rows in
 * place (einc_rt_gett_b_in_place). Generated code fills the descriptor as a
 * constant.
 */
#ifndef EINC_RT_GETT_H
#define EINC_RT_GETT_H

#include <stddef.h>
#include <stdint.h>

#include "einc_rt.h"

/* The largest register block a micro-kernel may use: rows; and the bytes
 * of each thread's edge tile, at least this and the block's (mr * nr *
 * esize: 1536 for a rows-first block, passes/lower_gemm.c). */
#define RT_GETT_MR_MAX 16
#define RT_GETT_TILE_MAX 1024

/* The widest register block's columns (nr is a power of two up to this,
 * and divides nc): a held step's (einc_rt_gett_desc's "held"); the others'
 * are half as wide at most. */
#define RT_GETT_NR_MAX 64

/* The most bytes of B that one round of a split step packs into the
 * shared panel (einc_rt_gett_split). */
#define RT_GETT_SHARED_MAX (16 << 20)

/* A round of a split step spans at most this many KC blocks of its units'
 * shared panels (the states of their packing live on the stack); each KC
 * block of a unit is packed in this many chunks at most, by the tasks
 * that need it, as they reach it. */
#define RT_GETT_ROUND_BLOCKS 512
#define RT_GETT_PACK_CHUNKS 16

/* Steps whose K is long beside M and N (RT_GETT_SLICE_DEPTH times the
 * larger) sum it in up to RT_GETT_SLICES_MAX slices of at least
 * RT_GETT_SLICE_BLOCKS KC blocks each, every slice but the first into a
 * partial result of its own (RT_GETT_SLICE_BYTES in all at most), added to
 * C in slice order, RT_GETT_SUM_ROWS rows of M per task. The slices depend
 * on the extents only, so the result is the same for any thread count. */
#define RT_GETT_SLICE_DEPTH 8
#define RT_GETT_SLICES_MAX 8
#define RT_GETT_SLICE_BLOCKS 4
#define RT_GETT_SLICE_BYTES (8 << 20)
#define RT_GETT_SUM_ROWS 64

/* Tasks of a split step do at least this many multiply-adds each. */
#define RT_GETT_TASK_WORK (1 << 16)

/*
 * The micro-kernel: for i < mr and j < nr,
 *   c[rowoff[i] + j] (+)= sum_{p < kc} a[p * mr + i] * b[p * ldb + j]
 * over a packed panel "a" (kc x mr) and "b", kc >= 1: a packed panel (ldb
 * = nr) or B's rows in place (ldb their element stride); it stores the sum
 * when "first" is nonzero, else adds it.
 */
typedef void (*einc_rt_ukernel)(int64_t kc, const void *a, const void *b, int64_t ldb, void *c,
                           const int64_t *rowoff, int64_t first);

/*
 * The micro-kernel on A in place: as einc_rt_ukernel, with a[p * mr + i]
 * replaced by a[aoff[i] + p * ks], "ks" A's element stride along the
 * flattened K group (a constant of the kernel).
 */
typedef void (*einc_rt_ukernel_direct)(int64_t kc, const void *a, const int64_t *aoff,
                                  const void *b, int64_t ldb, void *c,
                                  const int64_t *rowoff, int64_t first);

/*
 * The micro-kernel on packed A that also packs B's micro-panel: as
 * einc_rt_ukernel on B's rows in place ("ldb" their element stride), each
 * row of "nr" elements it loads also stored to bpack[p * nr .. p * nr +
 * nr - 1], the micro-panel the other register blocks of rows then read
 * (runtime/gett.c's macro_kernel). It prefetches B's rows ahead along
 * their run.
 */
typedef void (*einc_rt_ukernel_copy)(int64_t kc, const void *a, const void *b, int64_t ldb,
                                     void *c, const int64_t *rowoff, int64_t first, void *bpack);

/*
 * A held step's micro-kernel (einc_rt_gett_desc's "held"), on A in place:
 * for i < rows and j < nr,
 *   sums[i * nr + j] (+)= sum_{p < kc} a[aoff[i] + p * ks] * b[p * nr + j]
 * a register block of rows after the other ("sums" holds "rows" rounded up
 * to whole blocks: the last block's extra rows repeat its last row), "b"
 * a packed panel; it stores when "first" is nonzero, else adds. Where "c"
 * is not NULL the results go to C instead of "sums" (the last K block):
 * row i's nr elements with unit stride from c + coff[i] elements.
 */
typedef void (*einc_rt_ukernel_held)(int64_t kc, const void *a, const int64_t *aoff, int64_t rows,
                                  const void *b, void *sums, int64_t first, void *c,
                                  const int64_t *coff);

/* B is read in place, not packed, when M has at most this many register
 * blocks of rows, so that each packed element would be used that many
 * times at most: wherever a micro-panel's columns run with unit stride and
 * its K block with one stride in B. Measured on ik,kj->ij, k = j = 4096, 1
 * thread: i = 4 6.9 -> 3.6 ms, i = 8 6.2 -> 5.1, i = 16 (3 blocks of 6)
 * 7.2 -> 6.7; i = 24 even, i = 32 slower (10.0 -> 11.5). */
#define RT_GETT_B_DIRECT_TILES 3

/* B is also read in place beside up to RT_GETT_B_NEAR_TILES register
 * blocks of rows where each of its columns lies within
 * RT_GETT_B_NEAR_BYTES along all of K: a micro-panel's rows are then
 * lines close together, which L1's sets hold at once while the register
 * blocks use it in turn, and packing would copy it for as few uses.
 * Measured on znver5 (1 thread, CPU time, best of 3, 48^4 f64, M = 48):
 * rk,qrl->qkl (K rows 384 bytes apart, 18 KiB in all) 0.138 -> 0.112 ms
 * in place; qj,qkl->jkl (18 KiB apart) 0.134 -> 0.146 and pi,pjkl->ijkl
 * (864 KiB apart) 9.5 -> 14.7 ms: rows a multiple of L1's way apart fall
 * in one or two of its sets. Beside more blocks (qrl,rk->qkl, q = r = l =
 * 64, best of 100 calls, min of 5 rounds, packed -> in place): f32 k = 60
 * (10 blocks) 0.209 -> 0.172, k = 96 (16) 0.271 -> 0.241, k = 144 (24)
 * 0.410 -> 0.385; f64 (K rows 512 bytes apart, 32 KiB) 0.386 -> 0.340,
 * 0.572 -> 0.527, 0.811 -> 0.883: up to 16 blocks (docs/bench-kernels.md,
 * session 32). */
#define RT_GETT_B_NEAR_TILES 16
#define RT_GETT_B_NEAR_BYTES (32 << 10)

/* A block whose C is written once, B packed, runs its tiles a row of
 * register blocks at a time where its rows are this many blocks at most
 * (runtime/gett.c's by_rows: B's panel is then read that many times from
 * L2; measured at M = 48 f64, 8 blocks). */
#define RT_GETT_BY_ROWS_TILES 8

/* One GEMM-like step; every field is 8 bytes (generated code lays it out). */
typedef struct {
	int64_t esize;            /* 4 or 8: a float, double, int32 or int64 (a
	                             complex's part in its real form, "kind") */
	int64_t batch, m, n, k;   /* flattened extents, all >= 1 */
	int64_t mr, nr;           /* the micro-kernel's block; mc % mr == nc % nr == 0
	                             (a held step's mc: any) */
	int64_t mc, nc, kc;       /* cache blocks: A block mc x kc, B panel kc x nc */
	int64_t threads;          /* 0: einc_rt_default_threads() */
	int64_t ndims[4];         /* dims per group: batch, M, N, K */
	const int64_t *sizes;     /* each dim's extent, groups in that order, outer first */
	const int64_t *strides;   /* each dim's element stride in A, then in B, then in C */
	einc_rt_ukernel kernel;        /* on packed A; NULL when kernel_direct is set */
	union {
		einc_rt_ukernel_direct kernel_direct; /* non-NULL: A is read in place, never packed */
		einc_rt_ukernel_held kernel_held;     /* a held step's, in the same place */
	};
	int64_t kind;             /* EINC_RT_REAL or EINC_RT_INT: the elements'; or
	                             EINC_RT_COMPLEX: a complex step in its real form
	                             (BLIS's 1m): each group's strides count the
	                             parts, K and N end in a dim of the two parts
	                             (A's along K, C's along N), and B is packed as
	                             [re im; -im re] blocks, never read in place */
	int64_t ahead;            /* 1: A's next MC x KC block is prefetched into L2
	                             while one is computed (two fit the L2, or
	                             the block is one run of memory;
	                             passes/lower_gemm.c decides) */
	int64_t b_lanes;          /* 0, or L, the elements of a cache line: B's
	                             batch group runs with unit stride (a view
	                             with its axes reversed), so a unit is L
	                             batch elements of an NC block, whose B
	                             panels are packed at once, L x KC x NC
	                             (runtime/pack_crossed.c), where the CPU has
	                             AVX-512 and the L offsets run on; never
	                             shared between tasks */
	int64_t c_transposed;     /* 1: C's M group runs with unit stride, its N
	                             not (the operands swapped, C^T = B^T A^T:
	                             passes/lower_gemm.c), so each task computes
	                             each column of register tiles (MC x NR)
	                             row-major into a buffer of its own and adds
	                             it into C transposed
	                             (runtime/add_transposed.c) */
	int64_t held;             /* 1: A is read in place (kernel_held), each
	                             task's rows an MC block at a time over all
	                             of K, one KC block after the other, the
	                             block's sums held in a buffer of the
	                             thread's (MC x NR, the first K block stores,
	                             the others add) and each tile copied to C
	                             after the last K block's kernel, bypassing
	                             the caches where it can: A's K lies far
	                             apart and its M runs with unit stride, and
	                             C's rows, a power of two apart, would share
	                             few sets of L2; N is one NR block
	                             (passes/lower_gemm.c decides) */
	const int64_t *tables;    /* the offset tables (einc_rt_gett_tables),
	                             computed once by the compiler, or NULL:
	                             each call computes them in its scratch */
	einc_rt_ukernel_copy kernel_copy; /* kernel's twin that packs B as it
	                             reads it, or NULL; set only where
	                             einc_rt_gett_copies_b holds
	                             (passes/lower_gemm.c's b_copy) */
	int64_t rows_first;       /* 1: each block whose B is packed whole runs
	                             its tiles a row of register blocks at a
	                             time (runtime/gett.c's by_rows), A's
	                             micro-panel kept in L1 while B's stream
	                             past from L2 (passes/lower_gemm.c's
	                             rows_blocks decides and sizes the blocks) */
} einc_rt_gett_desc;

/*
 * The scratch bytes of an einc_rt_gett call on step "d" (its extents,
 * blocks, element size, kind and B's strides along K; not its kernels,
 * its other strides or its threads),
 * whose A is read in place where "direct" is set (a kernel_direct at run
 * time): the offset tables, the partial results of its K slices, the
 * shared B panel of a split step (RT_GETT_SHARED_MAX at most; none where
 * the tasks never share one), and the packing buffers of one thread: A's
 * block unless A is read in place, B's panel (L of them where "b_lanes"
 * is L), or one micro-panel where B is read in place (einc_rt_gett_b_in_place), the edge tile,
 * an MC x NR column of C's tiles where "c_transposed" is set, and a held step's block of sums (see
 * gett.c).
 */
size_t einc_rt_gett_scratch(const einc_rt_gett_desc *d, int direct);

/*
 * How einc_rt_gett splits a step over "threads" threads. A unit is a (batch
 * element, NC block) pair (L batch elements where "b_lanes" is L, the last
 * unit of an NC block the batch's rest); a piece is one of its "kslices" slices of K
 * (long K, see RT_GETT_SLICE_DEPTH; else 1). When the pieces alone keep
 * the threads evenly busy, each piece is one task that packs its own B
 * panels ("shared" 0). Otherwise each piece is split into "mparts" x
 * "nparts" tasks (M and N ranges of whole register blocks, as even as the
 * blocks allow): the tasks of a sliced step, or of one that reads B in
 * place (einc_rt_gett_b_in_place), still pack their own B panels; the
 * others share them, packed once per round: a round is "uround" units over
 * "kspan" of K (whole KC blocks, RT_GETT_ROUND_BLOCKS at most), computed
 * by "tasks" tasks, which pack each KC block of a unit's panel together
 * when they first need it.
 */
typedef struct {
	int64_t units, kslices, mparts, nparts, tasks;
	int shared;
	int64_t uround, kspan;
} einc_rt_gett_split;

/* Whether a real step reads B in place (RT_GETT_B_DIRECT_TILES,
 * RT_GETT_B_NEAR_TILES): "m" rows of C in register blocks of "mr", B's
 * "esize"-byte elements along K's "nk" dims of extents "k_sizes" "k_strides"
 * elements apart (the descriptor's K group: lower_gemm asks with the same
 * layout). */
int einc_rt_gett_b_in_place(int64_t m, int64_t mr, int nk, const int64_t *k_sizes,
                            const int64_t *k_strides, int64_t esize);

/* Whether step "d", with no fused operand, may pack B by its
 * micro-kernel (einc_rt_ukernel_copy): a real or integer step on packed A
 * ("direct" 0), not held, C not transposed, B neither read in place nor
 * packed several batch elements at once, all of K one KC block and M
 * RT_GETT_BY_ROWS_TILES register blocks at most: its tiles then go by
 * rows, and the first row of register blocks reads each micro-panel from
 * B and packs it for the others (runtime/gett.c's macro_kernel). From the
 * descriptor's extents, strides, blocks, kind and flags. */
int einc_rt_gett_copies_b(const einc_rt_gett_desc *d, int direct);

/* The slices K is summed in (einc_rt_gett_split's "kslices") for a step of
 * flattened extents "batch", "m", "n", "k", KC "kc", "esize"-byte
 * elements: from the extents alone, so the same for any thread count. The
 * slices are even runs of whole KC blocks, in order along K. */
int64_t einc_rt_gett_kslices(int64_t batch, int64_t m, int64_t n, int64_t k, int64_t kc,
                        int64_t esize);

/* Fills "s" with the split of "d" on "threads" threads (0: the default). */
void einc_rt_gett_plan(const einc_rt_gett_desc *d, int threads, einc_rt_gett_split *s);

/*
 * Runs "d" on "c", "a", "b", writing every element of "c". "scratch"
 * holds einc_rt_gett_scratch bytes, aligned to 64: the offset tables (each
 * flattened index's element offset in each tensor), the K slices' partial
 * results, the shared B panel, then the calling thread's packing buffers;
 * other threads use the pool's.
 * Tasks (einc_rt_gett_plan) own disjoint parts of "c" or of a K slice's
 * partial result; every element sums its K blocks in the same order
 * through the same micro-kernel, and the slices in slice order, so the
 * result does not depend on the number of threads.
 */
void einc_rt_gett(const einc_rt_gett_desc *d, void *c, const void *a, const void *b, void *scratch);

/* einc_rt_gett, reading "next_bytes" bytes from "next" (NULL: none),
 * which a later call reads, into the caches as the micro-kernels run:
 * every task a share, spread over its calls (a held step's read none). */
void einc_rt_gett_next(const einc_rt_gett_desc *d, void *c, const void *a, const void *b,
                       void *scratch, const void *next, int64_t next_bytes);

/*
 * A GEMM-like step one of whose operands is the product of two tensors
 * (an outer product, an elementwise product, a scaling), computed where the
 * operand is packed and never stored (passes/fuse.c decides): "gemm" with
 * that operand's strides set to the first factor's; "side" RT_GETT_FUSED_A
 * or RT_GETT_FUSED_B says which operand; "strides" gives the second
 * factor's element stride per dim, in the order of gemm.sizes (zero where
 * it lacks the dim). Real elements only (gemm.kind EINC_RT_REAL). A fused
 * A is computed a block of rows at a time into a row-major tile, which the
 * direct micro-kernel (K stride 1) reads or which is packed (beside one
 * column of register blocks, a register block of rows at a time); a fused
 * B is packed element by element, B in place never.
 */
enum { RT_GETT_FUSED_A = 1, RT_GETT_FUSED_B = 2 };

typedef struct {
	einc_rt_gett_desc gemm;
	int64_t side;
	const int64_t *strides;
} einc_rt_gett_fused_desc;

/* The entries of step "d"'s offset tables beside fused operand "side"
 * (0: none, else RT_GETT_FUSED_A or RT_GETT_FUSED_B) whose second factor
 * has strides "fstrides" (as einc_rt_gett_fused_desc's; NULL where "side"
 * is 0): each flattened index's element offset in A's batch, M and K
 * groups, B's batch, K and N, C's batch, M and N, then the second
 * factor's batch, M (RT_GETT_FUSED_A) or N (RT_GETT_FUSED_B) and K; a
 * table equal to an earlier one of its group is stored once. */
int64_t einc_rt_gett_table_entries(const einc_rt_gett_desc *d, int64_t side,
                                   const int64_t *fstrides);

/* Fills "t" (einc_rt_gett_table_entries entries) with those tables. */
void einc_rt_gett_tables(const einc_rt_gett_desc *d, int64_t side, const int64_t *fstrides,
                         int64_t *t);

/* The scratch bytes of an einc_rt_gett_fused call on step "d" whose fused
 * operand is "side" (RT_GETT_FUSED_A or RT_GETT_FUSED_B), A read in place
 * where "direct" is set: einc_rt_gett_scratch's (B's whole panel beside a
 * fused B, which is never read in place), a thread's product tile and
 * the second factor's offset tables. */
size_t einc_rt_gett_fused_scratch(const einc_rt_gett_desc *d, int direct, int64_t side);

/* Runs "d" as einc_rt_gett runs d->gemm, the fused operand ("a" or "b",
 * by d->side) multiplied by the second factor at "f" as it is packed;
 * "scratch" holds einc_rt_gett_fused_scratch bytes, aligned to 64. The
 * result is bit-identical to storing the product first. */
void einc_rt_gett_fused(const einc_rt_gett_fused_desc *d, void *c, const void *a,
                        const void *b, const void *f, void *scratch);

#endif
