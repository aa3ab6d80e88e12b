/* frontend.c - fe_spec_to_graph: parse the spec, read the sizes, bind;
 * fe_sizes_numeric: the C API's shapes as sizes. */
#include "frontend.h"

#include <string.h>

#include "bind.h"
#include "ctx.h"
#include "parse.h"
#include "sizes.h"

/* Spec errors come first, then errors in the size texts, then binding. The
 * graph keeps its own copy of the spec: the caller's may go. */
einc_status fe_spec_to_graph(einc_ctx *ctx, arena *a, const char *spec,
                             const fe_sizes *sizes, einc_dtype dtype,
                             ir_graph **out)
{
	*out = NULL;
	fe_spec *s;
	if (strlen(spec) <= FE_MAX_TEXT && !(spec = arena_strdup(a, spec)))
		return ctx_fail(ctx, EINC_ENOMEM, "parse", "out of memory");
	einc_status st = fe_parse_spec(ctx, a, spec, &s);
	if (st)
		return st;
	fe_shapes *sh = NULL;
	fe_dims *d = NULL;
	if (sizes && (sizes->numeric || sizes->nops > 0)) {
		if (sizes->shape_text)
			return ctx_fail(ctx, EINC_EINVAL, "bind",
			                "give numeric shapes or a shapes text, not both");
		if (sizes->nops > 0 && (!sizes->ranks || !sizes->shapes))
			return ctx_fail(ctx, EINC_EINVAL, "bind", "%d shapes but no ranks or dims",
			                sizes->nops);
		st = fe_shapes_numeric(ctx, a, sizes->nops, sizes->ranks, sizes->shapes, &sh);
	} else if (sizes && sizes->shape_text) {
		st = fe_parse_shapes(ctx, a, sizes->shape_text, &sh);
	}
	if (!st && sizes && sizes->dims)
		st = fe_parse_dims(ctx, a, sizes->dims, &d);
	if (st)
		return st;
	return fe_bind(ctx, a, s, sh, d, dtype, out);
}

einc_status fe_sizes_numeric(einc_ctx *ctx, int nops, const int *ranks,
                             const int64_t *const shapes[], fe_sizes *sizes)
{
	*sizes = (fe_sizes){.numeric = 1, .nops = nops, .ranks = ranks, .shapes = shapes};
	if (nops < 0 || (nops > 0 && (!ranks || !shapes)))
		return ctx_fail(ctx, EINC_EINVAL, "api",
		                "shapes need nops >= 0 and non-NULL ranks and shapes");
	return EINC_OK;
}
