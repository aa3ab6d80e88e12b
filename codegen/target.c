/* target.c - the host target: triple, CPU, features, target machine, and
 * the optimization pipeline. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "cg.h"
#include "ctx.h"

static once_flag target_once = ONCE_FLAG_INIT;
static int target_ready;

/* Registers the native target once per process. */
static void target_init(void)
{
	target_ready = !LLVMInitializeNativeTarget() && !LLVMInitializeNativeAsmPrinter();
}

/* Whether "o" asks for the host CPU. */
static int cpu_is_native(const einc_options *o)
{
	return !o->cpu || !strcmp(o->cpu, "native");
}

/* The host CPU and features or the named CPU with default features. */
einc_status cg_target_machine(einc_ctx *ctx, const einc_options *o,
                              LLVMTargetMachineRef *tm)
{
	call_once(&target_once, target_init);
	if (!target_ready)
		return ctx_fail(ctx, EINC_EBACKEND, "codegen", "LLVM has no native target");
	char *triple = LLVMGetDefaultTargetTriple();
	char *err = NULL;
	LLVMTargetRef target;
	if (LLVMGetTargetFromTriple(triple, &target, &err)) {
		ctx_fail(ctx, EINC_EBACKEND, "codegen", "target %s: %s", triple, err);
		LLVMDisposeMessage(err);
		LLVMDisposeMessage(triple);
		return EINC_EBACKEND;
	}
	static const LLVMCodeGenOptLevel levels[] = {
		LLVMCodeGenLevelNone, LLVMCodeGenLevelLess,
		LLVMCodeGenLevelDefault, LLVMCodeGenLevelAggressive,
	};
	int native = cpu_is_native(o);
	char *cpu = native ? LLVMGetHostCPUName() : NULL;
	char *features = native ? LLVMGetHostCPUFeatures() : NULL;
	*tm = LLVMCreateTargetMachine(target, triple, native ? cpu : o->cpu,
	                              native ? features : "", levels[o->opt_level],
	                              LLVMRelocPIC, LLVMCodeModelDefault);
	if (native) {
		LLVMDisposeMessage(cpu);
		LLVMDisposeMessage(features);
	}
	LLVMDisposeMessage(triple);
	if (!*tm)
		return ctx_fail(ctx, EINC_EBACKEND, "codegen", "cannot create a target machine");
	return EINC_OK;
}

char *cg_cpu_description(const einc_options *o)
{
	if (!cpu_is_native(o))
		return strdup(o->cpu);
	char *host = LLVMGetHostCPUName();
	size_t n = strlen(host) + sizeof(" (native)");
	char *s = malloc(n);
	if (s) {
		strcpy(s, host);
		strcat(s, " (native)");
	}
	LLVMDisposeMessage(host);
	return s;
}

einc_status cg_optimize(einc_ctx *ctx, LLVMModuleRef m, LLVMTargetMachineRef tm, int level)
{
	char pipeline[] = "default<O0>";
	pipeline[9] = (char)('0' + level);
	LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
	LLVMErrorRef e = LLVMRunPasses(m, pipeline, tm, opts);
	LLVMDisposePassBuilderOptions(opts);
	if (e) {
		char *msg = LLVMGetErrorMessage(e);
		ctx_fail(ctx, EINC_EBACKEND, "codegen", "%s: %s", pipeline, msg);
		LLVMDisposeErrorMessage(msg);
		return EINC_EBACKEND;
	}
	return EINC_OK;
}

int cg_name_ok(const char *name)
{
	if (!name || !*name || (*name >= '0' && *name <= '9'))
		return 0;
	for (const char *p = name; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return 0;
	return 1;
}
