/*
 * test_kernels.c - every kernel path against the reference evaluator on
 * sizes that hit the edges: GEMM-like steps (GETT driver + micro-kernel)
 * with extents of 1, primes, non-multiples of the register block and of the
 * cache blocks, every layout of the operands, batch dims, several dims per
 * group, diagonals and workspace intermediates; and the plain nests
 * (reductions, dot, outer products, traces, matrix-vector), also as
 * parallel chunks of a result loop or of a summed loop. f32 and f64, and
 * the complex and integer dtypes on a shorter list, on 1, 2 and 16 threads, each run twice:
 * every run must give the same bits. GEMM-like steps whose A is read in
 * place (the direct micro-kernel) are marked and checked to be so. Also the
 * thread pool alone, the GETT task split (einc_rt_gett_plan) of the benchmark's
 * large steps, and einc_rt_gett calling the kernel its descriptor asks for.
 *
 * Tolerance as einc_program_check states it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "einc.h"
#include "gett.h"
#include "pool.h"
#include "program.h"
#include "refcheck.h"

/* How a case must run: plain nests, a GEMM-like step (DIRECT: one reading
 * A in place in both dtypes; ACROSS: in f32, and in f64 where an NC block
 * has at most 2 register blocks of columns, A's M of unit stride and its
 * K of another, lower_gemm.c's GEMM_DIRECT_ACROSS_BYTES, _COLUMNS and
 * _F64_TILES), or a nest summed by parallel chunks into
 * partial results. */
enum { PLAIN, GEMM, DIRECT, ACROSS, SUMS };

/* One case: a spec, its sizes, and how it must run. */
typedef struct {
	const char *spec, *dims;
	int kind;
} kcase;

static const kcase cases[] = {
	/* plain GEMM: extents 2, primes, around MR/NR and PLAN_CPU's blocks
	 * and the host's; A's K stride 1 and few
	 * columns: A in place */
	{"ik,kj->ij", "i=2,k=64,j=64", DIRECT},
	{"ik,kj->ij", "i=64,k=2,j=64", DIRECT},
	{"ik,kj->ij", "i=64,k=64,j=2", DIRECT},
	{"ik,kj->ij", "i=6,k=96,j=32", DIRECT},
	{"ik,kj->ij", "i=7,k=300,j=33", DIRECT},
	{"ik,kj->ij", "i=13,k=257,j=61", DIRECT},
	{"ik,kj->ij", "i=145,k=31,j=300", GEMM},
	{"ik,kj->ij", "i=37,k=513,j=57", DIRECT},
	{"ik,kj->ij", "i=37,k=250,j=57", DIRECT}, /* one K block of 4/3 KC (znver5) */
	{"ik,kj->ij", "i=11,k=17,j=4099", GEMM},
	/* every layout: transposed operands, C's unit stride on either side */
	{"ki,jk->ij", "i=29,k=41,j=23", ACROSS},
	{"ki,kj->ji", "i=53,k=19,j=17", ACROSS},
	{"ik,jk->ij", "i=31,k=37,j=43", DIRECT},
	{"ik,jk->ji", "i=47,k=23,j=9", DIRECT},
	/* batches, several dims per group, diagonals, free dims of size 1 */
	{"bij,bjk->bik", "b=3,i=17,j=19,k=40", DIRECT},
	{"bij,bjk->ibk", "b=5,i=13,j=33,k=7", DIRECT},
	{"bhqd,bhkd->bhqk", "b=2,h=3,q=29,k=31,d=16", DIRECT},
	{"abcd,dbef->acef", "a=5,b=3,c=7,d=4,e=6,f=9", GEMM},
	{"ijk,jl->ilk", "i=9,j=20,k=11,l=13", ACROSS},
	{"ijk,lk->ijl", "i=6,j=7,k=50,l=9", DIRECT},
	{"iik,kj->ij", "i=30,k=40,j=50", DIRECT},
	{"aik,kjc->aijc", "a=1,i=40,k=33,j=41,c=1", DIRECT},
	/* A in place (K unit stride, at most 8 register blocks of columns in
	 * f64: 64 columns with AVX2's blocks of 8, so every DIRECT case keeps
	 * N at 64 or less): extents 2, primes, around MR/NR and MC, long K in
	 * several blocks, K over two dims, batches, a tree */
	{"ik,kj->ij", "i=6,k=1031,j=16", DIRECT},
	{"ik,kj->ij", "i=149,k=37,j=63", DIRECT},
	{"ik,kj->ij", "i=13,k=4099,j=33", DIRECT},
	{"ijk,lk->ijl", "i=11,j=23,k=19,l=64", DIRECT},
	{"ijk,jkr->ir", "i=17,j=31,k=43,r=5", DIRECT},
	{"bij,bjk->bik", "b=3,i=7,j=129,k=61", DIRECT},
	{"bi,ioj,bj->bo", "b=29,i=12,o=21,j=14", DIRECT},
	{"ik,kj->ij", "i=7,k=140001,j=20", DIRECT},
	{"ik,kj->ij", "i=40,k=4100,j=4", DIRECT}, /* K in 5 blocks of 832, the last 772 */
	/* K in one block, A's rows one run: each call prefetches the next
	 * register block's rows (test_next_rows), past A's end after the
	 * last, partial block */
	{"ijk,kc->ijc", "i=5,j=37,k=70,c=40", DIRECT},
	/* B packed across (its N stride not 1) along K runs that an outer K
	 * dim breaks: runs shorter than a transpose block, and longer */
	{"ioj,bij->bo", "b=19,i=40,o=37,j=3", DIRECT},
	{"ioj,bij->bo", "b=9,i=7,o=37,j=129", DIRECT},
	/* A of K stride not 1 and M of unit stride on the edge sizes, split
	 * steps included: in place in f32, in f64 beside 2 register blocks of
	 * columns at most (AVX-512's j = 23 and 33), packed past 8 (j = 300) */
	{"ki,kj->ij", "i=2,k=64,j=64", ACROSS},
	{"ki,kj->ij", "i=7,k=300,j=33", ACROSS},
	{"ki,kj->ij", "i=13,k=257,j=97", ACROSS},
	{"ki,kj->ij", "i=145,k=31,j=300", GEMM},
	/* K's values 2 KiB apart or more: A's panels copied 8 values at a
	 * time (K of 37), in f32 a whole M at a time (KC 112) */
	{"ki,kj->ij", "i=530,k=37,j=300", GEMM},
	{"ki,kj->ij", "i=37,k=513,j=65", ACROSS},
	{"bji,bjk->bik", "b=3,i=17,j=19,k=40", ACROSS},
	{"ki,kj->ij", "i=13,k=140001,j=20", ACROSS},
	/* C written once beside at most 8 register blocks of rows, B packed:
	 * tiles a row of blocks at a time (gett.c's by_rows), B's K rows far
	 * apart as in the 4-index transform's last step, C over a 1 MiB L2
	 * in f32 and f64; M and N end in partial blocks, N in several NC
	 * blocks */
	{"pi,pjk->ijk", "p=37,i=41,j=50,k=154", GEMM},
	/* M over one MC block: packed in f64 a whole M at a time (KC 112), one
	 * run of memory per block (prefetched ahead on 1 thread where the
	 * kernel is slow enough per line: cpu_cases) */
	{"ki,kj->ij", "i=250,k=300,j=20", ACROSS},
	/* A in place, its rows along K, over half the L2 in f64: its next
	 * block prefetched where the kernel is slow enough per line
	 * (test_rows_ahead); M ends in a partial register block */
	{"ijk,kc->ijc", "i=16,j=25,k=200,c=48", DIRECT},
	/* few columns (one vector, 8 rows a block): A in place and packed,
	 * rows around the block */
	{"ik,kj->ij", "i=17,k=70,j=3", DIRECT},
	{"ki,kj->ij", "i=21,k=70,j=3", ACROSS},
	{"ki,kj->ij", "i=9,k=300,j=8", ACROSS},
	{"bki,bkj->bij", "b=3,i=15,k=40,j=16", ACROSS},
	/* B in place (few rows): edge panels, B's columns or K block not one
	 * run (packed panel by panel), batches, N parts on 16 threads */
	{"ik,kj->ij", "i=5,k=300,j=60", DIRECT},
	{"ki,kj->ij", "i=3,k=70,j=45", ACROSS},
	{"ik,jk->ij", "i=5,k=37,j=43", DIRECT},
	{"ikx,kyxj->iyj", "i=5,k=7,x=6,y=3,j=21", DIRECT},
	{"bik,bkj->bij", "b=3,i=2,k=50,j=61", DIRECT},
	{"ki,kj->ij", "i=6,k=64,j=5000", GEMM},
	/* B in place beside up to 16 register blocks of rows where each of its
	 * columns lies within 32 KiB along K (RT_GETT_B_NEAR_BYTES: the
	 * 4-index transform's second step; 16 blocks, the last partial), edge
	 * panels; K over two dims (A read across in f32) */
	{"rk,qrl->qkl", "q=5,r=40,k=47,l=37", GEMM},
	{"rk,qrl->qkl", "q=3,r=33,k=95,l=37", ACROSS},
	{"rsk,qrsl->qkl", "q=3,r=5,s=7,k=41,l=35", ACROSS},
	/* B in place with its own blocks (lower_gemm.c's in_place_b_blocks):
	 * K in two blocks of 272 (the last 258), N in two of 2112 (the host's
	 * 1 MiB L2) or three of 1408 (haswell's 256 KiB), 17 rows */
	{"ik,kj->ij", "i=17,k=530,j=4100", GEMM},
	/* trees: GEMM steps reading and writing workspace intermediates */
	{"ijk,jr,kr->ir", "i=20,j=15,k=17,r=33", DIRECT},
	{"ij,jk,kl->il", "i=35,j=22,k=61,l=18", DIRECT},
	{"bi,ioj,bj->bo", "b=19,i=12,o=21,j=14", DIRECT},
	/* K in several blocks, A's K of unit stride, 8 register blocks of 12
	 * rows or more: on AVX-512 rows first, A in place 12 rows a block
	 * (lower_gemm.c's rows_blocks; packed on PLAN_CPU): M, N and K end in
	 * partial blocks, N in three NC blocks, a batch */
	{"ik,kj->ij", "i=101,k=1031,j=300", GEMM},
	{"bij,bjk->bik", "b=2,i=110,j=700,k=150", GEMM},
	/* split steps sharing packed B panels: K in two or three rounds, units
	 * in two rounds (on 16 threads) */
	{"ik,kj->ij", "i=13,k=3000,j=2048", GEMM},
	{"bik,bkj->bij", "b=8,i=13,k=2000,j=300", GEMM},
	/* K long beside M and N: summed in slices into partial results, added
	 * to C (also to a C whose columns are strided), split into M and N
	 * parts too on 16 threads */
	{"ik,kj->ij", "i=13,k=140001,j=20", DIRECT},
	{"bik,bkj->bij", "b=3,i=13,k=50000,j=20", DIRECT},
	{"ik,kj->ij", "i=13,k=4099,j=33", DIRECT},
	{"bik,bkj->ijb", "b=3,i=13,k=9000,j=20", DIRECT},
	/* plain nests: memory-bound and degenerate contractions */
	{"ij,ij->", "i=300,j=301", SUMS},
	{"ijk->i", "i=7,j=30,k=129", PLAIN},
	{"i,j->ij", "i=97,j=300", PLAIN},
	{"ii->", "i=301", PLAIN},
	{"ij,j->i", "i=100,j=333", PLAIN},
	{"bi,bi->b", "b=17,i=260", PLAIN},
	{"ij->ji", "i=65,j=33", PLAIN},
	{"ijk->kji", "i=17,j=3,k=250", PLAIN},
	{"ij,ji->ij", "i=513,j=131", PLAIN},
	{"aij->jia", "a=2,i=16,j=2049", PLAIN},
	/* plain nests whose dims merge: a summed pair in the middle, a pair
	 * shared by both operands */
	{"aijb->ab", "a=3,i=7,j=11,b=5", PLAIN},
	{"ijk,jk->i", "i=33,j=17,k=29", PLAIN},
	/* plain nests large enough to run as parallel chunks of their outer loop */
	{"ijk->i", "i=37,j=41,k=53", PLAIN},
	{"i,j->ij", "i=301,j=257", PLAIN},
	{"ij,j->i", "i=300,j=333", PLAIN},
	{"ijk,ik->ij", "i=5,j=149,k=97", PLAIN},
	/* plain nests summing into a result of more than 256 KiB, each slab of
	 * it zeroed as its outer loop reaches it (ir_loop_step_zero_slab): on
	 * one thread and in parallel chunks, slabs of odd sizes */
	{"zij,zjk->zik", "z=4099,i=8,j=4,k=5", PLAIN},
	{"zij,zjk->zik", "z=2053,i=3,j=7,k=11", PLAIN},
	/* tiny batched products whose k loop spans 32 bytes or more (8 and 12
	 * f32): on AVX-512 the loops around it stay scalar (test_inner_vector) */
	{"zij,zjk->zik", "z=4099,i=8,j=8,k=8", PLAIN},
	{"zij,zjk->zik", "z=2053,i=5,j=4,k=12", PLAIN},
	/* plain nests that sum rows of 4096 or more two at a time: an even
	 * count of rows, an odd one (one at a time), pairs in parallel chunks,
	 * pairs inside a batch */
	{"ij->i", "i=6,j=4096", PLAIN},
	{"ij->i", "i=5,j=4099", PLAIN},
	{"ij,ij->i", "i=34,j=4097", PLAIN},
	{"bij,bj->bi", "b=3,i=4,j=5000", PLAIN},
	/* plain nests whose outermost dim is summed, its two halves at once
	 * when it is even and the rows 4096 or more: one row summed into one
	 * element (the shortest such row, an odd one, halves cut into parallel
	 * chunks), rows summed into a row, inside a batch */
	{"i,i->", "i=8192", PLAIN},
	{"ij->", "i=3,j=2731", PLAIN},
	{"i->", "i=200002", SUMS},
	{"k,kj->j", "k=4,j=4096", PLAIN},
	{"k,kj->j", "k=5,j=4100", PLAIN},
	{"kbj->bj", "k=6,b=3,j=4097", PLAIN},
	/* plain nests whose outermost loop is summed: chunks into partial
	 * results added in order (full reduction, GEMV across, column sums) */
	{"ij,ij->", "i=1000,j=301", SUMS},
	{"ij,i->j", "i=300,j=333", SUMS},
	{"ijk->k", "i=50,j=40,k=70", SUMS},
};

