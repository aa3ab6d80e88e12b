/*
 * plan_problem.c - what every planning pass starts from: the default
 * options, a problem's arena sizes, and the replacement-then-offsets fit
 * under a cap that plan.c and plan_ilp.c both use (as cost.c is on the
 * path side).
 */
#include <string.h>

#include "planner.h"

/* Workspace mode, no budget, the exact-order DP over at most 2^19 downsets
 * (about 40 MiB) and the offsets of up to 16 of its orders, the ILP with
 * 2000 nodes per solve, 3 million work units (0.1-0.7 s of CPU on the
 * loaded 2-core dev box) and at most 3 s of CPU per plan, parts of 30
 * steps. The time limit is a safety net set well above what the work
 * budget allows (0.6 s per plan in Release, about 3x that under
 * AddressSanitizer), so that it never decides a plan. */
void plan_options_init(plan_options *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = IR_PLAN_WORKSPACE;
	o->use_ilp = 1;
	o->node_limit = 2000;
	o->work_limit = 3000000;
	o->time_limit = 3.0;
	o->part_steps = 30;
	o->dp_states = 1 << 19;
	o->dp_orders = 16;
}

/* The arena size of every tensor in "mode". */
int plan_problem_init(plan_problem *pb, arena *a, const ir_dag *d, ir_plan_mode mode)
{
	pb->dag = d;
	pb->mode = mode;
	if (!(pb->size = arena_array(a, (size_t)d->ntensors + 1, sizeof(int64_t))))
		return -1;
	for (int e = 0; e < d->ntensors; e++)
		pb->size[e] = ir_plan_size(d, mode, e);
	return 0;
}

/* Replaces under a cap that starts at the budget and drops by the overshoot
 * of the offsets (at least 1/16) for up to 8 rounds. */
int64_t plan_fit(const plan_problem *pb, arena *a, const int *order, int64_t budget,
                 plan_policy policy, ir_plan_range **ranges, int *n)
{
	int64_t cap = budget;
	for (int round = 0; round < 8; round++) {
		if (plan_replace(pb, a, order, cap, policy, ranges, n) < 0)
			return -1;
		int64_t height = plan_offsets(pb, *ranges, *n);
		if (height < 0)
			return -1;
		if (height <= budget)
			return plan_ranges_finish(pb, order, *ranges, *n);
		int64_t over = (height - budget + IR_PLAN_ALIGN - 1) / IR_PLAN_ALIGN * IR_PLAN_ALIGN;
		cap -= over > cap / 16 ? over : cap / 16 / IR_PLAN_ALIGN * IR_PLAN_ALIGN + IR_PLAN_ALIGN;
	}
	return -1;
}
