/*
 * lower.c - plan steps to loop nests: each step's iteration domain (a box
 * over its indices) and schedule (a permutation: large strides outside,
 * unit strides inside) become an isl_ast through isl_ast_build; a plain
 * nest first merges the dims every access walks as one. GEMM-like
 * steps also get their GETT form (loop_gemm): index groups, cache blocks,
 * and offset tables and packing buffers after the plan's workspace. Under a
 * budget, the plan's spills and reloads become copies before the steps
 * (lower_copies.c).
 */
#include <stdlib.h>

#include <isl/ast_build.h>
#include <isl/id.h>
#include <isl/options.h>
#include <isl/union_map.h>
#include <isl/union_set.h>

#include "ctx.h"
#include "dtype.h"
#include "gett.h"
#include "program.h"
#include "strbuf.h"
#include "tile.h"

/* The extent of index "i" of "g" in a step of chain "c" (NULL: none, or
 * a step outside it): a tile of the chain's label, else its size. */
static int64_t extent(const ir_graph *g, const chain_tiling *c, int i)
{
	return c && i == c->label ? c->tile : g->indices[i].size;
}

/* Row-major strides of tree node "n"'s dense result, per graph index, in
 * a step of chain "c" (extent). */
static void dense_strides(const ir_graph *g, const chain_tiling *c, const ir_tree_node *n,
                          int64_t *strides)
{
	for (int i = 0; i < g->nindices; i++)
		strides[i] = 0;
	int64_t s = 1;
	for (int a = n->rank - 1; a >= 0; a--) {
		strides[n->index[a]] = s;
		s *= extent(g, c, n->index[a]);
	}
}

/* The position of tree node "node" in chain "c" (NULL: none); -1 when
 * it is not in it. */
static int chain_position(const chain_tiling *c, int node)
{
	return c ? chain_node_position(c->nodes, c->n, node) : -1;
}

/* Fills "acc" for tree node "node" as step "s" ("st") sees it: an input
 * or the output (root) at the strides the caller gave, or a workspace
 * intermediate where the plan holds it during the step; with no plan
 * ("p" NULL: lower_gemm_probe) or when "fused" marks it, an intermediate
 * is dense at no offset (-1). In a step of chain "c" (NULL: none) a
 * per-tile intermediate is dense over a tile in its buffer after the
 * plan's arena (in the task's buffer where the tiles are tasks), and the
 * others move "tile_bytes" a tile. "tmp" holds
 * nindices. */
static einc_status make_access(arena *a, const ir_graph *g, const ir_tree *t,
                               const ir_plan *p, const int *fused, const chain_tiling *c,
                               int node, int s, const loop_step *st, int64_t *tmp,
                               loop_access *acc)
{
	const ir_tree_node *n = &t->nodes[node];
	acc->tile_bytes = 0;
	if (n->input < 0 && node != t->root && (!p || (fused && fused[node]))) {
		acc->buffer = LOOP_WORKSPACE;
		acc->offset = -1;
		dense_strides(g, NULL, n, tmp);
	} else if (c && c->inner[node]) { /* in the task's buffer where tiles are tasks */
		acc->buffer = c->tasks ? LOOP_TASK : LOOP_WORKSPACE;
		acc->offset = (c->tasks ? 0 : p->workspace_bytes) +
		              chain_position(c, node) % 2 * c->buffer;
		dense_strides(g, c, n, tmp);
	} else if (n->input >= 0) {
		acc->buffer = LOOP_INPUT;
		acc->input = n->input;
		ir_graph_memory_strides(g, n->input, tmp);
	} else if (node == t->root) {
		acc->buffer = LOOP_OUT;
		ir_graph_memory_strides(g, -1, tmp);
	} else {
		const ir_plan_range *r = ir_plan_range_at(p, node, s);
		if (!r)
			return EINC_EINTERNAL;
		acc->buffer = LOOP_WORKSPACE;
		acc->offset = r->offset;
		dense_strides(g, NULL, n, tmp);
	}
	if (c && !c->inner[node])
		acc->tile_bytes = c->tile * tmp[c->label] * ir_dtype(g->dtype)->bytes;
	acc->strides = arena_array(a, (size_t)st->ndims + 1, sizeof(int64_t));
	if (!acc->strides)
		return EINC_ENOMEM;
	for (int d = 0; d < st->ndims; d++)
		acc->strides[d] = tmp[st->index[d]];
	return EINC_OK;
}

/* The iterator name of index "i": its label, with "..." axes as _0, _1. */
static const char *iterator_name(arena *a, const ir_graph *g, int i)
{
	const char *name = g->indices[i].name;
	if (name[0] != IR_ELLIPSIS_PREFIX)
		return name;
	char *s = arena_strdup(a, name);
	if (s)
		s[0] = '_';
	return s;
}

/* Sets the dims of step "st" (the union of its children's indices, in
 * index order), their sizes (a tile of the label of chain "c", NULL:
 * none), names and the result size. */
