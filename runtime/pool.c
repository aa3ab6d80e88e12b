/* SPDX-License-Identifier: MIT */
/*
 * pool.c - the thread pool behind einc_rt_parallel_for: workers started on
 * demand (never more than a loop asks for), woken by a generation counter;
 * the caller works too. Each thread claims the tasks of its own contiguous
 * share of the loop first (the same share on every call), then what is left
 * of the others', so a thread finds in its own caches what it touched in
 * the loop before, and none waits while tasks remain. Between loops a
 * worker spins on the loop word for POOL_SPIN_NS before it sleeps, and the
 * caller spins as long for the workers to finish, so steps that run loop
 * after loop do not pay a sleep and a wake-up for each. A worker joins a
 * loop (the entry word) before it touches it; once the caller has claimed
 * every task it closes the loop and waits only for the workers that
 * joined, so a worker that wakes late (preempted by other work on a busy
 * machine) costs the loop nothing. Whether a loop is split at all is
 * split_cost.c's call, from the task times and hand-off costs measured
 * here.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cpus.h"
#include "pool.h"
#include "split_cost.h"
#include "workspace.h"

/* Workers beyond this many are not started. */
#define POOL_MAX_WORKERS 255

/* How long a waiting thread spins before it sleeps (ns). */
#define POOL_SPIN_NS 200000

/* The loop word: the loop's number above the bits that hold how many
 * workers take part in it. */
#define POOL_JOIN_BITS 16

/* The entry word: the loop's number above a bit set when the caller has
 * claimed every task (no worker may join then), above the count of workers
 * that joined. */
#define POOL_CLOSED (1ull << POOL_JOIN_BITS)
#define POOL_ENTRY(number) ((number) << (POOL_JOIN_BITS + 1))

typedef struct {
	void *scratch;
	size_t scratch_bytes;
	uint64_t loop; /* the last loop word it saw, set before it starts */
} worker;

/* A thread's share of a loop's tasks: the next unclaimed one, and the end
 * (a line of its own, as every thread claims from it). */
typedef struct {
	_Alignas(64) _Atomic int64_t next;
	int64_t end;
} share;

