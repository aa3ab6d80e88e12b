/* tree_parse.c - reads the text form of a contraction tree over a graph. */
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "text.h"
#include "tree.h"

typedef struct {
	text_lexer lx;
	arena *a;
	const ir_graph *g;
	int n;             /* inputs of the graph */
	int cap;           /* the most nodes a tree may have: n unary, n - 1 pairwise */
	int next;          /* the id the next line must define */
	int contracts;     /* pairwise steps read so far (the tree is complete at n - 1) */
	int (*steps)[2];   /* the steps read so far: (left, right) or (input, -1) */
	char *used;        /* nodes already consumed by a step */
	int *scratch;      /* labels of an input line */
	int scratch_cap;
	int *result_rank;  /* per node: the rank written after "->", -1 if none */
	int **results;     /* per node: the labels written after "->" */
	size_t *result_off;/* per node: where they were written */
} parser;

/* Records running out of memory. */
static einc_status oom(parser *p)
{
	return ctx_fail(p->lx.ctx, EINC_ENOMEM, "tree", "out of memory");
}

/* Reads "[l1 l2 ...]" into "idx" (room for "cap"), its count into "*rank". */
static einc_status parse_labels(parser *p, int *idx, int cap, int *rank)
{
	text_lexer *lx = &p->lx;
	if (!text_is_punct(lx, "["))
		return text_expected(lx, "'['");
	einc_status st = text_next(lx);
	for (*rank = 0; !st && !text_is_punct(lx, "]"); st = text_next(lx)) {
		if (lx->tok.kind != TEXT_IDENT)
			return text_expected(lx, "a label or ']'");
		int i = ir_graph_find_index(p->g, lx->text + lx->tok.off, lx->tok.len);
		if (i < 0)
			return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "'%.*s' is not a label of this spec",
			                 (int)lx->tok.len, lx->text + lx->tok.off);
		if (*rank == cap)
			return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "more than %d labels", cap);
		idx[(*rank)++] = i;
	}
	return st ? st : text_next(lx);
}

/* Whether the "rank" labels "idx" are those of "t" in some order, each
 * once. */
static int same_labels(const int *idx, int rank, const ir_tree_node *t)
{
	if (rank != t->rank)
		return 0;
	for (int a = 0; a < rank; a++) {
		if (!ir_tree_node_has(t, idx[a]))
			return 0;
		for (int b = 0; b < a; b++)
			if (idx[b] == idx[a])
				return 0;
	}
	return 1;
}

/* input [labels]: leaf "id" must spell input "id" of the graph. */
static einc_status parse_input(parser *p, int id)
{
	const ir_tensor *x = &p->g->inputs[id];
	size_t off = p->lx.tok.off;
	int rank;
	einc_status st = parse_labels(p, p->scratch, p->scratch_cap, &rank);
	if (st)
		return st;
	if (rank != x->rank || (rank && memcmp(p->scratch, x->index, (size_t)rank * sizeof(int))))
		return text_fail(&p->lx, off, EINC_ESHAPE, "these are not the labels of input %d", id);
	return EINC_OK;
}

/* One operand "%N" of the contraction that defines node "id". */
static einc_status parse_operand(parser *p, int id, int *node)
{
	text_lexer *lx = &p->lx;
	if (lx->tok.kind != TEXT_NAME)
		return text_expected(lx, "an operand '%N'");
	int64_t c = lx->tok.num;
	if (c >= id)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "%%%lld is not defined before %%%d",
		                 (long long)c, id);
	if (p->used[c])
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "%%%lld is already contracted",
		                 (long long)c);
	p->used[c] = 1;
	*node = (int)c;
	einc_status st = text_next(lx);
	if (!st && text_is_punct(lx, ","))
		st = text_next(lx);
	return st;
}

/* contract %A %B [-> [labels]] or reduce %A [-> [labels]] over an input
 * (for a one-input spec: its one step). */
static einc_status parse_step(parser *p, int id)
{
	text_lexer *lx = &p->lx;
	int unary = text_is_word(lx, "reduce");
	if (p->n == 1 && !unary)
		return text_expected(lx, "'reduce' (the spec has one input)");
	if (!unary && !text_is_word(lx, "contract"))
		return text_expected(lx, "'contract' or 'reduce'");
	int left, right = -1;
	einc_status st = text_next(lx);
	size_t off = lx->tok.off;
	if (!st)
		st = parse_operand(p, id, &left);
	if (!st && unary && left >= p->n)
		return text_fail(lx, off, EINC_ESYNTAX,
		                 "%%%d is not an input: 'reduce' goes over an input's node", left);
	if (!st && !unary)
		st = parse_operand(p, id, &right);
	if (st)
		return st;
	p->steps[id - p->n][0] = left;
	p->steps[id - p->n][1] = right;
	p->contracts += !unary;
	if (!text_is_punct(lx, "->"))
		return EINC_OK;
	if ((st = text_next(lx)) != EINC_OK)
		return st;
	p->result_off[id] = lx->tok.off;
	if (!(p->results[id] = arena_array(p->a, (size_t)p->g->nindices + 1, sizeof(int))))
		return oom(p);
	return parse_labels(p, p->results[id], p->g->nindices, &p->result_rank[id]);
}