static einc_status make_dims(arena *a, const ir_graph *g, const ir_tree *t,
                             const chain_tiling *c, int node, loop_step *st)
{
	const ir_tree_node *n = &t->nodes[node];
	size_t cap = (size_t)g->nindices + 1;
	st->index = arena_array(a, cap, sizeof(int));
	st->sizes = arena_array(a, cap, sizeof(int64_t));
	st->names = arena_array(a, cap, sizeof(char *));
	if (!st->index || !st->sizes || !st->names)
		return EINC_ENOMEM;
	for (int i = 0; i < g->nindices; i++) {
		int in = ir_tree_node_has(&t->nodes[n->left], i) ||
		         (n->right >= 0 && ir_tree_node_has(&t->nodes[n->right], i));
		if (!in)
			continue;
		st->index[st->ndims] = i;
		st->sizes[st->ndims] = extent(g, c, i);
		if (!(st->names[st->ndims] = iterator_name(a, g, i)))
			return EINC_ENOMEM;
		st->ndims++;
	}
	st->result_elems = 1;
	for (int x = 0; x < n->rank; x++)
		st->result_elems *= extent(g, c, n->index[x]);
	return EINC_OK;
}

/* Sets the dims of step "s" ("st", its "nargs" set) of tree node "node"
 * (make_dims) and its accesses (make_access, "p", "fused" and "c" as
 * there): its operands', and its result's unless the step is fused into
 * its reader ("fused_into"). pass_lower's steps and lower_gemm_probe's
 * lone node are built alike, so the probe finds the GETT form the step
 * gets. */
static einc_status make_step(arena *a, const ir_graph *g, const ir_tree *t, const ir_plan *p,
                             const int *fused, const chain_tiling *c, int node, int s,
                             loop_step *st, int64_t *tmp)
{
	const ir_tree_node *n = &t->nodes[node];
	einc_status bad = make_dims(a, g, t, c, node, st);
	if (!bad && st->fused_into < 0)
		bad = make_access(a, g, t, p, fused, c, node, s, st, tmp, &st->result);
	for (int x = 0; x < st->nargs && !bad; x++)
		bad = make_access(a, g, t, p, fused, c, x ? n->right : n->left, s, st, tmp,
		                  &st->args[x]);
	return bad;
}

/* "x" followed by "y", in the arena; NULL when out of memory. */
static const char *joined_name(arena *a, const char *x, const char *y)
{
	strbuf name = {0};
	strbuf_printf(&name, "%s%s", x, y);
	char *n = strbuf_take(&name);
	const char *s = n ? arena_strdup(a, n) : NULL;
	free(n);
	return s;
}

/* Whether every access of "st" walks dim "o" as one step over all of dim
 * "i": o's stride is i's times i's extent (zero strides included). */
static int walks_as_one(const loop_step *st, int o, int i)
{
	if (st->result.strides[o] != st->result.strides[i] * st->sizes[i])
		return 0;
	for (int x = 0; x < st->nargs; x++)
		if (st->args[x].strides[o] != st->args[x].strides[i] * st->sizes[i])
			return 0;
	return 1;
}

/* Drops dim "d" of "st" from its dim arrays. */
static void drop_dim(loop_step *st, int d)
{
	loop_access *acc[3] = {&st->result, &st->args[0], &st->args[1]};
	for (int y = d; y + 1 < st->ndims; y++) {
		st->index[y] = st->index[y + 1];
		st->sizes[y] = st->sizes[y + 1];
		st->names[y] = st->names[y + 1];
		for (int x = 0; x <= st->nargs; x++)
			acc[x]->strides[y] = acc[x]->strides[y + 1];
	}
	st->ndims--;
}

/*
 * Merges the dims of a plain nest that every access walks as one (dim "o"
 * over dim "i", as walks_as_one): i takes o's extent times its own and the
 * name "oi", o goes; first pairs first, until none is left. A row summed
 * into one element then runs as one long vectorized loop, not a loop and a
 * horizontal sum per row (ijk->i: each j row of k).
 */
static einc_status coalesce_dims(arena *a, loop_step *st)
{
	for (int found = 1; found;) {
		found = 0;
		for (int o = 0; o < st->ndims && !found; o++)
			for (int i = 0; i < st->ndims && !found; i++) {
				if (i == o || !walks_as_one(st, o, i))
					continue;
				if (!(st->names[i] = joined_name(a, st->names[o], st->names[i])))
					return EINC_ENOMEM;
				st->sizes[i] *= st->sizes[o];
				drop_dim(st, o);
				found = 1;
			}
	}
	return EINC_OK;
}

/* The loop order of "st": its lead dim (align_producers) outermost, then
 * dims sorted by the sum of their |strides| over all accesses, largest
 * outside; a dim no access moves along goes outermost. Ties keep index
 * order. */
