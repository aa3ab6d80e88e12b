/* aot_time.c - time one ahead-of-time compiled einc kernel (generic host).
 *
 * The kernel comes from `einc SPEC -d ... -o CASE.o --header CASE.h --name kernel`;
 * this file is built once per case with that header forced in:
 *
 *   gcc -O2 -DELEM=float -include CASE.h bench/aot_time.c CASE.o libeinc_rt.a \
 *       -lpthread -lm -o CASE
 *   EINC_NUM_THREADS=4 ./CASE FLOP [MIN_SECONDS] [DUMP_DIR]
 *
 * ELEM is the case's element type (float for f32, double for f64). FLOP is the
 * case's FLOP count (numpy.einsum_path's optimized count), used only for the
 * GFLOP/s figure. Every operand is a 2 MiB aligned buffer with
 * madvise(MADV_HUGEPAGE), as numpy gets for its own large arrays; inputs are
 * uniform in [-1, 1) from a fixed xorshift seed. Two warm-up calls (the first
 * allocates the kernel's workspace), then repetitions until MIN_SECONDS
 * (default 0.5) have passed and at least 3 have run (at most 1000); prints the
 * best and the median time. With DUMP_DIR the inputs and the output are written
 * there as raw arrays (in0.bin, in1.bin, [in2.bin,] out.bin) for a check
 * against numpy.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#ifndef ELEM
#error "compile with -DELEM=float or -DELEM=double"
#endif
#ifndef KERNEL_NUM_INPUTS
#error "compile with -include CASE.h (a header written by einc --name kernel)"
#endif

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static ELEM *alloc_elems(size_t n)
{
	size_t align = (size_t)2 << 20;
	size_t bytes = (n * sizeof(ELEM) + align - 1) / align * align;
	void *p = aligned_alloc(align, bytes);
	if (!p) {
		fprintf(stderr, "aot_time: out of memory (%zu bytes)\n", bytes);
		exit(2);
	}
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	memset(p, 0, bytes);
	return p;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static void fill(ELEM *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		a[i] = (ELEM)((double)(rng >> 11) * (2.0 / 9007199254740992.0) - 1.0);
	}
}

static void dump(const char *dir, const char *name, const ELEM *a, size_t n)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(a, sizeof *a, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "aot_time: cannot write %s\n", path);
		exit(2);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int call(ELEM *out, ELEM **in)
{
#if KERNEL_NUM_INPUTS == 1
	return kernel(out, in[0], NULL);
#elif KERNEL_NUM_INPUTS == 2
	return kernel(out, in[0], in[1], NULL);
#elif KERNEL_NUM_INPUTS == 3
	return kernel(out, in[0], in[1], in[2], NULL);
#elif KERNEL_NUM_INPUTS == 4
	return kernel(out, in[0], in[1], in[2], in[3], NULL);
#else
#error "aot_time handles 1 to 4 inputs"
#endif
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FLOP [MIN_SECONDS] [DUMP_DIR]\n", argv[0]);
		return 2;
	}
	double flop = strtod(argv[1], NULL);
	double min_s = argc > 2 ? strtod(argv[2], NULL) : 0.5;
	const char *dir = argc > 3 ? argv[3] : NULL;

	size_t in_elems[4] = {0};
	ELEM *in[4] = {0};
	in_elems[0] = KERNEL_IN0_ELEMS;
#if KERNEL_NUM_INPUTS > 1
	in_elems[1] = KERNEL_IN1_ELEMS;
#endif
#if KERNEL_NUM_INPUTS > 2
	in_elems[2] = KERNEL_IN2_ELEMS;
#endif
#if KERNEL_NUM_INPUTS > 3
	in_elems[3] = KERNEL_IN3_ELEMS;
#endif
	for (int i = 0; i < KERNEL_NUM_INPUTS; i++) {
		in[i] = alloc_elems(in_elems[i]);
		fill(in[i], in_elems[i]);
	}
	ELEM *out = alloc_elems(KERNEL_OUT_ELEMS);

	for (int w = 0; w < 2; w++)
		if (call(out, in) != 0) {
			fprintf(stderr, "aot_time: kernel failed\n");
			return 1;
		}

	enum { MAX_REPS = 1000 };
	static double t[MAX_REPS];
	int reps = 0;
	double start = now();
	while (reps < MAX_REPS && (reps < 3 || now() - start < min_s)) {
		double t0 = now();
		call(out, in);
		t[reps++] = now() - t0;
	}
	qsort(t, (size_t)reps, sizeof t[0], cmp_double);
	const char *nt = getenv("EINC_NUM_THREADS");
	printf("threads=%s reps=%d best_ms=%.4f median_ms=%.4f gflops=%.2f\n",
	       nt ? nt : "default", reps, 1e3 * t[0], 1e3 * t[reps / 2],
	       flop / t[0] * 1e-9);

	if (dir) {
		char name[16];
		for (int i = 0; i < KERNEL_NUM_INPUTS; i++) {
			snprintf(name, sizeof name, "in%d.bin", i);
			dump(dir, name, in[i], in_elems[i]);
		}
		dump(dir, "out.bin", out, KERNEL_OUT_ELEMS);
	}
	return 0;
}
