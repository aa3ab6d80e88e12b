/*
 * jit.c - in-process compilation with ORC LLJIT: one LLJIT per kernel, the
 * runtime's symbols defined in it as absolute addresses (so hosts need no
 * -rdynamic); freeing the kernel frees its code.
 */
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>

#include "cg.h"
#include "ctx.h"
#include "gett.h"
#include "pool.h"
#include "slice.h"
#include "slices.h"
#include "spill.h"
#include "transpose_copy.h"
#include "workspace.h"

/* The JIT's entry: NAME.argv(out, in, workspace, slow, moved). */
typedef int (*entry_fn)(void *out, const void *const *in, void *workspace, void *slow,
                        int64_t *moved);

struct einc_kernel {
	LLVMOrcLLJITRef jit;
	entry_fn entry;
	int ninputs;
	size_t workspace_bytes, slow_bytes;
	einc_rt_pool_slots pool; /* the kernel's own buffers, for runs without them */
	int64_t *slices;         /* its slices' table (runtime/slices.h), malloc'd */
};

static const char kernel_name[] = "einc_kernel";

/* Moves the message of "e" (take) into "ctx" after "what"; returns EBACKEND. */
static einc_status jit_fail(einc_ctx *ctx, LLVMErrorRef e, const char *what)
{
	char *msg = LLVMGetErrorMessage(e);
	ctx_fail(ctx, EINC_EBACKEND, "jit", "%s: %s", what, msg);
	LLVMDisposeErrorMessage(msg);
	return EINC_EBACKEND;
}

/* Defines the symbols generated code may call: the runtime's, and the libc
 * calls LLVM itself emits for memset and copies. */
static LLVMErrorRef define_runtime(LLVMOrcLLJITRef jit)
{
	static const struct {
		const char *name;
		void (*addr)(void);
	} syms[] = {
		{"einc_rt_buffers_take", (void (*)(void))einc_rt_buffers_take},
		{"einc_rt_buffers_give", (void (*)(void))einc_rt_buffers_give},
		{"einc_rt_gett", (void (*)(void))einc_rt_gett},
		{"einc_rt_gett_next", (void (*)(void))einc_rt_gett_next},
		{"einc_rt_gett_fused", (void (*)(void))einc_rt_gett_fused},
		{"einc_rt_spill_copy", (void (*)(void))einc_rt_spill_copy},
		{"einc_rt_transpose_copy", (void (*)(void))einc_rt_transpose_copy},
		{"einc_rt_transpose_copy_rows", (void (*)(void))einc_rt_transpose_copy_rows},
		{"einc_rt_parallel_for", (void (*)(void))einc_rt_parallel_for},
		{"memset", (void (*)(void))memset},
		{"memcpy", (void (*)(void))memcpy},
		{"memmove", (void (*)(void))memmove},
	};
	enum { N = sizeof syms / sizeof syms[0] };
	LLVMOrcCSymbolMapPair pairs[N];
	for (int i = 0; i < N; i++) {
		pairs[i].Name = LLVMOrcLLJITMangleAndIntern(jit, syms[i].name);
		pairs[i].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)syms[i].addr;
		pairs[i].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported |
		                                  LLVMJITSymbolGenericFlagsCallable;
		pairs[i].Sym.Flags.TargetFlags = 0;
	}
	LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(pairs, N);
	return LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(jit), mu);
}

/* An LLJIT that generates code for "tm" (take) with the runtime defined. */
static einc_status make_jit(einc_ctx *ctx, LLVMTargetMachineRef tm, LLVMOrcLLJITRef *jit)
{
	LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
	LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(
		builder, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(tm));
	LLVMErrorRef e = LLVMOrcCreateLLJIT(jit, builder);
	if (e) {
		*jit = NULL;
		return jit_fail(ctx, e, "cannot create the JIT");
	}
	if ((e = define_runtime(*jit))) {
		LLVMConsumeError(LLVMOrcDisposeLLJIT(*jit));
		*jit = NULL;
		return jit_fail(ctx, e, "cannot define the runtime symbols");
	}
	return EINC_OK;
}

