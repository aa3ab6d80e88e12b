/*
 * test_pool.c - the thread pool when a worker cannot run: a caller that has
 * claimed every task of its loop must not wait for a worker that never
 * joined it (on a busy machine, one preempted by other work). The worker
 * is held in a signal handler, the caller's loop must end while it is.
 * And the cost model (split_cost.h): a loop splits only where the time it
 * saves pays for the hand-off, measured.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "pool.h"
#include "split_cost.h"

static sem_t gate;              /* the held worker waits on it */
static sem_t loop_done;         /* posted when the loop under test has ended */
static atomic_int released;     /* set when the watchdog opens the gate */
static pthread_t caller, helper; /* the test's thread; the worker seen in a task */
static atomic_int helper_seen, sum;

/* SIGUSR1: holds the worker until the gate opens. */
static void hold(int sig)
{
	(void)sig;
	while (sem_wait(&gate) != 0)
		;
}

/* A task that records the worker that runs it and adds its number. */
static void task(void *arg, int64_t t, void *scratch)
{
	(void)arg;
	(void)scratch;
	if (!pthread_equal(pthread_self(), caller) && !atomic_exchange(&helper_seen, 1))
		helper = pthread_self();
	atomic_fetch_add(&sum, (int)t + 1);
}

/* Opens the gate when the loop has ended, or after 5 s if it has not (a
 * pool that waits for the held worker would wait for ever). */
static void *watchdog(void *arg)
{
	(void)arg;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	while (sem_timedwait(&loop_done, &until) != 0 && errno == EINTR)
		;
	atomic_store(&released, 1);
	sem_post(&gate);
	return NULL;
}

/* Finds a worker, holds it, runs a loop on 2 threads: it ends (every task
 * run once) before the worker is released. */
static void test_held_worker(void **state)
{
	(void)state;
	caller = pthread_self();
	assert_int_equal(sem_init(&gate, 0, 0), 0);
	assert_int_equal(sem_init(&loop_done, 0, 0), 0);
	struct sigaction sa = {.sa_handler = hold};
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
	/* Loops of many tasks until the worker has run one. */
	for (int round = 0; round < 100000 && !atomic_load(&helper_seen); round++)
		einc_rt_parallel_for(2, 64, task, NULL, NULL, 0);
	assert_true(atomic_load(&helper_seen));
	assert_int_equal(pthread_kill(helper, SIGUSR1), 0);
	pthread_t w;
	assert_int_equal(pthread_create(&w, NULL, watchdog, NULL), 0);
	atomic_store(&sum, 0);
	static const char fresh; /* a loop the cost model has not seen splits */
	einc_rt_parallel_for_at(&fresh, 2, 8, task, NULL, NULL, 0);
	int early = !atomic_load(&released);
	sem_post(&loop_done);
	assert_int_equal(atomic_load(&sum), 8 * 9 / 2);
	pthread_join(w, NULL);
	assert_true(early);
	/* Released, the worker takes part again. */
	atomic_store(&sum, 0);
	einc_rt_parallel_for(2, 1000, task, NULL, NULL, 0);
	assert_int_equal(atomic_load(&sum), 1000 * 1001 / 2);
	sem_destroy(&gate);
	sem_destroy(&loop_done);
}

/* The model's verdicts on known costs: a loop splits when the time its
 * helpers save reaches twice the hand-off, else not, except once in a
 * while to measure the hand-off again. */
static void test_split_verdicts(void **state)
{
	(void)state;
	static const char site;
	uintptr_t key = einc_rt_split_key(task, &site);
	assert_int_equal(einc_rt_split_helpers(key, 4, 3), 3); /* unknown: split */
	for (int x = 0; x < 200; x++)
		einc_rt_split_learn_handoff(10000);
	einc_rt_split_learn_task(key, 100, 1); /* 100 ns a task */
	/* 1 helper saves half the loop: it pays from 400 tasks on (give or
	 * take the average's rounding) */
	assert_int_equal(einc_rt_split_helpers(key, 420, 1), 1);
	assert_int_equal(einc_rt_split_helpers(key, 1000000, 1), 1);
	/* 3 helpers save 3/4 of it: from 267 tasks on */
	assert_int_equal(einc_rt_split_helpers(key, 280, 3), 3);
	int split = 0;
	for (int x = 0; x < 640; x++)
		split += einc_rt_split_helpers(key, 380, 1);
	assert_int_equal(split, 10); /* the re-measuring loops */
	/* another loop of the same function is another key */
	static const char other;
	assert_int_equal(einc_rt_split_helpers(einc_rt_split_key(task, &other), 1, 1), 1);
}

/* A task that does nothing but note whether a worker ran it. */
static void tiny_task(void *arg, int64_t t, void *scratch)
{
	(void)t;
	(void)scratch;
	if (!pthread_equal(pthread_self(), caller))
		atomic_store((atomic_int *)arg, 1);
}

/* Loops of a few empty tasks, whatever the hand-off costs on this machine,
 * end up on the caller alone but for the re-measuring ones. */
static void test_tiny_loops_alone(void **state)
{
	(void)state;
	caller = pthread_self();
	int on_worker = 0;
	for (int x = 0; x < 640; x++) {
		atomic_int seen = 0;
		einc_rt_parallel_for(2, 4, tiny_task, &seen, NULL, 0);
		on_worker += atomic_load(&seen);
	}
	assert_in_range(on_worker, 0, 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_held_worker),
		cmocka_unit_test(test_split_verdicts),
		cmocka_unit_test(test_tiny_loops_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
