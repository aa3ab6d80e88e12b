/* fuzz_common.h - what the libFuzzer targets share (fuzz_common.c). */
#ifndef EINC_FUZZ_COMMON_H
#define EINC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "einc.h"

/* Stops the run: prints "what" and the context's message, then aborts. */
void fuzz_die(const char *what, const einc_ctx *ctx);

/* The "size" bytes of "data" as a NUL-terminated string (give, free());
 * aborts when out of memory. */
char *fuzz_text(const uint8_t *data, size_t size);

/* One input of a text target: its bytes as text, a fresh context and a
 * fresh arena (all owned; fuzz_case_close frees them). */
typedef struct fuzz_case {
	char *text;
	einc_ctx *ctx;
	arena *a;
} fuzz_case;

/* Opens the case for "data"; aborts when out of memory. */
fuzz_case fuzz_case_open(const uint8_t *data, size_t size);

/* Frees what fuzz_case_open made. */
void fuzz_case_close(fuzz_case *c);

#endif
