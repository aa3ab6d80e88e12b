/*
 * fuzz_numarg.c - libFuzzer target: the CLI's numeric option parser
 * (tools/numarg.c) on arbitrary bytes, the range drawn from the first 16.
 * It must accept exactly the nonempty runs of digits whose value lies in
 * the range, with that value, and otherwise point at a byte of the text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numarg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The value of the digits "text" in 128 bits, saturated at 2^64. */
static unsigned __int128 digits_value(const char *text)
{
	unsigned __int128 v = 0;
	for (; *text; text++)
		if ((v = v * 10 + (unsigned)(*text - '0')) > UINT64_MAX)
			return (unsigned __int128)UINT64_MAX + 1;
	return v;
}

/* Parses the text after the range; checks the verdict against the rule. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 16)
		return 0;
	uint64_t lo, hi;
	memcpy(&lo, data, 8);
	memcpy(&hi, data + 8, 8);
	if (lo > hi) {
		uint64_t t = lo;
		lo = hi;
		hi = t;
	}
	char *text = malloc(size - 15);
	if (!text)
		abort();
	memcpy(text, data + 16, size - 16);
	text[size - 16] = '\0';
	size_t len = strlen(text);
	int digits = len > 0 && strspn(text, "0123456789") == len;
	unsigned __int128 v = digits ? digits_value(text) : 0;
	int want_ok = digits && v >= lo && v <= hi;
	uint64_t got = 0;
	numarg_error err;
	int ok = numarg_parse(text, "a number", lo, hi, &got, &err) == 0;
	if (ok != want_ok || (ok && got != (uint64_t)v) || (!ok && err.offset > len) ||
	    (!ok && !err.message[0])) {
		fprintf(stderr, "numarg_parse('%s', %llu, %llu): ok %d, want %d\n", text,
		        (unsigned long long)lo, (unsigned long long)hi, ok, want_ok);
		abort();
	}
	free(text);
	return 0;
}
