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

/* The options of a test's compile: the defaults with "dtype", "threads"
 * (0: the default) and CPU "cpu" (NULL: the host). */
einc_options refcheck_options(einc_dtype dtype, int threads, const char *cpu);

/* "spec" compiled with label sizes "dims" in "dtype", other options the
 * defaults; fails the running cmocka test with the message when it does
 * not compile. give. */
einc_program *refcheck_compile(einc_ctx *ctx, const char *spec, const char *dims,
                               einc_dtype dtype);

/* "spec" compiled by einc_compile_text with label sizes "dims", operand
 * shapes "shapes" (either NULL) and options "o" (NULL: the defaults);
 * fails the running cmocka test with the message, naming the spec and its
 * sizes, when it does not compile. give. */
einc_program *refcheck_compile_text(einc_ctx *ctx, const char *spec, const char *dims,
                                    const char *shapes, const einc_options *o);

/* refcheck_compile for CPU "cpu" (as einc_options.cpu; NULL: the host):
 * what depends on the vector width or the caches, checked for a CPU named
 * so that every host gets the same program. give. */
einc_program *refcheck_compile_cpu(einc_ctx *ctx, const char *spec, const char *dims,
                                   einc_dtype dtype, const char *cpu);

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

/* Runs "p" (JIT) on "in" into a new buffer, failing the running test when
 * it does not run; its bytes into "*bytes". give (free()). */
void *refcheck_run(einc_ctx *ctx, const einc_program *p, const void *const *in, size_t *bytes);

/* Runs "p" (one JIT) "runs" times on "in", failing the running test with
 * message "what" unless every result's "bytes" bytes are "want"'s. */
void refcheck_repeat(einc_ctx *ctx, const einc_program *p, const void *const *in,
                     const void *want, size_t bytes, int runs, const char *what);

/* Whether dump "stage" of "p" contains "text". */
int refcheck_dump_has(einc_ctx *ctx, const einc_program *p, einc_stage stage, const char *text);

/*
 * Runs the "n" programs "p" (one einsum, compiled for different thread
 * counts "threads") on "in" and fails the running test, naming "what",
 * unless the first's result passes the reference check and the others'
 * are bit-identical to it, run after run (each of those kernels runs a few
 * times). Returns the first's result, its bytes into
 * "*bytes". give (free()).
 */
void *refcheck_agree(einc_ctx *ctx, einc_program *const *p, const int *threads, int n,
                     const void *const *in, const char *what, size_t *bytes);

#endif