/* The cases of the complex and integer dtypes: GEMM-like steps on edge
 * sizes (extents 2, primes, odd M, N and K, around the register and cache
 * blocks, every layout, batches, K in slices, split steps), steps too small
 * for GETT (extents 1), and the plain nests' paths (partial sums,
 * transposes, reductions). The register blocks differ by dtype (a complex
 * step's counts parts), and so does whether A is read in place: DIRECT
 * here marks where it may be; some case of each dtype must be. */
static const kcase dtype_cases[] = {
	{"ik,kj->ij", "i=1,k=1,j=1", PLAIN},
	{"ik,kj->ij", "i=1,k=7,j=5", PLAIN},
	{"ik,kj->ij", "i=7,k=1,j=9", PLAIN},
	{"ik,kj->ij", "i=13,k=17,j=1", PLAIN},
	{"ik,kj->ij", "i=3,k=29,j=31", DIRECT},
	{"ik,kj->ij", "i=17,k=3,j=41", DIRECT},
	{"ik,kj->ij", "i=2,k=1031,j=3", DIRECT},
	{"ik,kj->ij", "i=31,k=37,j=41", DIRECT},
	{"ik,kj->ij", "i=2,k=64,j=64", DIRECT},
	{"ik,kj->ij", "i=145,k=31,j=150", GEMM},
	{"ik,kj->ij", "i=13,k=257,j=97", GEMM},
	{"ik,kj->ij", "i=11,k=17,j=301", GEMM},
	{"ik,kj->ij", "i=13,k=20,j=2100", GEMM}, /* two NC blocks (complex: 4200 parts) */
	{"ki,kj->ij", "i=29,k=41,j=23", GEMM},
	{"ik,jk->ji", "i=47,k=23,j=9", DIRECT},
	{"ki,jk->ij", "i=19,k=43,j=37", ACROSS},
	{"bij,bjk->bik", "b=3,i=17,j=19,k=40", DIRECT},
	{"abcd,dbef->acef", "a=5,b=3,c=7,d=4,e=6,f=9", GEMM},
	{"ik,kj->ij", "i=5,k=300,j=60", DIRECT},
	{"ik,kj->ij", "i=13,k=20011,j=20", DIRECT},
	{"ik,kj->ij", "i=13,k=3000,j=600", GEMM},
	/* split steps whose tasks pack a shared B panel as they reach each KC
	 * block: K in rounds (2 in c64, 3 in c128); 3 units in rounds of 2 in
	 * c128, the last round's tasks of the missing unit idle */
	{"ik,kj->ij", "i=31,k=1100,j=1100", GEMM},
	{"bik,bkj->bij", "b=3,i=40,k=300,j=700", GEMM},
	{"ij,jk,kl->il", "i=35,j=22,k=61,l=18", DIRECT},
	{"ij,ij->", "i=300,j=301", SUMS},
	{"ij,i->j", "i=300,j=333", SUMS},
	{"i->", "i=200002", SUMS},
	{"ii->", "i=301", PLAIN},
	{"ij,j->i", "i=300,j=333", PLAIN},
	{"ij->ji", "i=65,j=33", PLAIN},
	{"i,j->ij", "i=301,j=257", PLAIN},
	{"ij->i", "i=5,j=4099", PLAIN},
};

/*
 * Cases compiled for other CPUs than the host, whose caches give other
 * blocks, each with a partial block of every kind: haswell's MC 120 / 48
 * (f32 / f64), KC 256, NC 1280 / 640; x86-64's (SSE2: 128-bit register
 * blocks) MC 48 / 24, KC 512, NC 512 / 256.
 */
static const struct {
	kcase c;
	const char *cpu;
} cpu_cases[] = {
	{{"ik,kj->ij", "i=125,k=260,j=1290", GEMM}, "haswell"},
	{{"ik,kj->ij", "i=50,k=520,j=530", GEMM}, "x86-64"},
	/* A^T in place larger than haswell's L3 share (2.5 MiB): read a whole
	 * M at a time, K (4500) in 47 blocks of 96, the last partial, each
	 * block one run of memory, prefetched every other line on 1 thread;
	 * M (149) ends in a partial register block */
	{{"ki,kj->ij", "i=149,k=4500,j=20", ACROSS}, "haswell"},
	/* A^T packed in f64 a whole M at a time (KC 112), each block one run
	 * of memory prefetched while the one before it runs (4 register
	 * blocks of columns: lower_gemm.c's GEMM_AHEAD_FMAS) */
	{{"ki,kj->ij", "i=250,k=300,j=32", ACROSS}, "znver3"},
};

/* Compiles case "c" for "dtype", "threads" and CPU "cpu" (NULL: the
 * host), asserting success. */
static einc_program *compile(einc_ctx *ctx, const kcase *c, einc_dtype dtype, int threads,
                             const char *cpu)
{
	einc_options o = refcheck_options(dtype, threads, cpu);
	return refcheck_compile_text(ctx, c->spec, c->dims, NULL, &o);
}

