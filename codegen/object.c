/* object.c - writing compiled programs to files: object, assembly, LLVM IR,
 * the C header; and the unoptimized IR for dumps. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "codegen.h"
#include "ctx.h"

/* Checks the arguments every writer shares. */
static einc_status check_args(einc_ctx *ctx, const einc_program *program,
                              const char *path, const char *name)
{
	if (!program || !path || !name)
		return ctx_fail(ctx, EINC_EINVAL, "api", "program, path and name must not be NULL");
	const char *problem = cg_name_problem(name);
	if (problem)
		return ctx_fail(ctx, EINC_EINVAL, "api", "function name '%s' %s", name, problem);
	return EINC_OK;
}

/* Builds and optimizes the module of "program" named "name", then writes it.
 * A file that cannot be written is the caller's problem (EINC_EINVAL). */
einc_status einc_program_emit(einc_ctx *ctx, const einc_program *program,
                              einc_emit_kind kind, const char *path, const char *name)
{
	if (!ctx)
		return EINC_EINVAL;
	ctx_ok(ctx);
	einc_status st = check_args(ctx, program, path, name);
	if (st)
		return st;
	if (kind != EINC_EMIT_OBJECT && kind != EINC_EMIT_ASSEMBLY && kind != EINC_EMIT_LLVM)
		return ctx_fail(ctx, EINC_EINVAL, "api", "unknown emit kind %d", (int)kind);
	LLVMTargetMachineRef tm;
	if ((st = cg_target_machine(ctx, &program->options, &tm)))
		return st;
	LLVMContextRef c = LLVMContextCreate();
	LLVMModuleRef m = NULL;
	st = cg_emit_module(ctx, program, c, tm, name, 0, &m);
	if (!st)
		st = cg_optimize(ctx, m, tm, program->options.opt_level);
	char *err = NULL;
	if (!st && kind == EINC_EMIT_LLVM && LLVMPrintModuleToFile(m, path, &err))
		st = ctx_fail(ctx, EINC_EINVAL, "emit", "cannot write %s: %s", path, err);
	if (!st && kind != EINC_EMIT_LLVM &&
	    LLVMTargetMachineEmitToFile(tm, m, path, kind == EINC_EMIT_OBJECT ? LLVMObjectFile
	                                                                      : LLVMAssemblyFile, &err))
		st = ctx_fail(ctx, EINC_EINVAL, "emit", "cannot write %s: %s", path, err);
	LLVMDisposeMessage(err);
	if (m)
		LLVMDisposeModule(m);
	LLVMContextDispose(c);
	LLVMDisposeTargetMachine(tm);
	return st;
}

/* Writes the text of cg_header_text to "path". */
einc_status einc_program_emit_header(einc_ctx *ctx, const einc_program *program,
                                     const char *path, const char *name)
{
	if (!ctx)
		return EINC_EINVAL;
	ctx_ok(ctx);
	einc_status st = check_args(ctx, program, path, name);
	if (st)
		return st;
	char *text = cg_header_text(program, name);
	if (!text)
		return ctx_fail(ctx, EINC_ENOMEM, "emit", "out of memory");
	FILE *f = fopen(path, "w");
	size_t n = strlen(text);
	if (!f || fwrite(text, 1, n, f) != n)
		st = ctx_fail(ctx, EINC_EINVAL, "emit", "cannot write %s", path);
	if (f && fclose(f) && !st)
		st = ctx_fail(ctx, EINC_EINVAL, "emit", "cannot write %s", path);
	free(text);
	return st;
}

/* The unoptimized module for the options' target, printed. */
einc_status cg_dump_llvm(einc_ctx *ctx, const einc_program *program, char **text)
{
	LLVMTargetMachineRef tm;
	einc_status st = cg_target_machine(ctx, &program->options, &tm);
	if (st)
		return st;
	LLVMContextRef c = LLVMContextCreate();
	LLVMModuleRef m = NULL;
	st = cg_emit_module(ctx, program, c, tm, "einc_kernel", 0, &m);
	if (!st) {
		char *s = LLVMPrintModuleToString(m);
		*text = strdup(s);
		LLVMDisposeMessage(s);
		if (!*text)
			st = ctx_fail(ctx, EINC_ENOMEM, "dump", "out of memory");
		LLVMDisposeModule(m);
	}
	LLVMContextDispose(c);
	LLVMDisposeTargetMachine(tm);
	return st;
}