static struct {
	pthread_mutex_t busy;     /* held by the caller whose loop runs */
	pthread_mutex_t lock;     /* taken to sleep on, or to wake, "wake" and "done" */
	pthread_cond_t wake, done;
	int nworkers;             /* started */
	worker workers[POOL_MAX_WORKERS];
	_Atomic uint64_t loop;    /* the current loop word, bumped for each loop */
	_Atomic uint64_t entry;   /* the entry word: loop number, closed, joined workers */
	_Atomic int finished;     /* joined workers done with the current loop */
	_Atomic int spinning;     /* waiting threads spin: no more threads than cores */
	einc_rt_task_fn fn;            /* the loop, set before "loop" is bumped */
	void *arg;
	size_t scratch_bytes;
	int nshares;              /* threads in the loop: the caller's share, then workers' */
	share shares[POOL_MAX_WORKERS + 1];
} pool = {
	.busy = PTHREAD_MUTEX_INITIALIZER,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

static pthread_once_t threads_once = PTHREAD_ONCE_INIT;
static int default_threads, usable_cpus;

/* Reads the CPUs the process may use, and the default thread count
 * (cpus.h: EINC_NUM_THREADS, OMP_NUM_THREADS, else those CPUs). */
static void threads_init(void)
{
	usable_cpus = einc_rt_usable_cpus();
	default_threads = einc_rt_threads_from(getenv("EINC_NUM_THREADS"), getenv("OMP_NUM_THREADS"),
	                                  usable_cpus, POOL_MAX_WORKERS + 1);
}

int einc_rt_default_threads(void)
{
	pthread_once(&threads_once, threads_init);
	return default_threads;
}

/* Runs the tasks of the current loop that thread "self" claims: those of
 * its own share first, in order, then what is left of the others'; how
 * many it ran. */
static int64_t run_tasks(int self, void *scratch)
{
	int64_t ran = 0;
	for (int x = 0; x < pool.nshares; x++) {
		share *sh = &pool.shares[(self + x) % pool.nshares];
		int64_t t;
		while ((t = atomic_fetch_add_explicit(&sh->next, 1, memory_order_relaxed)) < sh->end) {
			pool.fn(pool.arg, t, scratch);
			ran++;
		}
	}
	return ran;
}

/* Grows the scratch of "w" to "bytes"; 0, or -1 when memory runs out. */
static int worker_scratch(worker *w, size_t bytes)
{
	if (w->scratch_bytes >= bytes)
		return 0;
	void *p = einc_rt_buffer_alloc(bytes);
	if (!p)
		return -1;
	free(w->scratch);
	w->scratch = p;
	w->scratch_bytes = bytes;
	return 0;
}

/* Monotonic nanoseconds. */
static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Whether the loop word has moved on from "seen". */
static int loop_moved(uint64_t seen)
{
	return atomic_load_explicit(&pool.loop, memory_order_acquire) != seen;
}

/* Whether "joining" (joined) workers have finished the current loop. */
static int all_finished(uint64_t joining)
{
	return (uint64_t)atomic_load(&pool.finished) >= joining; /* seq_cst: see worker_main */
}

/* Spins until "ready(x)" holds, for POOL_SPIN_NS at most (not at all when
 * the threads outnumber the cores); whether it did. */
static int spin(int (*ready)(uint64_t), uint64_t x)
{
	if (!atomic_load_explicit(&pool.spinning, memory_order_relaxed))
		return ready(x);
	int64_t until = now_ns() + POOL_SPIN_NS;
	for (unsigned i = 1;; i++) {
		if (ready(x))
			return 1;
		einc_rt_spin_pause();
		if (i % 256 == 0 && now_ns() > until)
			return 0;
	}
}

/* Waits, spinning then asleep on "cond", until "ready(x)" holds. */
static void await(int (*ready)(uint64_t), uint64_t x, pthread_cond_t *cond)
{
	if (spin(ready, x))
		return;
	pthread_mutex_lock(&pool.lock);
	while (!ready(x))
		pthread_cond_wait(cond, &pool.lock);
	pthread_mutex_unlock(&pool.lock);
}

/* Wakes the threads asleep on "cond" (none missed: sleepers test under
 * the lock). */
static void wake_all(pthread_cond_t *cond)
{
	pthread_mutex_lock(&pool.lock);
	pthread_cond_broadcast(cond);
	pthread_mutex_unlock(&pool.lock);
}

/* Joins loop "number" unless the caller has closed it (or moved on):
 * whether the worker may run its tasks. */
static int join_loop(uint64_t number)
{
	uint64_t e = atomic_load_explicit(&pool.entry, memory_order_acquire);
	while (e >> (POOL_JOIN_BITS + 1) == (number & (UINT64_MAX >> (POOL_JOIN_BITS + 1))) &&
	       !(e & POOL_CLOSED))
		if (atomic_compare_exchange_weak_explicit(&pool.entry, &e, e + 1,
		                                          memory_order_acq_rel, memory_order_acquire))
			return 1;
	return 0;
}

/*
 * A worker: waits for a loop it may take part in, joins it unless the
 * caller has already claimed every task (a worker that wakes late, say
 * preempted by other work on its CPU, is not waited for), runs tasks,
 * reports; the last of the joined wakes the caller once it has closed the
 * loop.
 */
static void *worker_main(void *p)
{
	int id = (int)(intptr_t)p;
	worker *w = &pool.workers[id];
	for (;;) {
		await(loop_moved, w->loop, &pool.wake);
		w->loop = atomic_load_explicit(&pool.loop, memory_order_acquire);
		int joining = (int)(w->loop & ((1u << POOL_JOIN_BITS) - 1));
		if (id >= joining || !join_loop(w->loop >> POOL_JOIN_BITS))
			continue;
		if (!worker_scratch(w, pool.scratch_bytes))
			run_tasks(id + 1, w->scratch);
		int done = atomic_fetch_add(&pool.finished, 1) + 1;
		uint64_t e = atomic_load(&pool.entry);
		if ((e & POOL_CLOSED) && (uint64_t)done == (e & (POOL_CLOSED - 1)))
			wake_all(&pool.done);
	}
	return NULL;
}

/* Starts workers until "n" run or one fails to start; the number running. */
static int start_workers(int n)
{
	if (n > POOL_MAX_WORKERS)
		n = POOL_MAX_WORKERS;
	pthread_attr_t attr;
	if (pthread_attr_init(&attr))
		return pool.nworkers;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (pool.nworkers < n) {
		pthread_t t;
		pool.workers[pool.nworkers].loop =
		    atomic_load_explicit(&pool.loop, memory_order_relaxed);
		if (pthread_create(&t, &attr, worker_main, (void *)(intptr_t)pool.nworkers))
			break;
		pool.nworkers++;
	}
	pthread_attr_destroy(&attr);
	return pool.nworkers;
}

void einc_rt_parallel_for(int threads, int64_t ntasks, einc_rt_task_fn fn, void *arg,
                          void *scratch0, size_t scratch_bytes)
{
	einc_rt_parallel_for_at(NULL, threads, ntasks, fn, arg, scratch0, scratch_bytes);
}

/* Runs loop "key"'s tasks on the caller alone, and learns what one took. */
static void run_alone(uintptr_t key, int64_t ntasks, einc_rt_task_fn fn, void *arg,
                      void *scratch0)
{
	int64_t start = now_ns();
	for (int64_t t = 0; t < ntasks; t++)
		fn(arg, t, scratch0);
	einc_rt_split_learn_task(key, now_ns() - start, ntasks);
}

void einc_rt_parallel_for_at(const void *site, int threads, int64_t ntasks,
                             einc_rt_task_fn fn, void *arg, void *scratch0,
                             size_t scratch_bytes)
{
	int all = einc_rt_default_threads(); /* also reads usable_cpus, once */
	if (threads <= 0)
		threads = all;
	int helpers = threads - 1;
	if ((int64_t)helpers > ntasks - 1)
		helpers = ntasks > 1 ? (int)(ntasks - 1) : 0;
	if (helpers <= 0) {
		for (int64_t t = 0; t < ntasks; t++)
			fn(arg, t, scratch0);
		return;
	}
	uintptr_t key = einc_rt_split_key(fn, site);
	helpers = einc_rt_split_helpers(key, ntasks, helpers);
	if (helpers <= 0 || pthread_mutex_trylock(&pool.busy)) {
		run_alone(key, ntasks, fn, arg, scratch0);
		return;
	}
	int avail = start_workers(helpers), joining = helpers < avail ? helpers : avail;
	atomic_store_explicit(&pool.spinning, avail < usable_cpus, memory_order_relaxed);
	pool.fn = fn;
	pool.arg = arg;
	pool.scratch_bytes = scratch_bytes;
	pool.nshares = joining + 1;
	int64_t per = ntasks / pool.nshares, extra = ntasks % pool.nshares, first = 0;
	for (int x = 0; x < pool.nshares; x++) {
		atomic_store_explicit(&pool.shares[x].next, first, memory_order_relaxed);
		first += per + (x < extra);
		pool.shares[x].end = first;
	}
	atomic_store_explicit(&pool.finished, 0, memory_order_relaxed);
	int64_t start = now_ns();
	if (joining > 0) {
		uint64_t word = atomic_load_explicit(&pool.loop, memory_order_relaxed);
		word = ((word >> POOL_JOIN_BITS) + 1) << POOL_JOIN_BITS | (uint64_t)joining;
		atomic_store_explicit(&pool.entry, POOL_ENTRY(word >> POOL_JOIN_BITS),
		                      memory_order_release);
		atomic_store_explicit(&pool.loop, word, memory_order_release);
		wake_all(&pool.wake);
	}
	int64_t woken = now_ns(), ran = run_tasks(0, scratch0), worked = now_ns();
	/* Every task is claimed: close the loop to late workers, then wait for
	 * those that joined (they finish the tasks they claimed). */
	uint64_t joined = joining > 0 ? atomic_fetch_or(&pool.entry, POOL_CLOSED) &
	                                    (POOL_CLOSED - 1) : 0;
	await(all_finished, joined, &pool.done);
	pthread_mutex_unlock(&pool.busy);
	/* the split cost the caller the wake-up, and the wait at the end beyond
	 * the one task a worker may still be running when all are claimed */
	int64_t task = ran ? (worked - woken) / ran : 0, wait = now_ns() - worked - task;
	einc_rt_split_learn_task(key, worked - woken, ran);
	einc_rt_split_learn_handoff(woken - start + (wait > 0 ? wait : 0));
}
