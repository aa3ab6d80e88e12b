/*
 * transpose.h - the transposing copy of GETT packing (runtime/transpose.c;
 * libc only): rows that run along the summed index with unit stride, packed
 * across into a micro-panel.
 */
#ifndef EINC_RT_TRANSPOSE_H
#define EINC_RT_TRANSPOSE_H

#include <stdint.h>

/* dst[p * w + i] = rows[i][p] for i < n, p < kc (n <= w; "rows" keep). */
void einc_rt_transpose_f32(float *dst, const float *const *rows, int64_t n, int64_t kc, int64_t w);
void einc_rt_transpose_f64(double *dst, const double *const *rows, int64_t n, int64_t kc, int64_t w);

#endif
