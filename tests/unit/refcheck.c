/* refcheck.c - compiling for the tests, their generator and their random
 * inputs for a program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "refcheck.h"

einc_program *refcheck_compile(einc_ctx *ctx, const char *spec, const char *dims,
                               einc_dtype dtype)
{
	return refcheck_compile_cpu(ctx, spec, dims, dtype, NULL);
}

einc_options refcheck_options(einc_dtype dtype, int threads, const char *cpu)
{
	einc_options o;
	einc_options_init(&o);
	o.dtype = dtype;
	o.threads = threads;
	if (cpu)
		o.cpu = cpu;
	return o;
}

einc_program *refcheck_compile_cpu(einc_ctx *ctx, const char *spec, const char *dims,
                                   einc_dtype dtype, const char *cpu)
{
	einc_options o = refcheck_options(dtype, 0, cpu);
	return refcheck_compile_text(ctx, spec, dims, NULL, &o);
}

einc_program *refcheck_compile_text(einc_ctx *ctx, const char *spec, const char *dims,
                                    const char *shapes, const einc_options *o)
{
	einc_program *p = NULL;
	if (einc_compile_text(ctx, spec, dims, shapes, o, &p))
		fail_msg("%s %s: %s", spec, dims ? dims : shapes, einc_ctx_message(ctx));
	return p;
}

uint64_t refcheck_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* Room for each input (one byte more: no malloc(0)), then the library's
 * values. */
void **refcheck_inputs(einc_ctx *ctx, const einc_program *p, uint64_t *s)
{
	int n = einc_program_num_inputs(p);
	size_t esize = einc_dtype_size(einc_program_dtype(p));
	void **in = calloc((size_t)n + 1, sizeof(void *));
	int ok = in != NULL;
	for (int k = 0; ok && k < n; k++)
		ok = (in[k] = malloc((size_t)einc_program_elems(p, k) * esize + 1)) != NULL;
	if (!ok || einc_program_random_inputs(ctx, p, refcheck_rand(s), in)) {
		refcheck_inputs_free(in);
		return NULL;
	}
	return in;
}

void refcheck_inputs_free(void **in)
{
	for (int k = 0; in && in[k]; k++)
		free(in[k]);
	free(in);
}

void *refcheck_run(einc_ctx *ctx, const einc_program *p, const void *const *in, size_t *bytes)
{
	*bytes = (size_t)einc_program_elems(p, -1) * einc_dtype_size(einc_program_dtype(p));
	void *out = malloc(*bytes + 8);
	assert_non_null(out);
	memset(out, 0x7f, *bytes);
	einc_kernel *k = NULL;
	assert_int_equal(einc_program_jit(ctx, p, &k), EINC_OK);
	assert_int_equal(einc_kernel_run(k, out, in, NULL), EINC_OK);
	einc_kernel_free(k);
	return out;
}

int refcheck_dump_has(einc_ctx *ctx, const einc_program *p, einc_stage stage, const char *text)
{
	char *s = NULL;
	assert_int_equal(einc_program_dump(ctx, p, stage, &s), EINC_OK);
	int has = strstr(s, text) != NULL;
	einc_free(s);
	return has;
}

void refcheck_repeat(einc_ctx *ctx, const einc_program *p, const void *const *in,
                     const void *want, size_t bytes, int runs, const char *what)
{
	void *got = malloc(bytes + 8);
	assert_non_null(got);
	einc_kernel *k = NULL;
	assert_int_equal(einc_program_jit(ctx, p, &k), EINC_OK);
	for (int run = 0; run < runs; run++) {
		memset(got, 0x7f, bytes);
		assert_int_equal(einc_kernel_run(k, got, in, NULL), EINC_OK);
		if (memcmp(got, want, bytes))
			fail_msg("%s (run %d)", what, run + 1);
	}
	einc_kernel_free(k);
	free(got);
}

/* Runs of each multi-threaded kernel refcheck_agree compares: a loop's
 * first runs may find its tasks on the caller alone (workers still
 * waking, the JIT's code warming), so that tasks that would clash never
 * overlap; later runs split as the pool has learnt (a tiled chain's tasks
 * pointed at one buffer passed a run and failed five, test_tiled). */
#define AGREE_RUNS 3

void *refcheck_agree(einc_ctx *ctx, einc_program *const *p, const int *threads, int n,
                     const void *const *in, const char *what, size_t *bytes)
{
	void *got = refcheck_run(ctx, p[0], in, bytes);
	einc_check_result r;
	assert_int_equal(einc_program_check(ctx, p[0], in, got, &r), EINC_OK);
	if (!r.ok)
		fail_msg("%s: element %lld is %g, expected %g", what, (long long)r.at, r.got, r.want);
	for (int t = 1; t < n; t++) {
		char differ[300];
		snprintf(differ, sizeof differ, "%.200s: %d threads differ from %d", what, threads[t],
		         threads[0]);
		refcheck_repeat(ctx, p[t], in, got, *bytes, AGREE_RUNS, differ);
	}
	return got;
}
