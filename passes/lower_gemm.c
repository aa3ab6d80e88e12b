/*
 * lower_gemm.c - the GETT form of a GEMM-like step (loop_gemm): which
 * steps are GEMM-like, their index groups, the register block of the
 * micro-kernel, the cache blocks, and whether the micro-kernel reads A in
 * place. Every compile-time GEMM decision lives here; codegen/gemm.c only
 * emits it, and runtime/gett.c splits the step over the threads it finds
 * at run time (and reads B in place beside few rows, einc_rt_gett_b_in_place).
 */
#include "gett.h"
#include "program.h"

/*
 * The register blocks (codegen/microkernel.c emits them): GEMM_MR_WIDE
 * rows by 2 vectors of the target's width, 12 accumulators + 2 B vectors +
 * 1 broadcast; or, for columns that fit one such vector, GEMM_MR_NARROW
 * rows by 1 vector as narrow as holds them (128 bits at least): 8
 * accumulators cover the multiply-adds' latency, and 8 rows of A read in
 * place a power of two apart, all in one L1 set, fit its ways (measured at
 * j = 4, 16: 12 rows 8% slower, 16 rows 60%). An A read across in place
 * takes rows that tile a line where the registers hold them (across_rows).
 */
enum { GEMM_MR_WIDE = 6, GEMM_MR_NARROW = 8, GEMM_MIN_LANES_BYTES = 16 };

/* MC and NC (M's and N's blocks made even, then rounded up): MC a
 * multiple of GEMM_MC_STEP, the least common multiple of both register
 * blocks' rows; NC of GEMM_NC_STEP, which every NR (4 to RT_GETT_NR_MAX,
 * a power of two; a held step's, held_block, the widest) divides; KC of
 * GEMM_KC_STEP. NC stays within GEMM_NC_MAX, which bounds each thread's
 * packing buffer for B (4 MiB f32 at KC 256). The blocks come from the
 * target's caches (cache_blocks); the split into tasks is the runtime's,
 * from the thread count (einc_rt_gett_plan). */
enum {
	GEMM_MC_STEP = 24, GEMM_NC_STEP = RT_GETT_NR_MAX, GEMM_KC_STEP = 16,
	GEMM_NC_MAX = 4096,
};
_Static_assert(GEMM_MC_STEP % GEMM_MR_WIDE == 0 && GEMM_MC_STEP % GEMM_MR_NARROW == 0,
               "MC blocks hold whole register blocks of rows");
_Static_assert(GEMM_NC_MAX % GEMM_NC_STEP == 0, "NC blocks hold whole register blocks of columns");

/* A is read in place when its K stride is 1 (or see
 * GEMM_DIRECT_ACROSS_BYTES) and an NC block has at most this many
 * register blocks of columns, so that each packed A element
 * would be used that many times at most (measured: bmm's 8 and ttm's 2
 * run faster in place, gemm's 32 no faster). */
#define GEMM_DIRECT_TILES 8

/* A whose M runs with unit stride and K with a stride of at most this
 * many bytes (a transposed view) is read in place too, by the same
 * micro-kernel (MR elements of a row of A^T per k) in KC blocks that
 * skinny steps do not lengthen (below), where it pays by GEMM_DIRECT_TILES
 * and GEMM_DIRECT_ACROSS_COLUMNS: packing it
 * reads the tensor a line per k and writes panels, one pass the twin (K
 * of stride 1, in place) does not make. f64 only beside few columns
 * (GEMM_DIRECT_ACROSS_F64_TILES): it ran slower in place on AVX2.
 * Measured (1 thread, CPU time, best of 5-7, against packing and the
 * contiguous twin): ijk,jr,kr->ir 256^3 x 32 with ijk's axes reversed
 * (1 KiB) 26.5 -> 17.0 ms (twin 13.2); ik,kj->ij k = 4096 j = 32 with A
 * transposed, i = 4096 (16 KiB) 27.2 -> 20.2 ms (twin 13.7), i = 16384
 * (64 KiB) 28.0 -> 36.7 ms; f64 i = 2048 (16 KiB) 19.2 -> 25.1 ms. */
#define GEMM_DIRECT_ACROSS_BYTES (16 << 10)

/* ... and where K's stride in bytes times the NC block's columns is at
 * most GEMM_DIRECT_ACROSS_BYTES times this many columns: each register
 * block of columns reads A's block again, and the wider K's stride, the
 * fewer sets of L2 its rows fall in, so fewer of them are still there for
 * the next; packing reads A once. Measured on znver5 (AVX-512, 32
 * columns a register block; 1 thread, CPU time, best of 7-40, against
 * packing): ij,jk->ik with A transposed, i = 4096, j = 256 (16 KiB),
 * k = 32 / 64 / 96 / 128 / 256 (chain3's last step): 0.48 / 1.08-1.12 / 1.57-1.68 /
 * 1.99-2.03 / 3.81 ms in place, 0.60 / 0.88-1.02 / 1.16-1.46 /
 * 0.99-1.60 / 2.93 packed; j = 4096 (A 64 MiB) k = 32 / 64 / 128:
 * 10.3 / 20.0 / 38.2 ms against 12.3 / 18.5 / 29.7; at 1 KiB and 64
 * columns (ijk,lk->ijl with the last two axes of ijk swapped) 14.4 in
 * place against 25.0 packed, at 2 KiB and 32 (mttkrp_f64 with its
 * tensor's axes reversed) 18.3 against 20.6. znver3's 16 KiB and 32
 * columns (above) ran faster in place. */
#define GEMM_DIRECT_ACROSS_COLUMNS 32

/* The bytes of a cache line (every x86 target einc plans for). */
enum { GEMM_LINE_BYTES = 64 };

/* The most elements a line may hold where lower_gemm swaps the operands
 * of a step whose A runs with unit stride along its batch (swap_pays). */
enum { GEMM_SWAP_LANES = 8 };

/* f64 (8-byte elements) is read so only where an NC block has at most
 * this many register blocks of columns: each reads A's block again, MR
 * elements a line, and a line holds half as many f64 as f32 for the
 * same misses. Measured (1 thread, CPU time, alternating): AVX2's 8
 * columns, 4 blocks at N = 32, slower in place (above, and 34.9-36.1
 * packed against 37.4-51.5 ms for mttkrp_f64 with its tensor's axes
 * reversed, on znver3); AVX-512's 16, 2 blocks: mttkrp_f64 so 20.0-21.1
 * -> 17.3-17.8 ms (twin 14.6-16.7, znver5). */
#define GEMM_DIRECT_ACROSS_F64_TILES 2

/* A packed whose M runs with unit stride and K with one stride (a
 * transposed view not read in place: f64, or many columns), M more than
 * one MC block, is packed a whole M at a time where KC can then stay at
 * least GEMM_WHOLE_M_KC (A's block still fills half of L2): where K's
 * stride is M, each KC block of A is then one run of memory, which
 * runtime/gett.c reads into the caches while the block before it is
 * computed. Measured (1 thread, CPU time, best of 7): mttkrp_f64 in0T
 * (MC 96 of 256 rows, KC 512) 41.7 -> 33.7 ms, KC 64 / 96 / 128 33.6 /
 * 33.6 / 33.7 ms, whole M without the prefetch 41.0 ms, twin 27.1. */
