/*
 * sublist.c - einc_compile_sublist: numpy's sublist form, integer labels
 * per operand, written as a spec. The distinct integers, sorted, take the
 * labels of fe_label_at in order (A-Z, a-z, then code points from U+00A1),
 * so that the implicit output, sorted by code point, is sorted by integer
 * as numpy sorts it; dumps and messages show those labels.
 */
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "einc.h"
#include "lex.h"

/* Orders ints ascending, for qsort and bsearch. */
static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;
	return (a > b) - (a < b);
}

/* Appends the labels of the "n" ints "list" to "s" at "*len", each as its
 * position in the sorted distinct "ids" ("nids" of them). */
static void put_term(char *s, size_t *len, const int *list, int n, const int *ids, size_t nids)
{
	for (int k = 0; k < n; k++) {
		const int *at = bsearch(&list[k], ids, nids, sizeof(int), cmp_int);
		*len += (size_t)fe_utf8_encode(fe_label_at((uint32_t)(at - ids)), s + *len);
	}
}

/* The spec of the sublist form (heap, NUL-terminated), or NULL with the
 * failure in "ctx". */
static char *sublist_spec(einc_ctx *ctx, int nops, const int *ranks, const int *const labels[],
                          int out_rank, const int *out_labels)
{
	size_t total = out_rank > 0 ? (size_t)out_rank : 0;
	for (int k = 0; k < nops; k++) {
		if (ranks[k] < 0 || (ranks[k] > 0 && !labels[k])) {
			ctx_fail(ctx, EINC_EINVAL, "api", "operand %d has rank %d and %s labels", k,
			         ranks[k], labels[k] ? "non-NULL" : "NULL");
			return NULL;
		}
		total += (size_t)ranks[k];
	}
	int *ids = malloc((total + 1) * sizeof(int));
	char *s = malloc(4 * total + (size_t)nops + 3);
	if (!ids || !s) {
		free(ids);
		free(s);
		ctx_fail(ctx, EINC_ENOMEM, "api", "out of memory");
		return NULL;
	}
	size_t nids = 0, len = 0;
	for (int k = 0; k < nops; k++)
		for (int a = 0; a < ranks[k]; a++)
			ids[nids++] = labels[k][a];
	for (int a = 0; a < out_rank; a++)
		ids[nids++] = out_labels[a];
	qsort(ids, nids, sizeof(int), cmp_int);
	size_t m = 0;
	for (size_t i = 0; i < nids; i++)
		if (m == 0 || ids[m - 1] != ids[i])
			ids[m++] = ids[i];
	for (int k = 0; k < nops; k++) {
		if (k)
			s[len++] = ',';
		put_term(s, &len, labels[k], ranks[k], ids, m);
	}
	if (out_rank >= 0) {
		memcpy(s + len, "->", 2);
		len += 2;
		put_term(s, &len, out_labels, out_rank, ids, m);
	}
	s[len] = '\0';
	free(ids);
	return s;
}

einc_status einc_compile_sublist(einc_ctx *ctx, int nops, const int *ranks,
                                 const int *const labels[], const int64_t *const shapes[],
                                 int out_rank, const int *out_labels,
                                 const einc_options *options, einc_program **program)
{
	if (!ctx)
		return EINC_EINVAL;
	if (program)
		*program = NULL;
	if (nops < 1 || !ranks || !labels || !shapes || (out_rank > 0 && !out_labels))
		return ctx_fail(ctx, EINC_EINVAL, "api", "the sublist form needs nops >= 1, "
		                "ranks, labels and shapes, and output labels when out_rank > 0");
	char *spec = sublist_spec(ctx, nops, ranks, labels, out_rank, out_labels);
	if (!spec)
		return einc_ctx_status(ctx);
	einc_status st = einc_compile(ctx, spec, nops, ranks, shapes, options, program);
	free(spec);
	return st;
}