/* Whether some step of "p" runs as a GEMM. */
static int has_gemm(const einc_program *p)
{
	for (int s = 0; s < p->loops->nsteps; s++)
		if (p->loops->steps[s].gemm)
			return 1;
	return 0;
}

/* The GEMM form of the last step of "p" (NULL when it has none). */
static const loop_gemm *last_gemm(const einc_program *p)
{
	return p->loops->steps[p->loops->nsteps - 1].gemm;
}

/* Compiles case "c" for "dtype", "threads" and CPU "cpu" into "*p" and
 * gives the GEMM form of its last step, asserting that it has one. */
static const loop_gemm *compile_gemm(einc_ctx *ctx, const kcase *c, einc_dtype dtype,
                                     int threads, const char *cpu, einc_program **p)
{
	*p = compile(ctx, c, dtype, threads, cpu);
	const loop_gemm *g = last_gemm(*p);
	if (!g)
		fail_msg("%s %s (%s): the last step is not GEMM-like", c->spec, c->dims,
		         cpu ? cpu : "host");
	return g;
}

/* Whether the last step of "p" is a GEMM-like step whose NC block has at
 * most "most" register blocks of columns. */
static int few_column_blocks(const einc_program *p, int64_t most)
{
	const loop_gemm *g = last_gemm(p);
	int64_t width = g && g->n < g->nc ? g->n : g ? g->nc : 0;
	return g && (width + g->nr - 1) / g->nr <= most;
}

/* The thread counts every case runs on. */
static const int thread_counts[] = {1, 2, 16};
#define NTHREADS (int)(sizeof thread_counts / sizeof thread_counts[0])

/* The CPU the cases' kinds hold for (AVX2 register blocks, the caches of
 * einc's table for it): a host with other vectors or caches (AVX-512,
 * another L2) reads other operands in place, as it should. */
#define PLAN_CPU "haswell"

/* Case "c" in "dtype" for CPU "cpu" (NULL: the host): each thread count
 * twice; the first against the reference, every run bit-equal to it.
 * With "plan", also how it runs, c->kind (a GEMM step or not, partial
 * sums; whether A is read in place exactly in f32 and f64 only, see
 * dtype_cases). Returns whether A was read in place. */
static int check_case(einc_ctx *ctx, const kcase *c, einc_dtype dtype, const char *cpu,
                      int plan, uint64_t *s)
{
	const char *name = einc_dtype_name(dtype);
	einc_program *p[NTHREADS];
	for (int t = 0; t < NTHREADS; t++)
		p[t] = compile(ctx, c, dtype, thread_counts[t], cpu);
	int gemm = c->kind == GEMM || c->kind == DIRECT || c->kind == ACROSS;
	int want = c->kind == DIRECT ||
	           (c->kind == ACROSS && (dtype == EINC_F32 || few_column_blocks(p[0], 2)));
	if (plan && has_gemm(p[0]) != gemm)
		fail_msg("%s %s %s: expected %s GEMM step", c->spec, c->dims, name, gemm ? "a" : "no");
	char *ir = NULL;
	assert_int_equal(einc_program_dump(ctx, p[0], EINC_STAGE_LLVM, &ir), EINC_OK);
	/* the direct micro-kernel is emitted only for the steps that use it */
	int direct = strstr(ir, ".ukernel.direct") != NULL;
	int exact = einc_dtype_kind(dtype) == EINC_KIND_REAL;
	if (plan && exact && direct != want)
		fail_msg("%s %s %s: A in place %sexpected", c->spec, c->dims, name, want ? "" : "not ");
	if (plan && (strstr(ir, "%partial") != NULL) != (c->kind == SUMS))
		fail_msg("%s %s: partial sums %sexpected", c->spec, c->dims, c->kind == SUMS ? "" : "not ");
	einc_free(ir);
	void **in = refcheck_inputs(ctx, p[0], s);
	assert_non_null(in);
	size_t bytes, again_bytes;
	void *got = refcheck_run(ctx, p[0], (const void *const *)in, &bytes);
	einc_check_result r;
	assert_int_equal(einc_program_check(ctx, p[0], (const void *const *)in, got, &r), EINC_OK);
	if (!r.ok)
		fail_msg("%s %s %s: element %lld is %g%+gi, expected %g%+gi", c->spec, c->dims, name,
		         (long long)r.at, r.got, r.got_imag, r.want, r.want_imag);
	for (int t = 0; t < NTHREADS; t++)
		for (int rep = t ? 0 : 1; rep < 2; rep++) {
			void *again = refcheck_run(ctx, p[t], (const void *const *)in, &again_bytes);
			if (memcmp(got, again, bytes))
				fail_msg("%s %s: run %d on %d threads differs from 1 thread", c->spec,
				         c->dims, rep, thread_counts[t]);
			free(again);
		}
	refcheck_inputs_free(in);
	free(got);
	for (int t = 0; t < NTHREADS; t++)
		einc_program_free(p[t]);
	return direct;
}

/* The "n" cases of "list" in one dtype: compiled for the host, their
 * results; compiled for PLAN_CPU, their kinds too, some reading A in
 * place; with "cases", the other CPUs' cases as well. */
static void check_all(const kcase *list, size_t n, einc_dtype dtype)
{
	einc_ctx *ctx = einc_ctx_new();
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	int direct = 0;
	for (size_t x = 0; x < n; x++) {
		check_case(ctx, &list[x], dtype, NULL, 0, &s);
		direct += check_case(ctx, &list[x], dtype, PLAN_CPU, 1, &s);
	}
	assert_true(direct > 0);
	for (size_t x = 0; list == cases && x < sizeof cpu_cases / sizeof cpu_cases[0]; x++)
		check_case(ctx, &cpu_cases[x].c, dtype, cpu_cases[x].cpu, 1, &s);
	einc_ctx_free(ctx);
}

/* Steps with N long enough to be turned when C's rows do not start on a
 * cache line (gett.c's line_turn: 32 register blocks, 512 f32 or 256 f64
 * columns on AVX2): partial blocks at N's ends, one K block and two (a
 * batch), a fused B scaled along N, and C transposed (not turned). */
static const kcase line_cases[] = {
	{"ik,kj->ij", "i=37,k=29,j=533", GEMM},
	{"bik,bkj->bij", "b=3,i=13,k=300,j=517", GEMM},
	{"ab,bc,c->ac", "a=20,b=30,c=531", GEMM},
	{"ik,kj->ji", "i=37,k=29,j=533", GEMM},
};

/* Runs kernel "k" on "in" into "out" ("bytes" long) at "off" bytes past a
 * cache line of "buf"; returns that output. */
static const void *run_at(einc_kernel *k, void *const *in, char *buf, size_t off, size_t bytes)
{
	memset(buf + off, 0x7f, bytes);
	assert_int_equal(einc_kernel_run(k, buf + off, (const void *const *)in, NULL), EINC_OK);
	return buf + off;
}

/* line_cases in f32 and f64 into outputs 0 to 60 bytes past a cache line
 * (numpy's large arrays lie 16 past one) on 1, 2 and 16 threads: the
 * first against the reference evaluator, every other bit-equal to it. */
static void test_line_offsets(void **state)
{
	(void)state;
	static const size_t offsets[][5] = {{0, 4, 16, 36, 60}, {0, 8, 16, 40, 56}};
	static const einc_dtype dtypes[] = {EINC_F32, EINC_F64};
	einc_ctx *ctx = einc_ctx_new();
	uint64_t seed = 0x2545f4914f6cdd1dULL;
	for (size_t x = 0; x < sizeof line_cases / sizeof line_cases[0]; x++)
		for (int dt = 0; dt < 2; dt++) {
			const kcase *c = &line_cases[x];
			einc_program *p[NTHREADS];
			einc_kernel *k[NTHREADS];
			for (int t = 0; t < NTHREADS; t++) {
				p[t] = compile(ctx, c, dtypes[dt], thread_counts[t], NULL);
				assert_int_equal(einc_program_jit(ctx, p[t], &k[t]), EINC_OK);
			}
			assert_true(has_gemm(p[0]));
			void **in = refcheck_inputs(ctx, p[0], &seed);
			assert_non_null(in);
			size_t bytes = (size_t)einc_program_elems(p[0], -1) * einc_dtype_size(dtypes[dt]);
			char *want = aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
			char *got = aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
			run_at(k[0], in, want, 0, bytes);
			einc_check_result r;
			assert_int_equal(einc_program_check(ctx, p[0], (const void *const *)in, want, &r),
			                 EINC_OK);
			if (!r.ok)
				fail_msg("%s %s: element %lld is %g, expected %g", c->spec, c->dims,
				         (long long)r.at, r.got, r.want);
			for (int t = 0; t < NTHREADS; t++)
				for (int o = 0; o < 5; o++)
					if (memcmp(run_at(k[t], in, got, offsets[dt][o], bytes), want, bytes))
						fail_msg("%s %s %s: %zu bytes past a line on %d threads differs",
						         c->spec, c->dims, einc_dtype_name(dtypes[dt]),
						         offsets[dt][o], thread_counts[t]);
			free(want);
			free(got);
			refcheck_inputs_free(in);
			for (int t = 0; t < NTHREADS; t++) {
				einc_kernel_free(k[t]);
				einc_program_free(p[t]);
			}
		}
	einc_ctx_free(ctx);
}

/* A list of cases and the dtype to run it in. */
typedef struct {
	const kcase *list;
	size_t n;
	einc_dtype dtype;
} kcase_run;

#define RUN(list, dtype) {list, sizeof list / sizeof list[0], dtype}
static const kcase_run runs[] = {
	RUN(cases, EINC_F32), RUN(cases, EINC_F64), RUN(dtype_cases, EINC_C64),
	RUN(dtype_cases, EINC_C128), RUN(dtype_cases, EINC_I32), RUN(dtype_cases, EINC_I64),
};

