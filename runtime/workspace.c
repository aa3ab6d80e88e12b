/* SPDX-License-Identifier: MIT */
/* workspace.c - aligned buffers (huge pages for large ones), and the buffer
 * a generated kernel uses when its caller passes no workspace: allocated on
 * the first call, kept for the process. */
#define _DEFAULT_SOURCE
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "workspace.h"

/* Rounds "bytes" up to the alignment it gets, then asks for huge pages. */
void *rt_buffer_alloc(size_t bytes)
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

/* An acquire load finds a published buffer; otherwise allocate one and
 * publish it with a compare-and-swap, freeing ours if another thread won. */
void *rt_workspace_once(void **slot, size_t bytes)
{
	_Atomic(void *) *s = (_Atomic(void *) *)slot;
	void *p = atomic_load_explicit(s, memory_order_acquire);
	if (p)
		return p;
	void *fresh = rt_buffer_alloc(bytes);
	if (!fresh)
		return NULL;
	void *expected = NULL;
	if (atomic_compare_exchange_strong_explicit(s, &expected, fresh, memory_order_acq_rel,
	                                            memory_order_acquire))
		return fresh;
	free(fresh);
	return expected;
}
