/*
 * emit_module.c - the module of a program: one function per kernel that
 * finds its workspace and slow buffer, then runs each step: its spills and
 * reloads, then a call of the step's function on the step's buffers. Steps
 * of one shape (step_shape.c) share that function (internal, noinline:
 * zero the result, then the GETT call or the nest), so that LLVM optimises
 * each shape once and its time grows with the steps, not their square.
 * A tiled chain's steps run in a loop over its tiles, or in a function
 * that runs one tile, called as parallel tasks. And the entries that call
 * the kernel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>

#include "ctx.h"
#include "dtype.h"
#include "emitter.h"

static LLVMValueRef byte_at(emitter *e, LLVMValueRef base, int64_t offset, const char *name)
{
	if (!offset)
		return base;
	LLVMValueRef off = LLVMConstInt(e->i64, (unsigned long long)offset, 0);
	return LLVMBuildInBoundsGEP2(e->b, e->i8, base, &off, 1, name);
}

/* The buffers a step's accesses point into: the kernel's output and
 * inputs, its workspace, and where a tiled chain's tiles run as parallel
 * tasks the running task's buffer (NULL elsewhere). */
typedef struct {
	LLVMValueRef out, *in, ws, task;
} step_bases;

/* The base pointer of "acc" in "bases", plus its offset; in tile "tile"
 * of a tiled chain (NULL: none) moved by its tile_bytes per tile. */
static LLVMValueRef buffer(emitter *e, const loop_access *acc, const step_bases *bases,
                           LLVMValueRef tile)
{
	LLVMValueRef base = acc->buffer == LOOP_OUT     ? bases->out
	                  : acc->buffer == LOOP_INPUT   ? bases->in[acc->input]
	                  : acc->buffer == LOOP_TASK    ? byte_at(e, bases->task, acc->offset, "task.at")
	                                                : byte_at(e, bases->ws, acc->offset, "ws.at");
	if (!tile || !acc->tile_bytes)
		return base;
	LLVMValueRef off = LLVMBuildMul(e->b, tile,
	                                LLVMConstInt(e->i64, (unsigned long long)acc->tile_bytes, 0),
	                                "tile.off");
	return LLVMBuildInBoundsGEP2(e->b, e->i8, base, &off, 1, "tile.at");
}

/* The copies of step "st": einc_rt_spill_copy(dst, src, bytes, count) each,
 * "count" the local that counts the bytes moved. */
static void emit_copies(emitter *e, const loop_step *st, LLVMValueRef ws, LLVMValueRef slow,
                        LLVMValueRef count)
{
	if (!st->ncopies)
		return;
	LLVMTypeRef params[4] = {e->ptr, e->ptr, e->i64, e->ptr};
	LLVMTypeRef type = LLVMFunctionType(LLVMVoidTypeInContext(e->c), params, 4, 0);
	LLVMValueRef fn = LLVMGetNamedFunction(e->m, "einc_rt_spill_copy");
	if (!fn)
		fn = LLVMAddFunction(e->m, "einc_rt_spill_copy", type);
	for (int c = 0; c < st->ncopies; c++) {
		const loop_copy *x = &st->copies[c];
		LLVMValueRef in_ws = byte_at(e, ws, x->offset, "ws.at");
		LLVMValueRef in_slow = byte_at(e, slow, x->slow, "slow.at");
		LLVMValueRef args[4] = {x->reload ? in_ws : in_slow, x->reload ? in_slow : in_ws,
		                        LLVMConstInt(e->i64, (unsigned long long)x->bytes, 0), count};
		LLVMBuildCall2(e->b, type, fn, args, 4, "");
	}
}

void cg_add_attr(emitter *e, LLVMValueRef fn, LLVMAttributeIndex index, const char *name)
{
	unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
	LLVMAddAttributeAtIndex(fn, index, LLVMCreateEnumAttribute(e->c, kind, 0));
}

/* The body of step "st" at the builder's position in e->fn, on the bases
 * e->base and workspace "ws": its GETT call (which writes every result),
 * a copy that transposes as the runtime's call, its nest storing each
 * result once, its nest summed in partial results,
 * or zero its result, then its nest (or the nest zeroing it slab by slab,
 * ir_loop_step_zero_slab); a large nest runs as parallel tasks. */
