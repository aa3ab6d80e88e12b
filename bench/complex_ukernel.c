/*
 * complex_ukernel.c - BLIS's 1m method against native complex micro-kernels,
 * the choice docs/dtypes.md's complex GEMM-like steps rest on
 * (docs/bench-kernels.md), on AVX2 + FMA, one thread:
 *
 *   complex_ukernel [REPEAT]       (default 7)
 *
 * For c64 and c128 it times one macro-kernel pass as runtime/gett.c runs
 * it: a B micro-panel (KC x NR, in L1) against the MR-row micro-panels of
 * an A block (MC x KC, in L2), each kernel call adding an MR x NR block of
 * C. Beside each other, with the same 12 vector accumulators:
 *   1m:     the real kernel of einc's block for the part type (6 rows x 2
 *           vectors), on A's parts along K and B packed as [re im; -im re]
 *           blocks (passes/lower_gemm_complex.c, runtime/gett.c's pack_c_T):
 *           2 KC real steps per KC complex ones;
 *   native: 3 complex rows x 2 vectors of interleaved complex columns, the
 *           real and imaginary parts of A broadcast apart into two sets of
 *           accumulators, joined by one addsub at the end (BLIS's and
 *           OpenBLAS's haswell zgemm/cgemm kernels' scheme).
 * Both do the same complex multiply-adds per call (6 x NR/2 complex 1m, 2
 * calls of 3 x NR/2 native); the GFLOP/s count 8 real flops per complex
 * multiply-add. Best of REPEAT runs, 1m and native alternating; each
 * result is checked against a plain complex product first (exactly: the
 * inputs are multiples of 1/128; exit status 1 when one differs).
 */
#define _POSIX_C_SOURCE 200809L
#include <complex.h>
#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MC = 120, KC = 128, PASSES = 200 }; /* KC complex: einc's 256 real */

/* Seconds on the monotonic clock. */
static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/*
 * The two kernels of one part type T (vectors V of L parts; the intrinsics'
 * suffix S, the swap of a complex's parts P):
 * k1m_T:  1m, C (6 rows x 2L reals = L complex, rows "ldc" apart) += A (6 x
 *         kc2 reals, packed by k) times B (kc2 x 2L reals, packed by k);
 * knat_T: native, C (3 x L complex) += A (3 x kc complex, packed by k)
 *         times B (kc x L complex, packed by k).
 */
