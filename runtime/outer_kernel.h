/* SPDX-License-Identifier: MIT */
/*
 * outer_kernel.h - the micro-kernel of a GEMM whose A is an outer product
 * formed as it is read (runtime/gett.c's fused A, split as an outer
 * product), its sums factored by the outer product's factors.
 */
#ifndef EINC_RT_OUTER_KERNEL_H
#define EINC_RT_OUTER_KERNEL_H

#include <stdint.h>

/*
 * For i < mr and j < nr (the kernel's block), with k = u * n + q:
 *   c[rows[i] + j] (+)= sum_u out[i][cout[u]] * (sum_{q < n} in[i][q] * b[k * ldb + j])
 * the sums factored: each run's multiply-adds in the order of q, then one
 * multiply-add by the run's outer factor, runs in order, so a row's bits
 * depend on nothing but its values (not those of the product stored
 * first); stores the sum when "first" is nonzero, else adds it.
 * "in[i]" and "out[i]" point at row i's factors.
 */
typedef void (*einc_rt_outer_kernel)(const void *const *in, const void *const *out,
                                     const int64_t *cout, int64_t nruns, int64_t n,
                                     const void *b, int64_t ldb, void *c, const int64_t *rows,
                                     int64_t first);

/* The kernel for "esize"-byte reals, an "mr" x "nr" block and runs of "n"
 * values, or NULL where there is none (the CPU lacks AVX-512, the block or
 * the runs' length is not one it is built for). */
einc_rt_outer_kernel einc_rt_outer_kernel_for(int64_t esize, int64_t mr, int64_t nr, int64_t n);

#endif