static void loop_order(const loop_step *st, int *order)
{
	int64_t key[st->ndims + 1];
	for (int d = 0; d < st->ndims; d++) {
		int64_t k = llabs(st->result.strides[d]);
		for (int x = 0; x < st->nargs; x++)
			k += llabs(st->args[x].strides[d]);
		key[d] = k ? k : INT64_MAX;
		order[d] = d;
	}
	for (int x = 1; x < st->ndims; x++)
		for (int y = x; y > 0 && key[order[y]] > key[order[y - 1]]; y--) {
			int tmp = order[y];
			order[y] = order[y - 1];
			order[y - 1] = tmp;
		}
	for (int x = st->ndims - 1; st->lead >= 0 && x > 0; x--)
		if (order[x] == st->lead) {
			order[x] = order[x - 1];
			order[x - 1] = st->lead;
		}
}

/* The tile edge of transposing nests (elements): the tile's rows of the
 * operand and of the result stay in L1 while it is read across and
 * written along. At 8, LLVM copies a tile with scalar moves; at 16 it
 * gathers the operand's columns, 2-3x slower (docs/bench-kernels.md). */
enum { TILE_EDGE = 8 };

/* The last dim of step "st" that "strides" walk with unit stride and that
 * is at least "min" long; -1 where none. */
static int unit_dim(const loop_step *st, const int64_t *strides, int64_t min)
{
	int u = -1;
	for (int d = 0; d < st->ndims; d++)
		if (strides[d] == 1 && st->sizes[d] >= min)
			u = d;
	return u;
}

/*
 * Whether step "st" transposes: the result's unit-stride dim "*r" is not
 * the unit-stride dim "*a" of an operand that moves along "*r" too, and the
 * result runs along "*a" as well; then walking either dim innermost jumps
 * a row of the other tensor per element. Both dims at least TILE_EDGE long.
 */
static int transpose_dims(const loop_step *st, int *r, int *a)
{
	*r = unit_dim(st, st->result.strides, TILE_EDGE);
	for (int x = 0; *r >= 0 && x < st->nargs; x++) {
		const loop_access *acc = &st->args[x];
		for (int d = 0; acc->strides[*r] && d < st->ndims; d++)
			if (d != *r && acc->strides[d] == 1 && st->result.strides[d] &&
			    st->sizes[d] >= TILE_EDGE) {
				*a = d;
				return 1;
			}
	}
	return 0;
}

/*
 * Whether step "st" only copies its operand across layouts, as the
 * runtime's einc_rt_transpose_copy does: one operand, no dim summed, the
 * result's unit-stride dim "*r" (TILE_EDGE long at least) another than the
 * operand's "*a", the operand moving along r. The operand's unit-stride
 * run, "*a" alone or with the dim that continues it (which the runtime
 * takes as one), holds TILE_EDGE elements at least: attn_scores' bhqd
 * with its axes reversed runs b (4) then h (16) with unit stride.
 */
static int copy_dims(const loop_step *st, int *r, int *a)
{
	if (st->nargs != 1 || !ir_loop_step_stores(st))
		return 0;
	const int64_t *as = st->args[0].strides;
	*r = unit_dim(st, st->result.strides, TILE_EDGE);
	*a = unit_dim(st, as, 2);
	if (*r < 0 || *a < 0 || *r == *a || !as[*r])
		return 0;
	int64_t run = st->sizes[*a];
	for (int d = 0; d < st->ndims && run < TILE_EDGE; d++)
		if (d != *r && d != *a && as[d] == st->sizes[*a])
			run *= st->sizes[d];
	return run >= TILE_EDGE;
}

/* Summed rows at least this long (elements) are read two at a time. */
enum { PAIR_MIN_ROW = 4096 };

/* Whether stride "s" moves one element forward or not at all. */
static int unit_or_none(int64_t s)
{
	return s == 0 || s == 1;
}

/* Whether every argument of step "st" reads dim "d" with unit stride or
 * not at all. */
static int args_unit(const loop_step *st, int d)
{
	for (int x = 0; x < st->nargs; x++)
		if (!unit_or_none(st->args[x].strides[d]))
			return 0;
	return 1;
}

/*
 * The dim of plain step "st" (loop order "order") whose rows it sums two at
 * a time, or -1: the innermost dim is summed, read with unit stride (or
 * not at all) by every operand and PAIR_MIN_ROW long, the next one out is
 * a dim of the result of even extent. Two rows in flight read from memory
 * faster than one (docs/bench-kernels.md).
 */
static int pair_dim(const loop_step *st, const int *order)
{
	if (st->gemm || st->tile || st->ndims < 2)
		return -1;
	int in = order[st->ndims - 1], out = order[st->ndims - 2];
	if (st->result.strides[in] || !st->result.strides[out] || st->sizes[out] % 2 ||
	    st->sizes[in] < PAIR_MIN_ROW || !args_unit(st, in))
		return -1;
	return out;
}

