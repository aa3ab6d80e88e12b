/* numarg.c - decimal option values within a range (numarg.h). */
#include "numarg.h"

#include <stdio.h>

/* Fills "err" with "what was expected, found" the byte at "text[off]". */
static int numarg_expected(const char *text, size_t off, const char *expected,
                           numarg_error *err)
{
	unsigned char c = (unsigned char)text[off];
	err->offset = off;
	if (c == '\0')
		snprintf(err->message, sizeof err->message,
		         "expected %s, found the end of the value", expected);
	else if (c < 0x20 || c >= 0x7F)
		snprintf(err->message, sizeof err->message, "expected %s, found byte 0x%02X",
		         expected, (unsigned)c);
	else
		snprintf(err->message, sizeof err->message, "expected %s, found '%c'", expected, c);
	return -1;
}

int numarg_parse(const char *text, const char *what, uint64_t min, uint64_t max,
                 uint64_t *out, numarg_error *err)
{
	char expected[96];
	snprintf(expected, sizeof expected, "%s (an integer from %llu to %llu)", what,
	         (unsigned long long)min, (unsigned long long)max);
	if (text[0] < '0' || text[0] > '9')
		return numarg_expected(text, 0, expected, err);
	uint64_t x = 0;
	int over = 0;
	size_t n = 0;
	for (; text[n] >= '0' && text[n] <= '9'; n++) {
		unsigned d = (unsigned)(text[n] - '0');
		if (x > (UINT64_MAX - d) / 10)
			over = 1;
		else
			x = x * 10 + d;
	}
	if (text[n])
		return numarg_expected(text, n, "a digit or the end of the value", err);
	if (over || x < min || x > max) {
		err->offset = 0;
		snprintf(err->message, sizeof err->message,
		         "%.*s%s is out of range: %s is an integer from %llu to %llu",
		         n > 24 ? 20 : (int)n, text, n > 24 ? "..." : "", what,
		         (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = x;
	return 0;
}
