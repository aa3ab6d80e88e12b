/*
 * plan.h - the execution plan: the tree's inner nodes in the order they run,
 * each result at a byte offset in one workspace (the root writes the output
 * directly). Everything lives in the arena.
 */
#ifndef EINC_PLAN_H
#define EINC_PLAN_H

#include <stdint.h>

/* Offsets in the workspace are multiples of this (bytes). */
#define IR_PLAN_ALIGN 64

typedef struct {
	int node;       /* the tree node this step computes */
	int64_t offset; /* byte offset of its result in the workspace; -1: the output */
	int64_t bytes;  /* the size of its result */
} ir_plan_step;

typedef struct {
	int nsteps;
	ir_plan_step *steps;     /* in execution order */
	int64_t workspace_bytes; /* a multiple of IR_PLAN_ALIGN; 0 when none is needed */
} ir_plan;

/* The step of "p" that computes tree node "node", or NULL. */
const ir_plan_step *ir_plan_step_of(const ir_plan *p, int node);

#endif
