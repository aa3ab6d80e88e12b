/*
 * test_tiled.c - chains of steps run tile by tile (passes/tile.c): each
 * case, compiled with a fast-memory size (einc_options.tile_cache) small
 * enough that its intermediates pass it, is tiled as expected (the plan's
 * report, the loops' tile loop); the result matches the reference
 * evaluator and is bit-identical on 1, 2 and 16 threads, in f32 and f64.
 * (Not always bit-identical to the einsum untiled: a step over a tile may
 * block or vectorise its sums otherwise than over the whole.) Sizes leave
 * partial register and cache blocks inside each tile; a tile always
 * divides its label's size (tile.h), so a prime size runs tiles of 1.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "einc.h"
#include "refcheck.h"

/* One case: the spec and sizes, the contraction order, the fast memory
 * it is tiled for in f32 (twice that in f64, so that the same tiles fit),
 * and what the plan's report says of the chain ("over X, tile T of N"). */
typedef struct {
	const char *spec, *dims;
	einc_path path;
	int64_t cache;
	const char *tiles;
} tcase;

static const tcase cases[] = {
	/* the 4-index transform: the two steps that keep p, tiles of 2 */
	{"pqrs,pi,qj,rk,sl->ijkl", "p=8,q=6,r=7,s=6,i=9,j=5,k=6,l=8", EINC_PATH_AUTO, 4096,
	 "steps n5 n6 over p, tile 2 of 8"},
	/* a prime size: tiles of one */
	{"pqrs,pi,qj,rk,sl->ijkl", "p=7,q=7,r=7,s=6,i=9,j=5,k=9,l=8", EINC_PATH_AUTO, 2048,
	 "steps n5 n6 over p, tile 1 of 7"},
	/* Tucker reconstruction (over its output's first label, or a core
	 * label) and projection */
	{"abc,ia,jb,kc->ijk", "a=5,b=6,c=4,i=20,j=18,k=16", EINC_PATH_AUTO, 2048,
	 "steps n5 n6 over i, tile 2 of 20"},
	{"abc,ia,jb,kc->ijk", "a=5,b=6,c=4,i=20,j=18,k=16", EINC_PATH_AUTO, 1024,
	 "steps n4 n5 over c, tile 1 of 4"},
	{"ijk,ia,jb,kc->abc", "a=4,b=5,c=3,i=40,j=36,k=44", EINC_PATH_AUTO, 8192,
	 "steps n4 n5 over j, tile 6 of 36"},
	/* a batch label every operand holds: each tile reads its own windows */
	{"zab,zbc,zcd,zde->zae", "z=12,a=9,b=11,c=10,d=13,e=7", EINC_PATH_AUTO, 2048,
	 "steps n4 n5 n6 over z, tile 3 of 12"},
	/* plain nests, merged dims, a chain's result zeroed a tile at a time
	 * (its window not one block), four steps (numpy's test_complex) */
	{"acdf,jbje,gihb,hfac,gfac,gifabc,hfac", "a=2,b=3,c=4,d=5,e=4,f=3,g=2,h=6,i=5,j=4",
	 EINC_PATH_LTR, 131072, "steps n8 n9 n10 n11 over h, tile 1 of 6"},
};

/* The thread counts every case runs on. */
static const int thread_counts[] = {1, 2, 16};
#define NTHREADS 3

/* Compiles case "c" in "dtype" for "threads" and "cache" (tile_cache),
 * asserting success. */
static einc_program *compile(einc_ctx *ctx, const tcase *c, einc_dtype dtype, int threads,
                             int64_t cache)
{
	einc_options o = refcheck_options(dtype, threads, NULL);
	o.path = c->path;
	o.tile_cache = cache;
	return refcheck_compile_text(ctx, c->spec, c->dims, NULL, &o);
}

/* Runs the programs "p" (one per thread count) on inputs from "*seed",
 * asserting the reference's result and bit-identical threads (naming
 * "what"), then frees them. */
static void agree_and_free(einc_ctx *ctx, einc_program **p, const char *what, uint64_t *seed)
{
	void **in = refcheck_inputs(ctx, p[0], seed);
	assert_non_null(in);
	size_t bytes;
	free(refcheck_agree(ctx, p, thread_counts, NTHREADS, (const void *const *)in, what, &bytes));
	refcheck_inputs_free(in);
	for (int t = 0; t < NTHREADS; t++)
		einc_program_free(p[t]);
}

