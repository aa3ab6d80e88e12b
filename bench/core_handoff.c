/*
 * core_handoff.c - what handing data from one core to another costs on this
 * machine, the price a step pays for reading what a step before it wrote
 * on another thread (docs/bench-kernels.md):
 *
 *   core_handoff [CPU_A CPU_B [MIB]]      (default: 0 1 4)
 *
 * prints the round trip of one cache line between threads pinned to CPU_A
 * and CPU_B (best of 5 runs of 100000 round trips), then the time to sum a
 * buffer of MIB MiB that a thread on CPU_A has just written, read on CPU_A
 * and on CPU_B (best of 20 each). Cores that share a last-level cache pass
 * a line in tens of ns and read the other's writes as fast as their own.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUND_TRIPS 100000

static _Atomic long flag __attribute__((aligned(64)));
static int cpu_b;

/* Seconds on the monotonic clock. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Pins the calling thread to "cpu"; 0, or -1 when it cannot. */
static int pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof set, &set) ? -1 : 0;
}

/* The far end of the round trips: answers each odd value with the next. */
static void *echo(void *arg)
{
	(void)arg;
	pin(cpu_b);
	for (long i = 0; i < ROUND_TRIPS; i++) {
		while (atomic_load_explicit(&flag, memory_order_acquire) != 2 * i + 1)
			;
		atomic_store_explicit(&flag, 2 * i + 2, memory_order_release);
	}
	return NULL;
}

/* Nanoseconds per round trip of "flag" between this thread and one on
 * "cpu_b". */
static double round_trip_ns(void)
{
	pthread_t t;
	atomic_store(&flag, 0);
	if (pthread_create(&t, NULL, echo, NULL))
		return -1;
	double t0 = now();
	for (long i = 0; i < ROUND_TRIPS; i++) {
		atomic_store_explicit(&flag, 2 * i + 1, memory_order_release);
		while (atomic_load_explicit(&flag, memory_order_acquire) != 2 * i + 2)
			;
	}
	double dt = now() - t0;
	pthread_join(t, NULL);
	return dt * 1e9 / ROUND_TRIPS;
}

typedef struct {
	const uint32_t *buf;
	size_t n;
	double seconds;
} reader;

/* Where the sums go, so that they are computed. */
static volatile uint32_t sink;

/* Sums the buffer of "arg" (a reader) and times it. */
static void *sum_timed(void *arg)
{
	reader *r = arg;
	double t0 = now();
	uint32_t s = 0; /* integer words: a sum the compiler vectorizes */
	for (size_t i = 0; i < r->n; i++)
		s += r->buf[i];
	r->seconds = now() - t0;
	sink = s;
	return NULL;
}

/* Writes "n" words to "buf" with plain stores (memset may bypass the
 * caches). */
static void fill(uint32_t *buf, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = seed + (uint32_t)i;
}

/* sum_timed on "cpu_b". */
static void *sum_far(void *arg)
{
	pin(cpu_b);
	return sum_timed(arg);
}

int main(int argc, char **argv)
{
	int cpu_a = argc > 2 ? atoi(argv[1]) : 0;
	cpu_b = argc > 2 ? atoi(argv[2]) : 1;
	long mib = argc > 3 ? atol(argv[3]) : 4;
	if (cpu_a == cpu_b || pin(cpu_b) || pin(cpu_a) || mib <= 0 || mib > 1 << 20) {
		fprintf(stderr, "usage: core_handoff [CPU_A CPU_B [MIB]] (two online CPUs, MIB <= 2^20)\n");
		return 2;
	}
	double best = 1e30;
	for (int r = 0; r < 5; r++) {
		double ns = round_trip_ns();
		if (ns > 0 && ns < best)
			best = ns;
	}
	if (best == 1e30) {
		fprintf(stderr, "core_handoff: cannot start a thread\n");
		return 1;
	}
	printf("cache line round trip CPU %d <-> CPU %d: %.1f ns\n", cpu_a, cpu_b, best);
	size_t n = (size_t)mib << 18;
	uint32_t *buf = malloc(n * sizeof(uint32_t));
	if (!buf) {
		fprintf(stderr, "core_handoff: cannot allocate %ld MiB\n", mib);
		return 1;
	}
	double near = 1e30, far = 1e30;
	for (int rep = 0; rep < 20; rep++) {
		reader r = {.buf = buf, .n = n};
		pthread_t t;
		fill(buf, n, (uint32_t)rep); /* written on CPU_A */
		sum_timed(&r);
		near = r.seconds < near ? r.seconds : near;
		fill(buf, n, (uint32_t)rep);
		if (pthread_create(&t, NULL, sum_far, &r) || pthread_join(t, NULL)) {
			fprintf(stderr, "core_handoff: cannot start a thread\n");
			free(buf);
			return 1;
		}
		far = r.seconds < far ? r.seconds : far;
	}
	double bytes = (double)n * sizeof(uint32_t);
	printf("sum of %ld MiB written on CPU %d: on CPU %d %.3f ms (%.1f GB/s), "
	       "on CPU %d %.3f ms (%.1f GB/s)\n",
	       mib, cpu_a, cpu_a, near * 1e3, bytes / near / 1e9, cpu_b, far * 1e3,
	       bytes / far / 1e9);
	free(buf);
	return 0;
}
