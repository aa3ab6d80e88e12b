/* SPDX-License-Identifier: MIT */
/*
 * pool.h - the runtime's thread pool (runtime/pool.c; libc + pthreads): one
 * process-wide set of workers that run the tasks of one parallel loop at a
 * time beside the calling thread.
 */
#ifndef EINC_RT_POOL_H
#define EINC_RT_POOL_H

#include <stddef.h>
#include <stdint.h>

/* Runs task "task" of a parallel loop with "arg", using "scratch" (the
 * running thread's own buffer of the requested size). */
typedef void (*einc_rt_task_fn)(void *arg, int64_t task, void *scratch);

/*
 * The number of threads a loop uses when asked for 0: EINC_NUM_THREADS when
 * it is a positive number, else OMP_NUM_THREADS's, else the CPUs the
 * process may use (its affinity, capped by its cgroup's CPU quota; read
 * once per process, cpus.h).
 */
int einc_rt_default_threads(void);

/*
 * Runs "fn" on tasks 0 .. ntasks-1, each once, on up to "threads" threads
 * (0: einc_rt_default_threads()) counting the caller, which uses "scratch0";
 * every worker uses a buffer of "scratch_bytes" of its own, allocated the
 * first time it needs one and kept. Each thread starts on its own
 * contiguous share of the tasks, the same on every call with the same
 * counts, and then takes what is left of the others': which thread runs a
 * task varies, so a task must write only what no other task touches. When
 * the pool is busy with another caller's loop, or cannot start its
 * workers, the caller runs the tasks alone. Returns when every task has
 * run.
 */
void einc_rt_parallel_for(int threads, int64_t ntasks, einc_rt_task_fn fn, void *arg,
                          void *scratch0, size_t scratch_bytes);

/*
 * einc_rt_parallel_for for loops whose cost the task function alone does
 * not tell: "site" (for instance the step's descriptor) tells apart loops
 * of the same "fn" for split_cost.h's model, which decides whether the
 * loop runs on more threads than the caller at all.
 */
void einc_rt_parallel_for_at(const void *site, int threads, int64_t ntasks,
                             einc_rt_task_fn fn, void *arg, void *scratch0,
                             size_t scratch_bytes);

/* Tells the CPU that the thread spins on a memory word (x86's pause), so
 * that it spins slower and yields to its SMT sibling. */
static inline void einc_rt_spin_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

#endif
