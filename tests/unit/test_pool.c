/*
 * test_pool.c - the thread pool when a worker cannot run: a caller that has
 * claimed every task of its loop must not wait for a worker that never
 * joined it (on a busy machine, one preempted by other work). The worker
 * is held in a signal handler, the caller's loop must end while it is.
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
	einc_rt_parallel_for(2, 8, task, NULL, NULL, 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_held_worker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
