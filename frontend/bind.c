/*
 * bind.c - terms + sizes -> graph (bind.h). Sizes follow numpy: the axes of
 * one label agree across operands or are 1 (broadcast); a label repeated in
 * one operand takes one size; each operand's '...' covers rank - labels
 * dimensions, and those broadcast right-aligned into one shape.
 */
#include "bind.h"

#include <stdio.h>
#include <string.h>

#include "ctx.h"
#include "labels.h"

/* Fails at byte "off" of the spec. */
#define BIND_FAIL(b, status, off, ...) \
	ctx_fail_at((b)->ctx, (status), "bind", "spec", (b)->s->text, (off), __VA_ARGS__)

typedef struct {
	einc_ctx *ctx;
	arena *a;
	const fe_spec *s;
	const fe_shapes *sh;  /* NULL without shapes */
	const fe_dims *d;     /* NULL without dims */
	int *ell_nd;          /* per input: how many dimensions its '...' covers */
	int ne;               /* rank of the broadcast '...' shape */
	int ell_base;         /* index id of ".0" */
	fe_labelmap ids;      /* label -> index id */
	ir_graph *g;
	size_t *first;        /* per index: spec offset of its first appearance */
	const fe_label **lab; /* per index: that label, NULL for a '...' index */
	int *src;             /* per index: the operand its size came from, or -1 */
	int *cur_op;          /* per index: the last operand seen with it */
	int64_t *cur_ext;     /* per index: its extent there */
	size_t **axis_off;    /* per input and the output (last): offset per axis */
} binder;

/* An out-of-memory failure. */
static einc_status bind_oom(binder *b)
{
	return ctx_fail(b->ctx, EINC_ENOMEM, "bind", "out of memory");
}

/* Writes how messages name index "i" ("label 'k'", "'...' dimension .0")
 * into "buf" of "n" bytes. */
static const char *index_desc(const binder *b, int i, char *buf, size_t n)
{
	if (b->lab[i])
		snprintf(buf, n, "label '%.*s'", (int)b->lab[i]->len, b->s->text + b->lab[i]->off);
	else
		snprintf(buf, n, "'...' dimension %s", b->g->indices[i].name);
	return buf;
}

/* Works out each input's '...' rank from the shapes (rank minus labels),
 * checking the number of shapes and each rank; without shapes no input may
 * have '...'. Sets b->ne to the largest. */
static einc_status bind_ellipsis_ranks(binder *b)
{
	const fe_spec *s = b->s;
	const fe_shapes *sh = b->sh;
	b->ell_nd = arena_array(b->a, (size_t)s->nops, sizeof(*b->ell_nd));
	if (!b->ell_nd)
		return bind_oom(b);
	if (!sh) {
		if (s->ellipsis_op >= 0)
			return BIND_FAIL(b, EINC_ESHAPE, s->ops[s->ellipsis_op].ell_off,
			                 "'...' needs the shapes of the operands; dims alone "
			                 "cannot size it");
		return EINC_OK;
	}
	if (sh->nops != s->nops) {
		const char *fmt = "the spec has %d operand%s but %d shape%s given";
		const char *s1 = s->nops == 1 ? "" : "s", *s2 = sh->nops == 1 ? " is" : "s are";
		if (!sh->text)
			return ctx_fail(b->ctx, EINC_ESHAPE, "bind", fmt, s->nops, s1, sh->nops, s2);
		size_t off = sh->nops > s->nops ? sh->op_off[s->nops] : strlen(sh->text);
		return ctx_fail_at(b->ctx, EINC_ESHAPE, "bind", "shapes", sh->text, off, fmt,
		                   s->nops, s1, sh->nops, s2);
	}
	for (int k = 0; k < s->nops; k++) {
		const fe_term *t = &s->ops[k];
		int r = sh->rank[k];
		if (t->ellipsis < 0 && r != t->nlabels)
			return BIND_FAIL(b, EINC_ESHAPE, t->off, "operand %d has %d label%s but its "
			                 "shape has %d dimension%s", k, t->nlabels,
			                 t->nlabels == 1 ? "" : "s", r, r == 1 ? "" : "s");
		if (t->ellipsis >= 0 && r < t->nlabels)
			return BIND_FAIL(b, EINC_ESHAPE, t->off, "operand %d has %d label%s besides "
			                 "'...' but its shape has only %d dimension%s", k, t->nlabels,
			                 t->nlabels == 1 ? "" : "s", r, r == 1 ? "" : "s");
		b->ell_nd[k] = t->ellipsis >= 0 ? r - t->nlabels : 0;
		if (b->ell_nd[k] > b->ne)
			b->ne = b->ell_nd[k];
	}
	return EINC_OK;
}

