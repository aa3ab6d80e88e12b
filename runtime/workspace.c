/* workspace.c - aligned buffers (huge pages for large ones), and the pool
 * of buffers a generated kernel uses when its caller passes none: a few
 * slots that a call empties with an atomic exchange and refills with a
 * compare-and-swap, so that concurrent calls never share a buffer and a
 * lone caller reuses one buffer without allocating. */
#define _DEFAULT_SOURCE
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "workspace.h"

/* Rounds "bytes" up to the alignment it gets, then asks for huge pages. */
void *einc_rt_buffer_alloc(size_t bytes)
{
	size_t align = bytes >= RT_HUGE_PAGE ? RT_HUGE_PAGE : RT_WORKSPACE_ALIGN;
	if (bytes > (size_t)-1 - align)
		return NULL;
	size_t size = bytes ? (bytes + align - 1) / align * align : align;
	void *p = aligned_alloc(align, size);
#ifdef MADV_HUGEPAGE
	if (p && align == RT_HUGE_PAGE)
		madvise(p, size, MADV_HUGEPAGE); /* advice only: failure changes nothing */
#endif
	return p;
}

/* A cached buffer of "slots" (RT_POOL_SLOTS of them): the first full slot
 * that it empties; a new buffer of "bytes" when none is left. */
static void *pool_take(void **slots, uint64_t bytes)
{
	for (int i = 0; i < RT_POOL_SLOTS; i++) {
		_Atomic(void *) *s = (_Atomic(void *) *)&slots[i];
		void *p;
		if (atomic_load_explicit(s, memory_order_relaxed) &&
		    (p = atomic_exchange_explicit(s, NULL, memory_order_acquire)))
			return p;
	}
	return bytes > SIZE_MAX ? NULL : einc_rt_buffer_alloc((size_t)bytes);
}

/* Puts "buf" (may be NULL) into an empty slot of "slots", or frees it. */
static void pool_give(void **slots, void *buf)
{
	for (int i = 0; buf && i < RT_POOL_SLOTS; i++) {
		_Atomic(void *) *s = (_Atomic(void *) *)&slots[i];
		void *empty = NULL;
		if (!atomic_load_explicit(s, memory_order_relaxed) &&
		    atomic_compare_exchange_strong_explicit(s, &empty, buf, memory_order_release,
		                                            memory_order_relaxed))
			return;
	}
	free(buf);
}

int einc_rt_buffers_take(void **pool, uint64_t ws_bytes, uint64_t slow_bytes, void **bufs)
{
	bufs[2] = !bufs[0] && ws_bytes ? pool_take(pool, ws_bytes) : NULL;
	bufs[3] = !bufs[1] && slow_bytes ? pool_take(pool + RT_POOL_SLOTS, slow_bytes) : NULL;
	if ((!bufs[0] && ws_bytes && !bufs[2]) || (!bufs[1] && slow_bytes && !bufs[3])) {
		einc_rt_buffers_give(pool, bufs);
		return 1;
	}
	bufs[0] = bufs[0] ? bufs[0] : bufs[2];
	bufs[1] = bufs[1] ? bufs[1] : bufs[3];
	return 0;
}

void einc_rt_buffers_give(void **pool, void **bufs)
{
	pool_give(pool, bufs[2]);
	pool_give(pool + RT_POOL_SLOTS, bufs[3]);
}

void einc_rt_buffers_free(void **pool)
{
	for (int i = 0; i < 2 * RT_POOL_SLOTS; i++) {
		free(pool[i]);
		pool[i] = NULL;
	}
}