enum { GEMM_WHOLE_M_KC = 96 };

/* An A read across in place (GEMM_DIRECT_ACROSS_BYTES) that is larger
 * than the core's share of L3, so that it comes from memory, is read a
 * whole M at a time too, in blocks of 1 / GEMM_ACROSS_L2_PARTS of L2
 * (the block the kernel reads and the next one, read into the caches
 * meanwhile, fit in half of it): each KC block is then one run of memory, where K's stride
 * is M, which runtime/gett.c prefetches a line pair at a time. In place,
 * each micro-kernel call reads a line per k at K's stride, a power of two
 * apart in a transposed view, whose lines the hardware neither keeps in
 * L1 (they share a few sets) nor fetches ahead. Measured (1 thread, CPU
 * time, best of 7, alternating): ijk,jr,kr->ir 256^3 x 32 with ijk's axes
 * reversed (MC 144 -> 264, KC 256 -> 112) 16.0-16.9 -> 15.4-15.8 ms,
 * twin 12.8-13.1; r = 16 9.8-11.3 -> 9.1-9.2 (twin 6.7-7.4); KC 64 / 96 /
 * 128 / 192 / 240 16.3 / 15.5 / 15.7 / 16.4-16.9 / 16.5-17.2 ms. An A in
 * cache ran slower so (j = k = 16, 256 KiB: 1.08 -> 1.19 x its twin). */
enum { GEMM_ACROSS_L2_PARTS = 4 };

/* A's next block (next_a_block: rows that run along K within a line, or
 * one run of memory, M of unit stride and K's stride M: a whole M per
 * block, GEMM_WHOLE_M_KC, GEMM_ACROSS_L2_PARTS) is prefetched in software
 * while one is computed only where the micro-kernel spends at least this
 * many vector multiply-adds on each of its cache lines (register blocks
 * of columns x vectors per row x elements per line). A software prefetch
 * holds one of L1's miss buffers until memory answers; faster than that
 * the prefetches wait for buffers and stall the kernel, and the hardware's
 * stream prefetch, which serves the packing as it reads the run, does
 * better. Measured (1 thread, CPU time, alternating): on znver3 (AVX2; 64
 * per line in both) mttkrp_f64 with its tensor's axes reversed 41.0 ->
 * 33.7 ms with the prefetch, f32 16.0 -> 15.4; on znver5 (AVX-512, 32 per
 * line) the prefetch cost f64 18.7-19.3 -> 21.0-24.7 ms (twin 15.1-15.6),
 * f32 7.4-7.9 -> 8.6-9.3 (twin 7.4-7.5); every 2nd, 4th, 8th or 16th line,
 * or other hints, no better than none. Rows along K: ijk,kc->ijc (Tucker
 * projection's first step, c = 48) on znver3 (96 per line) 19.0 -> 17.3
 * ms with it; on znver5 (48 per line) without it tucker_proj (that step
 * first) 12.67-13.00 -> 11.72-11.86 ms, four_index (its first step
 * alike) 30.22-31.01 -> 29.80-30.14. */
enum { GEMM_AHEAD_FMAS = 64 };

/* A K of at most KC * NUM / DEN runs as one block: its B micro-panel
 * then fills up to two thirds of L1 instead of half, and C is read and
 * written once, not a second time for a short last block. Measured on
 * znver5 (KC 192; 1 thread, CPU time, alternating, kernel_cpu): tc_k256
 * (K = 256) 18.04-18.89 -> 14.54-15.03 ms, f64 30.13 -> 28.66; bmm
 * 0.91-0.97x, chain3 0.96x, tc_ijk_jl 0.96-0.97x, tc_abcd_dbef 0.98x.
 * So does an A read across in place, but one read a whole M at a time
 * (GEMM_ACROSS_L2_PARTS): ijk,lk->ijl 256^3 x 64 with ijk's last two
 * axes swapped (K = 256), 7 rounds alternating, best of 9 each: 13.9-15.9
 * -> 12.3-15.8 ms, 5 of 7 rounds faster (twin 11.8-12.6). */
enum { GEMM_KC_STRETCH_NUM = 4, GEMM_KC_STRETCH_DEN = 3 };

/* Skinny steps (few columns of B) sum longer K blocks, up to GEMM_KC_MAX
 * while B's panel stays within a quarter of L2 (beside A's block,
 * panel_kc): A, read across to be packed, then runs along longer
 * stretches of each row. */
enum { GEMM_KC_MAX = 1024 };

/* The largest flattened group the offset tables may hold (8 bytes each,
 * in the workspace). */
#define GEMM_MAX_TABLE (1 << 22)

/* Steps with fewer multiply-adds per batch element run as plain nests: the
 * packing and the call would cost more than they save. */
#define GEMM_MIN_WORK 2048

/* "x" rounded up to a multiple of "m". */
static int64_t round_up(int64_t x, int64_t m)
{
	return (x + m - 1) / m * m;
}

/* Sorts dims "d[0 .. n-1]" by "strides" descending, ties in dim order. */
static void sort_by_stride(int *d, int n, const int64_t *strides)
{
	for (int x = 1; x < n; x++)
		for (int y = x; y > 0 && strides[d[y]] > strides[d[y - 1]]; y--) {
			int tmp = d[y];
			d[y] = d[y - 1];
			d[y - 1] = tmp;
		}
}

/* The register block of a step with "n" columns for "vector_bits" and
 * "esize"-byte elements: "*mr" rows, "*nr" columns, "*vl" elements per
 * vector (GEMM_MR_WIDE, GEMM_MR_NARROW). */
static void register_block(int vector_bits, int esize, int64_t n, int *mr, int *nr, int *vl)
{
	int lanes = vector_bits / (8 * esize);
	if (n > lanes) {
		*vl = lanes;
		*mr = GEMM_MR_WIDE;
		*nr = 2 * lanes;
		return;
	}
	for (*vl = GEMM_MIN_LANES_BYTES / esize; *vl < n; *vl *= 2)
		;
	*nr = *vl;
	*mr = GEMM_MR_NARROW;
}

/* The vector registers of an x86 target whose registers are
 * "vector_bits" wide: AVX-512's 32, AVX's and SSE's 16. */
static int vector_registers(int vector_bits)
{
	return vector_bits >= 512 ? 32 : 16;
}

