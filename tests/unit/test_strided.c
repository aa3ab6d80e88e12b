/*
 * test_strided.c - einc_compile_strided through einc.h: operands and
 * outputs as numpy's views lay them out (transposed, sliced with a step,
 * reversed, broadcast with stride 0, padded rows) on GEMM-like steps and
 * plain nests, in both dtypes and on 1 and 4 threads, against the
 * reference evaluator on the dense arrays the views hold; the elements
 * around a strided output must stay untouched. Also: a view that a
 * GEMM-like step reads many times is copied dense first; dense strides compile
 * to the very same loops as no strides, the loops dump and the AOT header
 * show the strides, and bad output strides are refused with a message;
 * a complex output at its C alignment (not its size's) is written; B
 * packed by the micro-kernel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "einc.h"
#include "refcheck.h"

enum { MAXOPS = 3, MAXRANK = 4 };

/* One case: a spec, each operand's shape and strides (rank -1 ends the
 * list; "dense" set: no strides passed for it), and the output's strides
 * (out_dense: NULL passed). */
typedef struct {
	const char *spec;
	int nops;
	int ranks[MAXOPS];
	int64_t shapes[MAXOPS][MAXRANK];
	int64_t strides[MAXOPS][MAXRANK];
	int dense[MAXOPS];
	int out_dense;
	int64_t out_strides[MAXRANK];
} scase;

static const scase cases[] = {
	/* GEMM-like: A transposed, B's rows reversed, C's rows padded */
	{"ij,jk->ik", 2, {2, 2}, {{37, 53}, {53, 29}}, {{1, 37}, {-29, 1}}, {0, 0}, 0, {32, 1}},
	/* GEMM-like: A broadcast along j, B sliced with step 2, C transposed */
	{"ij,jk->ik", 2, {2, 2}, {{37, 53}, {53, 29}}, {{53, 0}, {58, 2}}, {0, 0}, 0, {1, 37}},
	/* batched: A broadcast over b, B reversed on every axis, C's inner axes swapped */
	{"bij,bjk->bik", 2, {3, 3}, {{3, 20, 30}, {3, 30, 40}},
	 {{0, 30, 1}, {-1200, -40, -1}}, {0, 0}, 0, {800, 1, 20}},
	/* A with its axes reversed, read 300 times per element: copied dense
	 * first (relayout.c), then the GEMM-like step */
	{"bij,bjk->bik", 2, {3, 3}, {{3, 20, 30}, {3, 30, 300}}, {{1, 3, 60}, {0}}, {0, 1}, 1, {0}},
	/* a transposed operand beside a dense one, dense output */
	{"ik,kj->ij", 2, {2, 2}, {{70, 90}, {90, 40}}, {{1, 70}, {0, 0}}, {0, 1}, 1, {0}},
	/* plain: a reversed column into a transposed output */
	{"ij->ji", 1, {2}, {{19, 23}}, {{23, -1}}, {0}, 0, {1, 23}},
	/* a reduction large enough for parallel chunks, into every third element */
	{"ijk->i", 1, {3}, {{4, 300, 300}}, {{1, 4, 1200}}, {0}, 0, {3}},
	/* a reduction over the outer loop (partial results when dense) into a
	 * reversed output */
	{"ij,i->j", 2, {2, 1}, {{300, 333}, {300}}, {{1, 300}, {-2}}, {0, 0}, 0, {-1}},
	/* a dense operand summed over its outer loop (partial results when the
	 * output is dense) into every other element */
	{"ijk->k", 1, {3}, {{50, 40, 70}}, {{0}}, {1}, 0, {2}},
	/* a dot product of a reversed and a strided vector */
	{"i,i->", 2, {1, 1}, {{1000}, {1000}}, {{-1}, {2}}, {0, 0}, 0, {0}},
	/* the diagonal of a padded transpose */
	{"ii->i", 1, {2}, {{17, 17}}, {{1, 20}}, {0}, 0, {2}},
	/* a matrix with padded rows times a broadcast vector, reversed output */
	{"ij,j->i", 2, {2, 1}, {{33, 37}, {37}}, {{40, 1}, {0}}, {0, 0}, 0, {-1}},
	/* a small product (a plain nest, summed in place) into a reversed output */
	{"ij,jk->ik", 2, {2, 2}, {{3, 4}, {4, 5}}, {{1, 3}, {5, 1}}, {0, 0}, 0, {-5, -1}},
	/* an index of size 0: zeros into the output's view only */
	{"ij,jk->ik", 2, {2, 2}, {{3, 0}, {0, 4}}, {{0, 0}, {0, 0}}, {1, 1}, 0, {10, 1}},
	/* A transposed, its M of 200 rows one unit-stride run: GETT packs more
	 * than 16 register blocks of it at a time, the last one partial */
	{"ik,kj->ij", 2, {2, 2}, {{200, 50}, {50, 40}}, {{1, 200}, {0, 0}}, {0, 1}, 1, {0}},
	/* a transposed factor of a product that the GEMM-like step reads
	 * i * o = 384 times per element: copied dense first (relayout.c) */
	{"bi,ioj,bj->bo", 3, {2, 3, 2}, {{20, 16}, {16, 24, 20}, {20, 20}}, {{0}, {0}, {1, 20}},
	 {1, 1, 0}, 1, {0}},
	/* A, read 300 times per element, a batch of transposed matrices (M
	 * of unit stride): GETT reads it in place, no copy (relayout.c) */
	{"bij,bjk->bik", 2, {3, 3}, {{3, 20, 30}, {3, 30, 300}}, {{600, 1, 20}, {0}}, {0, 1}, 1,
	 {0}},
	/* B, read 260 times per element, a batch of transposed matrices (K of
	 * unit stride): read in place */
	{"bij,bjk->bik", 2, {3, 3}, {{3, 260, 30}, {3, 30, 40}}, {{0}, {1200, 1, 30}}, {1, 0}, 1,
	 {0}},
	/* A's axes reversed: unit stride along i, but M (i, k) then runs
	 * i-inner where the result runs k-inner: copied dense first */
	{"ijk,jl->ilk", 2, {3, 2}, {{8, 30, 10}, {30, 260}}, {{1, 8, 240}, {0}}, {0, 1}, 1, {0}},
	/* A's last two axes swapped: unit stride along the summed j, M (i, k)
	 * in the twin's order: read in place */
	{"ijk,jl->ilk", 2, {3, 2}, {{8, 30, 10}, {30, 260}}, {{300, 1, 30}, {0}}, {0, 1}, 1, {0}},
	/* ioj with its axes reversed, read b = 260 times per element beside
	 * a product that the step forms as it packs: K flattens as (j, i), i
	 * of unit stride, the product follows, read in place */
	{"bi,ioj,bj->bo", 3, {2, 3, 2}, {{260, 16}, {16, 24, 20}, {260, 20}}, {{0}, {1, 16, 384}},
	 {1, 0, 1}, 1, {0}},
};

