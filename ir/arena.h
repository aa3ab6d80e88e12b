/*
 * arena.h - a per-compilation arena (QBE's pool): every allocation lives
 * until arena_free releases them all at once.
 */
#ifndef EINC_ARENA_H
#define EINC_ARENA_H

#include <stddef.h>

typedef struct arena arena;

/* A new empty arena, or NULL when memory runs out. give. */
arena *arena_new(void);

/* Frees "a" and everything allocated from it (NULL allowed). take. */
void arena_free(arena *a);

/* "size" zeroed bytes aligned to 16, or NULL when memory runs out or the
 * size overflows. keep: owned by "a". */
void *arena_alloc(arena *a, size_t size);

/* An array of "n" zeroed elements of "size" bytes, NULL on overflow or OOM. */
void *arena_array(arena *a, size_t n, size_t size);

/* Makes room for element "n" of the array "*arr" of capacity "*cap" in
 * "a": when full, copies its "n" elements of "size" bytes into a block twice
 * as large and updates "*arr" and "*cap". Returns 0, or -1 when out of
 * memory or the capacity would overflow. */
int arena_grow(arena *a, void **arr, int *cap, int n, size_t size);

/* A copy of the "n" bytes at "s" plus a terminating NUL. */
char *arena_strndup(arena *a, const char *s, size_t n);

/* A NUL-terminated copy of "s". */
char *arena_strdup(arena *a, const char *s);

#endif
