/*
 * dag.h - an op DAG for memory planning, independent of einsum: tensors with
 * byte sizes and kinds (user inputs, intermediates, outputs) and ops that
 * each produce one tensor from one or more others. The text form is the
 * .dag format (docs/ir.md; the files in tests/plan are examples); an einsum
 * program gets one from its contraction tree (passes/plan.c). Everything
 * lives in the arena.
 */
#ifndef EINC_DAG_H
#define EINC_DAG_H

#include <stdint.h>

#include "arena.h"
#include "einc.h"
#include "text.h"

/* IR_DAG_FUSED: an intermediate never stored, computed where its one
 * reader packs it (passes/fuse.c); that reader reads its operands too.
 * IR_DAG_TILED: an intermediate of a tiled chain (passes/tile.c), held a
 * tile at a time in buffers of its own beside the arena; the chain's last
 * op reads every operand of the chain. */
/* The most bytes a tensor may have, 2^61: the arena's sums of a few such
 * sizes stay within int64. */
#define IR_DAG_MAX_BYTES ((int64_t)1 << 61)

typedef enum { IR_DAG_IN, IR_DAG_MID, IR_DAG_OUT, IR_DAG_FUSED, IR_DAG_TILED } ir_dag_kind;

typedef struct {
	const char *name;
	int64_t bytes; /* >= 1 */
	ir_dag_kind kind;
	int producer;  /* the op that makes it; -1 for inputs */
	int nuses;
	int *uses;     /* the ops that read it, ascending */
} ir_dag_tensor;

typedef struct {
	const char *name;
	int node;      /* the tree node it computes (einsum), else its own id */
	int out;       /* the tensor it produces (mid or out) */
	int nin;
	int *in;       /* the tensors it reads, distinct, >= 1 */
} ir_dag_op;

/* Ops are listed in a valid order: every op reads inputs or results of
 * earlier ops (the reference order). */
typedef struct {
	const char *name;
	int ntensors;
	ir_dag_tensor *tensors;
	int nops;
	ir_dag_op *ops;
} ir_dag;

/* The name of kind "k" ("in", "mid", "out", "fused", "tiled"). */
const char *ir_dag_kind_name(ir_dag_kind k);

/*
 * Fills in the producer and uses of every tensor of "d" from its ops and
 * checks the invariants above (ids in range, one producer per mid/out
 * tensor, none for inputs, ops in a valid order, no operand twice). Returns
 * EINC_OK or records what is wrong in "ctx" under "stage".
 */
einc_status ir_dag_link(einc_ctx *ctx, arena *a, ir_dag *d, const char *stage);

/*
 * Appends to "d" (its tensors' room "*cap" in "a") the tensor "name" of a
 * tensor line, the .dag's "t NAME BYTES KIND" or the plan's "tensor %E
 * "NAME" BYTES KIND": reads the fields they share after the name, BYTES
 * (1 to 2^61) and KIND ("in", "mid", "out", "fused" or "tiled"), then the
 * next token. Errors carry a caret, and add no tensor.
 */
einc_status ir_dag_parse_tensor(text_lexer *lx, arena *a, ir_dag *d, int *cap, const char *name);

/*
 * Parses the .dag text "text" (named "where" in messages) into a new DAG in
 * "a", stored in "*out". '#' starts a comment. Errors carry the line, the
 * column and a caret.
 */
einc_status ir_dag_parse(einc_ctx *ctx, arena *a, const char *text, const char *where,
                         ir_dag **out);

#endif
