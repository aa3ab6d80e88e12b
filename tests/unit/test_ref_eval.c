/* test_ref_eval.c - einc_rt_ref_eval on problems small enough to check by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "einc_rt.h"

/* einc_rt_ref_eval on reals, double when "f64", else float. */
static int eval(einc_rt_ref_problem *p, int f64, void *out, const void *const in[])
{
	p->kind = EINC_RT_REAL;
	p->part_bytes = f64 ? 8 : 4;
	return einc_rt_ref_eval(p, out, in);
}

/* C[i,k] = sum_j A[i,j] B[j,k], A 2x3, B 3x2; indices i, j, k; f64 and f32. */
static void test_matmul(void **state)
{
	(void)state;
	const int64_t sizes[] = {2, 3, 2};
	const int64_t sa[] = {3, 1, 0}, sb[] = {0, 2, 1}, sc[] = {2, 0, 1};
	const int64_t *const strides[] = {sa, sb};
	einc_rt_ref_problem p = {3, sizes, 2, strides, sc, 4, EINC_RT_REAL, 4};
	const double a[] = {1, 2, 3, 4, 5, 6}, b[] = {7, 8, 9, 10, 11, 12};
	const void *const in[] = {a, b};
	double c[4];
	assert_int_equal(eval(&p, 1, c, in), 0);
	/* [1 2 3; 4 5 6] [7 8; 9 10; 11 12] = [58 64; 139 154] */
	assert_true(c[0] == 58 && c[1] == 64 && c[2] == 139 && c[3] == 154);

	const float af[] = {1, 2, 3, 4, 5, 6}, bf[] = {7, 8, 9, 10, 11, 12};
	const void *const inf[] = {af, bf};
	float cf[4];
	assert_int_equal(eval(&p, 0, cf, inf), 0);
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
	einc_rt_ref_problem trace = {1, sizes, 1, strides, none, 1, EINC_RT_REAL, 4};
	double t;
	assert_int_equal(eval(&trace, 1, &t, in), 0);
	assert_true(t == 15);
	einc_rt_ref_problem d = {1, sizes, 1, strides, diag, 3, EINC_RT_REAL, 4};
	double v[3];
	assert_int_equal(eval(&d, 1, v, in), 0);
	assert_true(v[0] == 1 && v[1] == 5 && v[2] == 9);
}

/* "i,j->ij": the outer product of a 2-vector and a 3-vector, f32. */
static void test_outer(void **state)
{
	(void)state;
	const int64_t sizes[] = {2, 3}, sa[] = {1, 0}, sb[] = {0, 1}, so[] = {3, 1};
	const int64_t *const strides[] = {sa, sb};
	einc_rt_ref_problem p = {2, sizes, 2, strides, so, 6, EINC_RT_REAL, 4};
	const float a[] = {2, -1}, b[] = {1, 10, 100};
	const void *const in[] = {a, b};
	float o[6];
	assert_int_equal(eval(&p, 0, o, in), 0);
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
	einc_rt_ref_problem p = {0, NULL, 2, strides, NULL, 1, EINC_RT_REAL, 4};
	const double a = 3, b = -2.5;
	const void *const in[] = {&a, &b};
	double o = 99;
	assert_int_equal(eval(&p, 1, &o, in), 0);
	assert_true(o == -7.5);
	p.ninputs = 1;
	float af = 4, of = 0;
	const void *const inf[] = {&af};
	assert_int_equal(eval(&p, 0, &of, inf), 0);
	assert_true(of == 4);
}

