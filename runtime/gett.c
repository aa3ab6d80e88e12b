/*
 * gett.c - the GETT/BLIS loops around a generated micro-kernel: per task
 * (batch element, NC block, M chunk): for each KC block pack B's panel, for
 * each MC block pack A's, then the micro-kernel on every MR x NR tile. Full
 * tiles with unit-stride columns in C are updated in place (stored by the
 * first K block, so C needs no zeroing); edge tiles go through a small
 * buffer, so edges cost a copy, not a slower kernel.
 */
#include "gett.h"
#include "pool.h"

/* Bytes rounded up to a cache line. */
static size_t line(size_t bytes)
{
	return (bytes + 63) / 64 * 64;
}

size_t rt_gett_pack_bytes(int64_t mc, int64_t nc, int64_t kc, int64_t esize)
{
	return line((size_t)(mc * kc * esize)) + line((size_t)(kc * nc * esize)) +
	       RT_GETT_TILE_MAX;
}

size_t rt_gett_scratch(int64_t batch, int64_t m, int64_t n, int64_t k, int64_t mc,
                       int64_t nc, int64_t kc, int64_t esize)
{
	return line((size_t)(3 * batch + 2 * (m + n + k)) * sizeof(int64_t)) +
	       rt_gett_pack_bytes(mc, nc, kc, esize);
}

/* Fills "t" with the offsets sum_y x_y * strides[y] of every point x of the
 * box "sizes[0 .. n-1]" in row-major order; returns the end of "t". */
static int64_t *offset_table(int64_t *t, const int64_t *sizes, const int64_t *strides, int n)
{
	int64_t coord[n + 1], len = 1, off = 0;
	for (int y = 0; y < n; y++) {
		coord[y] = 0;
		len *= sizes[y];
	}
	for (int64_t f = 0; f < len; f++) {
		t[f] = off;
		for (int y = n - 1; y >= 0; y--) {
			off += strides[y];
			if (++coord[y] < sizes[y])
				break;
			off -= coord[y] * strides[y];
			coord[y] = 0;
		}
	}
	return t + len;
}

/* Whether offsets "off[0 .. n-1]" run on with stride 1. */
static int unit_run(const int64_t *off, int64_t n)
{
	for (int64_t j = 1; j < n; j++)
		if (off[j] != off[0] + j)
			return 0;
	return 1;
}

/*
 * pack_T: panels of "w" rows (MR or NR) of the "len" rows of a tensor from
 * row "r0", over "kc" values of the summed index: dst[panel][p][i] =
 * src[row[r0 + panel*w + i] + col[p]], zero past "len". Unit-stride rows
 * are copied row by row of the panel, unit-stride sums along each row; the
 * general case reads through both tables.
 * add_T: c[off_m[i] + off_n[j]] (+)= tile[i * nr + j] for an edge tile,
 * stored when "first" is set.
 */
#define GETT_TYPED(T, NAME)                                                              \
	static void pack_##NAME(T *dst, const T *src, const int64_t *row, const int64_t *col,   \
	                        int64_t r0, int64_t len, int64_t kc, int64_t w)                 \
	{                                                                                      \
		int ksteps = unit_run(col, kc);                                                  \
		for (int64_t q = 0; q < len; q += w, dst += kc * w) {                           \
			int64_t n = len - q < w ? len - q : w;                                   \
			const int64_t *r = row + r0 + q;                                        \
			if (n == w && unit_run(r, w)) {                                         \
				const T *s = src + r[0];                                         \
				for (int64_t p = 0; p < kc; p++)                                 \
					for (int64_t i = 0; i < w; i++)                          \
						dst[p * w + i] = s[col[p] + i];                  \
				continue;                                                        \
			}                                                                        \
			if (ksteps) {                                                            \
				for (int64_t i = 0; i < n; i++) {                                \
					const T *s = src + r[i] + col[0];                        \
					for (int64_t p = 0; p < kc; p++)                         \
						dst[p * w + i] = s[p];                           \
				}                                                                \
			} else {                                                                 \
				for (int64_t p = 0; p < kc; p++) {                               \
					const T *s = src + col[p];                               \
					for (int64_t i = 0; i < n; i++)                          \
						dst[p * w + i] = s[r[i]];                        \
				}                                                                \
			}                                                                        \
			for (int64_t p = 0; p < kc; p++)                                         \
				for (int64_t i = n; i < w; i++)                                  \
					dst[p * w + i] = 0;                                      \
		}                                                                                \
	}                                                                                      \
	static void add_##NAME(T *c, const T *tile, const int64_t *off_m, const int64_t *off_n, \
	                       int64_t mr, int64_t nr, int64_t width, int first)               \
	{                                                                                      \
		for (int64_t i = 0; i < mr; i++)                                                 \
			for (int64_t j = 0; j < nr; j++) {                                       \
				T *p = c + off_m[i] + off_n[j];                                  \
				*p = first ? tile[i * width + j] : *p + tile[i * width + j];     \
			}                                                                        \
	}

GETT_TYPED(float, f32)
GETT_TYPED(double, f64)

/* Packs "len" rows from "r0" of a tensor at "src" into "dst". */
static void pack(const rt_gett_desc *d, void *dst, const void *src, const int64_t *row,
                 const int64_t *col, int64_t r0, int64_t len, int64_t kc, int64_t w)
{
	if (d->esize == 4)
		pack_f32(dst, src, row, col, r0, len, kc, w);
	else
		pack_f64(dst, src, row, col, r0, len, kc, w);
}

/* The operands of one rt_gett call, shared by its tasks. */
typedef struct {
	const rt_gett_desc *d;
	char *c;
	const char *a, *b;
	int64_t nblocks, chunk;
	const int64_t *a_b, *a_m, *a_k, *b_b, *b_k, *b_n, *c_b, *c_m, *c_n; /* offsets */
} gett_call;

