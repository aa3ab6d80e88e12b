/* SPDX-License-Identifier: MIT */
/*
 * transpose.c - rows of a tensor packed across into a micro-panel: 8 x 8
 * blocks of floats and 4 x 4 of doubles in AVX2 where the CPU has it
 * (checked at run time; the library itself targets baseline x86-64), then
 * SSE2 blocks (4 x 4 floats, 2 x 2 doubles), rows left over in pairs
 * (floats), the last few values of the summed index and rows one by one.
 */
#include "transpose.h"

#include "cpu_features.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef EINC_RT_X86
#include "transpose_avx2.h"
#endif

/* dst[p * w + r] = rows[r][p] for rows "i0" to "n", p from "p0" to "kc". */
#define TRANSPOSE_TAIL(dst, rows, i0, n, p0, kc, w)                     \
	for (int64_t r = (i0); r < (n); r++)                            \
		for (int64_t p = (p0); p < (kc); p++)                   \
			(dst)[p * (w) + r] = (rows)[r][p];

#ifdef EINC_RT_X86
/* Prefetches, where rows "i" + "b" to "i" + 2 "b" - 1 exist among "n",
 * their line at "p" (once per line of "e"-byte elements): the next block
 * of rows, read while this one is transposed. A panel's rows are short
 * runs (B's 32 rows of 256 floats, 1 KiB apart, for ijk,jl->ilk with
 * ijk's last two axes swapped), read 8 at a time a vector each, which
 * the hardware does not fetch ahead: perf put 60% of the transpose's
 * samples on its loads. Measured on znver5 (1 thread, CPU time, best of
 * 9, alternating, load 13): that case 16.0-19.0 -> 15.1-17.1 ms (twin
 * 13.6-15.1), bilinear's twin (bi,ioj,bj->bo, K of unit stride in ioj)
 * 9.1-9.3 -> 7.9-8.4 ms. */
#define AHEAD_ROWS(rows, i, b, n, p, e)                                         \
	do {                                                                    \
		if ((i) + 2 * (b) <= (n) && (p) * (e) % 64 == 0)                \
			for (int x = 0; x < (b); x++)                           \
				__builtin_prefetch((rows)[(i) + (b) + x] + (p), 0, 3); \
	} while (0)

/* avx2_T: rows 0 .. n-1 over p 0 .. kc-1 in "B" x "B" blocks of vectors
 * "V" (n, kc multiples of B), loaded and stored by "LOAD" and "STORE",
 * transposed by "TRANSPOSE". */
#define AVX2_TRANSPOSE(T, NAME, V, B, LOAD, STORE, TRANSPOSE)                                \
	__attribute__((target("avx2"))) static void avx2_##NAME(T *dst, const T *const *rows, \
	                                                         int64_t n, int64_t kc,         \
	                                                         int64_t w)                     \
	{                                                                                       \
		for (int64_t i = 0; i < n; i += (B))                                            \
			for (int64_t p = 0; p < kc; p += (B)) {                                 \
				AHEAD_ROWS(rows, i, (B), n, p, (int64_t)sizeof(T));             \
				V r[B], t[B];                                                   \
				for (int x = 0; x < (B); x++)                                   \
					r[x] = LOAD(rows[i + x] + p);                           \
				TRANSPOSE(r, t);                                                \
				for (int x = 0; x < (B); x++)                                   \
					STORE(dst + (p + x) * w + i, t[x]);                     \
			}                                                                       \
	}

AVX2_TRANSPOSE(float, f32, __m256, 8, _mm256_loadu_ps, _mm256_storeu_ps, transpose8_ps)
AVX2_TRANSPOSE(double, f64, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, transpose4_pd)
#endif

/* Rows "i0" to "n" over p from "p0" to "kc" in SSE2 blocks, then the
 * tails. */
