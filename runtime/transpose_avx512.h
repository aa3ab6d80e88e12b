/* SPDX-License-Identifier: MIT */
/*
 * transpose_avx512.h - square blocks of one cache line a side transposed
 * in AVX-512 registers, for the runtime's transposing copy
 * (transpose_copy.c): 16 x 16 floats or 8 x 8 doubles, each row one whole
 * line in and each column one whole line out. Include it only where the
 * compiler has immintrin.h and target attributes (x86-64, GCC or Clang),
 * and call it only where the CPU runs AVX-512F. Each shuffle names its
 * selector as a literal: unoptimised builds (-O0) need an immediate.
 */
#ifndef EINC_RT_TRANSPOSE_AVX512_H
#define EINC_RT_TRANSPOSE_AVX512_H

#include <immintrin.h>

/* r[x] = column x of the 16 x 16 floats whose rows were r[0 .. 15]. */
__attribute__((target("avx512f"), always_inline)) static inline void transpose16_ps(__m512 *r)
{
	__m512 t[16];
#pragma GCC unroll 16
	for (int x = 0; x < 16; x += 2) {
		t[x] = _mm512_unpacklo_ps(r[x], r[x + 1]);
		t[x + 1] = _mm512_unpackhi_ps(r[x], r[x + 1]);
	}
#pragma GCC unroll 16
	for (int x = 0; x < 16; x += 4) {
		r[x] = _mm512_shuffle_ps(t[x], t[x + 2], _MM_SHUFFLE(1, 0, 1, 0));
		r[x + 1] = _mm512_shuffle_ps(t[x], t[x + 2], _MM_SHUFFLE(3, 2, 3, 2));
		r[x + 2] = _mm512_shuffle_ps(t[x + 1], t[x + 3], _MM_SHUFFLE(1, 0, 1, 0));
		r[x + 3] = _mm512_shuffle_ps(t[x + 1], t[x + 3], _MM_SHUFFLE(3, 2, 3, 2));
	}
#pragma GCC unroll 16
	for (int x = 0; x < 16; x++) { /* 128-bit lanes 0 and 2, 1 and 3 of r[x], r[x + 4] */
		int y = x / 8 * 8 + x % 4;
		t[x] = x % 8 < 4 ? _mm512_shuffle_f32x4(r[y], r[y + 4], 0x88)
		                 : _mm512_shuffle_f32x4(r[y], r[y + 4], 0xDD);
	}
#pragma GCC unroll 16
	for (int x = 0; x < 8; x++) {
		r[x] = _mm512_shuffle_f32x4(t[x], t[x + 8], 0x88);
		r[x + 8] = _mm512_shuffle_f32x4(t[x], t[x + 8], 0xDD);
	}
}

/* r[x] = column x of the 8 x 8 doubles whose rows were r[0 .. 7]. */
__attribute__((target("avx512f"), always_inline)) static inline void transpose8_pd(__m512d *r)
{
	__m512d t[8];
#pragma GCC unroll 8
	for (int x = 0; x < 8; x += 2) {
		t[x] = _mm512_unpacklo_pd(r[x], r[x + 1]);
		t[x + 1] = _mm512_unpackhi_pd(r[x], r[x + 1]);
	}
#pragma GCC unroll 8
	for (int x = 0; x < 8; x++) { /* 128-bit lanes 0 and 2, 1 and 3 of t[y], t[y + 2] */
		int y = x / 4 * 4 + x % 2;
		r[x] = x % 4 < 2 ? _mm512_shuffle_f64x2(t[y], t[y + 2], 0x88)
		                 : _mm512_shuffle_f64x2(t[y], t[y + 2], 0xDD);
	}
#pragma GCC unroll 8
	for (int x = 0; x < 4; x++) {
		t[x] = _mm512_shuffle_f64x2(r[x], r[x + 4], 0x88);
		t[x + 4] = _mm512_shuffle_f64x2(r[x], r[x + 4], 0xDD);
	}
#pragma GCC unroll 8
	for (int x = 0; x < 8; x++)
		r[x] = t[x];
}

#endif
