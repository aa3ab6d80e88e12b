/* SPDX-License-Identifier: MIT */
/*
 * add_transposed.h - a GETT step's block of C computed transposed
 * (runtime/add_transposed.c; libc only): where the operands were swapped
 * (C^T = B^T A^T, passes/lower_gemm.c), C's unit stride runs along the
 * micro-kernel's rows, not its columns, so each block is computed
 * row-major into a buffer and added into C a whole line of C at a time.
 */
#ifndef EINC_RT_ADD_TRANSPOSED_H
#define EINC_RT_ADD_TRANSPOSED_H

#include <stdint.h>

/*
 * c[row[i] + col[j]] = t[i * pitch + j] where "first", else +=, for i <
 * "mlen", j < "nlen". Where L rows (L the elements of a line) run on with
 * unit stride and the CPU has AVX-512F, L x L blocks of "t" are loaded a
 * row at a time, transposed in registers and added a line of C at a time;
 * the others element by element. The sums are the same bits either way;
 * integers' (u32, u64: int32, int64) wrap around.
 */
void einc_rt_add_transposed_f32(float *c, const float *t, int64_t pitch, const int64_t *row,
                                const int64_t *col, int64_t mlen, int64_t nlen, int first);
void einc_rt_add_transposed_f64(double *c, const double *t, int64_t pitch, const int64_t *row,
                                const int64_t *col, int64_t mlen, int64_t nlen, int first);
void einc_rt_add_transposed_u32(uint32_t *c, const uint32_t *t, int64_t pitch,
                                const int64_t *row, const int64_t *col, int64_t mlen,
                                int64_t nlen, int first);
void einc_rt_add_transposed_u64(uint64_t *c, const uint64_t *t, int64_t pitch,
                                const int64_t *row, const int64_t *col, int64_t mlen,
                                int64_t nlen, int first);

#endif
