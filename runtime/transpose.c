/*
 * transpose.c - rows of a tensor packed across into a micro-panel, in SSE2
 * blocks (x86-64's baseline): 4 x 4 transposes of floats and 2 x 2 of
 * doubles, rows left over in pairs (floats), the last few values of the
 * summed index and rows one by one.
 */
#include "transpose.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* dst[p * w + i] = rows[i][p] for rows "i0" to "n", p from "p0" to "kc". */
#define TRANSPOSE_TAIL(dst, rows, i0, n, p0, kc, w)                     \
	for (int64_t r = (i0); r < (n); r++)                            \
		for (int64_t p = (p0); p < (kc); p++)                   \
			(dst)[p * (w) + r] = (rows)[r][p];

void rt_transpose_f32(float *dst, const float *const *rows, int64_t n, int64_t kc, int64_t w)
{
	int64_t i = 0, kc4 = 0;
#ifdef __SSE2__
	kc4 = kc / 4 * 4;
	for (; i + 4 <= n; i += 4)
		for (int64_t p = 0; p < kc4; p += 4) {
			__m128 r0 = _mm_loadu_ps(rows[i] + p), r1 = _mm_loadu_ps(rows[i + 1] + p);
			__m128 r2 = _mm_loadu_ps(rows[i + 2] + p), r3 = _mm_loadu_ps(rows[i + 3] + p);
			_MM_TRANSPOSE4_PS(r0, r1, r2, r3);
			_mm_storeu_ps(dst + p * w + i, r0);
			_mm_storeu_ps(dst + (p + 1) * w + i, r1);
			_mm_storeu_ps(dst + (p + 2) * w + i, r2);
			_mm_storeu_ps(dst + (p + 3) * w + i, r3);
		}
	for (; i + 2 <= n; i += 2)
		for (int64_t p = 0; p < kc4; p += 4) {
			__m128 a = _mm_loadu_ps(rows[i] + p), b = _mm_loadu_ps(rows[i + 1] + p);
			__m128 lo = _mm_unpacklo_ps(a, b), hi = _mm_unpackhi_ps(a, b);
			_mm_storel_pi((__m64 *)(dst + p * w + i), lo);
			_mm_storeh_pi((__m64 *)(dst + (p + 1) * w + i), lo);
			_mm_storel_pi((__m64 *)(dst + (p + 2) * w + i), hi);
			_mm_storeh_pi((__m64 *)(dst + (p + 3) * w + i), hi);
		}
#endif
	TRANSPOSE_TAIL(dst, rows, 0, i, kc4, kc, w)
	TRANSPOSE_TAIL(dst, rows, i, n, 0, kc, w)
}

void rt_transpose_f64(double *dst, const double *const *rows, int64_t n, int64_t kc, int64_t w)
{
	int64_t i = 0, kc2 = 0;
#ifdef __SSE2__
	kc2 = kc / 2 * 2;
	for (; i + 2 <= n; i += 2)
		for (int64_t p = 0; p < kc2; p += 2) {
			__m128d a = _mm_loadu_pd(rows[i] + p), b = _mm_loadu_pd(rows[i + 1] + p);
			_mm_storeu_pd(dst + p * w + i, _mm_unpacklo_pd(a, b));
			_mm_storeu_pd(dst + (p + 1) * w + i, _mm_unpackhi_pd(a, b));
		}
#endif
	TRANSPOSE_TAIL(dst, rows, 0, i, kc2, kc, w)
	TRANSPOSE_TAIL(dst, rows, i, n, 0, kc, w)
}
