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
 * of L2, and two blocks' 2 x L of them overflowed its ways.
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
 * einc_rt_pack_crossed_T, "L" elements a line: the groups' D (the first
 * group's), then panel column q (group q / (D / w), panel x = q % (D / w)
 * of it), L of its columns at a time over every value p of the summed
 * index: the L lines at those columns' offsets (each the column's
 * elements in the group's L copies) loaded, transposed, and stored as
 * row p of panel x in each copy.
 */
#define PACK_CROSSED(T, NAME, V, LOAD, STORE, TRANSPOSE, L)                                    \
	__attribute__((target("avx512f"))) void einc_rt_pack_crossed_##NAME(                \
		T *dst, const T *src, const int64_t *row, int64_t columns, const int64_t *col, \
		int64_t kc, int64_t w, int64_t lo, int64_t hi)                               \
	{                                                                                    \
		int64_t d = crossed_group(row, (L) * columns * w, (L), w);                   \
		int64_t copy = d / w * kc * w; /* a copy's elements: D / w panels */        \
		for (int64_t q = lo; q < hi; q++) {                                          \
			int64_t x = q / (d / w) * (L) * d + q % (d / w) * w;                 \
			T *panel = dst + x * kc;                                             \
			for (int64_t c = 0; c < w; c += (L))                                 \
				for (int64_t p = 0; p < kc; p++) {                           \
					V r[L];                                              \
					_Pragma("GCC unroll 16")                             \
					for (int y = 0; y < (L); y++)                       \
						r[y] = LOAD(src + row[x + c + y] + col[p]); \
					TRANSPOSE(r);                                        \
					_Pragma("GCC unroll 16")                             \
					for (int t = 0; t < (L); t++)                       \
						STORE(panel + t * copy + p * w + c, r[t]);  \
				}                                                            \
		}                                                                            \
	}

PACK_CROSSED(float, f32, __m512, _mm512_loadu_ps, _mm512_storeu_ps, transpose16_ps, 16)
PACK_CROSSED(double, f64, __m512d, _mm512_loadu_pd, _mm512_storeu_pd, transpose8_pd, 8)
#else
/* Never called: without AVX-512 einc_rt_crossed_columns finds no group. */
#define PACK_CROSSED(T, NAME)                                                                 \
	void einc_rt_pack_crossed_##NAME(T *dst, const T *src, const int64_t *row,             \
	                                 int64_t columns, const int64_t *col, int64_t kc,      \
	                                 int64_t w, int64_t lo, int64_t hi)                    \
	{                                                                                      \
		(void)dst, (void)src, (void)row, (void)columns, (void)col, (void)kc;            \
		(void)w, (void)lo, (void)hi, (void)crossed_group;                               \
	}

PACK_CROSSED(float, f32)
PACK_CROSSED(double, f64)
#endif
