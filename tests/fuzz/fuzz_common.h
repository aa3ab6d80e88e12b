/* fuzz_common.h - what the libFuzzer targets share (fuzz_common.c). */
#ifndef EINC_FUZZ_COMMON_H
#define EINC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "einc.h"

/* Stops the run: prints "what" and the context's message, then aborts. */
void fuzz_die(const char *what, const einc_ctx *ctx);

/* The "size" bytes of "data" as a NUL-terminated string (give, free());
 * aborts when out of memory. */
char *fuzz_text(const uint8_t *data, size_t size);

#endif