/* "ij,ij->ij" where B is 1x3 (numpy broadcasting): B's stride for i is 0. */
static void test_broadcast(void **state)
{
	(void)state;
	const int64_t sizes[] = {2, 3}, sa[] = {3, 1}, sb[] = {0, 1}, so[] = {3, 1};
	const int64_t *const strides[] = {sa, sb};
	einc_rt_ref_problem p = {2, sizes, 2, strides, so, 6, EINC_RT_REAL, 4};
	const double a[] = {1, 2, 3, 4, 5, 6}, b[] = {10, 100, 1000};
	const void *const in[] = {a, b};
	double o[6];
	assert_int_equal(eval(&p, 1, o, in), 0);
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
	einc_rt_ref_problem p = {3, sizes, 1, strides, none, 1, EINC_RT_REAL, 4};
	const float a[] = {1, 2, 4, 8, 16, 32, 64, 128};
	const void *const in[] = {a};
	float o = 1000;
	assert_int_equal(eval(&p, 0, &o, in), 0);
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
	einc_rt_ref_problem p = {1, sizes, 1, strides, none, 1, EINC_RT_REAL, 4};
	const float a[] = {1.0f, 0x1p-25f, 0x1p-25f, 0x1p-25f, 0x1p-25f};
	const void *const in[] = {a};
	float o;
	assert_int_equal(eval(&p, 0, &o, in), 0);
	assert_true(o == 1.0f + 0x1p-23f);
}

/* "ij->i" with j of size 0: every sum is empty, so the output is zeros. */
static void test_empty_index(void **state)
{
	(void)state;
	const int64_t sizes[] = {2, 0}, sa[] = {0, 1}, so[] = {1, 0};
	const int64_t *const strides[] = {sa};
	einc_rt_ref_problem p = {2, sizes, 1, strides, so, 2, EINC_RT_REAL, 4};
	const double a[] = {7};
	const void *const in[] = {a};
	double o[2] = {5, 5};
	assert_int_equal(eval(&p, 1, o, in), 0);
	assert_true(o[0] == 0 && o[1] == 0);
}

/* "j,j->": (1+2i)(3+4i) + (5+6i)(7+8i) = -18+92i, in c128 and c64. */
static void test_complex(void **state)
{
	(void)state;
	const int64_t sizes[] = {2}, sa[] = {1}, none[] = {0};
	const int64_t *const strides[] = {sa, sa};
	einc_rt_ref_problem p = {1, sizes, 2, strides, none, 1, EINC_RT_COMPLEX, 8};
	const double a[] = {1, 2, 5, 6}, b[] = {3, 4, 7, 8};
	const void *const in[] = {a, b};
	double o[2];
	assert_int_equal(einc_rt_ref_eval(&p, o, in), 0);
	assert_true(o[0] == -18 && o[1] == 92);
	const float af[] = {1, 2, 5, 6}, bf[] = {3, 4, 7, 8};
	const void *const inf[] = {af, bf};
	float of[2];
	p.part_bytes = 4;
	assert_int_equal(einc_rt_ref_eval(&p, of, inf), 0);
	assert_true(of[0] == -18 && of[1] == 92);
}

/* "j,j->" in i32 and i64 wraps as numpy's int32/int64 do: 65536 * 65536
 * + (2^31 - 1) * 1 is 2^31 - 1 modulo 2^32; INT64_MAX * 1 + 1 * 1 is
 * INT64_MIN. */
static void test_integer_wraparound(void **state)
{
	(void)state;
	const int64_t sizes[] = {2}, sa[] = {1}, none[] = {0};
	const int64_t *const strides[] = {sa, sa};
	einc_rt_ref_problem p = {1, sizes, 2, strides, none, 1, EINC_RT_INT, 4};
	const int32_t a[] = {65536, INT32_MAX}, b[] = {65536, 1};
	const void *const in[] = {a, b};
	int32_t o;
	assert_int_equal(einc_rt_ref_eval(&p, &o, in), 0);
	assert_true(o == INT32_MAX);
	const int64_t a8[] = {INT64_MAX, 1}, b8[] = {1, 1};
	const void *const in8[] = {a8, b8};
	int64_t o8;
	p.part_bytes = 8;
	assert_int_equal(einc_rt_ref_eval(&p, &o8, in8), 0);
	assert_true(o8 == INT64_MIN);
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
		cmocka_unit_test(test_complex),
		cmocka_unit_test(test_integer_wraparound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
