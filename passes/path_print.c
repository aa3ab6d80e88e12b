/*
 * path_print.c - a path as text, opt_einsum's contract_path report: a
 * header (naive and optimised flops, speedup, largest intermediate), then
 * one line per step with its scaling (number of distinct indices), flops,
 * result size and the step as a small einsum over the spec's labels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "strbuf.h"

/* Appends the labels of "list" ("n" index ids) to "sb". */
static void put_labels(strbuf *sb, const ir_graph *g, const int *list, int n)
{
	for (int k = 0; k < n; k++)
		strbuf_append(sb, g->indices[list[k]].name, strlen(g->indices[list[k]].name));
}

/* The naive cost: one einsum over every index, opt_einsum's
 * prod(all sizes) * (max(1, n - 1) + [an index is summed]). */
static path_cost naive_cost(const path_problem *prob)
{
	path_cost all = 1;
	int summed = 0;
	unsigned char *seen = calloc((size_t)prob->nindices + 1, 1);
	if (!seen)
		return PATH_COST_MAX;
	for (int q = 0; q < prob->start[prob->n]; q++)
		seen[prob->index[q]] = 1;
	for (int i = 0; i < prob->nindices; i++)
		if (seen[i]) {
			all = path_cost_mul(all, (path_cost)prob->size[i]);
			summed |= !prob->out[i];
		}
	free(seen);
	return path_cost_mul(all, (path_cost)((prob->n > 1 ? prob->n - 1 : 1) + summed));
}

/* Appends one JSON array of label strings: the "n" index ids "list". */
static void put_json_labels(strbuf *sb, const ir_graph *g, const int *list, int n)
{
	strbuf_printf(sb, "[");
	for (int k = 0; k < n; k++)
		strbuf_printf(sb, "%s\"%s\"", k ? ", " : "", g->indices[list[k]].name);
	strbuf_printf(sb, "]");
}

/* Appends step "s" of a replay as a JSON object: its operands' positions
 * "lin" in the linear form, their labels "x" and "y" (NULL: a unary step),
 * its result "z", scaling, flops and size. */
static void put_json_step(strbuf *sb, const ir_graph *g, int s, const int lin[2],
                          const int *x, int nx, const int *y, int ny, const int *z, int nz,
                          int scale, path_cost f, path_cost sz)
{
	char num[48], num2[48];
	strbuf_printf(sb, "%s\n    {\"operands\": [%d", s ? "," : "", lin[0]);
	if (y)
		strbuf_printf(sb, ", %d", lin[1]);
	strbuf_printf(sb, "], \"labels\": [");
	put_json_labels(sb, g, x, nx);
	if (y) {
		strbuf_printf(sb, ", ");
		put_json_labels(sb, g, y, ny);
	}
	strbuf_printf(sb, "], \"result\": ");
	put_json_labels(sb, g, z, nz);
	strbuf_printf(sb, ", \"scaling\": %d, \"flops\": %s, \"size\": %s}", scale,
	              path_cost_str(f, num), path_cost_str(sz, num2));
}

/* Appends the steps of "p" (evaluated) to "sb", replaying it over index
 * lists: a table heading and one line per step, or with "json" a JSON
 * array of step objects (put_json_step); -1 when out of memory. */
static int put_steps(strbuf *sb, const ir_graph *g, const path_problem *prob, const path *p,
                     int json)
{
	int n = prob->n, ok = -1;
	path_lists l;
	int (*lin)[2] = malloc(sizeof(*lin) * ((size_t)p->nsteps + 1));
	char num[48], num2[48];
	if (path_lists_init(&l, prob, p->nsteps) || !lin || path_to_linear(p, lin))
		goto done;
	if (json)
		strbuf_printf(sb, "[");
	else
		strbuf_printf(sb, "%-8s %-24s %-24s %s\n", "scaling", "flops", "size", "step");
	for (int s = 0; s < p->nsteps; s++) {
		int x = p->step[s][0], y = p->step[s][1], z = n + s;
		path_cost f, sz;
		if (path_lists_step(&l, prob, x, y, z, &f, &sz))
			goto done;
		const int *lx = l.pool + l.ofs[x], *ly = y >= 0 ? l.pool + l.ofs[y] : NULL;
		const int *lz = l.pool + l.ofs[z];
		int nx = l.len[x], ny = y >= 0 ? l.len[y] : 0, nz = l.len[z];
		/* Scaling: the distinct indices of the step (a merge of sorted lists). */
		int scale = nx + ny;
		for (int a = 0, b = 0; a < nx && b < ny;) {
			int u = lx[a], v = ly[b];
			scale -= u == v;
			a += u <= v;
			b += v <= u;
		}
		if (json && y >= 0 && y < x) /* operands in the order of their positions */
			put_json_step(sb, g, s, lin[s], ly, ny, lx, nx, lz, nz, scale, f, sz);
		else if (json)
			put_json_step(sb, g, s, lin[s], lx, nx, ly, ny, lz, nz, scale, f, sz);
		else {
			strbuf_printf(sb, "%-8d %-24s %-24s ", scale, path_cost_str(f, num),
			              path_cost_str(sz, num2));
			put_labels(sb, g, lx, nx);
			if (y >= 0) {
				strbuf_append(sb, ",", 1);
				put_labels(sb, g, ly, ny);
			}
			strbuf_append(sb, "->", 2);
			put_labels(sb, g, lz, nz);
			strbuf_append(sb, "\n", 1);
		}
		path_lists_retire(&l, x, y, z);
	}
	if (json)
		strbuf_printf(sb, "%s]", p->nsteps ? "\n  " : "");
	ok = 0;
done:
	free(lin);
	path_lists_free(&l);
	return ok;
}

