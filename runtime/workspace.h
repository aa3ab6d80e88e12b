/*
 * workspace.h - the runtime's buffers (runtime/workspace.c; libc only): the
 * workspace and slow buffer of a generated kernel called without them,
 * and large aligned buffers that ask for huge pages.
 */
#ifndef EINC_RT_WORKSPACE_H
#define EINC_RT_WORKSPACE_H

#include <stddef.h>
#include <stdint.h>

/* The alignment of the buffers einc_rt_buffer_alloc allocates (bytes). */
#define RT_WORKSPACE_ALIGN 64

/* Buffers of at least this many bytes are aligned to it and ask the kernel
 * for transparent huge pages (this machine gives them on request only). */
#define RT_HUGE_PAGE (2u << 20)

/*
 * A buffer of "bytes" (free() it): aligned to RT_WORKSPACE_ALIGN, or for
 * RT_HUGE_PAGE bytes and more to RT_HUGE_PAGE and advised
 * MADV_HUGEPAGE. NULL when memory runs out.
 */
void *einc_rt_buffer_alloc(size_t bytes);

/* Buffers a kernel keeps for calls without their own: this many of each
 * kind, so that as many concurrent callers take one without allocating. */
#define RT_POOL_SLOTS 8

/* The pool of one kernel: RT_POOL_SLOTS cached workspaces, then as many
 * slow buffers; NULL slots are empty. Zero it before use (a static
 * zero-initialised array of 2 * RT_POOL_SLOTS pointers in generated code). */
typedef void *einc_rt_pool_slots[2 * RT_POOL_SLOTS];

/*
 * The buffers of one kernel call. "bufs" holds 4 pointers: [0] the
 * workspace and [1] the slow buffer the caller gave, NULL for none; on
 * return [0] and [1] are the buffers to use (a NULL one of nonzero size,
 * "ws_bytes" or "slow_bytes", is taken from "pool", or allocated when the
 * pool is empty) and [2], [3] what was taken (NULL otherwise), which
 * einc_rt_buffers_give returns. Safe for concurrent callers: a taken buffer
 * belongs to one call. Returns 0, or 1 when memory runs out (then nothing
 * is taken).
 */
int einc_rt_buffers_take(void **pool, uint64_t ws_bytes, uint64_t slow_bytes, void **bufs);

/* Returns the buffers einc_rt_buffers_take took ("bufs" [2] and [3]) to "pool";
 * those it has no empty slot for are freed. */
void einc_rt_buffers_give(void **pool, void **bufs);

/* Frees the buffers cached in "pool" (a JIT kernel's, when it is freed);
 * no call may be using it. */
void einc_rt_buffers_free(void **pool);

#endif
