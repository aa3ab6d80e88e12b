/*
 * test_fused.c - producer fusion (passes/fuse.c, einc_rt_gett_fused): a
 * step that multiplies two operands and sums nothing, read only by a
 * GEMM-like step, is computed in that step's packing. Each case, in f32
 * and f64: the dump shows the fusion on the side expected and the plan
 * keeps no intermediate; the result matches the reference evaluator, is
 * bit-identical on 1, 2 and 16 threads, and bit-identical to running the
 * product and the reading step one after the other (the product stored),
 * except where runtime/outer_kernel.c may run: it factors the sums, each
 * run's multiply-adds before the multiply by the outer factor. Sizes leave
 * partial register, MC and KC blocks.
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

/* One case: the spec and sizes; the fused operand ('a' or 'b' of the
 * GEMM-like step); the product alone ("producer", sizes "pdims", on
 * inputs "pin") and the reading step alone ("reader", sizes "rdims", on
 * the product, then input "other"); "factored": runtime/outer_kernel.c
 * may compute it (runs of one or two AVX-512 vectors), its bits not those
 * of the product stored. */
typedef struct {
	const char *spec, *dims;
	char side;
	const char *producer, *pdims;
	int pin[2];
	const char *reader, *rdims;
	int other, factored;
} fcase;

