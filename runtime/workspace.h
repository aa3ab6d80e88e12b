/* SPDX-License-Identifier: MIT */
/*
 * workspace.h - the runtime's buffers (runtime/workspace.c; libc only): the
 * workspace of a generated kernel called with none, and large aligned
 * buffers that ask for huge pages.
 */
#ifndef EINC_RT_WORKSPACE_H
#define EINC_RT_WORKSPACE_H

#include <stddef.h>

/* The alignment of the workspace rt_workspace_once allocates (bytes). */
#define RT_WORKSPACE_ALIGN 64

/* Buffers of at least this many bytes are aligned to it and ask the kernel
 * for transparent huge pages (this machine gives them on request only). */
#define RT_HUGE_PAGE (2u << 20)

/*
 * A buffer of "bytes" (free() it): aligned to RT_WORKSPACE_ALIGN, or for
 * RT_HUGE_PAGE bytes and more to RT_HUGE_PAGE and advised
 * MADV_HUGEPAGE. NULL when memory runs out.
 */
void *rt_buffer_alloc(size_t bytes);

/*
 * The workspace of a generated kernel called with a NULL workspace: the
 * buffer "*slot" points to, allocated by rt_buffer_alloc (at least "bytes")
 * and stored there on the first call; later calls return it. Safe to race:
 * one allocation wins. NULL when memory runs out.
 */
void *rt_workspace_once(void **slot, size_t bytes);

#endif
