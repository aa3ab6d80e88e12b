/* SPDX-License-Identifier: MIT */
/*
 * outer_kernel.c - the micro-kernel of a GEMM whose A is an outer product
 * (outer_kernel.h), in AVX-512 where the CPU runs it. gett.c otherwise
 * writes a register block of rows' products (outer_T) and then calls the
 * generated micro-kernel on them. Here the sums are factored: per run u,
 * each row's multiply-adds of its run of the inner factor by B's rows,
 * then one multiply-add by the outer factor's value: no product is stored
 * or broadcast back from memory, and the multiplies by the outer factor
 * are as many as the products' were. On zci,zcj,ijk->zck, z=4096, c=32,
 * i=j=k=16 f32 that took 7.09 ms to 6.55 (docs/bench-kernels.md,
 * "Factored sums in the micro-kernel").
 */
#include "outer_kernel.h"

#include "cpu_features.h"

#ifdef EINC_RT_X86
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))

/*
 * outer_T_MRxNVxNQ: outer_kernel.h's kernel for an MR x NV-vector block of
 * "T" and runs of NQ vectors (VEC, its vector type, and its intrinsics:
 * SET1 a broadcast, ZERO, FMADD a * b + c, ADD, LOAD and STORE unaligned).
 * Per run u, each row's sums t = sum_q in[q] * b[u * n + q], then
 * acc += out[cout[u]] * t. NU runs share a pass over q (OUTER_PASS), each
 * value of "in" broadcast once for all of them: NU times the chains of
 * multiply-adds in flight (8 chains keep the FMA units ~90% busy, 16
 * ~98%); the runs' multiply-adds into acc stay in order, so the bits are
 * those of one run a pass. The rows' pointers pass through an empty asm
 * per pass: else the compiler hoists the broadcasts of "in", the same in
 * every run, out of the loop and spills them to the stack.
 */
#define OUTER_PASS(T, MR, NV, NQ, W, VEC, SET1, ZERO, FMADD, LOAD)                      \
	do {                                                                              \
		VEC t[W][MR][NV];                                                         \
		const T *const *x = in;                                                   \
		__asm__("" : "+r"(x));                                                    \
		_Pragma("GCC unroll 2") for (int w = 0; w < W; w++)                       \
			_Pragma("GCC unroll 16") for (int i = 0; i < MR; i++)             \
				_Pragma("GCC unroll 4") for (int v = 0; v < NV; v++)      \
					t[w][i][v] = ZERO();                              \
		_Pragma("GCC unroll 32") for (int q = 0; q < NQ * L; q++) {              \
			VEC bv[W][NV];                                                    \
			_Pragma("GCC unroll 2") for (int w = 0; w < W; w++)               \
				_Pragma("GCC unroll 4") for (int v = 0; v < NV; v++)      \
					bv[w][v] = LOAD(b + (w * NQ * L + q) * ldb + v * L); \
			_Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {           \
				VEC a = SET1(x[i][q]);                                    \
				_Pragma("GCC unroll 2") for (int w = 0; w < W; w++)       \
					_Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) \
						t[w][i][v] = FMADD(a, bv[w][v], t[w][i][v]); \
			}                                                                 \
		}                                                                         \
		_Pragma("GCC unroll 2") for (int w = 0; w < W; w++)                       \
			_Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {           \
				VEC o = SET1(out[i][cout[u + w]]);                        \
				_Pragma("GCC unroll 4") for (int v = 0; v < NV; v++)      \
					acc[i][v] = FMADD(o, t[w][i][v], acc[i][v]);      \
			}                                                                 \
	} while (0)
