/* SPDX-License-Identifier: MIT */
/*
 * gett.c - the GETT/BLIS loops around a generated micro-kernel: per unit
 * (batch element, NC block): for each KC block pack B's panel, for each MC
 * block pack A's, then the micro-kernel on every MR x NR tile. When the
 * units are too few for the threads, tasks take M x N parts of a unit and
 * share its B panels, packed once per round by the tasks themselves, in
 * chunks, each KC block by those that reach it first (no pass of its own
 * that all must wait for, and the block still in cache when they use it);
 * a K long beside M and N is summed instead in slices (fixed by the
 * extents) into partial results added at the end, each slice packing its
 * own B panels as a unit does. Full tiles with unit-stride columns in C
 * are updated in place (stored by the first K block, so C needs no
 * zeroing); edge tiles go through a small buffer, so edges cost a copy,
 * not a slower kernel. A whose rows run with unit stride along K feeding
 * few B micro-panels is not packed (a transpose that each element would
 * repay only a few times): the direct micro-kernel broadcasts from A's
 * rows in place. Likewise B beside few rows of A: the kernels read its
 * whole micro-panels in place, a row of K at a time, and only the others
 * are packed, one at a time, by the tasks themselves. A B whose batch
 * runs with unit stride is packed L batch elements at a time (a unit of
 * L elements, pack_b_panels). An operand that is
 * the product of two tensors (einc_rt_gett_fused) is multiplied as it is
 * packed: A a block of rows at a time into a row-major tile that the
 * direct micro-kernel reads or that is packed (beside one column of
 * register blocks, a register block of rows at a time, just before the
 * micro-kernel reads them from L1, or, where all of C's columns fit one
 * register block, never formed: runtime/outer_kernel.c factors the
 * sums), B element by element. A's next block
 * is prefetched while one is computed where it comes from memory in a
 * pattern the hardware does not follow ahead (next_a_block), and so are
 * the bytes a later call reads, given to einc_rt_gett_next (next_share).
 * Where C's rows start past a cache line, N is turned so that the tiles
 * store whole lines (line_turn).
 */
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "add_transposed.h"
#include "cpu_features.h"
#include "gett.h"
#include "outer_kernel.h"
#include "pack_crossed.h"
#include "pool.h"
#include "transpose.h"

#ifdef EINC_RT_X86
#include <immintrin.h>
#endif

/* Bytes rounded up to a cache line. */
static size_t line(size_t bytes)
{
	return (bytes + 63) / 64 * 64;
}

/* "x" rounded up to a multiple of "m". */
static int64_t round_up(int64_t x, int64_t m)
{
	return (x + m - 1) / m * m;
}

/* The columns a unit's shared B panel is rounded up to: the widest
 * register block of the steps that share panels (a held step's, wider,
 * never does). */
#define SHARED_WIDTH_STEP (RT_GETT_NR_MAX / 2)

/*
 * The rounds of a step whose units share packed B panels: "*uround" units
 * over "*kspan" of K at a time, each unit's panel "*width" columns wide
 * (room for its NC block's register blocks); the panel's bytes.
 */
static size_t shared_rounds(int64_t batch, int64_t n, int64_t k, int64_t nc, int64_t kc,
                            int64_t esize, int64_t *uround, int64_t *kspan, int64_t *width)
{
	int64_t units = batch * ((n + nc - 1) / nc);
	*width = round_up(n, SHARED_WIDTH_STEP) < nc ? round_up(n, SHARED_WIDTH_STEP) : nc;
	int64_t row = *width * esize, unit = k * row;
	if (unit <= RT_GETT_SHARED_MAX && (k + kc - 1) / kc <= RT_GETT_ROUND_BLOCKS) {
		*uround = RT_GETT_SHARED_MAX / unit < units ? RT_GETT_SHARED_MAX / unit : units;
		int64_t most = RT_GETT_ROUND_BLOCKS / ((k + kc - 1) / kc);
		*uround = *uround < most ? *uround : most;
		*kspan = k;
	} else {
		*uround = 1;
		*kspan = RT_GETT_SHARED_MAX / row / kc;
		*kspan = (*kspan < RT_GETT_ROUND_BLOCKS ? *kspan : RT_GETT_ROUND_BLOCKS) * kc;
		if (*kspan < kc)
			*kspan = kc;
	}
	return line((size_t)(*uround * *kspan * row));
}

int64_t einc_rt_gett_kslices(int64_t batch, int64_t m, int64_t n, int64_t k, int64_t kc,
                        int64_t esize)
{
	int64_t slices = k / (RT_GETT_SLICE_BLOCKS * kc), wide = m > n ? m : n;
	if (slices > RT_GETT_SLICES_MAX)
		slices = RT_GETT_SLICES_MAX;
	if (k < RT_GETT_SLICE_DEPTH * wide)
		return 1;
	while (slices > 1 && batch * m * n * esize > RT_GETT_SLICE_BYTES / (slices - 1))
		slices--;
	return slices > 1 ? slices : 1;
}

/* The bytes of one slice's partial result: C's elements, densely. */
static size_t partial_bytes(int64_t batch, int64_t m, int64_t n, int64_t esize)
{
	return line((size_t)(batch * m * n * esize));
}

int einc_rt_gett_b_in_place(int64_t m, int64_t mr, int nk, const int64_t *k_sizes,
                            const int64_t *k_strides, int64_t esize)
{
	int64_t tiles = (m + mr - 1) / mr, span = 1;
	for (int x = 0; x < nk; x++)
		span += (k_sizes[x] - 1) * (k_strides[x] < 0 ? -k_strides[x] : k_strides[x]);
	return tiles <= RT_GETT_B_DIRECT_TILES ||
	       (tiles <= RT_GETT_B_NEAR_TILES && span * esize <= RT_GETT_B_NEAR_BYTES);
}

/* Whether step "d" reads B in place (einc_rt_gett_b_in_place; never a
 * complex step's). */
static int b_direct(const einc_rt_gett_desc *d)
{
	int ndims = (int)(d->ndims[0] + d->ndims[1] + d->ndims[2] + d->ndims[3]);
	int first = ndims - (int)d->ndims[3];
	return d->kind != EINC_RT_COMPLEX &&
	       einc_rt_gett_b_in_place(d->m, d->mr, (int)d->ndims[3], d->sizes + first,
	                               d->strides + ndims + first, d->esize);
}

/* The batch elements of a unit of step "d": its b_lanes where B's
 * panels are packed that many at once (never beside B read in place or
 * in a complex step), else 1. */
static int64_t unit_lanes(const einc_rt_gett_desc *d)
{
	return d->b_lanes > 1 && !b_direct(d) && d->kind != EINC_RT_COMPLEX ? d->b_lanes : 1;
}

int einc_rt_gett_copies_b(const einc_rt_gett_desc *d, int direct)
{
	return !direct && !d->held && !d->c_transposed && d->kind != EINC_RT_COMPLEX &&
	       !b_direct(d) && unit_lanes(d) == 1 && d->k <= d->kc &&
	       d->m <= RT_GETT_BY_ROWS_TILES * d->mr;
}

/* Whether "a" tasks on "threads" threads keep them busier than "b" tasks:
 * tasks / (threads * waves), compared without division. */
static int better_balance(int64_t a, int64_t b, int64_t threads)
{
	int64_t wa = (a + threads - 1) / threads, wb = (b + threads - 1) / threads;
	return a * wb > b * wa;
}

void einc_rt_gett_plan(const einc_rt_gett_desc *d, int threads, einc_rt_gett_split *s)
{
	int64_t t = threads > 0 ? threads : einc_rt_default_threads();
	int64_t nblocks = (d->n + d->nc - 1) / d->nc, width = d->n < d->nc ? d->n : d->nc;
	int64_t mp = (d->m + d->mr - 1) / d->mr, np = (width + d->nr - 1) / d->nr;
	int64_t lanes = unit_lanes(d);
	*s = (einc_rt_gett_split){.units = (d->batch + lanes - 1) / lanes * nblocks, .mparts = 1,
	                          .nparts = 1};
	s->kslices = einc_rt_gett_kslices(d->batch, d->m, d->n, d->k, d->kc, d->esize);
	int64_t pieces = s->units * s->kslices, kpiece = (d->k + s->kslices - 1) / s->kslices;
	s->tasks = pieces;
	/* tasks per piece: from the fewest that occupy every thread, the first
	 * that keeps them 90% busy, else the best up to 4 times as many; no more
	 * than the piece's work and register blocks allow */
	int64_t most = d->m * width * kpiece / RT_GETT_TASK_WORK, fewest = (t + pieces - 1) / pieces;
	if (most > mp * np)
		most = mp * np;
	int64_t w = fewest < most ? fewest : most > 1 ? most : 1;
	for (int64_t x = w; x <= 4 * fewest && x <= most; x++) {
		if (better_balance(pieces * x, pieces * w, t))
			w = x;
		if (10 * pieces * w >= 9 * t * ((pieces * w + t - 1) / t))
			break;
	}
	if (w == 1)
		return;
	/* parts of M first, so that the tasks share B's panels; of N first
	 * when B is read in place, so that each task reads its own part of B;
	 * a held step's tasks pack their own (B's one NR block over K, beside
	 * their MC blocks' work on it) */
	int by_n = b_direct(d);
	int64_t major_max = by_n ? np : mp, minor_max = by_n ? mp : np;
	int64_t major = w < major_max ? w : major_max, minor = (w + major - 1) / major;
	if (minor > minor_max)
		minor = minor_max;
	s->mparts = by_n ? minor : major;
	s->nparts = by_n ? major : minor;
	if (s->kslices > 1 || by_n || lanes > 1 || d->held) {
		s->tasks = pieces * s->mparts * s->nparts;
		return;
	}
	s->shared = 1;
	shared_rounds(d->batch, d->n, d->k, d->nc, d->kc, d->esize, &s->uround, &s->kspan, &width);
	s->tasks = s->uround * s->mparts * s->nparts;
}

/* Fills "t" with the offsets sum_y x_y * strides[y] of every point x of the
 * box "sizes[0 .. n-1]" in row-major order; returns the end of "t". The
 * last dim's run is written in one loop: the tables of a step's M run to
 * 10^5 entries and more (the outer product: 131072 in three tables,
 * 5% of its time with a carry per entry). */
static int64_t *offset_table(int64_t *t, const int64_t *sizes, const int64_t *strides, int n)
{
	if (n == 0) {
		*t = 0;
		return t + 1;
	}
	int64_t coord[n], outer = 1, off = 0, inner = sizes[n - 1], step = strides[n - 1];
	for (int y = 0; y + 1 < n; y++) {
		coord[y] = 0;
		outer *= sizes[y];
	}
	for (int64_t f = 0; f < outer; f++) {
		for (int64_t x = 0; x < inner; x++)
			*t++ = off + x * step;
		for (int y = n - 2; y >= 0; y--) {
			off += strides[y];
			if (++coord[y] < sizes[y])
				break;
			off -= coord[y] * strides[y];
			coord[y] = 0;
		}
	}
	return t;
}

/* The group (0 batch, 1 M, 2 N, 3 K) of offset table "x" of
 * einc_rt_gett_tables beside fused operand "side". */
static int table_group(int x, int64_t side)
{
	static const int group[12] = {0, 1, 3, 0, 3, 2, 0, 1, 2, 0, 0, 3};
	return x == 10 ? (side == RT_GETT_FUSED_A ? 1 : 2) : group[x];
}

/* How many offset tables einc_rt_gett_tables fills beside fused operand
 * "side": A's, B's and C's three, and the second factor's. */
static int table_count(int64_t side)
{
	return side ? 12 : 9;
}

/* Where the offset tables lie in einc_rt_gett_tables' array, and what
 * each table holds: its group's dims ("sizes", "strides", "ndims"). */
typedef struct {
	int64_t off[12]; /* entries from the array's start */
	int fresh[12];   /* 0: an earlier table's, the same */
	const int64_t *sizes[12], *strides[12];
	int ndims[12];
} table_layout;

/*
 * The layout "l" of step "d"'s offset tables beside fused operand "side"
 * (the second factor's strides "fstrides"): a table of the same group and
 * strides as an earlier one is that one (C's M table is often A's, C's N
 * B's: the 4-index transform's, and the outer product's three M tables of
 * 131072 entries). Returns the array's entries.
 */
