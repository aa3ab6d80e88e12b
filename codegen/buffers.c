/*
 * buffers.c - the IR that finds a kernel call's workspace and slow buffer:
 * the caller's, or buffers of the kernel's pool (runtime/workspace.h's
 * einc_rt_buffers_take), returned to the pool when the call ends, so that
 * concurrent calls without buffers never share one.
 */
#include <stdio.h>
#include <string.h>

#include "cg.h"
#include "workspace.h"

/* The pool global of the kernel "name" in "m": NAME.buffers, internal,
 * zero-initialised, 2 * RT_POOL_SLOTS pointers; made on the first call. */
static LLVMValueRef pool_global(LLVMModuleRef m, const char *name)
{
	char gname[strlen(name) + sizeof(".buffers")];
	snprintf(gname, sizeof gname, "%s.buffers", name);
	LLVMValueRef g = LLVMGetNamedGlobal(m, gname);
	if (g)
		return g;
	LLVMTypeRef ptr = LLVMPointerTypeInContext(LLVMGetModuleContext(m), 0);
	LLVMTypeRef type = LLVMArrayType2(ptr, 2 * RT_POOL_SLOTS);
	g = LLVMAddGlobal(m, type, gname);
	LLVMSetLinkage(g, LLVMInternalLinkage);
	LLVMSetInitializer(g, LLVMConstNull(type));
	return g;
}

/* The runtime function "fname" declared in "m", its type into "*type":
 * i32 (ptr, i64, i64, ptr) for einc_rt_buffers_take, void (ptr, ptr) for
 * einc_rt_buffers_give. */
static LLVMValueRef runtime_fn(LLVMModuleRef m, const char *fname, LLVMTypeRef *type)
{
	LLVMContextRef c = LLVMGetModuleContext(m);
	LLVMTypeRef ptr = LLVMPointerTypeInContext(c, 0), i64 = LLVMInt64TypeInContext(c);
	int take = strcmp(fname, "einc_rt_buffers_take") == 0;
	LLVMTypeRef params[4] = {ptr, take ? i64 : ptr, i64, ptr};
	*type = LLVMFunctionType(take ? LLVMInt32TypeInContext(c) : LLVMVoidTypeInContext(c),
	                         params, take ? 4 : 2, 0);
	LLVMValueRef fn = LLVMGetNamedFunction(m, fname);
	return fn ? fn : LLVMAddFunction(m, fname, *type);
}

LLVMValueRef cg_take_buffers(LLVMBuilderRef b, const char *name, int64_t ws_bytes,
                             int64_t slow_bytes, LLVMValueRef *ws, LLVMValueRef *slow)
{
	if (!ws_bytes && !slow_bytes)
		return NULL;
	LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(b));
	LLVMModuleRef m = LLVMGetGlobalParent(fn);
	LLVMContextRef c = LLVMGetModuleContext(m);
	LLVMTypeRef ptr = LLVMPointerTypeInContext(c, 0), i64 = LLVMInt64TypeInContext(c);
	LLVMTypeRef i32 = LLVMInt32TypeInContext(c), type;
	LLVMValueRef bufs = LLVMBuildArrayAlloca(b, ptr, LLVMConstInt(i32, 4, 0), "bufs");
	LLVMValueRef at1 = LLVMBuildGEP2(b, ptr, bufs, (LLVMValueRef[]){LLVMConstInt(i64, 1, 0)},
	                                 1, "bufs.slow");
	LLVMBuildStore(b, *ws, bufs);
	LLVMBuildStore(b, *slow, at1);
	LLVMValueRef take = runtime_fn(m, "einc_rt_buffers_take", &type);
	LLVMValueRef args[4] = {pool_global(m, name), LLVMConstInt(i64, (uint64_t)ws_bytes, 0),
	                        LLVMConstInt(i64, (uint64_t)slow_bytes, 0), bufs};
	LLVMValueRef r = LLVMBuildCall2(b, type, take, args, 4, "bufs.failed");
	LLVMBasicBlockRef failed = LLVMAppendBasicBlockInContext(c, fn, "bufs.oom");
	LLVMBasicBlockRef ready = LLVMAppendBasicBlockInContext(c, fn, "bufs.ready");
	LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntNE, r, LLVMConstInt(i32, 0, 0), ""), failed,
	                ready);
	LLVMPositionBuilderAtEnd(b, failed);
	LLVMBuildRet(b, LLVMConstInt(i32, 1, 0));
	LLVMPositionBuilderAtEnd(b, ready);
	*ws = LLVMBuildLoad2(b, ptr, bufs, "ws");
	*slow = LLVMBuildLoad2(b, ptr, at1, "slow");
	return bufs;
}

void cg_give_buffers(LLVMBuilderRef b, const char *name, LLVMValueRef bufs)
{
	if (!bufs)
		return;
	LLVMModuleRef m = LLVMGetGlobalParent(LLVMGetBasicBlockParent(LLVMGetInsertBlock(b)));
	LLVMTypeRef type;
	LLVMValueRef give = runtime_fn(m, "einc_rt_buffers_give", &type);
	LLVMBuildCall2(b, type, give, (LLVMValueRef[]){pool_global(m, name), bufs}, 2, "");
}
