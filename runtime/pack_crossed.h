/* SPDX-License-Identifier: MIT */
/*
 * pack_crossed.h - GETT panels packed from a tensor whose unit stride runs
 * across them (runtime/pack_crossed.c; libc only): a transposed view whose
 * panels' rows lie one stride apart and whose unit-stride dim steps from
 * one group of panels to the next.
 */
#ifndef EINC_RT_PACK_CROSSED_H
#define EINC_RT_PACK_CROSSED_H

#include <stdint.h>

/*
 * The panel columns of "w" rows that "len" rows at element offsets "row"
 * of "esize"-byte elements hold in whole crossed groups from the first,
 * where the CPU has AVX-512F (0 where they hold none): a group is L x D
 * rows (L the elements of a cache line, D a multiple of "w"), row t x D +
 * c at row c's offset plus t, for t < L and c < D, so that at each value
 * of the summed index its panels D rows apart read one line of L elements
 * per row; its panel columns are its D / w panels and their copies t x D
 * further. Groups follow each other while their rows keep the pattern;
 * "*rows" is set to the rows they hold.
 */
int64_t einc_rt_crossed_columns(const int64_t *row, int64_t len, int64_t esize, int64_t w,
                                int64_t *rows);

/*
 * Packs panel columns "lo" to "hi" - 1 (of einc_rt_crossed_columns's
 * "columns") of those groups, from "src" over the "kc" values of the
 * summed index at offsets "col", into "dst" (the first row's panel on,
 * panels kc x w one after the other) as pack_T (runtime/gett.c) does:
 * dst[panel][p][i] = src[row[panel * w + i] + col[p]]. Each line is loaded
 * whole and transposed in AVX-512 registers.
 */
void einc_rt_pack_crossed_f32(float *dst, const float *src, const int64_t *row, int64_t columns,
                              const int64_t *col, int64_t kc, int64_t w, int64_t lo, int64_t hi);
void einc_rt_pack_crossed_f64(double *dst, const double *src, const int64_t *row,
                              int64_t columns, const int64_t *col, int64_t kc, int64_t w,
                              int64_t lo, int64_t hi);

/*
 * The elements of a cache line of "esize"-byte elements where the CPU has
 * AVX-512F (einc_rt_pack_batch_crossed_T runs), else 0.
 */
int64_t einc_rt_batch_crossed_lanes(int64_t esize);

/*
 * Packs "panels" whole panels of "w" rows (a multiple of L, the elements
 * of a line) at offsets "row", over the "kc" values of the summed index
 * at offsets "col", for L batch elements at once whose offsets run on
 * with unit stride from "src": batch element t's panels into "dst" + t x
 * "copy", as pack_T (runtime/gett.c) packs each:
 * dst[t * copy + (panel * kc + p) * w + i] = src[t + row[panel * w + i] +
 * col[p]]. Each line is loaded whole and transposed in AVX-512 registers
 * (only where einc_rt_batch_crossed_lanes is not 0).
 */
void einc_rt_pack_batch_crossed_f32(float *dst, const float *src, const int64_t *row,
                                    const int64_t *col, int64_t kc, int64_t w, int64_t panels,
                                    int64_t copy);
void einc_rt_pack_batch_crossed_f64(double *dst, const double *src, const int64_t *row,
                                    const int64_t *col, int64_t kc, int64_t w, int64_t panels,
                                    int64_t copy);

#endif