/* Builds and optimizes the module of "program" in a thread-safe context of
 * its own into "*tsm", and an LLJIT for its target into "k->jit". */
static einc_status make_jit_module(einc_ctx *ctx, const einc_program *program, einc_kernel *k,
                                   LLVMOrcThreadSafeModuleRef *tsm)
{
	LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
	LLVMTargetMachineRef tm;
	LLVMModuleRef m;
	einc_status st = cg_build_module(ctx, program, LLVMOrcThreadSafeContextGetContext(tsc),
	                                 kernel_name, 1, 1, &tm, &m);
	if (!st) {
		*tsm = LLVMOrcCreateNewThreadSafeModule(m, tsc);
		if ((st = make_jit(ctx, tm, &k->jit)))
			LLVMOrcDisposeThreadSafeModule(*tsm);
	}
	LLVMOrcDisposeThreadSafeContext(tsc);
	return st;
}

/* JIT-compiles "program" and looks up its entry. */
einc_status einc_program_jit(einc_ctx *ctx, const einc_program *program,
                             einc_kernel **kernel)
{
	if (!ctx)
		return EINC_EINVAL;
	ctx_ok(ctx);
	if (!program || !kernel)
		return ctx_fail(ctx, EINC_EINVAL, "api", "program and kernel must not be NULL");
	*kernel = NULL;
	einc_kernel *k = calloc(1, sizeof(*k));
	if (!k)
		return ctx_fail(ctx, EINC_ENOMEM, "jit", "out of memory");
	k->ninputs = program->graph->ninputs;
	k->workspace_bytes = (size_t)program->loops->workspace_bytes;
	k->slow_bytes = (size_t)program->loops->slow_bytes;
	size_t len;
	if (!(k->slices = slice_table(program->graph, program->slicing, &len))) {
		free(k);
		return ctx_fail(ctx, EINC_ENOMEM, "jit", "out of memory");
	}
	LLVMOrcThreadSafeModuleRef tsm;
	einc_status st = make_jit_module(ctx, program, k, &tsm);
	if (!st) {
		LLVMErrorRef e = LLVMOrcLLJITAddLLVMIRModule(k->jit,
		                                             LLVMOrcLLJITGetMainJITDylib(k->jit), tsm);
		if (e) {
			LLVMOrcDisposeThreadSafeModule(tsm);
			st = jit_fail(ctx, e, "cannot add the module");
		}
	}
	LLVMOrcExecutorAddress addr = 0;
	if (!st) {
		LLVMErrorRef e = LLVMOrcLLJITLookup(k->jit, &addr, "einc_kernel.argv");
		if (e)
			st = jit_fail(ctx, e, "cannot find the kernel");
	}
	if (st) {
		einc_kernel_free(k);
		return st;
	}
	k->entry = (entry_fn)(uintptr_t)addr;
	*kernel = k;
	return EINC_OK;
}

size_t einc_kernel_workspace_size(const einc_kernel *kernel)
{
	return kernel ? kernel->workspace_bytes : 0;
}

size_t einc_kernel_slow_size(const einc_kernel *kernel)
{
	return kernel ? kernel->slow_bytes : 0;
}

int einc_kernel_num_inputs(const einc_kernel *kernel)
{
	return kernel ? kernel->ninputs : 0;
}

/* Whether a run of "kernel" into "out" from "in" lacks a pointer it needs. */
static int bad_pointers(const einc_kernel *kernel, const void *out, const void *const in[])
{
	if (!kernel || !out || (kernel->ninputs > 0 && !in))
		return 1;
	for (int k = 0; k < kernel->ninputs; k++)
		if (!in[k])
			return 1;
	return 0;
}

/* Checks the pointers, finds a workspace and a slow buffer (the caller's,
 * or the kernel's pool's), calls the entry, returns what it took. */