/* "p" evaluated into "*q" (flops, largest); -1 when it is not a valid path
 * of "prob" or memory runs out. */
static int evaluate(const path_problem *prob, const path *p, path *q)
{
	einc_ctx *ctx = einc_ctx_new();
	*q = *p;
	int bad = !ctx || path_evaluate(ctx, prob, 0, q);
	einc_ctx_free(ctx);
	return bad ? -1 : 0;
}

/* "sb" with the steps of "p" appended, handed over; NULL when out of
 * memory. */
static char *take_with_steps(strbuf *sb, const ir_graph *g, const path_problem *prob,
                             const path *p)
{
	if (put_steps(sb, g, prob, p, 0) < 0) {
		free(sb->s);
		return NULL;
	}
	return strbuf_take(sb);
}

/* Evaluates "p" and prints the header, then its steps. */
char *path_print(const ir_graph *g, const path_problem *prob, const path *p)
{
	path q;
	char num[48];
	strbuf sb = {0};
	if (evaluate(prob, p, &q) < 0)
		return NULL;
	path_cost naive = naive_cost(prob);
	strbuf_printf(&sb, "  Complete contraction:  %s\n", g->spec);
	strbuf_printf(&sb, "      Naive FLOP count:  %s\n", path_cost_str(naive, num));
	strbuf_printf(&sb, "  Optimized FLOP count:  %s\n", path_cost_str(q.flops, num));
	strbuf_printf(&sb, "   Theoretical speedup:  %.4g\n",
	              path_cost_double(naive) / path_cost_double(q.flops ? q.flops : 1));
	strbuf_printf(&sb, "  Largest intermediate:  %s elements\n", path_cost_str(q.largest, num));
	return take_with_steps(&sb, g, prob, p);
}

/* Evaluates "p" and prints a line "WHAT: N steps, F flops", then its steps. */
char *path_print_steps(const ir_graph *g, const path_problem *prob, const path *p,
                       const char *what)
{
	path q;
	char num[48];
	strbuf sb = {0};
	if (evaluate(prob, p, &q) < 0)
		return NULL;
	strbuf_printf(&sb, "%s: %d steps, %s flops\n", what, q.nsteps, path_cost_str(q.flops, num));
	return take_with_steps(&sb, g, prob, p);
}

/* Appends "s" as a JSON string: quotes, backslashes and controls escaped. */
static void put_json_str(strbuf *sb, const char *s)
{
	strbuf_printf(sb, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_printf(sb, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			strbuf_printf(sb, "\\u%04x", (unsigned)*s);
		else
			strbuf_append(sb, s, 1);
	}
	strbuf_printf(sb, "\"");
}

/* Appends the labels of tensor "t" of "g", one per axis, as a JSON array. */
static void put_json_tensor(strbuf *sb, const ir_graph *g, const ir_tensor *t)
{
	put_json_labels(sb, g, t->index, t->rank);
}

/* The JSON document (path.h): the spec, its tensors and sizes, the
 * pairwise path "q" (linear form, totals, steps) and, when "p" has more
 * steps, einc's own. */
char *path_print_json(const ir_graph *g, const path_problem *prob, const path *q,
                      const path *p)
{
	path eq, ep;
	char num[48];
	strbuf sb = {0};
	if (evaluate(prob, q, &eq) < 0 || evaluate(prob, p, &ep) < 0)
		return NULL;
	strbuf_printf(&sb, "{\n  \"spec\": ");
	put_json_str(&sb, g->spec);
	strbuf_printf(&sb, ",\n  \"inputs\": [");
	for (int k = 0; k < g->ninputs; k++) {
		strbuf_printf(&sb, "%s", k ? ", " : "");
		put_json_tensor(&sb, g, &g->inputs[k]);
	}
	strbuf_printf(&sb, "],\n  \"output\": ");
	put_json_tensor(&sb, g, &g->output);
	strbuf_printf(&sb, ",\n  \"sizes\": {");
	for (int i = 0; i < g->nindices; i++)
		strbuf_printf(&sb, "%s\"%s\": %lld", i ? ", " : "", g->indices[i].name,
		              (long long)g->indices[i].size);
	char *linear = path_linear_str(q);
	if (!linear) {
		free(sb.s);
		return NULL;
	}
	for (char *c = linear; *c; c++)  /* "[(0, 1), (2,)]" -> "[[0, 1], [2]]" */
		*c = *c == '(' ? '[' : *c == ')' ? ']' : *c;
	for (char *c = strstr(linear, ",]"); c; c = strstr(c, ",]"))
		memmove(c, c + 1, strlen(c));
	strbuf_printf(&sb, "},\n  \"linear_path\": %s,\n  \"naive_flops\": %s,\n", linear,
	              path_cost_str(naive_cost(prob), num));
	free(linear);
	strbuf_printf(&sb, "  \"flops\": %s,\n", path_cost_str(eq.flops, num));
	strbuf_printf(&sb, "  \"largest_intermediate\": %s,\n  \"steps\": ",
	              path_cost_str(eq.largest, num));
	if (put_steps(&sb, g, prob, q, 1) < 0) {
		free(sb.s);
		return NULL;
	}
	if (p->nsteps != q->nsteps) {
		strbuf_printf(&sb, ",\n  \"einc_flops\": %s,\n  \"einc_steps\": ",
		              path_cost_str(ep.flops, num));
		if (put_steps(&sb, g, prob, p, 1) < 0) {
			free(sb.s);
			return NULL;
		}
	}
	strbuf_printf(&sb, "\n}\n");
	return strbuf_take(&sb);
}