/*
 * The dim of plain step "st" (loop order "order") whose two halves it reads
 * at once, as pair_dim reads two rows, or -1: its outermost dim, summed and
 * of even extent, where every access reads the innermost dim with unit
 * stride or not at all, and the rows are long: the innermost dim, or each
 * half of a lone dim (a dot product), at least PAIR_MIN_ROW. The halves lie
 * far apart: k,kj->j read rows k and k + 1, 16 KiB apart, at a speed that
 * changed from run to run, and often slower than one row at a time.
 */
static int half_dim(const loop_step *st, const int *order)
{
	if (st->gemm || st->tile || !st->ndims)
		return -1;
	int out = order[0], in = order[st->ndims - 1];
	int64_t row = st->ndims == 1 ? st->sizes[out] / 2 : st->sizes[in];
	if (st->result.strides[out] || st->sizes[out] % 2 || row < PAIR_MIN_ROW ||
	    !unit_or_none(st->result.strides[in]) || !args_unit(st, in))
		return -1;
	return out;
}

/*
 * Generates the AST of step "s" of "l" from its box domain and loop order.
 * A transposing nest runs its two unit-stride dims in TILE_EDGE tiles
 * inside the other dims: tile loops, then the operand's dim, then the
 * result's innermost. A nest that sums long rows (pair_dim) runs them in
 * pairs: the pairs' loop outside the summed dim, the two rows unrolled
 * inside it. A nest whose outermost dim is summed (half_dim) runs its two
 * halves the same way: the loop over a half outermost, the halves unrolled
 * innermost.
 */
static einc_status build_ast(einc_ctx *ctx, arena *a, ir_loops *l, int s)
{
	loop_step *st = &l->steps[s];
	int order[st->ndims + 1], tiled[2];
	const char *tile_names[2];
	loop_order(st, order);
	if (transpose_dims(st, &tiled[0], &tiled[1])) {
		st->tile = TILE_EDGE;
		for (int x = 0; x < 2; x++)
			if (!(tile_names[x] = joined_name(a, st->names[tiled[x]], "_t")))
				return ctx_fail(ctx, EINC_ENOMEM, "lower", "out of memory");
		int y = 0;
		for (int d = 0; d < st->ndims; d++)
			if (order[d] != tiled[0] && order[d] != tiled[1])
				order[y++] = order[d];
		order[y++] = tiled[1];
		order[y] = tiled[0];
	}
	/* the dim run in pairs of rows, or else in two halves ("half" long) */
	int pair = pair_dim(st, order);
	int64_t half = 0;
	if (pair < 0 && (pair = half_dim(st, order)) >= 0)
		half = st->sizes[pair] / 2;
	const char *pair_name = NULL;
	if (pair >= 0 && !(pair_name = joined_name(a, st->names[pair], "_p")))
		return ctx_fail(ctx, EINC_ENOMEM, "lower", "out of memory");
	int ntiles = st->tile ? 2 : 0, point = st->ndims - ntiles;
	strbuf dom = {0}, sched = {0};
	strbuf_printf(&dom, "{ S%d[", s);
	strbuf_printf(&sched, "{ S%d[", s);
	for (int d = 0; d < st->ndims; d++) {
		strbuf_printf(&dom, "%sd%d", d ? ", " : "", d);
		strbuf_printf(&sched, "%sd%d", d ? ", " : "", d);
	}
	strbuf_printf(&dom, "]%s", st->ndims ? " : " : "");
	strbuf_printf(&sched, "] -> [");
	for (int d = 0; d < st->ndims; d++) {
		strbuf_printf(&dom, "%s0 <= d%d < %lld", d ? " and " : "", d,
		              (long long)st->sizes[d]);
		if (d == point)
			for (int x = ntiles - 1; x >= 0; x--)
				strbuf_printf(&sched, "floor(d%d / %lld), ", tiled[x], (long long)st->tile);
		const char *sep = d + 1 < st->ndims ? ", " : "";
		if (order[d] != pair)
			strbuf_printf(&sched, "d%d%s", order[d], sep);
		else if (half)
			strbuf_printf(&sched, "d%d mod %lld%s", order[d], (long long)half, sep);
		else
			strbuf_printf(&sched, "floor(d%d / 2)%s", order[d], sep);
	}
	if (half)
		strbuf_printf(&sched, ", floor(d%d / %lld)", pair, (long long)half);
	else if (pair >= 0)
		strbuf_printf(&sched, ", d%d mod 2", pair);
	strbuf_printf(&dom, " }");
	strbuf_printf(&sched, "] }");
	char *dom_s = strbuf_take(&dom), *sched_s = strbuf_take(&sched);
	if (!dom_s || !sched_s) {
		free(dom_s);
		free(sched_s);
		return ctx_fail(ctx, EINC_ENOMEM, "lower", "out of memory");
	}
	isl_ctx *isl = l->isl;
	isl_union_map *map = isl_union_map_read_from_str(isl, sched_s);
	map = isl_union_map_intersect_domain(map, isl_union_set_read_from_str(isl, dom_s));
	free(dom_s);
	free(sched_s);
	/* each iterator's role: the dims in "order", the tile loops before the
	 * point loops, the pairs' (or a half's) loop in place of its dim, whose
	 * unrolled iterator follows */
	loop_iter *role = arena_array(a, (size_t)st->ndims + 3, sizeof(loop_iter));
	if (!role) {
		isl_union_map_free(map);
		return ctx_fail(ctx, EINC_ENOMEM, "lower", "out of memory");
	}
	isl_id_list *iters = isl_id_list_alloc(isl, st->ndims + ntiles + 1);
	int nroles = 0;
	for (int d = 0; d < st->ndims; d++) {
		if (d == point)
			for (int x = ntiles - 1; x >= 0; x--) {
				role[nroles] = (loop_iter){LOOP_TILE, tiled[x]};
				iters = isl_id_list_add(iters, isl_id_alloc(isl, tile_names[x],
				                                            &role[nroles++]));
			}
		int paired = order[d] == pair;
		role[nroles] = (loop_iter){paired ? half ? LOOP_HALF : LOOP_PAIR : LOOP_WHOLE, order[d]};
		iters = isl_id_list_add(iters, isl_id_alloc(isl, paired ? pair_name
		                                                         : st->names[order[d]],
		                                            &role[nroles++]));
	}
	if (pair >= 0) {
		role[nroles] = (loop_iter){LOOP_WHOLE, pair};
		iters = isl_id_list_add(iters, isl_id_alloc(isl, st->names[pair], &role[nroles++]));
	}
	isl_ast_build *build = isl_ast_build_set_iterators(isl_ast_build_alloc(isl), iters);
	if (pair >= 0) {
		strbuf opt = {0};
		strbuf_printf(&opt, "{ [");
		for (int d = 0; d <= st->ndims; d++)
			strbuf_printf(&opt, "%sx%d", d ? ", " : "", d);
		strbuf_printf(&opt, "] -> unroll[%d] }", st->ndims);
		char *opt_s = strbuf_take(&opt);
		if (!opt_s) {
			isl_ast_build_free(build);
			isl_union_map_free(map);
			return ctx_fail(ctx, EINC_ENOMEM, "lower", "out of memory");
		}
		build = isl_ast_build_set_options(build, isl_union_map_read_from_str(isl, opt_s));
		free(opt_s);
	}
	st->ast = isl_ast_build_node_from_schedule_map(build, map);
	isl_ast_build_free(build);
	if (!st->ast) {
		const char *msg = isl_ctx_last_error_msg(isl);
		return ctx_fail(ctx, EINC_EINTERNAL, "lower", "isl: %s", msg ? msg : "failed");
	}
	return EINC_OK;
}