static int64_t table_offsets(const einc_rt_gett_desc *d, int64_t side, const int64_t *fstrides,
                             table_layout *l)
{
	const int64_t extent[4] = {d->batch, d->m, d->n, d->k};
	int ndims = (int)(d->ndims[0] + d->ndims[1] + d->ndims[2] + d->ndims[3]), first[4] = {0};
	for (int y = 1; y < 4; y++)
		first[y] = first[y - 1] + (int)d->ndims[y - 1];
	int64_t end = 0;
	for (int x = 0; x < table_count(side); x++) {
		int y = table_group(x, side);
		l->sizes[x] = d->sizes + first[y];
		l->strides[x] = (x < 9 ? d->strides + x / 3 * ndims : fstrides) + first[y];
		l->ndims[x] = (int)d->ndims[y];
		l->fresh[x] = 1;
		l->off[x] = end;
		size_t bytes = (size_t)l->ndims[x] * sizeof(int64_t);
		for (int w = 0; w < x && l->fresh[x]; w++)
			if (l->fresh[w] && table_group(w, side) == y &&
			    !memcmp(l->strides[w], l->strides[x], bytes)) {
				l->fresh[x] = 0;
				l->off[x] = l->off[w];
			}
		end += l->fresh[x] ? extent[y] : 0;
	}
	return end;
}

int64_t einc_rt_gett_table_entries(const einc_rt_gett_desc *d, int64_t side,
                                   const int64_t *fstrides)
{
	table_layout l;
	return table_offsets(d, side, fstrides, &l);
}

/* Fills "t" with the tables of layout "l" (table_offsets' beside fused
 * operand "side"), each one stored once. */
static void fill_tables(const table_layout *l, int64_t side, int64_t *t)
{
	for (int x = 0; x < table_count(side); x++)
		if (l->fresh[x])
			offset_table(t + l->off[x], l->sizes[x], l->strides[x], l->ndims[x]);
}

void einc_rt_gett_tables(const einc_rt_gett_desc *d, int64_t side, const int64_t *fstrides,
                         int64_t *t)
{
	table_layout l;
	table_offsets(d, side, fstrides, &l);
	fill_tables(&l, side, t);
}

/* The bytes of the offset tables in the scratch (einc_rt_gett_tables',
 * beside fused operand "side", room for every table apart) and, when K is
 * summed in "slices" > 1, the partial results' batch, M and N tables. */
static size_t table_bytes(const einc_rt_gett_desc *d, int64_t side, int64_t slices)
{
	const int64_t extent[4] = {d->batch, d->m, d->n, d->k};
	int64_t entries = slices > 1 ? d->batch + d->m + d->n : 0;
	for (int x = 0; x < table_count(side); x++)
		entries += extent[table_group(x, side)];
	return line((size_t)entries * sizeof(int64_t));
}

/* Runs of the summed index at least this long are packed by the blocked
 * transpose, shorter ones element by element. */
#define PACK_MIN_RUN 4

/* How many of offsets "off[0 .. n-1]" (n >= 1) run on with stride 1 from
 * the first. */
static int64_t run_length(const int64_t *off, int64_t n)
{
	int64_t j = 1;
	while (j < n && off[j] == off[0] + j)
		j++;
	return j;
}

/* Whether offsets "off[0 .. n-1]" run on with stride 1. */
static int unit_run(const int64_t *off, int64_t n)
{
	return run_length(off, n) == n;
}

/* The stride with which offsets "off[0 .. n-1]" (n >= 1) run on, or 0
 * when there is no one positive stride (1 for a single offset). */
static int64_t one_stride(const int64_t *off, int64_t n)
{
	int64_t s = n > 1 ? off[1] - off[0] : 1;
	for (int64_t j = 2; j < n && s > 0; j++)
		if (off[j] - off[j - 1] != s)
			return 0;
	return s > 0 ? s : 0;
}

/* Whole panels of "w" rows packed from one unit-stride run at most: their
 * rows are read together, one run per value of the summed index. An A
 * whose M runs with unit stride (a transposed view) is then read a whole
 * MC block's column at a time (up to 64 * 6 rows), not in pieces that the
 * cache may lose in between: mttkrp with its tensor's axes reversed took
 * 36 ms at 16 panels, 26 ms at 64 (its twin 13 ms). Dense cases, which
 * pack B's columns this way, ran as fast (gemm, gemm_f64, bmm). */
#define PACK_SPAN_MAX 64

/* Such panels whose values of the summed index lie PACK_SPAN_FAR bytes
 * apart or more are copied PACK_SPAN_K values at a time, panel by panel:
 * a row per value into every panel wrote one short row (24 or 48 bytes
 * of A) a panel (kc * w elements) apart, strides of 6 or 24 KiB that fell
 * in one or two sets of L1 and missed it on every store; the PACK_SPAN_K
 * rows read at once stay within L1's 8 ways when they all fall in one set
 * (ttm with its tensor's axes reversed: 256 KiB apart). Measured (1
 * thread, CPU time, best of 5, against the twin): ttm in0T 35.9 -> 31.6
 * ms (twin 30.0), mttkrp_f64 in0T 44.3 -> 39.6 (27.3); 4, 6, 8, 16, 32
 * values: ttm 33.4, 32.2, 32.9, 34.9, 36.4 ms. Values closer together are
 * read as one stream a value at a time: tc_ijk_jl's A (512 bytes apart)
 * and B (1 KiB) panel by panel took 27.2-28.0 ms against 24.7-26.4. */
#define PACK_SPAN_K 8
#define PACK_SPAN_FAR 2048

/* How many whole panels of "w" of the "len" rows at offsets "r" (len >= 1)
 * lie in one unit-stride run from the first, PACK_SPAN_MAX at most. */
static int64_t unit_panels(const int64_t *r, int64_t len, int64_t w)
{
	int64_t most = PACK_SPAN_MAX * w;
	return run_length(r, len < most ? len : most) / w;
}

/* copy_rows's loop for rows of "BYTES" bytes. */
#define COPY_ROWS(BYTES)                                                                \
	for (int64_t i = 0; i < n; i++) {                                               \
		for (int64_t o = 0; ahead && o < (int64_t)(BYTES); o += 64)             \
			__builtin_prefetch(ahead + i * step + o, 0, 3);                 \
		memcpy(dst + i * (BYTES), src + i * step, BYTES);                       \
	}

/*
 * Copies "n" rows of a panel, "bytes" each, from "src" on, rows "step"
 * bytes apart, to "dst" on, rows one after the other (values of the
 * summed index that lie one stride apart), and prefetches as many bytes
 * from "ahead" on (NULL: none) and from each "step" bytes after it, a
 * line at a time: a zmm B panel's row is two lines, and prefetching only
 * the first left the copy stalled on the second (the 4-index transform's
 * last step, B's K rows 864 KiB apart in memory: 9.1 -> 8.2 ms,
 * docs/bench-kernels.md, session 29). A
 * row is a register block's rows or columns (6 or 8 of A, 8, 16 or 32 of
 * B; 4 or 8 bytes each); those sizes are copied by inline moves, chosen
 * once for the rows: a memcpy call per row cost more than the copy
 * (mttkrp with its tensor's M of unit stride packs 64 Mi floats in 11 Mi
 * rows: 37% of its run time), and the size and the offset table looked up
 * per row 16 instructions a row, most of the packing's time (ttm with its
 * tensor's axes reversed).
 */
static inline void copy_rows(char *dst, const char *src, int64_t step, int64_t n, int64_t bytes,
                             const char *ahead)
{
	switch (bytes) {
	case 24: COPY_ROWS(24); return;
	case 32: COPY_ROWS(32); return;
	case 48: COPY_ROWS(48); return;
	case 64: COPY_ROWS(64); return;
	case 128: COPY_ROWS(128); return;
	default: COPY_ROWS((size_t)bytes);
	}
}

/* How far ahead of its copy the blocked copy of far values (PACK_SPAN_K)
 * prefetches each row, in bytes: 8 rows at once fall in one set of L1 and
 * of L2 when they lie a power of two apart (256 KiB in ttm), so each row
 * is fetched a little ahead along itself rather than the next rows whole,
 * which would evict the rows being copied. Measured (ttm with its tensor's
 * axes reversed, 1 thread, CPU time, best of 15, alternating, load 6-8):
 * none 29.7-32.4 ms, 192 / 320 bytes 29.1-29.9, 512 bytes 29.0-30.2, 768
 * 29.3-29.4, 1024 29.6-31.0 (twin 26.1); the next rows whole, or the next
 * A block while one is computed, 32.6-33.8. */
#define PACK_AHEAD_BYTES 512

/* The line to prefetch for the copy at byte "at" of the "bytes" copied
 * of the rows from "row" on: PACK_AHEAD_BYTES further along them, or,
 * past their end, as far into the next rows, "next" bytes on (0: none;
 * NULL, as past the next rows' end). */
static inline const char *span_ahead(const void *row, int64_t at, int64_t bytes, int64_t next)
{
	at += PACK_AHEAD_BYTES;
	if (at < bytes)
		return (const char *)row + at;
	return next && at - bytes < bytes ? (const char *)row + next + (at - bytes) : NULL;
}

/*
 * pack_T: panels of "w" rows (MR or NR) of the "len" rows of a tensor from
 * row "r0", over "kc" values of the summed index: dst[panel][p][i] =
 * src[row[r0 + panel*w + i] + col[p]], zero past "len". Whole groups
 * of panels that a unit stride crosses (einc_rt_crossed_columns: a view
 * whose unit-stride dim steps from one group of panels to the next) are
 * packed by AVX-512 transposes, a line of each row at a time. Whole panels
 * whose rows run on with unit stride are copied a value of the summed
 * index at a time (PACK_SPAN_K values where they lie far apart, at one
 * stride as copy_rows's runs, prefetched PACK_AHEAD_BYTES ahead), up to
 * PACK_SPAN_MAX panels together, so that the tensor is read in order
 * rather than once per panel; otherwise runs of
 * the summed index with unit stride are transposed in blocks
 * (einc_rt_transpose_T), other elements read through both tables.
 * Integers are packed as the floats of their size: packing moves bits.
 */
#define GETT_PACK(T, NAME)                                                              \
	static void pack_##NAME(T *dst, const T *src, const int64_t *row, const int64_t *col, \
	                        int64_t r0, int64_t len, int64_t kc, int64_t w)         \
	{                                                                               \
		for (int64_t q = 0; q < len; q += w, dst += kc * w) {                   \
			int64_t n = len - q < w ? len - q : w;                          \
			const int64_t *r = row + r0 + q;                                \
			int64_t rows, crossed;                                          \
			crossed = einc_rt_crossed_columns(r, len - q, sizeof(T), w, &rows); \
			if (crossed) {                                                  \
				einc_rt_pack_crossed_##NAME(dst, src, r, crossed, col, kc, w, \
				                            0, crossed);                \
				q += rows - w;                                          \
				dst += (rows / w - 1) * kc * w;                         \
				continue;                                               \
			}                                                               \
			int64_t span = unit_panels(r, len - q, w);                      \
			if (span > 0) {                                                 \
				int64_t step = kc > 1 && (col[1] - col[0]) * (int64_t)sizeof(T) >= \
				               PACK_SPAN_FAR ? PACK_SPAN_K : 1;                 \
				int64_t ks = step > 1 ? one_stride(col, kc) : 0;        \
				for (int64_t p0 = 0; p0 < kc; p0 += step) {             \
					int64_t p1 = kc - p0 < step ? kc : p0 + step;   \
					for (int64_t x = 0; x < span; x++)              \
						if (ks)                                 \
							copy_rows((char *)(dst + (x * kc + p0) * w), \
							          (const char *)(src + r[0] + col[p0] + x * w), \
							          ks * (int64_t)sizeof(T), p1 - p0, \
							          w * (int64_t)sizeof(T),   \
							          span_ahead(src + r[0] + col[p0], \
							                     x * w * (int64_t)sizeof(T), \
							                     span * w * (int64_t)sizeof(T), \
							                     p1 + step > kc ? 0 : \
							                     (p1 - p0) * ks * (int64_t)sizeof(T))); \
						else                                    \
							for (int64_t p = p0; p < p1; p++) \
								copy_rows((char *)(dst + (x * kc + p) * w), \
								          (const char *)(src + r[0] + col[p] + x * w), \
								          0, 1, w * (int64_t)sizeof(T), NULL); \
				}                                                       \
				q += (span - 1) * w;                                    \
				dst += (span - 1) * kc * w;                             \
				continue;                                               \
			}                                                               \
			for (int64_t p0 = 0, run; p0 < kc; p0 += run) {                 \
				run = run_length(col + p0, kc - p0);                    \
				if (run >= PACK_MIN_RUN) {                              \
					const T *s[RT_GETT_NR_MAX];                     \
					for (int64_t i = 0; i < n; i++)                 \
						s[i] = src + r[i] + col[p0];            \
					einc_rt_transpose_##NAME(dst + p0 * w, s, n, run, w); \
					continue;                                       \
				}                                                       \
				for (int64_t p = p0; p < p0 + run; p++)                 \
					for (int64_t i = 0; i < n; i++)                 \
						dst[p * w + i] = src[col[p] + r[i]];    \
			}                                                               \
			for (int64_t p = 0; p < kc; p++)                                \
				for (int64_t i = n; i < w; i++)                         \
					dst[p * w + i] = 0;                             \
		}                                                                       \
	}

