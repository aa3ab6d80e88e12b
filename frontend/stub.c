/* TEMPORARY stub until the front end lands. */
#include "ctx.h"
#include "frontend.h"
einc_status fe_spec_to_graph(einc_ctx *ctx, arena *a, const char *spec,
                             const fe_sizes *sizes, einc_dtype dtype, ir_graph **out)
{
	(void)a; (void)spec; (void)sizes; (void)dtype; *out = NULL;
	return ctx_fail(ctx, EINC_EUNSUPPORTED, "parse", "not yet");
}
