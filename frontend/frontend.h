/*
 * frontend.h - from an einsum spec and sizes to the graph IR: the numpy
 * grammar (explicit and implicit output, "...", repeated labels, scalars,
 * any character beyond ASCII but spaces and controls as a label), then sizes bound per label or per operand.
 */
#ifndef EINC_FRONTEND_H
#define EINC_FRONTEND_H

#include <stdint.h>

#include "arena.h"
#include "einc.h"
#include "graph.h"

/* Where sizes come from: numeric shapes (the C API), text (the CLI), or
 * both text forms. Unused members are 0 / NULL. The texts (sizes.h):
 * dims "b=8,i=512" (one letter per label), shapes "8x512,512x64" with an
 * empty shape for a scalar operand (",3" sizes ",i"). Numeric shapes and a
 * shapes text exclude each other; dims given with shapes must agree. */
typedef struct {
	int numeric;                   /* the shapes are numeric (einc_compile) */
	int nops;                      /* numeric: number of shapes, 0 or more */
	const int *ranks;              /* numeric: nops ranks */
	const int64_t *const *shapes;  /* numeric: nops arrays of dims */
	const char *dims;              /* text: "b=8,i=512" or NULL */
	const char *shape_text;        /* text: "8x512,512x64" or NULL */
} fe_sizes;

/* Fills "*sizes" with the C API's numeric shapes ("nops" ranks and dims
 * arrays, kept by reference), checking the arguments: nops < 0, or NULL
 * ranks or shapes with nops > 0, is EINC_EINVAL (stage "api"). */
einc_status fe_sizes_numeric(einc_ctx *ctx, int nops, const int *ranks,
                             const int64_t *const shapes[], fe_sizes *sizes);

/*
 * Parses "spec", binds "sizes" and builds the graph (dtype "dtype") in "a",
 * stored in "*out". Errors name the stage ("parse", "bind") and point with
 * a caret into the spec or the size text.
 */
einc_status fe_spec_to_graph(einc_ctx *ctx, arena *a, const char *spec,
                             const fe_sizes *sizes, einc_dtype dtype,
                             ir_graph **out);

/*
 * Binds the caller's strides to "g" (strides.c): "strides[k]" (NULL, or
 * NULL entries: dense) holds an element stride per axis of input k,
 * "out_strides" (NULL: dense) per axis of the output; any values, negative
 * and zero included, but "out_rank" other than the output's rank or an
 * output whose elements may overlap (EINC_EINVAL), or offsets beyond
 * int64 (EINC_EOVERFLOW). Those that are
 * not dense row-major go into g->strides (in "a"; it stays NULL when none
 * is). Errors name the stage "strides".
 */
einc_status fe_bind_strides(einc_ctx *ctx, arena *a, ir_graph *g,
                            const int64_t *const strides[], int out_rank,
                            const int64_t *out_strides);

#endif
