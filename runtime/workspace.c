/* workspace.c - the buffer a generated kernel uses when its caller passes
 * no workspace: allocated on the first call, kept for the process. */
#include <stdatomic.h>
#include <stdlib.h>

#include "workspace.h"

/* An acquire load finds a published buffer; otherwise allocate one and
 * publish it with a compare-and-swap, freeing ours if another thread won. */
void *rt_workspace_once(void **slot, size_t bytes)
{
	_Atomic(void *) *s = (_Atomic(void *) *)slot;
	void *p = atomic_load_explicit(s, memory_order_acquire);
	if (p)
		return p;
	size_t size = (bytes + RT_WORKSPACE_ALIGN - 1) / RT_WORKSPACE_ALIGN * RT_WORKSPACE_ALIGN;
	void *fresh = aligned_alloc(RT_WORKSPACE_ALIGN, size ? size : RT_WORKSPACE_ALIGN);
	if (!fresh)
		return NULL;
	void *expected = NULL;
	if (atomic_compare_exchange_strong_explicit(s, &expected, fresh, memory_order_acq_rel,
	                                            memory_order_acquire))
		return fresh;
	free(fresh);
	return expected;
}