/*
 * The rows of the wide register block ("nv" vectors of columns) of an A
 * read across in place, of "esize"-byte elements, for registers
 * "vector_bits" wide: the most rows, a power of two, whose elements tile
 * a cache line and whose accumulators fit the registers beside a B vector
 * per column vector and a broadcast; "mr" (GEMM_MR_WIDE) where those are
 * fewer. Each micro-kernel call reads MR elements of a line per value of
 * k, KC lines K's stride apart that share a few sets of L1 and leave it
 * before the next block of rows reads the rest of them, so a block whose
 * elements cross a line's end (6 f32, 24 bytes: every fourth block; 6
 * f64, 48 bytes: every other) misses twice on those rows. A 512-bit
 * target's 32 registers hold 8 rows (16 accumulators, 2 B vectors, a
 * broadcast): 32 bytes of f32, a whole line of f64; a 256-bit target's
 * 16 hold 6, so it keeps GEMM_MR_WIDE. Measured on znver5 (1 thread, CPU
 * time, best of 15-20, 6 and 8 rows alternating in one process, load
 * 4-5): ijk,jr,kr->ir 256^3 x 32 with ijk's axes reversed 7.63 / 8.08 ->
 * 6.97 / 7.44 ms (twin 6.59-6.64), f64 17.20 / 17.67 -> 16.41 / 16.84
 * (twin 15.60-15.83); ijk,lk->ijl 256^3 x 64 with ijk's last two axes
 * swapped 13.61 / 13.16 -> 13.04 / 12.54 (twin 11.73); 10, 12 and 16
 * rows slower than 8 (16 spill: 32 accumulators).
 */
static int across_rows(int mr, int nv, int vector_bits, int64_t esize)
{
	int most = (vector_registers(vector_bits) - nv - 1) / nv, rows = 1;
	while (2 * rows <= most && 2 * rows * esize <= GEMM_LINE_BYTES)
		rows *= 2;
	return rows > mr ? rows : mr;
}

/* The block of an extent "x" in the fewest blocks of at most "most",
 * as even as blocks that are multiples of "step" allow. */
static int64_t even_block(int64_t x, int64_t most, int64_t step)
{
	int64_t blocks = (x + most - 1) / most;
	return round_up((x + blocks - 1) / blocks, step);
}

/* "x" rounded down to a multiple of "m", within [m, hi]. */
static int64_t round_within(int64_t x, int64_t m, int64_t hi)
{
	x = x / m * m;
	return x < m ? m : x > hi ? hi : x;
}

/*
 * The cache blocks of "esize"-byte elements for "caches" and registers
 * "vector_bits" wide, in elements: BLIS's analytical model (Low et al.,
 * "Analytical modeling is enough for high-performance BLIS", ACM TOMS
 * 2016). The macro-kernel (runtime/gett.c) keeps one KC x NR micro-panel
 * of B in L1 while the MR x KC micro-panels of A stream past it from L2,
 * and one MC x KC block of A in L2 while B's KC x NC panel streams past
 * it from L3. So:
 *   KC: the widest B micro-panel (NR = 2 vectors) fills half of L1; the
 *       other half takes A's micro-panel and C's tile as they pass;
 *   MC: A's block fills half of L2; the other half takes B's micro-panels
 *       on their way to L1;
 *   NC: B's panel fills half of one core's share of L3.
 * AVX2 with 32 KiB L1, 512 KiB L2 and 4 MiB L3 per core (znver3): KC 256,
 * MC 240 / 120 (f32 / f64), NC 2048 / 1024 (4096, the most, for the 16
 * MiB per core of the VM this was measured on); AVX-512 with 48 KiB, 2
 * MiB, 1.9 MiB (sapphirerapids): KC 192, MC 1344 / 672, NC 1280 / 640.
 */
static void cache_blocks(const cg_caches *caches, int vector_bits, int64_t esize,
                         int64_t *mc, int64_t *nc, int64_t *kc)
{
	int64_t nr = 2 * (vector_bits / 8);
	*kc = round_within(caches->l1 / 2 / nr, GEMM_KC_STEP, GEMM_KC_MAX);
	*mc = round_within(caches->l2 / 2 / (*kc * esize), GEMM_MC_STEP, INT64_MAX);
	*nc = round_within(caches->l3 / 2 / (*kc * esize), GEMM_NC_STEP, GEMM_NC_MAX);
}

/* The element stride of A (argument g->a of "st") along the flattened
 * group of the "n" dims of GEMM form "g" from g->dims[first] on (outer
 * first); 0 when it is not one uniform stride. */
static int64_t a_group_stride(const loop_step *st, const loop_gemm *g, int first, int n)
{
	const int64_t *s = st->args[g->a].strides;
	const int *d = g->dims + first;
	for (int x = 0; x + 1 < n; x++)
		if (s[d[x]] != s[d[x + 1]] * st->sizes[d[x + 1]])
			return 0;
	return s[d[n - 1]];
}

/* Sets "*mc" and "*kc" for an A read whole "m" rows of "esize" bytes at
 * a time in blocks of "share" bytes at most (GEMM_WHOLE_M_KC), when M is
 * more than one block of "*mc"; returns whether it did. */
static int whole_m_block(int64_t share, int64_t m, int64_t esize, int64_t *mc, int64_t *kc)
{
	int64_t whole = round_up(m, GEMM_MC_STEP);
	int64_t k = share / (whole * esize) / GEMM_KC_STEP * GEMM_KC_STEP;
	if (m <= *mc || k < GEMM_WHOLE_M_KC)
		return 0;
	*mc = whole;
	*kc = k;
	return 1;
}

/* The longest K block, a multiple of GEMM_KC_STEP within GEMM_KC_MAX,
 * whose B panel of "width" columns of "esize" bytes stays within a
 * quarter of "l2" (beside A's block): the bound of the skinny steps' and
 * the streamed A's longer K blocks. */
static int64_t panel_kc(int64_t l2, int64_t width, int64_t esize)
{
	return round_within(l2 / 4 / (width * esize), GEMM_KC_STEP, GEMM_KC_MAX);
}

/*
 * The K block (at least the L1 model's "kc") of a step that reads A in
 * place with K of unit stride, "k" longer than one block
 * (GEMM_KC_STRETCH_NUM), B's panel "width" columns of "esize" bytes: no
 * packed block of A is kept, its rows stream from where they lie past B's
 * panel, so K runs in the fewest blocks whose panel stays within a quarter
 * of "l2" (as the skinny steps' below) and GEMM_KC_MAX, as even as
 * GEMM_KC_STEP allows. Each row of A then streams in longer runs, and C's
 * tiles are read and written once per block, fewer times. MC stays the
 * L1 model's: from the longer KC it would turn on next_a_block's prefetch
 * where it costs. Measured on znver5: docs/bench-kernels.md, "In-place A:
 * K blocks within L2" (few_cols_16, KC 768 -> 4096) and "Few columns: no
 * prefetches, K within GEMM_KC_MAX" (4096 -> 1024, idle).
 */
static int64_t streamed_kc(int64_t l2, int64_t k, int64_t width, int64_t esize, int64_t kc)
{
	int64_t most = panel_kc(l2, width, esize);
	return even_block(k, most > kc ? most : kc, GEMM_KC_STEP);
}

/* Whether the runtime reads B of GEMM form "g" ("esize"-byte elements) in
 * place beside A packed: einc_rt_gett_b_in_place over the descriptor's
 * layout (lower_gemm_extents), as the runtime asks. */
static int b_direct(const loop_gemm *g, int64_t esize)
{
	int n = g->nb + g->nm + g->nn + g->nk, first = n - g->nk;
	int64_t sizes[n], strides[3 * n];
	lower_gemm_extents(g, sizes, strides);
	return einc_rt_gett_b_in_place(g->m, g->mr, g->nk, sizes + first, strides + n + first, esize);
}