/* Case "c" in "dtype" (see the top of the file). */
static void check_case(einc_ctx *ctx, const tcase *c, einc_dtype dtype, uint64_t *seed)
{
	einc_program *p[NTHREADS];
	int64_t cache = c->cache * (int64_t)einc_dtype_size(dtype) / 4;
	for (int t = 0; t < NTHREADS; t++)
		p[t] = compile(ctx, c, dtype, thread_counts[t], cache);
	if (!refcheck_dump_has(ctx, p[0], EINC_STAGE_PLAN, "; tiled: steps") ||
	    !refcheck_dump_has(ctx, p[0], EINC_STAGE_PLAN, c->tiles) ||
	    !refcheck_dump_has(ctx, p[0], EINC_STAGE_LOOPS, " : tiles "))
		fail_msg("%s %s: not tiled (%s)", c->spec, c->dims, c->tiles);
	char what[160];
	snprintf(what, sizeof what, "%s %s", c->spec, c->dims);
	agree_and_free(ctx, p, what, seed);
}

/* Every case in the dtype "*state" points at. */
static void test_tiled(void **state)
{
	einc_dtype dtype = *(const einc_dtype *)*state;
	einc_ctx *ctx = einc_ctx_new();
	uint64_t seed = 0x13198a2e03707344ULL;
	for (size_t x = 0; x < sizeof cases / sizeof cases[0]; x++)
		check_case(ctx, &cases[x], dtype, &seed);
	einc_ctx_free(ctx);
}

/* A per-tile intermediate that the chain's next step would pack as its B
 * (K rows 40-80 KiB apart, 30 rows of C: 5 register blocks; 64 rows: 11,
 * which B in place allows too) is laid out with the summed label moved in
 * (passes/layout.c), so that the step reads it in place; untiled it keeps
 * index order. Both dtypes, the reference's result, 1, 2 and 16 threads
 * bit-identical. */
static void test_layout(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	uint64_t seed = 0x7e5a1f0c3b9d2468ULL;
	static const char *const dims[] = {"p=5,q=20,r=6,l=16,k=32,j=30",
	                                   "p=5,q=20,r=6,l=16,k=32,j=64"};
	for (int d = 0; d < 4; d++) {
		const tcase c = {"pqrl,rk,qj->pjlk", dims[d / 2], EINC_PATH_LTR, 98304,
		                 "steps n3 n4 over p, tile 1 of 5"};
		einc_dtype dtype = d % 2 ? EINC_F64 : EINC_F32;
		einc_program *p[NTHREADS];
		int64_t cache = c.cache * (int64_t)einc_dtype_size(dtype) / 4;
		for (int t = 0; t < NTHREADS; t++)
			p[t] = compile(ctx, &c, dtype, thread_counts[t], cache);
		assert_true(refcheck_dump_has(ctx, p[0], EINC_STAGE_PLAN, c.tiles));
		assert_true(refcheck_dump_has(ctx, p[0], EINC_STAGE_TREE, "%3 = contract %0 %1 -> [p l q k]"));
		agree_and_free(ctx, p, c.spec, &seed);
		einc_program *untiled = compile(ctx, &c, dtype, 1, -1);
		assert_true(refcheck_dump_has(ctx, untiled, EINC_STAGE_TREE, "-> [p q l k]"));
		einc_program_free(untiled);
	}
	einc_ctx_free(ctx);
}

/* A chain of 67 tiles (a prime: tiles of one) runs its tiles as parallel
 * tasks on 2 and 16 threads (4 tiles a thread or more; passes/tile.c),
 * and on the machine's count (threads 0), each task with its per-tile
 * intermediate and GETT scratch in its own buffer (task@) while it reads
 * an intermediate of the whole chain (ws@) and writes its window of the
 * output; on 1 thread one tile after another. Partial register blocks in
 * every step. f32, f64, c64 (its 1m GETT steps) and i32: the reference's
 * result, bit-identical on 1, 2 and 16 threads. */
