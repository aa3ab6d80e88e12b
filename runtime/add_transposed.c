/* SPDX-License-Identifier: MIT */
/*
 * add_transposed.c - a GETT step's block of C computed transposed: the
 * micro-kernel stores its register block's rows along N, and where the
 * operands were swapped C's unit stride runs along M. gett.c computes each
 * column of register tiles (MC x NR) into a row-major buffer of its thread
 * and adds it here, L x L elements at a time transposed in AVX-512
 * registers (L the elements of a line), each row of C's block written a
 * whole line at a time (docs/bench-views.md, run 23).
 */
#include "add_transposed.h"

#include "cpu_features.h"

#ifdef EINC_RT_X86
#include "transpose_avx512.h"
#endif

/* The rows of "row[0 .. n-1]" that run on with unit stride from the
 * first, in whole runs of "l". */
static int64_t run_rows(const int64_t *row, int64_t n, int64_t l)
{
	int64_t i = 1;
	while (i < n && row[i] == row[0] + i)
		i++;
	return i / l * l;
}

/* add_transposed_T, element by element, over rows "i0" to "mlen" - 1 and
 * columns "j0" to "nlen" - 1 (C's lines along the rows innermost). */
#define ADD_ELEMENTS(T, NAME)                                                                 \
	static void add_elements_##NAME(T *c, const T *t, int64_t pitch, const int64_t *row,   \
	                                const int64_t *col, int64_t i0, int64_t mlen,          \
	                                int64_t j0, int64_t nlen, int first)                   \
	{                                                                                      \
		for (int64_t j = j0; j < nlen; j++)                                            \
			for (int64_t i = i0; i < mlen; i++) {                                  \
				T *o = c + row[i] + col[j];                                    \
				*o = first ? t[i * pitch + j] : *o + t[i * pitch + j];         \
			}                                                                      \
	}

ADD_ELEMENTS(float, f32)
ADD_ELEMENTS(double, f64)
ADD_ELEMENTS(uint32_t, u32)
ADD_ELEMENTS(uint64_t, u64)

#ifdef EINC_RT_X86
/* The L x L blocks of the first "rows" rows (a multiple of L, running on
 * in C) and of the whole blocks of columns, transposed and added, by
 * blocks of columns: each of its L rows of C written a line at a time in
 * order. Returns the columns they cover. */
#define ADD_BLOCKS(T, NAME, V, LOAD, STORE, ADD, TRANSPOSE, L)                                 \
	__attribute__((target("avx512f"))) static int64_t add_blocks_##NAME(                  \
		T *c, const T *t, int64_t pitch, const int64_t *col, int64_t rows, int64_t nlen, \
		int first)                                                                     \
	{                                                                                      \
		int64_t j = 0;                                                                 \
		for (; j + (L) <= nlen; j += (L))                                              \
			for (int64_t i = 0; i < rows; i += (L)) {                              \
				V r[L];                                                        \
				_Pragma("GCC unroll 16")                                       \
				for (int y = 0; y < (L); y++)                                  \
					r[y] = LOAD(t + (i + y) * pitch + j);                  \
				TRANSPOSE(r);                                                  \
				_Pragma("GCC unroll 16")                                       \
				for (int x = 0; x < (L); x++) {                                \
					T *o = c + col[j + x] + i;                             \
					STORE(o, first ? r[x] : ADD(LOAD(o), r[x]));           \
				}                                                              \
			}                                                                      \
		return j;                                                                      \
	}

ADD_BLOCKS(float, f32, __m512, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_add_ps,
           transpose16_ps, 16)
ADD_BLOCKS(double, f64, __m512d, _mm512_loadu_pd, _mm512_storeu_pd, _mm512_add_pd,
           transpose8_pd, 8)

/* Integers' sums (wrapping), on the float registers the transposes take. */
__attribute__((target("avx512f"), always_inline)) static inline __m512 add_u32(__m512 x,
                                                                                 __m512 y)
{
	return _mm512_castsi512_ps(_mm512_add_epi32(_mm512_castps_si512(x), _mm512_castps_si512(y)));
}

__attribute__((target("avx512f"), always_inline)) static inline __m512d add_u64(__m512d x,
                                                                                  __m512d y)
{
	return _mm512_castsi512_pd(_mm512_add_epi64(_mm512_castpd_si512(x), _mm512_castpd_si512(y)));
}

ADD_BLOCKS(uint32_t, u32, __m512, _mm512_loadu_ps, _mm512_storeu_ps, add_u32, transpose16_ps, 16)
ADD_BLOCKS(uint64_t, u64, __m512d, _mm512_loadu_pd, _mm512_storeu_pd, add_u64, transpose8_pd, 8)
#endif

/* einc_rt_add_transposed_T: the first rows that run on, in whole runs of
 * L (L x L blocks, the columns' rest element by element), the other rows
 * element by element. */
#ifdef EINC_RT_X86
#define ADD_TRANSPOSED(T, NAME, L)                                                            \
	void einc_rt_add_transposed_##NAME(T *c, const T *t, int64_t pitch, const int64_t *row, \
	                                   const int64_t *col, int64_t mlen, int64_t nlen,      \
	                                   int first)                                           \
	{                                                                                       \
		int64_t i = einc_rt_cpu_has_avx512f() ? run_rows(row, mlen, (L)) : 0, done = 0; \
		if (i)                                                                          \
			done = add_blocks_##NAME(c + row[0], t, pitch, col, i, nlen, first);    \
		add_elements_##NAME(c, t, pitch, row, col, 0, i, done, nlen, first);            \
		add_elements_##NAME(c, t, pitch, row, col, i, mlen, 0, nlen, first);            \
	}
#else
#define ADD_TRANSPOSED(T, NAME, L)                                                            \
	void einc_rt_add_transposed_##NAME(T *c, const T *t, int64_t pitch, const int64_t *row, \
	                                   const int64_t *col, int64_t mlen, int64_t nlen,      \
	                                   int first)                                           \
	{                                                                                       \
		(void)run_rows;                                                                  \
		add_elements_##NAME(c, t, pitch, row, col, 0, mlen, 0, nlen, first);            \
	}
#endif

ADD_TRANSPOSED(float, f32, 16)
ADD_TRANSPOSED(double, f64, 8)
ADD_TRANSPOSED(uint32_t, u32, 16)
ADD_TRANSPOSED(uint64_t, u64, 8)
