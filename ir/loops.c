/* loops.c - freeing and printing loop nests. */
#include "loops.h"

#include <stdlib.h>

#include <isl/id.h>

#include "dtype.h"
#include "strbuf.h"

void ir_loops_free(ir_loops *l)
{
	if (!l || !l->isl)
		return;
	for (int s = 0; s < l->nsteps; s++)
		l->steps[s].ast = isl_ast_node_free(l->steps[s].ast);
	isl_ctx_free(l->isl);
	l->isl = NULL;
}

/* Prints the buffer of "acc": out, inK, ws@B or task@B. */
static void print_buffer(strbuf *b, const loop_access *acc)
{
	if (acc->buffer == LOOP_OUT)
		strbuf_printf(b, "out");
	else if (acc->buffer == LOOP_INPUT)
		strbuf_printf(b, "in%d", acc->input);
	else
		strbuf_printf(b, "%s@%lld", acc->buffer == LOOP_TASK ? "task" : "ws",
		              (long long)acc->offset);
}

/* Prints access "acc" of step "st" as buf[affine offset]. */
static void print_access(strbuf *b, const loop_step *st, const loop_access *acc)
{
	print_buffer(b, acc);
	if (acc->tile_bytes)
		strbuf_printf(b, "+%lld/tile", (long long)acc->tile_bytes);
	strbuf_printf(b, "[");
	int terms = 0;
	for (int d = 0; d < st->ndims; d++) {
		int64_t s = acc->strides[d];
		if (!s)
			continue;
		strbuf_printf(b, "%s", terms++ ? " + " : "");
		if (s != 1)
			strbuf_printf(b, "%lld*", (long long)s);
		strbuf_printf(b, "%s", st->names[d]);
	}
	strbuf_printf(b, "%s]", terms ? "" : "0");
}

/* Appends "text" with every line indented by two spaces. */
static void print_indented(strbuf *b, const char *text)
{
	for (const char *p = text; *p;) {
		const char *e = p;
		while (*e && *e != '\n')
			e++;
		strbuf_printf(b, "  ");
		strbuf_append(b, p, (size_t)(e - p));
		strbuf_printf(b, "\n");
		p = *e ? e + 1 : e;
	}
}

/* Prints the GEMM form of a step (loops.h): groups, blocks, scratch (in
 * the task's buffer where "in_task"). */
static void print_gemm(strbuf *b, const loop_step *st, int in_task)
{
	const loop_gemm *g = st->gemm;
	static const char *const group[] = {"batch", "m", "n", "k"};
	int count[] = {g->nb, g->nm, g->nn, g->nk};
	strbuf_printf(b, "  gemm");
	for (int x = 0, d = 0; x < 4; x++) {
		strbuf_printf(b, " %s(", group[x]);
		for (int y = 0; y < count[x]; y++, d++)
			strbuf_printf(b, "%s%s", y ? ", " : "", g->view->names[g->dims[d]]);
		strbuf_printf(b, ")");
	}
	strbuf_printf(b, " a=");
	print_buffer(b, &st->args[g->a]);
	if (g->a_sweep)
		strbuf_printf(b, " a_ahead=kernel");
	if (g->a_next)
		strbuf_printf(b, " a_ahead=rows");
	if (g->a_held)
		strbuf_printf(b, " c=held");
	if (st->fused_arg >= 0)
		strbuf_printf(b, " fused=%s", st->fused_arg == g->a ? "a" : "b");
	if (g->b_copy)
		strbuf_printf(b, " b=copy");
	if (g->rows_first)
		strbuf_printf(b, " tiles=rows");
	if (g->b_crossed)
		strbuf_printf(b, " b=crossed");
	if (g->b_lanes)
		strbuf_printf(b, " b=batch-crossed:%lld", (long long)g->b_lanes);
	if (g->c_transposed)
		strbuf_printf(b, " c=transposed");
	if (st->next_bytes)
		strbuf_printf(b, " next_tile=in%d[%lld .. %lld]", st->next.input,
		              (long long)st->next_offset,
		              (long long)(st->next_offset + st->next_bytes - 1));
	strbuf_printf(b, " mc=%lld nc=%lld kc=%lld scratch=%s@%lld\n",
	              (long long)g->mc, (long long)g->nc, (long long)g->kc,
	              in_task ? "task" : "ws", (long long)g->scratch);
}