#define KERNELS(T, V, L, S, P)                                                          \
	static void k1m_##T(long kc2, const T *a, const T *b, T *c, long ldc)           \
	{                                                                               \
		V acc[6][2] = {{_mm256_setzero_##S()}};                                 \
		for (long k = 0; k < kc2; k++, a += 6, b += 2 * L) {                    \
			V b0 = _mm256_loadu_##S(b), b1 = _mm256_loadu_##S(b + L);       \
			for (int i = 0; i < 6; i++) {                                   \
				V x = _mm256_set1_##S(a[i]);                            \
				acc[i][0] = _mm256_fmadd_##S(x, b0, acc[i][0]);         \
				acc[i][1] = _mm256_fmadd_##S(x, b1, acc[i][1]);         \
			}                                                               \
		}                                                                       \
		for (int i = 0; i < 6; i++)                                             \
			for (int v = 0; v < 2; v++) {                                   \
				T *to = c + i * ldc + L * v;                            \
				_mm256_storeu_##S(to, _mm256_add_##S(_mm256_loadu_##S(to), acc[i][v])); \
			}                                                               \
	}                                                                               \
	static void knat_##T(long kc, const T *a, const T *b, T *c, long ldc)           \
	{                                                                               \
		V re[3][2] = {{_mm256_setzero_##S()}}, im[3][2] = {{_mm256_setzero_##S()}}; \
		for (long k = 0; k < kc; k++, a += 6, b += 2 * L) {                     \
			V b0 = _mm256_loadu_##S(b), b1 = _mm256_loadu_##S(b + L);       \
			for (int i = 0; i < 3; i++) {                                   \
				V xr = _mm256_set1_##S(a[2 * i]), xi = _mm256_set1_##S(a[2 * i + 1]); \
				re[i][0] = _mm256_fmadd_##S(xr, b0, re[i][0]);          \
				re[i][1] = _mm256_fmadd_##S(xr, b1, re[i][1]);          \
				im[i][0] = _mm256_fmadd_##S(xi, b0, im[i][0]);          \
				im[i][1] = _mm256_fmadd_##S(xi, b1, im[i][1]);          \
			}                                                               \
		}                                                                       \
		for (int i = 0; i < 3; i++)                                             \
			for (int v = 0; v < 2; v++) {                                   \
				V z = _mm256_addsub_##S(re[i][v], _mm256_permute_##S(im[i][v], P)); \
				T *to = c + i * ldc + L * v;                            \
				_mm256_storeu_##S(to, _mm256_add_##S(_mm256_loadu_##S(to), z)); \
			}                                                               \
	}

KERNELS(double, __m256d, 4, pd, 5)
KERNELS(float, __m256, 8, ps, 0xb1)

/* One dtype's operands: complex A (MC x KC), B (KC x NR), packed both ways. */
typedef struct {
	int nr;                        /* complex columns of a kernel's block */
	double complex *a, *b, *want;  /* the plain product's operands, C */
	void *a1m, *b1m, *anat, *bnat; /* packed */
	void *c;                       /* C, MC x NR complex, interleaved */
} operands;

/* Part "p" of complex "z" stored as float or double at "to"[at]. */
static void put(void *to, int f64, long at, double complex z, int p)
{
	double v = p ? cimag(z) : creal(z);
	if (f64)
		((double *)to)[at] = v;
	else
		((float *)to)[at] = (float)v;
}

/* Random A and B of "o" packed for 1m (rows of 6, B as [re im; -im re]) and
 * natively (rows of 3 complex, B as it is), and the plain product. */
static void make(operands *o, int f64)
{
	size_t part = f64 ? 8 : 4;
	int nr = o->nr;
	o->a = malloc(sizeof(double complex) * MC * KC);
	o->b = malloc(sizeof(double complex) * KC * (size_t)nr);
	o->want = calloc(MC * (size_t)nr, sizeof(double complex));
	o->a1m = aligned_alloc(64, part * 2 * MC * KC);
	o->anat = aligned_alloc(64, part * 2 * MC * KC);
	o->b1m = aligned_alloc(64, part * 4 * KC * (size_t)nr);
	o->bnat = aligned_alloc(64, part * 2 * KC * (size_t)nr);
	o->c = aligned_alloc(64, part * 2 * MC * (size_t)nr);
	unsigned s = 7;
	for (long x = 0; x < MC * KC; x++, s = s * 1103515245u + 12345u)
		o->a[x] = (double)(s >> 16 & 255) / 128 - 1 + I * ((double)(s >> 8 & 255) / 128 - 1);
	for (long x = 0; x < KC * nr; x++, s = s * 1103515245u + 12345u)
		o->b[x] = (double)(s >> 16 & 255) / 128 - 1 + I * ((double)(s >> 8 & 255) / 128 - 1);
	for (long i = 0; i < MC; i++)
		for (long k = 0; k < KC; k++) {
			for (int p = 0; p < 2; p++) {
				put(o->a1m, f64, (i / 6) * 6 * 2 * KC + (2 * k + p) * 6 + i % 6, o->a[i * KC + k], p);
				put(o->anat, f64, (i / 3) * 3 * 2 * KC + k * 6 + 2 * (i % 3) + p,
				    o->a[i * KC + k], p);
			}
			for (int j = 0; j < nr; j++)
				o->want[i * nr + j] += o->a[i * KC + k] * o->b[k * nr + j];
		}
	for (long k = 0; k < KC; k++)
		for (int j = 0; j < nr; j++) {
			double complex z = o->b[k * nr + j];
			put(o->bnat, f64, k * 2 * nr + 2 * j, z, 0);
			put(o->bnat, f64, k * 2 * nr + 2 * j + 1, z, 1);
			put(o->b1m, f64, 2 * k * 2 * nr + 2 * j, z, 0);     /* A.re's row: re im */
			put(o->b1m, f64, 2 * k * 2 * nr + 2 * j + 1, z, 1);
			put(o->b1m, f64, (2 * k + 1) * 2 * nr + 2 * j, -cimag(z), 0); /* A.im's: -im re */
			put(o->b1m, f64, (2 * k + 1) * 2 * nr + 2 * j + 1, z, 0);
		}
}

/* One macro-kernel pass of "o": every MR-row panel of A against B, by 1m
 * ("native" 0) or natively, into C. */
static void pass(const operands *o, int f64, int native)
{
	long ldc = 2 * o->nr;
	for (long i = 0; i < MC; i += native ? 3 : 6) {
		if (f64 && native)
			knat_double(KC, (const double *)o->anat + i * 2 * KC, o->bnat, (double *)o->c + i * ldc, ldc);
		else if (f64)
			k1m_double(2 * KC, (const double *)o->a1m + i * 2 * KC, o->b1m, (double *)o->c + i * ldc, ldc);
		else if (native)
			knat_float(KC, (const float *)o->anat + i * 2 * KC, o->bnat, (float *)o->c + i * ldc, ldc);
		else
			k1m_float(2 * KC, (const float *)o->a1m + i * 2 * KC, o->b1m, (float *)o->c + i * ldc, ldc);
	}
}

/* The largest difference of one pass's C from the plain product. */
static double check(operands *o, int f64, int native)
{
	memset(o->c, 0, (f64 ? 16 : 8) * MC * (size_t)o->nr);
	pass(o, f64, native);
	double err = 0;
	for (long x = 0; x < 2L * MC * o->nr; x++) {
		double got = f64 ? ((double *)o->c)[x] : ((float *)o->c)[x];
		double want = x % 2 ? cimag(o->want[x / 2]) : creal(o->want[x / 2]);
		err = fmax(err, fabs(got - want));
	}
	return err;
}

int main(int argc, char **argv)
{
	int repeat = argc > 1 ? atoi(argv[1]) : 7, bad = 0;
	printf("| dtype | kernel | block (complex) | GFLOP/s | max error |\n|---|---|---|---|---|\n");
	for (int f64 = 1; f64 >= 0; f64--) {
		operands o = {.nr = f64 ? 4 : 8};
		make(&o, f64);
		double best[2] = {0, 0}, err[2] = {check(&o, f64, 0), check(&o, f64, 1)};
		bad |= !(err[0] <= 1e-9 && err[1] <= 1e-9); /* exact: dyadic inputs */
		for (int r = 0; r < repeat; r++)
			for (int native = 0; native < 2; native++) {
				double t0 = now();
				for (int p = 0; p < PASSES; p++)
					pass(&o, f64, native);
				double gf = 8.0 * MC * KC * o.nr * PASSES / (now() - t0) / 1e9;
				best[native] = fmax(best[native], gf);
			}
		for (int native = 0; native < 2; native++)
			printf("| %s | %s | %s x %d | %.2f | %.1e |\n", f64 ? "c128" : "c64",
			       native ? "native" : "1m", native ? "3" : "6", o.nr, best[native], err[native]);
		free(o.a), free(o.b), free(o.want), free(o.a1m), free(o.b1m), free(o.anat), free(o.bnat);
		free(o.c);
	}
	if (bad)
		fprintf(stderr, "complex_ukernel: a kernel's product is wrong\n");
	return bad;
}