static void test_tasks(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	uint64_t seed = 0x243f6a8885a308d3ULL;
	const tcase c = {"zab,zbc,zcd,zde->zae", "z=67,a=20,b=21,c=16,d=22,e=16", EINC_PATH_AUTO,
	                 8192, "steps n5 n6 over z, tile 1 of 67"};
	static const einc_dtype dtypes[] = {EINC_F32, EINC_F64, EINC_C64, EINC_I32};
	for (size_t d = 0; d < sizeof dtypes / sizeof dtypes[0]; d++) {
		einc_dtype dtype = dtypes[d];
		int64_t cache = c.cache * (int64_t)einc_dtype_size(dtype) / 4;
		einc_program *p[NTHREADS];
		for (int t = 0; t < NTHREADS; t++) {
			p[t] = compile(ctx, &c, dtype, thread_counts[t], cache);
			assert_true(refcheck_dump_has(ctx, p[t], EINC_STAGE_PLAN, c.tiles));
			assert_int_equal(refcheck_dump_has(ctx, p[t], EINC_STAGE_PLAN,
			                                   "; tiled: tiles run as parallel tasks"),
			                 t > 0);
			assert_int_equal(refcheck_dump_has(ctx, p[t], EINC_STAGE_LOOPS, "scratch=task@"),
			                 t > 0);
		}
		einc_program *any = compile(ctx, &c, dtype, 0, cache);
		assert_true(refcheck_dump_has(ctx, any, EINC_STAGE_LOOPS,
		                              "tiles 67 of steps 1 2 as parallel tasks"));
		einc_program_free(any);
		agree_and_free(ctx, p, c.spec, &seed);
	}
	/* Larger tiles, where tasks that shared a buffer would overlap (f64,
	 * 0.14 ms a tile: the pool splits a loop whose tasks pay for the
	 * hand-off, and tiles of 0.01 ms passed with one buffer shared as
	 * often as not): on 2 and 16 threads, five runs of one kernel each,
	 * the bytes of 1 thread (no reference here: its sum over every point,
	 * 1.4e11 of them, would take hours; the case above checks it) */
	const tcase big = {c.spec, "z=67,a=120,b=130,c=110,d=125,e=115", EINC_PATH_AUTO, 262144,
	                   "steps n5 n6 over z, tile 1 of 67"};
	einc_program *one = compile(ctx, &big, EINC_F64, 1, big.cache);
	assert_true(refcheck_dump_has(ctx, one, EINC_STAGE_PLAN, big.tiles));
	void **in = refcheck_inputs(ctx, one, &seed);
	assert_non_null(in);
	size_t bytes;
	void *want = refcheck_run(ctx, one, (const void *const *)in, &bytes);
	for (int t = 1; t < NTHREADS; t++) {
		einc_program *many = compile(ctx, &big, EINC_F64, thread_counts[t], big.cache);
		assert_true(refcheck_dump_has(ctx, many, EINC_STAGE_LOOPS, "as parallel tasks"));
		refcheck_repeat(ctx, many, (const void *const *)in, want, bytes, 5,
		                "tiles as tasks differ from 1 thread");
		einc_program_free(many);
	}
	free(want);
	refcheck_inputs_free(in);
	einc_program_free(one);
	einc_ctx_free(ctx);
}

/* Intermediates that fit the fast memory are not tiled, nor anything
 * under a budget, nor windows of short runs; a tile_cache below -1 is an
 * error. */