/* The GETT form of two-argument step "st" of elements "d" for registers
 * "vector_bits" wide and "caches", its buffers after "ws_bytes": a complex
 * step's real form (lower_gemm_complex) or a real step's (lower_gemm);
 * NULL where it is not GEMM-like or out of memory. */
static loop_gemm *gemm_form(arena *a, const loop_step *st, const ir_dtype_info *d,
                            int vector_bits, const cg_caches *caches, int64_t ws_bytes)
{
	return d->kind == EINC_KIND_COMPLEX
	     ? lower_gemm_complex(a, st, d->part_bytes, vector_bits, caches, ws_bytes)
	     : lower_gemm(a, st, d->bytes, vector_bits, caches, ws_bytes, 0);
}

/* The step of plan "p" that computes the reader of node "node" of "t"
 * (its parent); -1 when none. */
static int reader_step(const ir_tree *t, const ir_plan *p, int node)
{
	for (int s = 0; s < p->nsteps; s++) {
		const ir_tree_node *n = &t->nodes[p->steps[s].node];
		if (n->left == node || n->right == node)
			return s;
	}
	return -1;
}

int lower_gemm_probe(arena *a, const ir_graph *g, const ir_tree *t, int node, int vector_bits,
                     const cg_caches *caches, gemm_probe *form)
{
	loop_step *st = arena_alloc(a, sizeof(*st));
	int64_t *tmp = arena_array(a, (size_t)g->nindices + 1, sizeof(int64_t));
	if (!st || !tmp)
		return -1;
	st->nargs = 2;
	st->fused_into = st->fused_arg = -1;
	if (make_step(a, g, t, NULL, NULL, NULL, node, 0, st, tmp))
		return -1;
	loop_gemm *gemm = gemm_form(a, st, ir_dtype(g->dtype), vector_bits, caches, 0);
	if (gemm && form) {
		form->b = !gemm->a;
		form->b_in_place = gemm->b_in_place;
		form->nr = gemm->nr;
		form->crossed = gemm->b_crossed || gemm->b_lanes ? !gemm->a : -1;
	}
	return gemm != NULL;
}

