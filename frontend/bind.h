/*
 * bind.h - terms + sizes -> the graph IR: one index per distinct label (in
 * order of first appearance, inputs then output) plus one per dimension of
 * the broadcast '...' shape (".0", ".1", ... placed at the first '...').
 */
#ifndef EINC_FE_BIND_H
#define EINC_FE_BIND_H

#include "arena.h"
#include "einc.h"
#include "graph.h"
#include "parse.h"
#include "sizes.h"

/*
 * Sizes the labels of "spec" from the shapes "sh" and/or the dims "d" (either
 * may be NULL) and builds the graph in "a" into "*out". Errors are stage
 * "bind", with a caret into the spec, the dims or the shapes.
 */
einc_status fe_bind(einc_ctx *ctx, arena *a, const fe_spec *spec, const fe_shapes *sh,
                    const fe_dims *d, einc_dtype dtype, ir_graph **out);

#endif
