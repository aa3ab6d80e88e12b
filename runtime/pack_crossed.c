/* SPDX-License-Identifier: MIT */
/*
 * pack_crossed.c - GETT panels packed from a view whose unit stride runs
 * across them: tc_ijk_jl's ijk stored kji is B, N = (i, k) in the
 * result's order, so each panel's columns (32 of k) lie 128 KiB apart
 * while i, one group of panels further on (D = 128 columns), runs with
 * unit stride. Element by element that reads a line per element; here L
 * lines (L columns of one panel at one value of the summed index) are
 * loaded whole, each holding those columns' elements for L groups,
 * transposed in AVX-512 registers and stored as one row of a panel in
 * each group: each line of the view is read once, each panel row written
 * whole, as the contiguous twin's packing does. passes/lower_gemm.c
 * (crossed_b) makes NC whole groups where this applies. A panel's L
 * columns are packed over all values of the summed index before the
 * next L: the L lines of one value lie a power of two apart, in one set
 * of L2, and two blocks' 2 x L of them overflowed its ways. The same
 * blocks pack the panels of L batch elements at once where the batch
 * runs with unit stride (bmm's bjk stored kjb: each line holds one
 * element of L elements' panels), the L copies then L buffers.
 */
#include "pack_crossed.h"

#include "cpu_features.h"

#ifdef EINC_RT_X86
#include "transpose_avx512.h"
#endif

enum { LINE = 64 };

/* The D of the crossed group of "lanes" that rows "row[0 .. len-1]" begin
 * (panels of "w"); 0 where they begin none. */
static int64_t crossed_group(const int64_t *row, int64_t len, int64_t lanes, int64_t w)
{
	if (w % lanes || len < lanes * w || row[1] - row[0] == 1)
		return 0;
	int64_t d = w;
	while (d * lanes <= len && row[d] != row[0] + 1)
		d += w;
	if (d * lanes > len)
		return 0;
	for (int64_t t = 1; t < lanes; t++)
		for (int64_t c = 0; c < d; c++)
			if (row[t * d + c] != row[c] + t)
				return 0;
	return d;
}

/* The D of the crossed groups that rows "row[0 .. len-1]" hold from the
 * first on ("lanes" a line, panels of "w"), all of one D, and their
 * count in "*groups"; 0 where they hold none or the CPU lacks AVX-512F. */
static int64_t crossed_groups(const int64_t *row, int64_t len, int64_t lanes, int64_t w,
                              int64_t *groups)
{
	int64_t d = 0;
	*groups = 0;
#ifdef EINC_RT_X86
	if (!einc_rt_cpu_has_avx512f())
		return 0;
	for (int64_t at = 0, e; at < len && (e = crossed_group(row + at, len - at, lanes, w)) &&
	                        (!d || e == d);
	     at += lanes * e) {
		d = e;
		++*groups;
	}
#endif
	return d;
}

int64_t einc_rt_crossed_columns(const int64_t *row, int64_t len, int64_t esize, int64_t w,
                                int64_t *rows)
{
	int64_t groups, d = crossed_groups(row, len, LINE / esize, w, &groups);
	*rows = groups * d * (LINE / esize);
	return groups * d / w;
}

#ifdef EINC_RT_X86
/*
 * crossed_panel_T, "L" elements a line: one panel of "w" rows at offsets
 * "row" over the "kc" values of the summed index at "col", into L copies
 * of it "copy" elements apart from "panel": copy t's row i at value p is
 * src[row[i] + col[p] + t]. L of its rows at a time over every value p:
 * the L lines at those rows' offsets (each a row's elements in the L
 * copies) loaded, transposed, and stored as row p of the panel in each
 * copy.
 */
