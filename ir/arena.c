/* arena.c - bump allocation in chained blocks, freed all at once. */
#include "arena.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_ALIGN = 16, ARENA_BLOCK = 64 * 1024 };

typedef struct block {
	struct block *next;
	size_t used, cap;
	_Alignas(ARENA_ALIGN) unsigned char data[];
} block;

struct arena {
	block *head;
};

/* A new empty arena. */
arena *arena_new(void)
{
	return calloc(1, sizeof(arena));
}

/* Frees every block of "a", then "a". */
void arena_free(arena *a)
{
	if (!a)
		return;
	for (block *b = a->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* Bumps "size" bytes out of the head block, chaining a new block (of at
 * least ARENA_BLOCK bytes) when the head is full. */
void *arena_alloc(arena *a, size_t size)
{
	if (size > SIZE_MAX / 2)
		return NULL;
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	block *b = a->head;
	if (!b || b->cap - b->used < size) {
		size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
		b = malloc(sizeof(block) + cap);
		if (!b)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

/* "n" elements of "size" bytes, with the product checked for overflow. */
void *arena_array(arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / 2 / size)
		return NULL;
	size_t bytes = n * size;
	return arena_alloc(a, bytes ? bytes : 1);
}

/* Doubles "*arr" into a fresh arena block when element "n" does not fit. */
int arena_grow(arena *a, void **arr, int *cap, int n, size_t size)
{
	if (n < *cap)
		return 0;
	if (*cap > INT_MAX / 2)
		return -1;
	int ncap = *cap ? *cap * 2 : 16;
	void *fresh = arena_array(a, (size_t)ncap, size);
	if (!fresh)
		return -1;
	if (n)
		memcpy(fresh, *arr, (size_t)n * size);
	*arr = fresh;
	*cap = ncap;
	return 0;
}

/* A NUL-terminated copy of "n" bytes of "s". */
char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (p)
		memcpy(p, s, n);
	return p;
}

/* A NUL-terminated copy of "s". */
char *arena_strdup(arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}
