/*
 * refcheck.h - what the tests that run compiled kernels share: a seeded
 * generator, random inputs for a program with the reference result and its
 * error bound, and the comparison of a kernel's output with them.
 *
 * Tolerance: each output element must be within rel * S of the reference,
 * where S is the reference result on |inputs| (the sum of the absolute
 * values of the products that make the element); rel is 1e-4 for f32 and
 * 1e-10 for f64. The compiled code accumulates in the dtype, the reference
 * in double, so only rounding separates them.
 */
#ifndef EINC_TEST_REFCHECK_H
#define EINC_TEST_REFCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "einc.h"

/* xorshift64* over the state "*s" (nonzero): the tests' only randomness. */
uint64_t refcheck_rand(uint64_t *s);

/* Element "i" of "buf" (double when "f64", else float) as a double. */
double refcheck_get(const void *buf, int f64, size_t i);

/* A program's inputs and what its output must be. Owns its buffers. */
typedef struct {
	int ninputs, f64;
	size_t nout;  /* output elements */
	void **in;    /* ninputs arrays, each value in [-1, 1] in steps of 1e-3 */
	void *want;   /* the reference result */
	void *bound;  /* the reference result on |inputs|: S above */
} refcheck;

/*
 * Fills "r" for "p": inputs drawn from "s", then the reference result and
 * its bound. Returns 0, or -1 when out of memory or the reference fails
 * (message in "ctx"); "r" is then empty.
 */
int refcheck_init(refcheck *r, einc_ctx *ctx, const einc_program *p, uint64_t *s);

/*
 * The worst error of "got" (r->nout elements) as a multiple of the
 * tolerance (<= 1 passes; INFINITY for NaN or garbage), and the element it
 * is at in "*at" (when not NULL).
 */
double refcheck_worst(const refcheck *r, const void *got, size_t *at);

/* Frees what "r" owns (an empty "r" too). */
void refcheck_free(refcheck *r);

#endif
