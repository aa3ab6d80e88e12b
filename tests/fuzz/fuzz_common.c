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

fuzz_case fuzz_case_open(const uint8_t *data, size_t size)
{
	fuzz_case c = {fuzz_text(data, size), einc_ctx_new(), arena_new()};
	if (!c.ctx || !c.a)
		abort();
	return c;
}

void fuzz_case_close(fuzz_case *c)
{
	arena_free(c->a);
	einc_ctx_free(c->ctx);
	free(c->text);
}