/* Prints how a plain nest runs over the threads (loop_par). */
static void print_par(strbuf *b, const loop_step *st)
{
	isl_ast_expr *it = isl_ast_node_for_get_iterator(st->ast);
	isl_id *id = isl_ast_expr_get_id(it);
	strbuf_printf(b, "  parallel %s over %s: tasks=%lld chunk=%lld extent=%lld\n",
	              st->par.mode == LOOP_PAR_ROWS ? "rows" : "sums", isl_id_get_name(id),
	              (long long)st->par.ntasks, (long long)st->par.chunk,
	              (long long)st->par.extent);
	isl_id_free(id);
	isl_ast_expr_free(it);
}

int ir_loop_step_stores(const loop_step *st)
{
	for (int d = 0; d < st->ndims; d++)
		if (st->sizes[d] != 1 && !st->result.strides[d])
			return 0;
	return 1;
}

const loop_iter *ir_loop_step_outer(const loop_step *st)
{
	if (isl_ast_node_get_type(st->ast) != isl_ast_node_for)
		return NULL;
	isl_ast_expr *it = isl_ast_node_for_get_iterator(st->ast);
	isl_id *id = isl_ast_expr_get_id(it);
	const loop_iter *role = isl_id_get_user(id);
	isl_id_free(id);
	isl_ast_expr_free(it);
	return role;
}

/* A result of at most this many bytes is still in the L2 of any x86 core
 * when its nest reads what one memset zeroed before: zeroing it in slabs
 * gains nothing there. tiny_bmm (traffic_suite.txt, 16 MiB of result):
 * 3.79 ms -> 3.22 in f32, 3.92 -> 2.89 in f64. */
#define ZERO_SLAB_MIN_BYTES (256 << 10)

int64_t ir_loop_step_zero_slab(const loop_step *st, int64_t esize)
{
	if (st->gemm || st->strided_out || ir_loop_step_stores(st) ||
	    st->result_elems * esize <= ZERO_SLAB_MIN_BYTES)
		return 0;
	const loop_iter *outer = ir_loop_step_outer(st);
	if (!outer || outer->role != LOOP_WHOLE || st->sizes[outer->dim] < 2)
		return 0;
	int64_t slab = st->result.strides[outer->dim];
	return slab * st->sizes[outer->dim] == st->result_elems ? slab : 0;
}

int ir_loop_step_runtime_copy(const loop_step *st, int64_t esize)
{
	return st->transposes && st->fused_arg < 0 && st->par.mode != LOOP_PAR_SUMS &&
	       (esize == 4 || esize == 8);
}

/* Prints the zeroing of step "st"'s result of "esize"-byte elements before
 * its nest, or slab by slab in it. */
static void print_zero(strbuf *b, const loop_step *st, int64_t esize)
{
	strbuf_printf(b, "  zero ");
	if (st->strided_out) {
		print_access(b, st, &st->result);
		strbuf_printf(b, "\n");
		return;
	}
	print_buffer(b, &st->result);
	int64_t slab = ir_loop_step_zero_slab(st, esize);
	if (slab)
		strbuf_printf(b, "[0 .. %lld] by %lld as %s runs\n", (long long)st->result_elems - 1,
		              (long long)slab, st->names[ir_loop_step_outer(st)->dim]);
	else
		strbuf_printf(b, "[0 .. %lld]\n", (long long)st->result_elems - 1);
}

/* Prints step "s" of "l", of "esize"-byte elements: the copies before
 * it, its statement, then its GETT form, the runtime's copy, or the
 * zeroing (unless it stores) and the AST as C. */
