/* spill.c - a spill or reload: one copy, counted. */
#include "spill.h"

#include <string.h>

void einc_rt_spill_copy(void *dst, const void *src, int64_t bytes, int64_t *moved)
{
	memcpy(dst, src, (size_t)bytes);
	if (moved)
		*moved += bytes;
}
