/*
 * test_kernels.c - every kernel path against the reference evaluator on
 * sizes that hit the edges: GEMM-like steps (GETT driver + micro-kernel)
 * with extents of 1, primes, non-multiples of the register block and of the
 * cache blocks, every layout of the operands, batch dims, several dims per
 * group, diagonals and workspace intermediates; and the plain nests
 * (reductions, dot, outer products, traces, matrix-vector), also as
 * parallel chunks. Both dtypes, 1 and 2 threads; the two thread counts must give the same bits. Also the
 * thread pool alone.
 *
 * Tolerance as in test_jit.c: within rel * S of the reference, S the
 * reference on |inputs|; rel 1e-4 (f32), 1e-10 (f64).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "einc.h"
#include "pool.h"
#include "program.h"

/* One case: a spec, its sizes, and whether some step must be GEMM-like. */
typedef struct {
	const char *spec, *dims;
	int gemm;
} kcase;

static const kcase cases[] = {
	/* plain GEMM: extents 2, primes, around MR/NR, MC (144), KC (256), NC (4096) */
	{"ik,kj->ij", "i=2,k=64,j=64", 1},
	{"ik,kj->ij", "i=64,k=2,j=64", 1},
	{"ik,kj->ij", "i=64,k=64,j=2", 1},
	{"ik,kj->ij", "i=6,k=96,j=32", 1},
	{"ik,kj->ij", "i=7,k=300,j=33", 1},
	{"ik,kj->ij", "i=13,k=257,j=97", 1},
	{"ik,kj->ij", "i=145,k=31,j=150", 1},
	{"ik,kj->ij", "i=37,k=513,j=65", 1},
	{"ik,kj->ij", "i=11,k=17,j=4099", 1},
	/* every layout: transposed operands, C's unit stride on either side */
	{"ki,jk->ij", "i=29,k=41,j=23", 1},
	{"ki,kj->ji", "i=53,k=19,j=17", 1},
	{"ik,jk->ij", "i=31,k=37,j=43", 1},
	{"ik,jk->ji", "i=47,k=23,j=9", 1},
	/* batches, several dims per group, diagonals, free dims of size 1 */
	{"bij,bjk->bik", "b=3,i=17,j=19,k=40", 1},
	{"bij,bjk->ibk", "b=5,i=13,j=33,k=7", 1},
	{"bhqd,bhkd->bhqk", "b=2,h=3,q=29,k=31,d=16", 1},
	{"abcd,dbef->acef", "a=5,b=3,c=7,d=4,e=6,f=9", 1},
	{"ijk,jl->ilk", "i=9,j=20,k=11,l=13", 1},
	{"ijk,lk->ijl", "i=6,j=7,k=50,l=9", 1},
	{"iik,kj->ij", "i=30,k=40,j=50", 1},
	{"aik,kjc->aijc", "a=1,i=40,k=33,j=41,c=1", 1},
	/* trees: GEMM steps reading and writing workspace intermediates */
	{"ijk,jr,kr->ir", "i=20,j=15,k=17,r=33", 1},
	{"ij,jk,kl->il", "i=35,j=22,k=61,l=18", 1},
	{"bi,ioj,bj->bo", "b=19,i=12,o=21,j=14", 1},
	/* plain nests: memory-bound and degenerate contractions */
	{"ij,ij->", "i=300,j=301", 0},
	{"ijk->i", "i=7,j=30,k=129", 0},
	{"i,j->ij", "i=97,j=300", 0},
	{"ii->", "i=301", 0},
	{"ij,j->i", "i=100,j=333", 0},
	{"bi,bi->b", "b=17,i=260", 0},
	{"ij->ji", "i=65,j=33", 0},
	/* plain nests large enough to run as parallel chunks of their outer loop */
	{"ijk->i", "i=37,j=41,k=53", 0},
	{"i,j->ij", "i=301,j=257", 0},
	{"ij,j->i", "i=300,j=333", 0},
	{"ijk,ik->ij", "i=5,j=149,k=97", 0},
};

/* xorshift64*: the test's only source of randomness. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* Element "i" of "buf" as a double. */
static double get(const void *buf, int f64, size_t i)
{
	return f64 ? ((const double *)buf)[i] : ((const float *)buf)[i];
}

/* Compiles case "c" for "dtype" and "threads" (asserting success). */
static einc_program *compile(einc_ctx *ctx, const kcase *c, einc_dtype dtype, int threads)
{
	einc_options o;
	einc_options_init(&o);
	o.dtype = dtype;
	o.threads = threads;
	einc_program *p = NULL;
	if (einc_compile_text(ctx, c->spec, c->dims, NULL, &o, &p))
		fail_msg("%s %s: %s", c->spec, c->dims, einc_ctx_message(ctx));
	return p;
}

/* Whether some step of "p" runs as a GEMM. */
static int has_gemm(const einc_program *p)
{
	for (int s = 0; s < p->loops->nsteps; s++)
		if (p->loops->steps[s].gemm)
			return 1;
	return 0;
}

