/* SPDX-License-Identifier: MIT */
/*
 * bmm_host.c - a host program for an einsum compiled ahead of time:
 *
 *   einc 'bij,bjk->bik' -d b=4,i=32,j=64,k=16 -o bmm.o --header bmm.h --name bmm
 *   cc -I. bmm_host.c bmm.o -leinc_rt -lm
 *
 * It fills the inputs, calls the generated function and checks every
 * element against a hand-written loop.
 */
#include <math.h>
#include <stdio.h>

#include "bmm.h"

enum { B = 4, I = 32, J = 64, K = 16 };
_Static_assert(BMM_IN0_ELEMS == B * I * J && BMM_IN1_ELEMS == B * J * K &&
               BMM_OUT_ELEMS == B * I * K, "bmm.h was compiled for other sizes");

int main(void)
{
	static float x[B][I][J], y[B][J][K], z[B][I][K];
	static _Alignas(64) unsigned char workspace[BMM_WORKSPACE_BYTES + 1];
	for (int b = 0; b < B; b++)
		for (int j = 0; j < J; j++) {
			for (int i = 0; i < I; i++)
				x[b][i][j] = (float)((b + 3 * i + j) % 7) - 3;
			for (int k = 0; k < K; k++)
				y[b][j][k] = (float)((b * k + j) % 5) / 4;
		}
	if (bmm(&z[0][0][0], &x[0][0][0], &y[0][0][0], workspace) != 0) {
		fprintf(stderr, "bmm_host: the kernel failed\n");
		return 1;
	}
	double err = 0;
	for (int b = 0; b < B; b++)
		for (int i = 0; i < I; i++)
			for (int k = 0; k < K; k++) {
				double want = 0;
				for (int j = 0; j < J; j++)
					want += (double)x[b][i][j] * y[b][j][k];
				err = fmax(err, fabs(z[b][i][k] - want));
			}
	printf("bmm_host: bij,bjk->bik (b=%d i=%d j=%d k=%d) compiled by einc: "
	       "z[3][31][15] = %g, max error %g\n", B, I, J, K, z[3][31][15], err);
	return err < 1e-3 ? 0 : 1;
}
