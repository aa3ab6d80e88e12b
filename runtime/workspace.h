/*
 * workspace.h - the runtime call behind a generated kernel's NULL
 * workspace (runtime/workspace.c; libc only).
 */
#ifndef EINC_RT_WORKSPACE_H
#define EINC_RT_WORKSPACE_H

#include <stddef.h>

/* The alignment of the workspace rt_workspace_once allocates (bytes). */
#define RT_WORKSPACE_ALIGN 64

/*
 * The workspace of a generated kernel called with a NULL workspace: the
 * buffer "*slot" points to, allocated (at least "bytes", aligned to
 * RT_WORKSPACE_ALIGN) and stored there on the first call; later calls return
 * it. Safe to race: one allocation wins. NULL when memory runs out.
 */
void *rt_workspace_once(void **slot, size_t bytes);

#endif