#define OUTER_KERNEL(T, NAME, MR, NV, NQ, NU, VEC, SET1, ZERO, FMADD, ADD, LOAD, STORE)  \
	AVX512 static void outer_##NAME##_##MR##x##NV##x##NQ(                            \
		const void *const *in_, const void *const *out_, const int64_t *cout,     \
		int64_t nruns, int64_t n, const void *b_, int64_t ldb, void *c_,          \
		const int64_t *rows, int64_t first)                                       \
	{                                                                                 \
		enum { L = sizeof(VEC) / sizeof(T) };                                     \
		const T *const *in = (const T *const *)in_, *const *out = (const T *const *)out_; \
		const T *b = b_;                                                          \
		T *c = c_;                                                                \
		VEC acc[MR][NV];                                                          \
		int64_t u = 0;                                                            \
		(void)n;                                                                  \
		_Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {                   \
			__builtin_prefetch(c + rows[i], 1, 3);                            \
			__builtin_prefetch(c + rows[i] + NV * L - 1, 1, 3);               \
			_Pragma("GCC unroll 4") for (int v = 0; v < NV; v++)              \
				acc[i][v] = ZERO();                                       \
		}                                                                         \
		for (; u + NU <= nruns; u += NU, b += NU * NQ * L * ldb)                  \
			OUTER_PASS(T, MR, NV, NQ, NU, VEC, SET1, ZERO, FMADD, LOAD);      \
		for (; u < nruns; u++, b += NQ * L * ldb)                                 \
			OUTER_PASS(T, MR, NV, NQ, 1, VEC, SET1, ZERO, FMADD, LOAD);       \
		_Pragma("GCC unroll 16") for (int i = 0; i < MR; i++)                     \
			_Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) {            \
				T *o = c + rows[i] + v * L;                               \
				STORE(o, first ? acc[i][v] : ADD(LOAD(o), acc[i][v]));    \
			}                                                                 \
	}

/* The blocks passes/lower_gemm.c gives AVX-512, 8 rows of one vector or 6
 * of two, for runs of one vector or two; each fits the 32 vector registers
 * with its sums, its partial sums and its B row. */
#define OUTER_KERNELS(T, NAME, VEC, SFX)                                                 \
	OUTER_KERNEL_AT(T, NAME, 8, 1, 1, 2, VEC, SFX)                                    \
	OUTER_KERNEL_AT(T, NAME, 8, 1, 2, 2, VEC, SFX)                                    \
	OUTER_KERNEL_AT(T, NAME, 6, 2, 1, 1, VEC, SFX)                                    \
	OUTER_KERNEL_AT(T, NAME, 6, 2, 2, 1, VEC, SFX)
#define OUTER_KERNEL_AT(T, NAME, MR, NV, NQ, NU, VEC, SFX)                               \
	OUTER_KERNEL(T, NAME, MR, NV, NQ, NU, VEC, _mm512_set1_##SFX, _mm512_setzero_##SFX, \
	             _mm512_fmadd_##SFX, _mm512_add_##SFX, _mm512_loadu_##SFX,            \
	             _mm512_storeu_##SFX)

OUTER_KERNELS(float, f32, __m512, ps)
OUTER_KERNELS(double, f64, __m512d, pd)

einc_rt_outer_kernel einc_rt_outer_kernel_for(int64_t esize, int64_t mr, int64_t nr, int64_t n)
{
	int64_t lanes = 64 / esize, nq = n / lanes;
	einc_rt_outer_kernel k[2][2][2] = {
		{{outer_f32_8x1x1, outer_f32_8x1x2}, {outer_f32_6x2x1, outer_f32_6x2x2}},
		{{outer_f64_8x1x1, outer_f64_8x1x2}, {outer_f64_6x2x1, outer_f64_6x2x2}}};
	if (!einc_rt_cpu_has_avx512f() || n % lanes || nq < 1 || nq > 2)
		return NULL;
	if ((mr == 8 && nr == lanes) || (mr == 6 && nr == 2 * lanes))
		return k[esize == 8][mr == 6][nq - 1];
	return NULL;
}

#else

einc_rt_outer_kernel einc_rt_outer_kernel_for(int64_t esize, int64_t mr, int64_t nr, int64_t n)
{
	(void)esize, (void)mr, (void)nr, (void)n;
	return NULL;
}

#endif
