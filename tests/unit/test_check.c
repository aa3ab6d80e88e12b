/*
 * test_check.c - einc_program_check and einc_program_random_inputs through
 * the public API, on outputs written by hand: the exact result passes, a
 * perturbation beyond the tolerance is reported at its element and one
 * within it is not, NaN and infinities count only where the reference has
 * them, any error where every product is 0 fails, and f32 sums of
 * |products| do not overflow. A reference computed once checks several
 * outputs alike. Complex outputs are checked by the modulus of the error,
 * integers exactly. Also the inputs' determinism and range, and the error
 * paths.
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "einc.h"
#include "refcheck.h"

/*
 * A = [1 -2 3; 4 5 -6], B = [7 8; -9 10; 11 12]: A B = [58 24; -83 10],
 * and the sums of |products| per element are [58 64; 139 154].
 */
static const double mat_a[6] = {1, -2, 3, 4, 5, -6}, mat_b[6] = {7, 8, -9, 10, 11, 12};
static const double mat_c[4] = {58, 24, -83, 10}, mat_s[4] = {58, 64, 139, 154};

/* einc_program_check of "out" (4 doubles) against "ij,jk->ik" on "a", "b". */
static einc_check_result check_f64(const double *a, const double *b, const double *out)
{
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = refcheck_compile(ctx, "ij,jk->ik", "i=2,j=3,k=2", EINC_F64);
	const void *const in[] = {a, b};
	einc_check_result r;
	memset(&r, 0x55, sizeof r);
	assert_int_equal(einc_program_check(ctx, p, in, out, &r), EINC_OK);
	einc_program_free(p);
	einc_ctx_free(ctx);
	return r;
}

/* The exact product passes with no error; the tolerances are the stated ones. */
static void test_exact(void **state)
{
	(void)state;
	einc_check_result r = check_f64(mat_a, mat_b, mat_c);
	assert_true(r.ok);
	assert_true(r.error == 0 && r.max_abs == 0 && r.tolerance == 1e-10);
	assert_int_equal(r.at, 0);
	assert_true(r.got == 58 && r.want == 58);
}

/* One element off by 3 tolerances of its sum of |products| is reported
 * there; one off by half a tolerance passes (and is the worst). */
static void test_perturbed(void **state)
{
	(void)state;
	double out[4];
	memcpy(out, mat_c, sizeof out);
	out[1] += 3e-10 * mat_s[1];
	einc_check_result r = check_f64(mat_a, mat_b, out);
	assert_false(r.ok);
	assert_int_equal(r.at, 1);
	assert_true(r.got == out[1] && r.want == 24);
	assert_true(fabs(r.error - 3e-10) < 1e-12);
	assert_true(fabs(r.max_abs - 3e-10 * 64) < 1e-10);

	memcpy(out, mat_c, sizeof out);
	out[3] -= 0.5e-10 * mat_s[3];
	r = check_f64(mat_a, mat_b, out);
	assert_true(r.ok);
	assert_int_equal(r.at, 3);
	assert_true(fabs(r.error - 0.5e-10) < 1e-12);
}

