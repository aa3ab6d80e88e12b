/*
 * test_cpus.c - the runtime's default thread count: cgroup quota texts,
 * the environment's counts, and a process pinned to one CPU, which must
 * default to one thread.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "cpus.h"
#include "pool.h"

/* cgroup v2 cpu.max and v1 quota / period texts, rounded up. */
static void test_quota(void **state)
{
	(void)state;
	assert_int_equal(einc_rt_cpu_quota("max 100000\n"), 0);
	assert_int_equal(einc_rt_cpu_quota("100000 100000\n"), 1);
	assert_int_equal(einc_rt_cpu_quota("150000 100000\n"), 2);
	assert_int_equal(einc_rt_cpu_quota("50000 100000"), 1);
	assert_int_equal(einc_rt_cpu_quota("-1 100000"), 0);
	assert_int_equal(einc_rt_cpu_quota("400000 100000"), 4);
	assert_int_equal(einc_rt_cpu_quota(""), 0);
	assert_int_equal(einc_rt_cpu_quota("100000 0"), 0);
}

/* EINC_NUM_THREADS, then OMP_NUM_THREADS's first entry, then the CPUs. */
static void test_environment(void **state)
{
	(void)state;
	assert_int_equal(einc_rt_threads_from(NULL, NULL, 6, 256), 6);
	assert_int_equal(einc_rt_threads_from("3", "5", 6, 256), 3);
	assert_int_equal(einc_rt_threads_from(NULL, "5", 6, 256), 5);
	assert_int_equal(einc_rt_threads_from(NULL, "4,2", 6, 256), 4);
	assert_int_equal(einc_rt_threads_from("0", "2", 6, 256), 2);
	assert_int_equal(einc_rt_threads_from("x", "-1", 6, 256), 6);
	assert_int_equal(einc_rt_threads_from("3x", " 2", 6, 256), 6);
	assert_int_equal(einc_rt_threads_from("1000", NULL, 6, 256), 256);
}

/* Pinned to one CPU, with no count in the environment: one thread. */
static void test_affinity(void **state)
{
	(void)state;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
	assert_int_equal(sched_setaffinity(0, sizeof one, &one), 0);
	unsetenv("EINC_NUM_THREADS");
	unsetenv("OMP_NUM_THREADS");
	assert_int_equal(einc_rt_usable_cpus(), 1);
	assert_int_equal(einc_rt_default_threads(), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quota),
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_affinity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
