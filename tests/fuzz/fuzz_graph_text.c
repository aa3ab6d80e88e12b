/*
 * fuzz_graph_text.c - libFuzzer target: arbitrary bytes as graph text. A
 * failed parse must leave a message; a graph that parses must print as text
 * that parses back to the same print.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "fuzz_common.h"
#include "graph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parses "data", then checks print(parse(print(g))) == print(g). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_case c = fuzz_case_open(data, size);
	einc_ctx *ctx = c.ctx;
	ir_graph *g = NULL, *h = NULL;
	if (ir_graph_parse(ctx, c.a, c.text, "fuzz", &g) != EINC_OK) {
		if (g || !*einc_ctx_message(ctx))
			fuzz_die("a failed parse must give no graph and a message", ctx);
	} else {
		char *first = ir_graph_print(g);
		if (!first)
			abort();
		if (ir_graph_parse(ctx, c.a, first, "reprint", &h) != EINC_OK)
			fuzz_die("the printed graph does not parse", ctx);
		char *second = ir_graph_print(h);
		if (!second || strcmp(first, second)) {
			fprintf(stderr, "print differs after a round trip:\n%s---\n%s", first, second);
			abort();
		}
		free(first);
		free(second);
	}
	fuzz_case_close(&c);
	return 0;
}