/* Copies that transpose, which the runtime runs (einc_rt_transpose_copy):
 * whole blocks and tails on both unit-stride dims, a destination of 4 MiB
 * and more (f32 and up) stored past the caches, a padded output, row
 * tasks. */
static const scase copies[] = {
	/* a transposed matrix into a dense one: 37 x 53, tails on both dims */
	{"ij->ij", 1, {2}, {{37, 53}}, {{1, 37}}, {0}, 1, {0}},
	/* axes reversed, 4.25 MiB of f32 in whole lines: j's blocks (64 rows,
	 * 256 in AVX-512 blocks) end in one of 16 */
	{"bij->bij", 1, {3}, {{16, 256, 272}}, {{1, 16, 4096}}, {0}, 1, {0}},
	/* axes reversed, a small copy: a block of 256 rows of j then 3 rows
	 * one element at a time, each of the 5 points of i prefetching the
	 * next's lines but the last */
	{"bij->bij", 1, {3}, {{16, 5, 259}}, {{1, 16, 80}}, {0}, 1, {0}},
	/* axes reversed, b (4) too short a run alone: b and h read as one
	 * run of 64 columns, whose dst rows lie at two strides */
	{"bhqd->bhqd", 1, {4}, {{4, 16, 20, 24}}, {{1, 4, 64, 1280}}, {0}, 1, {0}},
	/* a transposed matrix into one with padded rows */
	{"ij->ij", 1, {2}, {{40, 48}}, {{1, 40}}, {0}, 0, {56, 1}},
	/* whole lines of i (48 = 3 x 16 f32, 6 x 8 f64: AVX-512's blocks a
	 * line a side where the CPU has it), a tail of 3 of j, padded rows
	 * that are not line-aligned (stored in place, not streamed) */
	{"ij->ij", 1, {2}, {{48, 35}}, {{1, 48}}, {0}, 0, {37, 1}},
	/* on 4 threads a copy in row tasks, one runtime call each: 38 tiles
	 * of 8 rows of i, the last one of 5 */
	{"ij->ij", 1, {2}, {{301, 253}}, {{1, 301}}, {0}, 1, {0}},
	/* no other dims: AVX-512 blocks prefetch the rows of j 64 further
	 * on; 224 rows do, then 64 and a tail of 12 do not */
	{"ij->ij", 1, {2}, {{32, 300}}, {{1, 32}}, {0}, 1, {0}},
	/* the same past the caches (4.0 MiB of f32 and up): blocks of 256
	 * rows, the prefetching ones ending 64 rows before the last block's
	 * 16 */
	{"ij->ij", 1, {2}, {{64, 16400}}, {{1, 64}}, {0}, 1, {0}},
};

/* Copies (relayout.c) whose axes take another order than the index
 * order: bij stored jib, b of unit stride and i after it one run of
 * memory, is copied into bji, i last (b = 37 two lines of f32 and a rest
 * of 5, the copy's 600 rows of ji two blocks of 256 and a rest, k = 300
 * reads it 300 times an element); with i's rows padded (40 apart, not
 * 37) it keeps bij; bimj stored jmib keeps bimj, m (of M, as i) after i. */
static const scase reordered[] = {
	{"bij,bjk->bik", 2, {3, 3}, {{37, 20, 30}, {37, 30, 300}}, {{1, 37, 740}, {0}}, {0, 1}, 1,
	 {0}},
	{"bij,bjk->bik", 2, {3, 3}, {{37, 20, 30}, {37, 30, 300}}, {{1, 40, 800}, {0}}, {0, 1}, 1,
	 {0}},
	{"bimj,bjk->bimk", 2, {4, 3}, {{5, 6, 7, 30}, {5, 30, 260}}, {{1, 5, 30, 210}, {0}}, {0, 1},
	 1, {0}},
};
static const char *const reordered_copy[] = {"%2 = reduce %0 -> [b j i]",
                                              "%2 = reduce %0 -> [b i j]",
                                              "%2 = reduce %0 -> [b i m j]"};

/* B read across its panels (runtime/pack_crossed.c): ijk with its axes
 * reversed beside jl, N = (i, k) as the result runs, i of unit stride,
 * read l = 260 times per element (copied dense before). i holds two and
 * three lines of f32 (four and six of f64), k = 64 whole panels (D),
 * 260 rows of M end in a partial register block, K = 37 in one partial
 * block; i = 48 makes N three groups, NC blocks holding whole ones. */
static const scase crossed[] = {
	{"ijk,jl->ilk", 2, {3, 2}, {{32, 37, 64}, {37, 260}}, {{1, 32, 1184}, {0}}, {0, 1}, 1, {0}},
	{"ijk,jl->ilk", 2, {3, 2}, {{48, 37, 64}, {37, 260}}, {{1, 48, 1776}, {0}}, {0, 1}, 1, {0}},
};

/* B with its innermost batch dim of unit stride, packed L batch elements
 * at a time (runtime/pack_crossed.c; L 16 f32, 8 f64). bjk stored kjb
 * (its axes reversed), read i = 260 times per element (copied dense
 * before): b = 37, two groups of 16 and a rest of 5 (four of 8 and 5),
 * k = 72 two whole panels of 32 columns and a partial one, j = 29 one
 * partial K block, 260 rows a partial register block. Then batch (a, b),
 * b of unit stride and a 32 apart: the groups of 16 that cross from one
 * a to the next do not run on, packed element by element. */
