/*
 * test_kernels.c - every kernel path against the reference evaluator on
 * sizes that hit the edges: GEMM-like steps (GETT driver + micro-kernel)
 * with extents of 1, primes, non-multiples of the register block and of the
 * cache blocks, every layout of the operands, batch dims, several dims per
 * group, diagonals and workspace intermediates; and the plain nests
 * (reductions, dot, outer products, traces, matrix-vector), also as
 * parallel chunks of a result loop or of a summed loop. Both dtypes, on 1, 2 and 16 threads, each run twice:
 * every run must give the same bits. Also the thread pool alone, and the
 * GETT task split (rt_gett_plan) of the benchmark's large steps.
 *
 * Tolerance as refcheck.h states it.
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
#include "gett.h"
#include "pool.h"
#include "program.h"
#include "refcheck.h"

/* How a case must run: plain nests, a GEMM-like step, or a nest summed by
 * parallel chunks into partial results. */
enum { PLAIN, GEMM, SUMS };

/* One case: a spec, its sizes, and how it must run. */
typedef struct {
	const char *spec, *dims;
	int kind;
} kcase;

static const kcase cases[] = {
	/* plain GEMM: extents 2, primes, around MR/NR, MC (144), KC (256), NC (4096) */
	{"ik,kj->ij", "i=2,k=64,j=64", GEMM},
	{"ik,kj->ij", "i=64,k=2,j=64", GEMM},
	{"ik,kj->ij", "i=64,k=64,j=2", GEMM},
	{"ik,kj->ij", "i=6,k=96,j=32", GEMM},
	{"ik,kj->ij", "i=7,k=300,j=33", GEMM},
	{"ik,kj->ij", "i=13,k=257,j=97", GEMM},
	{"ik,kj->ij", "i=145,k=31,j=150", GEMM},
	{"ik,kj->ij", "i=37,k=513,j=65", GEMM},
	{"ik,kj->ij", "i=11,k=17,j=4099", GEMM},
	/* every layout: transposed operands, C's unit stride on either side */
	{"ki,jk->ij", "i=29,k=41,j=23", GEMM},
	{"ki,kj->ji", "i=53,k=19,j=17", GEMM},
	{"ik,jk->ij", "i=31,k=37,j=43", GEMM},
	{"ik,jk->ji", "i=47,k=23,j=9", GEMM},
	/* batches, several dims per group, diagonals, free dims of size 1 */
	{"bij,bjk->bik", "b=3,i=17,j=19,k=40", GEMM},
	{"bij,bjk->ibk", "b=5,i=13,j=33,k=7", GEMM},
	{"bhqd,bhkd->bhqk", "b=2,h=3,q=29,k=31,d=16", GEMM},
	{"abcd,dbef->acef", "a=5,b=3,c=7,d=4,e=6,f=9", GEMM},
	{"ijk,jl->ilk", "i=9,j=20,k=11,l=13", GEMM},
	{"ijk,lk->ijl", "i=6,j=7,k=50,l=9", GEMM},
	{"iik,kj->ij", "i=30,k=40,j=50", GEMM},
	{"aik,kjc->aijc", "a=1,i=40,k=33,j=41,c=1", GEMM},
	/* trees: GEMM steps reading and writing workspace intermediates */
	{"ijk,jr,kr->ir", "i=20,j=15,k=17,r=33", GEMM},
	{"ij,jk,kl->il", "i=35,j=22,k=61,l=18", GEMM},
	{"bi,ioj,bj->bo", "b=19,i=12,o=21,j=14", GEMM},
	/* split steps sharing packed B panels: K in two rounds (long K), units
	 * in two rounds (three batch elements of long K) */
	{"ik,kj->ij", "i=13,k=140001,j=20", GEMM},
	{"bik,bkj->bij", "b=3,i=13,k=50000,j=20", GEMM},
	/* plain nests: memory-bound and degenerate contractions */
	{"ij,ij->", "i=300,j=301", SUMS},
	{"ijk->i", "i=7,j=30,k=129", PLAIN},
	{"i,j->ij", "i=97,j=300", PLAIN},
	{"ii->", "i=301", PLAIN},
	{"ij,j->i", "i=100,j=333", PLAIN},
	{"bi,bi->b", "b=17,i=260", PLAIN},
	{"ij->ji", "i=65,j=33", PLAIN},
	/* plain nests large enough to run as parallel chunks of their outer loop */
	{"ijk->i", "i=37,j=41,k=53", PLAIN},
	{"i,j->ij", "i=301,j=257", PLAIN},
	{"ij,j->i", "i=300,j=333", PLAIN},
	{"ijk,ik->ij", "i=5,j=149,k=97", PLAIN},
	/* plain nests whose outermost loop is summed: chunks into partial
	 * results added in order (full reduction, GEMV across, column sums) */
	{"ij,ij->", "i=1000,j=301", SUMS},
	{"ij,i->j", "i=300,j=333", SUMS},
	{"ijk->k", "i=50,j=40,k=70", SUMS},
};

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

