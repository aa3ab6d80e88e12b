/* plan_print.c - the plan text form (docs/ir.md), with the arena drawn
 * over time in comments. */
#include "plan.h"

#include "strbuf.h"
#include "text.h"

/* The letter that stands for tensor "e" in the picture. */
static char letter(int e)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	return letters[e % 52];
}

/* Draws one row per step: the arena in "cols" columns, each letter a
 * tensor resident there ('.' free); rows end with the bytes in use. */
static void draw(strbuf *b, const ir_plan *p)
{
	const int cols = 64;
	if (p->workspace_bytes <= 0 || p->nranges == 0)
		return;
	int64_t unit = (p->workspace_bytes + cols - 1) / cols;
	strbuf_printf(b, "; arena over time: one column = %lld bytes, one row = one step\n",
	              (long long)unit);
	for (int t = 0; t < p->nsteps; t++) {
		char row[64];
		int64_t used = 0;
		for (int c = 0; c < cols; c++)
			row[c] = c * unit < p->workspace_bytes ? '.' : ' ';
		for (int r = 0; r < p->nranges; r++) {
			const ir_plan_range *x = &p->ranges[r];
			if (x->first > t || t > x->last)
				continue;
			int64_t size = ir_plan_size(p->dag, p->mode, x->tensor);
			used += size;
			for (int64_t c = x->offset / unit; c * unit < x->offset + size && c < cols; c++)
				row[c] = letter(x->tensor);
		}
		strbuf_printf(b, ";%5d |%.*s| %lld\n", t, cols, row, (long long)used);
	}
	strbuf_printf(b, ";");
	for (int e = 0, n = 0; e < p->dag->ntensors; e++) {
		if (!ir_plan_size(p->dag, p->mode, e))
			continue;
		strbuf_printf(b, "%s %c=%s", n && n % 8 == 0 ? "\n;" : "", letter(e),
		              p->dag->tensors[e].name);
		n++;
	}
	strbuf_printf(b, "\n");
}

/* The status line: the status, a bound on the objective when the plan is
 * not optimal, "time_limit" when the time limit cut the ILP short; the gap
 * and what the flag means in the comment. */
static void print_status(strbuf *b, const ir_plan *p)
{
	strbuf_printf(b, "status %s", ir_plan_status_name(p->status));
	int bounded = p->status != IR_PLAN_OPTIMAL && p->bound >= 0;
	if (bounded)
		strbuf_printf(b, " bound %s %lld", ir_plan_objective_name(p->objective),
		              (long long)p->bound);
	if (p->time_limited)
		strbuf_printf(b, " time_limit");
	int64_t value = ir_plan_objective_value(p);
	if (bounded)
		strbuf_printf(b, " ; gap %.1f%%",
		              value > 0 ? 100.0 * (double)(value - p->bound) / (double)value : 0.0);
	if (p->time_limited)
		strbuf_printf(b, "%s cut short by the time limit: may differ between machines",
		              bounded ? "," : " ;");
	strbuf_printf(b, "\n");
}

/* Prints the header, tensors, ops, steps and ranges (with derived facts in
 * comments), then the picture. */
char *ir_plan_print(const ir_plan *p)
{
	strbuf b = {0};
	const ir_dag *d = p->dag;
	int64_t compulsory = 0;
	for (int e = 0; p->mode == IR_PLAN_STAGING && e < d->ntensors; e++)
		if (d->tensors[e].kind == IR_DAG_IN || d->tensors[e].kind == IR_DAG_OUT)
			compulsory += ir_plan_size(d, p->mode, e);
	strbuf_printf(&b, "; einc plan v1\nplan ");
	text_print_string(&b, d->name);
	strbuf_printf(&b, "\nmode %s\nbudget %lld%s\n", ir_plan_mode_name(p->mode),
	              (long long)p->budget, p->budget ? "" : " ; unlimited");
	strbuf_printf(&b, "peak %lld\nstep_lb %lld\nlive_lb %lld\n", (long long)p->workspace_bytes,
	              (long long)p->step_lb, (long long)p->live_lb);
	strbuf_printf(&b, "traffic %lld ; bytes moved beyond the %lld compulsory\n",
	              (long long)p->traffic, (long long)compulsory);
	int64_t fused = 0;
	for (int e = 0; e < d->ntensors; e++)
		if (d->tensors[e].kind == IR_DAG_FUSED)
			fused += d->tensors[e].bytes;
	if (fused)
		strbuf_printf(&b, "; fused: %lld bytes never stored nor read back\n", (long long)fused);
	print_status(&b, p);
	for (int e = 0; e < d->ntensors; e++) {
		strbuf_printf(&b, "tensor %%%d ", e);
		text_print_string(&b, d->tensors[e].name);
		strbuf_printf(&b, " %lld %s\n", (long long)d->tensors[e].bytes,
		              ir_dag_kind_name(d->tensors[e].kind));
	}
	for (int v = 0; v < d->nops; v++) {
		const ir_dag_op *op = &d->ops[v];
		strbuf_printf(&b, "op %%%d ", v);
		text_print_string(&b, op->name);
		strbuf_printf(&b, " %d %%%d =", op->node, op->out);
		for (int k = 0; k < op->nin; k++)
			strbuf_printf(&b, " %%%d", op->in[k]);
		strbuf_printf(&b, "\n");
	}
	for (int t = 0; t < p->nsteps; t++) {
		const ir_dag_op *op = &d->ops[p->steps[t].op];
		strbuf_printf(&b, "step %d %%%d ; %s -> %s", t, p->steps[t].op, op->name,
		              d->tensors[op->out].name);
		if (p->steps[t].offset >= 0)
			strbuf_printf(&b, " at %lld", (long long)p->steps[t].offset);
		strbuf_printf(&b, "\n");
	}
	for (int r = 0; r < p->nranges; r++) {
		const ir_plan_range *x = &p->ranges[r];
		strbuf_printf(&b, "range %%%d %d %d @ %lld%s%s ; %s, %lld bytes\n", x->tensor, x->first,
		              x->last, (long long)x->offset, x->load ? " load" : "",
		              x->spill ? " spill" : "", d->tensors[x->tensor].name,
		              (long long)ir_plan_size(d, p->mode, x->tensor));
	}
	draw(&b, p);
	return strbuf_take(&b);
}