/*
 * The N and K blocks of a step whose B the runtime reads in place
 * (b_direct), "n" columns and "k" of "esize" bytes, A
 * packed. B is neither packed nor kept in L2 or L3: each micro-panel
 * comes from memory once and stays in L1 only while those few register
 * blocks use it in turn. So K runs in the fewest blocks whose micro-panel
 * (2 vectors of "vector_bits" wide) fills L1, as even as GEMM_KC_STEP
 * allows (C's tiles are read and written once per K block), and N in the
 * fewest whose block of C (m x NC) stays within half of L2, GEMM_NC_MAX
 * at most: each of B's KC rows is read in one run per NC block, each run
 * a stream the hardware's prefetcher picks up anew. Measured on znver5:
 * docs/bench-kernels.md, "B in place: N in one block" (few_rows_2..16,
 * NC 2048 -> 4096, KC 192 -> 384).
 */
static void in_place_b_blocks(const cg_caches *caches, int vector_bits, int64_t m, int64_t n,
                              int64_t k, int64_t esize, int64_t *nc, int64_t *kc)
{
	int64_t panel = round_within(caches->l1 / (2 * (vector_bits / 8)), GEMM_KC_STEP, GEMM_KC_MAX);
	int64_t most = round_within(caches->l2 / 2 / (m * esize), GEMM_NC_STEP, GEMM_NC_MAX);
	*kc = even_block(k, panel, GEMM_KC_STEP);
	*nc = even_block(n, most, GEMM_NC_STEP);
}

/*
 * Whether B (the argument not "g->a" of "st") is packed across its
 * panels (runtime/pack_crossed.c), for registers "vector_bits" wide and
 * "esize"-byte elements, and if so N's block in "*nc": B's unit stride
 * lies along an N dim u other than the innermost (the one C runs with and
 * B's panels' columns follow), which a transposed view does (tc_ijk_jl's
 * ijk stored kji: N = (i, k), i of unit stride). Element by element each
 * panel row would read a line per element; across, the L elements of a
 * line (u's next L values) go to L panel groups of D columns (the extent
 * of N's dims inside u) at once, loaded whole and transposed in AVX-512
 * registers. So where registers are 512 bits wide, D holds whole panels,
 * u's extent whole lines and one group (L x D columns) fits GEMM_NC_MAX,
 * NC is made whole groups (the most within "*nc", one at least), so that
 * no block splits one. Measured on znver5 (1 thread, CPU time, best of 7,
 * against the relayout copy it replaces): docs/bench-views.md, run 17.
 */
static int crossed_b(const loop_step *st, const loop_gemm *g, int vector_bits, int64_t esize,
                     int64_t *nc)
{
	const int *n = g->dims + g->nb + g->nm;
	const int64_t *s = st->args[!g->a].strides;
	int64_t lanes = GEMM_LINE_BYTES / esize, d = 1;
	if (vector_bits < 512 || g->nn < 2 || s[n[g->nn - 1]] == 1)
		return 0;
	for (int x = g->nn - 1; x > 0; x--) {
		d *= st->sizes[n[x]];
		if (s[n[x - 1]] != 1)
			continue;
		if (d % g->nr || st->sizes[n[x - 1]] % lanes || lanes * d > GEMM_NC_MAX)
			return 0;
		int64_t group = lanes * d;
		*nc = *nc < group ? group : *nc / group * group;
		return 1;
	}
	return 0;
}

/*
 * The batch elements whose B panels the runtime packs at once
 * (loop_gemm's b_lanes; 0: one at a time), for registers "vector_bits"
 * wide, "esize"-byte elements and the caches "caches": where B's unit
 * stride lies along the innermost batch dim (a view with its axes
 * reversed: bmm's bjk stored kjb), each line holds one element of L batch
 * elements' panels (L a line's elements), and packed one element at a
 * time each panel row would read a line per element (relayout.c copied
 * such a view first: bmm 1.13-1.22x its twin). The runtime packs the
 * panels of L batch elements of an NC block at once instead, L lines
 * loaded whole and transposed in AVX-512 registers into L buffers
 * (runtime/pack_crossed.c). So where registers are 512 bits wide, NR
 * holds whole lines, M more register blocks than B read in place allows
 * (b_direct), the dim at least L long and the L panels
 * (L x KC x NC) within the core's share of L3, whence the kernels read
 * them. Measured on znver5: docs/bench-views.md, run 19.
 */
static int64_t batch_lanes(const loop_step *st, const loop_gemm *g, int vector_bits,
                           int64_t esize, const cg_caches *caches)
{
	int64_t lanes = GEMM_LINE_BYTES / esize, width = g->n < g->nc ? g->n : g->nc;
	if (vector_bits < 512 || !g->nb || g->nr % lanes || b_direct(g, esize))
		return 0;
	int d = g->dims[g->nb - 1];
	return st->args[!g->a].strides[d] == 1 && st->sizes[d] >= lanes &&
	       lanes * g->kc * width * esize <= caches->l3 ? lanes : 0;
}

/*
 * Whether step "st"'s GEMM form "g" holds C's block (loop_gemm's a_held,
 * runtime/gett.c's held_range), A's element stride "ks" along K and "ms"
 * along M (a_group_stride): A (of "a_bytes", larger
 * than the core's share of L3) whose M is one run of unit stride and
 * whose K lies further apart than an A read across in place may
 * (GEMM_DIRECT_ACROSS_BYTES), ttm's ijk stored kji, is packed otherwise,
 * a line per element and K's values in few sets; held, it is read in
 * place a K block at a time over an MC block of rows, each value of k
 * one run of memory that the micro-kernel prefetches along, while C's
 * block waits in the thread's buffer (ttm's C rows lie 64 KiB apart, all
 * in one set of L2). Where so, it sets the blocks: NR twice the wide
 * block's, so that N (more columns than that block has) is one register
 * block wide and each row of A is read once per K block (the wide
 * block's 2 tiles cost 0.02-0.13x more); MR the wide block's, if its
 * accumulators, B's vectors and a broadcast fit the registers; KC the
 * rows of B's block in a quarter of L1, K in the fewest such blocks as
 * even as whole values of k allow (ttm's 256 in 6 of 43, not 5 of 48 and
 * one of 16: the last K block, whose kernel stores C, then has as much
 * work as the others beside its stores; in-process view/twin medians
 * 1.08 -> 1.06, docs/bench-views.md), and MC the rows of C's in a
 * quarter of L2, whole lines of A per value of k, as "*kc" and "*mc";
 * M at least one such block. f32 only (f64 unmeasured). Measured on
 * znver5 (1 thread, CPU time, alternating with main 86b0ca8,
 * bench/python_views.py): ttm in0T 14.69-15.97 -> 13.14-14.11 ms (twin
 * 11.1-13.3); docs/bench-views.md, run 25.
 */
