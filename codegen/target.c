/* target.c - the host target: triple, CPU, features, target machine, and
 * the optimization pipeline. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "cg.h"
#include "codegen.h"
#include "ctx.h"

static once_flag target_once = ONCE_FLAG_INIT;
static int target_ready;

/* Registers the native target once per process. */
static void target_init(void)
{
	target_ready = !LLVMInitializeNativeTarget() && !LLVMInitializeNativeAsmPrinter();
}

/*
 * The x86-64 CPU names LLVM 19 accepts for 64-bit code (llc -mcpu=help,
 * minus the 32-bit-only ones), sorted as strcmp does. LLVM's C API cannot
 * check a name, and LLVM aborts on code generation for an unknown one.
 */
static const char *const x86_64_cpus[] = {
	"alderlake", "amdfam10", "arrowlake", "arrowlake-s", "arrowlake_s",
	"athlon-fx", "athlon64", "athlon64-sse3", "atom", "atom_sse4_2",
	"atom_sse4_2_movbe", "barcelona", "bdver1", "bdver2", "bdver3", "bdver4",
	"bonnell", "broadwell", "btver1", "btver2", "cannonlake", "cascadelake",
	"clearwaterforest", "cooperlake", "core-avx-i", "core-avx2", "core2",
	"core_2_duo_sse4_1", "core_2_duo_ssse3", "core_2nd_gen_avx",
	"core_3rd_gen_avx", "core_4th_gen_avx", "core_4th_gen_avx_tsx",
	"core_5th_gen_avx", "core_5th_gen_avx_tsx", "core_aes_pclmulqdq",
	"core_i7_sse4_2", "corei7", "corei7-avx", "emeraldrapids", "generic",
	"goldmont", "goldmont-plus", "goldmont_plus", "gracemont", "grandridge",
	"graniterapids", "graniterapids-d", "graniterapids_d", "haswell",
	"icelake-client", "icelake-server", "icelake_client", "icelake_server",
	"ivybridge", "k8", "k8-sse3", "knl", "knm", "lunarlake", "meteorlake",
	"mic_avx512", "nehalem", "nocona", "opteron", "opteron-sse3", "pantherlake",
	"penryn", "raptorlake", "rocketlake", "sandybridge", "sapphirerapids",
	"sierraforest", "silvermont", "skx", "skylake", "skylake-avx512",
	"skylake_avx512", "slm", "tigerlake", "tremont", "westmere", "x86-64",
	"x86-64-v2", "x86-64-v3", "x86-64-v4", "znver1", "znver2", "znver3", "znver4",
	"znver5",
};

/* Orders two entries of x86_64_cpus for bsearch. */
static int cpu_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether LLVM can generate code for "cpu" on "triple". */
static int cpu_known(const char *triple, const char *cpu)
{
	if (strncmp(triple, "x86_64", 6) != 0)
		return 1; /* no table for other targets: LLVM decides */
	return bsearch(&cpu, x86_64_cpus, sizeof x86_64_cpus / sizeof x86_64_cpus[0],
	               sizeof x86_64_cpus[0], cpu_cmp) != NULL;
}

/* Whether "o" asks for the host CPU. */
static int cpu_is_native(const einc_options *o)
{
	return !o->cpu || !strcmp(o->cpu, "native");
}

/* Tuning added to every target's features: LLVM would gather a
 * transposed operand's elements with vector gathers, which run 1.2-2.5x
 * slower than loading them one by one (docs/bench-kernels.md). */
static const char tuning[] = "+prefer-no-gather";

/* The host CPU and features or the named CPU with default features, plus
 * "tuning". */
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
	if (!native && !cpu_known(triple, o->cpu)) {
		ctx_fail(ctx, EINC_EINVAL, "codegen",
		         "unknown CPU '%s' for %s (expected native or an LLVM CPU name such as "
		         "x86-64-v3, znver4 or skylake-avx512)", o->cpu, triple);
		LLVMDisposeMessage(triple);
		return EINC_EINVAL;
	}
	char *cpu = native ? LLVMGetHostCPUName() : NULL;
	char *host = native ? LLVMGetHostCPUFeatures() : NULL;
	size_t n = (host ? strlen(host) + 1 : 0) + sizeof tuning;
	char *features = malloc(n);
	if (features)
		snprintf(features, n, "%s%s%s", host ? host : "", host && *host ? "," : "", tuning);
	*tm = features ? LLVMCreateTargetMachine(target, triple, native ? cpu : o->cpu, features,
	                                         levels[o->opt_level], LLVMRelocPIC,
	                                         LLVMCodeModelDefault)
	               : NULL;
	if (native) {
		LLVMDisposeMessage(cpu);
		LLVMDisposeMessage(host);
	}
	LLVMDisposeMessage(triple);
	if (!features)
		return ctx_fail(ctx, EINC_ENOMEM, "codegen", "out of memory");
	free(features);
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

