/*
 * gett.c - the GETT/BLIS loops around a generated micro-kernel: per task
 * (batch element, NC block, M chunk): for each KC block pack B's panel, for
 * each MC block pack A's, then the micro-kernel on every MR x NR tile. Full
 * tiles with unit-stride columns in C are updated in place; edge tiles go
 * through a small buffer, so edges cost a copy, not a slower kernel.
 */
#include <string.h>

#include "gett.h"
#include "pool.h"

/* Bytes rounded up to a cache line. */
static size_t line(size_t bytes)
{
	return (bytes + 63) / 64 * 64;
}

size_t rt_gett_scratch(int64_t mc, int64_t nc, int64_t kc, int64_t esize)
{
	return line((size_t)(mc * kc * esize)) + line((size_t)(kc * nc * esize)) +
	       RT_GETT_TILE_MAX;
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
 * src[row[r0 + panel*w + i] + col[p]], zero past "len".
 * add_T: c[off_m[i] + off_n[j]] += tile[i * nr + j] for an edge tile.
 */
#define GETT_TYPED(T, NAME)                                                              \
	static void pack_##NAME(T *dst, const T *src, const int64_t *row, const int64_t *col,   \
	                        int64_t r0, int64_t len, int64_t kc, int64_t w)                 \
	{                                                                                      \
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
			for (int64_t p = 0; p < kc; p++) {                                       \
				const T *s = src + col[p];                                       \
				for (int64_t i = 0; i < n; i++)                                  \
					dst[p * w + i] = s[r[i]];                                \
				for (int64_t i = n; i < w; i++)                                  \
					dst[p * w + i] = 0;                                      \
			}                                                                        \
		}                                                                                \
	}                                                                                      \
	static void add_##NAME(T *c, const T *tile, const int64_t *off_m, const int64_t *off_n, \
	                       int64_t mr, int64_t nr, int64_t width)                          \
	{                                                                                      \
		for (int64_t i = 0; i < mr; i++)                                                 \
			for (int64_t j = 0; j < nr; j++)                                         \
				c[off_m[i] + off_n[j]] += tile[i * width + j];                   \
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
} gett_call;

/* The tiles of the packed blocks: "ap" rows m0 .. m0+mlen-1, "bp" columns
 * n0 .. n0+nlen-1 of C at "c", over "kc". */
static void macro_kernel(const rt_gett_desc *d, char *c, const char *ap, const char *bp,
                         int64_t m0, int64_t mlen, int64_t n0, int64_t nlen, int64_t kc,
                         char *tile)
{
	int64_t rowoff[RT_GETT_MR_MAX], tileoff[RT_GETT_MR_MAX];
	for (int64_t i = 0; i < d->mr; i++)
		tileoff[i] = i * d->nr;
	for (int64_t jr = 0; jr < nlen; jr += d->nr) {
		int64_t nr = nlen - jr < d->nr ? nlen - jr : d->nr;
		const int64_t *cn = d->c_n + n0 + jr;
		int in_place = nr == d->nr && unit_run(cn, nr);
		const char *b = bp + jr * kc * d->esize;
		for (int64_t ir = 0; ir < mlen; ir += d->mr) {
			int64_t mr = mlen - ir < d->mr ? mlen - ir : d->mr;
			const int64_t *cm = d->c_m + m0 + ir;
			const char *a = ap + ir * kc * d->esize;
			if (in_place && mr == d->mr) {
				for (int64_t i = 0; i < mr; i++)
					rowoff[i] = cm[i] + cn[0];
				d->kernel(kc, a, b, c, rowoff);
				continue;
			}
			memset(tile, 0, (size_t)(d->mr * d->nr * d->esize));
			d->kernel(kc, a, b, tile, tileoff);
			if (d->esize == 4)
				add_f32((float *)c, (const float *)tile, cm, cn, mr, nr, d->nr);
			else
				add_f64((double *)c, (const double *)tile, cm, cn, mr, nr, d->nr);
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
	char *c = g->c + d->c_b[bt] * d->esize;
	const char *a = g->a + d->a_b[bt] * d->esize, *b = g->b + d->b_b[bt] * d->esize;
	for (int64_t pc = 0; pc < d->k; pc += d->kc) {
		int64_t kc = d->k - pc < d->kc ? d->k - pc : d->kc;
		pack(d, bp, b, d->b_n, d->b_k + pc, jc, nlen, kc, d->nr);
		for (int64_t ic = mbeg; ic < mend; ic += d->mc) {
			int64_t mlen = mend - ic < d->mc ? mend - ic : d->mc;
			pack(d, ap, a, d->a_m, d->a_k + pc, ic, mlen, kc, d->mr);
			macro_kernel(d, c, ap, bp, ic, mlen, jc, nlen, kc, tile);
		}
	}
}

void rt_gett(const rt_gett_desc *d, void *c, const void *a, const void *b, void *scratch)
{
	gett_call g = {.d = d, .c = c, .a = a, .b = b};
	g.nblocks = (d->n + d->nc - 1) / d->nc;
	g.chunk = (d->m + d->mchunks - 1) / d->mchunks;
	g.chunk = (g.chunk + d->mr - 1) / d->mr * d->mr;
	rt_parallel_for((int)d->threads, d->batch * g.nblocks * d->mchunks, gett_task, &g,
	                scratch, rt_gett_scratch(d->mc, d->nc, d->kc, d->esize));
}
