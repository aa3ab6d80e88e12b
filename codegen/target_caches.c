/*
 * target_caches.c - the data caches of the target CPU, which the GEMM
 * blocks are derived from (passes/lower_gemm.c): the host's as Linux's
 * sysfs describes them for "native", else a table of the named CPUs, so
 * that a named target gets the same blocks on every machine.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include <llvm-c/TargetMachine.h>

#include "cg.h"
#include "codegen.h"

/* Sizes in KiB per core: L1 data, L2, and the core's share of L3. */
typedef struct {
	const char *name;
	int l1, l2, l3;
} cpu_cache_row;

/*
 * Named x86-64 CPUs, sorted as strcmp does (the vendors' figures for one
 * core; L3 over the cores of the complex or die that share it). Every
 * other name, and a host whose sysfs says nothing, gets CACHES_DEFAULT.
 */
static const cpu_cache_row cpu_caches[] = {
	{"alderlake", 48, 1280, 3072},      {"arrowlake", 48, 3072, 3072},
	{"arrowlake-s", 48, 3072, 3072},    {"arrowlake_s", 48, 3072, 3072},
	{"broadwell", 32, 256, 2560},       {"cannonlake", 32, 256, 2048},
	{"cascadelake", 32, 1024, 1408},    {"cooperlake", 32, 1024, 1408},
	{"emeraldrapids", 48, 2048, 5120},  {"graniterapids", 48, 2048, 4096},
	{"graniterapids-d", 48, 2048, 4096}, {"graniterapids_d", 48, 2048, 4096},
	{"haswell", 32, 256, 2560},         {"icelake-client", 48, 512, 2048},
	{"icelake-server", 48, 1280, 1536}, {"icelake_client", 48, 512, 2048},
	{"icelake_server", 48, 1280, 1536}, {"lunarlake", 48, 2560, 3072},
	{"meteorlake", 48, 2048, 3072},     {"raptorlake", 48, 2048, 3072},
	{"rocketlake", 48, 512, 2048},      {"sapphirerapids", 48, 2048, 1920},
	{"skx", 32, 1024, 1408},            {"skylake", 32, 256, 2048},
	{"skylake-avx512", 32, 1024, 1408}, {"skylake_avx512", 32, 1024, 1408},
	{"tigerlake", 48, 1280, 3072},      {"znver1", 32, 512, 2048},
	{"znver2", 32, 512, 4096},          {"znver3", 32, 512, 4096},
	{"znver4", 32, 1024, 4096},         {"znver5", 48, 1024, 4096},
};

/* A CPU the table does not name: a small core of the last decade. */
static const cpu_cache_row CACHES_DEFAULT = {"", 32, 256, 2048};

/* Orders two rows of cpu_caches for bsearch. */
static int row_cmp(const void *a, const void *b)
{
	return strcmp(((const cpu_cache_row *)a)->name, ((const cpu_cache_row *)b)->name);
}

/* The table's caches of "cpu", or CACHES_DEFAULT's. */
static cg_caches caches_named(const char *cpu)
{
	cpu_cache_row key = {.name = cpu};
	const cpu_cache_row *r = bsearch(&key, cpu_caches, sizeof cpu_caches / sizeof cpu_caches[0],
	                                 sizeof cpu_caches[0], row_cmp);
	if (!r)
		r = &CACHES_DEFAULT;
	return (cg_caches){(int64_t)r->l1 << 10, (int64_t)r->l2 << 10, (int64_t)r->l3 << 10};
}

/* The first line of file DIR/NAME into "buf" (newline dropped); 0 when
 * unreadable. */
static int read_line(const char *dir, const char *name, char *buf, int size)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int ok = fgets(buf, size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = 0;
	return ok;
}

int64_t cg_cache_size_bytes(const char *text)
{
	char *end;
	long long v = strtoll(text, &end, 10);
	if (end == text)
		return 0;
	int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
	end += shift != 0;
	if (*end || v <= 0 || v > (1LL << (40 - shift)))
		return 0;
	return (int64_t)v << shift;
}

int cg_cpu_list_count(const char *text)
{
	int count = 0;
	for (const char *p = text; *p;) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;
		if (end == p || lo < 0)
			return 0;
		if (*end == '-') {
			p = end + 1;
			hi = strtol(p, &end, 10);
			if (end == p || hi < lo)
				return 0;
		}
		count += (int)(hi - lo + 1);
		if (*end != ',' && *end)
			return 0;
		p = *end ? end + 1 : end;
	}
	return count;
}

void cg_caches_from_sysfs(const char *dir, cg_caches *c)
{
	for (int x = 0; x < 16; x++) {
		char idx[600], level[16], type[32], size[32], shared[256];
		snprintf(idx, sizeof idx, "%s/index%d", dir, x);
		if (!read_line(idx, "level", level, sizeof level) ||
		    !read_line(idx, "type", type, sizeof type) ||
		    !read_line(idx, "size", size, sizeof size) || !strcmp(type, "Instruction"))
			continue;
		int64_t bytes = cg_cache_size_bytes(size);
		if (!bytes)
			continue;
		if (!strcmp(level, "1"))
			c->l1 = bytes;
		else if (!strcmp(level, "2"))
			c->l2 = bytes;
		else if (!strcmp(level, "3")) {
			int cores = read_line(idx, "shared_cpu_list", shared, sizeof shared)
			                    ? cg_cpu_list_count(shared) : 0;
			c->l3 = bytes / (cores > 0 ? cores : 1);
		}
	}
}

static once_flag host_once = ONCE_FLAG_INIT;
static cg_caches host;

/* The host's caches, once per process: the table's row of LLVM's name
 * for the host CPU, then whatever CPU 0's sysfs entries say. */
static void host_init(void)
{
	char *cpu = LLVMGetHostCPUName();
	host = caches_named(cpu);
	LLVMDisposeMessage(cpu);
	cg_caches_from_sysfs("/sys/devices/system/cpu/cpu0/cache", &host);
}

cg_caches cg_target_caches(const char *cpu)
{
	if (cpu)
		return caches_named(cpu);
	call_once(&host_once, host_init);
	return host;
}
