/*
 * test_sublist.c - einc_compile_sublist, numpy's sublist form through the
 * public API: the spec it writes, numpy's implicit output order, a
 * network past 52 labels run by the JIT against a hand-computed product,
 * random sublists against the reference evaluator, and the API errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "einc.h"
#include "refcheck.h"

/* The "spec" line of "p"'s graph dump, into "buf". */
static const char *spec_of(einc_ctx *ctx, const einc_program *p, char *buf, size_t n)
{
	char *text = NULL;
	assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_GRAPH, &text), EINC_OK);
	const char *at = strstr(text, "spec \"");
	assert_non_null(at);
	at += 6;
	size_t len = (size_t)(strchr(at, '"') - at);
	assert_true(len < n);
	memcpy(buf, at, len);
	buf[len] = '\0';
	einc_free(text);
	return buf;
}

/* The spec written for explicit and implicit outputs: the distinct ints,
 * sorted, become A, B, ...; the implicit output is sorted by int, as numpy's
 * einsum(a, [5, -3], b, [-3, 100]) gives axes 5, 100. */
static void test_spec(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p;
	char buf[64];
	static const int r2[] = {2, 2}, l01[] = {0, 1}, l12[] = {1, 2}, l02[] = {0, 2};
	static const int a[] = {5, -3}, b[] = {-3, 100};
	static const int64_t s23[] = {2, 3}, s34[] = {3, 4};
	const int *const mm[] = {l01, l12}, *const neg[] = {a, b};
	const int64_t *const shapes[] = {s23, s34};
	assert_int_equal(einc_compile_sublist(ctx, 2, r2, mm, shapes, 2, l02, NULL, &p), EINC_OK);
	assert_string_equal(spec_of(ctx, p, buf, sizeof buf), "AB,BC->AC");
	einc_program_free(p);
	assert_int_equal(einc_compile_sublist(ctx, 2, r2, neg, shapes, -1, NULL, NULL, &p),
	                 EINC_OK);
	assert_string_equal(spec_of(ctx, p, buf, sizeof buf), "BA,AC");
	const int64_t *dims;
	assert_int_equal(einc_program_shape(p, -1, &dims), 2);
	assert_int_equal(dims[0], 2); /* label 5 */
	assert_int_equal(dims[1], 4); /* label 100 */
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* A chain of 120 2x2 matrices [[1, 1], [0, 1]] with labels 1000 * k: 121
 * labels, past the alphabet; their product is [[1, 120], [0, 1]]. */
static void test_long_chain(void **state)
{
	(void)state;
	enum { N = 120 };
	static int ranks[N], lab[N][2];
	static const int *labels[N];
	static const int64_t s22[] = {2, 2};
	static const int64_t *shapes[N];
	static const float m[] = {1, 1, 0, 1};
	static const void *in[N];
	for (int k = 0; k < N; k++) {
		ranks[k] = 2;
		lab[k][0] = 1000 * k;
		lab[k][1] = 1000 * (k + 1);
		labels[k] = lab[k];
		shapes[k] = s22;
		in[k] = m;
	}
	const int out[] = {0, 1000 * N};
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p;
	einc_kernel *kern;
	assert_int_equal(einc_compile_sublist(ctx, N, ranks, labels, shapes, 2, out, NULL, &p),
	                 EINC_OK);
	assert_int_equal(einc_program_jit(ctx, p, &kern), EINC_OK);
	float got[4] = {0};
	assert_int_equal(einc_kernel_run(kern, got, in, NULL), EINC_OK);
	assert_true(got[0] == 1 && got[1] == N && got[2] == 0 && got[3] == 1);
	einc_kernel_free(kern);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* Random sublists (up to 4 operands of rank up to 3 over 5 ints drawn from
 * a wide range, repeats allowed, half with an explicit output) compiled,
 * JIT-run and compared with the reference evaluator. */
static void test_random(void **state)
{
	(void)state;
	uint64_t s = 0x5eed;
	einc_ctx *ctx = einc_ctx_new();
	for (int c = 0; c < 40; c++) {
		int nops = 1 + (int)(refcheck_rand(&s) % 4), ranks[4], lab[4][3], out[5], nout = 0;
		int pool[5];
		int64_t size[5], dims[4][3];
		const int *labels[4];
		const int64_t *shapes[4];
		for (int i = 0; i < 5; i++) {
			pool[i] = (int)(refcheck_rand(&s) % 2000001) - 1000000;
			size[i] = 1 + (int64_t)(refcheck_rand(&s) % 4);
		}
		for (int k = 0; k < nops; k++) {
			ranks[k] = 1 + (int)(refcheck_rand(&s) % 3);
			for (int a = 0; a < ranks[k]; a++) {
				int i = (int)(refcheck_rand(&s) % 5);
				lab[k][a] = pool[i];
				dims[k][a] = size[i];
			}
			labels[k] = lab[k];
			shapes[k] = dims[k];
		}
		for (int i = 0; i < 5 && c % 2; i++) {
			int used = 0;
			for (int k = 0; k < nops; k++)
				for (int a = 0; a < ranks[k]; a++)
					used |= lab[k][a] == pool[i];
			int dup = 0;
			for (int j = 0; j < nout; j++)
				dup |= out[j] == pool[i];
			if (used && !dup && refcheck_rand(&s) % 2)
				out[nout++] = pool[i];
		}
		einc_options o;
		einc_options_init(&o);
		o.dtype = c % 3 ? EINC_F64 : EINC_F32;
		einc_program *p;
		einc_kernel *kern;
		einc_status st = einc_compile_sublist(ctx, nops, ranks, labels, shapes,
		                                      c % 2 ? nout : -1, out, &o, &p);
		if (st != EINC_OK)
			fail_msg("case %d: %s", c, einc_ctx_message(ctx));
		void **in = refcheck_inputs(ctx, p, &s);
		assert_non_null(in);
		int64_t nelems = einc_program_elems(p, -1);
		void *got = calloc(nelems ? (size_t)nelems : 1, 8);
		assert_int_equal(einc_program_jit(ctx, p, &kern), EINC_OK);
		assert_int_equal(einc_kernel_run(kern, got, (const void *const *)in, NULL), EINC_OK);
		einc_check_result res;
		assert_int_equal(einc_program_check(ctx, p, (const void *const *)in, got, &res), EINC_OK);
		if (!res.ok)
			fail_msg("case %d: element %lld is %g, expected %g", c, (long long)res.at, res.got,
			         res.want);
		free(got);
		refcheck_inputs_free(in);
		einc_kernel_free(kern);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/* Bad arguments are EINC_EINVAL with a message, never a crash. */
static void test_errors(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = (einc_program *)ctx;
	static const int r1[] = {1}, rneg[] = {-1}, l0[] = {0};
	static const int64_t s2[] = {2};
	const int *const labels[] = {l0}, *const none[] = {NULL};
	const int64_t *const shapes[] = {s2};
	assert_int_equal(einc_compile_sublist(ctx, 0, r1, labels, shapes, -1, NULL, NULL, &p),
	                 EINC_EINVAL);
	assert_null(p);
	assert_int_equal(einc_compile_sublist(ctx, 1, r1, none, shapes, -1, NULL, NULL, &p),
	                 EINC_EINVAL);
	assert_string_equal(einc_ctx_message(ctx),
	                    "error: api: operand 0 has rank 1 and NULL labels");
	assert_int_equal(einc_compile_sublist(ctx, 1, rneg, labels, shapes, -1, NULL, NULL, &p),
	                 EINC_EINVAL);
	assert_int_equal(einc_compile_sublist(ctx, 1, r1, labels, shapes, 1, NULL, NULL, &p),
	                 EINC_EINVAL);
	static const int l7[] = {7};
	assert_int_equal(einc_compile_sublist(ctx, 1, r1, labels, shapes, 1, l7, NULL, &p),
	                 EINC_ESYNTAX); /* an output label in no input, as numpy */
	assert_null(p);
	assert_int_equal(einc_compile_sublist(NULL, 1, r1, labels, shapes, -1, NULL, NULL, &p),
	                 EINC_EINVAL);
	einc_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_long_chain),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
