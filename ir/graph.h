/*
 * graph.h - the graph IR: tensors (the inputs and the output) over indices
 * (hyperedges with sizes). An operand's axes name indices; an index named
 * twice in one operand is a diagonal; an axis of extent 1 under an index of
 * size N broadcasts (numpy rules). Everything lives in the compilation arena.
 */
#ifndef EINC_GRAPH_H
#define EINC_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "einc.h"

/* Indices produced by "..." are named ".0", ".1", ... (left to right in the
 * broadcast shape); user labels are letters, so the two never clash. */
#define IR_ELLIPSIS_PREFIX '.'

typedef struct {
	const char *name; /* UTF-8 label ("i", "α") or ".0", ".1", ... */
	int64_t size;     /* >= 1 */
} ir_index;

typedef struct {
	int rank;
	int *index;     /* rank entries: the index id of each axis */
	int64_t *dims;  /* rank entries: each axis' extent, its index size or 1 */
} ir_tensor;

typedef struct {
	einc_dtype dtype;
	const char *spec;  /* the spec it came from, for provenance; may be "" */
	int nindices;
	ir_index *indices; /* in order of first appearance */
	int ninputs;
	ir_tensor *inputs;
	ir_tensor output;  /* no repeated index, no broadcast axis */
	int64_t **empty_dims; /* NULL, or when an index has size 0 (numpy's empty
	                         axes): the dims of each input and, last, of the
	                         output as given, zeros included. The indices
	                         and tensors above then read 1 for each such
	                         size, and the program's result is zeros: no
	                         step runs. */
	int64_t **strides;    /* NULL, or where the caller's arrays lie
	                         (einc_compile_strided): for each input and,
	                         last, the output, its element stride per axis,
	                         or NULL when it is dense row-major. The
	                         reference evaluator ignores them (it reads
	                         dense arrays); the kernels read them
	                         (ir_graph_memory_strides). */
} ir_graph;

/* The number of elements of "t" (product of its dims; checked at bind time
 * not to overflow int64). */
int64_t ir_tensor_elems(const ir_tensor *t);

/* The dims of input "k" of "g", or of its output when k == -1, as the spec
 * gave them (empty_dims when "g" has one, zeros included). keep. */
const int64_t *ir_graph_dims(const ir_graph *g, int k);

/* The product of ir_graph_dims(g, k): 0 for an empty tensor. */
int64_t ir_graph_elems(const ir_graph *g, int k);

/*
 * The element stride of "t" for each index of "g", row-major over t's dims,
 * into "strides[0 .. g->nindices-1]": 0 for indices t does not have or
 * broadcasts (extent 1), summed over the axes of a repeated index.
 */
void ir_tensor_strides(const ir_graph *g, const ir_tensor *t, int64_t *strides);

/*
 * As ir_tensor_strides for input "k" of "g" (the output when k == -1), but
 * as the kernel finds it in memory: from the caller's strides per axis
 * when "g->strides" has them (summed over a repeated index, 0 for axes of
 * extent 1), else row-major.
 */
void ir_graph_memory_strides(const ir_graph *g, int k, int64_t *strides);

/*
 * Checks the invariants above (index ids in range, sizes >= 1, extents equal
 * to the size or 1, output without repeats or broadcasts, element counts
 * within int64). Returns EINC_OK or records what is wrong in "ctx" under
 * "stage".
 */
einc_status ir_graph_check(einc_ctx *ctx, const ir_graph *g, const char *stage);

/* Whether index "i" names an axis of some input of "g" (of those read so
 * far, while a parser builds it). */
int ir_graph_index_in_inputs(const ir_graph *g, int i);

/* The id of the index of "g" named by the "len" bytes at "name", or -1. */
int ir_graph_find_index(const ir_graph *g, const char *name, size_t len);

/* The text form of "g" (docs/ir.md): give, free(); NULL when out of memory. */
char *ir_graph_print(const ir_graph *g);

/*
 * Parses the text form "text" (named "where" in messages) into a new graph
 * in "a", stored in "*out". Errors carry the line, column and a caret.
 */
einc_status ir_graph_parse(einc_ctx *ctx, arena *a, const char *text,
                           const char *where, ir_graph **out);

#endif