static const scase batch_crossed[] = {
	{"bij,bjk->bik", 2, {3, 3}, {{37, 260, 29}, {37, 29, 72}}, {{0}, {1, 37, 1073}}, {1, 0}, 1,
	 {0}},
	{"abij,abjk->abik", 2, {4, 4}, {{2, 20, 30, 16}, {2, 20, 16, 40}}, {{0}, {32, 1, 64, 1024}},
	 {1, 0}, 1, {0}},
};
/* A with its unit stride along the batch (bmm's bij stored jib): for f64
 * the operands are swapped (C^T = B^T A^T), the view packed as B L
 * batch elements at a time and C computed transposed a column of tiles
 * at a time (lower_gemm.c's swap_pays, runtime/add_transposed.c); f32
 * keeps the copy. b = 37 four groups of 8 and a rest of 5, i = 72 (N)
 * four whole panels of 16 f64 and a partial one, k = 40 (M) six register
 * blocks and a partial one, j = 600 (K) two blocks, the second added into
 * C. */
static const scase swapped = {"bij,bjk->bik", 2, {3, 3}, {{37, 72, 600}, {37, 600, 40}},
                              {{1, 37, 2664}, {0}}, {0, 1}, 1, {0}};

/* A read across in place, its K blocks runs of memory that the
 * micro-kernel sweeps ahead (lower_gemm.c's a_sweep): mttkrp's ijk with
 * its axes reversed beside the product of jr and kr, M = i of unit stride
 * (36 rows: a partial register block of 4), K = (k, j) 36 elements apart,
 * 600 values in four blocks, the last partial. */
static const scase swept = {"ijk,jr,kr->ir", 3, {3, 2, 2}, {{36, 20, 30}, {20, 32}, {30, 32}},
                            {{1, 36, 720}, {0}, {0}}, {0, 1, 1}, 1, {0}};

/* A read across in M blocks of one run, its micro-kernel sweeping the next
 * M block (lower_gemm.c's a_sweep_next): ttm's ijk stored ikj, j of 240
 * (whole register blocks of 8) one run of unit stride, K 250 (one block)
 * 240 elements apart, i 18: A 4.1 MiB in f32, more than znver5's 4 MiB
 * share of L3, its last block's sweep past A's end; l = 64, two register
 * blocks of columns. */
static const scase swept_next = {"ijk,lk->ijl", 2, {3, 2}, {{18, 240, 250}, {64, 250}},
                                 {{60000, 1, 240}, {0}}, {0, 1}, 1, {0}};

/* A read across in M blocks of a run over several dims (lower_gemm.c's
 * run_mc): the 4-index transform's first step contracting a middle axis,
 * pqrs,qj->prsj, M's (r, s) one run of 1024 elements (more than MC),
 * K = q 1024 apart, p 9: A 4.5 MiB in f64, more than znver5's 4 MiB share
 * of L3; j = 16, one register block of columns. */
static const scase swept_run = {"pqrs,qj->prsj", 2, {4, 2}, {{9, 64, 32, 32}, {64, 16}},
                                {{0}, {0}}, {1, 1}, 1, {0}};

/* C's block held (lower_gemm.c's held_block): ttm's ijk stored kji, M =
 * (j, i) one run of unit stride, K 64 KiB (f32) apart, A 12.5 MiB (more
 * than znver5's 4 MiB share of L3); M 16000 rows, 15 whole blocks of
 * 1024 and a partial one (its last register block partial), K 201 in K
 * blocks of 41 (odd) and a last one of 37 (K as even as it goes in the
 * fewest blocks of 48 at most); l = 64 one whole register block (C's
 * rows streamed), l = 50 a partial one; K 192, four whole K blocks of
 * 48 (the last, whose tiles go to C, whole too). */
static const scase held[] = {
	{"ijk,lk->ijl", 2, {3, 2}, {{64, 250, 201}, {64, 201}}, {{1, 64, 16000}, {0}}, {0, 1}, 1,
	 {0}},
	{"ijk,lk->ijl", 2, {3, 2}, {{64, 250, 200}, {50, 200}}, {{1, 64, 16000}, {0}}, {0, 1}, 1,
	 {0}},
	{"ijk,lk->ijl", 2, {3, 2}, {{64, 250, 192}, {64, 192}}, {{1, 64, 16000}, {0}}, {0, 1}, 1,
	 {0}},
	/* C's rows 68 elements apart, splitting lines: the last K block's
	 * kernel stores them itself */
	{"ijk,lk->ijl", 2, {3, 2}, {{64, 250, 201}, {64, 201}}, {{1, 64, 16000}, {0}}, {0, 1}, 0,
	 {17000, 68, 1}},
};

/* B packed by the micro-kernel (lower_gemm.c's b_copy): M = i of 41
 * rows (7 register blocks, the last partial), K = p of 37 in one block,
 * B's K rows far apart. B of 6 MiB in f64, 3 MiB in f32 and i32 (under
 * twice znver5's 4 MiB share of L3, and for haswell's 2.5 MiB in 4-byte
 * elements only), N = 21250 in NC blocks whose last micro-panel is
 * partial (packed as before); then B's k padded from 45 to 48, so that
 * the micro-panels that cross from one j to the next do not run on
 * (packed as before too). */
static const scase copied_b[] = {
	{"pi,pjk->ijk", 2, {2, 3}, {{37, 41}, {37, 50, 425}}, {{0}, {0}}, {1, 1}, 1, {0}},
	{"pi,pjk->ijk", 2, {2, 3}, {{37, 41}, {37, 50, 45}}, {{0}, {2400, 48, 1}}, {1, 0}, 1, {0}},
};

/* The elements "shape" ("rank" axes) hold; min and max offset at "strides". */
static int64_t extent(int rank, const int64_t *shape, const int64_t *strides, int64_t *lo,
                      int64_t *hi)
{
	int64_t n = 1;
	*lo = *hi = 0;
	for (int a = 0; a < rank; a++) {
		n *= shape[a];
		if (shape[a] == 0)
			continue;
		int64_t reach = strides[a] * (shape[a] - 1);
		if (reach < 0)
			*lo += reach;
		else
			*hi += reach;
	}
	return n;
}

