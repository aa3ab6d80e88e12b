/*
 * labels.h - a map from label code points to ints (counts, index ids), an
 * open-addressing hash table in the compilation arena, so that specs with
 * thousands of distinct labels stay linear.
 */
#ifndef EINC_FE_LABELS_H
#define EINC_FE_LABELS_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef struct {
	size_t mask;    /* capacity - 1, capacity a power of two */
	uint32_t *key;  /* FE_NO_LABEL marks an empty slot */
	int *val;
} fe_labelmap;

#define FE_NO_LABEL UINT32_MAX

/* Makes "m" an empty map with room for "n" labels, in "a". Returns 0, or -1
 * when memory runs out. */
int fe_labelmap_init(fe_labelmap *m, arena *a, size_t n);

/* The value slot of "cp" in "m", inserted with value "init" if absent. The
 * map must have room (at most "n" distinct labels, as given to init). */
int *fe_labelmap_slot(fe_labelmap *m, uint32_t cp, int init);

/* The value of "cp" in "m", or "missing" when absent. */
int fe_labelmap_get(const fe_labelmap *m, uint32_t cp, int missing);

#endif