/* The tiles of the packed blocks: "ap" rows m0 .. m0+mlen-1, "bp" columns
 * n0 .. n0+nlen-1 of C at "c", over "kc"; the first K block ("first")
 * stores, the others add. */
static void macro_kernel(const gett_call *g, char *c, const char *ap, const char *bp,
                         int64_t m0, int64_t mlen, int64_t n0, int64_t nlen, int64_t kc,
                         int first, char *tile)
{
	const rt_gett_desc *d = g->d;
	int64_t rowoff[RT_GETT_MR_MAX], tileoff[RT_GETT_MR_MAX];
	for (int64_t i = 0; i < d->mr; i++)
		tileoff[i] = i * d->nr;
	for (int64_t jr = 0; jr < nlen; jr += d->nr) {
		int64_t nr = nlen - jr < d->nr ? nlen - jr : d->nr;
		const int64_t *cn = g->c_n + n0 + jr;
		int in_place = nr == d->nr && unit_run(cn, nr);
		const char *b = bp + jr * kc * d->esize;
		for (int64_t ir = 0; ir < mlen; ir += d->mr) {
			int64_t mr = mlen - ir < d->mr ? mlen - ir : d->mr;
			const int64_t *cm = g->c_m + m0 + ir;
			const char *a = ap + ir * kc * d->esize;
			if (in_place && mr == d->mr) {
				for (int64_t i = 0; i < mr; i++)
					rowoff[i] = cm[i] + cn[0];
				d->kernel(kc, a, b, c, rowoff, first);
				continue;
			}
			d->kernel(kc, a, b, tile, tileoff, 1);
			if (d->esize == 4)
				add_f32((float *)c, (const float *)tile, cm, cn, mr, nr, d->nr, first);
			else
				add_f64((double *)c, (const double *)tile, cm, cn, mr, nr, d->nr, first);
		}
	}
}

/* Task "t": batch element, NC block and M chunk of "arg" (a gett_call). */
static void gett_task(void *arg, int64_t t, void *scratch)
{
	const gett_call *g = arg;
	const rt_gett_desc *d = g->d;
	int64_t mchunk = t % d->mchunks, nb = t / d->mchunks % g->nblocks;
	int64_t bt = t / d->mchunks / g->nblocks;
	int64_t mbeg = mchunk * g->chunk, mend = mbeg + g->chunk < d->m ? mbeg + g->chunk : d->m;
	if (mbeg >= mend)
		return;
	int64_t jc = nb * d->nc, nlen = d->n - jc < d->nc ? d->n - jc : d->nc;
	char *ap = scratch;
	char *bp = ap + line((size_t)(d->mc * d->kc * d->esize));
	char *tile = bp + line((size_t)(d->kc * d->nc * d->esize));
	char *c = g->c + g->c_b[bt] * d->esize;
	const char *a = g->a + g->a_b[bt] * d->esize, *b = g->b + g->b_b[bt] * d->esize;
	for (int64_t pc = 0; pc < d->k; pc += d->kc) {
		int64_t kc = d->k - pc < d->kc ? d->k - pc : d->kc;
		pack(d, bp, b, g->b_n, g->b_k + pc, jc, nlen, kc, d->nr);
		for (int64_t ic = mbeg; ic < mend; ic += d->mc) {
			int64_t mlen = mend - ic < d->mc ? mend - ic : d->mc;
			pack(d, ap, a, g->a_m, g->a_k + pc, ic, mlen, kc, d->mr);
			macro_kernel(g, c, ap, bp, ic, mlen, jc, nlen, kc, pc == 0, tile);
		}
	}
}

void rt_gett(const rt_gett_desc *d, void *c, const void *a, const void *b, void *scratch)
{
	gett_call g = {.d = d, .c = c, .a = a, .b = b};
	g.nblocks = (d->n + d->nc - 1) / d->nc;
	g.chunk = (d->m + d->mchunks - 1) / d->mchunks;
	g.chunk = (g.chunk + d->mr - 1) / d->mr * d->mr;
	int ndims = (int)(d->ndims[0] + d->ndims[1] + d->ndims[2] + d->ndims[3]);
	const int64_t *size[4], *sa = d->strides, *sb = sa + ndims, *sc = sb + ndims;
	int64_t first[4];
	size[0] = d->sizes;
	first[0] = 0;
	for (int x = 1; x < 4; x++) {
		size[x] = size[x - 1] + d->ndims[x - 1];
		first[x] = first[x - 1] + d->ndims[x - 1];
	}
	/* per table: the tensor's strides and the group (0 batch, 1 M, 2 N, 3 K) */
	const int64_t *strides[9] = {sa, sa, sa, sb, sb, sb, sc, sc, sc};
	static const int group[9] = {0, 1, 3, 0, 3, 2, 0, 1, 2};
	const int64_t **out[9] = {&g.a_b, &g.a_m, &g.a_k, &g.b_b, &g.b_k, &g.b_n,
	                          &g.c_b, &g.c_m, &g.c_n};
	int64_t *t = scratch;
	for (int x = 0; x < 9; x++) {
		int y = group[x];
		*out[x] = t;
		t = offset_table(t, size[y], strides[x] + first[y], (int)d->ndims[y]);
	}
	char *pack0 = (char *)scratch + line((size_t)(3 * d->batch + 2 * (d->m + d->n + d->k)) *
	                                     sizeof(int64_t));
	rt_parallel_for((int)d->threads, d->batch * g.nblocks * d->mchunks, gett_task, &g,
	                pack0, rt_gett_pack_bytes(d->mc, d->nc, d->kc, d->esize));
}