/* Whether the steps read so far make the whole tree: n - 1 contractions,
 * or the one reduction of a one-input spec. */
static int complete(const parser *p)
{
	return p->n == 1 ? p->next == 2 : p->contracts == p->n - 1;
}

/* %N = input ... | %N = contract ...: the next node of the tree. */
static einc_status parse_line(parser *p)
{
	text_lexer *lx = &p->lx;
	int id = p->next;
	if (id >= p->n && complete(p))
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX,
		                 "the tree is complete after %%%d; nothing may follow", id - 1);
	if (lx->tok.kind != TEXT_NAME || lx->tok.num != id)
		return text_fail(lx, lx->tok.off, EINC_ESYNTAX, "expected '%%%d', the next node", id);
	einc_status st = text_next(lx);
	if (st)
		return st;
	if (!text_is_punct(lx, "="))
		return text_expected(lx, "'='");
	if ((st = text_next(lx)) != EINC_OK)
		return st;
	if (id < p->n) {
		if (!text_is_word(lx, "input"))
			return text_expected(lx, "'input' (the first nodes are the spec's inputs)");
		st = text_next(lx);
		if (!st)
			st = parse_input(p, id);
	} else {
		st = parse_step(p, id);
	}
	if (st)
		return st;
	if (lx->tok.kind != TEXT_EOL && lx->tok.kind != TEXT_EOF)
		return text_expected(lx, "the end of the line");
	p->next++;
	return text_skip_eols(lx);
}

/* Checks the labels written after "->" against the results the tree has:
 * the output's in its order, an intermediate's in any order, which
 * becomes its layout. */
static einc_status check_results(parser *p, ir_tree *t)
{
	for (int id = p->n; id < t->nnodes; id++) {
		ir_tree_node *x = &t->nodes[id];
		const int *idx = p->results[id];
		int rank = p->result_rank[id];
		if (rank < 0)
			continue;
		if (same_labels(idx, rank, x) &&
		    (id != t->root || !memcmp(idx, x->index, (size_t)rank * sizeof(int)))) {
			memcpy(x->index, idx, (size_t)rank * sizeof(int));
			continue;
		}
		strbuf b = {0};
		for (int a = 0; a < x->rank; a++)
			strbuf_printf(&b, "%s%s", a ? " " : "", p->g->indices[x->index[a]].name);
		char *want = strbuf_take(&b);
		if (!want)
			return oom(p);
		einc_status st = text_fail(&p->lx, p->result_off[id], EINC_ESHAPE,
		                           "node %%%d keeps [%s]%s", id, want,
		                           id == t->root ? " (the output)" : " (in any order)");
		free(want);
		return st;
	}
	return EINC_OK;
}

/* Reads the lines in order, then builds the tree and checks the results. */
einc_status ir_tree_parse(einc_ctx *ctx, arena *a, const ir_graph *g, const char *text,
                          const char *where, ir_tree **out)
{
	parser p = {.a = a, .g = g, .n = g->ninputs};
	p.cap = p.n == 1 ? 2 : 3 * p.n - 1;
	size_t nn = (size_t)p.cap;
	p.steps = arena_array(a, nn, sizeof(*p.steps));
	p.used = arena_alloc(a, nn);
	for (int k = 0; k < p.n; k++)
		if (g->inputs[k].rank > p.scratch_cap)
			p.scratch_cap = g->inputs[k].rank;
	p.scratch = arena_array(a, (size_t)p.scratch_cap + 1, sizeof(int));
	p.result_rank = arena_array(a, nn, sizeof(int));
	p.results = arena_array(a, nn, sizeof(int *));
	p.result_off = arena_array(a, nn, sizeof(size_t));
	if (!p.steps || !p.used || !p.scratch || !p.result_rank || !p.results || !p.result_off)
		return ctx_fail(ctx, EINC_ENOMEM, "tree", "out of memory");
	for (size_t i = 0; i < nn; i++)
		p.result_rank[i] = -1;
	einc_status st = text_init(&p.lx, ctx, text, where, "tree");
	if (!st)
		st = text_skip_eols(&p.lx);
	while (!st && p.lx.tok.kind != TEXT_EOF)
		st = parse_line(&p);
	if (st)
		return st;
	if (p.n == 1 && p.next < 2)
		return text_fail(&p.lx, p.lx.tok.off, EINC_ESYNTAX,
		                 "the tree stops before %%%d: one input needs %%0 and its 'reduce' %%1",
		                 p.next);
	if (p.next <= p.n || !complete(&p))
		return text_fail(&p.lx, p.lx.tok.off, EINC_ESYNTAX,
		                 "the tree stops before %%%d: %d inputs need %d contractions, it has %d",
		                 p.next, p.n, p.n - 1, p.contracts);
	ir_tree *t;
	st = ir_tree_build(ctx, a, g, p.next - p.n, (const int (*)[2])p.steps, "tree", &t);
	if (!st)
		st = check_results(&p, t);
	if (!st)
		*out = t;
	return st;
}
