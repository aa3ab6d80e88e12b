/*
 * slice_report.c - what the slicing pass chose, as the reports print it:
 * the lines that lead the tree dump and the path report, and the members
 * of the path's JSON document.
 */
#include <math.h>
#include <stdlib.h>

#include "slice.h"
#include "strbuf.h"

/* Appends the sliced labels of "s", separated by spaces. */
static void put_labels(strbuf *b, const ir_graph *g, const slicing *s)
{
	for (int x = 0; x < s->n; x++)
		strbuf_printf(b, "%s%s", x ? " " : "", g->indices[s->index[x]].name);
}

/* The slices' flops together, saturating. */
static path_cost total_flops(const slicing *s)
{
	return path_cost_mul(s->flops, (path_cost)s->nslices);
}

char *slice_report(const ir_graph *g, const slicing *s, const char *lead)
{
	strbuf b = {0};
	char f[48], l[48], ff[48], lf[48];
	strbuf_printf(&b, "%ssliced: ", lead);
	put_labels(&b, g, s);
	strbuf_printf(&b, " (%d summed), %lld slices\n", s->nsummed, (long long)s->nslices);
	strbuf_printf(&b, "%slargest intermediate per slice: %s (unsliced: %s)\n", lead,
	              path_cost_str(s->largest, l), path_cost_str(s->largest_full, lf));
	strbuf_printf(&b, "%sflops: %s over all slices (unsliced: %s), overhead %.4f\n", lead,
	              path_cost_str(total_flops(s), f), path_cost_str(s->flops_full, ff),
	              slice_overhead(s));
	return strbuf_take(&b);
}

char *slice_report_json(const ir_graph *g, const slicing *s)
{
	strbuf b = {0};
	char num[48];
	strbuf_printf(&b, "  \"sliced\": [");
	for (int x = 0; x < s->n; x++)
		strbuf_printf(&b, "%s\"%s\"", x ? ", " : "", g->indices[s->index[x]].name);
	strbuf_printf(&b, "],\n  \"sliced_summed\": %d,\n  \"num_slices\": %lld,\n", s->nsummed,
	              (long long)s->nslices);
	strbuf_printf(&b, "  \"largest_per_slice\": %s,\n", path_cost_str(s->largest, num));
	strbuf_printf(&b, "  \"unsliced_largest\": %s,\n", path_cost_str(s->largest_full, num));
	strbuf_printf(&b, "  \"sliced_flops\": %s,\n", path_cost_str(total_flops(s), num));
	strbuf_printf(&b, "  \"unsliced_flops\": %s,\n", path_cost_str(s->flops_full, num));
	strbuf_printf(&b, "  \"overhead\": %.6f,\n", slice_overhead(s));
	return strbuf_take(&b);
}

char *budget_choice_report(const budget_choice *c, const char *lead, int json)
{
	strbuf b = {0};
	const char *what = c->sliced ? "slicing" : c->spill_bytes ? "spilling" : "neither";
	if (json) {
		strbuf_printf(&b, "  \"budget_choice\": {\"chosen\": \"%s\", ", what);
		strbuf_printf(&b, "\"spill_cost\": %.6g, \"spill_bytes\": %lld, ",
		              isinf(c->spill_cost) ? -1 : c->spill_cost, (long long)c->spill_bytes);
		strbuf_printf(&b, "\"slice_cost\": %.6g, \"slice_bytes\": %lld},\n",
		              isinf(c->slice_cost) ? -1 : c->slice_cost, (long long)c->slice_bytes);
		return strbuf_take(&b);
	}
	if (!c->sliced && c->spill_bytes == 0) {
		strbuf_printf(&b, "%sbudget: the unsliced plan fits it without spilling: not sliced\n",
		              lead);
		return strbuf_take(&b);
	}
	strbuf_printf(&b, "%sbudget: %s chosen; cost in flops: spilling ", lead, what);
	if (isinf(c->spill_cost))
		strbuf_printf(&b, "does not fit");
	else
		strbuf_printf(&b, "%.6g (%lld bytes moved)", c->spill_cost, (long long)c->spill_bytes);
	strbuf_printf(&b, ", slicing ");
	if (isinf(c->slice_cost))
		strbuf_printf(&b, "does not fit\n");
	else
		strbuf_printf(&b, "%.6g (%lld bytes moved)\n", c->slice_cost, (long long)c->slice_bytes);
	return strbuf_take(&b);
}