static const fcase cases[] = {
	/* the pattern: an outer product along K feeding A; partial
	 * register blocks in M and N */
	{"zci,zcj,ijk->zck", "z=5,c=7,i=5,j=7,k=13", 'a', "zci,zcj->zcij", "z=5,c=7,i=5,j=7", {0, 1},
	 "zcij,ijk->zck", "z=5,c=7,i=5,j=7,k=13", 2, 0},
	/* two KC blocks, three MC blocks, a partial NR block */
	{"zci,zcj,ijk->zck", "z=64,c=9,i=24,j=20,k=40", 'a', "zci,zcj->zcij",
	 "z=64,c=9,i=24,j=20", {0, 1}, "zcij,ijk->zck", "z=64,c=9,i=24,j=20,k=40", 2, 0},
	/* many columns: the product tile packed, not read in place */
	{"zi,zj,ijk->zk", "z=100,i=6,j=7,k=300", 'a', "zi,zj->zij", "z=100,i=6,j=7", {0, 1},
	 "zij,ijk->zk", "z=100,i=6,j=7,k=300", 2, 0},
	/* the product on B's side (C's rows run along z, c) */
	{"zci,zcj,ijk->zkc", "z=3,c=50,i=4,j=9,k=7", 'b', "zci,zcj->zcij", "z=3,c=50,i=4,j=9",
	 {0, 1}, "zcij,ijk->zkc", "z=3,c=50,i=4,j=9,k=7", 2, 0},
	/* an elementwise product and a scaling feeding A */
	{"zi,zi,ik->zk", "z=301,i=40,k=70", 'a', "zi,zi->zi", "z=301,i=40", {0, 1}, "zi,ik->zk",
	 "z=301,i=40,k=70", 2, 0},
	{"zi,z,ik->zk", "z=250,i=17,k=33", 'a', "zi,z->zi", "z=250,i=17", {0, 1}, "zi,ik->zk",
	 "z=250,i=17,k=33", 2, 0},
	/* scalings feeding B, the scale along K and along N */
	{"ab,b,bc->ac", "a=200,b=150,c=40", 'b', "b,bc->bc", "b=150,c=40", {1, 2}, "bc,ab->ac",
	 "a=200,b=150,c=40", 0, 0},
	{"ab,bc,c->ac", "a=200,b=150,c=40", 'b', "bc,c->bc", "b=150,c=40", {1, 2}, "bc,ab->ac",
	 "a=200,b=150,c=40", 0, 0},
	/* runs of whole vectors (j = 16 f32 and f64, j = 4 f64): the
	 * outer-product loop (outer_T), formed a register block of rows at a
	 * time beside one column of them (f32 k = 9, k = 8) or into the
	 * MC x KC tile (f64 k = 9); partial blocks of rows; the factor along
	 * the runs second or first */
	{"zci,zcj,ijk->zck", "z=7,c=5,i=6,j=16,k=9", 'a', "zci,zcj->zcij", "z=7,c=5,i=6,j=16",
	 {0, 1}, "zcij,ijk->zck", "z=7,c=5,i=6,j=16,k=9", 2, 1},
	{"zci,zcj,ijk->zck", "z=7,c=5,i=6,j=4,k=8", 'a', "zci,zcj->zcij", "z=7,c=5,i=6,j=4",
	 {0, 1}, "zcij,ijk->zck", "z=7,c=5,i=6,j=4,k=8", 2, 0},
	{"zci,zcj,jik->zck", "z=2,c=4,i=16,j=5,k=9", 'a', "zci,zcj->zcij", "z=2,c=4,i=16,j=5",
	 {0, 1}, "zcij,jik->zck", "z=2,c=4,i=16,j=5,k=9", 2, 1},
	/* the same over several KC blocks and NR blocks */
	{"zci,zcj,ijk->zck", "z=10,c=7,i=40,j=16,k=40", 'a', "zci,zcj->zcij",
	 "z=10,c=7,i=40,j=16", {0, 1}, "zcij,ijk->zck", "z=10,c=7,i=40,j=16,k=40", 2, 1},
	/* runs of one and two AVX-512 vectors beside a block of one vector of
	 * columns or of two, where runtime/outer_kernel.c forms the products:
	 * f32 runs of 16, f64 of 8 and 16, k from 5 to 20 (blocks of 8 x 1
	 * and 6 x 2 vectors); partial blocks of rows and columns */
	{"zci,zcj,ijk->zck", "z=9,c=5,i=5,j=8,k=13", 'a', "zci,zcj->zcij", "z=9,c=5,i=5,j=8",
	 {0, 1}, "zcij,ijk->zck", "z=9,c=5,i=5,j=8,k=13", 2, 1},
	{"zci,zcj,ijk->zck", "z=3,c=13,i=7,j=8,k=5", 'a', "zci,zcj->zcij", "z=3,c=13,i=7,j=8",
	 {0, 1}, "zcij,ijk->zck", "z=3,c=13,i=7,j=8,k=5", 2, 1},
	{"zci,zcj,ijk->zck", "z=11,c=3,i=3,j=16,k=20", 'a', "zci,zcj->zcij", "z=11,c=3,i=3,j=16",
	 {0, 1}, "zcij,ijk->zck", "z=11,c=3,i=3,j=16,k=20", 2, 1},
	{"zci,zcj,ijk->zck", "z=64,c=9,i=6,j=16,k=8", 'a', "zci,zcj->zcij", "z=64,c=9,i=6,j=16",
	 {0, 1}, "zcij,ijk->zck", "z=64,c=9,i=6,j=16,k=8", 2, 1},
	/* the factored sums over 2 runs and over 20, a block of 8 x 1 vectors
	 * (partial in rows) */
	{"zci,zcj,ijk->zck", "z=7,c=9,i=2,j=16,k=16", 'a', "zci,zcj->zcij", "z=7,c=9,i=2,j=16",
	 {0, 1}, "zcij,ijk->zck", "z=7,c=9,i=2,j=16,k=16", 2, 1},
	{"zci,zcj,ijk->zck", "z=5,c=9,i=20,j=16,k=16", 'a', "zci,zcj->zcij", "z=5,c=9,i=20,j=16",
	 {0, 1}, "zcij,ijk->zck", "z=5,c=9,i=20,j=16,k=16", 2, 1},
	/* an odd count of runs (two runs a pass, then one) of two vectors:
	 * f32 j = 32 beside 8 x 1 blocks, f64 j = 16 beside 8 x 1 (k = 8) and
	 * 6 x 2 (k = 16) */
	{"zci,zcj,ijk->zck", "z=64,c=9,i=5,j=32,k=16", 'a', "zci,zcj->zcij", "z=64,c=9,i=5,j=32",
	 {0, 1}, "zcij,ijk->zck", "z=64,c=9,i=5,j=32,k=16", 2, 1},
	{"zci,zcj,ijk->zck", "z=64,c=9,i=7,j=16,k=8", 'a', "zci,zcj->zcij", "z=64,c=9,i=7,j=16",
	 {0, 1}, "zcij,ijk->zck", "z=64,c=9,i=7,j=16,k=8", 2, 1},
	/* a diagonal of an operand in the product */
	{"zii,zj,ijk->zk", "z=37,i=6,j=5,k=11", 'a', "zii,zj->zij", "z=37,i=6,j=5", {0, 1},
	 "zij,ijk->zk", "z=37,i=6,j=5,k=11", 2, 0},
};

/* The thread counts every case runs on. */
static const int thread_counts[] = {1, 2, 16};
#define NTHREADS 3

/* Compiles "spec" with "dims" in "dtype" for "threads", asserting success. */
static einc_program *compile(einc_ctx *ctx, const char *spec, const char *dims,
                             einc_dtype dtype, int threads)
{
	einc_options o = refcheck_options(dtype, threads, NULL);
	return refcheck_compile_text(ctx, spec, dims, NULL, &o);
}