/* Adds index "i" = "name" first seen at "off" (label "l", or NULL). */
static void add_index(binder *b, const char *name, size_t off, const fe_label *l)
{
	int i = b->g->nindices++;
	b->g->indices[i].name = name;
	b->first[i] = off;
	b->lab[i] = l;
	b->g->indices[i].size = -1; /* unsized yet */
	b->src[i] = -1;
	b->cur_op[i] = -1;
}

/* Gives ids to the indices of "t" not seen before: its labels and, at its
 * '...', the b->ne ellipsis indices. */
static einc_status bind_term_indices(binder *b, const fe_term *t)
{
	for (int p = 0; p <= t->nlabels; p++) {
		if (p == t->ellipsis && b->ell_base < 0) {
			b->ell_base = b->g->nindices;
			for (int e = 0; e < b->ne; e++) {
				char buf[16];
				snprintf(buf, sizeof buf, "%c%d", IR_ELLIPSIS_PREFIX, e);
				char *name = arena_strdup(b->a, buf);
				if (!name)
					return bind_oom(b);
				add_index(b, name, t->ell_off, NULL);
			}
		}
		if (p == t->nlabels)
			break;
		const fe_label *l = &t->labels[p];
		int *id = fe_labelmap_slot(&b->ids, l->cp, -1);
		if (*id >= 0)
			continue;
		*id = b->g->nindices;
		char *name = arena_strndup(b->a, b->s->text + l->off, l->len);
		if (!name)
			return bind_oom(b);
		add_index(b, name, l->off, l);
	}
	return EINC_OK;
}

/* Numbers the indices in order of first appearance, inputs then output. */
static einc_status bind_indices(binder *b)
{
	const fe_spec *s = b->s;
	size_t n = s->ninput_labels + (size_t)b->ne;
	ir_graph *g = b->g;
	b->ell_base = -1;
	if (fe_labelmap_init(&b->ids, b->a, s->ninput_labels) ||
	    !(g->indices = arena_array(b->a, n ? n : 1, sizeof(*g->indices))) ||
	    !(b->first = arena_array(b->a, n ? n : 1, sizeof(*b->first))) ||
	    !(b->lab = arena_array(b->a, n ? n : 1, sizeof(*b->lab))) ||
	    !(b->src = arena_array(b->a, n ? n : 1, sizeof(*b->src))) ||
	    !(b->cur_op = arena_array(b->a, n ? n : 1, sizeof(*b->cur_op))) ||
	    !(b->cur_ext = arena_array(b->a, n ? n : 1, sizeof(*b->cur_ext))))
		return bind_oom(b);
	for (int k = 0; k < s->nops; k++) {
		einc_status st = bind_term_indices(b, &s->ops[k]);
		if (st)
			return st;
	}
	return bind_term_indices(b, &s->out);
}

/* Lays out tensor "t" for term "term" whose '...' covers "nd" dimensions:
 * rank, the index of each axis and its caret offset into "*axis_off". */
static einc_status bind_tensor_axes(binder *b, ir_tensor *t, const fe_term *term,
                                    int nd, size_t **axis_off)
{
	t->rank = term->nlabels + nd;
	size_t n = t->rank ? (size_t)t->rank : 1;
	t->index = arena_array(b->a, n, sizeof(*t->index));
	t->dims = arena_array(b->a, n, sizeof(*t->dims));
	*axis_off = arena_array(b->a, n, sizeof(**axis_off));
	if (!t->index || !t->dims || !*axis_off)
		return bind_oom(b);
	int a = 0;
	for (int p = 0; p <= term->nlabels; p++) {
		if (p == term->ellipsis)
			for (int e = 0; e < nd; e++, a++) {
				t->index[a] = b->ell_base + b->ne - nd + e;
				(*axis_off)[a] = term->ell_off;
			}
		if (p == term->nlabels)
			break;
		t->index[a] = fe_labelmap_get(&b->ids, term->labels[p].cp, -1);
		(*axis_off)[a++] = term->labels[p].off;
	}
	return EINC_OK;
}

/* Lays out every input and the output. */
static einc_status bind_tensors(binder *b)
{
	const fe_spec *s = b->s;
	ir_graph *g = b->g;
	g->ninputs = s->nops;
	g->inputs = arena_array(b->a, (size_t)s->nops, sizeof(*g->inputs));
	b->axis_off = arena_array(b->a, (size_t)s->nops + 1, sizeof(*b->axis_off));
	if (!g->inputs || !b->axis_off)
		return bind_oom(b);
	for (int k = 0; k < s->nops; k++) {
		einc_status st = bind_tensor_axes(b, &g->inputs[k], &s->ops[k], b->ell_nd[k],
		                                  &b->axis_off[k]);
		if (st)
			return st;
	}
	return bind_tensor_axes(b, &g->output, &s->out, s->out.ellipsis >= 0 ? b->ne : 0,
	                        &b->axis_off[s->nops]);
}

