/* TEMPORARY stub until the graph text form lands. */
#include "ctx.h"
#include "graph.h"
char *ir_graph_print(const ir_graph *g) { (void)g; return 0; }
einc_status ir_graph_parse(einc_ctx *ctx, arena *a, const char *text, const char *where, ir_graph **out)
{ (void)a; (void)text; (void)where; *out = 0; return ctx_fail(ctx, EINC_EUNSUPPORTED, "graph", "not yet"); }
