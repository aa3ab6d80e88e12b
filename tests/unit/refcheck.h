/*
 * refcheck.h - what the tests that run compiled kernels share besides
 * einc_program_check (include/einc.h states its tolerance): compiling a
 * spec or failing the test, the tests' seeded generator, and random inputs
 * for a program in buffers the test owns.
 */
#ifndef EINC_TEST_REFCHECK_H
#define EINC_TEST_REFCHECK_H

#include <stdint.h>

#include "einc.h"

/* "spec" compiled with label sizes "dims" in "dtype", other options the
 * defaults; fails the running cmocka test with the message when it does
 * not compile. give. */
einc_program *refcheck_compile(einc_ctx *ctx, const char *spec, const char *dims,
                               einc_dtype dtype);

/* xorshift64* over the state "*s" (nonzero): the tests' only randomness. */
uint64_t refcheck_rand(uint64_t *s);

/*
 * The inputs of "p": einc_program_num_inputs(p) arrays, then a NULL,
 * filled by einc_program_random_inputs with a seed drawn from "*s". give
 * (refcheck_inputs_free); NULL when out of memory (message in "ctx" when
 * the library fails).
 */
void **refcheck_inputs(einc_ctx *ctx, const einc_program *p, uint64_t *s);

/* Frees "in" and its arrays (NULL allowed). take. */
void refcheck_inputs_free(void **in);

#endif