/* JIT-compiles and runs "p" on "in" into a new buffer (give, free()). */
static void *run(einc_ctx *ctx, const einc_program *p, void *const *in)
{
	size_t no = (size_t)einc_program_elems(p, -1), esize = einc_program_dtype(p) == EINC_F64 ? 8 : 4;
	void *out = malloc(no * esize + 8);
	memset(out, 0x7f, no * esize); /* the kernel must overwrite, not accumulate */
	einc_kernel *k = NULL;
	assert_int_equal(einc_program_jit(ctx, p, &k), EINC_OK);
	assert_int_equal(einc_kernel_run(k, out, (const void *const *)in, NULL), EINC_OK);
	einc_kernel_free(k);
	return out;
}

/* Case "c" in "dtype": 1 and 2 threads against the reference, bit-equal. */
static void check_case(einc_ctx *ctx, const kcase *c, einc_dtype dtype, uint64_t *s)
{
	int f64 = dtype == EINC_F64;
	einc_program *p1 = compile(ctx, c, dtype, 1), *p2 = compile(ctx, c, dtype, 2);
	if (has_gemm(p1) != c->gemm)
		fail_msg("%s %s: expected %s GEMM step", c->spec, c->dims, c->gemm ? "a" : "no");
	int n = einc_program_num_inputs(p1);
	void *in[8], *abs_in[8];
	for (int k = 0; k < n; k++) {
		size_t ne = (size_t)einc_program_elems(p1, k);
		in[k] = malloc(ne * 8 + 8);
		abs_in[k] = malloc(ne * 8 + 8);
		for (size_t i = 0; i < ne; i++) {
			double v = (double)(rnd(s) % 2001) / 1000.0 - 1.0;
			if (f64) {
				((double *)in[k])[i] = v;
				((double *)abs_in[k])[i] = fabs(v);
			} else {
				((float *)in[k])[i] = (float)v;
				((float *)abs_in[k])[i] = (float)fabs(v);
			}
		}
	}
	size_t no = (size_t)einc_program_elems(p1, -1);
	void *want = malloc(no * 8 + 8), *bound = malloc(no * 8 + 8);
	assert_int_equal(einc_program_run_reference(ctx, p1, want, (const void *const *)in), EINC_OK);
	assert_int_equal(einc_program_run_reference(ctx, p1, bound, (const void *const *)abs_in),
	                 EINC_OK);
	void *got1 = run(ctx, p1, in), *got2 = run(ctx, p2, in);
	double rel = f64 ? 1e-10 : 1e-4;
	for (size_t i = 0; i < no; i++) {
		double err = fabs(get(got1, f64, i) - get(want, f64, i));
		if (!(err <= rel * get(bound, f64, i) + 1e-300))
			fail_msg("%s %s %s: element %zu is %g, expected %g", c->spec, c->dims,
			         f64 ? "f64" : "f32", i, get(got1, f64, i), get(want, f64, i));
	}
	if (memcmp(got1, got2, no * (f64 ? 8 : 4)))
		fail_msg("%s %s: 1 and 2 threads differ", c->spec, c->dims);
	for (int k = 0; k < n; k++) {
		free(in[k]);
		free(abs_in[k]);
	}
	free(want);
	free(bound);
	free(got1);
	free(got2);
	einc_program_free(p1);
	einc_program_free(p2);
}

/* Every case in one dtype. */
static void check_all(einc_dtype dtype)
{
	einc_ctx *ctx = einc_ctx_new();
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	for (size_t x = 0; x < sizeof cases / sizeof cases[0]; x++)
		check_case(ctx, &cases[x], dtype, &s);
	einc_ctx_free(ctx);
}

static void test_kernels_f32(void **state)
{
	(void)state;
	check_all(EINC_F32);
}

static void test_kernels_f64(void **state)
{
	(void)state;
	check_all(EINC_F64);
}

/* Counts the runs of each task in "arg"; checks the scratch it was given. */
static void count_task(void *arg, int64_t task, void *scratch)
{
	((int *)arg)[task]++;
	((char *)scratch)[63] = 1;
}

/* rt_parallel_for runs every task once, for any thread and task count. */
static void test_pool(void **state)
{
	(void)state;
	char scratch0[64];
	int threads[] = {0, 1, 2, 3, 8};
	int64_t ntasks[] = {0, 1, 2, 7, 1000};
	for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++)
		for (size_t n = 0; n < sizeof ntasks / sizeof ntasks[0]; n++) {
			int count[1000] = {0};
			rt_parallel_for(threads[t], ntasks[n], count_task, count, scratch0, 64);
			for (int64_t x = 0; x < 1000; x++)
				assert_int_equal(count[x], x < ntasks[n]);
		}
	assert_true(rt_default_threads() >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_kernels_f32),
		cmocka_unit_test(test_kernels_f64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
