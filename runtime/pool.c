/*
 * pool.c - the thread pool behind rt_parallel_for: workers started on
 * demand (never more than a loop asks for), woken by a generation counter,
 * claiming tasks with an atomic counter; the caller works too.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "pool.h"
#include "workspace.h"

/* Workers beyond this many are not started. */
#define POOL_MAX_WORKERS 255

typedef struct {
	void *scratch;
	size_t scratch_bytes;
	uint64_t generation; /* the last loop it saw, set before it starts */
} worker;

static struct {
	pthread_mutex_t busy;     /* held by the caller whose loop runs */
	pthread_mutex_t lock;     /* guards everything below */
	pthread_cond_t wake, done;
	int nworkers;             /* started */
	worker workers[POOL_MAX_WORKERS];
	uint64_t generation;      /* bumped for each loop */
	int joining;              /* workers 0 .. joining-1 take part in this loop */
	int finished;             /* of those, how many are done */
	rt_task_fn fn;
	void *arg;
	int64_t ntasks;
	size_t scratch_bytes;
	_Atomic int64_t next;     /* the next unclaimed task */
} pool = {
	.busy = PTHREAD_MUTEX_INITIALIZER,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

static pthread_once_t threads_once = PTHREAD_ONCE_INIT;
static int default_threads;

/* Reads EINC_NUM_THREADS, else the online cores. */
static void threads_init(void)
{
	const char *env = getenv("EINC_NUM_THREADS");
	char *end;
	long n = env ? strtol(env, &end, 10) : 0;
	if (!env || *end || n <= 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n <= 0)
			n = 1;
	}
	default_threads = n > POOL_MAX_WORKERS + 1 ? POOL_MAX_WORKERS + 1 : (int)n;
}

int rt_default_threads(void)
{
	pthread_once(&threads_once, threads_init);
	return default_threads;
}

/* Claims and runs tasks of the current loop until none is left. */
static void run_tasks(void *scratch)
{
	int64_t t;
	while ((t = atomic_fetch_add_explicit(&pool.next, 1, memory_order_relaxed)) < pool.ntasks)
		pool.fn(pool.arg, t, scratch);
}

/* Grows the scratch of "w" to "bytes"; 0, or -1 when memory runs out. */
static int worker_scratch(worker *w, size_t bytes)
{
	if (w->scratch_bytes >= bytes)
		return 0;
	void *p = rt_buffer_alloc(bytes);
	if (!p)
		return -1;
	free(w->scratch);
	w->scratch = p;
	w->scratch_bytes = bytes;
	return 0;
}

/* A worker: waits for a loop it takes part in, runs tasks, reports. */
static void *worker_main(void *p)
{
	int id = (int)(intptr_t)p;
	worker *w = &pool.workers[id];
	pthread_mutex_lock(&pool.lock);
	for (;;) {
		while (pool.generation == w->generation)
			pthread_cond_wait(&pool.wake, &pool.lock);
		w->generation = pool.generation;
		if (id >= pool.joining)
			continue;
		size_t bytes = pool.scratch_bytes;
		pthread_mutex_unlock(&pool.lock);
		if (!worker_scratch(w, bytes))
			run_tasks(w->scratch);
		pthread_mutex_lock(&pool.lock);
		if (++pool.finished == pool.joining)
			pthread_cond_signal(&pool.done);
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
		pool.workers[pool.nworkers].generation = pool.generation;
		if (pthread_create(&t, &attr, worker_main, (void *)(intptr_t)pool.nworkers))
			break;
		pool.nworkers++;
	}
	pthread_attr_destroy(&attr);
	return pool.nworkers;
}

void rt_parallel_for(int threads, int64_t ntasks, rt_task_fn fn, void *arg,
                     void *scratch0, size_t scratch_bytes)
{
	if (threads <= 0)
		threads = rt_default_threads();
	int helpers = threads - 1;
	if ((int64_t)helpers > ntasks - 1)
		helpers = ntasks > 1 ? (int)(ntasks - 1) : 0;
	if (helpers <= 0 || pthread_mutex_trylock(&pool.busy)) {
		for (int64_t t = 0; t < ntasks; t++)
			fn(arg, t, scratch0);
		return;
	}
	pthread_mutex_lock(&pool.lock);
	int avail = start_workers(helpers);
	pool.joining = helpers < avail ? helpers : avail;
	pool.finished = 0;
	pool.fn = fn;
	pool.arg = arg;
	pool.ntasks = ntasks;
	pool.scratch_bytes = scratch_bytes;
	atomic_store_explicit(&pool.next, 0, memory_order_relaxed);
	pool.generation++;
	pthread_cond_broadcast(&pool.wake);
	pthread_mutex_unlock(&pool.lock);
	run_tasks(scratch0);
	pthread_mutex_lock(&pool.lock);
	while (pool.finished < pool.joining)
		pthread_cond_wait(&pool.done, &pool.lock);
	pool.joining = 0;
	pthread_mutex_unlock(&pool.lock);
	pthread_mutex_unlock(&pool.busy);
}
