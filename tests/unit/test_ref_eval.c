/* test_ref_eval.c - einc_rt_ref_eval on problems small enough to check by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "einc_rt.h"

/* C[i,k] = sum_j A[i,j] B[j,k], A 2x3, B 3x2; indices i, j, k; f64 and f32. */
static void test_matmul(void **state)
{
	(void)state;
	const int64_t sizes[] = {2, 3, 2};
	const int64_t sa[] = {3, 1, 0}, sb[] = {0, 2, 1}, sc[] = {2, 0, 1};
	const int64_t *const strides[] = {sa, sb};
	einc_rt_ref_problem p = {3, sizes, 2, strides, sc, 4};
	const double a[] = {1, 2, 3, 4, 5, 6}, b[] = {7, 8, 9, 10, 11, 12};
	const void *const in[] = {a, b};
	double c[4];
	assert_int_equal(einc_rt_ref_eval(&p, 1, c, in), 0);
	/* [1 2 3; 4 5 6] [7 8; 9 10; 11 12] = [58 64; 139 154] */
	assert_true(c[0] == 58 && c[1] == 64 && c[2] == 139 && c[3] == 154);

	const float af[] = {1, 2, 3, 4, 5, 6}, bf[] = {7, 8, 9, 10, 11, 12};
	const void *const inf[] = {af, bf};
	float cf[4];
	assert_int_equal(einc_rt_ref_eval(&p, 0, cf, inf), 0);
	assert_true(cf[0] == 58 && cf[1] == 64 && cf[2] == 139 && cf[3] == 154);
}

/* "ii->" and "ii->i" on a 3x3 matrix: one index whose stride is 3+1. */
static void test_trace_and_diagonal(void **state)
{
	(void)state;
	const int64_t sizes[] = {3}, sa[] = {4}, none[] = {0}, diag[] = {1};
	const int64_t *const strides[] = {sa};
	const double a[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	const void *const in[] = {a};
	einc_rt_ref_problem trace = {1, sizes, 1, strides, none, 1};
	double t;
	assert_int_equal(einc_rt_ref_eval(&trace, 1, &t, in), 0);
	assert_true(t == 15);
	einc_rt_ref_problem d = {1, sizes, 1, strides, diag, 3};
	double v[3];
	assert_int_equal(einc_rt_ref_eval(&d, 1, v, in), 0);
	assert_true(v[0] == 1 && v[1] == 5 && v[2] == 9);
}

/* "i,j->ij": the outer product of a 2-vector and a 3-vector, f32. */
static void test_outer(void **state)
{
	(void)state;
	const int64_t sizes[] = {2, 3}, sa[] = {1, 0}, sb[] = {0, 1}, so[] = {3, 1};
	const int64_t *const strides[] = {sa, sb};
	einc_rt_ref_problem p = {2, sizes, 2, strides, so, 6};
	const float a[] = {2, -1}, b[] = {1, 10, 100};
	const void *const in[] = {a, b};
	float o[6];
	assert_int_equal(einc_rt_ref_eval(&p, 0, o, in), 0);
	const float want[] = {2, 20, 200, -1, -10, -100};
	for (int e = 0; e < 6; e++)
		assert_true(o[e] == want[e]);
}

/* ",->": no index at all is one point, the product of two scalars; and
 * "->" of one scalar. */
static void test_scalars(void **state)
{
	(void)state;
	const int64_t *const strides[] = {NULL, NULL};
	einc_rt_ref_problem p = {0, NULL, 2, strides, NULL, 1};
	const double a = 3, b = -2.5;
	const void *const in[] = {&a, &b};
	double o = 99;
	assert_int_equal(einc_rt_ref_eval(&p, 1, &o, in), 0);
	assert_true(o == -7.5);
	p.ninputs = 1;
	float af = 4, of = 0;
	const void *const inf[] = {&af};
	assert_int_equal(einc_rt_ref_eval(&p, 0, &of, inf), 0);
	assert_true(of == 4);
}

/* "ij,ij->ij" where B is 1x3 (numpy broadcasting): B's stride for i is 0. */
static void test_broadcast(void **state)
{
	(void)state;
	const int64_t sizes[] = {2, 3}, sa[] = {3, 1}, sb[] = {0, 1}, so[] = {3, 1};
	const int64_t *const strides[] = {sa, sb};
	einc_rt_ref_problem p = {2, sizes, 2, strides, so, 6};
	const double a[] = {1, 2, 3, 4, 5, 6}, b[] = {10, 100, 1000};
	const void *const in[] = {a, b};
	double o[6];
	assert_int_equal(einc_rt_ref_eval(&p, 1, o, in), 0);
	const double want[] = {10, 200, 3000, 40, 500, 6000};
	for (int e = 0; e < 6; e++)
		assert_true(o[e] == want[e]);
}

/* "ijk->": summing 2x2x2 ones reaches every point exactly once, and the
 * previous contents of "out" do not leak in. */
static void test_sum_all(void **state)
{
	(void)state;
	const int64_t sizes[] = {2, 2, 2}, sa[] = {4, 2, 1}, none[] = {0, 0, 0};
	const int64_t *const strides[] = {sa};
	einc_rt_ref_problem p = {3, sizes, 1, strides, none, 1};
	const float a[] = {1, 2, 4, 8, 16, 32, 64, 128};
	const void *const in[] = {a};
	float o = 1000;
	assert_int_equal(einc_rt_ref_eval(&p, 0, &o, in), 0);
	assert_true(o == 255);
}

/* 1 + four times 2^-25 in f32: a float accumulator would drop each term
 * (under half an ulp of 1); double keeps them, and the one rounding at the
 * end gives 1 + 2^-23. */
static void test_double_accumulation(void **state)
{
	(void)state;
	const int64_t sizes[] = {5}, sa[] = {1}, none[] = {0};
	const int64_t *const strides[] = {sa};
	einc_rt_ref_problem p = {1, sizes, 1, strides, none, 1};
	const float a[] = {1.0f, 0x1p-25f, 0x1p-25f, 0x1p-25f, 0x1p-25f};
	const void *const in[] = {a};
	float o;
	assert_int_equal(einc_rt_ref_eval(&p, 0, &o, in), 0);
	assert_true(o == 1.0f + 0x1p-23f);
}

/* "ij->i" with j of size 0: every sum is empty, so the output is zeros. */
static void test_empty_index(void **state)
{
	(void)state;
	const int64_t sizes[] = {2, 0}, sa[] = {0, 1}, so[] = {1, 0};
	const int64_t *const strides[] = {sa};
	einc_rt_ref_problem p = {2, sizes, 1, strides, so, 2};
	const double a[] = {7};
	const void *const in[] = {a};
	double o[2] = {5, 5};
	assert_int_equal(einc_rt_ref_eval(&p, 1, o, in), 0);
	assert_true(o[0] == 0 && o[1] == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matmul),
		cmocka_unit_test(test_trace_and_diagonal),
		cmocka_unit_test(test_outer),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_broadcast),
		cmocka_unit_test(test_sum_all),
		cmocka_unit_test(test_double_accumulation),
		cmocka_unit_test(test_empty_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
