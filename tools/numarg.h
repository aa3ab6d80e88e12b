/*
 * numarg.h - the CLI's numeric option values: plain decimal integers
 * (digits only: no sign, no spaces, no base prefix) within a range.
 */
#ifndef EINC_NUMARG_H
#define EINC_NUMARG_H

#include <stddef.h>
#include <stdint.h>

/* Why a value was refused: the byte offset of the culprit in the value and
 * a sentence saying what was expected there. */
typedef struct {
	size_t offset;
	char message[160];
} numarg_error;

/*
 * Reads "text" as a decimal integer from "min" to "max" into "*out";
 * "what" names the value in messages ("a byte count"). Returns 0, or -1
 * with "*err" filled and "*out" untouched.
 */
int numarg_parse(const char *text, const char *what, uint64_t min, uint64_t max,
                 uint64_t *out, numarg_error *err);

#endif