static void print_step(strbuf *b, const ir_loops *l, int s, int64_t esize)
{
	const loop_step *st = &l->steps[s];
	for (int c = 0; c < st->ncopies; c++) {
		const loop_copy *x = &st->copies[c];
		if (x->reload)
			strbuf_printf(b, "reload t%d: slow@%lld -> ws@%lld", x->node,
			              (long long)x->slow, (long long)x->offset);
		else
			strbuf_printf(b, "spill t%d: ws@%lld -> slow@%lld", x->node,
			              (long long)x->offset, (long long)x->slow);
		strbuf_printf(b, ", %lld bytes\n", (long long)x->bytes);
	}
	strbuf_printf(b, "step %d: S%d(", s, s);
	for (int d = 0; d < st->ndims; d++)
		strbuf_printf(b, "%s%s", d ? ", " : "", st->names[d]);
	strbuf_printf(b, ") : ");
	int stores = st->fused_into < 0 && !st->gemm && ir_loop_step_stores(st);
	if (st->fused_into >= 0)
		strbuf_printf(b, "fused into step %d as ", st->fused_into);
	else {
		print_access(b, st, &st->result);
		strbuf_printf(b, stores ? " = " : " += ");
	}
	for (int x = 0; x < st->nargs; x++) {
		int fused = x == st->fused_arg;
		strbuf_printf(b, "%s%s", x ? " * " : "", fused ? "(" : "");
		print_access(b, st, &st->args[x]);
		if (fused) {
			strbuf_printf(b, " * ");
			print_access(b, st, &st->factor);
			strbuf_printf(b, ")");
		}
	}
	if (st->tiled_into >= 0)
		strbuf_printf(b, " : in tiles of step %d", st->tiled_into);
	if (st->nchain) {
		strbuf_printf(b, " : tiles %lld of steps", (long long)st->ntiles);
		for (int k = 0; k < st->nchain; k++)
			strbuf_printf(b, " %d", st->chain[k]);
		if (l->task_bytes)
			strbuf_printf(b, " as parallel tasks, each with task@0 .. %lld (the caller's "
			              "at ws@%lld)", (long long)l->task_bytes - 1, (long long)l->task_at);
	}
	strbuf_printf(b, "\n");
	if (st->fused_into >= 0)
		return;
	if (st->gemm) { /* the GETT driver's first K block stores: no zeroing */
		print_gemm(b, st, l->task_bytes && (st->tiled_into >= 0 || st->nchain));
		return;
	}
	if (ir_loop_step_runtime_copy(st, esize)) {
		if (st->par.mode != LOOP_PAR_NONE)
			print_par(b, st);
		strbuf_printf(b, "  einc_rt_transpose_copy: result along %s, operand along %s\n",
		              st->names[st->copy_dims[0]], st->names[st->copy_dims[1]]);
		return;
	}
	if (!stores)
		print_zero(b, st, esize);
	if (st->par.mode != LOOP_PAR_NONE)
		print_par(b, st);
	char *c = isl_ast_node_to_C_str(st->ast);
	if (!c) {
		b->broken = 1;
		return;
	}
	print_indented(b, c);
	free(c);
}

char *ir_loops_print(const ir_graph *g, const ir_loops *l)
{
	strbuf b = {0};
	strbuf_printf(&b, "; einc loops v1 spec=\"%s\" dtype=%s workspace=%lld",
	              g->spec ? g->spec : "", ir_dtype(g->dtype)->name,
	              (long long)l->workspace_bytes);
	if (l->slow_bytes)
		strbuf_printf(&b, " slow=%lld moved=%lld", (long long)l->slow_bytes,
		              (long long)l->moved_bytes);
	strbuf_printf(&b, "\n");
	int64_t elems = ir_graph_elems(g, -1);
	if (g->empty_dims && elems == 0)
		strbuf_printf(&b, "; an index has size 0: no step runs, the result is empty\n");
	else if (g->empty_dims) /* codegen writes zeros in place of the steps */
		strbuf_printf(&b, "; an index has size 0: no step runs, the result is %lld zeros\n",
		              (long long)elems);
	else
		for (int s = 0; s < l->nsteps; s++)
			print_step(&b, l, s, ir_dtype(g->dtype)->bytes);
	return strbuf_take(&b);
}