static int emit_step(emitter *e, const loop_step *st, LLVMValueRef ws)
{
	e->st = st;
	e->overwrite = !st->gemm && ir_loop_step_stores(st);
	cg_alias_scopes(e);
	unsigned esize = (unsigned)LLVMABISizeOfType(LLVMGetModuleDataLayout(e->m), e->elem);
	int64_t bytes = st->result_elems * (int64_t)esize;
	e->slab = ir_loop_step_zero_slab(st, esize);
	e->zeroing = e->slab ? st->ast : NULL;
	if (st->gemm) {
		cg_emit_gemm(e->m, e->b, e->fn, e->name, st, e->threads, e->dtype, e->base, ws,
		             e->next);
		return 0;
	}
	if (cg_emit_transpose_copy(e, st))
		return 0;
	if (st->par.mode == LOOP_PAR_SUMS)
		return cg_emit_parallel(e, st);
	if (!e->overwrite && st->strided_out)
		cg_zero_strided(e, e->base[0], st->ndims, st->sizes, st->result.strides);
	else if (!e->overwrite && !e->slab)
		LLVMBuildMemSet(e->b, e->base[0], LLVMConstInt(e->i8, 0, 0),
		                LLVMConstInt(e->i64, (unsigned long long)bytes, 0),
		                cg_dtype_align(e->dtype));
	return st->par.mode == LOOP_PAR_ROWS ? cg_emit_parallel(e, st) : cg_emit_node(e, st->ast);
}

/*
 * In a kernel of more than MANY_SHAPES step functions ("e->many_shapes"),
 * a plain step of at most TINY_STEP_POINTS points (the product of its
 * extents) is not optimised at all (optnone: LLVM's cheapest instruction
 * selection too), and one of at most SMALL_STEP_POINTS points is
 * optimised for size: there LLVM's unrolling and vectorising of every
 * small step cost more than they save, unless the kernel runs thousands of
 * times. A PEPS of 100 tensors (bond 2, 88 step functions): JIT 1.14 s of
 * CPU at -O3, 0.44 s with optsize up to 65536 points, 0.16 s with optnone
 * up to 1024 too; its run 0.09 ms, then 0.13 ms. A random regular graph of
 * 100 tensors: JIT 0.37 s, then 0.13 s, run time within the noise. A
 * kernel of few steps (a small einsum called again and again) keeps -O3
 * throughout.
 */
#define MANY_SHAPES 16
#define TINY_STEP_POINTS 1024
#define SMALL_STEP_POINTS 65536

/* The attribute that step "st"'s function gets for its size: "optnone"
 * for a plain step of at most TINY_STEP_POINTS points (the product of its
 * extents), "optsize" for one of at most SMALL_STEP_POINTS, in a kernel of
 * many shapes; NULL otherwise (optimised as the kernel is). */
static const char *small_step_attr(const emitter *e, const loop_step *st)
{
	if (!e->many_shapes || st->gemm)
		return NULL;
	int64_t points = 1;
	for (int d = 0; d < st->ndims; d++) {
		if (st->sizes[d] > SMALL_STEP_POINTS / points)
			return NULL;
		points *= st->sizes[d];
	}
	return points <= TINY_STEP_POINTS ? "optnone" : "optsize";
}

/* Defines NAME.stepS(result, arg0, arg1, workspace[, factor][, next]),
 * internal and never inlined (in a kernel of many shapes, not optimised
 * or optimised for size when small), that runs step "s" ("st") and every
 * step of its shape on the buffers it is given (arg1 unused by a unary
 * step; "factor" the second factor of a fused argument; "next", where its
 * call reads bytes of the next tile into the caches, loop_step's "next",
 * their start or NULL); NULL on failure. The builder returns to where it
 * was. */
