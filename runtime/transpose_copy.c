/* SPDX-License-Identifier: MIT */
/*
 * transpose_copy.c - a tensor copied into another layout, its two unit-stride
 * dims ("r" of the destination, "a" of the source) in blocks: BLOCK_ROWS
 * elements of r, then the other dims, then blocks of one vector of a by one
 * cache line of r. Each block reads its source rows one vector each and
 * writes whole cache lines of the destination, in AVX2 where the CPU has it
 * and in AVX-512 blocks of a line a side where it has that and a comes in
 * whole lines (checked at run time; the library itself targets baseline
 * x86-64), past the caches for a large destination
 * (RT_TRANSPOSE_COPY_STREAM_BYTES). The blocks of r keep the source's rows
 * streaming in order while the other dims move; in AVX-512 they span up to
 * 256 rows, and each block prefetches its source lines at the next point
 * of the innermost other dim (the rows are more streams than the hardware
 * prefetcher follows), or, with no other dim, AHEAD_ROWS rows on; both
 * lines of each row's vector where it straddles two. Measured on bmm's
 * operand viewed with its axes reversed (64 x 256 x 256 f32, one
 * thread): 8 x 8 tiles of scalar moves 5.5-6.0 ms, the AVX2 blocks 3.0-
 * 3.6 ms, memcpy 1.5 ms (a znver3); on a Zen 5 the AVX2 blocks 3.0-3.4,
 * the AVX-512 ones 1.6-1.75, memcpy 0.9-1.1.
 */
#include <string.h>

#include "transpose_copy.h"

#include "cpu_features.h"

#ifdef EINC_RT_X86
#include "transpose_avx2.h"
#include "transpose_avx512.h"
#endif

/* Elements of r per outer block: the source rows read in turn while the
 * other dims move (64 and 32 measured 2.7 and 2.9 ms, 16 3.2, AVX2 on a
 * znver3). In AVX-512 blocks, WIDE_BLOCK_ROWS, beside the prefetch of the
 * next point's lines: bmm's operand with its axes reversed (16 MiB f32,
 * one thread, a Zen 5, an aligned destination) 1.72-2.21 ms in blocks of
 * 64 rows, 1.52-1.78 in blocks of 256, 1.47-1.61 in blocks of 64 with the
 * prefetch, 1.04-1.28 in blocks of 256 with it (docs/bench-views.md, run
 * 29): a destination row of 256 elements is then stored whole, in order,
 * and a point's source lines (64 KiB) are fetched during the point
 * before. */
enum { BLOCK_ROWS = 64, WIDE_BLOCK_ROWS = 256, LINE = 64 };

/* A copy with no other dims (the view's dims coalesced into r and a: a
 * 2-D transpose) has no next point to prefetch: its AVX-512 blocks
 * prefetch the lines AHEAD_ROWS rows of r further on instead. bmm's
 * operand viewed as jib copied into bji (a 65536 x 64 f32 transpose,
 * rows of 256 bytes, one thread, a Zen 5, an aligned destination): 1.03-
 * 1.05 ms without, 0.81-0.84 16 rows ahead, 0.74-0.75 32, 0.63-0.65 64,
 * 0.74-0.77 128, 0.79-0.80 256 (docs/bench-views.md, run 35). */
enum { AHEAD_ROWS = 64 };

/* A unit-stride run of the source shorter than this takes the dim that
 * continues it in as well (passes/lower.c's copy_dims asks as much). */
enum { SHORT_RUN = 8 };

/* The copy's shape: "o" the other dims (sizes "os", strides "od" in dst,
 * "osrc" in src, "no" of them), r's extent and stride in src, and the
 * columns: "na" of them, a's "na0" elements (dst stride "dst_a"), repeated
 * along the dim that continues a in src when a alone is short (dst stride
 * "dst_h"; else "na0" is "na"); "split" where a source row's vector may
 * straddle two lines (lines_whole). */
typedef struct {
	int64_t esize, nr, na, na0, dst_a, dst_h, src_r;
	int no, split;
	int64_t *os, *od, *osrc;
} copy_shape;

/* The element offset in dst of column "c". */
static inline int64_t column(const copy_shape *s, int64_t c)
{
	return c % s->na0 * s->dst_a + c / s->na0 * s->dst_h;
}