/*
 * pack_c_T: B's panels of a complex step in its real form, as pack_T: the
 * tables point at a complex element's real part at even rows and even
 * values of the summed index (its imaginary part one further), and each
 * complex element re + i im becomes the 2 x 2 block [re im; -im re]
 * (rows along K), so that the real micro-kernel, A's parts along K and
 * C's along N, computes the complex product. "len", "r0", "kc" and "w"
 * are even.
 */
#define GETT_PACK_COMPLEX(T, NAME)                                                      \
	static void pack_c_##NAME(T *dst, const T *src, const int64_t *row, const int64_t *col, \
	                          int64_t r0, int64_t len, int64_t kc, int64_t w)       \
	{                                                                               \
		for (int64_t p = 0; p < kc; p += 2)                                     \
			for (int64_t q = 0; q < len; q += w) { /* panel q / w */        \
				T *re = dst + q * kc + p * w, *im = re + w;             \
				for (int64_t i = 0; i < w; i += 2) {                    \
					if (q + i >= len) {                             \
						re[i] = re[i + 1] = im[i] = im[i + 1] = 0; \
						continue;                               \
					}                                               \
					const T *s = src + row[r0 + q + i] + col[p];    \
					re[i] = s[0];                                   \
					re[i + 1] = s[1];                               \
					im[i] = -s[1];                                  \
					im[i + 1] = s[0];                               \
				}                                                       \
			}                                                               \
	}

/*
 * add_T: c[off_m[i] + off_n[j]] (+)= tile[i * width + j] for an edge tile
 * or a slice's partial result, stored when "first" is set; a run of
 * columns with unit stride in C at a time, row by row (a turned step's
 * tile that wraps around N holds two, line_turn).
 */
#define GETT_ADD(T, NAME)                                                               \
	static void add_##NAME(T *c, const T *tile, const int64_t *off_m, const int64_t *off_n, \
	                       int64_t mr, int64_t nr, int64_t width, int first)        \
	{                                                                               \
		for (int64_t j = 0, run; j < nr; j += run) {                            \
			run = run_length(off_n + j, nr - j);                            \
			for (int64_t i = 0; i < mr; i++) {                              \
				T *o = c + off_m[i] + off_n[j];                         \
				const T *t = tile + i * width + j;                      \
				if (first)                                              \
					memcpy(o, t, (size_t)run * sizeof(T));          \
				else                                                    \
					for (int64_t q = 0; q < run; q++)               \
						o[q] += t[q];                           \
			}                                                               \
		}                                                                       \
	}

GETT_PACK(float, f32)
GETT_PACK(double, f64)
GETT_PACK_COMPLEX(float, f32)
GETT_PACK_COMPLEX(double, f64)
GETT_ADD(float, f32)
GETT_ADD(double, f64)
GETT_ADD(uint32_t, u32) /* integers wrap: added unsigned, the same bits */
GETT_ADD(uint64_t, u64)

/* A run of the summed index over which each factor of a fused operand
 * steps by "s1", "s2" (0 or 1) from offsets "c1", "c2": "len" values from
 * "p0". */
typedef struct {
	int64_t p0, len, c1, c2, s1, s2;
} prod_run;

/* The step of offsets "c" from value "p" to the next: 1 or else 0 (a run
 * of one value when it is neither). */
static int64_t prod_step(const int64_t *c, int64_t p, int64_t kc)
{
	return p + 1 < kc && c[p + 1] - c[p] == 1;
}

/* The runs of the "kc" values of the summed index at the factors' offsets
 * "c1" and "c2" into "runs"; returns how many. */
static int64_t product_runs(const int64_t *c1, const int64_t *c2, int64_t kc, prod_run *runs)
{
	int64_t n = 0;
	for (int64_t p0 = 0, p; p0 < kc; p0 = p) {
		prod_run r = {.p0 = p0, .c1 = c1[p0], .c2 = c2[p0], .s1 = prod_step(c1, p0, kc),
		              .s2 = prod_step(c2, p0, kc)};
		for (p = p0 + 1; p < kc && c1[p] - c1[p - 1] == r.s1 && c2[p] - c2[p - 1] == r.s2; p++)
			;
		r.len = p - p0;
		runs[n++] = r;
	}
	return n;
}

/* A fused A's K block: its runs (product_runs) and, when they split it as
 * an outer product (product_outer), the factor that runs along every run
 * ("inner": 1 or 2; 0 when they do not), from which offset ("cin"), the
 * runs' length ("n"), the other factor's offset per run ("cout") and the
 * micro-kernel that forms the products itself, or NULL ("kernel"). */
typedef struct {
	prod_run *runs;
	int64_t *cout;
	int64_t nruns, inner, cin, n;
	einc_rt_outer_kernel kernel;
} prod_block;

/* The most vectors in a run of outer_T, and the bytes of a vector of
 * products: SSE2's, or AVX2's where the CPU runs it. */
enum { OUTER_VECS = 4, PRODUCT_BYTES = 16, PRODUCT_AVX2_BYTES = 32 };

/* Sets p->inner (and p->cin, p->n, p->cout) where p's runs are all "n"
 * long, a whole number of vectors of "lanes" elements (OUTER_VECS at
 * most), one factor stepping along each from the same offset and the other
 * staying put; else p->inner = 0. */
static void product_outer(prod_block *p, int64_t lanes)
{
	const prod_run *r = p->runs;
	p->inner = r->s1 != r->s2 ? (r->s1 ? 1 : 2) : 0;
	p->n = r->len;
	p->cin = p->inner == 1 ? r->c1 : r->c2;
	if (p->n % lanes || p->n > OUTER_VECS * lanes)
		p->inner = 0;
	for (int64_t u = 0; u < p->nruns && p->inner; u++, r++) {
		int64_t sin = p->inner == 1 ? r->s1 : r->s2, sout = p->inner == 1 ? r->s2 : r->s1;
		if (r->len != p->n || sin != 1 || sout != 0 || (p->inner == 1 ? r->c1 : r->c2) != p->cin)
			p->inner = 0;
		p->cout[u] = p->inner == 1 ? r->c2 : r->c1;
	}
}

/*
 * product_T: the rows "r0" to "r0 + len" of a fused operand over one block
 * of the summed index, row-major into "t" ("pitch" apart): t[i][p] =
 * s1[r1[r0 + i] + c1[p]] * s2[r2[r0 + i] + c2[p]], a run ("runs") at a
 * time over every row (its fields read once, not once per row), each
 * factor loaded along it or broadcast, BYTES of products at once (GCC's
 * vector extension: PRODUCT_BYTES, or PRODUCT_AVX2_BYTES in
 * product_avx2_T, called where the CPU runs AVX2).
 */
#define GETT_PRODUCT(T, NAME, BYTES, ATTR)                                              \
	typedef T NAME##_vec __attribute__((vector_size(BYTES)));                       \
	ATTR static void product_##NAME(T *t, int64_t pitch, const T *s1, const T *s2,  \
	                                const int64_t *r1, const int64_t *r2, int64_t r0, \
	                                int64_t len, const prod_run *runs, int64_t nruns) \
	{                                                                               \
		enum { L = BYTES / sizeof(T) };                                         \
		for (const prod_run *r = runs; r < runs + nruns; r++) {                 \
			int64_t n = r->len, nv = n / L * L;                             \
			for (int64_t i = 0; i < len; i++) {                             \
				T *o = t + i * pitch + r->p0;                           \
				const T *x = s1 + r1[r0 + i] + r->c1, *y = s2 + r2[r0 + i] + r->c2; \
				T x0 = x[0], y0 = y[0];                                 \
				int64_t q = 0;                                          \
				NAME##_vec vx, vy, vo;                                  \
				if (r->s1 && r->s2)                                     \
					for (; q < nv; q += L) {                        \
						memcpy(&vx, x + q, sizeof vx);          \
						memcpy(&vy, y + q, sizeof vy);          \
						vo = vx * vy;                           \
						memcpy(o + q, &vo, sizeof vo);          \
					}                                               \
				else if (r->s1)                                         \
					for (; q < nv; q += L) {                        \
						memcpy(&vx, x + q, sizeof vx);          \
						vo = vx * y0;                           \
						memcpy(o + q, &vo, sizeof vo);          \
					}                                               \
				else if (r->s2)                                         \
					for (; q < nv; q += L) {                        \
						memcpy(&vy, y + q, sizeof vy);          \
						vo = x0 * vy;                           \
						memcpy(o + q, &vo, sizeof vo);          \
					}                                               \
				for (; q < n; q++)                                      \
					o[q] = (r->s1 ? x[q] : x0) * (r->s2 ? y[q] : y0); \
			}                                                               \
		}                                                                       \
	}

/* How offsets "r[0 .. n-1]" move: 1 with stride 1, 0 not at all, -1
 * otherwise. */
static int row_step(const int64_t *r, int64_t n)
{
	if (unit_run(r, n))
		return 1;
	for (int64_t i = 1; i < n; i++)
		if (r[i] != r[0])
			return -1;
	return 0;
}

/*
 * pack_product_T: panels of "w" rows of a fused operand as pack_T packs a
 * tensor: dst[panel][p][i] = s1[r1[r + i] + c1[p]] * s2[r2[r + i] + c2[p]]
 * for the panel's rows r + i from "r0", zero past "len". A whole panel
 * along whose rows one factor runs with unit stride and the other too or
 * stays put is multiplied PRODUCT_BYTES at a time (when "w" holds whole
 * vectors).
 */
#define GETT_PACK_PRODUCT(T, NAME)                                                      \
	static void pack_product_##NAME(T *dst, const T *s1, const T *s2, const int64_t *r1, \
	                                const int64_t *c1, const int64_t *r2, const int64_t *c2, \
	                                int64_t r0, int64_t len, int64_t kc, int64_t w) \
	{                                                                               \
		enum { L = PRODUCT_BYTES / sizeof(T) };                                 \
		for (int64_t q = 0; q < len; q += w, dst += kc * w) {                   \
			int64_t n = len - q < w ? len - q : w;                          \
			const int64_t *a = r1 + r0 + q, *b = r2 + r0 + q;               \
			int st1 = row_step(a, n), st2 = row_step(b, n);                 \
			if (n == w && w % L == 0 && st1 >= 0 && st2 >= 0 && st1 + st2) { \
				NAME##_vec vx = {0}, vy = {0};                          \
				for (int64_t p = 0; p < kc; p++) {                      \
					const T *x = s1 + a[0] + c1[p], *y = s2 + b[0] + c2[p]; \
					for (int64_t i = 0; i < w; i += L) {            \
						if (st1)                                \
							memcpy(&vx, x + i, sizeof vx);  \
						if (st2)                                \
							memcpy(&vy, y + i, sizeof vy);  \
						vx = !st2 ? vx * y[0] : !st1 ? x[0] * vy : vx * vy; \
						memcpy(dst + p * w + i, &vx, sizeof vx); \
					}                                               \
				}                                                       \
				continue;                                               \
			}                                                               \
			for (int64_t p = 0; p < kc; p++)                                \
				for (int64_t i = 0; i < w; i++)                         \
					dst[p * w + i] = i < n ? s1[a[i] + c1[p]] * s2[b[i] + c2[p]] \
					                       : 0;                             \
		}                                                                       \
	}

/*
 * outer_T: product_T for a block that the runs split as an outer product
 * (product_outer): "nruns" runs of "n" values each (whole vectors,
 * OUTER_VECS at most), factor "in" (rows "rin") along every run from
 * offset "cin", factor "out" (rows "rout") one value per run, at "cout[u]"
 * for run u: t[i][u * n + q] = out[cout[u]] * in[cin + q] on row i. A
 * row's run of "in" is loaded once and each value of "out" broadcast, so
 * a vector of products costs a multiply and a store (the general loop
 * spent as long again on each run's fields as on its products). x * y is
 * y * x in IEEE arithmetic, so either factor may be "in".
 */