static void test_not_tiled(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = compile(ctx, &cases[0], EINC_F64, 1, 1 << 20);
	assert_false(refcheck_dump_has(ctx, p, EINC_STAGE_PLAN, "tiled"));
	einc_program_free(p);
	einc_options o;
	einc_options_init(&o);
	o.tile_cache = 4096;
	o.budget = 1 << 20;
	assert_int_equal(einc_compile_text(ctx, cases[0].spec, cases[0].dims, NULL, &o, &p), EINC_OK);
	assert_false(refcheck_dump_has(ctx, p, EINC_STAGE_PLAN, "tiled"));
	einc_program_free(p);
	/* bmm with A a view read 256 times per element: its relayout copy and
	 * the GEMM keep b. With A's i and j swapped, in padded rows (with
	 * gaps, so still copied: relayout.c) a tile of b reads runs of 4 KiB
	 * and more: tiled. With b of unit stride (the copy then bji, i after
	 * b one run of memory) a tile reads A's elements 64 bytes apart,
	 * moving the whole of A again each time: not tiled. */
	o.budget = 0;
	o.tile_cache = 16384;
	int64_t a_shape[3] = {16, 32, 32}, b_shape[3] = {16, 32, 256};
	int64_t swapped[3] = {1100, 1, 34}, b_unit[3] = {1, 16, 512}, dense[3] = {8192, 256, 1};
	const int64_t *shapes[2] = {a_shape, b_shape}, *strides[2] = {swapped, dense};
	int ranks[2] = {3, 3};
	for (int v = 0; v < 2; v++) {
		strides[0] = v ? b_unit : swapped;
		assert_int_equal(einc_compile_strided(ctx, "bij,bjk->bik", 2, ranks, shapes, strides,
		                                      3, NULL, &o, &p), EINC_OK);
		assert_true(refcheck_dump_has(ctx, p, EINC_STAGE_TREE,
		                              v ? "reduce %0 -> [b j i]" : "reduce %0 -> [b i j]"));
		assert_int_equal(refcheck_dump_has(ctx, p, EINC_STAGE_PLAN, "tiled"), !v);
		einc_program_free(p);
	}
	/* The same with 128 batches, where the budget holds tiles of 16 or 32
	 * batches: whole lines of A's b (64 or 128 bytes), an eighth or a
	 * quarter of each 512-byte run. Still not tiled: bmm's a.T copied and
	 * multiplied in tiles of 16 or 32 batches measured 1.30-1.40x its
	 * twin, untiled 1.14-1.17x (docs/bench-views.md, run 7). */
	int64_t a128[3] = {128, 32, 32}, b128[3] = {128, 32, 256};
	int64_t unit128[3] = {1, 128, 4096};
	shapes[0] = a128;
	shapes[1] = b128;
	strides[0] = unit128;
	for (int tile = 16; tile <= 32; tile *= 2) {
		o.tile_cache = 2 * tile * 32 * 32 * 4; /* two buffers of "tile" batches of A */
		assert_int_equal(einc_compile_strided(ctx, "bij,bjk->bik", 2, ranks, shapes, strides,
		                                      3, NULL, &o, &p), EINC_OK);
		assert_true(refcheck_dump_has(ctx, p, EINC_STAGE_TREE, "reduce %0 -> [b j i]"));
		assert_false(refcheck_dump_has(ctx, p, EINC_STAGE_PLAN, "tiled"));
		einc_program_free(p);
	}
	/* The 4-index transform contracting q first (p and q larger than r and
	 * s), tiles of 4 of r: its first step would read pqrs in runs of 4 x 32
	 * elements, 512 elements apart: 512 bytes in f32, too few lines for the
	 * hardware's stream prefetch (untiled, it reads an M block of one run
	 * and sweeps the next): not tiled. In f64 the runs are 1 KiB: tiled. */
	for (int d = 0; d < 2; d++) {
		einc_options f = refcheck_options(d ? EINC_F64 : EINC_F32, 1, NULL);
		f.tile_cache = d ? 131072 : 65536;
		p = refcheck_compile_text(ctx, "pqrs,pi,qj,rk,sl->ijkl",
		                          "p=16,q=16,r=16,s=32,i=4,j=4,k=8,l=8", NULL, &f);
		assert_int_equal(refcheck_dump_has(ctx, p, EINC_STAGE_PLAN,
		                                   "steps n5 n6 over r, tile 4 of 16"), d);
		einc_program_free(p);
	}
	o.tile_cache = -2;
	assert_int_equal(einc_compile_text(ctx, cases[0].spec, cases[0].dims, NULL, &o, &p),
	                 EINC_EINVAL);
	assert_non_null(strstr(einc_ctx_message(ctx), "tile_cache"));
	einc_ctx_free(ctx);
}

static const einc_dtype f32 = EINC_F32, f64 = EINC_F64;

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_tiled, (void *)&f32),
		cmocka_unit_test_prestate(test_tiled, (void *)&f64),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_tasks),
		cmocka_unit_test(test_not_tiled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