/* Runs the new pass manager on the pipeline text "default<O0>" .. "default<O3>". */
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

/*
 * The vector width of the named x86-64 CPUs whose instruction sets have
 * AVX-512F (512) or AVX (256), sorted as strcmp does; the others get 128.
 * LLVM's C API gives a named CPU's features only through code generation.
 */
typedef struct {
	const char *name;
	int bits;
} cpu_vector;

static const cpu_vector cpu_vectors[] = {
	{"alderlake", 256}, {"arrowlake", 256}, {"arrowlake-s", 256}, {"arrowlake_s", 256},
	{"bdver1", 256}, {"bdver2", 256}, {"bdver3", 256}, {"bdver4", 256},
	{"broadwell", 256}, {"cannonlake", 512}, {"cascadelake", 512},
	{"clearwaterforest", 256}, {"cooperlake", 512}, {"core-avx-i", 256},
	{"core-avx2", 256}, {"core_2nd_gen_avx", 256}, {"core_3rd_gen_avx", 256},
	{"core_4th_gen_avx", 256}, {"core_4th_gen_avx_tsx", 256}, {"core_5th_gen_avx", 256},
	{"core_5th_gen_avx_tsx", 256}, {"corei7-avx", 256}, {"emeraldrapids", 512},
	{"grandridge", 256}, {"graniterapids", 512}, {"graniterapids-d", 512},
	{"graniterapids_d", 512}, {"haswell", 256}, {"icelake-client", 512},
	{"icelake-server", 512}, {"icelake_client", 512}, {"icelake_server", 512},
	{"ivybridge", 256}, {"knl", 512}, {"knm", 512}, {"lunarlake", 256},
	{"meteorlake", 256}, {"mic_avx512", 512}, {"pantherlake", 256}, {"raptorlake", 256},
	{"rocketlake", 512}, {"sandybridge", 256}, {"sapphirerapids", 512},
	{"sierraforest", 256}, {"skx", 512}, {"skylake", 256}, {"skylake-avx512", 512},
	{"skylake_avx512", 512}, {"tigerlake", 512}, {"x86-64-v3", 256}, {"x86-64-v4", 512},
	{"znver1", 256}, {"znver2", 256}, {"znver3", 256}, {"znver4", 512}, {"znver5", 512},
};

/* Orders two entries of cpu_vectors for bsearch. */
static int vector_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int cg_vector_bits(LLVMTargetMachineRef tm)
{
	if (!tm)
		return 256;
	char *f = LLVMGetTargetMachineFeatureString(tm);
	char *cpu = LLVMGetTargetMachineCPU(tm);
	int bits = 128;
	if (strcmp(f, tuning)) { /* the host's features */
		bits = strstr(f, "+avx512f") ? 512 : strstr(f, "+avx") ? 256 : 128;
	} else {
		const char *key = cpu;
		const void *hit = bsearch(&key, cpu_vectors, sizeof cpu_vectors / sizeof cpu_vectors[0],
		                          sizeof cpu_vectors[0], vector_cmp);
		if (hit)
			bits = ((const cpu_vector *)hit)->bits;
	}
	LLVMDisposeMessage(f);
	LLVMDisposeMessage(cpu);
	return bits;
}

/* Copies the string attribute "key" of function "from" to "to". */
static void copy_attr(LLVMValueRef from, LLVMValueRef to, const char *key)
{
	LLVMAttributeRef at = LLVMGetStringAttributeAtIndex(from, LLVMAttributeFunctionIndex,
	                                                    key, (unsigned)strlen(key));
	if (at)
		LLVMAddAttributeAtIndex(to, LLVMAttributeFunctionIndex, at);
}

void cg_copy_target_attrs(LLVMValueRef from, LLVMValueRef to)
{
	copy_attr(from, to, "target-cpu");
	copy_attr(from, to, "target-features");
}

einc_status cg_target_check(einc_ctx *ctx, const einc_options *o, int *vector_bits,
                            cg_caches *caches)
{
	LLVMTargetMachineRef tm;
	einc_status st = cg_target_machine(ctx, o, &tm);
	if (st)
		return st;
	*vector_bits = cg_vector_bits(tm);
	*caches = cg_target_caches(cpu_is_native(o) ? NULL : o->cpu);
	LLVMDisposeTargetMachine(tm);
	return EINC_OK;
}

LLVMTypeRef cg_dtype_type(LLVMContextRef c, einc_dtype dtype)
{
	return dtype == EINC_F64 ? LLVMDoubleTypeInContext(c) : LLVMFloatTypeInContext(c);
}
