/* cpus.c - the default thread count: affinity, cgroup quota, environment
 * (cpus.h). */
#define _GNU_SOURCE
#include "cpus.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A positive decimal count at the start of "text" ending at "end" (one of
 * its characters or '\0'), or 0. */
static long leading_count(const char *text, const char *end)
{
	if (!text || *text < '0' || *text > '9')
		return 0;
	char *stop;
	long n = strtol(text, &stop, 10);
	return n > 0 && strchr(end, *stop) ? n : 0;
}

int einc_rt_cpu_quota(const char *text)
{
	long long quota, period;
	if (sscanf(text, "%lld %lld", &quota, &period) != 2 || quota <= 0 || period <= 0)
		return 0;
	long long n = (quota + period - 1) / period;
	return n > 1 << 20 ? 1 << 20 : (int)n;
}

/* The whole small file "path" into "buf" ("cap" bytes); 0, or -1. */
static int read_small(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n ? 0 : -1;
}

/* The path of the process's cgroup in hierarchy "controller" ("" for
 * cgroup v2's unified one) from /proc/self/cgroup, into "buf"; 0 or -1. */
static int cgroup_path(const char *controller, char *buf, size_t cap)
{
	char line[512];
	FILE *f = fopen("/proc/self/cgroup", "r");
	int found = -1;
	while (f && found && fgets(line, sizeof line, f)) {
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (!b)
			continue;
		*b = '\0';
		int match = !*controller ? a[1] == '\0' : 0;
		char *save = NULL;
		for (char *t = strtok_r(a + 1, ",", &save); t && *controller && !match;
		     t = strtok_r(NULL, ",", &save))
			match = strcmp(t, controller) == 0;
		if (match && snprintf(buf, cap, "%.*s", (int)strcspn(b + 1, "\n"), b + 1) > 0)
			found = 0;
	}
	if (f)
		fclose(f);
	return found;
}

/* The CPU quota of the process's cgroup (v2, else v1), 0 for none. */
static int cgroup_quota(void)
{
	char dir[256], path[400], text[64], period[32];
	if (!cgroup_path("", dir, sizeof dir)) {
		snprintf(path, sizeof path, "/sys/fs/cgroup%s/cpu.max", strcmp(dir, "/") ? dir : "");
		if (!read_small(path, text, sizeof text))
			return einc_rt_cpu_quota(text);
	}
	if (cgroup_path("cpu", dir, sizeof dir))
		return 0;
	snprintf(path, sizeof path, "/sys/fs/cgroup/cpu%s/cpu.cfs_quota_us",
	         strcmp(dir, "/") ? dir : "");
	if (read_small(path, text, sizeof text - sizeof period))
		return 0;
	snprintf(path, sizeof path, "/sys/fs/cgroup/cpu%s/cpu.cfs_period_us",
	         strcmp(dir, "/") ? dir : "");
	if (read_small(path, period, sizeof period))
		return 0;
	text[strcspn(text, "\n")] = ' ';
	strncat(text, period, sizeof text - strlen(text) - 1);
	return einc_rt_cpu_quota(text);
}

int einc_rt_usable_cpus(void)
{
	cpu_set_t set;
	long n = 0;
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		n = CPU_COUNT(&set);
	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 0 || n > 1 << 20)
		n = 1;
	int quota = cgroup_quota();
	return quota > 0 && quota < n ? quota : (int)n;
}

int einc_rt_threads_from(const char *einc_env, const char *omp_env, int cpus, int max)
{
	long n = leading_count(einc_env, "");
	if (!n)
		n = leading_count(omp_env, ",");
	if (!n)
		n = cpus;
	return n > max ? max : n < 1 ? 1 : (int)n;
}