/* The run "*state" (a kcase_run). */
static void test_kernels(void **state)
{
	const kcase_run *r = *state;
	check_all(r->list, r->n, r->dtype);
}

/* Counts the runs of each task in "arg"; checks the scratch it was given. */
static void count_task(void *arg, int64_t task, void *scratch)
{
	((int *)arg)[task]++;
	((char *)scratch)[63] = 1;
}

/* einc_rt_parallel_for runs every task once, for any thread and task count. */
static void test_pool(void **state)
{
	(void)state;
	char scratch0[64];
	int threads[] = {0, 1, 2, 3, 8};
	int64_t ntasks[] = {0, 1, 2, 7, 1000};
	for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++)
		for (size_t n = 0; n < sizeof ntasks / sizeof ntasks[0]; n++) {
			int count[1000] = {0};
			einc_rt_parallel_for(threads[t], ntasks[n], count_task, count, scratch0, 64);
			for (int64_t x = 0; x < 1000; x++)
				assert_int_equal(count[x], x < ntasks[n]);
		}
	assert_true(einc_rt_default_threads() >= 1);
}

/* A step of the benchmark as lower.c and codegen describe it (f32, 6 x 32
 * register blocks): extents "batch", "m", "n", "k". */
static einc_rt_gett_desc bench_step(int64_t batch, int64_t m, int64_t n, int64_t k)
{
	einc_rt_gett_desc d = {.esize = 4, .batch = batch, .m = m, .n = n, .k = k, .mr = 6, .nr = 32,
	                  .kc = k < 256 ? k : 256};
	d.mc = (m + 23) / 24 * 24 < 144 ? (m + 23) / 24 * 24 : 144;
	int64_t nblocks = (n + 4095) / 4096; /* NC 4096 at most, blocks made even */
	d.nc = ((n + nblocks - 1) / nblocks + 63) / 64 * 64;
	return d;
}

/* On 2 and 16 threads the large steps of the benchmark get at least a task
 * per thread, keeping them 90% busy (tasks / (threads x waves)), with no
 * more M and N parts than register blocks; a single thread never splits a
 * piece. Steps whose K is long beside M and N (and only those) are summed
 * in K slices, as many on every thread count. */
static void test_gett_split(void **state)
{
	(void)state;
	const int64_t steps[][5] = {
		/* batch, m, n, k, sliced */
		{1, 2048, 2048, 2048, 0},  /* gemm 2048^3: one unit */
		{1, 1024, 1024, 1024, 0},  /* gemm */
		{1, 256, 32, 65536, 1},    /* mttkrp's big step: skinny N, long K */
		{1, 256, 256, 4096, 1},    /* chain3's first step */
		{1, 65536, 64, 256, 0},    /* ttm */
		{1, 2304, 2304, 256, 0},   /* tc_abcd_dbef */
		{64, 256, 256, 256, 0},    /* bmm: units enough */
		{3, 500, 500, 500, 0},     /* few units */
		{1, 12, 8192, 512, 0},     /* short M: N parts */
		{1, 8, 4096, 4096, 0},     /* few rows: B in place, N parts first */
	};
	const int threads[] = {2, 16};
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		einc_rt_gett_desc d = bench_step(steps[x][0], steps[x][1], steps[x][2], steps[x][3]);
		einc_rt_gett_split s;
		einc_rt_gett_plan(&d, 1, &s);
		int64_t slices = s.kslices;
		assert_int_equal(slices > 1, steps[x][4]);
		assert_int_equal(s.shared, 0);
		assert_int_equal(s.tasks, s.units * slices);
		for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
			int64_t n = threads[t];
			einc_rt_gett_plan(&d, (int)n, &s);
			assert_int_equal(s.kslices, slices);
			int64_t tasks = s.shared ? s.units * s.mparts * s.nparts
			                         : s.units * slices * s.mparts * s.nparts;
			int64_t waves = (tasks + n - 1) / n;
			if (tasks < n || 10 * tasks < 9 * n * waves)
				fail_msg("step %zu on %lld threads: %lld tasks", x, (long long)n,
				         (long long)tasks);
			int64_t mp = (d.m + d.mr - 1) / d.mr, np = (d.n + d.nr - 1) / d.nr;
			assert_true(s.mparts <= mp && s.nparts <= np);
			assert_true(!s.shared || slices == 1);
			/* B in place: each task reads its own columns of B where it can */
			if (d.m <= RT_GETT_B_DIRECT_TILES * d.mr)
				assert_true(!s.shared && (s.mparts == 1 || s.nparts == np));
			if (s.shared) {
				assert_true(s.uround >= 1 && (s.kspan % d.kc == 0 || s.kspan == d.k));
				assert_true(s.uround * ((s.kspan + d.kc - 1) / d.kc) <=
				            RT_GETT_ROUND_BLOCKS);
				assert_int_equal(s.tasks, s.uround * s.mparts * s.nparts);
			} else {
				assert_int_equal(s.tasks, tasks);
			}
		}
	}
	/* short KC blocks: 8 units of 256 would share one round; it takes
	 * RT_GETT_ROUND_BLOCKS of them at most (their packing states) */
	einc_rt_gett_desc d = bench_step(8, 5000, 32, 16384);
	einc_rt_gett_split s;
	d.kc = 64;
	einc_rt_gett_plan(&d, 16, &s);
	assert_true(s.shared && s.uround >= 1);
	assert_true(s.uround * ((s.kspan + d.kc - 1) / d.kc) <= RT_GETT_ROUND_BLOCKS);
}

/*
 * The cache blocks of a GEMM-like step are as even as whole register
 * blocks allow, for the runtime hands NC blocks (with their batch
 * element) to threads as equal units: the last NC block of N falls short
 * of the others by less than a column step (GEMM_NC_STEP, 64) per block,
 * and so does the last MC block of M (24 rows). A complex step's N counts
 * parts: tc_abcd_dbef in c64 has 4608, which the host's 4096 columns cut
 * into 4096 and 512 (one thread of two had 7/8 of the work).
 */
