/*
 * cpus.h - how many threads the runtime's loops use by default
 * (runtime/cpus.c; libc only): the CPUs the process may run on, capped by
 * its cgroup's CPU quota, unless the environment names a count.
 */
#ifndef EINC_RT_CPUS_H
#define EINC_RT_CPUS_H

/*
 * The CPUs the calling process may use: those of its affinity mask
 * (sched_getaffinity; the online CPUs if that fails), capped by the CPU
 * quota of its cgroup (v2 cpu.max, v1 cpu.cfs_quota_us over
 * cpu.cfs_period_us, rounded up). At least 1.
 */
int einc_rt_usable_cpus(void);

/*
 * The CPUs a cgroup quota text allows: "QUOTA PERIOD" (cgroup v2 cpu.max,
 * or v1's two files' numbers joined by a space) gives QUOTA / PERIOD
 * rounded up, at least 1; "max ...", a negative quota (v1's -1) or text
 * that is not two numbers give 0, no limit.
 */
int einc_rt_cpu_quota(const char *text);

/*
 * The default thread count: "einc_env" (EINC_NUM_THREADS) when it is a
 * positive integer, else the first entry of "omp_env" (OMP_NUM_THREADS,
 * "4" or "4,2") when that is one, else "cpus"; at most "max". NULL
 * environment values are unset.
 */
int einc_rt_threads_from(const char *einc_env, const char *omp_env, int cpus, int max);

#endif