static LLVMValueRef step_function(emitter *e, int s, const loop_step *st)
{
	LLVMTypeRef params[6] = {e->ptr, e->ptr, e->ptr, e->ptr, e->ptr, e->ptr};
	unsigned nparams = 4 + (st->fused_arg >= 0) + (st->next_bytes > 0);
	char fname[strlen(e->name) + 32];
	snprintf(fname, sizeof fname, "%s.step%d", e->name, s);
	LLVMValueRef fn = LLVMAddFunction(e->m, fname, LLVMFunctionType(LLVMVoidTypeInContext(e->c),
	                                                                params, nparams, 0));
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	cg_add_attr(e, fn, LLVMAttributeFunctionIndex, "nounwind");
	cg_add_attr(e, fn, LLVMAttributeFunctionIndex, "noinline");
	const char *size_attr = small_step_attr(e, st);
	if (size_attr)
		cg_add_attr(e, fn, LLVMAttributeFunctionIndex, size_attr);
	cg_copy_target_attrs(e->fn, fn);
	static const char *const names[6] = {"result",    "arg0",   "arg1",
	                                     "workspace", "factor", "next"};
	for (unsigned k = 0; k < nparams; k++) {
		const char *name = names[k + (k == 4 && st->fused_arg < 0)];
		LLVMSetValueName2(LLVMGetParam(fn, k), name, strlen(name));
	}
	LLVMBasicBlockRef resume = LLVMGetInsertBlock(e->b);
	LLVMValueRef caller = e->fn;
	e->fn = fn;
	LLVMPositionBuilderAtEnd(e->b, cg_block(e, "entry"));
	for (unsigned k = 0; k < 3; k++)
		e->base[k] = LLVMGetParam(fn, k);
	e->base[3] = st->fused_arg >= 0 ? LLVMGetParam(fn, 4) : NULL;
	e->next = st->next_bytes ? LLVMGetParam(fn, nparams - 1) : NULL;
	int r = emit_step(e, st, LLVMGetParam(fn, 3));
	if (!r)
		LLVMBuildRetVoid(e->b);
	e->fn = caller;
	LLVMPositionBuilderAtEnd(e->b, resume);
	return r ? NULL : fn;
}

/* Where step "st" of a tiled chain of "ntiles" tiles, in tile "tile",
 * starts reading the next tile's bytes into the caches (loop_step's
 * "next"): NULL in the last tile. */
static LLVMValueRef next_bytes_at(emitter *e, const loop_step *st, const step_bases *bases,
                                  LLVMValueRef tile, int64_t ntiles)
{
	LLVMValueRef one = LLVMConstInt(e->i64, 1, 0);
	LLVMValueRef after = LLVMBuildAdd(e->b, tile, one, "tile.next");
	LLVMValueRef more = LLVMBuildICmp(e->b, LLVMIntSLT, after,
	                                  LLVMConstInt(e->i64, (unsigned long long)ntiles, 0), "");
	LLVMValueRef at = byte_at(e, buffer(e, &st->next, bases, after), st->next_offset, "next.at");
	return LLVMBuildSelect(e->b, more, at, LLVMConstNull(e->ptr), "next");
}

/* The call of step "st"'s function "fn" on its buffers in "bases" (its
 * workspace the task's buffer where it runs in a task: a step of a chain
 * whose tiles are tasks), in tile "tile" of a tiled chain of "ntiles"
 * tiles (NULL: none). */
static void call_step(emitter *e, LLVMValueRef fn, const loop_step *st, const step_bases *bases,
                      LLVMValueRef tile, int64_t ntiles)
{
	LLVMValueRef args[6] = {buffer(e, &st->result, bases, tile), LLVMConstNull(e->ptr),
	                        LLVMConstNull(e->ptr), bases->task ? bases->task : bases->ws,
	                        NULL, NULL};
	for (int x = 0; x < st->nargs; x++)
		args[x + 1] = buffer(e, &st->args[x], bases, tile);
	unsigned nargs = 4;
	if (st->fused_arg >= 0)
		args[nargs++] = buffer(e, &st->factor, bases, tile);
	if (st->next_bytes)
		args[nargs++] = next_bytes_at(e, st, bases, tile, ntiles);
	LLVMBuildCall2(e->b, LLVMGlobalGetValueType(fn), fn, args, nargs, "");
}

