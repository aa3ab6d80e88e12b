/* SPDX-License-Identifier: MIT */
/*
 * transpose_avx2.h - square blocks transposed in AVX2 registers, for the
 * runtime's transposing copies (transpose.c's packing, transpose_copy.c).
 * Include it only where the compiler has immintrin.h and target
 * attributes (x86-64, GCC or Clang), and call it only where the CPU runs
 * AVX2.
 */
#ifndef EINC_RT_TRANSPOSE_AVX2_H
#define EINC_RT_TRANSPOSE_AVX2_H

#include <immintrin.h>

/* t[x] = column x of the 8 x 8 floats whose rows are r[0 .. 7]. */
__attribute__((target("avx2"), always_inline)) static inline void transpose8_ps(const __m256 *r,
                                                                                __m256 *t)
{
	__m256 u[8], v[8];
	for (int x = 0; x < 8; x += 2) {
		u[x] = _mm256_unpacklo_ps(r[x], r[x + 1]);
		u[x + 1] = _mm256_unpackhi_ps(r[x], r[x + 1]);
	}
	for (int x = 0; x < 8; x += 4) {
		v[x] = _mm256_shuffle_ps(u[x], u[x + 2], _MM_SHUFFLE(1, 0, 1, 0));
		v[x + 1] = _mm256_shuffle_ps(u[x], u[x + 2], _MM_SHUFFLE(3, 2, 3, 2));
		v[x + 2] = _mm256_shuffle_ps(u[x + 1], u[x + 3], _MM_SHUFFLE(1, 0, 1, 0));
		v[x + 3] = _mm256_shuffle_ps(u[x + 1], u[x + 3], _MM_SHUFFLE(3, 2, 3, 2));
	}
	for (int x = 0; x < 4; x++) {
		t[x] = _mm256_permute2f128_ps(v[x], v[x + 4], 0x20);
		t[x + 4] = _mm256_permute2f128_ps(v[x], v[x + 4], 0x31);
	}
}

/* t[x] = column x of the 4 x 4 doubles whose rows are r[0 .. 3]. */
__attribute__((target("avx2"), always_inline)) static inline void transpose4_pd(const __m256d *r,
                                                                                __m256d *t)
{
	__m256d u[4];
	for (int x = 0; x < 4; x += 2) {
		u[x] = _mm256_unpacklo_pd(r[x], r[x + 1]);
		u[x + 1] = _mm256_unpackhi_pd(r[x], r[x + 1]);
	}
	for (int x = 0; x < 2; x++) {
		t[x] = _mm256_permute2f128_pd(u[x], u[x + 2], 0x20);
		t[x + 2] = _mm256_permute2f128_pd(u[x], u[x + 2], 0x31);
	}
}

#endif