static int held_block(const loop_step *st, loop_gemm *g, int vector_bits, const cg_caches *caches,
                      int64_t esize, int64_t ks, int64_t ms, int64_t a_bytes, int b_packed,
                      int64_t *mc, int64_t *kc)
{
	int nr = 2 * g->nr, nv = nr / g->vl;
	if (b_packed || st->fused_arg >= 0 || g->b_crossed || esize != 4 ||
	    g->mr != GEMM_MR_WIDE || g->n <= g->nr || g->n > nr ||
	    g->mr * nv + nv + 1 > vector_registers(vector_bits) || a_bytes <= caches->l3 ||
	    ks * esize <= GEMM_DIRECT_ACROSS_BYTES || ms != 1)
		return 0;
	int64_t rows = round_within(caches->l2 / 4 / (nr * esize), GEMM_LINE_BYTES / esize, INT64_MAX);
	if (g->m < rows)
		return 0;
	g->nr = nr;
	g->a_stride = ks;
	*mc = rows;
	*kc = even_block(g->k, round_within(caches->l1 / 4 / (nr * esize), GEMM_KC_STEP,
	                                     GEMM_KC_MAX), 1);
	return 1;
}

void lower_gemm_fuse_a(loop_gemm *g)
{
	g->a_stride = lower_gemm_direct_pays(1, g->n, g->nc, g->nr);
}

int lower_gemm_like(const int count[IR_ROLE_RIGHT_SUM + 1])
{
	return count[IR_ROLE_CONTRACTED] && count[IR_ROLE_LEFT] && count[IR_ROLE_RIGHT] &&
	       !count[IR_ROLE_LEFT_SUM] && !count[IR_ROLE_RIGHT_SUM];
}

int lower_gemm_direct_pays(int64_t ks, int64_t n, int64_t nc, int64_t nr)
{
	int64_t width = n < nc ? n : nc;
	return ks == 1 && (width + nr - 1) / nr <= GEMM_DIRECT_TILES;
}

/* lower_gemm's GEMM form of "st", its operands swapped where "swap" is
 * set (A the argument whose kept dims do not include the result's
 * smallest stride). */