#define CROSSED_PANEL(T, NAME, V, LOAD, STORE, TRANSPOSE, L)                                   \
	__attribute__((target("avx512f"))) static inline void crossed_panel_##NAME(         \
		T *panel, const T *src, const int64_t *row, const int64_t *col, int64_t kc,    \
		int64_t w, int64_t copy)                                                     \
	{                                                                                    \
		for (int64_t c = 0; c < w; c += (L))                                         \
			for (int64_t p = 0; p < kc; p++) {                                   \
				V r[L];                                                      \
				_Pragma("GCC unroll 16")                                     \
				for (int y = 0; y < (L); y++)                               \
					r[y] = LOAD(src + row[c + y] + col[p]);             \
				TRANSPOSE(r);                                                \
				_Pragma("GCC unroll 16")                                     \
				for (int t = 0; t < (L); t++)                               \
					STORE(panel + t * copy + p * w + c, r[t]);          \
			}                                                                    \
	}

/*
 * einc_rt_pack_crossed_T: the groups' D (the first group's), then panel
 * column q (group q / (D / w), panel x = q % (D / w) of it), its copies
 * D / w panels apart. einc_rt_pack_batch_crossed_T: each panel, its L
 * copies "copy" elements apart.
 */
#define PACK_CROSSED(T, NAME, L)                                                              \
	__attribute__((target("avx512f"))) void einc_rt_pack_crossed_##NAME(                \
		T *dst, const T *src, const int64_t *row, int64_t columns, const int64_t *col, \
		int64_t kc, int64_t w, int64_t lo, int64_t hi)                               \
	{                                                                                    \
		int64_t d = crossed_group(row, (L) * columns * w, (L), w);                   \
		for (int64_t q = lo; q < hi; q++) {                                          \
			int64_t x = q / (d / w) * (L) * d + q % (d / w) * w;                 \
			crossed_panel_##NAME(dst + x * kc, src, row + x, col, kc, w,         \
			                     d / w * kc * w);                                \
		}                                                                            \
	}                                                                                    \
	__attribute__((target("avx512f"))) void einc_rt_pack_batch_crossed_##NAME(          \
		T *dst, const T *src, const int64_t *row, const int64_t *col, int64_t kc,      \
		int64_t w, int64_t panels, int64_t copy)                                     \
	{                                                                                    \
		for (int64_t q = 0; q < panels; q++)                                         \
			crossed_panel_##NAME(dst + q * kc * w, src, row + q * w, col, kc, w, copy); \
	}

CROSSED_PANEL(float, f32, __m512, _mm512_loadu_ps, _mm512_storeu_ps, transpose16_ps, 16)
CROSSED_PANEL(double, f64, __m512d, _mm512_loadu_pd, _mm512_storeu_pd, transpose8_pd, 8)
PACK_CROSSED(float, f32, 16)
PACK_CROSSED(double, f64, 8)

int64_t einc_rt_batch_crossed_lanes(int64_t esize)
{
	return __builtin_cpu_supports("avx512f") ? LINE / esize : 0;
}
#else
/* Never called: without AVX-512 einc_rt_crossed_columns finds no group
 * and einc_rt_batch_crossed_lanes says 0. */
#define PACK_CROSSED(T, NAME)                                                                 \
	void einc_rt_pack_crossed_##NAME(T *dst, const T *src, const int64_t *row,             \
	                                 int64_t columns, const int64_t *col, int64_t kc,      \
	                                 int64_t w, int64_t lo, int64_t hi)                    \
	{                                                                                      \
		(void)dst, (void)src, (void)row, (void)columns, (void)col, (void)kc;            \
		(void)w, (void)lo, (void)hi, (void)crossed_group;                               \
	}                                                                                      \
	void einc_rt_pack_batch_crossed_##NAME(T *dst, const T *src, const int64_t *row,       \
	                                       const int64_t *col, int64_t kc, int64_t w,      \
	                                       int64_t panels, int64_t copy)                   \
	{                                                                                      \
		(void)dst, (void)src, (void)row, (void)col, (void)kc, (void)w, (void)panels;    \
		(void)copy;                                                                     \
	}

PACK_CROSSED(float, f32)
PACK_CROSSED(double, f64)

int64_t einc_rt_batch_crossed_lanes(int64_t esize)
{
	(void)esize;
	return 0;
}
#endif