/* Makes GEMM-like step "s" ("st", of tree node "n") read its fused
 * argument (pass_fuse) as the product of that node's operands: args[x] the
 * first, st->factor the second, in the step's dims; a fused A is read as
 * lower_gemm_fuse_a says. */
static einc_status fuse_argument(arena *a, const ir_graph *g, const ir_tree *t,
                                 const ir_plan *p, const int *fused, const ir_tree_node *n,
                                 int s, loop_step *st, int64_t *tmp)
{
	for (int x = 0; x < 2; x++) {
		const ir_tree_node *c = &t->nodes[x ? n->right : n->left];
		if (!fused[x ? n->right : n->left])
			continue;
		if (!st->gemm)
			return EINC_EINTERNAL;
		loop_gemm *gm = st->gemm;
		st->fused_arg = x;
		if (x == gm->a)
			lower_gemm_fuse_a(gm);
		einc_status bad = make_access(a, g, t, p, fused, NULL, c->left, s, st, tmp,
		                              &st->args[x]);
		return bad ? bad
		           : make_access(a, g, t, p, fused, NULL, c->right, s, st, tmp, &st->factor);
	}
	return EINC_OK;
}

/* The bytes the per-tile buffers of chain "c" (NULL: none) take after
 * the plan's arena. */
static int64_t tile_buffers(const chain_tiling *c)
{
	return c ? 2 * c->buffer : 0;
}

/* The step of plan "p" that computes tree node "node"; -1 when none. */
static int step_of(const ir_plan *p, int node)
{
	for (int s = 0; s < p->nsteps; s++)
		if (p->steps[s].node == node)
			return s;
	return -1;
}

/* Marks step "st" of tree node "node" as a step of chain "c": an inner
 * one runs in the last one's tile loop ("tiled_into"), the last one lists
 * the chain's steps ("chain", bottom first) and runs "ntiles" tiles. */
static einc_status chain_step(arena *a, const ir_plan *p, const chain_tiling *c, int node,
                              loop_step *st)
{
	if (node != c->nodes[c->n - 1]) {
		st->tiled_into = step_of(p, c->nodes[c->n - 1]);
		return EINC_OK;
	}
	if (!(st->chain = arena_array(a, (size_t)c->n, sizeof(int))))
		return EINC_ENOMEM;
	st->nchain = c->n;
	st->ntiles = c->ntiles;
	for (int k = 0; k < c->n; k++)
		st->chain[k] = step_of(p, c->nodes[k]);
	return EINC_OK;
}

/* Lowers one plan step into "l->steps[s]", with the copies before it;
 * a GEMM-like one gets its GETT form for "vector_bits" and "caches"
 * (lower_gemm.c), with the product of a node "fused" marks as an operand;
 * such a node's own step gets its operands only; a step of chain "tiling"
 * (NULL: none) runs over one tile of its label.
 * "tmp" holds nindices; "slot" as lower_slow_slots fills it. */
