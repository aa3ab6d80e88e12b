/*
 * host.c - the host program of the ahead-of-time test, built against one
 * generated kernel: `cc -DT=float -DPART=float -DSCALE=1024
 * -DHEADER='"kernel.h"' host.c kernel.o libeinc_rt.a` (T the header's C
 * type, PART that of its parts: the float of a float _Complex; inputs are
 * integers in -1024 .. 1023 divided by SCALE). It fills the inputs, calls
 * kernel() (all of kernel_slices() for a sliced kernel) with a NULL workspace
 * twice and with its own workspace once, and kernel_slow() with its own
 * workspace and slow buffer, checks that the four results are bitwise
 * equal and that kernel_slow reports KERNEL_MOVED_BYTES moved, and writes
 * the inputs then the output to argv[1].
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include HEADER

#define N KERNEL_NUM_INPUTS

static const size_t elems[] = {
	KERNEL_IN0_ELEMS,
#if N > 1
	KERNEL_IN1_ELEMS,
#endif
#if N > 2
	KERNEL_IN2_ELEMS,
#endif
#if N > 3
	KERNEL_IN3_ELEMS,
#endif
#if N > 4
	KERNEL_IN4_ELEMS,
#endif
#if N > 5
	KERNEL_IN5_ELEMS,
#endif
#if N > 6
	KERNEL_IN6_ELEMS,
#endif
#if N > 7
	KERNEL_IN7_ELEMS,
#endif
};

/* The inputs as arguments: in[0], ..., in[N - 1] (at most 8). */
#if N == 1
#define INPUTS in[0]
#elif N == 2
#define INPUTS in[0], in[1]
#elif N == 3
#define INPUTS in[0], in[1], in[2]
#elif N == 4
#define INPUTS in[0], in[1], in[2], in[3]
#elif N == 5
#define INPUTS in[0], in[1], in[2], in[3], in[4]
#elif N == 6
#define INPUTS in[0], in[1], in[2], in[3], in[4], in[5]
#elif N == 7
#define INPUTS in[0], in[1], in[2], in[3], in[4], in[5], in[6]
#else
#define INPUTS in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7]
#endif

#ifdef KERNEL_NUM_SLICES
/* A sliced kernel: all its slices with the inputs "in". */
static int call(T *out, T **in, void *ws)
{
	return kernel_slices(out, INPUTS, ws, 0, KERNEL_NUM_SLICES);
}

/* The same: the sliced cases have no budget, so nothing is moved. */
static int call_slow(T *out, T **in, void *ws, void *slow, int64_t *moved)
{
	(void)slow;
	*moved = 0;
	return kernel_slices(out, INPUTS, ws, 0, KERNEL_NUM_SLICES);
}
#else
/* Calls the kernel with the inputs "in". */
static int call(T *out, T **in, void *ws)
{
	return kernel(out, INPUTS, ws);
}

/* Calls kernel_slow with the inputs "in". */
static int call_slow(T *out, T **in, void *ws, void *slow, int64_t *moved)
{
	return kernel_slow(out, INPUTS, ws, slow, moved);
}
#endif

/* A buffer of "bytes" aligned to 64, or NULL for none. */
static void *buffer(size_t bytes)
{
	return bytes ? aligned_alloc(64, (bytes + 63) / 64 * 64) : NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	T *in[N];
	unsigned s = 12345;
	for (int k = 0; k < N; k++) {
		in[k] = malloc(elems[k] * sizeof(T));
		PART *parts = (PART *)in[k];
		for (size_t i = 0; i < elems[k] * (sizeof(T) / sizeof(PART)); i++) {
			s = s * 1103515245u + 12345u;
			parts[i] = (PART)((int)(s >> 16 & 2047) - 1024) / SCALE;
		}
	}
	size_t n = KERNEL_OUT_ELEMS;
	T *out[4];
	for (int r = 0; r < 4; r++) {
		out[r] = malloc(n * sizeof(T));
		memset(out[r], 0x55, n * sizeof(T));
	}
	void *ws = buffer(KERNEL_WORKSPACE_BYTES), *slow = buffer(KERNEL_SLOW_BYTES);
	int64_t moved = -1;
	if (call(out[0], in, NULL) || call(out[1], in, NULL) || call(out[2], in, ws) ||
	    call_slow(out[3], in, ws, slow, &moved)) {
		fprintf(stderr, "host: the kernel failed\n");
		return 1;
	}
	if (memcmp(out[0], out[1], n * sizeof(T)) || memcmp(out[0], out[2], n * sizeof(T)) ||
	    memcmp(out[0], out[3], n * sizeof(T))) {
		fprintf(stderr, "host: repeated runs differ\n");
		return 1;
	}
	if (moved != KERNEL_MOVED_BYTES) {
		fprintf(stderr, "host: kernel_slow moved %lld bytes, the header says %lld\n",
		        (long long)moved, (long long)KERNEL_MOVED_BYTES);
		return 1;
	}
	printf("host: moved %lld bytes through a slow buffer of %lld\n", (long long)moved,
	       (long long)KERNEL_SLOW_BYTES);
	FILE *f = fopen(argv[1], "wb");
	for (int k = 0; k < N; k++)
		fwrite(in[k], sizeof(T), elems[k], f);
	fwrite(out[0], sizeof(T), n, f);
	if (fclose(f))
		return 1;
	for (int k = 0; k < N; k++)
		free(in[k]);
	for (int r = 0; r < 4; r++)
		free(out[r]);
	free(ws);
	free(slow);
	return 0;
}