/* The offset of row-major element "e" of "shape" at "strides". */
static int64_t offset_of(int rank, const int64_t *shape, const int64_t *strides, int64_t e)
{
	int64_t off = 0;
	for (int a = rank - 1; a >= 0; a--) {
		off += (e % shape[a]) * strides[a];
		e /= shape[a];
	}
	return off;
}

/* A strided array: its buffer, the element 0 within it, its size. */
typedef struct {
	char *buf;
	char *at;
	int64_t elems, span;
} view;

/* A buffer for "shape" at "strides" of "esize"-byte elements, every byte
 * "fill". */
static view view_new(int rank, const int64_t *shape, const int64_t *strides, size_t esize,
                     int fill)
{
	int64_t lo, hi;
	view v;
	v.elems = extent(rank, shape, strides, &lo, &hi);
	v.span = hi - lo + 1;
	/* aligned as a workspace is: large copies stream into whole lines */
	v.buf = aligned_alloc(64, ((size_t)v.span * esize + 63) / 64 * 64);
	assert_non_null(v.buf);
	memset(v.buf, fill, (size_t)v.span * esize);
	v.at = v.buf - lo * (int64_t)esize;
	return v;
}

/* Copies between the dense "dense" and the view "v" (to the view when
 * "scatter"). */
static void copy_view(int rank, const int64_t *shape, const int64_t *strides, view *v,
                      char *dense, size_t esize, int scatter)
{
	for (int64_t e = 0; e < v->elems; e++) {
		char *p = v->at + offset_of(rank, shape, strides, e) * (int64_t)esize;
		if (scatter)
			memcpy(p, dense + e * (int64_t)esize, esize);
		else
			memcpy(dense + e * (int64_t)esize, p, esize);
	}
}

/* Compiles case "c" in "dtype" on "threads" threads for CPU "cpu" (NULL:
 * the host), strided when "strided" (else dense). give. */
static einc_program *compile(einc_ctx *ctx, const scase *c, einc_dtype dtype, int threads,
                             int strided, const char *cpu)
{
	const int64_t *shapes[MAXOPS], *strides[MAXOPS];
	for (int k = 0; k < c->nops; k++) {
		shapes[k] = c->shapes[k];
		strides[k] = c->dense[k] ? NULL : c->strides[k];
	}
	einc_options o = refcheck_options(dtype, threads, cpu);
	einc_program *p = NULL;
	int orank = (int)strlen(strstr(c->spec, "->") + 2);
	if (einc_compile_strided(ctx, c->spec, c->nops, c->ranks, shapes, strided ? strides : NULL,
	                         orank, strided && !c->out_dense ? c->out_strides : NULL, &o, &p))
		fail_msg("%s: %s", c->spec, einc_ctx_message(ctx));
	return p;
}

/* Runs case "c" once: random values scattered into the operands' views,
 * the kernel on the views, the output gathered and checked against the
 * reference on the views' contents; the bytes around the output's view
 * must keep their fill. Returns a hash (FNV-1a) of the output's bytes. */
static uint64_t run_case(const scase *c, einc_dtype dtype, int threads, uint64_t *seed)
{
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = compile(ctx, c, dtype, threads, 1, NULL);
	size_t esize = einc_dtype_size(dtype);
	void **dense = refcheck_inputs(ctx, p, seed);
	assert_non_null(dense);
	view in[MAXOPS];
	const void *ptr[MAXOPS];
	for (int k = 0; k < c->nops; k++) {
		int64_t row[MAXRANK];
		const int64_t *st = c->strides[k];
		if (c->dense[k]) { /* row-major */
			int64_t s = 1;
			for (int a = c->ranks[k] - 1; a >= 0; a--) {
				row[a] = s;
				s *= c->shapes[k][a];
			}
			st = row;
		}
		in[k] = view_new(c->ranks[k], c->shapes[k], st, esize, 0);
		copy_view(c->ranks[k], c->shapes[k], st, &in[k], dense[k], esize, 1);
		copy_view(c->ranks[k], c->shapes[k], st, &in[k], dense[k], esize, 0);
		ptr[k] = in[k].at;
	}
	const int64_t *odims;
	int orank = einc_program_shape(p, -1, &odims);
	int64_t ostr[MAXRANK];
	for (int a = orank - 1, s = 1; a >= 0; a--) {
		ostr[a] = c->out_dense ? s : c->out_strides[a];
		s *= (int)odims[a];
	}
	view out = view_new(orank, odims, ostr, esize, 0x55);
	einc_kernel *k = NULL;
	assert_int_equal(einc_program_jit(ctx, p, &k), EINC_OK);
	assert_int_equal(einc_kernel_run(k, out.at, ptr, NULL), EINC_OK);
	char *res = malloc((size_t)out.elems * esize + 1);
	assert_non_null(res);
	copy_view(orank, odims, ostr, &out, res, esize, 0);
	uint64_t hash = 0xcbf29ce484222325ULL;
	for (int64_t b = 0; b < out.elems * (int64_t)esize; b++)
		hash = (hash ^ (unsigned char)res[b]) * 0x100000001b3ULL;
	einc_check_result r;
	assert_int_equal(einc_program_check(ctx, p, (const void *const *)dense, res, &r), EINC_OK);
	if (!r.ok)
		fail_msg("%s %s threads=%d: element %lld is %g, want %g", c->spec,
		         einc_dtype_name(dtype), threads, (long long)r.at, r.got, r.want);
	/* the bytes outside the view keep their fill */
	view mask = out;
	mask.buf = calloc((size_t)out.span, esize);
	assert_non_null(mask.buf);
	mask.at = mask.buf + (out.at - out.buf);
	memset(res, 1, (size_t)out.elems * esize);
	copy_view(orank, odims, ostr, &mask, res, esize, 1);
	for (int64_t b = 0; b < out.span * (int64_t)esize; b++)
		if (!mask.buf[b] && out.buf[b] != 0x55)
			fail_msg("%s: byte %lld outside the output's view was written", c->spec,
			         (long long)b);
	free(mask.buf);
	free(res);
	free(out.buf);
	for (int x = 0; x < c->nops; x++)
		free(in[x].buf);
	refcheck_inputs_free(dense);
	einc_kernel_free(k);
	einc_program_free(p);
	einc_ctx_free(ctx);
	return hash;
}

