/*
 * program.h - what einc_compile produces: the arena of the compilation and
 * the IR of every stage computed so far, and the passes that compute them.
 */
#ifndef EINC_PROGRAM_H
#define EINC_PROGRAM_H

#include "arena.h"
#include "einc.h"
#include "graph.h"
#include "loops.h"
#include "plan.h"
#include "tree.h"

struct einc_program {
	arena *arena;    /* owns everything below */
	einc_options options;
	ir_graph *graph;
	ir_tree *tree;
	ir_plan *plan;
	ir_loops *loops; /* its ISL objects are freed with the program */
};

/* program.c: einc_program_run_reference with the arrays in double when
 * "f64", else in float, whatever the program's dtype; arguments not checked
 * for NULL. */
einc_status program_reference(einc_ctx *ctx, const einc_program *program, int f64, void *out,
                              const void *const in[]);

/* path_ltr.c: the left-to-right contraction tree of "g". */
einc_status pass_path_ltr(einc_ctx *ctx, arena *a, const ir_graph *g, ir_tree **out);

/* lower.c: one ISL loop nest per plan step; "*out" is set even on failure. */
einc_status pass_lower(einc_ctx *ctx, arena *a, const ir_graph *g, const ir_tree *t,
                       const ir_plan *p, ir_loops **out);

/* lower_copies.c: the slow-buffer offset of each tree node of "p" that is
 * spilled into "slot" ("nnodes" of them; -1 for the others); returns the
 * slow buffer's size. */
int64_t lower_slow_slots(const ir_plan *p, int nnodes, int64_t *slot);

/* lower_copies.c: the copies before step "s" of "p" into "st->copies"
 * (arena "a"; spills first, then reloads), their bytes added to "*moved";
 * EINC_ENOMEM, or EINC_EINTERNAL when a reload finds no slot. */
einc_status lower_copies(arena *a, const ir_plan *p, const int64_t *slot, int s,
                         loop_step *st, int64_t *moved);

/* pipeline.c: runs the passes after the front end on "p->graph". */
einc_status pipeline_from_graph(einc_ctx *ctx, einc_program *p);

#endif
