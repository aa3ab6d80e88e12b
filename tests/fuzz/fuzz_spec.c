/*
 * fuzz_spec.c - libFuzzer target: einc_compile_text on arbitrary bytes,
 * split at NUL bytes or newlines into spec, dims and shapes (a missing
 * field is NULL). A failure must leave a message; a success must dump a
 * graph whose text survives a parse and print round trip, a canon dump,
 * and a tree (unary nodes included) that compiles back, forced with
 * --tree, to the same tree text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "einc.h"
#include "fuzz_common.h"
#include "graph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks that the graph text "text" parses and prints back unchanged. */
static void check_dump(einc_ctx *ctx, const char *text)
{
	arena *a = arena_new();
	ir_graph *g = NULL;
	if (!a)
		abort();
	if (ir_graph_parse(ctx, a, text, "dump", &g) != EINC_OK)
		fuzz_die("the graph dump does not parse", ctx);
	char *again = ir_graph_print(g);
	if (!again || strcmp(again, text)) {
		fprintf(stderr, "dump differs after a round trip:\n%s---\n%s", text, again);
		abort();
	}
	free(again);
	arena_free(a);
}

/* Checks that "p"'s tree dump, forced as the order of the same spec, gives
 * the same tree dump, and that the canon dump works. */
static void check_tree(einc_ctx *ctx, const einc_program *p, char *const field[3],
                       einc_options opt)
{
	char *tree = NULL, *again = NULL, *canon = NULL;
	einc_program *q = NULL;
	if (einc_program_dump(ctx, p, EINC_STAGE_TREE, &tree) != EINC_OK ||
	    einc_program_dump(ctx, p, EINC_STAGE_CANON, &canon) != EINC_OK)
		fuzz_die("tree or canon dump failed", ctx);
	opt.tree = tree;
	if (einc_compile_text(ctx, field[0], field[1], field[2], &opt, &q) != EINC_OK)
		fuzz_die("the tree dump does not compile back", ctx);
	if (einc_program_dump(ctx, q, EINC_STAGE_TREE, &again) != EINC_OK)
		fuzz_die("tree dump failed", ctx);
	if (strcmp(tree, again)) {
		fprintf(stderr, "tree differs after a round trip:\n%s---\n%s", tree, again);
		abort();
	}
	einc_free(tree);
	einc_free(again);
	einc_free(canon);
	einc_program_free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	einc_ctx *ctx = einc_ctx_new();
	if (!buf || !ctx)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *field[3] = {buf, NULL, NULL};
	for (size_t i = 0, f = 1; i < size && f < 3; i++)
		if (buf[i] == '\0' || buf[i] == '\n') {
			buf[i] = '\0';
			field[f++] = buf + i + 1;
		}
	einc_options opt;
	einc_options_init(&opt);
	opt.dtype = size % 2 ? EINC_F64 : EINC_F32;
	einc_program *p = NULL;
	if (einc_compile_text(ctx, field[0], field[1], field[2], &opt, &p) != EINC_OK) {
		if (p || !*einc_ctx_message(ctx))
			fuzz_die("a failed compile must give no program and a message", ctx);
	} else {
		char *text = NULL;
		if (einc_program_dump(ctx, p, EINC_STAGE_GRAPH, &text) != EINC_OK)
			fuzz_die("dump failed", ctx);
		check_dump(ctx, text);
		einc_free(text);
		check_tree(ctx, p, field, opt);
	}
	einc_program_free(p);
	einc_ctx_free(ctx);
	free(buf);
	return 0;
}
