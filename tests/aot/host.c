/*
 * host.c - the host program of the ahead-of-time test, built against one
 * generated kernel: `cc -DT=float -DHEADER='"kernel.h"' host.c kernel.o
 * libeinc_rt.a`. It fills the inputs, calls kernel() with a NULL workspace
 * twice and with its own workspace once, checks that the three results are
 * bitwise equal, and writes the inputs then the output to argv[1].
 */
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
};

/* Calls the kernel with the inputs "in". */
static int call(T *out, T **in, void *ws)
{
#if N == 1
	return kernel(out, in[0], ws);
#elif N == 2
	return kernel(out, in[0], in[1], ws);
#elif N == 3
	return kernel(out, in[0], in[1], in[2], ws);
#else
	return kernel(out, in[0], in[1], in[2], in[3], ws);
#endif
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	T *in[N];
	unsigned s = 12345;
	for (int k = 0; k < N; k++) {
		in[k] = malloc(elems[k] * sizeof(T));
		for (size_t e = 0; e < elems[k]; e++) {
			s = s * 1103515245u + 12345u;
			in[k][e] = (T)((int)(s >> 16 & 2047) - 1024) / 1024;
		}
	}
	size_t n = KERNEL_OUT_ELEMS;
	T *out[3];
	for (int r = 0; r < 3; r++) {
		out[r] = malloc(n * sizeof(T));
		memset(out[r], 0x55, n * sizeof(T));
	}
	void *ws = KERNEL_WORKSPACE_BYTES ? aligned_alloc(64, KERNEL_WORKSPACE_BYTES) : NULL;
	if (call(out[0], in, NULL) || call(out[1], in, NULL) || call(out[2], in, ws)) {
		fprintf(stderr, "host: the kernel failed\n");
		return 1;
	}
	if (memcmp(out[0], out[1], n * sizeof(T)) || memcmp(out[0], out[2], n * sizeof(T))) {
		fprintf(stderr, "host: repeated runs differ\n");
		return 1;
	}
	FILE *f = fopen(argv[1], "wb");
	for (int k = 0; k < N; k++)
		fwrite(in[k], sizeof(T), elems[k], f);
	fwrite(out[0], sizeof(T), n, f);
	if (fclose(f))
		return 1;
	for (int k = 0; k < N; k++)
		free(in[k]);
	for (int r = 0; r < 3; r++)
		free(out[r]);
	free(ws);
	return 0;
}
