/* version.c - what `einc --version` prints: einc's version, the LLVM, ISL
 * and GLPK versions it was built with, the target triple and default CPU. */
#include <stdio.h>
#include <threads.h>

#include <glpk.h>
#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>
#include <llvm/Config/llvm-config.h>

#include "einc.h"

#ifndef EINC_ISL_VERSION /* set by CMakeLists.txt from isl.pc */
#error "EINC_ISL_VERSION must name the ISL version einc is built with"
#endif

#define EINC_STR_(x) #x
#define EINC_STR(x) EINC_STR_(x)

static once_flag version_once = ONCE_FLAG_INIT;
static char version_text[512];

/* Fills version_text once per process: the host's triple and CPU do not
 * change while it runs. */
static void version_init(void)
{
	char *triple = LLVMGetDefaultTargetTriple();
	char *cpu = LLVMGetHostCPUName();
	snprintf(version_text, sizeof version_text,
	         "einc %s\n"
	         "LLVM version %s\n"
	         "ISL version %s\n"
	         "GLPK version %s.%s\n"
	         "Target: %s\n"
	         "Default CPU: %s (native)\n",
	         EINC_VERSION_STRING, LLVM_VERSION_STRING, EINC_ISL_VERSION,
	         EINC_STR(GLP_MAJOR_VERSION), EINC_STR(GLP_MINOR_VERSION), triple, cpu);
	LLVMDisposeMessage(cpu);
	LLVMDisposeMessage(triple);
}

const char *einc_version_string(void)
{
	call_once(&version_once, version_init);
	return version_text;
}