/* The calls of the steps of chain step "top" of "l" (functions "fns" by
 * first step of a shape, "first") on tile "tile" of their buffers. */
static void call_chain(emitter *e, const ir_loops *l, const loop_step *top,
                       const LLVMValueRef *fns, const int *first, const step_bases *bases,
                       LLVMValueRef tile)
{
	for (int k = 0; k < top->nchain; k++)
		call_step(e, fns[first[top->chain[k]]], &l->steps[top->chain[k]], bases, tile,
		          top->ntiles);
}

/*
 * The tiles of chain step "top" of "l" as parallel tasks ("ninputs"
 * inputs): NAME.tiles(ctx, tile, buffer), internal, runs the chain's steps
 * on one tile with "buffer" as the task's own (LOOP_TASK), the kernel's
 * buffers read from "ctx" (out, the inputs, the workspace); the kernel
 * calls einc_rt_parallel_for on it, its own task buffer at ws@task_at,
 * each worker's of task_bytes from the pool.
 */
static void emit_tile_tasks(emitter *e, const ir_loops *l, const loop_step *top,
                            const LLVMValueRef *fns, const int *first, const step_bases *bases,
                            int ninputs)
{
	char tname[strlen(e->name) + sizeof(".tiles")];
	snprintf(tname, sizeof tname, "%s.tiles", e->name);
	LLVMValueRef task = cg_task_function(e, tname), v[ninputs + 2];
	v[0] = bases->out;
	memcpy(v + 1, bases->in, (size_t)ninputs * sizeof(*v));
	v[ninputs + 1] = bases->ws;
	LLVMValueRef ctx = cg_pointer_array(e, v, ninputs + 2, "tiles.ctx");
	LLVMValueRef mine = byte_at(e, bases->ws, l->task_at, "task.own");
	cg_call_parallel_for(e, top->ntiles, task, ctx, mine, l->task_bytes);

	LLVMBasicBlockRef resume = LLVMGetInsertBlock(e->b);
	LLVMValueRef caller = e->fn;
	e->fn = task;
	LLVMPositionBuilderAtEnd(e->b, cg_block(e, "entry"));
	cg_load_pointers(e, LLVMGetParam(task, 0), ninputs + 2, v);
	step_bases own = {.out = v[0], .in = v + 1, .ws = v[ninputs + 1],
	                  .task = LLVMGetParam(task, 2)};
	call_chain(e, l, top, fns, first, &own, LLVMGetParam(task, 1));
	LLVMBuildRetVoid(e->b);
	e->fn = caller;
	LLVMPositionBuilderAtEnd(e->b, resume);
}

/* The tile loop of chain step "top" of "l": for each of its tiles, a call
 * of each step of the chain on that tile's buffers; as parallel tasks
 * where l has a task buffer (emit_tile_tasks). */
static void emit_tiles(emitter *e, const ir_loops *l, const loop_step *top,
                       const LLVMValueRef *fns, const int *first, const step_bases *bases,
                       int ninputs)
{
	if (l->task_bytes) {
		emit_tile_tasks(e, l, top, fns, first, bases, ninputs);
		return;
	}
	LLVMBasicBlockRef latch[2];
	LLVMValueRef tile = cg_begin_loop(e, top->ntiles, latch);
	call_chain(e, l, top, fns, first, bases, tile);
	cg_end_loop(e, tile, latch);
}

/* Every step of "l" with its copies (counted in "count") at the builder's
 * position, on workspace "ws" and slow buffer "slow": each shape's function
 * defined at its first step, called at every step of that shape; the steps
 * of a tiled chain called in the tile loop at its last step. */
