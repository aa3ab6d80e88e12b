/*
 * spill.h - the copies of a kernel that spills (runtime/spill.c; libc
 * only): results moved between the workspace and the caller's slow buffer,
 * and the count of the bytes moved.
 */
#ifndef EINC_RT_SPILL_H
#define EINC_RT_SPILL_H

#include <stdint.h>

/* Copies "bytes" from "src" to "dst" (not overlapping) and, when "moved"
 * is not NULL, adds "bytes" to "*moved". */
void einc_rt_spill_copy(void *dst, const void *src, int64_t bytes, int64_t *moved);

#endif