/* The same in f32: tolerance 1e-4, an element off by 2 of them fails. */
static void test_perturbed_f32(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = refcheck_compile(ctx, "ij,jk->ik", "i=2,j=3,k=2", EINC_F32);
	float a[6], b[6], out[4];
	for (int e = 0; e < 6; e++) {
		a[e] = (float)mat_a[e];
		b[e] = (float)mat_b[e];
	}
	for (int e = 0; e < 4; e++)
		out[e] = (float)mat_c[e];
	const void *const in[] = {a, b};
	einc_check_result r;
	assert_int_equal(einc_program_check(ctx, p, in, out, &r), EINC_OK);
	assert_true(r.ok && r.error == 0 && r.tolerance == 1e-4);
	out[2] += (float)(2e-4 * mat_s[2]);
	assert_int_equal(einc_program_check(ctx, p, in, out, &r), EINC_OK);
	assert_false(r.ok);
	assert_int_equal(r.at, 2);
	assert_true(r.want == -83 && fabs(r.error - 2e-4) < 1e-6);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* NaN or an infinity in the output fails where the reference is finite,
 * and passes where the reference has the same. */
static void test_nan_inf(void **state)
{
	(void)state;
	double out[4];
	memcpy(out, mat_c, sizeof out);
	out[2] = NAN;
	einc_check_result r = check_f64(mat_a, mat_b, out);
	assert_false(r.ok);
	assert_int_equal(r.at, 2);
	assert_true(isinf(r.error) && isinf(r.max_abs));
	out[2] = INFINITY;
	r = check_f64(mat_a, mat_b, out);
	assert_false(r.ok);
	assert_true(isinf(r.error));

	/* a NaN input: row 0 of the reference is NaN */
	double a[6];
	memcpy(a, mat_a, sizeof a);
	a[0] = NAN;
	double same[4] = {NAN, NAN, -83, 10};
	r = check_f64(a, mat_b, same);
	assert_true(r.ok && r.error == 0);
	same[1] = 24;
	r = check_f64(a, mat_b, same);
	assert_false(r.ok);
	assert_int_equal(r.at, 1);

	/* an infinite input: row 0 is +inf (7 and 8 times +inf dominate) */
	a[0] = INFINITY;
	double inf[4] = {INFINITY, INFINITY, -83, 10};
	r = check_f64(a, mat_b, inf);
	assert_true(r.ok && r.error == 0);
	inf[1] = -INFINITY;
	r = check_f64(a, mat_b, inf);
	assert_false(r.ok);
	assert_int_equal(r.at, 1);
}

/* Where every product is 0, any error fails. */
static void test_zero_products(void **state)
{
	(void)state;
	const double zero[6] = {0};
	double out[4] = {0};
	einc_check_result r = check_f64(mat_a, zero, out);
	assert_true(r.ok && r.error == 0);
	out[3] = 1e-300;
	r = check_f64(mat_a, zero, out);
	assert_false(r.ok);
	assert_int_equal(r.at, 3);
	assert_true(isinf(r.error) && r.max_abs == 1e-300);
}

/* f32 "i,i->" of 1e30s: the result overflows to +inf in f32 (so an inf
 * passes and FLT_MAX does not), the sum of |products| (2e60) is taken in
 * double and does not. */
static void test_f32_overflow(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = refcheck_compile(ctx, "i,i->", "i=2", EINC_F32);
	const float x[2] = {1e30f, 1e30f};
	const void *const in[] = {x, x};
	float out = INFINITY;
	einc_check_result r;
	assert_int_equal(einc_program_check(ctx, p, in, &out, &r), EINC_OK);
	assert_true(r.ok && isinf(r.want));
	out = FLT_MAX;
	assert_int_equal(einc_program_check(ctx, p, in, &out, &r), EINC_OK);
	assert_false(r.ok);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* A reference computed once checks several outputs as einc_program_check
 * does; NULL arguments are refused without a context. */
static void test_reference_reused(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = refcheck_compile(ctx, "ij,jk->ik", "i=2,j=3,k=2", EINC_F64);
	const void *const in[] = {mat_a, mat_b};
	einc_reference *ref = NULL;
	assert_int_equal(einc_reference_new(ctx, p, in, &ref), EINC_OK);
	double out[4];
	memcpy(out, mat_c, sizeof out);
	einc_check_result r, once;
	for (int x = 0; x < 3; x++) {
		out[x] += (4 - x) * 1e-10 * mat_s[x]; /* 4, 3, 2 tolerances: the worst stays 0 */
		assert_int_equal(einc_reference_check(ref, out, &r), EINC_OK);
		assert_int_equal(einc_program_check(ctx, p, in, out, &once), EINC_OK);
		assert_memory_equal(&r, &once, sizeof r);
		assert_false(r.ok);
		assert_int_equal(r.at, 0);
	}
	assert_int_equal(einc_reference_check(ref, NULL, &r), EINC_EINVAL);
	assert_int_equal(einc_reference_check(NULL, out, &r), EINC_EINVAL);
	einc_reference_free(ref);
	einc_reference_free(NULL);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* Random inputs: the same seed gives the same values, in [-1, 1), the same
 * in f32 as in f64 (rounded); another seed gives others. */
static void test_random_inputs(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p64 = refcheck_compile(ctx, "ij,jk->ik", "i=3,j=40,k=5", EINC_F64);
	einc_program *p32 = refcheck_compile(ctx, "ij,jk->ik", "i=3,j=40,k=5", EINC_F32);
	double a[120], b[200], a2[120], b2[200];
	float af[120], bf[200];
	void *const in[] = {a, b}, *const again[] = {a2, b2}, *const inf[] = {af, bf};
	assert_int_equal(einc_program_random_inputs(ctx, p64, 3, in), EINC_OK);
	assert_int_equal(einc_program_random_inputs(ctx, p64, 3, again), EINC_OK);
	assert_memory_equal(a, a2, sizeof a);
	assert_memory_equal(b, b2, sizeof b);
	assert_int_equal(einc_program_random_inputs(ctx, p32, 3, inf), EINC_OK);
	int negative = 0;
	for (int e = 0; e < 200; e++) {
		double v = e < 120 ? a[e] : b[e - 120];
		float vf = e < 120 ? af[e] : bf[e - 120];
		assert_true(v >= -1 && v < 1 && vf == (float)v);
		negative += v < 0;
	}
	assert_true(negative > 50 && negative < 150);
	assert_true(b[0] != a[119] && b[0] != a[0]); /* one stream over both inputs */
	assert_int_equal(einc_program_random_inputs(ctx, p64, 4, again), EINC_OK);
	assert_true(memcmp(a, a2, sizeof a) != 0);
	einc_program_free(p64);
	einc_program_free(p32);
	einc_ctx_free(ctx);
}

/* NULL arguments, and a reference too large to run, fail with a message. */
static void test_errors(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = refcheck_compile(ctx, "ij,jk->ik", "i=2,j=3,k=2", EINC_F64);
	double out[4];
	const void *const in[] = {mat_a, mat_b}, *const half[] = {mat_a, NULL};
	void *const fill[] = {out, NULL};
	einc_check_result r;
	assert_int_equal(einc_program_check(NULL, p, in, out, &r), EINC_EINVAL);
	assert_int_equal(einc_program_check(ctx, p, in, out, NULL), EINC_EINVAL);
	assert_non_null(strstr(einc_ctx_message(ctx), "must not be NULL"));
	assert_int_equal(einc_program_check(ctx, p, half, out, &r), EINC_EINVAL);
	assert_non_null(strstr(einc_ctx_message(ctx), "input 1 is NULL"));
	assert_int_equal(einc_program_random_inputs(ctx, NULL, 0, fill), EINC_EINVAL);
	assert_int_equal(einc_program_random_inputs(ctx, p, 0, fill), EINC_EINVAL);
	assert_non_null(strstr(einc_ctx_message(ctx), "input 1 is NULL"));
	einc_program_free(p);

	/* 100^8 index points: above EINC_REFERENCE_POINTS_MAX */
	p = refcheck_compile(ctx, "a,b,c,d,e,f,g,h->",
	                     "a=100,b=100,c=100,d=100,e=100,f=100,g=100,h=100", EINC_F32);
	static float x[8][100];
	const void *const big[] = {x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]};
	float one = 0;
	assert_int_equal(einc_program_check(ctx, p, big, &one, &r), EINC_EUNSUPPORTED);
	assert_non_null(strstr(einc_ctx_message(ctx), "reference evaluator"));
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* "ij,jk->ik" in c128 on A + iA, B - iB: (1 + i)(1 - i) = 2, so the
 * product is 2 AB, its sums of |products| 2 mat_s. An imaginary part off
 * by 3 tolerances is reported with both parts. */
static void test_complex(void **state)
{
	(void)state;
	double a[12], b[12], out[8];
	for (int e = 0; e < 6; e++) {
		a[2 * e] = a[2 * e + 1] = mat_a[e];
		b[2 * e] = mat_b[e];
		b[2 * e + 1] = -mat_b[e];
	}
	for (int e = 0; e < 4; e++) {
		out[2 * e] = 2 * mat_c[e];
		out[2 * e + 1] = 0;
	}
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = refcheck_compile(ctx, "ij,jk->ik", "i=2,j=3,k=2", EINC_C128);
	const void *const in[] = {a, b};
	einc_check_result r;
	assert_int_equal(einc_program_check(ctx, p, in, out, &r), EINC_OK);
	assert_true(r.ok && r.error == 0 && r.tolerance == 1e-10);
	out[5] = 3e-10 * 2 * mat_s[2];
	assert_int_equal(einc_program_check(ctx, p, in, out, &r), EINC_OK);
	assert_false(r.ok);
	assert_int_equal(r.at, 2);
	assert_true(r.got == -166 && r.got_imag == out[5] && r.want == -166 && r.want_imag == 0);
	assert_true(fabs(r.error - 3e-10) < 1e-12);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

/* "i,i->" in i32: the exact sum passes with tolerance 0, one off by 1
 * fails; the random inputs are integers in -8 .. 8. */
static void test_integer(void **state)
{
	(void)state;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = refcheck_compile(ctx, "i,i->", "i=3", EINC_I32);
	const int32_t a[3] = {1 << 20, 3, -5}, b[3] = {1 << 11, 7, 2};
	const void *const in[] = {a, b};
	int32_t out = INT32_MIN + 11; /* 2^31 + 21 - 10, wrapped */
	einc_check_result r;
	assert_int_equal(einc_program_check(ctx, p, in, &out, &r), EINC_OK);
	assert_true(r.ok && r.error == 0 && r.tolerance == 0);
	out++;
	assert_int_equal(einc_program_check(ctx, p, in, &out, &r), EINC_OK);
	assert_false(r.ok);
	assert_true(r.error == 1 && r.want == INT32_MIN + 11);
	einc_program_free(p);
	p = refcheck_compile(ctx, "i->i", "i=1000", EINC_I32);
	int32_t x[1000];
	void *fill[] = {x};
	assert_int_equal(einc_program_random_inputs(ctx, p, 5, fill), EINC_OK);
	int lo = 0, hi = 0;
	for (int e = 0; e < 1000; e++) {
		assert_true(x[e] >= -8 && x[e] <= 8);
		lo += x[e] == -8;
		hi += x[e] == 8;
	}
	assert_true(lo > 0 && hi > 0);
	einc_program_free(p);
	einc_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_perturbed),
		cmocka_unit_test(test_perturbed_f32),
		cmocka_unit_test(test_nan_inf),
		cmocka_unit_test(test_zero_products),
		cmocka_unit_test(test_f32_overflow),
		cmocka_unit_test(test_reference_reused),
		cmocka_unit_test(test_random_inputs),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_complex),
		cmocka_unit_test(test_integer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