static void test_gemm_even_blocks(void **state)
{
	(void)state;
	static const struct {
		kcase c;
		einc_dtype dtype;
		const char *cpu;
	} steps[] = {
		{{"abcd,dbef->acef", "a=48,b=16,c=48,d=16,e=48,f=48", GEMM}, EINC_C64, NULL},
		{{"abcd,dbef->acef", "a=48,b=16,c=48,d=16,e=48,f=48", GEMM}, EINC_C128, NULL},
		{{"ik,kj->ij", "i=500,k=64,j=4099", GEMM}, EINC_F32, NULL},
		{{"ik,kj->ij", "i=700,k=64,j=2100", GEMM}, EINC_C64, "znver3"},
		{{"ik,kj->ij", "i=125,k=260,j=1290", GEMM}, EINC_F64, "haswell"},
		{{"ik,kj->ij", "i=1000,k=64,j=3000", GEMM}, EINC_F32, "sapphirerapids"},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		einc_program *p;
		const loop_gemm *g = compile_gemm(ctx, &steps[x].c, steps[x].dtype, 2, steps[x].cpu, &p);
		int64_t nblocks = (g->n + g->nc - 1) / g->nc, mblocks = (g->m + g->mc - 1) / g->mc;
		int64_t nlast = g->n - (nblocks - 1) * g->nc, mlast = g->m - (mblocks - 1) * g->mc;
		if (nblocks < 2 && mblocks < 2)
			fail_msg("%s %s: expected more than one cache block", steps[x].c.spec,
			         steps[x].c.dims);
		if (g->nc - nlast >= 64 * nblocks || g->mc - mlast >= 24 * mblocks)
			fail_msg("%s %s: N %lld in blocks of %lld, M %lld in blocks of %lld",
			         steps[x].c.spec, steps[x].c.dims, (long long)g->n, (long long)g->nc,
			         (long long)g->m, (long long)g->mc);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/*
 * How an A whose M runs with unit stride is read (lower_gemm.c), on named
 * CPUs. An f32 A read across in place is read a whole M at a time in
 * blocks of a quarter of L2 exactly when it is larger than the core's
 * share of L3: haswell's 2.5 MiB, L2 256 KiB, so M 149 in one block of
 * 168 rows, KC 96, against MC 96 and KC 256 for an A just under the
 * share. It is read in place exactly where K's stride in bytes times the
 * NC block's columns is at most 16 KiB x 32 (GEMM_DIRECT_ACROSS_COLUMNS),
 * else packed: on znver5, K 16 KiB apart beside 32 columns in place,
 * beside 64 or 256 (chain3's ij,jk with ij transposed) packed; 1 KiB
 * apart beside 64 (ttm's ijk with its last two axes swapped) in place.
 * Such an A, not read a whole M at a time, runs a K of at most 4/3 KC
 * (znver5's 192) as one block. In place, its register block takes 8 rows
 * on AVX-512 (lower_gemm.c's across_rows: 32 bytes of f32, so that no
 * block's rows cross a line), 6 on AVX2 and where packed. Where M holds
 * a dim beside the unit-stride one and K's stride is that one's extent
 * (ttm's ijk with its last two axes swapped), M runs in blocks of that
 * extent (256, one run of memory each), where whole register blocks fill
 * it (not 252 of 8 rows).
 */
static void test_across_blocks(void **state)
{
	(void)state;
	static const struct {
		const char *dims, *cpu;
		int64_t a_stride, mc, kc, mr;
		const char *spec;
	} steps[] = {
		{"i=149,k=4500,j=20", "haswell", 149, 168, 96, 6, NULL},  /* 2.68 MB */
		{"i=149,k=4000,j=20", "haswell", 149, 96, 256, 6, NULL},  /* 2.38 MB */
		{"i=4096,k=256,j=32", "znver5", 4096, 600, 256, 8, NULL},
		{"i=4096,k=256,j=64", "znver5", 0, 600, 256, 6, NULL},
		{"i=4096,k=256,j=256", "znver5", 0, 600, 256, 6, NULL},
		{"i=256,k=256,j=64", "znver5", 256, 264, 256, 8, NULL},
		{"i=256,k=257,j=64", "znver5", 256, 264, 192, 8, NULL},
		{"i=64,k=256,j=256,l=64", "znver5", 256, 256, 256, 8, "ikj,kl->ijl"},
		{"i=64,k=252,j=252,l=64", "znver5", 252, 672, 252, 8, "ikj,kl->ijl"},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		kcase c = {steps[x].spec ? steps[x].spec : "ki,kj->ij", steps[x].dims, ACROSS};
		einc_program *p;
		const loop_gemm *g = compile_gemm(ctx, &c, EINC_F32, 1, steps[x].cpu, &p);
		if (g->a_stride != steps[x].a_stride || g->mc != steps[x].mc ||
		    g->kc != steps[x].kc || g->mr != steps[x].mr)
			fail_msg("%s %s: A's K stride in place %lld, MC %lld, KC %lld, MR %lld; "
			         "expected %lld, %lld, %lld, %lld",
			         steps[x].dims, steps[x].cpu, (long long)g->a_stride,
			         (long long)g->mc, (long long)g->kc, (long long)g->mr,
			         (long long)steps[x].a_stride, (long long)steps[x].mc,
			         (long long)steps[x].kc, (long long)steps[x].mr);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/*
 * A K of at most 4/3 of KC runs as one block (lower_gemm.c's
 * GEMM_KC_STRETCH_NUM / _DEN), a longer one in blocks of KC where A is
 * packed: znver5's KC is 192 (K 256 in one block), haswell's 256 (341 in
 * one, 342, A packed beside 16 register blocks of columns, in 256 and
 * 86); N too wide for a skinny step's longer KC. Where A is read in place
 * with K of unit stride, K runs in the fewest blocks whose B panel stays
 * within a quarter of L2 and 1024 (GEMM_KC_MAX), as even as blocks of 16
 * allow (streamed_kc): znver5 (1 MiB L2) K 257 in two of 144, 4096 at
 * N = 4 and 16 in four of 1024, at N = 256 in blocks of 256, 4100 at N =
 * 16 in five of 832; haswell (256 KiB) 4096 at N = 16 and 4 in four of
 * 1024. Compiled, not run (the host may lack AVX-512); `cases` runs K =
 * 250, and 4100 at N = 4, on the host against the reference.
 */
static void test_kc_one_block(void **state)
{
	(void)state;
	static const struct {
		const char *dims, *cpu;
		int64_t kc;
	} steps[] = {
		{"i=48,j=256,k=256", "znver5", 256},
		{"i=48,j=256,k=257", "znver5", 144},
		{"i=48,j=256,k=341", "haswell", 341},
		{"i=48,j=256,k=342", "haswell", 256},
		{"i=64,j=4,k=4096", "znver5", 1024},
		{"i=64,j=16,k=4096", "znver5", 1024},
		{"i=64,j=256,k=4096", "znver5", 256},
		{"i=64,j=16,k=4100", "znver5", 832},
		{"i=64,j=16,k=4096", "haswell", 1024},
		{"i=64,j=4,k=4096", "haswell", 1024},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		kcase c = {"ik,kj->ij", steps[x].dims, GEMM};
		einc_program *p;
		const loop_gemm *g = compile_gemm(ctx, &c, EINC_F32, 1, steps[x].cpu, &p);
		if (g->kc != steps[x].kc)
			fail_msg("%s %s: KC %lld, expected %lld", steps[x].dims, steps[x].cpu,
			         (long long)g->kc, (long long)steps[x].kc);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/*
 * Rows first (lower_gemm.c's rows_pay and rows_blocks): on AVX-512, a GEMM
 * whose A runs along K with unit stride and whose K takes more than one
 * block of the L1 model reads A in place 12 rows a register block, its
 * tiles a row of blocks at a time, NC 8 register blocks of columns, KC
 * whose B block fills a quarter of L2 (sapphirerapids' 2 MiB: 512 in f32
 * and f64; znver5's 1 MiB: 256 f64), MC A's rows of KC within L2. Not
 * where K is one block (K 256 <= 4/3 of KC 192), M has fewer than 8
 * register blocks of 12 rows, A's K is strided, the columns fit one
 * vector, or the registers are AVX2's. Compiled, not
 * run; `cases` runs such steps on the host against the reference.
 */
static void test_rows_first(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *dims, *cpu;
		einc_dtype dtype;
		int64_t rows, kc, nc, mc;
	} steps[] = {
		{"ik,kj->ij", "i=2016,k=2016,j=2016", "sapphirerapids", EINC_F64, 1, 512, 128, 504},
		{"ik,kj->ij", "i=2016,k=2016,j=2016", "sapphirerapids", EINC_F32, 1, 512, 256, 1008},
		{"ik,kj->ij", "i=1024,k=1024,j=1024", "znver5", EINC_F64, 1, 256, 128, 360},
		{"ik,kj->ij", "i=95,k=2016,j=2016", "sapphirerapids", EINC_F64, 0, 0, 0, 0},
		{"ik,kj->ij", "i=2016,k=256,j=2016", "sapphirerapids", EINC_F64, 0, 256, 0, 0},
		{"ki,kj->ij", "i=2016,k=2016,j=2016", "sapphirerapids", EINC_F64, 0, 0, 0, 0},
		{"ik,kj->ij", "i=2016,k=2016,j=8", "sapphirerapids", EINC_F64, 0, 0, 0, 0},
		{"ik,kj->ij", "i=2016,k=2016,j=2016", "haswell", EINC_F64, 0, 0, 0, 0},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		kcase c = {steps[x].spec, steps[x].dims, GEMM};
		einc_program *p;
		const loop_gemm *g = compile_gemm(ctx, &c, steps[x].dtype, 1, steps[x].cpu, &p);
		int rows = g->rows_first && g->mr == 12 && g->a_stride == 1;
		if (rows != steps[x].rows || (rows && (g->kc != steps[x].kc || g->nc != steps[x].nc ||
		                                       g->mc != steps[x].mc)) ||
		    (!steps[x].rows && g->rows_first))
			fail_msg("%s %s %s: rows first %d, MR %d, KC %lld, NC %lld, MC %lld; expected "
			         "%lld, KC %lld, NC %lld, MC %lld", steps[x].spec, steps[x].dims,
			         steps[x].cpu, g->rows_first, g->mr, (long long)g->kc, (long long)g->nc,
			         (long long)g->mc, (long long)steps[x].rows, (long long)steps[x].kc,
			         (long long)steps[x].nc, (long long)steps[x].mc);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/* The values that the LLVM IR "ir" defines under the name "name" (name,
 * name1, ...). */
static int named_values(const char *ir, const char *name)
{
	int n = 0;
	size_t len = strlen(name);
	for (const char *at = strstr(ir, name); at; at = strstr(at + len, name)) {
		const char *e = at + len;
		while (*e >= '0' && *e <= '9')
			e++;
		n += strncmp(e, " = ", 3) == 0;
	}
	return n;
}

/*
 * The next register block's rows (lower_gemm.c's next_rows_pay): a
 * micro-kernel on A in place along K of unit stride, K in one block and
 * A's rows one run K apart, prefetches the rows after its own, a line a
 * value of k: Tucker projection's first step, AVX2 alike. Not where A's
 * rows lie further apart (a diagonal), K takes several blocks, the tiles
 * run rows first (K in one block here), A is read across (K strided) or
 * is a fused product. Compiled, not run; `cases`
 * runs such steps on the host and on PLAN_CPU against the reference.
 */
static void test_next_rows(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *dims, *cpu;
		einc_dtype dtype;
		int lines; /* prefetches a value of k */
	} steps[] = {
		{"ijk,kc->ijc", "i=192,j=192,k=192,c=48", "sapphirerapids", EINC_F64, 1},
		{"ik,kj->ij", "i=300,k=300,j=2000", "sapphirerapids", EINC_F64, 0},
		{"ijk,kc->ijc", "i=64,j=64,k=64,c=16", "haswell", EINC_F32, 1},
		{"iik,kj->ij", "i=30,k=40,j=50", "sapphirerapids", EINC_F64, 0},
		{"ik,kj->ij", "i=64,k=4099,j=33", "sapphirerapids", EINC_F64, 0},
		{"ki,kj->ij", "i=530,k=37,j=8", "znver5", EINC_F64, 0},
		{"zci,zcj,ijk->zck", "z=64,c=32,i=16,j=16,k=16", "sapphirerapids", EINC_F32, 0},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		kcase c = {steps[x].spec, steps[x].dims, GEMM};
		einc_program *p;
		const loop_gemm *g = compile_gemm(ctx, &c, steps[x].dtype, 1, steps[x].cpu, &p);
		char *ir = NULL, *loops = NULL;
		assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_LLVM, &ir), EINC_OK);
		assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_LOOPS, &loops), EINC_OK);
		int lines = named_values(ir, "%a.rows");
		int shown = strstr(loops, " a_ahead=rows ") != NULL;
		if (g->a_next != (steps[x].lines > 0) || lines != steps[x].lines ||
		    shown != g->a_next)
			fail_msg("%s %s %s: next rows %d, %d prefetches a value of k, shown %d; "
			         "expected %d", steps[x].spec, steps[x].dims, steps[x].cpu, g->a_next,
			         lines, shown, steps[x].lines);
		einc_free(ir);
		einc_free(loops);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/*
 * Where the micro-kernel packs B (b_copy; lower_gemm.c's copy_blocks), B's
 * packed panel (KC x NC) fills a quarter of L2 at most: N = 7700, KC = 37,
 * sapphirerapids' 2 MiB L2: NC 1600 in f64, 2624 in f32; znver5's 1 MiB:
 * 832; haswell's 256 KiB: 192. A target of 32 vector registers takes 12
 * rows a register block where B is still copied so: sapphirerapids and
 * znver5 at 41 rows; 6 rows on haswell (16 registers) and at 30 rows (3
 * blocks of 12: B read in place instead, so 6). Compiled, not run;
 * `cases` runs 41 rows against the reference.
 */
static void test_copy_blocks(void **state)
{
	(void)state;
	static const struct {
		const char *dims, *cpu;
		einc_dtype dtype;
		int mr;
		int64_t nc;
	} steps[] = {
		{"p=37,i=41,j=50,k=154", "sapphirerapids", EINC_F64, 12, 1600},
		{"p=37,i=41,j=50,k=154", "sapphirerapids", EINC_F32, 12, 2624},
		{"p=37,i=41,j=50,k=154", "znver5", EINC_F64, 12, 832},
		{"p=37,i=41,j=50,k=154", "haswell", EINC_F64, 6, 192},
		{"p=37,i=30,j=50,k=154", "sapphirerapids", EINC_F64, 6, 1600},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		kcase c = {"pi,pjk->ijk", steps[x].dims, GEMM};
		einc_program *p;
		const loop_gemm *g = compile_gemm(ctx, &c, steps[x].dtype, 1, steps[x].cpu, &p);
		if (!g->b_copy || g->mr != steps[x].mr || g->nc != steps[x].nc)
			fail_msg("pi,pjk->ijk %s %s %s: B copied %d, MR %d, NC %lld; expected 1, %d, "
			         "%lld", steps[x].dims, steps[x].cpu, einc_dtype_name(steps[x].dtype),
			         g->b_copy, g->mr, (long long)g->nc, steps[x].mr, (long long)steps[x].nc);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/*
 * A plain nest's loops around an innermost loop shorter than a vector are
 * left to LLVM's vectorizer, but not where that loop spans 32 bytes or
 * more (codegen/emit_ast.c's INNER_VECTOR_BYTES): tiny batched products
 * on sapphirerapids with k = 8 f32 or 4 f64 carry the hint that keeps
 * them scalar (the unrolled k loop packed as one vector), k = 4 f32 and 2
 * f64 do not; on haswell k = 4 f32 (16 bytes of a 32-byte vector) does
 * not either. Compiled, not run; `cases` runs such nests against the
 * reference.
 */
static void test_inner_vector(void **state)
{
	(void)state;
	static const struct {
		const char *dims, *cpu;
		einc_dtype dtype;
		int hinted;
	} nests[] = {
		{"z=64,i=8,j=8,k=8", "sapphirerapids", EINC_F32, 1},
		{"z=64,i=8,j=8,k=4", "sapphirerapids", EINC_F64, 1},
		{"z=64,i=4,j=4,k=4", "sapphirerapids", EINC_F32, 0},
		{"z=64,i=8,j=8,k=2", "sapphirerapids", EINC_F64, 0},
		{"z=64,i=8,j=8,k=4", "haswell", EINC_F32, 0},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof nests / sizeof nests[0]; x++) {
		kcase c = {"zij,zjk->zik", nests[x].dims, PLAIN};
		einc_program *p = compile(ctx, &c, nests[x].dtype, 1, nests[x].cpu);
		char *ir = NULL;
		assert_false(has_gemm(p));
		assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_LLVM, &ir), EINC_OK);
		int hinted = strstr(ir, "!\"llvm.loop.vectorize.enable\", i1 false") != NULL;
		if (hinted != nests[x].hinted)
			fail_msg("zij,zjk->zik %s %s %s: outer loops kept scalar %d, expected %d",
			         nests[x].dims, nests[x].cpu, einc_dtype_name(nests[x].dtype), hinted,
			         nests[x].hinted);
		einc_free(ir);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/*
 * B read in place (at most 3 register blocks of rows, runtime/gett.h's
 * RT_GETT_B_DIRECT_TILES) beside A packed: K in the fewest blocks whose
 * B micro-panel (2 vectors) fills L1, N in the fewest whose block of C
 * stays within half of L2 (lower_gemm.c's in_place_b_blocks). znver5
 * (48 KiB L1, 1 MiB L2, 128-byte panel rows): KC 384, 4096 columns in
 * one block in f32 and f64; K 500 in two blocks of 256. 19 rows (4
 * register blocks of 6) pack B: the L1 model's KC 192, NC 2048 from L3.
 * haswell (32 KiB, 256 KiB, 64-byte rows): KC 512, NC 2048 in f32 and
 * 1024 in f64 at 16 rows. A complex step packs B whatever its rows (its
 * real form, BLIS's 1m): c64 at 4 rows keeps KC 192, NC 2048. Compiled,
 * not run; `cases` runs 17 rows against the reference.
 */
static void test_b_in_place_blocks(void **state)
{
	(void)state;
	static const struct {
		const char *dims, *cpu;
		einc_dtype dtype;
		int64_t nc, kc;
	} steps[] = {
		{"i=2,k=4096,j=4096", "znver5", EINC_F32, 4096, 384},
		{"i=16,k=4096,j=4096", "znver5", EINC_F64, 4096, 384},
		{"i=18,k=500,j=4096", "znver5", EINC_F32, 4096, 256},
		{"i=19,k=4096,j=4096", "znver5", EINC_F32, 2048, 192},
		{"i=16,k=4096,j=4096", "haswell", EINC_F32, 2048, 512},
		{"i=16,k=4096,j=4096", "haswell", EINC_F64, 1024, 512},
		{"i=4,k=4096,j=4096", "znver5", EINC_C64, 2048, 192},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		kcase c = {"ik,kj->ij", steps[x].dims, GEMM};
		einc_program *p;
		const loop_gemm *g = compile_gemm(ctx, &c, steps[x].dtype, 1, steps[x].cpu, &p);
		if (g->nc != steps[x].nc || g->kc != steps[x].kc)
			fail_msg("%s %s %s: NC %lld, KC %lld; expected %lld, %lld", steps[x].dims,
			         steps[x].cpu, einc_dtype_name(steps[x].dtype), (long long)g->nc,
			         (long long)g->kc, (long long)steps[x].nc, (long long)steps[x].kc);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/*
 * A micro-kernel on A in place along K of unit stride prefetches no B
 * rows, and a narrow one (one vector of B per row) not C's tile either
 * (codegen/microkernel.c); a wide one there prefetches C's tile, one on
 * A^T in place (K's stride 530, f64; 256, f32) C's tile and no B rows,
 * and one on A packed both, and its packed A ahead (none in place):
 * znver5, N = 16, 64 and 512 in f32, 8 in f64, and a packed f64 step on
 * sapphirerapids. Compiled, not run; `cases` runs every kind against the
 * reference.
 */
static void test_in_place_prefetches(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *dims, *cpu;
		einc_dtype dtype;
		int direct, fetch_b, fetch_c;
	} steps[] = {
		{"ik,kj->ij", "i=64,k=64,j=16", "znver5", EINC_F32, 1, 0, 0},
		{"ik,kj->ij", "i=64,k=64,j=64", "znver5", EINC_F32, 1, 0, 1},
		{"ki,kj->ij", "i=530,k=37,j=8", "znver5", EINC_F64, 1, 0, 1},
		{"ki,kj->ij", "i=256,k=45,j=64", "znver5", EINC_F32, 1, 0, 1},
		{"ik,kj->ij", "i=64,k=64,j=512", "znver5", EINC_F32, 0, 1, 1},
		{"ik,kj->ij", "i=300,k=200,j=400", "sapphirerapids", EINC_F64, 0, 1, 1},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		kcase c = {steps[x].spec, steps[x].dims, GEMM};
		einc_program *p;
		const loop_gemm *g = compile_gemm(ctx, &c, steps[x].dtype, 1, steps[x].cpu, &p);
		char *ir = NULL;
		assert_int_equal(einc_program_dump(ctx, p, EINC_STAGE_LLVM, &ir), EINC_OK);
		/* llvm.prefetch(ptr, rw, locality 3, data): B's and A's are reads
		 * (their addresses named b.ahead and a.next), C's writes */
		int fetch_b = strstr(ir, "%b.ahead") != NULL;
		int fetch_c = strstr(ir, ", i32 1, i32 3, i32 1)") != NULL;
		int fetch_a = strstr(ir, "%a.next") != NULL;
		if ((g->a_stride != 0) != steps[x].direct || fetch_b != steps[x].fetch_b ||
		    fetch_c != steps[x].fetch_c || fetch_a != !steps[x].direct)
			fail_msg("%s %s: A in place %d, prefetches of B %d, of C %d, of A %d; expected "
			         "%d, %d, %d, %d", steps[x].spec, steps[x].dims, g->a_stride != 0, fetch_b,
			         fetch_c, fetch_a, steps[x].direct, steps[x].fetch_b, steps[x].fetch_c,
			         !steps[x].direct);
		einc_free(ir);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/*
 * A's next block, one run of memory (M of unit stride, K's stride M, a
 * whole M per block), is prefetched while one is computed exactly where
 * the micro-kernel spends 64 vector multiply-adds or more on each of its
 * lines (lower_gemm.c's GEMM_AHEAD_FMAS): N = 32 on AVX2 (znver3: f32 in
 * place, 2 register blocks of 16 columns; f64 packed, 4 of 8), not on
 * AVX-512 (znver5: 1 of 32, 2 of 16), where the prefetches stalled the
 * kernel; nor at N = 20 in f64 on AVX2 (3 blocks of 8: 48). An f64 A is
 * read in place (K's stride 250) beside 2 register blocks of columns at
 * most (lower_gemm.c's GEMM_DIRECT_ACROSS_F64_TILES: znver5), packed
 * beside more (znver3's 4 and 3); in place on AVX-512, 8 rows a register
 * block (across_rows: a whole line of f64), else 6.
 */
static void test_whole_m_ahead(void **state)
{
	(void)state;
	static const struct {
		const char *dims, *cpu;
		einc_dtype dtype;
		int64_t ahead, a_stride, mr;
	} steps[] = {
		{"i=250,k=4500,j=32", "znver3", EINC_F32, 1, 250, 6},
		{"i=250,k=300,j=32", "znver3", EINC_F64, 1, 0, 6},
		{"i=250,k=4500,j=32", "znver5", EINC_F32, 0, 250, 8},
		{"i=250,k=300,j=32", "znver5", EINC_F64, 0, 250, 8},
		{"i=250,k=300,j=20", "znver3", EINC_F64, 0, 0, 6},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		kcase c = {"ki,kj->ij", steps[x].dims, ACROSS};
		einc_program *p;
		const loop_gemm *g = compile_gemm(ctx, &c, steps[x].dtype, 1, steps[x].cpu, &p);
		if (g->mc < g->m || g->a_ahead != steps[x].ahead ||
		    g->a_stride != steps[x].a_stride || g->mr != steps[x].mr)
			fail_msg("%s %s %s: MC %lld of M %lld, ahead %lld, A's K stride in place "
			         "%lld, MR %lld; expected a whole M, %lld, %lld, %lld",
			         steps[x].dims, steps[x].cpu, einc_dtype_name(steps[x].dtype),
			         (long long)g->mc, (long long)g->m, (long long)g->a_ahead,
			         (long long)g->a_stride, (long long)g->mr,
			         (long long)steps[x].ahead, (long long)steps[x].a_stride,
			         (long long)steps[x].mr);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/*
 * A's next block, rows that run along K (A read in place beside few
 * columns), is prefetched while one is computed only where the
 * micro-kernel spends 64 vector multiply-adds or more on each of its lines
 * (lower_gemm.c's GEMM_AHEAD_FMAS), as for whole-M blocks: Tucker
 * projection's first step (c = 48, f64) does 96 per line on znver3 (6
 * register blocks of 8 columns), 48 on znver5 (3 of 16), 64 there at c =
 * 64. `cases` runs such a step on the host against the reference.
 */
static void test_rows_ahead(void **state)
{
	(void)state;
	static const struct {
		const char *dims, *cpu;
		int64_t ahead;
	} steps[] = {
		{"i=64,j=64,k=192,c=48", "znver3", 1},
		{"i=64,j=64,k=192,c=48", "znver5", 0},
		{"i=64,j=64,k=192,c=64", "znver5", 1},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		kcase c = {"ijk,kc->ijc", steps[x].dims, DIRECT};
		einc_program *p;
		const loop_gemm *g = compile_gemm(ctx, &c, EINC_F64, 1, steps[x].cpu, &p);
		if (!g->a_stride || g->a_ahead != steps[x].ahead)
			fail_msg("%s %s: A's K stride in place %lld, ahead %lld; expected in place, %lld",
			         steps[x].dims, steps[x].cpu, (long long)g->a_stride,
			         (long long)g->a_ahead, (long long)steps[x].ahead);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/*
 * A's next block, rows that run along K within a line, is prefetched
 * only where A is larger than the core's share of L3 (lower_gemm.c; a
 * smaller one is found there): on znver5 (4 MiB) not for an 80 x 4096
 * f32 A (1.25 MiB), packed, nor a 256 x 4096 one read in place; for an
 * 80 x 8192 f64 one (5 MiB), and for 256 x 8192 in f32. 80 rows are too
 * few to run rows first (test_rows_first), which reads a 1024^2 A in
 * place. Compiled, not run; `cases` runs both kinds against the
 * reference.
 */
static void test_ahead_from_memory(void **state)
{
	(void)state;
	static const struct {
		const char *dims;
		einc_dtype dtype;
		int64_t direct, ahead;
	} steps[] = {
		{"i=80,k=4096,j=1024", EINC_F32, 0, 0},
		{"i=80,k=8192,j=1024", EINC_F64, 0, 1},
		{"i=256,k=4096,j=256", EINC_F32, 1, 0},
		{"i=256,k=8192,j=256", EINC_F32, 1, 1},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		kcase c = {"ik,kj->ij", steps[x].dims, GEMM};
		einc_program *p;
		const loop_gemm *g = compile_gemm(ctx, &c, steps[x].dtype, 1, "znver5", &p);
		if ((g->a_stride != 0) != steps[x].direct || g->a_ahead != steps[x].ahead)
			fail_msg("%s %s: A in place %d, ahead %lld; expected %lld, %lld", steps[x].dims,
			         einc_dtype_name(steps[x].dtype), g->a_stride != 0,
			         (long long)g->a_ahead, (long long)steps[x].direct,
			         (long long)steps[x].ahead);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/*
 * A step's workspace holds no packing buffer that the runtime leaves
 * unused (runtime/gett.c): no block of A where A is read in place, one
 * KC x NR micro-panel of B and no shared panel where B is (few rows):
 * znver5, f32; few rows (B in place: NC 4096 x KC 384 and the shared
 * panel no longer reserved, 19.0 MB -> 218 KB), few columns and ttm (A in
 * place), and the 4-index transform's second step (B in place beside 8
 * register blocks of rows, its columns 9 KiB long along K:
 * einc_rt_gett_b_in_place). `cases` runs such steps against the reference
 * on 1, 2 and 16 threads.
 */
static void test_in_place_scratch(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *dims;
		int a_in_place, b_in_place;
	} steps[] = {
		{"ik,kj->ij", "i=4,k=4096,j=4096", 0, 1},
		{"ik,kj->ij", "i=4096,k=4096,j=16", 1, 0},
		{"ijk,lk->ijl", "i=256,j=256,k=256,l=64", 1, 0},
		{"rk,qrl->qkl", "q=48,r=48,k=48,l=48", 0, 1},
	};
	einc_ctx *ctx = einc_ctx_new();
	for (size_t x = 0; x < sizeof steps / sizeof steps[0]; x++) {
		kcase c = {steps[x].spec, steps[x].dims, GEMM};
		einc_program *p;
		const loop_gemm *g = compile_gemm(ctx, &c, EINC_F32, 1, "znver5", &p);
		einc_rt_gett_desc d = {.esize = 4, .batch = g->batch, .m = g->m, .n = g->n,
		                       .k = g->k, .mr = g->mr, .nr = g->nr, .mc = g->mc,
		                       .nc = g->nc, .kc = g->kc, .kind = EINC_RT_REAL};
		size_t ws = einc_program_workspace_size(p), line = 64;
		size_t a_block = (size_t)(g->mc * g->kc * 4 + 63) / line * line;
		size_t tables = (size_t)((3 * g->batch + 2 * (g->m + g->n + g->k)) * 8 + 63) / line * line;
		size_t micro_panel = (size_t)(g->kc * g->nr * 4 + 63) / line * line;
		assert_int_equal(g->a_stride != 0, steps[x].a_in_place);
		assert_int_equal(ws, (size_t)g->scratch + einc_rt_gett_scratch(&d, g->a_stride != 0));
		if (steps[x].a_in_place)
			assert_int_equal(einc_rt_gett_scratch(&d, 1) + a_block, einc_rt_gett_scratch(&d, 0));
		if (steps[x].b_in_place)
			assert_int_equal(ws, (size_t)g->scratch + tables + a_block + micro_panel +
			                         RT_GETT_TILE_MAX);
		einc_program_free(p);
	}
	einc_ctx_free(ctx);
}

/* The register block of the hand-written f64 kernels below. */
#define TMR 3
#define TNR 4

/* Calls of the packed and of the direct hand-written kernel, and calls
 * of either on B in place (rows not a packed panel's TNR apart). */
static int64_t packed_calls, direct_calls, b_in_place_calls;

/* c[rowoff[i] + j] (+)= sum_p a[arow[i] + p * astep] * b[p * ldb + j]:
 * the micro-kernel of gett.h in plain C. */
static void c_kernel(int64_t kc, const double *a, const int64_t *arow, int64_t astep,
                     const double *b, int64_t ldb, double *c, const int64_t *rowoff,
                     int64_t first)
{
	if (ldb != TNR)
		__atomic_fetch_add(&b_in_place_calls, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < TMR; i++)
		for (int j = 0; j < TNR; j++) {
			double sum = 0;
			for (int64_t p = 0; p < kc; p++)
				sum += a[arow[i] + p * astep] * b[p * ldb + j];
			c[rowoff[i] + j] = first ? sum : c[rowoff[i] + j] + sum;
		}
}

/* einc_rt_ukernel on a packed A panel, counted. */
static void packed_kernel(int64_t kc, const void *a, const void *b, int64_t ldb, void *c,
                          const int64_t *rowoff, int64_t first)
{
	static const int64_t arow[TMR] = {0, 1, 2};
	__atomic_fetch_add(&packed_calls, 1, __ATOMIC_RELAXED);
	c_kernel(kc, a, arow, TMR, b, ldb, c, rowoff, first);
}

/* einc_rt_ukernel_direct on A in place with K stride 1, counted. */
static void direct_kernel(int64_t kc, const void *a, const int64_t *aoff, const void *b,
                          int64_t ldb, void *c, const int64_t *rowoff, int64_t first)
{
	__atomic_fetch_add(&direct_calls, 1, __ATOMIC_RELAXED);
	c_kernel(kc, a, aoff, 1, b, ldb, c, rowoff, first);
}

/* Small integers into A (m x k) and B (k x n), row-major: their products
 * and sums are exact. */
static void fill_small(double *a, double *b, int64_t m, int64_t n, int64_t k)
{
	for (int64_t e = 0; e < m * k; e++)
		a[e] = (double)(e * 7 % 11) - 5;
	for (int64_t e = 0; e < k * n; e++)
		b[e] = (double)(e * 5 % 13) - 6;
}

/* Asserts that C (rows "ldc" apart) holds A B exactly (fill_small's
 * operands); "run" names the case. */
static void check_product(const double *c, int64_t ldc, const double *a, const double *b,
                          int64_t m, int64_t n, int64_t k, int run)
{
	for (int64_t i = 0; i < m; i++)
		for (int64_t j = 0; j < n; j++) {
			double want = 0;
			for (int64_t p = 0; p < k; p++)
				want += a[i * k + p] * b[p * n + j];
			if (c[i * ldc + j] != want)
				fail_msg("%lldx%lldx%lld run %d: c[%lld,%lld] = %g, expected %g",
				         (long long)m, (long long)n, (long long)k, run, (long long)i,
				         (long long)j, c[i * ldc + j], want);
		}
}

/* einc_rt_gett runs the kernel the descriptor asks for, never the other: A in
 * place when kernel_direct is set, packed otherwise, on C = A B (row-major,
 * A's K stride 1) with edge extents against plain loops, exactly (small
 * integers), on 1 and 2 threads, with and without A's next block
 * prefetched ("ahead": 13x11x131 has partial row, column and K blocks,
 * the prefetch crossing into the next K block); B in place exactly when
 * einc_rt_gett_b_in_place says so and N has a whole panel of columns
 * (13x11x131: 5 blocks of rows, B's columns 11 KiB long); and
 * the rule that gives a step the direct kernel, on the benchmark's steps. */
static void test_gett_direct(void **state)
{
	(void)state;
	const int64_t shapes[][3] = {{1, 1, 1}, {1, 5, 2}, {7, 1, 3}, {13, 11, 131}, {4, 16, 64}};
	for (size_t x = 0; x < sizeof shapes / sizeof shapes[0]; x++)
		for (int run = 0; run < 8; run++) {
			int64_t m = shapes[x][0], n = shapes[x][1], k = shapes[x][2];
			int64_t sizes[3] = {m, n, k}, strides[9] = {k, 0, 1, 0, 1, n, n, 1, 0};
			einc_rt_gett_desc d = {.esize = 8, .batch = 1, .m = m, .n = n, .k = k, .mr = TMR,
			                  .nr = TNR, .mc = 2 * TMR, .nc = 2 * TNR, .kc = 64,
			                  .threads = 1 + run % 2, .ndims = {0, 1, 1, 1},
			                  .sizes = sizes, .strides = strides, .kernel = packed_kernel,
			                  .kernel_direct = run % 4 < 2 ? direct_kernel : NULL,
			                  .ahead = run / 4};
			double *a = malloc((size_t)(m * k) * 8), *b = malloc((size_t)(k * n) * 8);
			double *c = malloc((size_t)(m * n) * 8);
			fill_small(a, b, m, n, k);
			size_t bytes = einc_rt_gett_scratch(&d, d.kernel_direct != NULL);
			void *scratch = aligned_alloc(64, (bytes + 63) / 64 * 64);
			packed_calls = direct_calls = b_in_place_calls = 0;
			if (run % 2) /* reading A into the caches again meanwhile */
				einc_rt_gett_next(&d, c, a, b, scratch, a, m * k * 8);
			else
				einc_rt_gett(&d, c, a, b, scratch);
			if (d.kernel_direct)
				assert_true(direct_calls > 0 && packed_calls == 0);
			else
				assert_true(packed_calls > 0 && direct_calls == 0);
			int in_place = einc_rt_gett_b_in_place(m, TMR, 1, &k, &n, 8) && n >= TNR;
			assert_true((b_in_place_calls > 0) == in_place);
			check_product(c, n, a, b, m, n, k, run);
			free(scratch);
			free(a);
			free(b);
			free(c);
		}
	/* (K stride, n, nc, nr): ttm, mttkrp's and bilinear's big steps, bmm
	 * in place; gemm 1024^3 (32 blocks), A's K stride not 1, no one stride */
	assert_true(lower_gemm_direct_pays(1, 64, 64, 32));
	assert_true(lower_gemm_direct_pays(1, 32, 64, 32));
	assert_true(lower_gemm_direct_pays(1, 128, 128, 32));
	assert_true(lower_gemm_direct_pays(1, 256, 256, 32));
	assert_false(lower_gemm_direct_pays(1, 1024, 1024, 32));
	assert_false(lower_gemm_direct_pays(256, 64, 64, 32));
	assert_false(lower_gemm_direct_pays(0, 64, 64, 32));
}

/* C's bounds for line_kernel, and the rows of tiles that it stored in place
 * across a cache line's end. */
static const char *line_c0, *line_c1;
static int64_t line_straddles;

/* packed_kernel, counting the rows of tiles in place in C (not the edge
 * buffer) that straddle two cache lines. */
static void line_kernel(int64_t kc, const void *a, const void *b, int64_t ldb, void *c,
                        const int64_t *rowoff, int64_t first)
{
	for (int i = 0; i < TMR; i++) {
		const char *row = (const char *)((double *)c + rowoff[i]);
		if (row >= line_c0 && row < line_c1 && (uintptr_t)row % 64 + TNR * 8 > 64)
			line_straddles++;
	}
	packed_kernel(kc, a, b, ldb, c, rowoff, first);
}

/* einc_rt_gett on a C whose rows start 8 to 56 bytes past a cache line
 * (numpy's large arrays: 16) and lie whole lines apart: N is turned so that
 * no tile in place straddles a line (gett.c's line_turn), the tile that
 * wraps around N's ends scattered; exact against plain loops with partial
 * blocks at both ends of N, one K block (stored) and two (added), on 1 and
 * 2 threads. Rows not whole lines apart are computed as they lie. The
 * same with the offset tables given (d.tables, as the compiler gives
 * them), which the turn leaves as they are; C's N table, B's, and the
 * batch tables, all alike, are stored once. */
static void test_gett_line_turn(void **state)
{
	(void)state;
	const int64_t m = 7, n = 32 * TNR + 3;
	for (int run = 0; run < 32; run++) {
		int64_t k = run % 2 ? 70 : 5, off = 8 * (1 + run / 2 % 7);
		int64_t ldc = run / 2 % 8 < 7 ? 136 : n;
		int64_t sizes[3] = {m, n, k}, strides[9] = {k, 0, 1, 0, 1, n, ldc, 1, 0};
		einc_rt_gett_desc d = {.esize = 8, .batch = 1, .m = m, .n = n, .k = k, .mr = TMR,
		                       .nr = TNR, .mc = 2 * TMR, .nc = 4 * TNR, .kc = 64,
		                       .threads = 1 + run / 4 % 2, .ndims = {0, 1, 1, 1},
		                       .sizes = sizes, .strides = strides, .kernel = line_kernel};
		double *a = malloc((size_t)(m * k) * 8), *b = malloc((size_t)(k * n) * 8);
		char *buf = aligned_alloc(64, (size_t)(m * ldc * 8 + 63) / 64 * 64 + 64);
		double *c = (double *)(buf + off);
		fill_small(a, b, m, n, k);
		size_t bytes = einc_rt_gett_scratch(&d, d.kernel_direct != NULL);
		void *scratch = aligned_alloc(64, (bytes + 63) / 64 * 64);
		int64_t entries = einc_rt_gett_table_entries(&d, 0, NULL);
		int64_t *tables = malloc((size_t)entries * 8), *copy = malloc((size_t)entries * 8);
		assert_int_equal(entries, 1 + 2 * m + 2 * k + n);
		einc_rt_gett_tables(&d, 0, NULL, tables);
		memcpy(copy, tables, (size_t)entries * 8);
		d.tables = run < 16 ? NULL : tables;
		line_c0 = (const char *)c;
		line_c1 = (const char *)(c + m * ldc);
		line_straddles = 0;
		einc_rt_gett(&d, c, a, b, scratch);
		if (ldc % 8 == 0)
			assert_int_equal(line_straddles, 0);
		check_product(c, ldc, a, b, m, n, k, run);
		assert_memory_equal(tables, copy, (size_t)entries * 8);
		free(tables);
		free(copy);
		free(scratch);
		free(a);
		free(b);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_gett_split),
		cmocka_unit_test(test_gemm_even_blocks),
		cmocka_unit_test(test_across_blocks),
		cmocka_unit_test(test_whole_m_ahead),
		cmocka_unit_test(test_rows_ahead),
		cmocka_unit_test(test_ahead_from_memory),
		cmocka_unit_test(test_in_place_scratch),
		cmocka_unit_test(test_kc_one_block),
		cmocka_unit_test(test_rows_first),
		cmocka_unit_test(test_next_rows),
		cmocka_unit_test(test_copy_blocks),
		cmocka_unit_test(test_inner_vector),
		cmocka_unit_test(test_b_in_place_blocks),
		cmocka_unit_test(test_in_place_prefetches),
		cmocka_unit_test(test_gett_direct),
		cmocka_unit_test(test_gett_line_turn),
		cmocka_unit_test(test_line_offsets),
		cmocka_unit_test_prestate(test_kernels, (void *)&runs[0]),
		cmocka_unit_test_prestate(test_kernels, (void *)&runs[1]),
		cmocka_unit_test_prestate(test_kernels, (void *)&runs[2]),
		cmocka_unit_test_prestate(test_kernels, (void *)&runs[3]),
		cmocka_unit_test_prestate(test_kernels, (void *)&runs[4]),
		cmocka_unit_test_prestate(test_kernels, (void *)&runs[5]),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
