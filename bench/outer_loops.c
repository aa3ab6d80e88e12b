/*
 * outer_loops.c - the ceilings of the micro-kernel loops that an outer
 * product feeding a GEMM with 16 columns (issue 20's outer_gemm,
 * zci,zcj,ijk->zck, i = j = k = 16, f32) can run on, in L1, on one core
 * (a tool, not a test; docs/bench-kernels.md, "The outer product's loop
 * ceilings"). Each loop does 256 x 16 x 16 multiply-adds of zmm floats per
 * pass over a 16 KiB B (the 256 x 16 packed panel) and prints their rate
 * in GFLOP/s of process CPU time (2 flops a multiply-add; the products'
 * multiplies not counted):
 *   reg       16 chains of register-only multiply-adds (the FMA peak)
 *   8x1       runtime/outer_kernel.c's 8 x 1 loop without its products:
 *             a row of B and 8 broadcast multiply-adds per k (8 chains)
 *   8x1+prod  the same with each run's products made and stored first
 *             (8 multiplies and stores per 16 k), as outer_f32_8x1x1 does
 *   16x1      16 rows: 16 broadcast multiply-adds per row of B (16 chains)
 *   16x1+prod the same with the products made and stored first
 *   T16       roles turned: 16 rows in a vector, the 16 columns' sums in 16
 *             vectors, per k one multiply of the factors' columns (the
 *             products, never stored) and 16 multiply-adds on broadcasts of B
 *   T2x8      roles turned, 32 rows in 2 vectors x 8 columns: 2 multiplies,
 *             8 broadcasts and 16 multiply-adds per k and half of B's row
 * Built as build/bench/outer_loops; prints nothing but a note where the CPU
 * lacks AVX-512.
 */
#define _POSIX_C_SOURCE 199309L
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

enum { K = 256, REPS = 20000 };

static float b[K * 16] __attribute__((aligned(64)));
static float prodbuf[2][16][16] __attribute__((aligned(64)));
static float sink[32 * 16];
static __m512 cols[32];

/* Process CPU seconds. */
static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Keeps "n" accumulators live. */
static void keep(const __m512 *acc, int n)
{
	for (int i = 0; i < n; i++)
		_mm512_storeu_ps(sink + 16 * i, acc[i]);
}

__attribute__((noinline)) static void loop_reg(void)
{
	__m512 acc[16], x = cols[0], y = cols[1];
	for (int i = 0; i < 16; i++)
		acc[i] = _mm512_setzero_ps();
	for (long r = 0; r < REPS * (long)K; r++) {
		_Pragma("GCC unroll 16") for (int i = 0; i < 16; i++)
			acc[i] = _mm512_fmadd_ps(x, y, acc[i]);
		__asm__("" : "+v"(x));
	}
	keep(acc, 16);
}

/* MR rows x 1 vector of B per k, the rows' values broadcast from "a"
 * (PROD: the products made and stored a run of 16 k ahead). */
#define ROWS_LOOP(NAME, MR, PROD)                                                        \
	__attribute__((noinline)) static void NAME(void)                                \
	{                                                                               \
		__m512 acc[MR];                                                         \
		for (int i = 0; i < MR; i++)                                            \
			acc[i] = _mm512_setzero_ps();                                   \
		for (long r = 0; r < REPS * (long)16 / MR; r++)                         \
			for (int u = 0; u < 16; u++) {                                  \
				if (PROD)                                               \
					_Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) \
						_mm512_store_ps(prodbuf[(u + 1) % 2][i], \
						                _mm512_mul_ps(_mm512_set1_ps(b[u + i]), cols[i])); \
				for (int q = 0; q < 16; q++) {                          \
					__m512 bv = _mm512_load_ps(b + (u * 16 + q) * 16); \
					_Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) \
						acc[i] = _mm512_fmadd_ps(_mm512_set1_ps(prodbuf[u % 2][i][q]), \
						                         bv, acc[i]);   \
				}                                                       \
			}                                                               \
		keep(acc, MR);                                                          \
	}
ROWS_LOOP(loop_8x1, 8, 0)
ROWS_LOOP(loop_8x1_prod, 8, 1)
ROWS_LOOP(loop_16x1, 16, 0)
ROWS_LOOP(loop_16x1_prod, 16, 1)

__attribute__((noinline)) static void loop_t16(void)
{
	__m512 acc[16];
	for (int k = 0; k < 16; k++)
		acc[k] = _mm512_setzero_ps();
	for (long r = 0; r < REPS; r++)
		for (int u = 0; u < 16; u++) {
			__m512 x = cols[16 + u];
			for (int q = 0; q < 16; q++) {
				__m512 a = _mm512_mul_ps(x, cols[q]);
				const float *bq = b + (u * 16 + q) * 16;
				_Pragma("GCC unroll 16") for (int k = 0; k < 16; k++)
					acc[k] = _mm512_fmadd_ps(a, _mm512_set1_ps(bq[k]), acc[k]);
			}
		}
	keep(acc, 16);
}

__attribute__((noinline)) static void loop_t2x8(void)
{
	__m512 acc[16];
	for (int k = 0; k < 16; k++)
		acc[k] = _mm512_setzero_ps();
	for (long r = 0; r < REPS; r++)
		for (int p = 0; p < K; p++) {
				__m512 a0 = _mm512_mul_ps(cols[16], cols[p % 16]);
				__m512 a1 = _mm512_mul_ps(cols[17], cols[p % 16 + 1]);
				const float *bq = b + p * 16 + p % 2 * 8;
				_Pragma("GCC unroll 8") for (int k = 0; k < 8; k++) {
					__m512 bb = _mm512_set1_ps(bq[k]);
					acc[2 * k] = _mm512_fmadd_ps(a0, bb, acc[2 * k]);
					acc[2 * k + 1] = _mm512_fmadd_ps(a1, bb, acc[2 * k + 1]);
				}
		}
	keep(acc, 16);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} loops[] = {{"reg", loop_reg},   {"8x1", loop_8x1},         {"8x1+prod", loop_8x1_prod},
	             {"16x1", loop_16x1}, {"16x1+prod", loop_16x1_prod}, {"T16", loop_t16},
	             {"T2x8", loop_t2x8}};
	enum { LOOPS = sizeof loops / sizeof loops[0] };
	if (!__builtin_cpu_supports("avx512f")) {
		fprintf(stderr, "outer_loops: this CPU has no AVX-512\n");
		return 1;
	}
	for (int i = 0; i < K * 16; i++)
		b[i] = 1e-3f * (float)(i % 7);
	for (int i = 0; i < 32; i++)
		cols[i] = _mm512_set1_ps(0.999f + 1e-4f * (float)i);
	double flops = 2.0 * REPS * K * 16 * 16, best[LOOPS] = {0};
	for (int round = 0; round < 5; round++)
		for (int l = 0; l < LOOPS; l++) {
			double t0 = cpu_now();
			loops[l].run();
			double rate = flops / (cpu_now() - t0) * 1e-9;
			best[l] = rate > best[l] ? rate : best[l];
		}
	for (int l = 0; l < LOOPS; l++)
		printf("%-9s %6.1f GFLOP/s\n", loops[l].name, best[l]);
	return sink[3] < 0;
}
