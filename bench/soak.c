/*
 * soak.c - creates, runs and frees einc kernels one after another and
 * prints the resident set size after every 1,000 (a tool, not a test):
 * the memory a long-lived host that JIT-compiles many kernels keeps.
 *
 *   build/bench/soak [KERNELS]   (default 10000)
 *
 * Each kernel is a small matrix chain whose sizes vary with its number
 * (so no two in a row are the same program), run twice: with a NULL
 * workspace (the kernel's own buffers) and with the caller's. One result
 * per 1,000 is compared with the reference evaluator.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "einc.h"

/* The resident set size of this process in kB (/proc/self/statm). */
static long rss_kb(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Seconds on the monotonic clock. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Compiles, JIT-compiles and runs kernel "n" into "out" (inputs "in",
 * each at least 16 x 16 floats), with "ws" (at least 4 KiB) on the second
 * run; with "check", compares with the reference. 0, or -1 with a message. */
static int one_kernel(einc_ctx *ctx, int n, float *out, float *const *in, void *ws, int check)
{
	char dims[64];
	snprintf(dims, sizeof dims, "i=%d,j=%d,k=%d,l=%d", 3 + n % 13, 4 + n % 11, 5 + n % 7,
	         2 + n % 5);
	einc_program *p = NULL;
	einc_kernel *k = NULL;
	const void *const ins[] = {in[0], in[1], in[2]};
	int bad = einc_compile_text(ctx, "ij,jk,kl->il", dims, NULL, NULL, &p) ||
	          einc_program_jit(ctx, p, &k) || einc_kernel_workspace_size(k) > 4096 ||
	          einc_kernel_run(k, out, ins, NULL) || einc_kernel_run(k, out, ins, ws);
	if (!bad && check) {
		float want[16 * 16];
		bad = einc_program_run_reference(ctx, p, want, ins) != EINC_OK;
		for (int e = 0; !bad && e < (int)einc_program_elems(p, -1); e++)
			bad = fabsf(out[e] - want[e]) > 1e-4f * (1 + fabsf(want[e])) * 16;
	}
	if (bad)
		fprintf(stderr, "soak: kernel %d (%s): %s\n", n, dims,
		        *einc_ctx_message(ctx) ? einc_ctx_message(ctx) : "wrong result");
	einc_kernel_free(k);
	einc_program_free(p);
	return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
	int total = argc > 1 ? atoi(argv[1]) : 10000;
	einc_ctx *ctx = einc_ctx_new();
	static float in[3][16 * 16], out[16 * 16];
	static _Alignas(64) unsigned char ws[4096];
	float *const ins[] = {in[0], in[1], in[2]};
	for (int t = 0; t < 3; t++)
		for (int e = 0; e < 16 * 16; e++)
			in[t][e] = (float)((e * 7 + t * 3) % 19) / 9.0f - 1.0f;
	long start = rss_kb(), last = start;
	double t0 = now();
	printf("%8s %10s %14s %10s\n", "kernels", "RSS kB", "+kB since last", "seconds");
	printf("%8d %10ld %14s %10.1f\n", 0, start, "", 0.0);
	for (int n = 1; n <= total; n++) {
		if (!ctx || one_kernel(ctx, n, out, ins, ws, n % 1000 == 0))
			return 1;
		if (n % 1000 == 0 || n == total) {
			long rss = rss_kb();
			printf("%8d %10ld %+14ld %10.1f\n", n, rss, rss - last, now() - t0);
			fflush(stdout);
			last = rss;
		}
	}
	einc_ctx_free(ctx);
	return 0;
}
