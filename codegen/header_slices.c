/*
 * header_slices.c - the slices' part of a sliced program's NAME.h:
 * NAME_slices(out, in0, ..., workspace, first, count) runs a range of
 * slices as einc_kernel_run_slices does, through libeinc_rt.a's
 * einc_rt_run_slices (runtime/slices.h) and a table of the slices'
 * offsets written into the header.
 */
#include <stdlib.h>

#include "cg.h"
#include "slice.h"

void cg_header_slices(strbuf *b, const einc_program *p, const char *name, const char *type)
{
	const ir_graph *g = p->graph;
	size_t len;
	int64_t *table = slice_table(g, p->slicing, &len);
	if (!table) {
		b->broken = 1;
		return;
	}
	strbuf_printf(b, "\n#define ");
	cg_upper(b, name);
	strbuf_printf(b, "_NUM_SLICES %lld\n", (long long)p->slicing->nslices);
	strbuf_printf(b,
	              "\n/* %s_slices(out, in0, ..., workspace, first, count) runs slices\n"
	              " * first .. first + count - 1 of the ", name);
	cg_upper(b, name);
	strbuf_printf(b,
	              "_NUM_SLICES, reading the whole\n"
	              " * inputs in place: each part of \"out\" (the whole output) the range\n"
	              " * touches gets the sum, in slice order, of its slices in the range;\n"
	              " * the range 0 .. ");
	cg_upper(b, name);
	strbuf_printf(b,
	              "_NUM_SLICES computes the einsum. %s(...)\n"
	              " * alone computes one slice. Returns 0, 1 for a range out of bounds,\n"
	              " * -1 when a buffer cannot be allocated (einc.h, einc_kernel_run_slices). */\n"
	              "int einc_rt_run_slices(const int64_t *table,\n"
	              "                       int (*one)(void *, void *, const void *const *),\n"
	              "                       void *user, void *out, const void *const *in,\n"
	              "                       int64_t first, int64_t count, int packed);\n\n", name);
	strbuf_printf(b, "static int %s_slice_one_(void *ws, void *part, const void *const *in)\n{\n"
	              "\treturn %s((%s *)part", name, name, type);
	for (int k = 0; k < g->ninputs; k++)
		strbuf_printf(b, ", (const %s *)in[%d]", type, k);
	strbuf_printf(b, ", ws);\n}\n\nstatic inline int %s_slices(%s *out", name, type);
	for (int k = 0; k < g->ninputs; k++)
		strbuf_printf(b, ", const %s *in%d", type, k);
	strbuf_printf(b, ", void *workspace,\n\t\tint64_t first, int64_t count)\n{\n"
	              "\tstatic const int64_t table[] = {");
	for (size_t x = 0; x < len; x++)
		strbuf_printf(b, "%s%lldLL", x ? ", " : "", (long long)table[x]);
	strbuf_printf(b, "};\n\tconst void *in[] = {");
	for (int k = 0; k < g->ninputs; k++)
		strbuf_printf(b, "%sin%d", k ? ", " : "", k);
	strbuf_printf(b, "};\n\treturn einc_rt_run_slices(table, %s_slice_one_, workspace, out, in,"
	              " first, count, 0);\n}\n", name);
	free(table);
}
