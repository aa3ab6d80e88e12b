/* fuzz_common.c - what the libFuzzer targets share (fuzz_common.h). */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_die(const char *what, const einc_ctx *ctx)
{
	fprintf(stderr, "%s\n%s\n", what, einc_ctx_message(ctx));
	abort();
}

char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}