/* Every case, both dtypes, 1 and 4 threads. */
static void test_views(void **state)
{
	(void)state;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	for (size_t x = 0; x < sizeof cases / sizeof cases[0]; x++)
		for (int d = 0; d < 2; d++)
			for (int t = 1; t <= 4; t += 3)
				run_case(&cases[x], d ? EINC_F64 : EINC_F32, t, &seed);
}

/* The transposing copies in every dtype, on 1 thread and 4 (the runtime's
 * copy for 4- and 8-byte elements, whole or per row task when large; the
 * nest for c128). */
static void test_transpose_copies(void **state)
{
	(void)state;
	uint64_t seed = 0x243f6a8885a308d3ULL;
	static const einc_dtype dtypes[] = {EINC_F32, EINC_F64, EINC_C64, EINC_C128, EINC_I32,
	                                    EINC_I64};
	for (size_t x = 0; x < sizeof copies / sizeof copies[0]; x++)
		for (size_t d = 0; d < sizeof dtypes / sizeof dtypes[0]; d++)
			for (int t = 1; t <= 4; t += 3)
				run_case(&copies[x], dtypes[d], t, &seed);
}

/* The dump of "p" at "stage". give. */
static char *dump(einc_ctx *ctx, const einc_program *p, einc_stage stage)
{
	char *text = NULL;
	assert_int_equal(einc_program_dump(ctx, p, stage, &text), EINC_OK);
	return text;
}

/* Dense strides (any stride on an axis of extent 1) compile to the loops
 * of no strides; views show theirs in the loops dump: A transposed reads
 * in0[i + 37*j], the reversed B in1[-29*j + k], the padded C out[32*i + k]. */