static einc_status lower_step(einc_ctx *ctx, arena *a, const ir_graph *g,
                              const ir_tree *t, const ir_plan *p, const int *fused,
                              const chain_tiling *tiling, ir_loops *l, int s,
                              int vector_bits, const cg_caches *caches, int64_t *tmp,
                              const int64_t *slot)
{
	int node = p->steps[s].node;
	const ir_tree_node *n = &t->nodes[node];
	const chain_tiling *c = chain_position(tiling, node) >= 0 ? tiling : NULL;
	loop_step *st = &l->steps[s];
	st->nargs = n->right >= 0 ? 2 : 1;
	einc_status bad = lower_copies(a, p, slot, s, st, &l->moved_bytes);
	if (!bad && c)
		bad = chain_step(a, p, c, node, st);
	if (!bad && fused && fused[node])
		st->fused_into = reader_step(t, p, node);
	if (!bad)
		bad = make_step(a, g, t, p, fused, c, node, s, st, tmp);
	/* the caller's strided output, or a chain's result: a window of a tile */
	st->strided_out = (node == t->root && g->strides && g->strides[g->ninputs]) ||
	                  (c && st->fused_into < 0 && st->result.tile_bytes);
	if (bad == EINC_ENOMEM)
		return ctx_fail(ctx, EINC_ENOMEM, "lower", "out of memory");
	if (bad)
		return ctx_fail(ctx, EINC_EINTERNAL, "lower",
		                "step %d (tree node %d) finds an operand or a reload outside the plan",
		                s, node);
	const ir_dtype_info *d = ir_dtype(g->dtype);
	if (st->fused_into >= 0)
		return EINC_OK;
	int task = c && c->tasks; /* its workspace the task's buffer */
	int64_t ws = task ? tile_buffers(c) : p->workspace_bytes + tile_buffers(tiling);
	for (int x = 0; fused && st->nargs == 2 && x < 2; x++)
		if (fused[x ? n->right : n->left])
			st->fused_arg = x; /* lower_gemm orders K by the other operand */
	if (st->nargs == 2)
		st->gemm = gemm_form(a, st, d, vector_bits, caches, ws);
	if (fused && st->nargs == 2 && (bad = fuse_argument(a, g, t, p, fused, n, s, st, tmp)))
		return ctx_fail(ctx, bad == EINC_ENOMEM ? EINC_ENOMEM : EINC_EINTERNAL, "lower",
		                "step %d (tree node %d): its fused operand %s", s, node,
		                bad == EINC_ENOMEM ? "ran out of memory" : "has no GEMM-like reader");
	if (st->gemm) {
		/* the runtime's descriptor as far as its scratch depends on it */
		const loop_gemm *gm = st->gemm;
		int dims = gm->nb + gm->nm + gm->nn + gm->nk;
		int64_t sizes[dims + 1], strides[3 * dims + 1];
		einc_rt_gett_desc rd = lower_gemm_desc(gm, d->kind, sizes, strides);
		int direct = gm->a_stride != 0;
		int64_t side = st->fused_arg == gm->a ? RT_GETT_FUSED_A : RT_GETT_FUSED_B;
		size_t bytes = st->fused_arg >= 0 ? einc_rt_gett_fused_scratch(&rd, direct, side)
		                                  : einc_rt_gett_scratch(&rd, direct);
		int64_t end = gm->scratch + (int64_t)bytes;
		if (task && end > l->task_bytes)
			l->task_bytes = end;
		end += task ? l->task_at : 0; /* the caller's task buffer */
		if (end > l->workspace_bytes)
			l->workspace_bytes = end;
	} else if (coalesce_dims(a, st)) {
		return ctx_fail(ctx, EINC_ENOMEM, "lower", "out of memory");
	}
	return EINC_OK;
}

/* The multiply-adds (two flops) per byte that the later steps of a
 * tiled chain do for each byte of the next tile's window they read into
 * the caches, at least (chain_next): fewer, and the reads, at DRAM's
 * rate, outlast the steps and stall them. One core of znver5 runs some
 * 50 GFMA/s from cache against 33 GB/s from DRAM: 4 per byte keeps the
 * reads at about a third of DRAM's rate. Tucker projection (ijk,ia,jb,kc
 * ->abc, 192^3 x 48 f64) reads 1.7 MiB a tile while its second step does
 * 2.7 M multiply-adds (1.5 per byte): the whole window, 12.77 -> 13.36 ms
 * (1 thread, CPU time, best of 5 alternating, load 7); its first 648 KiB
 * (4 per byte), median of 9 11.91 -> 12.25. */
#define NEXT_FMAS_PER_BYTE 4

/*
 * Gives the later GETT steps of chain "c" (NULL: none) of "l" the next
 * tile's window of the largest operand of the chain's first step that it
 * reads from memory in one run (a dense input over the core's share of L3
 * in "caches", the label outermost), where they do NEXT_FMAS_PER_BYTE
 * multiply-adds per byte of it, to read into the caches as they compute
 * (loop_step's "next"), each a share in whole lines as its multiply-adds:
 * the first step then finds it there, not in DRAM.
 * Measured on znver5 (1 thread, CPU time, alternating, load 7-10): the
 * 4-index transform (48^4 f64, 48 tiles of 884 KiB, 12 multiply-adds a
 * byte) median of 9 28.13 -> 27.11 ms, its steps 0-2 20.62 -> 19.98; its
 * first step per tile 0.14 -> 0.107 ms (0.098 with its window in cache),
 * the two later ones 0.01 ms slower each; every line, not every other
 * (NEXT_GAP), no faster than none (docs/bench-kernels.md, session 30).
 */
static void chain_next(const ir_graph *g, const chain_tiling *c, const cg_caches *caches,
                       ir_loops *l)
{
	int top = -1;
	for (int s = 0; c && s < l->nsteps && top < 0; s++)
		if (l->steps[s].nchain)
			top = s;
	if (top < 0)
		return;
	const loop_step *first = &l->steps[l->steps[top].chain[0]];
	const loop_access *win = NULL;
	int64_t esize = ir_dtype(g->dtype)->bytes, fmas = 0, sum = 0, done = 0;
	for (int x = 0; x < first->nargs; x++) {
		const loop_access *acc = &first->args[x];
		if (acc->buffer != LOOP_INPUT || !acc->tile_bytes ||
		    (g->strides && g->strides[acc->input]))
			continue;
		int64_t bytes = ir_tensor_elems(&g->inputs[acc->input]) * esize;
		if (bytes > caches->l3 && acc->tile_bytes * c->ntiles == bytes &&
		    (!win || acc->tile_bytes > win->tile_bytes))
			win = acc;
	}
	for (int k = 1; win && k < c->n; k++) {
		const loop_gemm *gm = l->steps[l->steps[top].chain[k]].gemm;
		fmas += gm ? gm->batch * gm->m * gm->n * gm->k : 0;
	}
	int64_t lines = win && win->tile_bytes <= fmas / NEXT_FMAS_PER_BYTE
	              ? (win->tile_bytes + 63) / 64 : 0;
	for (int k = 1; lines && k < c->n; k++) {
		loop_step *st = &l->steps[l->steps[top].chain[k]];
		const loop_gemm *gm = st->gemm;
		if (!gm)
			continue;
		int64_t lo = done;
		sum += gm->batch * gm->m * gm->n * gm->k;
		done = (int64_t)((double)lines * (double)sum / (double)fmas);
		st->next = *win;
		st->next_offset = lo * 64;
		st->next_bytes = (done < lines ? done * 64 : win->tile_bytes) - lo * 64;
	}
}

