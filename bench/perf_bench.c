/*
 * perf_bench.c - times one einsum compiled by einc (JIT), for perf_bench.py.
 *
 *   perf_bench SPEC DIMS DTYPE DIR
 *
 * compiles it with the searched contraction order (EINC_PATH_AUTO) and the
 * default threads (EINC_NUM_THREADS), reads the operands from DIR/in0.bin,
 * DIR/in1.bin, ... (dense, row-major, raw) into huge-page buffers (as numpy
 * gives its large arrays), runs the kernel once to warm up, then until 0.5 s and 3 runs have
 * passed (at most 50 runs; a run over 5 s ends it), writes the result to
 * DIR/out.bin and prints
 *   compile_ms=C ms_best=B ms_median=M reps=N workspace=W
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "einc.h"
#include "workspace.h"

/* Seconds on the monotonic clock. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The bytes of operand "k" (-1: the output) of "p". */
static size_t bytes(const einc_program *p, int k)
{
	size_t esize = einc_dtype_size(einc_program_dtype(p));
	return esize * (size_t)einc_program_elems(p, k);
}

/* Reads or writes the "n" bytes of "buf" from or to DIR/NAME. */
static int file_io(const char *dir, const char *name, void *buf, size_t n, int write)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, write ? "wb" : "rb");
	if (!f)
		return -1;
	size_t done = write ? fwrite(buf, 1, n, f) : fread(buf, 1, n, f);
	return fclose(f) || done != n ? -1 : 0;
}

/* Orders doubles for qsort. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	einc_options o;
	einc_options_init(&o);
	if (argc != 5 || einc_dtype_parse(argv[3], &o.dtype)) {
		fprintf(stderr, "usage: perf_bench SPEC DIMS DTYPE DIR (DTYPE: %s)\n",
		        einc_dtype_names());
		return 2;
	}
	einc_ctx *ctx = einc_ctx_new();
	o.path = EINC_PATH_AUTO; /* the searched order, as the suite's FLOP counts assume */
	einc_program *p = NULL;
	einc_kernel *k = NULL;
	double t0 = now();
	if (einc_compile_text(ctx, argv[1], argv[2], NULL, &o, &p) ||
	    einc_program_jit(ctx, p, &k)) {
		fprintf(stderr, "perf_bench: %s\n", einc_ctx_message(ctx));
		return 1;
	}
	double compile_ms = (now() - t0) * 1e3;
	int n = einc_program_num_inputs(p);
	void **in = calloc((size_t)n + 1, sizeof(void *));
	for (int x = 0; x < n; x++) {
		char name[32];
		snprintf(name, sizeof name, "in%d.bin", x);
		in[x] = einc_rt_buffer_alloc(bytes(p, x));
		if (!in[x] || file_io(argv[4], name, in[x], bytes(p, x), 0)) {
			fprintf(stderr, "perf_bench: cannot read %s/%s\n", argv[4], name);
			return 1;
		}
	}
	void *out = einc_rt_buffer_alloc(bytes(p, -1));
	size_t wsize = einc_kernel_workspace_size(k);
	void *ws = wsize ? einc_rt_buffer_alloc(wsize) : NULL;
	if (!out || (wsize && !ws) || einc_kernel_run(k, out, (const void *const *)in, ws)) {
		fprintf(stderr, "perf_bench: the run failed\n");
		return 1;
	}
	double times[50], total = 0;
	int reps = 0;
	while (reps < 50) {
		double t = now();
		einc_kernel_run(k, out, (const void *const *)in, ws);
		t = now() - t;
		times[reps++] = t;
		total += t;
		if (t > 5.0 || (total >= 0.5 && reps >= 3))
			break;
	}
	qsort(times, (size_t)reps, sizeof times[0], cmp_double);
	if (file_io(argv[4], "out.bin", out, bytes(p, -1), 1)) {
		fprintf(stderr, "perf_bench: cannot write %s/out.bin\n", argv[4]);
		return 1;
	}
	printf("compile_ms=%.1f ms_best=%.6f ms_median=%.6f reps=%d workspace=%zu\n", compile_ms,
	       times[0] * 1e3, times[reps / 2] * 1e3, reps, wsize);
	for (int x = 0; x < n; x++)
		free(in[x]);
	free(in);
	free(out);
	free(ws);
	einc_kernel_free(k);
	einc_program_free(p);
	einc_ctx_free(ctx);
	return 0;
}