/* Takes extent "x" of axis "a" of operand "k" into the size of its index:
 * one size per index within an operand, equal or 1 across operands. */
static einc_status bind_extent(binder *b, int k, int a, int64_t x)
{
	int i = b->g->inputs[k].index[a];
	size_t off = b->axis_off[k][a];
	ir_index *ix = &b->g->indices[i];
	char what[64];
	if (x < 0)
		return BIND_FAIL(b, EINC_ESHAPE, off, "%s has size %lld in operand %d; sizes "
		                 "must be >= 0", index_desc(b, i, what, sizeof what), (long long)x, k);
	if (b->cur_op[i] == k && b->cur_ext[i] != x)
		return BIND_FAIL(b, EINC_ESHAPE, off, "%s appears in operand %d with sizes %lld "
		                 "and %lld; a repeated label takes one size",
		                 index_desc(b, i, what, sizeof what), k,
		                 (long long)b->cur_ext[i], (long long)x);
	b->cur_op[i] = k;
	b->cur_ext[i] = x;
	if (ix->size >= 0 && ix->size != 1 && x != 1 && x != ix->size)
		return BIND_FAIL(b, EINC_ESHAPE, off, "%s is %lld in operand %d but %lld in "
		                 "operand %d", index_desc(b, i, what, sizeof what), (long long)x, k,
		                 (long long)ix->size, b->src[i]);
	if (ix->size < 0 || ix->size == 1) { /* unsized, or 1: x broadcasts it */
		if (x != 1 || ix->size < 0)
			b->src[i] = k;
		ix->size = x;
	}
	return EINC_OK;
}

/* Sizes every index from the shapes; the inputs keep their own extents. */
static einc_status bind_from_shapes(binder *b)
{
	for (int k = 0; k < b->g->ninputs; k++) {
		ir_tensor *t = &b->g->inputs[k];
		for (int a = 0; a < t->rank; a++) {
			einc_status st = bind_extent(b, k, a, b->sh->dims[k][a]);
			if (st)
				return st;
			t->dims[a] = b->sh->dims[k][a];
		}
	}
	for (int i = 0; i < b->g->nindices; i++)
		if (b->g->indices[i].size < 0)
			b->g->indices[i].size = 1; /* a '...' dimension no input has */
	return EINC_OK;
}

/* Applies the dims: each label must be in the spec; with shapes its size
 * must match theirs, without shapes it gives the size. */
static einc_status bind_dims(binder *b)
{
	const fe_dims *d = b->d;
	for (int e = 0; e < d->n; e++) {
		const fe_label *l = &d->labels[e];
		int i = fe_labelmap_get(&b->ids, l->cp, -1);
		ir_index *ix = &b->g->indices[i < 0 ? 0 : i];
		if (i < 0)
			return ctx_fail_at(b->ctx, EINC_ESHAPE, "bind", "dims", d->text, l->off,
			                   "label '%.*s' appears in no operand of the spec",
			                   (int)l->len, d->text + l->off);
		if (!b->sh)
			ix->size = d->size[e];
		else if (ix->size != d->size[e])
			return ctx_fail_at(b->ctx, EINC_ESHAPE, "bind", "dims", d->text,
			                   d->size_off[e], "label '%.*s' is %lld in the dims but "
			                   "%lld in the shapes (operand %d)", (int)l->len,
			                   d->text + l->off, (long long)d->size[e],
			                   (long long)ix->size, b->src[i]);
	}
	return EINC_OK;
}

/* Without shapes: every label needs a size from the dims; each axis has it. */
static einc_status bind_from_dims(binder *b)
{
	ir_graph *g = b->g;
	for (int i = 0; i < g->nindices; i++)
		if (g->indices[i].size < 0) {
			const fe_label *l = b->lab[i];
			return BIND_FAIL(b, EINC_ESHAPE, l->off, "no size for label '%.*s' "
			                 "(give it in the dims, as %.*s=N, or give the shapes)",
			                 (int)l->len, b->s->text + l->off, (int)l->len,
			                 b->s->text + l->off);
		}
	for (int k = 0; k < g->ninputs; k++)
		for (int a = 0; a < g->inputs[k].rank; a++)
			g->inputs[k].dims[a] = g->indices[g->inputs[k].index[a]].size;
	return EINC_OK;
}

/* The axis of "t" at which the running product of its dims first overflows
 * int64, or -1 when it does not. */
