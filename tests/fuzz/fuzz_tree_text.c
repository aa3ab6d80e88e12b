/*
 * fuzz_tree_text.c - libFuzzer target: arbitrary bytes as a contraction
 * tree forced on one of a few einsums (the first byte picks it; the rest
 * is the tree text), through einc_compile_text. A failure must leave a
 * message; a tree that compiles must dump as text that compiles back, as
 * the tree, to the same dump.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "einc.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The einsums a tree may be forced on: chains, a batch label, a private
 * index (a unary step), a diagonal. */
static const char *const specs[][2] = {
	{"ab,bc,cd,de,ef,fg,gh,hi->ai", "a=4,b=6,c=4,d=6,e=4,f=6,g=4,h=6,i=4"},
	{"ij,jk,kl->il", "i=2,j=3,k=4,l=5"},
	{"bij,bjk->bik", "b=2,i=3,j=4,k=5"},
	{"abx,bc,cd,de->ae", "a=2,b=3,c=2,d=3,e=2,x=4"},
	{"ii,ij,jk->k", "i=3,j=2,k=4"},
};

/* einc_compile_text of einsum "e" forced to "tree"; its tree dump into
 * "*dump" (NULL when the compilation fails). */
static einc_status compile_tree(einc_ctx *ctx, int e, const char *tree, char **dump)
{
	einc_options o;
	einc_options_init(&o);
	o.tree = tree;
	o.tree_name = "fuzz";
	einc_program *p = NULL;
	*dump = NULL;
	einc_status st = einc_compile_text(ctx, specs[e][0], specs[e][1], NULL, &o, &p);
	if (st == EINC_OK && einc_program_dump(ctx, p, EINC_STAGE_TREE, dump) != EINC_OK)
		fuzz_die("a compiled program must dump its tree", ctx);
	einc_program_free(p);
	return st;
}

/* Compiles the tree text; checks a failure's message or the round trip. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int e = data[0] % (int)(sizeof specs / sizeof specs[0]);
	char *text = fuzz_text(data + 1, size - 1);
	einc_ctx *ctx = einc_ctx_new();
	if (!ctx)
		abort();
	char *first = NULL, *second = NULL;
	if (compile_tree(ctx, e, text, &first) != EINC_OK) {
		if (!*einc_ctx_message(ctx))
			fuzz_die("a failed compilation must leave a message", ctx);
	} else {
		if (compile_tree(ctx, e, first, &second) != EINC_OK)
			fuzz_die("the tree dump does not compile back", ctx);
		if (strcmp(first, second)) {
			fprintf(stderr, "tree dump differs after a round trip:\n%s---\n%s", first, second);
			abort();
		}
	}
	einc_free(first);
	einc_free(second);
	einc_ctx_free(ctx);
	free(text);
	return 0;
}