/* The thread counts every case runs on. */
static const int thread_counts[] = {1, 2, 16};
#define NTHREADS (int)(sizeof thread_counts / sizeof thread_counts[0])

/* Case "c" in "dtype": each thread count twice; the first against the
 * reference, every run bit-equal to it. */
static void check_case(einc_ctx *ctx, const kcase *c, einc_dtype dtype, uint64_t *s)
{
	int f64 = dtype == EINC_F64;
	einc_program *p[NTHREADS];
	for (int t = 0; t < NTHREADS; t++)
		p[t] = compile(ctx, c, dtype, thread_counts[t]);
	if (has_gemm(p[0]) != (c->kind == GEMM))
		fail_msg("%s %s: expected %s GEMM step", c->spec, c->dims, c->kind == GEMM ? "a" : "no");
	char *ir = NULL;
	assert_int_equal(einc_program_dump(ctx, p[0], EINC_STAGE_LLVM, &ir), EINC_OK);
	if ((strstr(ir, "%partial") != NULL) != (c->kind == SUMS))
		fail_msg("%s %s: partial sums %sexpected", c->spec, c->dims, c->kind == SUMS ? "" : "not ");
	einc_free(ir);
	refcheck r;
	assert_int_equal(refcheck_init(&r, ctx, p[0], s), 0);
	size_t esize = f64 ? 8 : 4, at;
	void *got = run(ctx, p[0], r.in);
	if (refcheck_worst(&r, got, &at) > 1)
		fail_msg("%s %s %s: element %zu is %g, expected %g", c->spec, c->dims,
		         f64 ? "f64" : "f32", at, refcheck_get(got, f64, at),
		         refcheck_get(r.want, f64, at));
	for (int t = 0; t < NTHREADS; t++)
		for (int rep = t ? 0 : 1; rep < 2; rep++) {
			void *again = run(ctx, p[t], r.in);
			if (memcmp(got, again, r.nout * esize))
				fail_msg("%s %s: run %d on %d threads differs from 1 thread", c->spec,
				         c->dims, rep, thread_counts[t]);
			free(again);
		}
	refcheck_free(&r);
	free(got);
	for (int t = 0; t < NTHREADS; t++)
		einc_program_free(p[t]);
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

/* A step of the benchmark as lower.c and codegen describe it (f32, 6 x 32
 * register blocks): extents "batch", "m", "n", "k". */
static rt_gett_desc bench_step(int64_t batch, int64_t m, int64_t n, int64_t k)
{
	rt_gett_desc d = {.esize = 4, .batch = batch, .m = m, .n = n, .k = k, .mr = 6, .nr = 32,
	                  .kc = k < 256 ? k : 256};
	d.mc = (m + 23) / 24 * 24 < 144 ? (m + 23) / 24 * 24 : 144;
	d.nc = (n + 63) / 64 * 64 < 4096 ? (n + 63) / 64 * 64 : 4096;
	return d;
}

/* On 2 and 16 threads the large steps of the benchmark get at least a task
 * per thread, keeping them 90% busy (tasks / (threads x waves)), with no
 * more M and N parts than register blocks; a single thread never splits. */
static void test_gett_split(void **state)
{
	(void)state;
	const int64_t steps[][4] = {
		{1, 2048, 2048, 2048},  /* gemm 2048^3: one unit */
		{1, 1024, 1024, 1024},  /* gemm */
		{1, 256, 32, 65536},    /* mttkrp's big step: skinny N, long K */
		{1, 65536, 64, 256},    /* ttm */
		{1, 2304, 2304, 256},   /* tc_abcd_dbef */
		{64, 256, 256, 256},    /* bmm: units enough */
		{3, 500, 500, 500},     /* few units */
		{1, 12, 8192, 512},     /* short M: N parts */
	};
	const int threads[] = {2, 16};
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		rt_gett_desc d = bench_step(steps[x][0], steps[x][1], steps[x][2], steps[x][3]);
		rt_gett_split s;
		rt_gett_plan(&d, 1, &s);
		assert_int_equal(s.shared, 0);
		assert_int_equal(s.tasks, s.units);
		for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
			int64_t n = threads[t];
			rt_gett_plan(&d, (int)n, &s);
			int64_t tasks = s.shared ? s.units * s.mparts * s.nparts : s.units;
			int64_t waves = (tasks + n - 1) / n;
			if (tasks < n || 10 * tasks < 9 * n * waves)
				fail_msg("step %zu on %lld threads: %lld tasks", x, (long long)n,
				         (long long)tasks);
			int64_t mp = (d.m + d.mr - 1) / d.mr, np = (d.n + d.nr - 1) / d.nr;
			assert_true(s.mparts <= mp && s.nparts <= np);
			assert_true(s.shared || (s.mparts == 1 && s.nparts == 1));
			if (s.shared) {
				assert_true(s.uround >= 1 && (s.kspan % d.kc == 0 || s.kspan == d.k));
				assert_true(s.pack_tasks >= 1);
				assert_int_equal(s.tasks, s.uround * s.mparts * s.nparts);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_gett_split),
		cmocka_unit_test(test_kernels_f32),
		cmocka_unit_test(test_kernels_f64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