/*
 * Gives each plain step whose result a later GEMM-like step sums in K
 * slices a lead dim: the slices' outermost K dim, run outermost. The pool
 * hands out both steps' tasks in order, a share per thread, so each thread
 * then writes the rows that its slices read, and they stay in its caches.
 */
static void align_producers(const ir_tree *t, const ir_plan *p, ir_loops *l)
{
	for (int s = 0; s < l->nsteps; s++) {
		const loop_gemm *gm = l->steps[s].gemm;
		if (!gm || einc_rt_gett_kslices(gm->batch, gm->m, gm->n, gm->k, gm->kc, gm->esize) < 2)
			continue;
		const ir_tree_node *n = &t->nodes[p->steps[s].node];
		int lead = gm->view->index[gm->dims[gm->nb + gm->nm + gm->nn]];
		for (int x = 0; x < s; x++) {
			loop_step *q = &l->steps[x];
			int node = p->steps[x].node;
			if (q->gemm || q->fused_into >= 0 || (node != n->left && node != n->right))
				continue;
			for (int d = 0; d < q->ndims; d++)
				if (q->index[d] == lead)
					q->lead = d;
		}
	}
}

/* Lowers every step of "p" into "*out"; "*out" is set even on failure, so
 * that the program frees what was built. */
einc_status pass_lower(einc_ctx *ctx, arena *a, const ir_graph *g, const ir_tree *t,
                       const ir_plan *p, const int *fused, const chain_tiling *tiling,
                       int vector_bits, const cg_caches *caches, int threads, ir_loops **out)
{
	*out = NULL;
	ir_loops *l = arena_alloc(a, sizeof(*l));
	int64_t *tmp = arena_array(a, (size_t)g->nindices + 1, sizeof(int64_t));
	int64_t *slot = arena_array(a, (size_t)t->nnodes, sizeof(int64_t));
	if (l)
		l->steps = arena_array(a, (size_t)p->nsteps, sizeof(loop_step));
	if (!l || !tmp || !slot || !l->steps || !(l->isl = isl_ctx_alloc()))
		return ctx_fail(ctx, EINC_ENOMEM, "lower", "out of memory");
	isl_options_set_on_error(l->isl, ISL_ON_ERROR_CONTINUE);
	l->workspace_bytes = p->workspace_bytes + tile_buffers(tiling);
	if (tiling && tiling->tasks) {
		l->task_at = p->workspace_bytes;
		l->task_bytes = tile_buffers(tiling);
	}
	l->slow_bytes = lower_slow_slots(p, t->nnodes, slot);
	*out = l;
	for (int s = 0; s < p->nsteps; s++) {
		l->nsteps = s + 1;
		l->steps[s].lead = -1;
		l->steps[s].fused_into = l->steps[s].fused_arg = l->steps[s].tiled_into = -1;
		einc_status st = lower_step(ctx, a, g, t, p, fused, tiling, l, s, vector_bits, caches,
		                            tmp, slot);
		if (st)
			return st;
	}
	int64_t esize = ir_dtype(g->dtype)->bytes;
	align_producers(t, p, l);
	chain_next(g, tiling, caches, l);
	for (int s = 0; s < p->nsteps; s++) {
		if (l->steps[s].gemm || l->steps[s].fused_into >= 0) /* no nest: the runtime's
		                                                         GETT driver runs it */
			continue;
		einc_status st = build_ast(ctx, a, l, s);
		if (st)
			return st;
		lower_parallel(&l->steps[s], threads, esize);
		l->steps[s].transposes = copy_dims(&l->steps[s], &l->steps[s].copy_dims[0],
		                               &l->steps[s].copy_dims[1]);
	}
	if (l->moved_bytes != p->traffic)
		return ctx_fail(ctx, EINC_EINTERNAL, "lower",
		                "the copies move %lld bytes, the plan's traffic is %lld",
		                (long long)l->moved_bytes, (long long)p->traffic);
	return EINC_OK;
}