/* Case "c" in "dtype" (see the top of the file). */
static void check_case(einc_ctx *ctx, const fcase *c, einc_dtype dtype, uint64_t *seed)
{
	einc_program *p[NTHREADS];
	for (int t = 0; t < NTHREADS; t++)
		p[t] = compile(ctx, c->spec, c->dims, dtype, thread_counts[t]);
	char side[16] = "fused=a ";
	side[6] = c->side;
	if (!refcheck_dump_has(ctx, p[0], EINC_STAGE_LOOPS, side) ||
	    !refcheck_dump_has(ctx, p[0], EINC_STAGE_LOOPS, ": fused into step "))
		fail_msg("%s %s: not fused as %c", c->spec, c->dims, c->side);
	if (!refcheck_dump_has(ctx, p[0], EINC_STAGE_PLAN, "\npeak 0\n"))
		fail_msg("%s %s: the plan keeps an intermediate", c->spec, c->dims);
	void **in = refcheck_inputs(ctx, p[0], seed);
	assert_non_null(in);
	char what[160];
	snprintf(what, sizeof what, "%s %s", c->spec, c->dims);
	size_t bytes, again_bytes;
	void *got = refcheck_agree(ctx, p, thread_counts, NTHREADS, (const void *const *)in, what,
	                           &bytes);
	/* the product stored, then read by the step alone */
	einc_program *prod = compile(ctx, c->producer, c->pdims, dtype, 1);
	einc_program *reader = compile(ctx, c->reader, c->rdims, dtype, 1);
	const void *pin[2] = {in[c->pin[0]], in[c->pin[1]]};
	size_t tbytes;
	void *t = refcheck_run(ctx, prod, pin, &tbytes);
	const void *rin[2] = {t, in[c->other]};
	void *want = refcheck_run(ctx, reader, rin, &again_bytes);
	assert_int_equal(again_bytes, bytes);
	if (!c->factored && memcmp(got, want, bytes))
		fail_msg("%s %s: differs from the product stored first", c->spec, c->dims);
	free(t);
	free(want);
	einc_program_free(prod);
	einc_program_free(reader);
	free(got);
	refcheck_inputs_free(in);
	for (int x = 0; x < NTHREADS; x++)
		einc_program_free(p[x]);
}

/* Every case in the dtype "*state" points at. */
static void test_fused(void **state)
{
	einc_dtype dtype = *(const einc_dtype *)*state;
	einc_ctx *ctx = einc_ctx_new();
	uint64_t seed = 0x243f6a8885a308d3ULL;
	for (size_t x = 0; x < sizeof cases / sizeof cases[0]; x++)
		check_case(ctx, &cases[x], dtype, &seed);
	einc_ctx_free(ctx);
}

/* Where both operands of a GEMM-like step sum nothing, the larger is
 * fused: zci,ci,zcj,ijk->zck's tree scales W per c (ci,ijk->cijk, 32 KiB)
 * and forms the outer product zcij (600 KiB); the outer product is fused
 * (fused=a, its step "fused into"), the plan's peak holds the scaled W
 * alone, and the result passes the reference check on 1, 2 and 16 threads,
 * bit-identical, in the dtype "*state" points at. */
static void test_fused_larger(void **state)
{
	einc_dtype dtype = *(const einc_dtype *)*state;
	const char *spec = "zci,ci,zcj,ijk->zck", *dims = "z=300,c=2,i=16,j=16,k=16";
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p[NTHREADS];
	for (int t = 0; t < NTHREADS; t++)
		p[t] = compile(ctx, spec, dims, dtype, thread_counts[t]);
	assert_true(refcheck_dump_has(ctx, p[0], EINC_STAGE_LOOPS, "S1(z, c, i, j) : fused into"));
	assert_true(refcheck_dump_has(ctx, p[0], EINC_STAGE_LOOPS, "fused=a"));
	char peak[32];
	snprintf(peak, sizeof peak, "\npeak %d\n", 2 * 16 * 16 * 16 * (int)einc_dtype_size(dtype));
	assert_true(refcheck_dump_has(ctx, p[0], EINC_STAGE_PLAN, peak));
	uint64_t seed = 0x13198a2e03707344ULL;
	void **in = refcheck_inputs(ctx, p[0], &seed);
	assert_non_null(in);
	size_t bytes;
	free(refcheck_agree(ctx, p, thread_counts, NTHREADS, (const void *const *)in, spec, &bytes));
	refcheck_inputs_free(in);
	for (int t = 0; t < NTHREADS; t++)
		einc_program_free(p[t]);
	einc_ctx_free(ctx);
}

/* Integers and complex numbers are never fused: the product is stored. */
static void test_not_fused(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_dtype other[] = {EINC_I32, EINC_I64, EINC_C64, EINC_C128};
	for (size_t x = 0; x < sizeof other / sizeof other[0]; x++) {
		einc_program *p = compile(ctx, cases[0].spec, cases[0].dims, other[x], 1);
		assert_false(refcheck_dump_has(ctx, p, EINC_STAGE_LOOPS, "fused"));
		assert_false(refcheck_dump_has(ctx, p, EINC_STAGE_PLAN, "\npeak 0\n"));
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

static const einc_dtype f32 = EINC_F32, f64 = EINC_F64;

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_fused, (void *)&f32),
		cmocka_unit_test_prestate(test_fused, (void *)&f64),
		cmocka_unit_test_prestate(test_fused_larger, (void *)&f32),
		cmocka_unit_test_prestate(test_fused_larger, (void *)&f64),
		cmocka_unit_test(test_not_fused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
