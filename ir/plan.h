/*
 * plan.h - the execution plan: the steps in the order they run, and where
 * every arena tensor lives while it lives. For an einsum each step is one
 * inner node of the contraction tree, its result at a byte offset in one
 * workspace (the root writes the output directly). The planner's view adds
 * the op DAG it planned, the residency ranges of the arena tensors (a range
 * starts when its tensor is made or loaded, and ends when it dies or is
 * dropped, written back first when no copy exists outside), and the figures
 * of its header. Everything lives in the arena.
 */
#ifndef EINC_PLAN_H
#define EINC_PLAN_H

#include <stdint.h>

#include "dag.h"

/* Offsets in the workspace are multiples of this (bytes); tensors take
 * their size rounded up to it. */
#define IR_PLAN_ALIGN 64

/* Which tensors live in the arena: workspace mode keeps user inputs and
 * outputs in place (only intermediates in the arena); staging mode passes
 * every tensor through it (inputs loaded once, outputs stored once: the
 * compulsory traffic). */
typedef enum { IR_PLAN_WORKSPACE, IR_PLAN_STAGING } ir_plan_mode;

/* How good the plan is: proven optimal, found by the ILP with a gap, or
 * from the heuristics alone. */
typedef enum { IR_PLAN_OPTIMAL, IR_PLAN_FEASIBLE, IR_PLAN_HEURISTIC } ir_plan_status;

/* What the planner minimised: the arena's height, or under a budget that
 * the unlimited plan exceeds, the traffic. */
typedef enum { IR_PLAN_PEAK, IR_PLAN_TRAFFIC } ir_plan_objective;

typedef struct {
	int node;       /* the tree node this step computes (a .dag: the op) */
	int64_t offset; /* byte offset of its result in the workspace; -1: not in it */
	int64_t bytes;  /* the size of its result */
	int op;         /* the op of "dag" it runs */
} ir_plan_step;

/* Tensor "tensor" resident at "offset" during steps first..last. */
typedef struct {
	int tensor;
	int first, last;
	int64_t offset;
	int load;  /* it starts with a copy in from outside (not by its producer) */
	int spill; /* it ends with a copy out, needed because it is read later */
} ir_plan_range;

typedef struct {
	int nsteps;
	ir_plan_step *steps;     /* in execution order */
	int64_t workspace_bytes; /* the arena's height: a multiple of IR_PLAN_ALIGN */

	const ir_dag *dag;       /* what was planned (NULL: the simple plan) */
	ir_plan_mode mode;
	int64_t budget;          /* arena bytes allowed; 0: unlimited */
	int64_t step_lb;         /* max over steps of its operands and result */
	int64_t live_lb;         /* max over steps of the bytes live (this order) */
	int64_t traffic;         /* bytes copied beyond the compulsory ones */
	ir_plan_status status;
	ir_plan_objective objective;
	int64_t bound;           /* a lower bound on the objective's bytes; -1: none
	                            (printed for plans that are not optimal) */
	int time_limited;        /* an ILP solve was cut short (or not started) by
	                            the time limit: the plan may differ between
	                            machines */
	int nranges;
	ir_plan_range *ranges;   /* by first step, then tensor */
} ir_plan;

/* The step of "p" that computes tree node "node", or NULL. */
const ir_plan_step *ir_plan_step_of(const ir_plan *p, int node);

/* The range of "p" that holds tensor "tensor" (for an einsum: tree node)
 * during step "step", or NULL when it is not resident then. */
const ir_plan_range *ir_plan_range_at(const ir_plan *p, int tensor, int step);

/* The arena bytes of tensor "e" of "d" in "mode": its size rounded up to
 * IR_PLAN_ALIGN, 0 when it stays outside the arena. */
int64_t ir_plan_size(const ir_dag *d, ir_plan_mode mode, int e);

/* The names used by the text form. */
const char *ir_plan_mode_name(ir_plan_mode m);
const char *ir_plan_status_name(ir_plan_status s);
const char *ir_plan_objective_name(ir_plan_objective o);

/* The value of the objective of "p" in bytes: its height or its traffic. */
int64_t ir_plan_objective_value(const ir_plan *p);

/* The text form of "p" (docs/ir.md), with the arena over time drawn in
 * comments: give, free(); NULL when out of memory. */
char *ir_plan_print(const ir_plan *p);

/* The arena over time as an SVG picture (ir/plan_svg.c): one rectangle per
 * range, the budget as a line: give, free(); NULL when out of memory. */
char *ir_plan_svg(const ir_plan *p);

/*
 * Parses the text form "text" (named "where" in messages) into a new plan
 * and its DAG in "a", stored in "*out". It checks the syntax and the names;
 * plan_check checks that the plan is valid.
 */
einc_status ir_plan_parse(einc_ctx *ctx, arena *a, const char *text, const char *where,
                          ir_plan **out);

#endif
