/* object.c - writing compiled programs to files: object, assembly, LLVM IR,
 * the C header; and the unoptimized IR for dumps. Everything is built in
 * memory first and written with checked stdio, so that a full disk or a
 * closed pipe is an error, never LLVM's exit. */
#ifndef _GNU_SOURCE /* LLVM's flags define it: strerror_r returns the text */
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "codegen.h"
#include "ctx.h"

/* Starts a writer's call: EINC_EINVAL without "ctx", else clears it and
 * checks the arguments every writer shares. */
static einc_status begin_write(einc_ctx *ctx, const einc_program *program,
                               const char *path, const char *name)
{
	if (!ctx)
		return EINC_EINVAL;
	ctx_ok(ctx);
	if (!program || !path || !name)
		return ctx_fail(ctx, EINC_EINVAL, "api", "program, path and name must not be NULL");
	const char *problem = cg_name_problem(name);
	if (problem)
		return ctx_fail(ctx, EINC_EINVAL, "api", "function name '%s' %s", name, problem);
	return EINC_OK;
}

/* Fails "ctx" for "path" with the reason "err" (an errno value). */
static einc_status write_failed(einc_ctx *ctx, const char *path, int err)
{
	char buf[128];
	return ctx_fail(ctx, EINC_EINVAL, "emit", "cannot write %s: %s", path,
	                strerror_r(err, buf, sizeof buf));
}

/* Writes the "n" bytes at "data" to the file "path" ("-": standard output),
 * checking every call that can fail. */
static einc_status write_bytes(einc_ctx *ctx, const char *path, const void *data, size_t n)
{
	int to_stdout = strcmp(path, "-") == 0;
	FILE *f = to_stdout ? stdout : fopen(path, "wb");
	if (!f)
		return write_failed(ctx, path, errno);
	errno = 0;
	int err = fwrite(data, 1, n, f) == n ? 0 : errno ? errno : EIO;
	if ((to_stdout ? fflush(f) : fclose(f)) && !err)
		err = errno ? errno : EIO;
	return err ? write_failed(ctx, path, err) : EINC_OK;
}

/* Writes "m" to "path" as "kind", built in memory by "tm". */
static einc_status write_module(einc_ctx *ctx, LLVMModuleRef m, LLVMTargetMachineRef tm,
                                einc_emit_kind kind, const char *path)
{
	if (kind == EINC_EMIT_LLVM) {
		char *text = LLVMPrintModuleToString(m);
		einc_status st = write_bytes(ctx, path, text, strlen(text));
		LLVMDisposeMessage(text);
		return st;
	}
	char *err = NULL;
	LLVMMemoryBufferRef buf = NULL;
	if (LLVMTargetMachineEmitToMemoryBuffer(tm, m, kind == EINC_EMIT_OBJECT ? LLVMObjectFile
	                                                                      : LLVMAssemblyFile,
	                                        &err, &buf)) {
		einc_status st = ctx_fail(ctx, EINC_EBACKEND, "emit", "cannot generate code: %s",
		                          err ? err : "unknown error");
		LLVMDisposeMessage(err);
		return st;
	}
	einc_status st = write_bytes(ctx, path, LLVMGetBufferStart(buf), LLVMGetBufferSize(buf));
	LLVMDisposeMemoryBuffer(buf);
	return st;
}

/* Builds and optimizes the module of "program" named "name", then writes it.
 * A file that cannot be written is the caller's problem (EINC_EINVAL). */
einc_status einc_program_emit(einc_ctx *ctx, const einc_program *program,
                              einc_emit_kind kind, const char *path, const char *name)
{
	einc_status st = begin_write(ctx, program, path, name);
	if (st)
		return st;
	if (kind != EINC_EMIT_OBJECT && kind != EINC_EMIT_ASSEMBLY && kind != EINC_EMIT_LLVM)
		return ctx_fail(ctx, EINC_EINVAL, "api", "unknown emit kind %d", (int)kind);
	LLVMContextRef c = LLVMContextCreate();
	LLVMTargetMachineRef tm;
	LLVMModuleRef m;
	st = cg_build_module(ctx, program, c, name, 0, 1, &tm, &m);
	if (!st) {
		st = write_module(ctx, m, tm, kind, path);
		LLVMDisposeModule(m);
		LLVMDisposeTargetMachine(tm);
	}
	LLVMContextDispose(c);
	return st;
}

/* Writes the text of cg_header_text to "path". */
einc_status einc_program_emit_header(einc_ctx *ctx, const einc_program *program,
                                     const char *path, const char *name)
{
	einc_status st = begin_write(ctx, program, path, name);
	if (st)
		return st;
	char *text = cg_header_text(program, name);
	if (!text)
		return ctx_fail(ctx, EINC_ENOMEM, "emit", "out of memory");
	st = write_bytes(ctx, path, text, strlen(text));
	free(text);
	return st;
}

/* The unoptimized module for the options' target, printed. */
einc_status cg_dump_llvm(einc_ctx *ctx, const einc_program *program, char **text)
{
	LLVMContextRef c = LLVMContextCreate();
	LLVMTargetMachineRef tm;
	LLVMModuleRef m;
	einc_status st = cg_build_module(ctx, program, c, "einc_kernel", 0, 0, &tm, &m);
	if (!st) {
		char *s = LLVMPrintModuleToString(m);
		*text = strdup(s);
		LLVMDisposeMessage(s);
		if (!*text)
			st = ctx_fail(ctx, EINC_ENOMEM, "dump", "out of memory");
		LLVMDisposeModule(m);
		LLVMDisposeTargetMachine(tm);
	}
	LLVMContextDispose(c);
	return st;
}