#define GETT_OUTER(T, NAME, ATTR)                                                       \
	ATTR static void outer_##NAME(T *t, int64_t pitch, const T *in, const T *out,   \
	                              const int64_t *rin, const int64_t *rout, int64_t r0, \
	                              int64_t len, int64_t cin, const int64_t *cout,    \
	                              int64_t nruns, int64_t n)                         \
	{                                                                               \
		enum { L = sizeof(NAME##_vec) / sizeof(T) };                            \
		switch (n / L) {                                                        \
		case 1: OUTER_ROWS(T, NAME, 1); break;                                  \
		case 2: OUTER_ROWS(T, NAME, 2); break;                                  \
		case 3: OUTER_ROWS(T, NAME, 3); break;                                  \
		default: OUTER_ROWS(T, NAME, 4);                                        \
		}                                                                       \
	}
/* outer_T's rows for runs of "NV" vectors: the run of "in" held in registers. */
#define OUTER_ROWS(T, NAME, NV)                                                         \
	for (int64_t i = 0; i < len; i++) {                                             \
		const T *x = out + rout[r0 + i], *y = in + rin[r0 + i] + cin;           \
		T *o = t + i * pitch;                                                   \
		NAME##_vec vy[NV], vo;                                                  \
		for (int v = 0; v < NV; v++)                                            \
			memcpy(&vy[v], y + v * L, sizeof vy[v]);                        \
		for (int64_t u = 0; u < nruns; u++, o += n) {                           \
			T x0 = x[cout[u]];                                              \
			for (int v = 0; v < NV; v++) {                                  \
				vo = x0 * vy[v];                                        \
				memcpy(o + v * L, &vo, sizeof vo);                      \
			}                                                               \
		}                                                                       \
	}

GETT_PRODUCT(float, f32, PRODUCT_BYTES, )
GETT_PRODUCT(double, f64, PRODUCT_BYTES, )
GETT_OUTER(float, f32, )
GETT_OUTER(double, f64, )
#ifdef EINC_RT_X86
#define AVX2 __attribute__((target("avx2")))
GETT_PRODUCT(float, avx2_f32, PRODUCT_AVX2_BYTES, AVX2)
GETT_PRODUCT(double, avx2_f64, PRODUCT_AVX2_BYTES, AVX2)
GETT_OUTER(float, avx2_f32, AVX2)
GETT_OUTER(double, avx2_f64, AVX2)
#undef AVX2
#endif

GETT_PACK_PRODUCT(float, f32)
GETT_PACK_PRODUCT(double, f64)

/* Packs "len" rows from "r0" of a tensor at "src" into "dst". */
static void pack(const einc_rt_gett_desc *d, void *dst, const void *src, const int64_t *row,
                 const int64_t *col, int64_t r0, int64_t len, int64_t kc, int64_t w)
{
	if (d->esize == 4)
		pack_f32(dst, src, row, col, r0, len, kc, w);
	else
		pack_f64(dst, src, row, col, r0, len, kc, w);
}

/* Packs B as pack does, or as pack_c_T for a complex step. */
static void pack_b(const einc_rt_gett_desc *d, void *dst, const void *src, const int64_t *row,
                   const int64_t *col, int64_t r0, int64_t len, int64_t kc, int64_t w)
{
	if (d->kind != EINC_RT_COMPLEX)
		pack(d, dst, src, row, col, r0, len, kc, w);
	else if (d->esize == 4)
		pack_c_f32(dst, src, row, col, r0, len, kc, w);
	else
		pack_c_f64(dst, src, row, col, r0, len, kc, w);
}

/* Calls NAME##u32, NAME##f32, NAME##u64 or NAME##f64 by the elements of
 * step "d" (integers' sums are their size's unsigned ones, which wrap) on
 * the arguments that follow, C's and the sums' pointers among them as
 * void pointers. */
#define BY_KIND(d, NAME, ...)                                                              \
	((d)->esize == 4 ? ((d)->kind == EINC_RT_INT ? NAME##u32(__VA_ARGS__)               \
	                                             : NAME##f32(__VA_ARGS__))              \
	                 : ((d)->kind == EINC_RT_INT ? NAME##u64(__VA_ARGS__)               \
	                                             : NAME##f64(__VA_ARGS__)))

/* add_T for the elements of "d". */
static void add(const einc_rt_gett_desc *d, void *c, const void *tile, const int64_t *off_m,
                const int64_t *off_n, int64_t mr, int64_t nr, int64_t width, int first)
{
	BY_KIND(d, add_, c, tile, off_m, off_n, mr, nr, width, first);
}

/* The packing of one KC block of one unit's shared B panel in a round:
 * chunks claimed ("next") and chunks packed ("done"). */
typedef struct {
	_Atomic int64_t next, done;
} panel_block;

/* The operands of one einc_rt_gett call, shared by its tasks, and the round
 * that runs (split steps). */
typedef struct {
	const einc_rt_gett_desc *d;
	einc_rt_gett_split s;
	char *c;
	const char *a, *b;
	int64_t nblocks;
	const int64_t *a_b, *a_m, *a_k, *b_b, *b_k, *b_n, *c_b, *c_m, *c_n; /* offsets */
	const int64_t *p_b, *p_m, *p_n; /* offsets in a partial result (dense) */
	char *partials;       /* slices 1 .. kslices-1's partial results */
	size_t partial_bytes; /* apart */
	char *panel;          /* the shared B panel */
	int64_t width;        /* its columns per unit */
	int64_t u0, k0, k1;   /* the round: units u0 .., K from k0 to k1 */
	panel_block *blocks;  /* the round's KC blocks of the panel, unit by unit */
	int64_t fused;        /* 0, or the fused operand (RT_GETT_FUSED_A, _B) */
	const char *f;        /* its second factor, offsets f_b, f_r (its M or N
	                         group), f_k */
	const int64_t *f_b, *f_r, *f_k;
	const int64_t *t_rows; /* a product tile's row offsets (i * kc) */
	int avx2;              /* products in AVX2 (the CPU runs it) */
	const char *next;      /* bytes to read into the caches meanwhile ("next_bytes"
	                          of them, einc_rt_gett_next), or NULL */
	int64_t next_bytes;
} gett_call;

/* What a task computes: rows "mbeg" to "mend" and columns "n0" to
 * "n0 + nlen" (within the NC block at "jc") of unit "u", over K from "k0"
 * to "k1" of a sum that starts at "kfirst", into "c" (C, or a slice's
 * partial result) with offset tables "cb", "cm", "cn"; B's panel from
 * "panel" (its K block at (pc - k0) * width) or, when NULL, packed into the
 * task's own buffer. */
typedef struct {
	int64_t u, mbeg, mend, jc, n0, nlen, k0, k1, kfirst;
	int64_t share, shares; /* its task's share of the call's "next" bytes */
	char *c;
	const int64_t *cb, *cm, *cn;
	const char *panel;
} gett_range;

/* Cache lines that a task prefetches while it computes, a few after each
 * micro-kernel call: "nrows" runs of "lines" lines each, run x from
 * "base" plus rows[x] elements (rounded down to a line), every "gap"-th
 * line of a run (1 or 2); "step" prefetches a call, from run "row", line
 * "line" on. */
typedef struct {
	const char *base;
	const int64_t *rows;
	int64_t nrows, lines, gap, step, row, line;
} prefetch_runs;

/* A macro-kernel's operands: C at "c" (its rows' and columns' offsets
 * "cm", "cn", from the block's first row and column), A's packed
 * MC x KC block or (direct) A's tensor at the K block, B's packed panel,
 * for rows m0 .. m0+mlen-1 and columns n0 .. n0+nlen-1 of C over "kc"; the
 * first K block ("first") stores, the others add; "tile" the edge buffer.
 * B in place: "bsrc" B's tensor at the batch element, "bk" its offsets of
 * the K block, "bks" their one stride (0: none); micro-panels that cannot
 * be read in place are packed into "bbuf" one at a time. B packed by the
 * micro-kernel (einc_rt_ukernel_copy): "bfrom" B's tensor at the batch
 * element (else NULL), "bks" its K block's one stride, the panel "b" (then
 * "bbuf") packed by the block's first row of register blocks. */
typedef struct {
	char *c, *tile, *bbuf;
	const int64_t *cm, *cn, *bk, *am; /* am: A's row offsets from m0 (in place) */
	const char *a, *b, *bsrc, *bfrom;
	int64_t m0, mlen, n0, nlen, kc, bks;
	int first;
	const prod_block *pb; /* a fused A's K block when its products are formed
	                         a register block of rows at a time into "a"
	                         (product_block), else NULL */
	int64_t bt;           /* its batch element */
	prefetch_runs *ahead; /* the next A block's lines (next_a_block), or NULL */
	prefetch_runs *next;  /* the task's share of the call's "next" bytes
	                         (next_share), or NULL */
	char *strip;          /* C computed transposed (d->c_transposed): each
	                         column of tiles into this buffer (rows "strip_m",
	                         columns "strip_n"), added into C transposed after
	                         it; else NULL */
	const int64_t *strip_m, *strip_n;
} gett_block;

/* Calls NAME##_f32 or NAME##_f64 (by "esize") on the arguments that
 * follow "t" and "pitch", the first casting "t", "x" and "y" to pointers of
 * the element type. */
#define BY_TYPE(esize, NAME, t, pitch, x, y, ...)                                       \
	((esize) == 4 ? NAME##_f32((float *)(t), pitch, (const float *)(x),              \
	                           (const float *)(y), __VA_ARGS__)                      \
	              : NAME##_f64((double *)(t), pitch, (const double *)(x),            \
	                           (const double *)(y), __VA_ARGS__))

/* The factors of a fused A's block "p" that is an outer product, at
 * batch element "bt": the one along the runs ("*in", its row offsets
 * "*rin") and the other ("*out", "*rout"). */
static void outer_factors(const gett_call *g, const prod_block *p, int64_t bt, const char **in,
                          const char **out, const int64_t **rin, const int64_t **rout)
{
	const einc_rt_gett_desc *d = g->d;
	const char *x = g->a + g->a_b[bt] * d->esize, *y = g->f + g->f_b[bt] * d->esize;
	*in = p->inner == 1 ? x : y;
	*out = p->inner == 1 ? y : x;
	*rin = p->inner == 1 ? g->a_m : g->f_r;
	*rout = p->inner == 1 ? g->f_r : g->a_m;
}

/* Rows "r0" to "r0 + len" of a fused A's products over K block "p" of
 * batch element "bt", row-major into "t" (d->kc apart): outer_T where the
 * runs split the block as an outer product, else product_T; in AVX2 where
 * the CPU runs it. */
static void products(const gett_call *g, char *t, int64_t bt, const prod_block *p, int64_t r0,
                     int64_t len)
{
	const einc_rt_gett_desc *d = g->d;
	const char *x = g->a + g->a_b[bt] * d->esize, *y = g->f + g->f_b[bt] * d->esize, *in, *out;
	const int64_t *rin, *rout;
	outer_factors(g, p, bt, &in, &out, &rin, &rout);
#ifdef EINC_RT_X86
	if (g->avx2 && p->inner)
		BY_TYPE(d->esize, outer_avx2, t, d->kc, in, out, rin, rout, r0, len, p->cin, p->cout,
		        p->nruns, p->n);
	else if (g->avx2)
		BY_TYPE(d->esize, product_avx2, t, d->kc, x, y, g->a_m, g->f_r, r0, len, p->runs,
		        p->nruns);
	else
#endif
	if (p->inner)
		BY_TYPE(d->esize, outer, t, d->kc, in, out, rin, rout, r0, len, p->cin, p->cout,
		        p->nruns, p->n);
	else
		BY_TYPE(d->esize, product, t, d->kc, x, y, g->a_m, g->f_r, r0, len, p->runs, p->nruns);
}

/* Issues the next "p->step" prefetches of "p", for reading, into L2 (and
 * nearer). */
static void prefetch_some(prefetch_runs *p, int64_t esize)
{
	for (int64_t x = 0; x < p->step && p->row < p->nrows; x++) {
		uintptr_t run = (uintptr_t)(p->base + p->rows[p->row] * esize) / 64 * 64;
		__builtin_prefetch((const void *)(run + (uintptr_t)p->line * 64), 0, 2);
		if ((p->line += p->gap) >= p->lines) {
			p->line = 0;
			p->row++;
		}
	}
}

/*
 * Plans "p": the lines of the A block after block "k" (rows k->m0 on, K
 * block from "pc") of range "r" on A at "a": its next MC rows, else the
 * first of the next KC block; spread over k's micro-kernel calls, so that
 * a block that comes from memory (A read in place, or the packing's
 * source) is in L2 when it is reached, not fetched as the kernels or the
 * packing stall on it. Two kinds of block are planned:
 * - rows that run along K with one stride of a line at most, where the
 *   step asks for it (d->ahead: two blocks fit the L2) and the block is
 *   read by more than one column of register blocks (read once, the
 *   hardware's own prefetch streams it, and the plan only crowds the L1).
 *   Measured on ijk,kc->ijc, i = j = k = 192, c = 48, f64 (A, 56 MB, in
 *   place), 1 thread: 19.0 -> 17.3 ms (in-cache rate 14.3); Tucker
 *   projection 25.5 -> 23.8, the 4-index transform 68.1 -> 63.0.
 * - one run of memory whose rows are not (a transposed view packed a
 *   whole M at a time, passes/lower_gemm.c's GEMM_WHOLE_M_KC: K's stride
 *   is the rows' length, and the hardware prefetcher follows rows, not
 *   runs of them), where the step asks for it (GEMM_AHEAD_FMAS: the
 *   kernel slow enough per line): mttkrp_f64 with its first operand
 *   transposed, 41.0 -> 33.7 ms on znver3 (twin 27.1). Where the
 *   micro-kernel reads such a block in place (f32, passes/lower_gemm.c),
 *   every other line: the hardware fetches each line's pair with it, and
 *   the prefetches, which hold L1's miss buffers until memory answers,
 *   then stall the kernels half as long: mttkrp with its first operand
 *   transposed 15.9-16.0 -> 15.4 ms (twin 12.6-13.2); f64's packing,
 *   which reads every line of the block at once, stalled on the lines not
 *   prefetched (its pack_f64 twice as long).
 * 0 (no plan) after the last block, for a fused A, and for other blocks.
 */
static int next_a_block(const gett_call *g, const gett_range *r, const char *a, int64_t pc,
                        const gett_block *k, prefetch_runs *p)
{
	const einc_rt_gett_desc *d = g->d;
	int64_t m1 = k->m0 + d->mc, p1 = pc;
	if (m1 >= r->mend) {
		m1 = r->mbeg;
		p1 = pc + d->kc;
	}
	if (g->fused == RT_GETT_FUSED_A || p1 >= r->k1)
		return 0;
	int64_t kc = r->k1 - p1 < d->kc ? r->k1 - p1 : d->kc, ks = one_stride(g->a_k + p1, kc);
	int64_t mlen = r->mend - m1 < d->mc ? r->mend - m1 : d->mc, span, nrows, gap = 1;
	if (d->ahead && k->nlen > d->nr && ks && ks * d->esize <= 64) {
		span = ((kc - 1) * ks + 1) * d->esize;
		nrows = mlen;
	} else if (d->ahead && mlen > 1 && kc > 1 && ks == mlen && unit_run(g->a_m + m1, mlen)) {
		span = kc * mlen * d->esize;
		nrows = 1;
		gap = d->kernel_direct ? 2 : 1;
	} else {
		return 0;
	}
	int64_t calls = (k->nlen + d->nr - 1) / d->nr * ((k->mlen + d->mr - 1) / d->mr);
	*p = (prefetch_runs){.base = a + g->a_k[p1] * d->esize, .rows = g->a_m + m1,
	                     .nrows = nrows, .lines = (span + 62) / 64 + 1, .gap = gap};
	p->step = (p->nrows * ((p->lines + gap - 1) / gap) + calls - 1) / calls;
	return 1;
}

/* The MR x NR tile at row "ir" of "k" ("mr" rows of it in A, the others
 * repeating the last), a fused A's products formed by k->pb->kernel, into
 * "c" at "rows", B at "b" ("ldb" apart); "first" stores the sum. */
static void outer_tile(const gett_call *g, const gett_block *k, int64_t ir, int64_t mr,
                       const char *b, int64_t ldb, char *c, const int64_t *rows, int first)
{
	const einc_rt_gett_desc *d = g->d;
	const prod_block *p = k->pb;
	const char *in, *out;
	const int64_t *rin, *rout;
	outer_factors(g, p, k->bt, &in, &out, &rin, &rout);
	const void *inr[RT_GETT_MR_MAX], *outr[RT_GETT_MR_MAX];
	for (int64_t i = 0; i < d->mr; i++) {
		int64_t row = k->m0 + ir + (i < mr ? i : mr - 1);
		inr[i] = in + (rin[row] + p->cin) * d->esize;
		outr[i] = out + rout[row] * d->esize;
	}
	p->kernel(inr, outr, p->cout, p->nruns, p->n, b, ldb, c, rows, first);
}

/* c[cm[i] + cn[j]] (+)= t[i * NR + j] for i < "mlen", j < "nlen" of
 * step "d": a column of tiles computed transposed into its buffer "t"
 * added into C ("first": stored). */
static void add_transposed(const einc_rt_gett_desc *d, char *c, const char *t,
                           const int64_t *cm, const int64_t *cn, int64_t mlen, int64_t nlen,
                           int first)
{
	BY_KIND(d, einc_rt_add_transposed_, (void *)c, (const void *)t, d->nr, cm, cn, mlen, nlen,
	        first);
}

/* The bytes of a thread's buffer of a column of tiles of C computed
 * transposed (step "d"'s c_transposed), MC x NR elements, and its row and
 * column offsets; none where C is not. */
static size_t strip_bytes(const einc_rt_gett_desc *d)
{
	return d->c_transposed ? line((size_t)(d->mc * d->nr * d->esize)) +
	                         line((size_t)(d->mc + d->nr) * sizeof(int64_t))
	                       : 0;
}

/* The MR x NR tile at row "ir" of "k" and columns "cn" ("nr" of them;
 * "in_place": whole and of unit stride in C), B's micro-panel at "b"
 * ("ldb" apart): full tiles into C in place (C from the column's first
 * element, the rows' offsets read from C's table itself, not copied per
 * tile: 1.4% of the 4-index transform's time), others into the edge
 * buffer (its rows "tileoff"), then scattered. A in place gets the tile's
 * row offsets, rows past M repeating the last (their results are
 * dropped). Where "bpack" is set, B's micro-panel "b" is read in place
 * and packed there by the kernel (einc_rt_ukernel_copy). */
__attribute__((always_inline)) static inline void tile(const gett_call *g, const gett_block *k,
                                                       int64_t ir, const char *b, int64_t ldb,
                                                       const int64_t *cn, int64_t nr,
                                                       int in_place, const int64_t *tileoff,
                                                       char *bpack)
{
	const einc_rt_gett_desc *d = g->d;
	int64_t aoff[RT_GETT_MR_MAX];
	char *dst = k->strip ? k->strip : k->c;
	int first = k->strip || k->first;
	int64_t mr = k->mlen - ir < d->mr ? k->mlen - ir : d->mr;
	const int64_t *cm = (k->strip ? k->strip_m : k->cm) + ir;
	int full = in_place && mr == d->mr;
	char *c = full ? dst + cn[0] * d->esize : k->tile;
	const int64_t *rows = full ? cm : tileoff;
	if (k->pb && k->pb->kernel) {
		outer_tile(g, k, ir, mr, b, ldb, c, rows, full ? first : 1);
	} else if (d->kernel_direct) {
		const int64_t *am = k->am + ir;
		if (k->pb) {
			products(g, (char *)k->a, k->bt, k->pb, k->m0 + ir, mr);
			am = k->am;
		}
		if (mr < d->mr) {
			for (int64_t i = 0; i < d->mr; i++)
				aoff[i] = am[i < mr ? i : mr - 1];
			am = aoff;
		}
		d->kernel_direct(k->kc, k->a, am, b, ldb, c, rows, full ? first : 1);
	} else if (bpack) {
		d->kernel_copy(k->kc, k->a + ir * k->kc * d->esize, b, ldb, c, rows, full ? first : 1,
		               bpack);
	} else {
		d->kernel(k->kc, k->a + ir * k->kc * d->esize, b, ldb, c, rows, full ? first : 1);
	}
	if (k->ahead)
		prefetch_some(k->ahead, d->esize);
	if (k->next)
		prefetch_some(k->next, d->esize);
	if (!full)
		add(d, dst, k->tile, cm, cn, mr, nr, d->nr, first);
}

/*
 * Whether block "k" runs its tiles a row of register blocks at a time
 * (each MR rows across all its columns, B's micro-panels read from L2
 * once per row of blocks) rather than a column at a time (B's
 * micro-panel kept in L1 while A's rows pass): where its C is written
 * once (its K block is all of K: a C written for the first time comes
 * from memory, read for ownership and written back), B is packed and
 * its rows are RT_GETT_BY_ROWS_TILES register blocks at most (B's panel
 * read that many times from L2). A column of tiles writes one NR run in
 * each of its MC rows, as many streams as rows and each a line or two
 * long, which the hardware's prefetcher does not follow; a row of blocks
 * writes MR runs NC long, which it streams. Measured on znver5 (1
 * thread, CPU time): a model of the 4-index transform's last step's
 * stores (C 42 MB, 48 rows 864 KiB apart, two lines a row a tile) 4.1 ms
 * by columns, 2.0 by rows; the step (pi,pjkl->ijkl, 48^4 f64) 7.81 ->
 * 7.55 ms, the transform 27.1 -> 26.7. A C that the cache holds from the
 * call before (its step 2 alone, 884 KiB called again and again) loses a
 * little (0.132 -> 0.137 ms), but in the transform that step's C is a
 * tile of a 42 MB intermediate, fresh each time: kept by rows
 * (docs/bench-kernels.md, session 30). A block whose first row of
 * register blocks packs B ("bfrom", einc_rt_gett_copies_b) meets all of
 * these. So does every block of a step laid out rows first ("rows_first":
 * its blocks sized for it, passes/lower_gemm.c's rows_blocks) whose B is
 * packed whole and whose C is not computed transposed.
 */
static int by_rows(const gett_call *g, const gett_block *k)
{
	const einc_rt_gett_desc *d = g->d;
	int whole_b = !k->bsrc && !k->strip; /* B packed whole, C not transposed */
	return k->bfrom || (whole_b && (d->rows_first || (k->first && k->kc == d->k &&
	                                                  k->mlen <= RT_GETT_BY_ROWS_TILES * d->mr)));
}

/* B's micro-panel of columns "jr" on ("nr" of them) of block "k", from
 * B's tensor at the batch element "src": in place where its columns run
 * on in B and its K block has one stride ("*ldb" that stride), else
 * packed into "dst" ("*ldb" NR). */
static const char *micro_panel(const gett_call *g, const gett_block *k, const char *src,
                               int64_t jr, int64_t nr, char *dst, int64_t *ldb)
{
	const einc_rt_gett_desc *d = g->d;
	const int64_t *bn = g->b_n + k->n0 + jr;
	if (k->bks && nr == d->nr && unit_run(bn, nr)) {
		*ldb = k->bks;
		return src + (bn[0] + k->bk[0]) * d->esize;
	}
	pack(d, dst, src, g->b_n, k->bk, k->n0 + jr, nr, k->kc, d->nr);
	*ldb = d->nr;
	return dst;
}

/* Every MR x NR tile of "k" (tile): by rows of register blocks where
 * by_rows, else by columns of tiles (each B micro-panel stays in L1
 * while A's MC rows, packed or in place, stream past it). B in place is
 * read from the tensor where a micro-panel is whole, its columns run with
 * unit stride and its K block with one stride; other panels are packed. */
static void macro_kernel(const gett_call *g, const gett_block *k)
{
	const einc_rt_gett_desc *d = g->d;
	int64_t tileoff[RT_GETT_MR_MAX];
	for (int64_t i = 0; i < d->mr; i++)
		tileoff[i] = i * d->nr;
	if (by_rows(g, k)) {
		for (int64_t ir = 0; ir < k->mlen; ir += d->mr)
			for (int64_t jr = 0; jr < k->nlen; jr += d->nr) {
				int64_t nr = k->nlen - jr < d->nr ? k->nlen - jr : d->nr;
				const char *b = k->b + jr * k->kc * d->esize;
				int64_t ldb = d->nr;
				char *bpack = NULL;
				if (ir == 0 && k->bfrom) {
					/* read in place by the kernel that packs it, or packed */
					char *panel = k->bbuf + jr * k->kc * d->esize;
					b = micro_panel(g, k, k->bfrom, jr, nr, panel, &ldb);
					bpack = b != panel ? panel : NULL;
				}
				tile(g, k, ir, b, ldb, k->cn + jr, nr,
				     nr == d->nr && unit_run(k->cn + jr, nr), tileoff, bpack);
			}
		return;
	}
	for (int64_t jr = 0; jr < k->nlen; jr += d->nr) {
		int64_t nr = k->nlen - jr < d->nr ? k->nlen - jr : d->nr;
		const int64_t *cn = k->strip ? k->strip_n : k->cn + jr;
		int in_place = nr == d->nr && unit_run(cn, nr);
		const char *b = k->b + jr * k->kc * d->esize;
		int64_t ldb = d->nr;
		if (k->bsrc)
			b = micro_panel(g, k, k->bsrc, jr, nr, k->bbuf, &ldb);
		for (int64_t ir = 0; ir < k->mlen; ir += d->mr)
			tile(g, k, ir, b, ldb, cn, nr, in_place, tileoff, NULL);
		if (k->strip)
			add_transposed(d, k->c, k->strip, k->cm, k->cn + jr, k->mlen, nr, k->first);
	}
}

/* The part "x" of "parts" of "n" items: [*lo, *hi), as even as can be. */
static void part(int64_t n, int64_t parts, int64_t x, int64_t *lo, int64_t *hi)
{
	*lo = x * n / parts;
	*hi = (x + 1) * n / parts;
}

/* Every other line of what einc_rt_gett's "next" bytes are read in by
 * (the hardware fetches each line's pair with it): their prefetches,
 * spread over a chain's later steps, hold few of L1's miss buffers at a
 * time (passes/lower.c, chain_next). */
#define NEXT_GAP 2

/*
 * Plans "p": share "x" of "parts" of call "g"'s "next" bytes, spread
 * over the micro-kernel calls of range "r" (each after a call), for the
 * lines to be in the caches when a later call reads them; 0 (no plan)
 * where there are none.
 */
static int next_share(const gett_call *g, const gett_range *r, int64_t x, int64_t parts,
                      prefetch_runs *p)
{
	static const int64_t origin = 0;
	const einc_rt_gett_desc *d = g->d;
	int64_t lo, hi;
	part((g->next_bytes + 63) / 64, parts, x, &lo, &hi);
	if (!g->next || lo >= hi)
		return 0;
	int64_t lanes = unit_lanes(d), nbt = d->batch - r->u / g->nblocks * lanes;
	int64_t calls = ((r->k1 - r->k0 + d->kc - 1) / d->kc) * (nbt < lanes ? nbt : lanes) *
	                ((r->mend - r->mbeg + d->mr - 1) / d->mr) * ((r->nlen + d->nr - 1) / d->nr);
	*p = (prefetch_runs){.base = g->next + lo * 64, .rows = &origin, .nrows = 1,
	                     .lines = hi - lo, .gap = NEXT_GAP};
	p->step = ((hi - lo + NEXT_GAP - 1) / NEXT_GAP + calls - 1) / calls;
	return 1;
}

/* The extent of unit "u"'s NC block and the offset of its first column. */
static int64_t block_width(const gett_call *g, int64_t u, int64_t *jc)
{
	*jc = u % g->nblocks * g->d->nc;
	return g->d->n - *jc < g->d->nc ? g->d->n - *jc : g->d->nc;
}

/* The bytes of a thread's product tile (a fused A's block of "mc" x "kc"
 * "esize"-byte elements) and its runs of the summed index. */
static size_t product_tile_bytes(int64_t mc, int64_t kc, int64_t esize)
{
	return line((size_t)(mc * kc * esize)) + line((size_t)kc * sizeof(prod_run)) +
	       line((size_t)kc * sizeof(int64_t));
}

/* Whether the tasks of step "d" read B in place beside fused operand
 * "fused" (0: none): b_direct, never a fused B. */
static int b_in_place(const einc_rt_gett_desc *d, int64_t fused)
{
	return b_direct(d) && fused != RT_GETT_FUSED_B;
}

/* The bytes of A's block in a thread's buffers of step "d": none where A
 * is read in place ("direct"). */
static size_t a_block_bytes(const einc_rt_gett_desc *d, int direct)
{
	return direct ? 0 : line((size_t)(d->mc * d->kc * d->esize));
}

/* The bytes of B's panel in a thread's buffers of step "d" beside fused
 * operand "fused": KC x NC (for each batch element of a unit,
 * unit_lanes), all of K x NR for a held step (held_range), or one KC x NR
 * micro-panel where B is read in place
 * (macro_kernel packs there, one at a time, the micro-panels that cannot
 * be). */
static size_t b_panel_bytes(const einc_rt_gett_desc *d, int64_t fused)
{
	if (d->held)
		return line((size_t)(d->k * d->nr * d->esize));
	int64_t width = b_in_place(d, fused) ? d->nr : d->nc;
	return (size_t)unit_lanes(d) * line((size_t)(d->kc * width * d->esize));
}

/* The bytes of a held step's block of sums (einc_rt_gett_desc's "held"):
 * MC x NR, MC rounded up to whole register blocks; none for other steps. */
static size_t held_block_bytes(const einc_rt_gett_desc *d)
{
	return d->held ? line((size_t)(round_up(d->mc, d->mr) * d->nr * d->esize)) : 0;
}

/* Where each packing buffer of a thread starts in its block of scratch
 * (bytes from the block's start), and the block's bytes ("end"). */
typedef struct {
	size_t a, b, tile, product, strip, held, end;
} pack_layout;

/* The packing buffers of one thread of step "d" (A in place where
 * "direct" is set, fused operand "fused"), one after the other: A's
 * block, B's panel, an edge tile, a fused operand's product tile, a
 * column of tiles of C computed transposed, and a held step's block of
 * sums. Both the scratch's size and unit_range read it. */
static pack_layout thread_pack_layout(const einc_rt_gett_desc *d, int direct, int64_t fused)
{
	pack_layout p = {.a = 0};
	p.b = p.a + a_block_bytes(d, direct);
	p.tile = p.b + b_panel_bytes(d, fused);
	size_t tile = (size_t)(d->mr * d->nr * d->esize);
	p.product = p.tile + (tile > RT_GETT_TILE_MAX ? line(tile) : RT_GETT_TILE_MAX);
	p.strip = p.product + (fused ? product_tile_bytes(d->mc, d->kc, d->esize) : 0);
	p.held = p.strip + strip_bytes(d);
	p.end = p.held + held_block_bytes(d);
	return p;
}

/* The bytes of step "d"'s shared B panel, "*width" its unit's columns
 * (shared_rounds): none where K is summed in "slices" > 1, B is read in
 * place or a unit holds more than one batch element, whose tasks pack
 * their own panels (einc_rt_gett_plan). */
static size_t shared_panel_bytes(const einc_rt_gett_desc *d, int64_t slices, int64_t *width)
{
	int64_t uround, kspan;
	size_t bytes = shared_rounds(d->batch, d->n, d->k, d->nc, d->kc, d->esize, &uround, &kspan,
	                             width);
	return slices > 1 || b_direct(d) || unit_lanes(d) > 1 ? 0 : bytes;
}

/* The scratch bytes of step "d" as gett_run lays them out (A in place
 * where "direct" is set, fused operand "fused"), short of a fused
 * operand's offset tables. */
static size_t scratch_bytes(const einc_rt_gett_desc *d, int direct, int64_t fused)
{
	int64_t width, slices = einc_rt_gett_kslices(d->batch, d->m, d->n, d->k, d->kc, d->esize);
	return table_bytes(d, fused, slices) +
	       (size_t)(slices - 1) * partial_bytes(d->batch, d->m, d->n, d->esize) +
	       shared_panel_bytes(d, slices, &width) + thread_pack_layout(d, direct, fused).end;
}

size_t einc_rt_gett_scratch(const einc_rt_gett_desc *d, int direct)
{
	return scratch_bytes(d, direct, 0);
}

/* Packs "len" rows from "n0" of B's panel over K from "pc" ("kc" of it)
 * of batch element "bt" into "dst": B's tensor, or the product of a fused
 * B's factors. */
static void pack_b_panel(const gett_call *g, char *dst, int64_t bt, int64_t pc, int64_t kc,
                         int64_t n0, int64_t len)
{
	const einc_rt_gett_desc *d = g->d;
	const char *b = g->b + g->b_b[bt] * d->esize;
	if (g->fused != RT_GETT_FUSED_B) {
		pack_b(d, dst, b, g->b_n, g->b_k + pc, n0, len, kc, d->nr);
		return;
	}
	const char *f = g->f + g->f_b[bt] * d->esize;
	if (d->esize == 4)
		pack_product_f32((float *)dst, (const float *)b, (const float *)f, g->b_n,
		                 g->b_k + pc, g->f_r, g->f_k + pc, n0, len, kc, d->nr);
	else
		pack_product_f64((double *)dst, (const double *)b, (const double *)f, g->b_n,
		                 g->b_k + pc, g->f_r, g->f_k + pc, n0, len, kc, d->nr);
}

/* A fused A's K block from "pc" ("kc" long) into "p": its runs and the
 * outer factor's offsets per run (in the scratch after the product tile
 * at "tile"), whether the runs split it as an outer product, and if so
 * the micro-kernel that forms its products, where there is one. That
 * kernel factors the sums (other bits than the products multiply-added),
 * so it is taken only where all of C's columns fit one register block:
 * then every block of every split among threads takes it. */
static void product_block_runs(const gett_call *g, char *tile, int64_t pc, int64_t kc,
                               prod_block *p)
{
	const einc_rt_gett_desc *d = g->d;
	p->runs = (prod_run *)(tile + line((size_t)(d->mc * d->kc * d->esize)));
	p->cout = (int64_t *)((char *)p->runs + line((size_t)d->kc * sizeof(prod_run)));
	p->nruns = product_runs(g->a_k + pc, g->f_k + pc, kc, p->runs);
	product_outer(p, (g->avx2 ? PRODUCT_AVX2_BYTES : PRODUCT_BYTES) / d->esize);
	int fits = d->n <= d->nr;
	p->kernel = p->inner && fits ? einc_rt_outer_kernel_for(d->esize, d->mr, d->nr, p->n) : NULL;
}

/* A fused A's block "k" (rows k->m0 on) of batch element "bt" over K
 * block "p": the product tile at "tile", which the direct micro-kernel
 * reads (k->a, k->am) or which is packed into "ap". Beside one column of
 * register blocks (each product used once) the direct micro-kernel's rows
 * are formed just before it reads them (k->pb, macro_kernel), so that
 * they stay in L1: the outer product, written a whole MC x KC tile
 * at a time, went to L2 and back. */
static void product_block(const gett_call *g, gett_block *k, int64_t bt, const prod_block *p,
                          char *tile, char *ap)
{
	const einc_rt_gett_desc *d = g->d;
	k->a = tile;
	k->am = g->t_rows;
	k->pb = NULL;
	if (d->kernel_direct && k->nlen <= d->nr) {
		k->pb = p;
		k->bt = bt;
		return;
	}
	products(g, tile, bt, p, k->m0, k->mlen);
	if (!d->kernel_direct) {
		pack(d, ap, tile, g->t_rows, g->t_rows + d->mc, 0, k->mlen, k->kc, d->mr);
		k->a = ap;
	}
}

/* The panel columns (einc_rt_crossed_columns) of B's NC block of "nlen"
 * columns from "jc" where the block is whole crossed groups, else 0: its
 * chunks are then runs of panel columns, each packed by the transposes
 * for every group's copy at once (a run of panels would load each line
 * for one of its elements). */
static int64_t crossed_block(const gett_call *g, int64_t jc, int64_t nlen)
{
	const einc_rt_gett_desc *d = g->d;
	if (g->fused == RT_GETT_FUSED_B || d->kind == EINC_RT_COMPLEX)
		return 0;
	int64_t rows, columns = einc_rt_crossed_columns(g->b_n + jc, nlen, d->esize, d->nr, &rows);
	return rows == nlen ? columns : 0;
}

/* Panel columns "lo" to "hi" - 1 of the "columns" of B's crossed NC block
 * from "jc" (crossed_block) over K from "pc" ("kc" of it) of batch
 * element "bt", into the block's panel at "dst". */
static void pack_crossed(const gett_call *g, char *dst, int64_t bt, int64_t pc, int64_t kc,
                         int64_t jc, int64_t columns, int64_t lo, int64_t hi)
{
	const einc_rt_gett_desc *d = g->d;
	const char *b = g->b + g->b_b[bt] * d->esize;
	if (d->esize == 4)
		einc_rt_pack_crossed_f32((float *)dst, (const float *)b, g->b_n + jc, columns,
		                         g->b_k + pc, kc, d->nr, lo, hi);
	else
		einc_rt_pack_crossed_f64((double *)dst, (const double *)b, g->b_n + jc, columns,
		                         g->b_k + pc, kc, d->nr, lo, hi);
}

/* Chunk "x" of "chunks" of the KC block from "pc" of the round's unit
 * "ul" (an even share of its register blocks of columns), packed into the
 * shared panel. */
static void pack_chunk(const gett_call *g, int64_t ul, int64_t pc, int64_t x, int64_t chunks)
{
	const einc_rt_gett_desc *d = g->d;
	int64_t u = g->u0 + ul, jc, lo, hi, nlen = block_width(g, u, &jc);
	int64_t kc = g->k1 - pc < d->kc ? g->k1 - pc : d->kc;
	char *dst = g->panel + (ul * g->s.kspan * g->width + (pc - g->k0) * g->width) * d->esize;
	int64_t crossed = crossed_block(g, jc, nlen);
	part(crossed ? crossed : (nlen + d->nr - 1) / d->nr, chunks, x, &lo, &hi);
	if (lo >= hi)
		return;
	if (crossed) {
		pack_crossed(g, dst, u / g->nblocks, pc, kc, jc, crossed, lo, hi);
		return;
	}
	int64_t len = hi * d->nr < nlen ? hi * d->nr - lo * d->nr : nlen - lo * d->nr;
	pack_b_panel(g, dst + lo * d->nr * kc * d->esize, u / g->nblocks, pc, kc, jc + lo * d->nr,
	             len);
}

/* Makes the shared panel hold the KC block from "pc" of the round's unit
 * "ul": the tasks that reach it first claim its chunks
 * (RT_GETT_PACK_CHUNKS) one at a time and pack them, then wait for the
 * chunks others claimed. A task claims a chunk only while it runs and
 * packs it at once, so the wait ends whatever thread runs which task. */
static void shared_block(const gett_call *g, int64_t ul, int64_t pc)
{
	const einc_rt_gett_desc *d = g->d;
	int64_t kblocks = (g->s.kspan + d->kc - 1) / d->kc, jc, x;
	panel_block *b = &g->blocks[ul * kblocks + (pc - g->k0) / d->kc];
	int64_t panels = (block_width(g, g->u0 + ul, &jc) + d->nr - 1) / d->nr;
	int64_t chunks = panels < RT_GETT_PACK_CHUNKS ? panels : RT_GETT_PACK_CHUNKS;
	while ((x = atomic_fetch_add_explicit(&b->next, 1, memory_order_relaxed)) < chunks) {
		pack_chunk(g, ul, pc, x, chunks);
		atomic_fetch_add_explicit(&b->done, 1, memory_order_release);
	}
	for (unsigned i = 1; atomic_load_explicit(&b->done, memory_order_acquire) < chunks; i++) {
		einc_rt_spin_pause();
		if (i % 1024 == 0)
			sched_yield(); /* the packer may wait for a CPU */
	}
}

/* B's panels of batch elements "bt0" to "bt0 + nbt - 1" over K from "pc"
 * ("kc" of it), "nlen" columns from "n0", element t's at "dst" + t x
 * "copy" bytes: a unit's whole panels across its L batch elements at
 * once, by AVX-512 transposes, where their offsets run on with unit
 * stride (unit_lanes, runtime/pack_crossed.c: each line of the view then
 * holds one element of each of the L panels), the rest element by
 * element. */
static void pack_b_panels(const gett_call *g, char *dst, size_t copy, int64_t bt0, int64_t nbt,
                          int64_t pc, int64_t kc, int64_t n0, int64_t nlen)
{
	const einc_rt_gett_desc *d = g->d;
	int64_t whole = 0;
	if (nbt > 1 && nbt == einc_rt_batch_crossed_lanes(d->esize) && d->nr % nbt == 0 &&
	    g->fused != RT_GETT_FUSED_B && unit_run(g->b_b + bt0, nbt)) {
		const char *b = g->b + g->b_b[bt0] * d->esize;
		int64_t elems = (int64_t)copy / d->esize;
		whole = nlen / d->nr;
		if (d->esize == 4)
			einc_rt_pack_batch_crossed_f32((float *)dst, (const float *)b, g->b_n + n0,
			                               g->b_k + pc, kc, d->nr, whole, elems);
		else
			einc_rt_pack_batch_crossed_f64((double *)dst, (const double *)b, g->b_n + n0,
			                               g->b_k + pc, kc, d->nr, whole, elems);
	}
	int64_t done = whole * d->nr;
	for (int64_t t = 0; t < nbt && done < nlen; t++)
		pack_b_panel(g, dst + (size_t)t * copy + done * kc * d->esize, bt0 + t, pc, kc,
		             n0 + done, nlen - done);
}

#ifdef EINC_RT_X86
/* Copies "lines" whole cache lines from "src" to "dst" (both on lines)
 * by non-temporal stores, a line at a time. */
__attribute__((target("avx512f"))) static void stream_lines_avx512(char *dst, const char *src,
                                                                  size_t lines)
{
	for (size_t x = 0; x < lines; x++)
		_mm512_stream_si512((void *)(dst + 64 * x), _mm512_load_si512(src + 64 * x));
}

/* stream_lines_avx512 where the CPU has AVX-512, else 16 bytes at a time. */
static void stream_line_run(char *dst, const char *src, size_t lines)
{
	if (einc_rt_cpu_has_avx512f()) {
		stream_lines_avx512(dst, src, lines);
		return;
	}
	__m128i *o = (__m128i *)(void *)dst;
	const __m128i *t = (const __m128i *)(const void *)src;
	for (size_t x = 0; x < 4 * lines; x++)
		_mm_stream_si128(o + x, _mm_load_si128(t + x));
}
#endif

/* Whether the "rows" rows of "cols" elements of step "d" at "c" plus
 * offsets off_m[i] + off_n[j] each run with unit stride over whole cache
 * lines (stream_rows streams them): numpy's rows, 16 bytes past a line,
 * do not. */
static int whole_line_rows(const einc_rt_gett_desc *d, const char *c, const int64_t *off_m,
                           const int64_t *off_n, int64_t rows, int64_t cols)
{
	int whole = (cols * d->esize) % 64 == 0 && unit_run(off_n, cols);
	for (int64_t i = 0; i < rows && whole; i++)
		whole = (uintptr_t)(c + (off_m[i] + off_n[0]) * d->esize) % 64 == 0;
	return whole;
}

/*
 * Copies "rows" rows of "cols" elements of step "d" from "src" (rows
 * "pitch" elements apart) to "c" at offsets off_m[i] + off_n[j], by
 * non-temporal stores where "whole" (whole_line_rows, x86): C is not read
 * again, and written through the caches each line would be read first;
 * rows that split lines are copied plainly, as part lines stream slowly.
 */
static void stream_rows(const einc_rt_gett_desc *d, char *c, const char *src,
                        const int64_t *off_m, const int64_t *off_n, int64_t rows, int64_t cols,
                        int64_t pitch, int whole)
{
#ifdef EINC_RT_X86
	if (whole) {
		for (int64_t i = 0; i < rows; i++)
			stream_line_run(c + (off_m[i] + off_n[0]) * d->esize, src + i * pitch * d->esize,
			                (size_t)(cols * d->esize) / 64);
		return;
	}
#else
	(void)whole;
#endif
	add(d, c, src, off_m, off_n, rows, cols, pitch, 1);
}

/* The length of range "r"'s K block from "pc": "kc", or K's rest in the
 * range's last block. */
static int64_t k_block(const gett_range *r, int64_t kc, int64_t pc)
{
	return r->k1 - pc < kc ? r->k1 - pc : kc;
}

/*
 * Range "r" of a held step (einc_rt_gett_desc's "held"), batch element
 * "bt": B's panels of every KC block packed into "bp" first, one after
 * the other; then per MC block of its rows, per KC block, the block's
 * sums in "sums" (the first K block stores, the others add: each element
 * sums its K blocks in order), one kernel call for all its rows. On the
 * last K block, where C's rows hold whole lines, a register block at a
 * time, each tile streamed to C after its call (stream_rows), from L1;
 * where they split lines (numpy's rows 16 bytes past one) and its NR
 * columns run with unit stride, the kernel stores them in C itself, as
 * it goes, not in a burst of copies after each tile; else each tile is
 * copied.
 */
static void held_range(const gett_call *g, const gett_range *r, int64_t bt, char *bp, char *sums)
{
	const einc_rt_gett_desc *d = g->d;
	char *c = r->c + r->cb[bt] * d->esize;
	const char *a = g->a + g->a_b[bt] * d->esize;
	int whole = whole_line_rows(d, c, r->cm + r->mbeg, r->cn + r->n0, r->mend - r->mbeg, r->nlen);
	int to_c = !whole && r->nlen == d->nr && unit_run(r->cn + r->n0, r->nlen);
	for (int64_t pc = r->k0; pc < r->k1; pc += d->kc)
		pack_b_panels(g, bp + (pc - r->k0) * d->nr * d->esize, 0, bt, 1, pc,
		              k_block(r, d->kc, pc), r->n0, r->nlen);
	for (int64_t m0 = r->mbeg; m0 < r->mend; m0 += d->mc) {
		int64_t mlen = r->mend - m0 < d->mc ? r->mend - m0 : d->mc;
		for (int64_t pc = r->k0; pc < r->k1; pc += d->kc) {
			int64_t kc = k_block(r, d->kc, pc);
			const char *b = bp + (pc - r->k0) * d->nr * d->esize;
			const char *ak = a + g->a_k[pc] * d->esize;
			if (pc + kc < r->k1) {
				d->kernel_held(kc, ak, g->a_m + m0, mlen, b, sums, pc == r->kfirst, NULL, NULL);
				continue;
			}
			if (to_c) {
				d->kernel_held(kc, ak, g->a_m + m0, mlen, b, sums, pc == r->kfirst,
				               c + r->cn[r->n0] * d->esize, r->cm + m0);
				continue;
			}
			for (int64_t ir = 0; ir < mlen; ir += d->mr) {
				int64_t mr = mlen - ir < d->mr ? mlen - ir : d->mr;
				char *tile = sums + ir * d->nr * d->esize;
				d->kernel_held(kc, ak, g->a_m + m0 + ir, mr, b, tile, pc == r->kfirst, NULL, NULL);
				stream_rows(d, c, tile, r->cm + m0 + ir, r->cn + r->n0, mr, r->nlen, d->nr,
				            whole);
			}
		}
	}
#ifdef EINC_RT_X86
	_mm_sfence();
#endif
}

/* Range "r": per KC block, B's panels (shared, or packed here for each
 * batch element of the unit), then per batch element A's blocks (packed,
 * in place, or a fused A's products) and the tiles (where C is computed
 * transposed, d->c_transposed, through the thread's strip buffer). Each
 * element of C sums its K blocks in order whatever the unit holds. A held
 * step's range: held_range. */
static void unit_range(const gett_call *g, const gett_range *r, char *scratch)
{
	const einc_rt_gett_desc *d = g->d;
	pack_layout at = thread_pack_layout(d, d->kernel_direct != NULL, g->fused);
	if (d->held) {
		held_range(g, r, r->u / g->nblocks, scratch + at.b, scratch + at.held);
		return;
	}
	int64_t lanes = unit_lanes(d), bt0 = r->u / g->nblocks * lanes;
	int64_t nbt = d->batch - bt0 < lanes ? d->batch - bt0 : lanes;
	size_t panel_bytes = b_panel_bytes(d, g->fused) / (size_t)lanes;
	char *ap = scratch + at.a, *bp = scratch + at.b;
	gett_block k = {.cn = r->cn + r->n0, .n0 = r->n0, .nlen = r->nlen, .bbuf = bp,
	                .tile = scratch + at.tile};
	char *product = scratch + at.product, *strip = scratch + at.strip;
	int64_t *strip_m = (int64_t *)(strip + line((size_t)(d->mc * d->nr * d->esize)));
	int64_t *strip_n = strip_m + d->mc;
	if (d->c_transposed) {
		for (int64_t i = 0; i < d->mc; i++)
			strip_m[i] = i * d->nr;
		for (int64_t j = 0; j < d->nr; j++)
			strip_n[j] = j;
		k.strip = strip;
		k.strip_m = strip_m;
		k.strip_n = strip_n;
	}
	int in_place = !r->panel && b_in_place(d, g->fused);
	int copy = d->kernel_copy && !r->panel;
	prefetch_runs next;
	k.next = next_share(g, r, r->share, r->shares, &next) ? &next : NULL;
	for (int64_t pc = r->k0; pc < r->k1; pc += d->kc) {
		k.kc = k_block(r, d->kc, pc);
		k.first = pc == r->kfirst;
		k.bk = g->b_k + pc;
		/* the kernel packs B where its K block runs with one stride */
		int64_t copy_ks = copy ? one_stride(k.bk, k.kc) : 0;
		if (r->panel)
			shared_block(g, r->u - g->u0, pc);
		else if (!in_place && !copy_ks)
			pack_b_panels(g, bp, panel_bytes, bt0, nbt, pc, k.kc, r->n0, r->nlen);
		prod_block pb = {0};
		if (g->fused == RT_GETT_FUSED_A)
			product_block_runs(g, product, pc, k.kc, &pb);
		for (int64_t bt = bt0; bt < bt0 + nbt; bt++) {
			const char *a = g->a + g->a_b[bt] * d->esize;
			k.c = r->c + r->cb[bt] * d->esize;
			k.bsrc = in_place ? g->b + g->b_b[bt] * d->esize : NULL;
			k.bks = k.bsrc ? one_stride(k.bk, k.kc) : copy_ks;
			const char *bfrom = copy_ks ? g->b + g->b_b[bt] * d->esize : NULL;
			k.a = d->kernel_direct ? a + g->a_k[pc] * d->esize : ap;
			k.b = r->panel ? r->panel + ((pc - r->k0) * g->width + (r->n0 - r->jc) * k.kc) *
			                            d->esize
			               : bp + (size_t)(bt - bt0) * panel_bytes;
			for (k.m0 = r->mbeg; k.m0 < r->mend; k.m0 += d->mc) {
				k.mlen = r->mend - k.m0 < d->mc ? r->mend - k.m0 : d->mc;
				k.am = g->a_m + k.m0;
				k.cm = r->cm + k.m0;
				k.bfrom = k.m0 == r->mbeg ? bfrom : NULL;
				if (g->fused == RT_GETT_FUSED_A)
					product_block(g, &k, bt, &pb, product, ap);
				else if (!d->kernel_direct)
					pack(d, ap, a, g->a_m, g->a_k + pc, k.m0, k.mlen, k.kc, d->mr);
				prefetch_runs ahead;
				k.ahead = next_a_block(g, r, a, pc, &k, &ahead) ? &ahead : NULL;
				macro_kernel(g, &k);
			}
		}
	}
}

/* Rows and columns of part ("mx", "nx") of unit "u" into "r"; 0 when the
 * part is empty. */
static int unit_part(const gett_call *g, int64_t u, int64_t mx, int64_t nx, gett_range *r)
{
	const einc_rt_gett_desc *d = g->d;
	int64_t nlen = block_width(g, u, &r->jc), mlo, mhi, nlo, nhi;
	part((d->m + d->mr - 1) / d->mr, g->s.mparts, mx, &mlo, &mhi);
	part((nlen + d->nr - 1) / d->nr, g->s.nparts, nx, &nlo, &nhi);
	if (mlo >= mhi || nlo >= nhi)
		return 0;
	r->u = u;
	r->mbeg = mlo * d->mr;
	r->mend = mhi * d->mr < d->m ? mhi * d->mr : d->m;
	r->n0 = r->jc + nlo * d->nr;
	r->nlen = (nhi * d->nr < nlen ? nhi * d->nr : nlen) - nlo * d->nr;
	return 1;
}

/* Task "t" of a step whose tasks pack their own B panels: an M part x N
 * part of one slice of K of one unit; slice 0 sums into C, the others
 * into their partial results. */
static void piece_task(void *arg, int64_t t, void *scratch)
{
	const gett_call *g = arg;
	const einc_rt_gett_desc *d = g->d;
	int64_t mx = t % g->s.mparts, nx = t / g->s.mparts % g->s.nparts;
	int64_t piece = t / g->s.mparts / g->s.nparts, slice = piece % g->s.kslices, lo, hi;
	gett_range r = {.c = g->c, .cb = g->c_b, .cm = g->c_m, .cn = g->c_n, .share = t,
	                .shares = g->s.tasks};
	if (!unit_part(g, piece / g->s.kslices, mx, nx, &r))
		return;
	part((d->k + d->kc - 1) / d->kc, g->s.kslices, slice, &lo, &hi);
	r.k0 = r.kfirst = lo * d->kc;
	r.k1 = hi * d->kc < d->k ? hi * d->kc : d->k;
	if (slice > 0) {
		r.c = g->partials + (size_t)(slice - 1) * g->partial_bytes;
		r.cb = g->p_b;
		r.cm = g->p_m;
		r.cn = g->p_n;
	}
	unit_range(g, &r, scratch);
}

/* Task "t" of a round's compute: an M part x N part of one unit, with the
 * shared panel. */
static void part_task(void *arg, int64_t t, void *scratch)
{
	const gett_call *g = arg;
	int64_t mx = t % g->s.mparts, nx = t / g->s.mparts % g->s.nparts;
	int64_t ul = t / g->s.mparts / g->s.nparts, u = g->u0 + ul;
	int64_t kspans = (g->d->k + g->s.kspan - 1) / g->s.kspan;
	int64_t round = g->u0 / g->s.uround * kspans + g->k0 / g->s.kspan;
	int64_t rounds = (g->s.units + g->s.uround - 1) / g->s.uround * kspans;
	gett_range r = {.c = g->c, .cb = g->c_b, .cm = g->c_m, .cn = g->c_n,
	                .k0 = g->k0, .k1 = g->k1, .kfirst = 0, .share = round * g->s.tasks + t,
	                .shares = rounds * g->s.tasks};
	if (u >= g->s.units || !unit_part(g, u, mx, nx, &r))
		return;
	r.panel = g->panel + ul * g->s.kspan * g->width * g->d->esize;
	unit_range(g, &r, scratch);
}

/* Task "t" of the sum of the slices: RT_GETT_SUM_ROWS rows of M of one
 * batch element of C, plus slice 1's partial result, plus slice 2's, ...
 * in that order. */
static void sum_task(void *arg, int64_t t, void *scratch)
{
	const gett_call *g = arg;
	const einc_rt_gett_desc *d = g->d;
	(void)scratch;
	int64_t chunks = (d->m + RT_GETT_SUM_ROWS - 1) / RT_GETT_SUM_ROWS, bt = t / chunks;
	int64_t i0 = t % chunks * RT_GETT_SUM_ROWS;
	int64_t rows = d->m - i0 < RT_GETT_SUM_ROWS ? d->m - i0 : RT_GETT_SUM_ROWS;
	char *c = g->c + g->c_b[bt] * d->esize;
	for (int64_t x = 1; x < g->s.kslices; x++) {
		const char *p = g->partials + (size_t)(x - 1) * g->partial_bytes +
		                (g->p_b[bt] + g->p_m[i0]) * d->esize;
		add(d, c, p, g->c_m + i0, g->c_n, rows, d->n, d->n, 0);
	}
}

/* Steps whose N holds at least TURN_MIN_TILES register blocks are turned
 * (line_turn): the one tile that then goes through the edge buffer costs
 * less than the split stores it saves. */
#define TURN_MIN_TILES 32

/*
 * The columns "h" by which to turn N so that C's full tiles store whole
 * cache lines: C's rows begin "h" elements before a line's end (numpy's
 * large arrays lie 16 bytes past a line, and every MR x NR tile's rows then
 * straddled two lines, each line written part by one column of tiles and
 * part by the next, an MC block of rows later). Turned, column v stands for
 * column (v + h) mod N: the tiles start on lines, and the one tile that
 * wraps around to N's first "h" columns is scattered from the edge buffer.
 * Each element's sum is computed as before, so the result is the same
 * bytes. 0 where it is no use or does not apply: C's N not of unit stride,
 * rows that do not all lie at one offset from a line, complex steps (N
 * pairs a number's parts), K summed in slices (the partial results' sum
 * reads N in order), N short (TURN_MIN_TILES), or rows that start on one.
 */
static int64_t line_turn(const gett_call *g)
{
	const einc_rt_gett_desc *d = g->d;
	if (d->kind == EINC_RT_COMPLEX || g->s.kslices > 1 || d->n < TURN_MIN_TILES * d->nr ||
	    !unit_run(g->c_n, d->n))
		return 0;
	int64_t off = (int64_t)(((uintptr_t)g->c + (uintptr_t)((g->c_b[0] + g->c_m[0] + g->c_n[0]) *
	                                                        d->esize)) % 64);
	if (off == 0 || off % d->esize)
		return 0;
	for (int64_t x = 1; x < d->batch; x++)
		if ((g->c_b[x] - g->c_b[0]) * d->esize % 64)
			return 0;
	for (int64_t i = 1; i < d->m; i++)
		if ((g->c_m[i] - g->c_m[0]) * d->esize % 64)
			return 0;
	return (64 - off) / d->esize;
}

/* Reverses "t[0 .. n-1]". */
static void reverse(int64_t *t, int64_t n)
{
	for (int64_t i = 0, j = n - 1; i < j; i++, j--) {
		int64_t x = t[i];
		t[i] = t[j];
		t[j] = x;
	}
}

/* Turns table "t" of "n" entries by "h": t[v] becomes t[(v + h) mod n]. */
static void turn(int64_t *t, int64_t n, int64_t h)
{
	reverse(t, h);
	reverse(t + h, n - h);
	reverse(t, n);
}

/* Points call "g"'s offset tables at "t", laid out as "l" (table_offsets'
 * for g's step and fused operand). */
static void point_tables(gett_call *g, const table_layout *l, const int64_t *t)
{
	const int64_t **out[12] = {&g->a_b, &g->a_m, &g->a_k, &g->b_b, &g->b_k, &g->b_n,
	                           &g->c_b, &g->c_m, &g->c_n, &g->f_b, &g->f_r, &g->f_k};
	for (int x = 0; x < table_count(g->fused); x++)
		*out[x] = t + l->off[x];
}

/* Runs call "g" (its step, tensors and fused operand set) on "scratch"
 * (einc_rt_gett_scratch bytes, or einc_rt_gett_fused_scratch's for a fused
 * operand whose second factor has strides "fstrides"). The offset tables
 * are the compiler's (d->tables) unless N is turned (line_turn), which
 * turns a copy in the scratch. */
static void gett_run(gett_call *gp, const int64_t *fstrides, void *scratch)
{
	gett_call g = *gp;
	const einc_rt_gett_desc *d = g.d;
	g.nblocks = (d->n + d->nc - 1) / d->nc;
	einc_rt_gett_plan(d, (int)d->threads, &g.s);
	table_layout tl;
	int64_t *own = scratch, *t = own + table_offsets(d, g.fused, fstrides, &tl);
	if (!d->tables)
		fill_tables(&tl, g.fused, own);
	point_tables(&g, &tl, d->tables ? d->tables : own);
	/* a partial result's tables: batch element x M x N, row-major */
	int64_t dense[3][2] = {{d->batch, d->m * d->n}, {d->m, d->n}, {d->n, 1}};
	const int64_t **pout[3] = {&g.p_b, &g.p_m, &g.p_n};
	for (int x = 0; x < 3 && g.s.kslices > 1; x++) {
		*pout[x] = t;
		t = offset_table(t, &dense[x][0], &dense[x][1], 1);
	}
	g.partials = (char *)scratch + table_bytes(d, g.fused, g.s.kslices);
	g.partial_bytes = partial_bytes(d->batch, d->m, d->n, d->esize);
	g.panel = g.partials + (size_t)(g.s.kslices - 1) * g.partial_bytes;
	char *pack0 = g.panel + shared_panel_bytes(d, g.s.kslices, &g.width);
	size_t pack_bytes = thread_pack_layout(d, d->kernel_direct != NULL, g.fused).end;
	if (g.fused) {
#ifdef EINC_RT_X86
		g.avx2 = einc_rt_cpu_has_avx2();
#endif
		/* a product tile's rows and columns, after this thread's buffers */
		int64_t *rows = (int64_t *)(pack0 + pack_bytes);
		for (int64_t i = 0; i < d->mc; i++)
			rows[i] = i * d->kc;
		for (int64_t p = 0; p < d->kc; p++)
			rows[d->mc + p] = p;
		g.t_rows = rows;
	}
	int64_t h = line_turn(&g);
	if (h) {
		if (d->tables) {
			fill_tables(&tl, g.fused, own);
			point_tables(&g, &tl, own);
		}
		/* the N tables (B's, C's, a fused B's second factor's) in "own",
		 * each stored once */
		for (int x = 0; x < table_count(g.fused); x++)
			if (tl.fresh[x] && table_group(x, g.fused) == 2)
				turn(own + tl.off[x], d->n, h);
	}
	if (!g.s.shared) {
		einc_rt_parallel_for_at(d, (int)d->threads, g.s.tasks, piece_task, &g, pack0,
		                        pack_bytes);
		if (g.s.kslices > 1)
			einc_rt_parallel_for_at(d, (int)d->threads,
			                        d->batch * ((d->m + RT_GETT_SUM_ROWS - 1) / RT_GETT_SUM_ROWS),
			                        sum_task, &g, pack0, 0);
		return;
	}
	panel_block blocks[RT_GETT_ROUND_BLOCKS];
	int64_t nstates = g.s.uround * ((g.s.kspan + d->kc - 1) / d->kc);
	g.blocks = blocks;
	for (g.u0 = 0; g.u0 < g.s.units; g.u0 += g.s.uround)
		for (g.k0 = 0; g.k0 < d->k; g.k0 += g.s.kspan) {
			g.k1 = d->k - g.k0 < g.s.kspan ? d->k : g.k0 + g.s.kspan;
			for (int64_t x = 0; x < nstates; x++) {
				atomic_store_explicit(&blocks[x].next, 0, memory_order_relaxed);
				atomic_store_explicit(&blocks[x].done, 0, memory_order_relaxed);
			}
			einc_rt_parallel_for_at(d, (int)d->threads, g.s.tasks, part_task, &g, pack0,
			                        pack_bytes);
		}
}

void einc_rt_gett(const einc_rt_gett_desc *d, void *c, const void *a, const void *b, void *scratch)
{
	gett_call g = {.d = d, .c = c, .a = a, .b = b};
	gett_run(&g, NULL, scratch);
}

void einc_rt_gett_next(const einc_rt_gett_desc *d, void *c, const void *a, const void *b,
                       void *scratch, const void *next, int64_t next_bytes)
{
	gett_call g = {.d = d, .c = c, .a = a, .b = b, .next = next, .next_bytes = next_bytes};
	gett_run(&g, NULL, scratch);
}

size_t einc_rt_gett_fused_scratch(const einc_rt_gett_desc *d, int direct, int64_t side)
{
	return scratch_bytes(d, direct, side) + line((size_t)(d->mc + d->kc) * sizeof(int64_t));
}

void einc_rt_gett_fused(const einc_rt_gett_fused_desc *d, void *c, const void *a,
                        const void *b, const void *f, void *scratch)
{
	gett_call g = {.d = &d->gemm, .c = c, .a = a, .b = b, .fused = d->side, .f = f};
	gett_run(&g, d->strides, scratch);
}