static void emit_steps(emitter *e, const ir_loops *l, int ninputs, LLVMValueRef ws,
                       LLVMValueRef slow, LLVMValueRef count)
{
	LLVMValueRef in[ninputs + 1];
	step_bases bases = {.out = LLVMGetParam(e->fn, 0), .in = in, .ws = ws};
	for (int k = 0; k < ninputs; k++)
		in[k] = LLVMGetParam(e->fn, (unsigned)k + 1);
	int *first = malloc((size_t)l->nsteps * sizeof(*first));
	LLVMValueRef *fns = malloc((size_t)l->nsteps * sizeof(*fns));
	int nshapes = 0;
	if (l->nsteps && (!first || !fns))
		e->status = ctx_fail(e->ctx, EINC_ENOMEM, "codegen", "out of memory");
	else
		cg_step_shapes(l, first);
	for (int s = 0; s < l->nsteps && !e->status; s++)
		nshapes += first[s] == s;
	e->many_shapes = nshapes > MANY_SHAPES;
	for (int s = 0; s < l->nsteps && !e->status; s++) {
		emit_copies(e, &l->steps[s], ws, slow, count);
		if (l->steps[s].fused_into >= 0) /* its reader computes it */
			continue;
		if (first[s] == s &&
		    !(fns[s] = step_function(e, s, &l->steps[s])))
			break;
		if (l->steps[s].nchain)
			emit_tiles(e, l, &l->steps[s], fns, first, &bases, ninputs);
		else if (l->steps[s].tiled_into < 0) /* else it runs in its chain's tiles */
			call_step(e, fns[first[s]], &l->steps[s], &bases, NULL, 0);
	}
	free(first);
	free(fns);
}

/* Declares int NAME(T *out, const T *in0, ..., void *workspace), and with
 * "slow" NAME(..., void *workspace, void *slow, int64_t *moved). */
static LLVMValueRef declare_entry(emitter *e, const einc_program *p, const char *name,
                                  LLVMTargetMachineRef tm, int slow)
{
	int n = p->graph->ninputs, np = n + (slow ? 4 : 2);
	LLVMTypeRef params[np];
	for (int k = 0; k < np; k++)
		params[k] = e->ptr;
	LLVMValueRef fn = LLVMAddFunction(e->m, name, LLVMFunctionType(e->i32, params, (unsigned)np, 0));
	cg_add_attr(e, fn, LLVMAttributeFunctionIndex, "nounwind");
	for (int k = 0; k < np; k++) {
		cg_add_attr(e, fn, (LLVMAttributeIndex)k + 1, "nocapture");
		if (k <= n || k == n + 2)
			cg_add_attr(e, fn, (LLVMAttributeIndex)k + 1, "noalias");
		if (k >= 1 && k <= n)
			cg_add_attr(e, fn, (LLVMAttributeIndex)k + 1, "readonly");
	}
	LLVMSetValueName2(LLVMGetParam(fn, 0), "out", 3);
	char pname[32];
	for (int k = 0; k < n; k++) {
		int len = snprintf(pname, sizeof pname, "in%d", k);
		LLVMSetValueName2(LLVMGetParam(fn, (unsigned)k + 1), pname, (size_t)len);
	}
	LLVMSetValueName2(LLVMGetParam(fn, (unsigned)n + 1), "workspace", 9);
	if (slow) {
		LLVMSetValueName2(LLVMGetParam(fn, (unsigned)n + 2), "slow", 4);
		LLVMSetValueName2(LLVMGetParam(fn, (unsigned)n + 3), "moved", 5);
	}
	if (tm) {
		char *cpu = LLVMGetTargetMachineCPU(tm), *feat = LLVMGetTargetMachineFeatureString(tm);
		LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
		                        LLVMCreateStringAttribute(e->c, "target-cpu", 10, cpu, (unsigned)strlen(cpu)));
		if (*feat)
			LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
			                        LLVMCreateStringAttribute(e->c, "target-features", 15, feat,
			                                                  (unsigned)strlen(feat)));
		LLVMDisposeMessage(cpu);
		LLVMDisposeMessage(feat);
	}
	return fn;
}

/* Stores the count "count" holds into "*moved" unless "moved" is NULL. */
static void store_moved(emitter *e, LLVMValueRef moved, LLVMValueRef count)
{
	LLVMBasicBlockRef set = cg_block(e, "moved.set"), go = cg_block(e, "moved.done");
	LLVMBuildCondBr(e->b, LLVMBuildICmp(e->b, LLVMIntEQ, moved, LLVMConstNull(e->ptr), ""),
	                go, set);
	LLVMPositionBuilderAtEnd(e->b, set);
	LLVMBuildStore(e->b, LLVMBuildLoad2(e->b, e->i64, count, "moved.bytes"), moved);
	LLVMBuildBr(e->b, go);
	LLVMPositionBuilderAtEnd(e->b, go);
}