static loop_gemm *gemm_form(arena *a, const loop_step *st, int64_t esize, int vector_bits,
                            const cg_caches *caches, int64_t ws_bytes, int b_packed, int swap)
{
	ir_role role[st->ndims + 1];
	int count[IR_ROLE_RIGHT_SUM + 1] = {0};
	int64_t *rs = st->result.strides, *s0 = st->args[0].strides, *s1 = st->args[1].strides;
	int unit = -1;
	for (int d = 0; d < st->ndims; d++) {
		int r = rs[d] != 0, x = s0[d] != 0, y = s1[d] != 0;
		if (st->sizes[d] == 1)
			r = 1, x = y = 0; /* any access: a batch dim of extent 1 */
		role[d] = ir_role_of(r, x, y);
		if (role[d] == IR_ROLE_NONE && r)
			role[d] = IR_ROLE_BATCH; /* the result's alone: a batch dim */
		if (st->sizes[d] == 0 || role[d] == IR_ROLE_NONE)
			return NULL;
		count[role[d]]++;
		if ((role[d] == IR_ROLE_LEFT || role[d] == IR_ROLE_RIGHT) &&
		    (unit < 0 || rs[d] < rs[unit]))
			unit = d;
	}
	if (!lower_gemm_like(count))
		return NULL;
	loop_gemm *g = arena_alloc(a, sizeof(*g));
	if (!g || !(g->dims = arena_array(a, (size_t)st->ndims, sizeof(int))))
		return NULL;
	g->view = st;
	g->a = (role[unit] == IR_ROLE_LEFT) != swap;
	ir_role m_role = g->a ? IR_ROLE_RIGHT : IR_ROLE_LEFT;
	ir_role n_role = g->a ? IR_ROLE_LEFT : IR_ROLE_RIGHT;
	ir_role order[4] = {IR_ROLE_BATCH, m_role, n_role, IR_ROLE_CONTRACTED};
	int *at = g->dims;
	int64_t ext[4];
	for (int x = 0; x < 4; x++) {
		int *first = at;
		ext[x] = 1;
		for (int d = 0; d < st->ndims; d++)
			if (role[d] == order[x]) {
				*at++ = d;
				ext[x] *= st->sizes[d];
			}
		if (ext[x] > GEMM_MAX_TABLE)
			return NULL;
		if (x == 3 && ext[1] * ext[2] * ext[3] < GEMM_MIN_WORK)
			return NULL;
		int k_order = st->fused_arg >= 0 ? !st->fused_arg : ext[1] > ext[2] ? g->a : !g->a;
		const int64_t *key = x == 1 ? st->args[g->a].strides : x == 2 ? rs
		                   : st->args[k_order].strides;
		if (x)
			sort_by_stride(first, (int)(at - first), key);
	}
	g->nb = count[IR_ROLE_BATCH];
	g->nm = count[m_role];
	g->nn = count[n_role];
	g->nk = count[IR_ROLE_CONTRACTED];
	g->batch = ext[0];
	g->m = ext[1];
	g->n = ext[2];
	g->k = ext[3];
	int64_t mc, nc, kc;
	cache_blocks(caches, vector_bits, esize, &mc, &nc, &kc);
	/* as even as whole steps allow: the runtime splits a step's NC blocks
	 * among threads as equal units of work */
	g->mc = even_block(g->m, mc, GEMM_MC_STEP);
	g->nc = even_block(g->n, nc, GEMM_NC_STEP);
	g->scratch = round_up(ws_bytes, 64);
	register_block(vector_bits, (int)esize, g->n, &g->mr, &g->nr, &g->vl);
	g->b_crossed = st->fused_arg < 0 && crossed_b(st, g, vector_bits, esize, &g->nc);
	int64_t ks = a_group_stride(st, g, g->nb + g->nm + g->nn, g->nk);
	int unit_m = st->args[g->a].strides[g->dims[g->nb + g->nm - 1]] == 1;
	int64_t width = g->n < g->nc ? g->n : g->nc, tiles = (width + g->nr - 1) / g->nr;
	int across = unit_m && ks > 1 && ks * esize <= GEMM_DIRECT_ACROSS_BYTES &&
	             ks * esize * width <= GEMM_DIRECT_ACROSS_BYTES * GEMM_DIRECT_ACROSS_COLUMNS &&
	             lower_gemm_direct_pays(1, g->n, g->nc, g->nr) &&
	             (esize == 4 || tiles <= GEMM_DIRECT_ACROSS_F64_TILES);
	g->a_stride = across || lower_gemm_direct_pays(ks, g->n, g->nc, g->nr) ? ks : 0;
	if (across && g->mr == GEMM_MR_WIDE)
		g->mr = across_rows(g->mr, g->nr / g->vl, vector_bits, esize);
	int64_t a_bytes = g->batch * g->m * g->k * esize;
	int64_t held_kc = 0;
	g->a_held = !g->a_stride && held_block(st, g, vector_bits, caches, esize, ks,
	                                       a_group_stride(st, g, g->nb, g->nm), a_bytes,
	                                       b_packed, &g->mc, &held_kc);
	/* B read in place (the runtime's b_direct) beside A packed, no fused
	 * operand */
	int b_in_place = !b_packed && !g->a_stride && st->fused_arg < 0 && !g->b_crossed &&
	                 b_direct(g, esize);
	g->b_in_place = b_in_place;
	if (b_in_place)
		in_place_b_blocks(caches, vector_bits, g->m, g->n, g->k, esize, &g->nc, &kc);
	int whole = !g->a_stride && unit_m && ks > 1 &&
	            whole_m_block(caches->l2 / 2, g->m, esize, &g->mc, &kc);
	int whole_across = across && a_bytes > caches->l3 &&
	                   whole_m_block(caches->l2 / GEMM_ACROSS_L2_PARTS, g->m, esize, &g->mc, &kc);
	/* An A read across in place (not a whole M at a time) whose M holds
	 * more dims than its unit-stride one, K's stride that dim's extent
	 * (ijk,lk->ijl with ijk's last two axes swapped: j of 256, K 1 KiB
	 * apart), is read in M blocks of that dim's extent where it is less than
	 * MC: each block, over all of K, is then one run of memory, as a whole
	 * M's is, not two runs' parts. Measured on znver5 (1 thread, CPU time,
	 * best of 15, alternating in one process, load 9-12): that view at MC
	 * 672 / 256 / 512 / 768 12.91-14.01 / 12.34-12.95 / 13.30 /
	 * 12.92-13.54 ms, twin 11.76-12.11 (K 256 in one block).
	 * The run is that of M's innermost dims whose strides follow on from
	 * the unit-stride one's, and one longer than MC is taken too where a
	 * block over all of K fills half of L2 at most (the next one is swept
	 * in beside it): the 4-index transform's first step at p = q = 64,
	 * r = s = 32 (pqrs,qj->prsj, j = 16, f64: M's (r, s) one run of 1024,
	 * K 1024 apart, MC 336) on znver5, 1 thread, CPU time, best of 20
	 * calls, 7 rounds alternating: 2.41-2.52 -> 2.05-2.09 ms. */
	int inner = g->nm; /* M's dims from "inner" on make the run */
	int64_t run = 1;
	while (inner > 0 && st->args[g->a].strides[g->dims[g->nb + inner - 1]] == run)
		run *= st->sizes[g->dims[g->nb + --inner]];
	int run_mc = across && !whole_across && inner > 0 && ks == run &&
	             (run < g->mc || 2 * run * g->k * esize <= caches->l2) && run % g->mr == 0;
	if (run_mc)
		g->mc = run;
	if (g->a_stride == 1 && GEMM_KC_STRETCH_DEN * g->k > GEMM_KC_STRETCH_NUM * kc)
		kc = streamed_kc(caches->l2, g->k, width, esize, kc);
	else
		while (!b_in_place && !across && !whole && !g->a_held &&
		       2 * kc <= panel_kc(caches->l2, width, esize))
			kc *= 2;
	int one = !whole && !whole_across && !b_in_place && !g->a_held &&
	          GEMM_KC_STRETCH_DEN * g->k <= GEMM_KC_STRETCH_NUM * kc;
	g->kc = g->a_held ? held_kc : g->k < kc || one ? g->k : kc;
	g->b_lanes = st->fused_arg < 0 && !b_packed && !b_in_place && !g->a_held
	           ? batch_lanes(st, g, vector_bits, esize, caches) : 0;
	/* A's next block is fetched into L2 while one is computed
	 * (runtime/gett.c, next_a_block) where the kernel works long enough
	 * on each line (GEMM_AHEAD_FMAS) and either the two fit the L2, A's
	 * rows run along K within a line and A is larger than the core's
	 * share of L3 (a smaller A is found there, left by the step or the
	 * call before, and the hardware's stream prefetch brings it in time:
	 * the prefetches would only cost their instructions; measured on
	 * znver5, docs/bench-kernels.md, "Prefetches and workspace against
	 * 75ec058"), or each block is one run of memory */
	int64_t fmas = tiles * (g->nr / g->vl) * (GEMM_LINE_BYTES / esize);
	int run_blocks = unit_m && ks * esize > GEMM_LINE_BYTES && ks == g->m && g->m <= g->mc;
	g->a_ahead = !g->a_held && fmas >= GEMM_AHEAD_FMAS &&
	             ((ks > 0 && ks * esize <= GEMM_LINE_BYTES &&
	               2 * g->mc * g->kc * ks * esize <= caches->l2 && a_bytes > caches->l3) ||
	              run_blocks);
	/* Where those runs are read across in place and the kernel is too
	 * fast per line for the prefetches between calls, the micro-kernel
	 * sweeps the next run itself, its share (its rows' part of the block)
	 * MR elements a value of k in memory order (codegen/microkernel.c):
	 * one prefetch every few multiply-adds holds few of L1's miss buffers
	 * at a time, and the lines it names follow one another, which the
	 * hardware's own prefetcher then streams as it does the twin's rows;
	 * the kernel's reads, a line per k a power of two apart, it does not.
	 * Measured on znver5 (1 thread, CPU time, best of 30 x 3 calls,
	 * alternating in one process, load 7-8): ijk,jr,kr->ir 256^3 x 32
	 * with ijk's axes reversed 6.73-7.07 -> 6.07-6.38 ms (twin 5.94-6.37),
	 * f64 15.50 -> 12.90 (twin 14.13); docs/bench-views.md, run 20. */
	/* So is an A read in M blocks of one run (run_mc) with K in one
	 * block, larger than the core's share of L3, where the run after a
	 * block is the next one's (the dim outside the unit one "run" times
	 * K apart), on 512-bit registers (AVX2 unmeasured): the kernel sweeps
	 * the next M block instead, its share the same part of it
	 * (a_sweep_next). Measured on znver5 (1 thread, CPU time, 40 rounds
	 * alternating in one process, load 8-10): ijk,lk->ijl 256^3 x 64
	 * with ijk's last two axes swapped, view / twin medians 1.063-1.095
	 * -> 1.001-1.073; bench/python_views.py 1.07-1.29 -> 0.96-1.02
	 * (docs/bench-views.md, run 33). */
	int64_t outer = inner > 0 ? st->args[g->a].strides[g->dims[g->nb + inner - 1]] : 0;
	int next_m = vector_bits >= 512 && run_mc && g->kc == g->k && a_bytes > caches->l3 &&
	             outer == run * g->k;
	g->a_sweep = across && (run_blocks || next_m) && !g->a_ahead;
	g->a_sweep_next = g->a_sweep && !run_blocks ? outer : 0;
	g->esize = esize;
	return g;
}

/*
 * Whether GEMM form "g" of step "st" would pay for its operands swapped
 * (C^T = B^T A^T) for registers "vector_bits" wide: A's unit stride runs
 * along its innermost batch dim (bmm's bij stored jib), B's does not, no
 * operand is fused or packed by another rule, and C's unit stride runs
 * along N. Packed one element at a time, each A row would read a line per
 * element, and L batch elements' A blocks packed at once (L x MC x KC)
 * overflow the L2 that each block must stay in (docs/bench-views.md, run
 * 19: 1.29-1.89x the twin); swapped, A is the B of the step, whose L
 * panels the kernels read from L3 (batch_lanes), and C's unit stride runs
 * along M, so the runtime computes each column of tiles of C row-major
 * into a buffer and adds it transposed (einc_rt_gett_desc's
 * c_transposed). Where a line holds GEMM_SWAP_LANES elements at most:
 * measured on znver5 (docs/bench-views.md, run 23), bmm f64 with bij
 * stored jib 1.09-1.13x its twin copied, 0.98-1.04x swapped; f32 (16 a
 * line) 1.18-1.21x copied, 1.18-1.24x swapped: its adds into C, whose
 * stores wait on C's lines from memory, cost what the copy did; with a
 * micro-kernel that stores C's lines itself (the operands exchanged in
 * its registers, run 28) 1.21-1.23x: the view's packing, 16 of 64 batch
 * elements a line, then costs what the copy does.
 */
