/* SPDX-License-Identifier: MIT */
/*
 * bmm_api.c - a host program using einc's C API: compile a batched matrix
 * product, evaluate it, and check it against a hand-written loop.
 *
 *   cc bmm_api.c $(pkg-config --cflags --libs einc)
 */
#include <math.h>
#include <stdio.h>

#include "einc.h"

enum { B = 2, I = 3, J = 4, K = 5 };

int main(void)
{
	static float x[B][I][J], y[B][J][K], z[B][I][K], want[B][I][K];
	for (int b = 0; b < B; b++)
		for (int j = 0; j < J; j++) {
			for (int i = 0; i < I; i++)
				x[b][i][j] = (float)(b + i - j) / 4;
			for (int k = 0; k < K; k++)
				y[b][j][k] = (float)(b * k + j) / 8;
		}
	for (int b = 0; b < B; b++)
		for (int i = 0; i < I; i++)
			for (int k = 0; k < K; k++)
				for (int j = 0; j < J; j++)
					want[b][i][k] += x[b][i][j] * y[b][j][k];

	einc_ctx *ctx = einc_ctx_new();
	einc_program *prog = NULL;
	const int ranks[] = {3, 3};
	const int64_t xs[] = {B, I, J}, ys[] = {B, J, K};
	const int64_t *const shapes[] = {xs, ys};
	const void *const in[] = {x, y};
	if (!ctx || einc_compile(ctx, "bij,bjk->bik", 2, ranks, shapes, NULL, &prog) ||
	    einc_program_run_reference(ctx, prog, z, in)) {
		fprintf(stderr, "bmm_api: %s\n", ctx ? einc_ctx_message(ctx) : "out of memory");
		einc_program_free(prog);
		einc_ctx_free(ctx);
		return 1;
	}
	double err = 0;
	for (int b = 0; b < B; b++)
		for (int i = 0; i < I; i++)
			for (int k = 0; k < K; k++)
				err = fmax(err, fabs(z[b][i][k] - want[b][i][k]));
	printf("bmm_api: bij,bjk->bik (b=%d i=%d j=%d k=%d): z[1][2][4] = %g, max error %g\n",
	       B, I, J, K, z[1][2][4], err);
	einc_program_free(prog);
	einc_ctx_free(ctx);
	return err < 1e-5 ? 0 : 1;
}
