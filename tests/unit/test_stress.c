/*
 * test_stress.c - kernels called from several host threads at once: the
 * same kernel and different ones, JIT-compiled (einc_kernel_run) and ahead
 * of time (objects einc wrote at build time, linked into this binary),
 * with a NULL workspace (the kernel's own buffers) and with the caller's.
 * Every result is compared with the reference evaluator; the run is
 * bounded (a fixed number of calls per thread).
 *
 * Kernels: a batched GEMM (GETT: packing tables in the workspace), a chain
 * in f64 (an intermediate in the workspace), and a balanced tree under a
 * budget that spills (a slow buffer too). Tolerance as refcheck.h states.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "einc.h"
#include "refcheck.h"
#include "stress_chain.h"
#include "stress_gemm.h"
#include "stress_spill.h"

#define THREADS 4
#define CALLS 120 /* per thread */

/* The kernels: as compiled for the objects (tests/CMakeLists.txt). */
static const struct {
	const char *spec, *dims;
	einc_dtype dtype;
	int64_t budget;
	int tree; /* whether the spill tree forces the order */
} kernels[] = {
	{"bij,bjk->bik", "b=3,i=37,j=41,k=43", EINC_F32, 0, 0},
	{"ij,jk,kl->il", "i=20,j=30,k=40,l=25", EINC_F64, 0, 0},
	{"ab,bc,cd,de,ef,fg,gh,hi->ai", "a=4,b=6,c=4,d=6,e=4,f=6,g=4,h=6,i=4", EINC_F32, 192, 1},
};
enum { NKERNELS = sizeof kernels / sizeof kernels[0] };

/* spill_bal8.tree: the held half of a balanced tree spills at 192 bytes. */
static const char spill_tree[] =
	"%0 = input [a b]\n%1 = input [b c]\n%2 = input [c d]\n%3 = input [d e]\n"
	"%4 = input [e f]\n%5 = input [f g]\n%6 = input [g h]\n%7 = input [h i]\n"
	"%8 = contract %0 %1\n%9 = contract %2 %3\n"
	"%10 = contract %8 %9\n%11 = contract %4 %5\n"
	"%12 = contract %6 %7\n%13 = contract %11 %12\n"
	"%14 = contract %10 %13\n";

static einc_program *programs[NKERNELS];
static einc_kernel *jits[NKERNELS];
static void **inputs[NKERNELS];          /* each kernel's inputs */
static einc_reference *refs[NKERNELS];   /* and its reference on them */
static size_t nouts[NKERNELS];           /* its output elements */
static const size_t ws_bytes[NKERNELS] = {STRESS_GEMM_WORKSPACE_BYTES,
                                          STRESS_CHAIN_WORKSPACE_BYTES,
                                          STRESS_SPILL_WORKSPACE_BYTES};
static const size_t slow_bytes[NKERNELS] = {STRESS_GEMM_SLOW_BYTES, STRESS_CHAIN_SLOW_BYTES,
                                            STRESS_SPILL_SLOW_BYTES};
static atomic_int mismatches, failures;

/* Calls ahead-of-time kernel "k" on "in" into "out" with "ws" and "slow"
 * (NULL: the kernel's own). */
static int call_aot(int k, void *out, void *const *in, void *ws, void *slow)
{
	switch (k) {
	case 0:
		return stress_gemm_slow(out, in[0], in[1], ws, slow, NULL);
	case 1:
		return stress_chain_slow(out, in[0], in[1], in[2], ws, slow, NULL);
	default:
		return stress_spill_slow(out, in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7],
		                         ws, slow, NULL);
	}
}

/* One host thread: CALLS calls, each a kernel, a door (JIT or AOT) and a
 * workspace (NULL or its own) picked from its number and the call's. */
static void *hammer(void *arg)
{
	int self = (int)(intptr_t)arg;
	void *out[NKERNELS], *ws[NKERNELS], *slow[NKERNELS];
	for (int k = 0; k < NKERNELS; k++) {
		out[k] = malloc(nouts[k] * einc_dtype_size(kernels[k].dtype));
		ws[k] = aligned_alloc(64, (ws_bytes[k] + 63) / 64 * 64 + 64);
		slow[k] = aligned_alloc(64, (slow_bytes[k] + 63) / 64 * 64 + 64);
		if (!out[k] || !ws[k] || !slow[k])
			atomic_fetch_add(&failures, 1);
	}
	for (int c = 0; c < CALLS && !atomic_load(&failures); c++) {
		/* Threads 0 and 1 run the same kernel through the same door at
		 * the same time; 2 and 3 are one kernel and door further on. */
		int pick = c + self / 2 * 3, k = pick % NKERNELS, aot = pick / NKERNELS % 2;
		int own = (c / 6 + self) % 2;
		memset(out[k], 0xff, nouts[k] * einc_dtype_size(kernels[k].dtype)); /* NaN until written */
		int r;
		if (aot)
			r = call_aot(k, out[k], inputs[k], own ? ws[k] : NULL, own ? slow[k] : NULL);
		else
			r = einc_kernel_run_slow(jits[k], out[k], (const void *const *)inputs[k],
			                         own ? ws[k] : NULL, own ? slow[k] : NULL, NULL);
		einc_check_result res;
		if (r || einc_reference_check(refs[k], out[k], &res))
			atomic_fetch_add(&failures, 1);
		else if (!res.ok)
			atomic_fetch_add(&mismatches, 1);
	}
	for (int k = 0; k < NKERNELS; k++) {
		free(out[k]);
		free(ws[k]);
		free(slow[k]);
	}
	return NULL;
}

/* THREADS threads hammer the kernels; every result matches the reference. */
static void test_concurrent_calls(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	uint64_t seed = 16;
	for (int k = 0; k < NKERNELS; k++) {
		einc_options o;
		einc_options_init(&o);
		o.dtype = kernels[k].dtype;
		o.budget = kernels[k].budget;
		o.tree = kernels[k].tree ? spill_tree : NULL;
		assert_int_equal(einc_compile_text(ctx, kernels[k].spec, kernels[k].dims, NULL, &o,
		                                   &programs[k]), EINC_OK);
		assert_int_equal(einc_program_jit(ctx, programs[k], &jits[k]), EINC_OK);
		assert_int_equal(einc_kernel_workspace_size(jits[k]), ws_bytes[k]);
		assert_int_equal(einc_kernel_slow_size(jits[k]), slow_bytes[k]);
		nouts[k] = (size_t)einc_program_elems(programs[k], -1);
		assert_non_null(inputs[k] = refcheck_inputs(ctx, programs[k], &seed));
		assert_int_equal(einc_reference_new(ctx, programs[k], (const void *const *)inputs[k],
		                                    &refs[k]), EINC_OK);
	}
	assert_true(slow_bytes[2] > 0); /* the spill case spills */
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, (void *)(intptr_t)i), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&failures), 0);
	assert_int_equal(atomic_load(&mismatches), 0);
	for (int k = 0; k < NKERNELS; k++) {
		einc_reference_free(refs[k]);
		refcheck_inputs_free(inputs[k]);
		einc_kernel_free(jits[k]);
		einc_program_free(programs[k]);
	}
	einc_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