einc_status einc_kernel_run_slow(einc_kernel *kernel, void *out, const void *const in[],
                                 void *workspace, void *slow, int64_t *moved)
{
	if (bad_pointers(kernel, out, in))
		return EINC_EINVAL;
	void *bufs[4] = {workspace, slow, NULL, NULL};
	if (einc_rt_buffers_take(kernel->pool, kernel->workspace_bytes, kernel->slow_bytes, bufs))
		return EINC_ENOMEM;
	int r = kernel->entry(out, in, bufs[0], bufs[1], moved);
	einc_rt_buffers_give(kernel->pool, bufs);
	return r ? EINC_ENOMEM : EINC_OK;
}

einc_status einc_kernel_run(einc_kernel *kernel, void *out, const void *const in[],
                            void *workspace)
{
	return einc_kernel_run_slow(kernel, out, in, workspace, NULL, NULL);
}

int64_t einc_kernel_num_slices(const einc_kernel *kernel)
{
	return kernel ? einc_rt_slices_count(kernel->slices) : 0;
}

int einc_kernel_slices_summed(const einc_kernel *kernel)
{
	return kernel && kernel->slices[SLICES_NSUM] > 0;
}

/* One slice for einc_rt_run_slices: the entry on the buffers in "user". */
typedef struct {
	einc_kernel *kernel;
	void *bufs[4];
} slice_run;

static int run_one_slice(void *user, void *part, const void *const *in)
{
	slice_run *r = user;
	return r->kernel->entry(part, in, r->bufs[0], r->bufs[1], NULL);
}

/* Checks the pointers (bad_pointers), takes the buffers once
 * for the whole range and runs it, packed or into the output. */
static einc_status run_slices(einc_kernel *kernel, void *out, const void *const in[],
                              void *workspace, int64_t first, int64_t count, int packed)
{
	if (bad_pointers(kernel, out, in))
		return EINC_EINVAL;
	slice_run r = {kernel, {workspace, NULL, NULL, NULL}};
	if (einc_rt_buffers_take(kernel->pool, kernel->workspace_bytes, kernel->slow_bytes, r.bufs))
		return EINC_ENOMEM;
	int rc = einc_rt_run_slices(kernel->slices, run_one_slice, &r, out, in, first, count,
	                            packed);
	einc_rt_buffers_give(kernel->pool, r.bufs);
	return rc > 0 ? EINC_EINVAL : rc ? EINC_ENOMEM : EINC_OK;
}

einc_status einc_kernel_run_slices(einc_kernel *kernel, void *out, const void *const in[],
                                   void *workspace, int64_t first, int64_t count)
{
	return run_slices(kernel, out, in, workspace, first, count, 0);
}

einc_status einc_kernel_run_slices_packed(einc_kernel *kernel, void *parts,
                                          const void *const in[], void *workspace,
                                          int64_t first, int64_t count)
{
	return run_slices(kernel, parts, in, workspace, first, count, 1);
}

int64_t einc_kernel_slice_part_elems(const einc_kernel *kernel)
{
	return kernel ? einc_rt_slice_part_elems(kernel->slices) : 0;
}

einc_status einc_kernel_place_slices(const einc_kernel *kernel, void *out, const void *parts,
                                     int64_t first, int64_t count)
{
	if (!kernel || !out || (count && !parts))
		return EINC_EINVAL;
	return einc_rt_place_slices(kernel->slices, out, parts, first, count) ? EINC_EINVAL
	                                                                      : EINC_OK;
}

/* Disposing of the LLJIT releases the kernel's code and its symbols. */
void einc_kernel_free(einc_kernel *kernel)
{
	if (!kernel)
		return;
	if (kernel->jit)
		LLVMConsumeError(LLVMOrcDisposeLLJIT(kernel->jit));
	einc_rt_buffers_free(kernel->pool);
	free(kernel->slices);
	free(kernel);
}