/* Elements r0 .. r1-1 of r by columns a0 .. a1-1, one at a time. */
static void copy_tail(char *dst, const char *src, const copy_shape *s, int64_t r0, int64_t r1,
                      int64_t a0, int64_t a1)
{
	int64_t e = s->esize;
	for (int64_t x = a0; x < a1; x++)
		for (int64_t y = r0; y < r1; y++)
			memcpy(dst + (column(s, x) + y) * e, src + (y * s->src_r + x) * e, (size_t)e);
}

#ifdef EINC_RT_X86
/*
 * line_T: 2 * B elements of r by B columns (B a vector of T) into dst's
 * rows at "cols": two B x B blocks of src (rows s->src_r apart) transposed,
 * stored as B whole lines ("stream": past the caches, dst's lines
 * aligned).
 */
#define COPY_LINE(T, NAME, V, B, LOAD, TRANSPOSE, STORE, STREAM)                        \
	__attribute__((target("avx2"), always_inline)) static inline void line_##NAME(  \
		char *dst, const char *src, const copy_shape *s, const int64_t *cols,   \
		int stream, const char *next)                                           \
	{                                                                               \
		(void)next;                                                             \
		V r[B], lo[B], hi[B];                                                   \
		const T *p = (const T *)src;                                            \
		for (int x = 0; x < (B); x++)                                           \
			r[x] = LOAD(p + x * s->src_r);                                  \
		TRANSPOSE(r, lo);                                                       \
		for (int x = 0; x < (B); x++)                                           \
			r[x] = LOAD(p + ((B) + x) * s->src_r);                          \
		TRANSPOSE(r, hi);                                                       \
		for (int x = 0; x < (B); x++) {                                         \
			T *d = (T *)dst + cols[x];                                      \
			if (stream) {                                                   \
				STREAM(d, lo[x]);                                       \
				STREAM(d + (B), hi[x]);                                 \
			} else {                                                        \
				STORE(d, lo[x]);                                        \
				STORE(d + (B), hi[x]);                                  \
			}                                                               \
		}                                                                       \
	}

COPY_LINE(float, f32, __m256, 8, _mm256_loadu_ps, transpose8_ps, _mm256_storeu_ps,
          _mm256_stream_ps)
COPY_LINE(double, f64, __m256d, 4, _mm256_loadu_pd, transpose4_pd, _mm256_storeu_pd,
          _mm256_stream_pd)

/*
 * block_T: one line of r by one line of columns (B elements each): B rows
 * of src (s->src_r apart) loaded whole, transposed, stored as B whole
 * lines into dst's rows at "cols" ("stream": past the caches); the B lines
 * at "next" (the same block at the next point or further rows on; none
 * where NULL) are prefetched, each row's two where s->split.
 */
#define COPY_BLOCK(T, NAME, V, B, LOAD, TRANSPOSE, STORE, STREAM)                       \
	__attribute__((target("avx512f"), always_inline)) static inline void block_##NAME( \
		char *dst, const char *src, const copy_shape *s, const int64_t *cols,   \
		int stream, const char *next)                                           \
	{                                                                               \
		V r[B];                                                                 \
		const T *p = (const T *)src;                                            \
		if (next)                                                               \
			_Pragma("GCC unroll 16") for (int x = 0; x < (B); x++) {        \
				const char *l = (const char *)((const T *)next + x * s->src_r); \
				_mm_prefetch(l, _MM_HINT_T0);                           \
				if (s->split)                                           \
					_mm_prefetch(l + LINE - 1, _MM_HINT_T0);        \
			}                                                               \
		_Pragma("GCC unroll 16") for (int x = 0; x < (B); x++)                  \
			r[x] = LOAD(p + x * s->src_r);                                  \
		TRANSPOSE(r);                                                           \
		_Pragma("GCC unroll 16") for (int x = 0; x < (B); x++) {                \
			T *d = (T *)dst + cols[x];                                      \
			if (stream)                                                     \
				STREAM(d, r[x]);                                        \
			else                                                            \
				STORE(d, r[x]);                                         \
		}                                                                       \
	}

COPY_BLOCK(float, f32, __m512, 16, _mm512_loadu_ps, transpose16_ps, _mm512_storeu_ps,
           _mm512_stream_ps)