static void test_dense_and_dump(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	int ranks[2] = {2, 2};
	int64_t a[2] = {1, 53}, b[2] = {53, 29}, sa[2] = {99, 1}, sb[2] = {29, 1}, so[2] = {29, 1};
	const int64_t *shapes[2] = {a, b}, *strides[2] = {sa, sb};
	einc_program *plain = NULL, *dense = NULL;
	assert_int_equal(einc_compile(ctx, "ij,jk->ik", 2, ranks, shapes, NULL, &plain), EINC_OK);
	assert_int_equal(einc_compile_strided(ctx, "ij,jk->ik", 2, ranks, shapes, strides, 2, so,
	                                      NULL, &dense), EINC_OK);
	char *x = dump(ctx, plain, EINC_STAGE_LOOPS), *y = dump(ctx, dense, EINC_STAGE_LOOPS);
	assert_string_equal(x, y);
	einc_free(x);
	einc_free(y);
	einc_program_free(plain);
	einc_program_free(dense);

	einc_program *p = compile(ctx, &cases[0], EINC_F32, 0, 1, NULL);
	char *loops = dump(ctx, p, EINC_STAGE_LOOPS);
	if (!strstr(loops, "out[32*i + k] += in0[i + 37*j] * in1[-29*j + k]"))
		fail_msg("the loops dump misses the strides:\n%s", loops);
	einc_free(loops);
	char path[64];
	snprintf(path, sizeof path, "test_strided_%d.h", (int)getpid());
	assert_int_equal(einc_program_emit_header(ctx, p, path, "sv"), EINC_OK);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char text[8192];
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = 0;
	fclose(f);
	remove(path);
	assert_non_null(strstr(text, "#define SV_IN0_STRIDES {1, 37}\n"));
	assert_non_null(strstr(text, "#define SV_IN1_STRIDES {-29, 1}\n"));
	assert_non_null(strstr(text, "#define SV_OUT_STRIDES {32, 1}\n"));
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* Fails with "what" and the dump unless case "c" compiled in "dtype" on
 * one thread has "text" in its dump at "stage" ("present" nonzero) or
 * lacks it ("present" 0). */
static void expect_dump(einc_ctx *ctx, int c, einc_dtype dtype, einc_stage stage,
                        const char *text, int present, const char *what)
{
	einc_program *p = compile(ctx, &cases[c], dtype, 0, 1, NULL);
	char *d = dump(ctx, p, stage);
	if ((strstr(d, text) != NULL) != !!present)
		fail_msg("case %d: %s:\n%s", c, what, d);
	einc_free(d);
	einc_program_free(p);
}

/* A strided operand that a GEMM-like step reads many times per element,
 * itself or as a factor of a product the step packs, gets a copy step of
 * its own (the tree's unary "reduce" that keeps every index, a nest from
 * the view into a dense intermediate); one read few times does not, nor
 * one that GETT reads as fast as its dense twin. */
static void test_relayout(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	expect_dump(ctx, 3, EINC_F32, EINC_STAGE_TREE, "%2 = reduce %0 -> [b j i]", 1,
	            "no copy step in the tree");
	expect_dump(ctx, 3, EINC_F32, EINC_STAGE_TREE, "%3 = contract %2 %1 -> [b i k]", 1,
	            "the step does not read the copy");
	expect_dump(ctx, 3, EINC_F32, EINC_STAGE_LOOPS,
	            "step 0: S0(b, ji) : ws@0[600*b + ji] = in0[b + 3*ji]", 1,
	            "the copy does not read the view");
	/* bj, a factor of the product */
	expect_dump(ctx, 15, EINC_F32, EINC_STAGE_TREE, "%3 = reduce %2 -> [b j]", 1,
	            "no copy of the product's transposed factor");
	/* views whose unit stride GETT's packing follows, their indices in
	 * the twin's order within each group (K in any order beside a fused
	 * product): read in place; a reversed A whose M would flatten in
	 * another order than the result's: copied */
	static const int in_place[] = {16, 17, 19, 20};
	for (size_t x = 0; x < sizeof in_place / sizeof in_place[0]; x++)
		expect_dump(ctx, in_place[x], EINC_F32, EINC_STAGE_TREE, "reduce", 0,
		            "copies a view GETT reads in place");
	expect_dump(ctx, 18, EINC_F32, EINC_STAGE_TREE, "%2 = reduce %0 -> [i k j]", 1,
	            "no copy of the reversed A");
	/* the same K order in place beside a product fused as it is packed:
	 * its GEMM follows the view's order; complex products are not fused,
	 * so the view is copied */
	expect_dump(ctx, 20, EINC_F32, EINC_STAGE_LOOPS, "k(j, i) a=in0 fused=a", 1,
	            "K does not follow the view beside the fused product");
	expect_dump(ctx, 20, EINC_C64, EINC_STAGE_TREE, "reduce %1 -> [i j o]", 1,
	            "no copy of the reversed ioj beside a complex product");
	/* C reads A 29 times per element */
	expect_dump(ctx, 0, EINC_F32, EINC_STAGE_TREE, "reduce", 0, "copies a view read few times");
	einc_ctx_free(ctx);
}

/* The crossed B (crossed[]) in both dtypes on 1, 2 and 16 threads (16:
 * tasks share B's panels, packed in chunks of panel columns) against the
 * reference; for znver5 (AVX-512) the view is not copied first and its
 * GEMM packs it across, NC whole groups of 16 lines of i (two of 16 x 64
 * columns). A complex step's real form (lower_gemm_complex) packs no B
 * across, so there the view is copied, as relayout.c asks the GETT form
 * the step gets (docs/bench-views.md, run 21). */
static void test_crossed(void **state)
{
	(void)state;
	uint64_t seed = 0x2545f4914f6cdd1dULL;
	static const int threads[] = {1, 2, 16};
	for (size_t x = 0; x < sizeof crossed / sizeof crossed[0]; x++)
		for (int d = 0; d < 2; d++)
			for (int t = 0; t < 3; t++)
				run_case(&crossed[x], d ? EINC_F64 : EINC_F32, threads[t], &seed);
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = compile(ctx, &crossed[0], EINC_F32, 1, 1, "znver5");
	char *tree = dump(ctx, p, EINC_STAGE_TREE), *loops = dump(ctx, p, EINC_STAGE_LOOPS);
	if (strstr(tree, "reduce") || !strstr(loops, "n(i, k) k(j) a=in1 b=crossed") ||
	    !strstr(loops, "nc=2048 "))
		fail_msg("the reversed ijk is not packed across:\n%s\n%s", tree, loops);
	einc_free(tree);
	einc_free(loops);
	einc_program_free(p);
	for (int d = 0; d < 2; d++) {
		p = compile(ctx, &crossed[0], d ? EINC_C128 : EINC_C64, 1, 1, "znver5");
		tree = dump(ctx, p, EINC_STAGE_TREE);
		if (!strstr(tree, "%2 = reduce %0 -> [i k j]"))
			fail_msg("the complex reversed ijk is not copied:\n%s", tree);
		einc_free(tree);
		einc_program_free(p);
		run_case(&crossed[0], d ? EINC_C128 : EINC_C64, 2, &seed);
	}
	einc_ctx_free(ctx);
}

/* Runs each of the "n" cases "list" in each of the "nd" "dtypes" on 1, 2
 * and 16 threads against the reference (run_case, from "seed" each
 * time): the output's bytes must be the same on each. */
static void same_bytes_in(const scase *list, size_t n, uint64_t seed, const einc_dtype *dtypes,
                          int nd)
{
	static const int threads[] = {1, 2, 16};
	for (size_t x = 0; x < n; x++)
		for (int d = 0; d < nd; d++) {
			uint64_t hash[3];
			for (int t = 0; t < 3; t++) {
				uint64_t s = seed;
				hash[t] = run_case(&list[x], dtypes[d], threads[t], &s);
			}
			if (hash[1] != hash[0] || hash[2] != hash[0])
				fail_msg("%s %s: results differ on 1, 2 and 16 threads", list[x].spec,
				         einc_dtype_name(dtypes[d]));
		}
}

/* same_bytes_in for f32 and f64. */
static void same_bytes(const scase *list, size_t n, uint64_t seed)
{
	static const einc_dtype both[] = {EINC_F32, EINC_F64};
	same_bytes_in(list, n, seed, both, 2);
}

/* The copies of reordered[] in the order each case names (f32), and their
 * steps in both dtypes on 1, 2 and 16 threads against the reference, the
 * same bytes on each. */
static void test_copy_order(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof reordered / sizeof reordered[0]; x++) {
		einc_program *p = compile(ctx, &reordered[x], EINC_F32, 1, 1, NULL);
		char *tree = dump(ctx, p, EINC_STAGE_TREE);
		if (!strstr(tree, reordered_copy[x]))
			fail_msg("case %zu: no \"%s\":\n%s", x, reordered_copy[x], tree);
		einc_free(tree);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
	same_bytes(reordered, sizeof reordered / sizeof reordered[0], 0x5851f42d4c957f2dULL);
}

/* B packed L batch elements at a time (batch_crossed[]) in both dtypes on
 * 1, 2 and 16 threads (16: units split by M, each task packing its own
 * panels) against the reference, the same bytes on each; for znver5
 * (AVX-512) the view is not copied first and its GEMM packs 16 batch
 * elements' panels at once. */
static void test_batch_crossed(void **state)
{
	(void)state;
	same_bytes(batch_crossed, sizeof batch_crossed / sizeof batch_crossed[0],
	           0x9b05688c2b3e6c1fULL);
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = compile(ctx, &batch_crossed[0], EINC_F32, 1, 1, "znver5");
	char *tree = dump(ctx, p, EINC_STAGE_TREE), *loops = dump(ctx, p, EINC_STAGE_LOOPS);
	if (strstr(tree, "reduce") || !strstr(loops, "k(j) a=in0 a_ahead=rows b=batch-crossed:16 "))
		fail_msg("the reversed bjk is not packed across its batch:\n%s\n%s", tree, loops);
	einc_free(tree);
	einc_free(loops);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* A plan for a named CPU and dtype, and whether a text is in its loops
 * dump. */
typedef struct {
	const char *cpu;
	einc_dtype dtype;
	int present;
} plan_pin;

/* Fails unless the loops dump of case "c" compiled for each of the "n"
 * "pins" holds "must" and holds "text" exactly where the pin says;
 * "what" says what "text" shows. */
static void expect_pins(const scase *c, const plan_pin *pins, size_t n, const char *must,
                        const char *text, const char *what)
{
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < n; x++) {
		einc_program *p = compile(ctx, c, pins[x].dtype, 1, 1, pins[x].cpu);
		char *loops = dump(ctx, p, EINC_STAGE_LOOPS);
		if (!strstr(loops, must) || (strstr(loops, text) != NULL) != pins[x].present)
			fail_msg("%s %s: %s %s:\n%s", pins[x].cpu, einc_dtype_name(pins[x].dtype), what,
			         pins[x].present ? "expected" : "not expected", loops);
		einc_free(loops);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/* The swapped bmm (swapped) in f32, f64 and i64 on 1, 2 and 16 threads
 * against the reference, the same bytes on each; its plan for znver5
 * f64 swaps the operands and computes C transposed, for znver5 f32 (16
 * a line) and znver3 (AVX2) f64 not. */
static void test_swapped(void **state)
{
	(void)state;
	static const int threads[] = {1, 2, 16};
	static const einc_dtype dtypes[] = {EINC_F32, EINC_F64, EINC_I64};
	for (int d = 0; d < 3; d++) {
		uint64_t hash[3];
		for (int t = 0; t < 3; t++) {
			uint64_t seed = 0x2545f4914f6cdd1dULL;
			hash[t] = run_case(&swapped, dtypes[d], threads[t], &seed);
		}
		if (hash[1] != hash[0] || hash[2] != hash[0])
			fail_msg("%s: results differ on 1, 2 and 16 threads", swapped.spec);
	}
	static const plan_pin pins[] = {
		{"znver5", EINC_F64, 1}, {"znver5", EINC_F32, 0}, {"znver3", EINC_F64, 0}};
	expect_pins(&swapped, pins, sizeof pins / sizeof pins[0], "bik",
	            "m(k) n(i) k(j) a=in1 b=batch-crossed:8 c=transposed ", "the operands swapped");
}

/* The swept A (swept) in both dtypes on 1, 2 and 16 threads against the
 * reference (the sweep names lines past A's end after its last block, and
 * past a thread's part of it: prefetches only); for znver5 (AVX-512: 1
 * register block of 32 f32 columns, 2 of 16 f64, 32 multiply-adds a line,
 * too few for the runtime's prefetches between calls) its micro-kernel
 * sweeps A's next block, for znver3 (AVX2: 64 a line) the runtime
 * prefetches it between calls. */
static void test_swept(void **state)
{
	(void)state;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	static const int threads[] = {1, 2, 16};
	for (int d = 0; d < 2; d++)
		for (int t = 0; t < 3; t++)
			run_case(&swept, d ? EINC_F64 : EINC_F32, threads[t], &seed);
	static const plan_pin pins[] = {
		{"znver5", EINC_F32, 1}, {"znver5", EINC_F64, 1}, {"znver3", EINC_F32, 0}};
	expect_pins(&swept, pins, sizeof pins / sizeof pins[0], "k(k, j) a=in0 ", " a_ahead=kernel ",
	            "A read across swept by its micro-kernel");
}

/* The swept next M block (swept_next) in f32 and f64 on 1, 2 and 16
 * threads against the reference, the same bytes on each; for znver5 f32
 * its micro-kernel sweeps A's next M block, for znver5 f64 (four register
 * blocks of columns: A packed) and znver3 (AVX2, unmeasured) not. */
static void test_swept_next(void **state)
{
	(void)state;
	same_bytes(&swept_next, 1, 0x9e3779b97f4a7c15ULL);
	static const plan_pin pins[] = {
		{"znver5", EINC_F32, 1}, {"znver5", EINC_F64, 0}, {"znver3", EINC_F32, 0}};
	expect_pins(&swept_next, pins, sizeof pins / sizeof pins[0], "m(i, j) n(l) k(k) a=in0 ",
	            " a_ahead=kernel ", "the next M block swept by the micro-kernel");
}

/* The run over several dims (swept_run) in f32 and f64 on 1, 2 and 16
 * threads against the reference, the same bytes on each; for znver5 f64
 * its micro-kernel sweeps the next M block of 1024 rows (two such blocks
 * over all of K fill L2), for znver3 (AVX2, unmeasured) not. */
static void test_swept_run(void **state)
{
	(void)state;
	same_bytes(&swept_run, 1, 0x9e3779b97f4a7c15ULL);
	static const plan_pin pins[] = {{"znver5", EINC_F64, 1}, {"znver3", EINC_F64, 0}};
	expect_pins(&swept_run, pins, sizeof pins / sizeof pins[0], "m(p, r, s) n(j) k(q) a=in0 ",
	            " a_ahead=kernel mc=1024 ", "the next M block of one run swept");
}

/* The held cases (held) in f32, f64 and i32 on 1, 2 and 16 threads
 * against the reference, the same bytes on each; for znver5 (AVX-512)
 * f32 and i32 (4 bytes an element, exact) hold C's block, f64 does not
 * (unmeasured), nor f32 for znver3 (AVX2: 16 registers, too few for the
 * 6 x 4 vector block), C's rows on lines or not (held[3]). */
static void test_held(void **state)
{
	(void)state;
	static const einc_dtype dtypes[] = {EINC_F32, EINC_F64, EINC_I32};
	same_bytes_in(held, sizeof held / sizeof held[0], 0x9e3779b97f4a7c15ULL, dtypes, 3);
	static const plan_pin pins[] = {{"znver5", EINC_F32, 1},
	                                {"znver5", EINC_I32, 1},
	                                {"znver5", EINC_F64, 0},
	                                {"znver3", EINC_F32, 0}};
	for (int x = 0; x < 4; x += 3)
		expect_pins(&held[x], pins, sizeof pins / sizeof pins[0], "m(j, i) n(l) k(k) a=in0 ",
		            " c=held mc=1024 nc=64 kc=41 ", "C's block held");
}

/* The cases of B packed by the micro-kernel (copied_b) in f32, f64 and
 * i32 on 1, 2 and 16 threads against the reference, the same bytes on
 * each; their plans for znver5 pack B so, and for haswell in f32 (3 MiB
 * of B, under twice its 2.5 MiB share of L3), not in f64 (6 MiB). */
static void test_copied_b(void **state)
{
	(void)state;
	static const einc_dtype dtypes[] = {EINC_F32, EINC_F64, EINC_I32};
	same_bytes_in(copied_b, sizeof copied_b / sizeof copied_b[0], 0x9e3779b97f4a7c15ULL,
	              dtypes, 3);
	static const plan_pin pins[] = {{"znver5", EINC_F64, 1},
	                                {"znver5", EINC_F32, 1},
	                                {"haswell", EINC_F32, 1},
	                                {"haswell", EINC_F64, 0}};
	for (size_t x = 0; x < sizeof copied_b / sizeof copied_b[0]; x++)
		expect_pins(&copied_b[x], pins, x ? 1 : sizeof pins / sizeof pins[0],
		            "m(i) n(j, k) k(p) a=in0 ", " b=copy ", "B packed by the micro-kernel");
}

/* Output strides that let two elements share memory or that miss an
 * axis, and offsets beyond int64, are refused with the stage and the
 * axis; shapes with no ranks, with the status the context holds. */
static void test_bad_strides(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	int ranks[2] = {2, 2};
	int64_t a[2] = {3, 4}, b[2] = {4, 5};
	const int64_t *shapes[2] = {a, b};
	int64_t overlap[2] = {1, 1}, zero[2] = {0, 1}, big[2] = {INT64_MAX / 2, 1};
	const int64_t *huge[2] = {big, NULL};
	einc_program *p = (einc_program *)1;
	assert_int_equal(einc_compile_strided(ctx, "ij,jk->ik", 2, ranks, shapes, NULL, 2, overlap,
	                                      NULL, &p), EINC_EINVAL);
	assert_null(p);
	assert_string_equal(einc_ctx_stage(ctx), "strides");
	assert_non_null(strstr(einc_ctx_message(ctx), "axis 1 (stride 1)"));
	assert_int_equal(einc_compile_strided(ctx, "ij,jk->ik", 2, ranks, shapes, NULL, 2, zero,
	                                      NULL, &p), EINC_EINVAL);
	assert_non_null(strstr(einc_ctx_message(ctx), "axis 0 (stride 0)"));
	assert_int_equal(einc_compile_strided(ctx, "ij,jk->ik", 2, ranks, shapes, huge, 0, NULL,
	                                      NULL, &p), EINC_EOVERFLOW);
	assert_non_null(strstr(einc_ctx_message(ctx), "operand 0"));
	assert_int_equal(einc_compile_strided(ctx, "ij,jk->ik", 2, ranks, shapes, NULL, 1, zero,
	                                      NULL, &p), EINC_EINVAL);
	assert_non_null(strstr(einc_ctx_message(ctx), "out_strides has 1 axes, the output 2"));
	p = (einc_program *)1;
	assert_int_equal(einc_compile_strided(ctx, "ij,jk->ik", 2, NULL, shapes, NULL, 0, NULL,
	                                      NULL, &p), EINC_EINVAL);
	assert_null(p);
	assert_int_equal(einc_ctx_status(ctx), EINC_EINVAL);
	assert_string_equal(einc_ctx_stage(ctx), "api");
	einc_ctx_free(ctx);
}

/* Runs "p" on "in" into an output that starts "part" bytes past a
 * 64-byte boundary at element stride "step", and checks each element
 * against "want" ("n" elements of "esize" bytes). */
static void run_part_aligned(einc_ctx *ctx, const einc_program *p, const void *const *in,
                             size_t part, int64_t step, const char *want, size_t n, size_t esize)
{
	char *buf = aligned_alloc(64, (n * esize * (size_t)step + part + 63) / 64 * 64);
	assert_non_null(buf);
	einc_kernel *k;
	assert_int_equal(einc_program_jit(ctx, p, &k), EINC_OK);
	assert_int_equal(einc_kernel_run(k, buf + part, in, NULL), EINC_OK);
	for (size_t x = 0; x < n; x++)
		assert_memory_equal(buf + part + x * esize * (size_t)step, want + x * esize, esize);
	einc_kernel_free(k);
	free(buf);
}

/* A complex output at its C alignment (8 for double _Complex), not its
 * size's: the kernel zeroing it (a dense memset, a strided loop of
 * stores) assumed the element's size and stored with 16-byte moves. */
static void test_part_aligned_out(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	uint64_t seed = 31;
	const einc_dtype dtypes[] = {EINC_C64, EINC_C128};
	for (size_t d = 0; d < sizeof dtypes / sizeof *dtypes; d++) {
		size_t part = dtypes[d] == EINC_C64 ? 4 : 8;
		int ranks[1] = {3};
		int64_t dims[3] = {9, 10, 11}, out_step[1] = {2};
		const int64_t *shapes[1] = {dims};
		einc_options o;
		einc_options_init(&o);
		o.dtype = dtypes[d];
		einc_program *dense = refcheck_compile(ctx, "ijk->k", "i=9,j=10,k=11", dtypes[d]);
		einc_program *strided;
		assert_int_equal(einc_compile_strided(ctx, "ijk->k", 1, ranks, shapes, NULL, 1,
		                                      out_step, &o, &strided), EINC_OK);
		void **in = refcheck_inputs(ctx, dense, &seed);
		assert_non_null(in);
		size_t bytes;
		char *want = refcheck_run(ctx, dense, (const void *const *)in, &bytes);
		size_t n = (size_t)einc_program_elems(dense, -1);
		run_part_aligned(ctx, dense, (const void *const *)in, part, 1, want, n, bytes / n);
		run_part_aligned(ctx, strided, (const void *const *)in, part, 2, want, n, bytes / n);
		free(want);
		refcheck_inputs_free(in);
		einc_program_free(dense);
		einc_program_free(strided);
	}
	einc_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_transpose_copies),
		cmocka_unit_test(test_dense_and_dump),
		cmocka_unit_test(test_relayout),
		cmocka_unit_test(test_copy_order),
		cmocka_unit_test(test_crossed),
		cmocka_unit_test(test_batch_crossed),
		cmocka_unit_test(test_swapped),
		cmocka_unit_test(test_swept),
		cmocka_unit_test(test_swept_next),
		cmocka_unit_test(test_swept_run),
		cmocka_unit_test(test_held),
		cmocka_unit_test(test_copied_b),
		cmocka_unit_test(test_bad_strides),
		cmocka_unit_test(test_part_aligned_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
