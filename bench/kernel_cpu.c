/*
 * kernel_cpu.c - the process CPU time of one einsum's kernel call, for A/B
 * runs of two builds on a loaded machine (a tool, not a test).
 *
 *   kernel_cpu SPEC DIMS DTYPE [THREADS [CALLS]]
 *
 * compiles SPEC (the searched order) for THREADS threads (default 1), fills
 * the inputs with values in [-1, 1), runs the kernel once to warm up, then
 * CALLS times (default 5) and prints the least process CPU time of a call:
 *   cpu_ms=B
 * Process CPU time, not wall time: with other processes on the CPUs, a
 * call's wall time counts theirs too. Its source uses only the part of
 * einc.h that has not changed since commit 75ec058 (before producer
 * fusion), so the same file builds against that commit's library as well
 * (docs/bench-kernels.md, "Products in the micro-kernel").
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "einc.h"

/* Seconds of CPU time this process has used. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A buffer of "n" elements of "dtype", filled from "seed" with values in
 * [-1, 1); NULL when it cannot be allocated. */
static void *filled(einc_dtype dtype, int64_t n, unsigned seed)
{
	size_t esize = dtype == EINC_F64 ? sizeof(double) : sizeof(float);
	char *buf = aligned_alloc(64, ((size_t)n * esize + 63) / 64 * 64);
	for (int64_t x = 0; buf && x < n; x++) {
		seed = seed * 1103515245u + 12345u;
		double v = (double)(seed >> 8) / (double)(1u << 24) * 2.0 - 1.0;
		if (dtype == EINC_F64)
			((double *)buf)[x] = v;
		else
			((float *)buf)[x] = (float)v;
	}
	return buf;
}

int main(int argc, char **argv)
{
	einc_options o;
	einc_options_init(&o);
	if (argc < 4 || argc > 6 || (argv[3][0] != 'f' || (argv[3][1] != '3' && argv[3][1] != '6'))) {
		fprintf(stderr, "usage: kernel_cpu SPEC DIMS f32|f64 [THREADS [CALLS]]\n");
		return 2;
	}
	o.dtype = argv[3][1] == '6' ? EINC_F64 : EINC_F32;
	o.threads = argc > 4 ? atoi(argv[4]) : 1;
	int calls = argc > 5 ? atoi(argv[5]) : 5;
	einc_ctx *ctx = einc_ctx_new();
	einc_program *p = NULL;
	einc_kernel *k = NULL;
	if (einc_compile_text(ctx, argv[1], argv[2], NULL, &o, &p) ||
	    einc_program_jit(ctx, p, &k)) {
		fprintf(stderr, "kernel_cpu: %s\n", einc_ctx_message(ctx));
		return 1;
	}
	int n = einc_program_num_inputs(p);
	void **in = calloc((size_t)n, sizeof(void *));
	void *out = filled(o.dtype, einc_program_elems(p, -1), 1);
	size_t wsize = einc_kernel_workspace_size(k);
	void *ws = wsize ? aligned_alloc(64, (wsize + 63) / 64 * 64) : NULL;
	for (int x = 0; in && x < n; x++)
		if (!(in[x] = filled(o.dtype, einc_program_elems(p, x), 2u + (unsigned)x)))
			return 1;
	if (!in || !out || (wsize && !ws) || einc_kernel_run(k, out, (const void *const *)in, ws)) {
		fprintf(stderr, "kernel_cpu: the run failed\n");
		return 1;
	}
	double best = 0;
	for (int c = 0; c < calls; c++) {
		double t = cpu_now();
		einc_kernel_run(k, out, (const void *const *)in, ws);
		t = cpu_now() - t;
		if (c == 0 || t < best)
			best = t;
	}
	printf("cpu_ms=%.3f\n", best * 1e3);
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