COPY_BLOCK(double, f64, __m512d, 8, _mm512_loadu_pd, transpose8_pd, _mm512_storeu_pd,
           _mm512_stream_pd)

/*
 * rows_NAME: rows r0 .. r1-1 of r by all of a at one point of the other
 * dims ("next" the source moved to the lines the blocks prefetch: the
 * next point's, or rows_ahead's; NULL if none), in whole lines where
 * they fit, the rest one element at a time: each COLS bytes of a by one
 * line of r in one call of F32 or F64 (as line_T or block_T), compiled
 * for TARGET. In AVX-512 each block loads
 * and stores whole lines: bmm's operand with its axes reversed (16 MiB
 * f32, one thread, a Zen 5) 3.0-3.4 ms in AVX2's blocks, which load each
 * source line in two halves at different times, 1.6-1.75 ms so.
 */
#define COPY_ROWS(NAME, TARGET, COLS, F32, F64)                                        \
	__attribute__((target(TARGET))) static void rows_##NAME(                        \
		char *dst, const char *src, const copy_shape *s, int64_t r0, int64_t r1, \
		int stream, const char *next)                                           \
	{                                                                               \
		int64_t e = s->esize, rs = LINE / e, as = (COLS) / e;                   \
		int64_t rend = r0 + (r1 - r0) / rs * rs, aend = s->na / as * as;        \
		for (int64_t x = 0; x < aend; x += as) {                                \
			int64_t cols[LINE / 4];                                         \
			for (int64_t c = 0; c < as; c++)                                \
				cols[c] = column(s, x + c);                             \
			for (int64_t y = r0; y < rend; y += rs) {                       \
				char *d = dst + y * e;                                  \
				int64_t at = (y * s->src_r + x) * e;                    \
				const char *n = next ? next + at : NULL;                \
				if (e == 4)                                             \
					F32(d, src + at, s, cols, stream, n);           \
				else                                                    \
					F64(d, src + at, s, cols, stream, n);           \
			}                                                               \
		}                                                                       \
		copy_tail(dst, src, s, rend, r1, 0, s->na);                             \
		copy_tail(dst, src, s, r0, rend, aend, s->na);                          \
	}

COPY_ROWS(avx2, "avx2", 32, line_f32, line_f64)
COPY_ROWS(avx512, "avx512f", LINE, block_f32, block_f64)
#endif

/* Rows r0 .. r1-1 of r by all of a at one point of the other dims
 * ("next" as rows_NAME's), with the widest vectors
 * "simd" allows (0 none, 1 AVX2, 2 AVX-512). */
static void rows(char *dst, const char *src, const copy_shape *s, int64_t r0, int64_t r1,
                 int simd, int stream, const char *next)
{
#ifdef EINC_RT_X86
	if (simd == 2) {
		rows_avx512(dst, src, s, r0, r1, stream, next);
		return;
	}
	if (simd) {
		rows_avx2(dst, src, s, r0, r1, stream, next);
		return;
	}
#endif
	(void)simd;
	(void)stream;
	(void)next;
	copy_tail(dst, src, s, r0, r1, 0, s->na);
}

/* Rows r0 .. r1-1 as rows does at a copy's only point (no other dims,
 * so no next point): the blocks whose rows AHEAD_ROWS further on exist
 * prefetch those rows' lines, the rest nothing. */
static void rows_ahead(char *dst, const char *src, const copy_shape *s, int64_t r0, int64_t r1,
                       int simd, int stream)
{
	int64_t rs = LINE / s->esize, far = s->nr - AHEAD_ROWS;
	int64_t mid = far <= r0 ? r0 : r0 + ((far < r1 ? far : r1) - r0) / rs * rs;
	rows(dst, src, s, r0, mid, simd, stream,
	     mid > r0 ? src + AHEAD_ROWS * s->src_r * s->esize : NULL);
	rows(dst, src, s, mid, r1, simd, stream, NULL);
}

/* Whether every block's source rows start on a line: src aligned to
 * LINE and r's stride and the other dims' a multiple of a line (else
 * each row's vector straddles two lines, and a block prefetches both). */
static int lines_whole(const void *src, const copy_shape *s)
{
	int ok = (uintptr_t)src % LINE == 0 && s->src_r * s->esize % LINE == 0;
	for (int x = 0; x < s->no; x++)
		ok &= s->osrc[x] * s->esize % LINE == 0;
	return ok;
}