static int swap_pays(const loop_step *st, const loop_gemm *g, int vector_bits, int64_t esize,
                     int b_packed)
{
	if (vector_bits < 512 || GEMM_LINE_BYTES / esize > GEMM_SWAP_LANES || b_packed ||
	    st->fused_arg >= 0 || !g->nb || g->b_crossed || g->b_lanes)
		return 0;
	int batch = g->dims[g->nb - 1], n = g->dims[g->nb + g->nm + g->nn - 1];
	return st->args[g->a].strides[batch] == 1 && st->args[!g->a].strides[batch] != 1 &&
	       st->result.strides[n] == 1;
}

void lower_gemm_extents(const loop_gemm *g, int64_t *sizes, int64_t *strides)
{
	const loop_step *v = g->view;
	const loop_access *acc[3] = {&v->args[g->a], &v->args[!g->a], &v->result};
	int n = g->nb + g->nm + g->nn + g->nk;
	for (int x = 0; x < n; x++) {
		sizes[x] = v->sizes[g->dims[x]];
		for (int t = 0; t < 3; t++)
			strides[t * n + x] = acc[t]->strides[g->dims[x]];
	}
}

einc_rt_gett_desc lower_gemm_desc(const loop_gemm *g, int64_t kind, int64_t *sizes,
                                  int64_t *strides)
{
	lower_gemm_extents(g, sizes, strides);
	return (einc_rt_gett_desc){.esize = g->esize, .batch = g->batch, .m = g->m, .n = g->n,
	                           .k = g->k, .mr = g->mr, .nr = g->nr, .mc = g->mc, .nc = g->nc,
	                           .kc = g->kc, .kind = kind,
	                           .ndims = {g->nb, g->nm, g->nn, g->nk}, .sizes = sizes,
	                           .strides = strides, .b_lanes = g->b_lanes,
	                           .c_transposed = g->c_transposed, .held = g->a_held,
	                           .rows_first = g->rows_first};
}

/*
 * B is packed by the micro-kernel (loop_gemm's b_copy: its twin stores
 * each row of B it reads in place into the micro-panel that the other
 * register blocks of rows read; runtime/gett.c's macro_kernel) where the
 * runtime can (einc_rt_gett_copies_b: M of a few register blocks, K in
 * one block) and B's elements fill at most GEMM_COPY_B_L3_SHARES of the
 * core's shares of L3: the pack then costs loads and stores beside the
 * multiply-adds, not a pass of its own. From DRAM the copy loses: the
 * kernel reads B's K rows, far apart, all at once, 48 streams that the
 * pack reads 8 at a time. Measured on znver5 (1 thread, CPU time, best
 * of 5 rounds alternating, load 0.5-1.3), pi,pjkl->ijkl at p = i = k = l
 * = 48 f64 (B 884 KiB per j), packed / copied, ms: j = 2 0.240 / 0.222, 4
 * 0.496 / 0.466, 8 0.995 / 0.930, 16 2.22 / 2.19, 24 3.35 / 3.43, 32
 * 4.52 / 4.45, 48 6.92 / 7.14 (docs/bench-kernels.md, session 33).
 */
enum { GEMM_COPY_B_L3_SHARES = 2 };

/* Whether the micro-kernel of "g" packs B (GEMM_COPY_B_L3_SHARES): a
 * real or integer step's (a complex one's B is packed by its own rule,
 * lower_gemm's "b_packed"). */
static int copy_b_pays(const loop_gemm *g, const cg_caches *caches)
{
	int n = g->nb + g->nm + g->nn + g->nk;
	int64_t sizes[n + 1], strides[3 * n + 1];
	einc_rt_gett_desc rd = lower_gemm_desc(g, EINC_RT_REAL, sizes, strides);
	return einc_rt_gett_copies_b(&rd, g->a_stride != 0) &&
	       g->batch * g->k * g->n * g->esize <= GEMM_COPY_B_L3_SHARES * caches->l3;
}

/*
 * Rows first (loop_gemm's rows_first; runtime/gett.c's by_rows): a step
 * on 512-bit registers whose A runs along K with unit stride and whose K
 * takes more than one block of the L1 model (cache_blocks) reads A in
 * place and runs its tiles a row of register blocks at a time: each
 * GEMM_MR_ROWS rows of A (24 accumulators, 2 B vectors, a broadcast: 27
 * of the 32 registers) are read from the tensor once for all of an NC
 * block's columns, GEMM_DIRECT_TILES register blocks of them, whose B
 * block fills a quarter of L2 (panel_kc); K's blocks are that much
 * longer (512 f64 where the column-first model's are 192), so C is read
 * and written fewer times, and A is never packed. Where A would be
 * packed otherwise (no operand fused, B packed by the runtime, C not
 * transposed, the wide register block). Measured on sapphirerapids
 * (Emerald Rapids, wall, best of 5 alternating, operands in huge pages,
 * time / OpenBLAS's SkylakeX kernels' time, column first -> rows
 * first): 1 thread f32 1024^3 1.019 -> 0.989, 2016^3 1.072 -> 1.013, f64
 * 1.004 -> 0.956, 1.053 -> 1.002; 2 threads f32 1.059 -> 0.972, 1.085 ->
 * 1.013, f64 1.040 -> 0.948, 1.076 -> 0.998 (docs/bench-kernels.md,
 * "Rows first"; 12 rows with A packed instead: 1.27-1.61). A
 * step with K in one block keeps the column-first tiles: it is level
 * with OpenBLAS already (480 x 512 x 192: 0.995-0.998x); so does one of
 * fewer than GEMM_ROWS_MIN_TILES register blocks of rows, each B block
 * packed for as few uses (100 x 3000 x 500 f64 level, 40 x 2000 x 2000
 * f32 1.01x, unsure).
 */
enum { GEMM_MR_ROWS = 12, GEMM_ROWS_MIN_TILES = 8 };
_Static_assert(GEMM_MC_STEP % GEMM_MR_ROWS == 0 && GEMM_MR_ROWS <= RT_GETT_MR_MAX,
               "MC blocks hold whole rows-first register blocks");

/* Whether GEMM form "g" of step "st" on registers "vector_bits" wide
 * runs rows first (above). */
static int rows_pay(const loop_step *st, const loop_gemm *g, int vector_bits)
{
	return vector_registers(vector_bits) >= 32 && g->mr == GEMM_MR_WIDE && g->nr > g->vl &&
	       !g->a_stride && !g->a_held && !g->b_in_place && !g->b_copy && !g->b_crossed &&
	       !g->b_lanes && !g->c_transposed && st->fused_arg < 0 && g->kc < g->k &&
	       g->m >= GEMM_ROWS_MIN_TILES * GEMM_MR_ROWS &&
	       a_group_stride(st, g, g->nb + g->nm + g->nn, g->nk) == 1;
}

