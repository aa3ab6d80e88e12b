/* graph_print.c - the graph text form (docs/ir.md), as graph_parse.c reads it. */
#include "graph.h"

#include "dtype.h"
#include "strbuf.h"
#include "text.h"

/* Whether index "i" is an axis of the output of "g". */
static int in_output(const ir_graph *g, int i)
{
	for (int a = 0; a < g->output.rank; a++)
		if (g->output.index[a] == i)
			return 1;
	return 0;
}

/* Prints "[b i:1 j]  ; N elements": broadcast axes carry ":1". */
static void print_tensor(strbuf *b, const ir_graph *g, const ir_tensor *t)
{
	strbuf_append(b, "[", 1);
	for (int a = 0; a < t->rank; a++) {
		const ir_index *x = &g->indices[t->index[a]];
		strbuf_printf(b, "%s%s%s", a ? " " : "", x->name,
		              t->dims[a] != x->size ? ":1" : "");
	}
	long long n = (long long)ir_tensor_elems(t);
	strbuf_printf(b, "]  ; %lld element%s\n", n, n == 1 ? "" : "s");
}

/* One statement a line: dtype, spec, indices, inputs in order, output. */
char *ir_graph_print(const ir_graph *g)
{
	strbuf b = {0};
	strbuf_printf(&b, "; einc graph v1\ndtype %s\n", ir_dtype(g->dtype)->name);
	if (g->spec && *g->spec) {
		strbuf_append(&b, "spec ", 5);
		text_print_string(&b, g->spec);
		strbuf_append(&b, "\n", 1);
	}
	for (int i = 0; i < g->nindices; i++)
		strbuf_printf(&b, "index %s %lld%s\n", g->indices[i].name,
		              (long long)g->indices[i].size, in_output(g, i) ? "" : "  ; summed");
	for (int k = 0; k < g->ninputs; k++) {
		strbuf_printf(&b, "input %%%d ", k);
		print_tensor(&b, g, &g->inputs[k]);
	}
	strbuf_append(&b, "output ", 7);
	print_tensor(&b, g, &g->output);
	return strbuf_take(&b);
}