/* Whether every store of whole lines lands on a line of its own: dst
 * aligned to LINE and every stride but r's a multiple of a line. */
static int lines_aligned(const void *dst, const copy_shape *s)
{
	int64_t line = LINE / s->esize;
	int ok = (uintptr_t)dst % LINE == 0 && s->dst_a % line == 0 && s->dst_h % line == 0;
	for (int x = 0; x < s->no; x++)
		ok &= s->od[x] % line == 0;
	return ok;
}

void einc_rt_transpose_copy(void *dst, const void *src, int64_t esize, int64_t ndims, int64_t r,
                            int64_t a, const int64_t *sizes, const int64_t *strides)
{
	einc_rt_transpose_copy_rows(dst, src, esize, ndims, r, a, sizes, strides, 0, 0, sizes[0]);
}

void einc_rt_transpose_copy_rows(void *dst, const void *src, int64_t esize, int64_t ndims,
                                 int64_t r, int64_t a, const int64_t *whole,
                                 const int64_t *strides, int64_t dim, int64_t lo, int64_t hi)
{
	int64_t sizes[ndims], all = esize;
	for (int64_t d = 0; d < ndims; d++) {
		sizes[d] = whole[d];
		all *= whole[d];
	}
	sizes[dim] = hi - lo;
	dst = (char *)dst + lo * strides[dim] * esize;
	src = (const char *)src + lo * strides[ndims + dim] * esize;
	int64_t os[ndims], od[ndims], osrc[ndims], x[ndims];
	copy_shape s = {.esize = esize, .nr = sizes[r], .na = sizes[a], .na0 = sizes[a],
	                .dst_a = strides[a], .src_r = strides[ndims + r], .os = os, .od = od,
	                .osrc = osrc};
	int64_t h = -1; /* the dim that continues a short a in src */
	for (int64_t d = 0; d < ndims && s.na0 < SHORT_RUN; d++)
		if (d != r && d != a && sizes[d] > 1 && strides[ndims + d] == s.na0) {
			h = d;
			s.na *= sizes[d];
			s.dst_h = strides[d];
		}
	int64_t points = 1, bytes = esize * s.nr * s.na;
	for (int64_t d = 0; d < ndims; d++)
		if (d != r && d != a && d != h && sizes[d] != 1) {
			s.os[s.no] = sizes[d];
			s.od[s.no] = strides[d];
			s.osrc[s.no++] = strides[ndims + d];
			points *= sizes[d];
			bytes *= sizes[d];
		}
	if (!points || !bytes)
		return;
	int simd = 0;
#ifdef EINC_RT_X86
	simd = (esize == 4 || esize == 8) && einc_rt_cpu_has_avx2();
	if (simd && s.na % (LINE / esize) == 0 && einc_rt_cpu_has_avx512f())
		simd = 2;
#endif
	s.split = !lines_whole(src, &s);
	int stream = simd && all >= RT_TRANSPOSE_COPY_STREAM_BYTES && lines_aligned(dst, &s);
	int64_t block = simd == 2 ? WIDE_BLOCK_ROWS : BLOCK_ROWS;
	for (int64_t r0 = 0; r0 < s.nr; r0 += block) {
		int64_t r1 = s.nr - r0 < block ? s.nr : r0 + block;
		memset(x, 0, sizeof x);
		for (int64_t p = 0; p < points; p++) {
			int64_t to = 0, from = 0;
			for (int y = 0; y < s.no; y++) {
				to += x[y] * s.od[y];
				from += x[y] * s.osrc[y];
			}
			const char *at = (const char *)src + from * esize;
			char *d = (char *)dst + to * esize;
			if (!s.no)
				rows_ahead(d, at, &s, r0, r1, simd, stream);
			else
				rows(d, at, &s, r0, r1, simd, stream,
				     x[s.no - 1] + 1 < s.os[s.no - 1] ? at + s.osrc[s.no - 1] * esize
				                                      : NULL);
			for (int y = s.no - 1; y >= 0 && ++x[y] == s.os[y]; y--)
				x[y] = 0;
		}
	}
#ifdef EINC_RT_X86
	if (stream)
		_mm_sfence();
#endif
}