/* The body of NAME_slow: buffers, then every step with its copies, which
 * count the bytes they move in a local stored into "moved" at the end; for
 * a graph with a size 0, zeros into "out" instead of the steps. */
static void emit_body(emitter *e, const einc_program *p, const char *name)
{
	unsigned n = (unsigned)p->graph->ninputs;
	LLVMPositionBuilderAtEnd(e->b, cg_block(e, "entry"));
	LLVMValueRef count = LLVMBuildAlloca(e->b, e->i64, "moved.count");
	LLVMBuildStore(e->b, LLVMConstInt(e->i64, 0, 0), count);
	LLVMValueRef ws = LLVMGetParam(e->fn, n + 1), slow = LLVMGetParam(e->fn, n + 2);
	LLVMValueRef bufs = cg_take_buffers(e->b, name, p->loops->workspace_bytes,
	                                    p->loops->slow_bytes, &ws, &slow);
	const ir_graph *g = p->graph;
	if (g->empty_dims && g->strides && g->strides[g->ninputs])
		cg_zero_strided(e, LLVMGetParam(e->fn, 0), g->output.rank, ir_graph_dims(g, -1),
		                g->strides[g->ninputs]);
	else if (g->empty_dims) /* an index of size 0: the result is zeros, no step runs */
		LLVMBuildMemSet(e->b, LLVMGetParam(e->fn, 0), LLVMConstInt(e->i8, 0, 0),
		                LLVMConstInt(e->i64, (unsigned long long)ir_graph_elems(g, -1) *
		                                     (unsigned long long)ir_dtype(g->dtype)->bytes,
		                             0),
		                1);
	else
		emit_steps(e, p->loops, (int)n, ws, slow, count);
	if (e->status)
		return;
	store_moved(e, LLVMGetParam(e->fn, n + 3), count);
	cg_give_buffers(e->b, name, bufs);
	LLVMBuildRet(e->b, LLVMConstInt(e->i32, 0, 0));
}

/* Ends the current function with a call of "callee" on "args" ("n" of
 * them) that returns its result. */
static void emit_tail_call(emitter *e, LLVMValueRef callee, LLVMValueRef *args, unsigned n)
{
	LLVMValueRef r = LLVMBuildCall2(e->b, LLVMGlobalGetValueType(callee), callee, args, n, "r");
	LLVMBuildRet(e->b, r);
}

/* int NAME(T *out, const T *in0, ..., void *ws): NAME_slow with its own
 * slow buffer and no count. */
static void emit_plain_entry(emitter *e, const einc_program *p, const char *name,
                             LLVMTargetMachineRef tm, LLVMValueRef full)
{
	int n = p->graph->ninputs;
	LLVMValueRef fn = declare_entry(e, p, name, tm, 0);
	LLVMPositionBuilderAtEnd(e->b, LLVMAppendBasicBlockInContext(e->c, fn, "entry"));
	LLVMValueRef args[n + 4];
	for (int k = 0; k < n + 2; k++)
		args[k] = LLVMGetParam(fn, (unsigned)k);
	args[n + 2] = args[n + 3] = LLVMConstNull(e->ptr);
	emit_tail_call(e, full, args, (unsigned)n + 4);
}

/* int NAME.argv(T *out, const T *const *in, void *ws, void *slow,
 * int64_t *moved): the JIT's entry, which unpacks "in" and calls
 * NAME_slow. */
