/* plan.c - facts about plans. */
#include "plan.h"

#include <stddef.h>

/* Scans the steps for "node". */
const ir_plan_step *ir_plan_step_of(const ir_plan *p, int node)
{
	for (int s = 0; s < p->nsteps; s++)
		if (p->steps[s].node == node)
			return &p->steps[s];
	return NULL;
}

/* Scans the ranges for the one of "tensor" that covers "step". */
const ir_plan_range *ir_plan_range_at(const ir_plan *p, int tensor, int step)
{
	for (int r = 0; r < p->nranges; r++)
		if (p->ranges[r].tensor == tensor && p->ranges[r].first <= step &&
		    step <= p->ranges[r].last)
			return &p->ranges[r];
	return NULL;
}

/* Rounds up to the alignment; inputs and outputs stay out in workspace
 * mode, fused and tiled tensors in both. */
int64_t ir_plan_size(const ir_dag *d, ir_plan_mode mode, int e)
{
	const ir_dag_tensor *t = &d->tensors[e];
	if ((mode == IR_PLAN_WORKSPACE && t->kind != IR_DAG_MID) || t->kind == IR_DAG_FUSED ||
	    t->kind == IR_DAG_TILED)
		return 0;
	return (t->bytes + IR_PLAN_ALIGN - 1) / IR_PLAN_ALIGN * IR_PLAN_ALIGN;
}

/* "workspace" or "staging". */
const char *ir_plan_mode_name(ir_plan_mode m)
{
	return m == IR_PLAN_WORKSPACE ? "workspace" : "staging";
}

/* "peak" or "traffic". */
const char *ir_plan_objective_name(ir_plan_objective o)
{
	return o == IR_PLAN_PEAK ? "peak" : "traffic";
}

/* The height or the traffic. */
int64_t ir_plan_objective_value(const ir_plan *p)
{
	return p->objective == IR_PLAN_PEAK ? p->workspace_bytes : p->traffic;
}

/* "optimal", "feasible" or "heuristic". */
const char *ir_plan_status_name(ir_plan_status s)
{
	return s == IR_PLAN_OPTIMAL ? "optimal" : s == IR_PLAN_FEASIBLE ? "feasible" : "heuristic";
}
