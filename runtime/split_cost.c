/* SPDX-License-Identifier: MIT */
/*
 * split_cost.c - the cost model behind einc_rt_parallel_for's choice to
 * split a loop or to run it on the caller alone (split_cost.h). Task times
 * live in a direct-mapped table of loops; both costs are running averages
 * that weigh the newest measurement by 1 / SPLIT_WEIGHT, so a machine that
 * becomes busy (or idle) moves the decision within a few loops. Races
 * between threads that learn at once lose a measurement, never corrupt one:
 * every field is one atomic word.
 */
#include <stdatomic.h>

#include "split_cost.h"

/* Loops remembered: a key's slot is its hash modulo this. */
#define SPLIT_SLOTS 256

/* A split must save this many hand-offs to be worth it. */
#define SPLIT_PAYBACK 2

/* Every this-many loops judged not to pay split anyway. */
#define SPLIT_REPROBE 64

/* A new measurement weighs 1 / SPLIT_WEIGHT of the running average. */
#define SPLIT_WEIGHT 4

/* A loop's slot: its key, and a task's time in ns (0: not measured). */
typedef struct {
	_Atomic uintptr_t key;
	_Atomic int64_t task_ns;
} split_slot;

static split_slot slots[SPLIT_SLOTS];
static _Atomic int64_t handoff_ns; /* 0: not measured */
static _Atomic unsigned skipped;

uintptr_t einc_rt_split_key(einc_rt_task_fn fn, const void *site)
{
	return (uintptr_t)fn ^ (uintptr_t)site * 0x9e3779b97f4a7c15u;
}

/* The slot of "key" (Fibonacci hashing over the pointer's bits). */
static split_slot *slot_of(uintptr_t key)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15u;
	return &slots[h >> 56 & (SPLIT_SLOTS - 1)];
}

/* "old" moved towards "x" by 1 / SPLIT_WEIGHT; "x" when "old" is 0. */
static int64_t average(int64_t old, int64_t x)
{
	return old ? old + (x - old) / SPLIT_WEIGHT : x;
}

int einc_rt_split_helpers(uintptr_t key, int64_t ntasks, int helpers)
{
	split_slot *s = slot_of(key);
	int64_t cost = atomic_load_explicit(&handoff_ns, memory_order_relaxed);
	if (!cost || atomic_load_explicit(&s->key, memory_order_relaxed) != key)
		return helpers;
	int64_t task = atomic_load_explicit(&s->task_ns, memory_order_relaxed);
	if (!task)
		return helpers;
	/* the loop alone takes task * ntasks; compare its saving without
	 * overflow: the saving pays once it reaches the cost */
	int64_t need = SPLIT_PAYBACK * cost * (helpers + 1) / helpers;
	if (task >= need || ntasks >= (need + task - 1) / task)
		return helpers;
	if (atomic_fetch_add_explicit(&skipped, 1, memory_order_relaxed) % SPLIT_REPROBE ==
	    SPLIT_REPROBE - 1)
		return helpers;
	return 0;
}

void einc_rt_split_learn_task(uintptr_t key, int64_t ns, int64_t tasks)
{
	if (tasks <= 0)
		return;
	int64_t per = ns / tasks > 0 ? ns / tasks : 1;
	split_slot *s = slot_of(key);
	if (atomic_exchange_explicit(&s->key, key, memory_order_relaxed) != key) {
		atomic_store_explicit(&s->task_ns, per, memory_order_relaxed);
		return;
	}
	int64_t old = atomic_load_explicit(&s->task_ns, memory_order_relaxed);
	atomic_store_explicit(&s->task_ns, average(old, per), memory_order_relaxed);
}

void einc_rt_split_learn_handoff(int64_t ns)
{
	int64_t old = atomic_load_explicit(&handoff_ns, memory_order_relaxed);
	atomic_store_explicit(&handoff_ns, average(old, ns > 0 ? ns : 1), memory_order_relaxed);
}
