/* SPDX-License-Identifier: MIT */
/*
 * split_cost.h - whether a parallel loop pays for splitting over threads
 * (runtime/split_cost.c; libc only). Both sides of the bargain are
 * measured as loops run: what a task of each loop costs on one thread, and
 * what a split costs its caller (waking the workers, then waiting for the
 * last of them, which on a busy machine may have been preempted inside a
 * task). What is learnt is shared by every thread of the process; it
 * decides who runs a loop's tasks, never what they compute.
 */
#ifndef EINC_RT_SPLIT_COST_H
#define EINC_RT_SPLIT_COST_H

#include <stdint.h>

#include "pool.h"

/* A loop's key: its task function, and "site" where the same function
 * serves loops of different sizes (NULL otherwise). */
uintptr_t einc_rt_split_key(einc_rt_task_fn fn, const void *site);

/*
 * How many of "helpers" helper threads loop "key" of "ntasks" tasks should
 * use: all of them while either cost is unknown or when the time they save
 * (the loop's time alone times helpers / (helpers + 1)) pays
 * SPLIT_PAYBACK hand-offs, else none, except every SPLIT_REPROBE-th such
 * loop, which splits so that the hand-off is measured again (the machine
 * may have become idle).
 */
int einc_rt_split_helpers(uintptr_t key, int64_t ntasks, int helpers);

/* Records that "tasks" tasks of loop "key" took "ns" nanoseconds on one
 * thread. */
void einc_rt_split_learn_task(uintptr_t key, int64_t ns, int64_t tasks);

/* Records that a split cost its caller "ns" nanoseconds. */
void einc_rt_split_learn_handoff(int64_t ns);

#endif