static void emit_argv_entry(emitter *e, const char *name, int n, LLVMValueRef full)
{
	char aname[strlen(name) + sizeof(".argv")];
	snprintf(aname, sizeof aname, "%s.argv", name);
	LLVMTypeRef params[5] = {e->ptr, e->ptr, e->ptr, e->ptr, e->ptr};
	LLVMValueRef fn = LLVMAddFunction(e->m, aname, LLVMFunctionType(e->i32, params, 5, 0));
	LLVMPositionBuilderAtEnd(e->b, LLVMAppendBasicBlockInContext(e->c, fn, "entry"));
	LLVMValueRef args[n + 4];
	args[0] = LLVMGetParam(fn, 0);
	for (int k = 0; k < n; k++) {
		LLVMValueRef idx = LLVMConstInt(e->i64, (unsigned long long)k, 0);
		LLVMValueRef slot = LLVMBuildInBoundsGEP2(e->b, e->ptr, LLVMGetParam(fn, 1), &idx, 1, "");
		args[k + 1] = LLVMBuildLoad2(e->b, e->ptr, slot, "in");
	}
	for (int k = 0; k < 3; k++)
		args[n + 1 + k] = LLVMGetParam(fn, 2 + (unsigned)k);
	emit_tail_call(e, full, args, (unsigned)n + 4);
}

/* Builds the whole module, then verifies it. */
einc_status cg_emit_module(einc_ctx *ctx, const einc_program *p, LLVMContextRef c,
                           LLVMTargetMachineRef tm, const char *name,
                           int argv_entry, LLVMModuleRef *out)
{
	emitter e = {.ctx = ctx, .c = c, .name = name, .vector_bits = p->vector_bits,
	             .threads = p->options.threads};
	e.m = LLVMModuleCreateWithNameInContext(name, c);
	LLVMSetSourceFileName(e.m, name, strlen(name));
	if (tm) {
		char *triple = LLVMGetTargetMachineTriple(tm);
		LLVMSetTarget(e.m, triple);
		LLVMDisposeMessage(triple);
		LLVMTargetDataRef dl = LLVMCreateTargetDataLayout(tm);
		LLVMSetModuleDataLayout(e.m, dl);
		LLVMDisposeTargetData(dl);
	}
	e.b = LLVMCreateBuilderInContext(c);
	e.i8 = LLVMInt8TypeInContext(c);
	e.i32 = LLVMInt32TypeInContext(c);
	e.i64 = LLVMInt64TypeInContext(c);
	e.ptr = LLVMPointerTypeInContext(c, 0);
	e.dtype = p->graph->dtype;
	e.elem = cg_dtype_type(c, e.dtype);
	char full[strlen(name) + sizeof("_slow")];
	snprintf(full, sizeof full, "%s_slow", name);
	e.fn = declare_entry(&e, p, full, tm, 1);
	emit_body(&e, p, name);
	if (!e.status) {
		emit_plain_entry(&e, p, name, tm, e.fn);
		if (argv_entry)
			emit_argv_entry(&e, name, p->graph->ninputs, e.fn);
	}
	LLVMDisposeBuilder(e.b);
	free(e.ids);
	free(e.vals);
	char *msg = NULL;
	if (!e.status && LLVMVerifyModule(e.m, LLVMReturnStatusAction, &msg))
		ctx_fail(ctx, EINC_EINTERNAL, "codegen", "invalid LLVM IR: %s", msg);
	LLVMDisposeMessage(msg);
	if (e.status || einc_ctx_status(ctx)) {
		LLVMDisposeModule(e.m);
		return einc_ctx_status(ctx);
	}
	*out = e.m;
	return EINC_OK;
}

einc_status cg_build_module(einc_ctx *ctx, const einc_program *p, LLVMContextRef c,
                            const char *name, int argv_entry, int optimize,
                            LLVMTargetMachineRef *tm, LLVMModuleRef *m)
{
	*m = NULL;
	einc_status st = cg_target_machine(ctx, &p->options, tm);
	if (st)
		return st;
	st = cg_emit_module(ctx, p, c, *tm, name, argv_entry, m);
	if (!st && optimize)
		st = cg_optimize(ctx, *m, *tm, p->options.opt_level);
	if (st) {
		if (*m)
			LLVMDisposeModule(*m);
		*m = NULL;
		LLVMDisposeTargetMachine(*tm);
		*tm = NULL;
	}
	return st;
}