static int overflow_axis(const ir_tensor *t)
{
	int64_t n = 1;
	for (int a = 0; a < t->rank; a++) {
		if (n > INT64_MAX / t->dims[a])
			return a;
		n *= t->dims[a];
	}
	return -1;
}

/* Checks that no input's and not the output's element count overflows
 * int64; the caret marks where the product overflows. The product over all
 * labels is no limit: nothing walks that space but the reference evaluator,
 * which has its own, and the intermediates are checked once the tree is
 * chosen (passes/plan.c). */
static einc_status bind_overflow(binder *b)
{
	ir_graph *g = b->g;
	for (int k = 0; k <= g->ninputs; k++) {
		const ir_tensor *t = k < g->ninputs ? &g->inputs[k] : &g->output;
		int a = overflow_axis(t);
		if (a < 0)
			continue;
		if (k < g->ninputs)
			return BIND_FAIL(b, EINC_EOVERFLOW, b->axis_off[k][a], "operand %d has more "
			                 "than 2^63-1 elements: the product of its sizes overflows "
			                 "int64", k);
		return BIND_FAIL(b, EINC_EOVERFLOW, b->axis_off[k][a], "the output has more than "
		                 "2^63-1 elements: the product of its sizes overflows int64");
	}
	return EINC_OK;
}

/* With an index of size 0 (numpy's empty axes): keeps every tensor's dims
 * as given in g->empty_dims, then reads 1 for each size 0, so that the
 * passes see a graph of sizes >= 1 while the program's result is zeros. */
static einc_status bind_empty(binder *b)
{
	ir_graph *g = b->g;
	int empty = 0;
	for (int i = 0; i < g->nindices; i++)
		empty |= g->indices[i].size == 0;
	if (!empty)
		return EINC_OK;
	if (!(g->empty_dims = arena_array(b->a, (size_t)g->ninputs + 1, sizeof(*g->empty_dims))))
		return bind_oom(b);
	for (int k = 0; k <= g->ninputs; k++) {
		ir_tensor *t = k < g->ninputs ? &g->inputs[k] : &g->output;
		int64_t *d = arena_array(b->a, t->rank ? (size_t)t->rank : 1, sizeof(*d));
		if (!d)
			return bind_oom(b);
		for (int a = 0; a < t->rank; a++) {
			d[a] = t->dims[a];
			t->dims[a] += t->dims[a] == 0;
		}
		g->empty_dims[k] = d;
	}
	for (int i = 0; i < g->nindices; i++)
		g->indices[i].size += g->indices[i].size == 0;
	return EINC_OK;
}

/* Checks that an explicit output without '...' leaves no '...' dimension
 * unmentioned: numpy refuses to sum over '...' implicitly. */
static einc_status bind_output_ellipsis(binder *b)
{
	const fe_spec *s = b->s;
	if (s->out.ellipsis >= 0 || b->ne == 0)
		return EINC_OK;
	int k = 0;
	while (b->ell_nd[k] == 0)
		k++;
	return BIND_FAIL(b, EINC_ESHAPE, s->ops[k].ell_off, "'...' covers %d dimension%s of "
	                 "operand %d but the output has no '...' (numpy does not sum over "
	                 "'...': add it to the output)", b->ell_nd[k],
	                 b->ell_nd[k] == 1 ? "" : "s", k);
}

/* The graph of "spec" with its sizes: indices, tensors, sizes, checks. */
einc_status fe_bind(einc_ctx *ctx, arena *a, const fe_spec *spec, const fe_shapes *sh,
                    const fe_dims *d, einc_dtype dtype, ir_graph **out)
{
	*out = NULL;
	binder b = {.ctx = ctx, .a = a, .s = spec, .sh = sh, .d = d};
	b.g = arena_alloc(a, sizeof(*b.g));
	if (!b.g)
		return bind_oom(&b);
	b.g->dtype = dtype;
	b.g->spec = spec->text;
	einc_status st = bind_ellipsis_ranks(&b);
	if (!st)
		st = bind_output_ellipsis(&b);
	if (!st)
		st = bind_indices(&b);
	if (!st)
		st = bind_tensors(&b);
	if (!st && sh)
		st = bind_from_shapes(&b);
	if (!st && d)
		st = bind_dims(&b);
	if (!st && !sh)
		st = bind_from_dims(&b);
	if (st)
		return st;
	ir_tensor *o = &b.g->output;
	for (int x = 0; x < o->rank; x++)
		o->dims[x] = b.g->indices[o->index[x]].size;
	if ((st = bind_empty(&b)) || (st = bind_overflow(&b)) ||
	    (st = ir_graph_check(ctx, b.g, "bind")))
		return st;
	*out = b.g;
	return EINC_OK;
}