static void sse_f32(float *dst, const float *const *rows, int64_t i0, int64_t n, int64_t p0,
                    int64_t kc, int64_t w)
{
	int64_t i = i0, kc4 = p0;
#ifdef __SSE2__
	kc4 = p0 + (kc - p0) / 4 * 4;
	for (; i + 4 <= n; i += 4)
		for (int64_t p = p0; p < kc4; p += 4) {
			__m128 r0 = _mm_loadu_ps(rows[i] + p), r1 = _mm_loadu_ps(rows[i + 1] + p);
			__m128 r2 = _mm_loadu_ps(rows[i + 2] + p), r3 = _mm_loadu_ps(rows[i + 3] + p);
			_MM_TRANSPOSE4_PS(r0, r1, r2, r3);
			_mm_storeu_ps(dst + p * w + i, r0);
			_mm_storeu_ps(dst + (p + 1) * w + i, r1);
			_mm_storeu_ps(dst + (p + 2) * w + i, r2);
			_mm_storeu_ps(dst + (p + 3) * w + i, r3);
		}
	for (; i + 2 <= n; i += 2)
		for (int64_t p = p0; p < kc4; p += 4) {
			__m128 a = _mm_loadu_ps(rows[i] + p), b = _mm_loadu_ps(rows[i + 1] + p);
			__m128 lo = _mm_unpacklo_ps(a, b), hi = _mm_unpackhi_ps(a, b);
			_mm_storel_pi((__m64 *)(dst + p * w + i), lo);
			_mm_storeh_pi((__m64 *)(dst + (p + 1) * w + i), lo);
			_mm_storel_pi((__m64 *)(dst + (p + 2) * w + i), hi);
			_mm_storeh_pi((__m64 *)(dst + (p + 3) * w + i), hi);
		}
#endif
	TRANSPOSE_TAIL(dst, rows, i0, i, kc4, kc, w)
	TRANSPOSE_TAIL(dst, rows, i, n, p0, kc, w)
}

/* As sse_f32, for doubles. */
static void sse_f64(double *dst, const double *const *rows, int64_t i0, int64_t n, int64_t p0,
                    int64_t kc, int64_t w)
{
	int64_t i = i0, kc2 = p0;
#ifdef __SSE2__
	kc2 = p0 + (kc - p0) / 2 * 2;
	for (; i + 2 <= n; i += 2)
		for (int64_t p = p0; p < kc2; p += 2) {
			__m128d a = _mm_loadu_pd(rows[i] + p), b = _mm_loadu_pd(rows[i + 1] + p);
			_mm_storeu_pd(dst + p * w + i, _mm_unpacklo_pd(a, b));
			_mm_storeu_pd(dst + (p + 1) * w + i, _mm_unpackhi_pd(a, b));
		}
#endif
	TRANSPOSE_TAIL(dst, rows, i0, i, kc2, kc, w)
	TRANSPOSE_TAIL(dst, rows, i, n, p0, kc, w)
}

#ifdef EINC_RT_X86
#define AVX2_BLOCKS(NAME, B)                                    \
	if (einc_rt_cpu_has_avx2()) {                           \
		nb = n / (B) * (B);                             \
		kcb = kc / (B) * (B);                           \
		avx2_##NAME(dst, rows, nb, kcb, w);             \
	}
#else
#define AVX2_BLOCKS(NAME, B)
#endif

/* einc_rt_transpose_T: AVX2 blocks of B rows x B values where the CPU runs
 * them, the rest in SSE2 blocks and tails. */
#define TRANSPOSE_TYPED(T, NAME, B)                                                       \
	void einc_rt_transpose_##NAME(T *dst, const T *const *rows, int64_t n, int64_t kc,     \
	                         int64_t w)                                               \
	{                                                                                 \
		int64_t nb = 0, kcb = 0;                                                  \
		AVX2_BLOCKS(NAME, B)                                                      \
		sse_##NAME(dst, rows, 0, nb, kcb, kc, w);                                 \
		sse_##NAME(dst, rows, nb, n, 0, kc, w);                                   \
	}

TRANSPOSE_TYPED(float, f32, 8)
TRANSPOSE_TYPED(double, f64, 4)