/* Sets "g"'s register block, cache blocks and A in place rows first for
 * "caches" (above). */
static void rows_blocks(loop_gemm *g, const cg_caches *caches)
{
	int64_t nc = even_block(g->n, GEMM_DIRECT_TILES * g->nr, GEMM_NC_STEP);
	int64_t kc = panel_kc(caches->l2, nc, g->esize);
	g->rows_first = 1;
	g->mr = GEMM_MR_ROWS;
	g->a_stride = 1;
	g->a_ahead = 0;
	g->nc = nc;
	g->kc = g->k <= kc ? g->k : even_block(g->k, kc, GEMM_KC_STEP);
	g->mc = even_block(g->m, round_within(caches->l2 / (g->kc * g->esize), GEMM_MC_STEP,
	                                      INT64_MAX), GEMM_MC_STEP);
}

/*
 * The blocks of a step whose micro-kernel packs B (b_copy: M of a few
 * register blocks, K in one block). NC: B's packed panel (KC x NC),
 * which every later row of register blocks reads from L2 (its tiles go
 * by rows), fills a quarter of L2 at most (as panel_kc's), as even as
 * GEMM_NC_STEP allows; the L3 model's NC (4096 where a core's share of
 * L3 is large) left it over L2. Measured on sapphirerapids (1 thread,
 * wall, best of 4-7 alternating, NC 4096 -> 1344): the 4-index
 * transform's last step (pi,pjkl->ijkl, 48^4 f64) 10.73 -> 8.57 and
 * 11.31 -> 9.47 ms (672 to 1536 alike), the transform 37.54 -> 35.57,
 * tp_uneq_f32 1.066 -> 0.983; Tucker projection's last step (NC 2304 ->
 * 320) 0.737 -> 0.649. The rows: on a target of 32 vector registers,
 * GEMM_MR_ROWS, as rows first's (24 accumulators), where B is still
 * copied so. Each of B's micro-panels, packed by the first row of
 * blocks, is read by half as many calls, each twice the multiply-adds per
 * B vector loaded and per call's set-up: K is short in such steps (the
 * 4-index transform's 48), where the calls' set-up and C's stores weigh.
 * Measured on sapphirerapids (1 thread, wall, best of 3-5 alternating, 6
 * -> 12 rows): the transform's last step (pi,pjkl->ijkl, 48^4 f64)
 * 13.06 -> 11.32 ms, the same with B in cache (j = 1) 0.177 -> 0.157;
 * Tucker projection's second step (a tile, ijc,jb->ibc 12 x 192 x 48 x
 * 48) 0.158 -> 0.145; the transform 35.49 -> 34.07 and 36.67 -> 35.65,
 * tucker_proj 14.78 -> 14.50 (with the next rows' prefetch). Every wide
 * block on 12 rows instead lost (attn_scores 1.27x, tucker_recon 1.10x).
 */
static void copy_blocks(loop_gemm *g, const cg_caches *caches, int vector_bits)
{
	int64_t most = round_within(caches->l2 / 4 / (g->kc * g->esize), GEMM_NC_STEP, GEMM_NC_MAX);
	g->nc = even_block(g->n, most, GEMM_NC_STEP);
	if (vector_registers(vector_bits) < 32 || g->mr != GEMM_MR_WIDE || g->nr <= g->vl)
		return;
	g->mr = GEMM_MR_ROWS;
	if (!copy_b_pays(g, caches))
		g->mr = GEMM_MR_WIDE;
}

/*
 * Whether the micro-kernel of GEMM form "g" of step "st" prefetches the
 * next register block's rows of A (loop_gemm's a_next,
 * codegen/microkernel.c's next_rows_line): A is read in place along K of
 * unit stride, K in one block, and its rows are one run of memory K
 * apart (M's dims nested over K's), not a fused product. Each call then
 * sweeps the MR x K elements after its own rows, which the next call (the
 * next row of blocks, by columns or by rows alike) reads: A streams from
 * memory as the kernel computes rather than MR short streams at a time
 * that the hardware's prefetcher follows late (Tucker projection's first
 * step, A 56 MB, 2304 rows a tile of K 192; the 4-index transform's first,
 * 884 KiB a tile of K 48). Not where the tiles run rows first: each
 * block's rows are read from L1 by all of an NC block's columns, and the
 * next block's would evict them (ik,kj->ij 2000 x 400 x 2000 f64: 1.21x
 * the time). Measured on sapphirerapids (1 thread, wall, best of 4-5
 * alternating, no prefetch -> prefetch): tucker_proj 19.2 -> 14.8 ms, ttm
 * (f32, 256^3 x 64) 19.0 -> 13.1, the 4-index transform 39.2 -> 35.5, bmm
 * 16.3 -> 15.2, fi_64_f32 75.0 -> 70.2; tr_128 and chain_smallk level
 * (docs/bench-kernels.md, "The next register block's rows").
 */
static int next_rows_pay(const loop_step *st, const loop_gemm *g)
{
	return g->a_stride == 1 && !g->a_held && !g->rows_first && st->fused_arg < 0 &&
	       g->kc == g->k && a_group_stride(st, g, g->nb + g->nm + g->nn, g->nk) == 1 &&
	       a_group_stride(st, g, g->nb, g->nm) == g->k;
}

/*
 * Batch dims are those the result has with both arguments or with
 * neither; A is the argument whose kept dims include the result's
 * smallest stride, so that C's rows run along B's panels, but where
 * swap_pays: then it is B, its batch packed L elements at a time
 * (batch_lanes), and C is computed transposed. A dim of extent 1 is a
 * batch dim whatever its strides. M runs in A's stride order, N in C's,
 * K in the larger operand's; beside a fused product ("st->fused_arg",
 * formed as it is packed, in whatever order K runs) in the other
 * operand's, so that a view of it is read as its twin (bilinear's ioj with
 * its axes reversed: K = (j, i), i of unit stride, as j in the twin).
 */
loop_gemm *lower_gemm(arena *a, const loop_step *st, int64_t esize, int vector_bits,
                      const cg_caches *caches, int64_t ws_bytes, int b_packed)
{
	loop_gemm *g = gemm_form(a, st, esize, vector_bits, caches, ws_bytes, b_packed, 0);
	if (g && swap_pays(st, g, vector_bits, esize, b_packed)) {
		loop_gemm *t = gemm_form(a, st, esize, vector_bits, caches, ws_bytes, b_packed, 1);
		if (t && t->b_lanes) {
			t->c_transposed = 1;
			g = t;
		}
	}
	if (g)
		g->b_copy = !b_packed && st->fused_arg < 0 && !g->b_crossed &&
		            copy_b_pays(g, caches);
	if (g && g->b_copy)
		copy_blocks(g, caches, vector_bits);
	if (g && !b_packed && rows_pay(st, g, vector_bits))
		rows_blocks(g, caches);
	if (g)
		g->a_next = next_rows_pay(st, g);
	return g;
}
