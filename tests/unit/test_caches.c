/*
 * test_caches.c - the target's caches that the GEMM blocks come from
 * (codegen/target_caches.c): sysfs's size and CPU list texts, a fake sysfs
 * cache directory, the table of named CPUs, and the host's figures.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "codegen.h"

/* Sizes as sysfs writes them, and texts that are not sizes. */
static void test_size_text(void **state)
{
	(void)state;
	assert_int_equal(cg_cache_size_bytes("32K"), 32 << 10);
	assert_int_equal(cg_cache_size_bytes("512K"), 512 << 10);
	assert_int_equal(cg_cache_size_bytes("32768K"), 32 << 20);
	assert_int_equal(cg_cache_size_bytes("2M"), 2 << 20);
	assert_int_equal(cg_cache_size_bytes("4096"), 4096);
	assert_int_equal(cg_cache_size_bytes(""), 0);
	assert_int_equal(cg_cache_size_bytes("K"), 0);
	assert_int_equal(cg_cache_size_bytes("0K"), 0);
	assert_int_equal(cg_cache_size_bytes("-32K"), 0);
	assert_int_equal(cg_cache_size_bytes("32KB"), 0);
	assert_int_equal(cg_cache_size_bytes("32X"), 0);
	assert_int_equal(cg_cache_size_bytes("99999999999999G"), 0);
}

/* CPU lists: single CPUs, ranges, both; malformed lists count 0. */
static void test_cpu_list(void **state)
{
	(void)state;
	assert_int_equal(cg_cpu_list_count("0"), 1);
	assert_int_equal(cg_cpu_list_count("0-1"), 2);
	assert_int_equal(cg_cpu_list_count("0-3,8-11"), 8);
	assert_int_equal(cg_cpu_list_count("0,2,4-5"), 4);
	assert_int_equal(cg_cpu_list_count(""), 0);
	assert_int_equal(cg_cpu_list_count("3-1"), 0);
	assert_int_equal(cg_cpu_list_count("a"), 0);
	assert_int_equal(cg_cpu_list_count("0-"), 0);
	assert_int_equal(cg_cpu_list_count("0;1"), 0);
}

/* Writes "text" to DIR/NAME. */
static void put(const char *dir, const char *name, const char *text)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Makes DIR/indexX with the given files. */
static void make_index(const char *dir, int x, const char *level, const char *type,
                       const char *size, const char *shared)
{
	char idx[600];
	snprintf(idx, sizeof idx, "%s/index%d", dir, x);
	assert_int_equal(mkdir(idx, 0700), 0);
	put(idx, "level", level);
	put(idx, "type", type);
	put(idx, "size", size);
	if (shared)
		put(idx, "shared_cpu_list", shared);
}

/* Removes DIR/indexX and its files. */
static void remove_index(const char *dir, int x)
{
	static const char *const files[] = {"level", "type", "size", "shared_cpu_list"};
	char path[700];
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		snprintf(path, sizeof path, "%s/index%d/%s", dir, x, files[f]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/index%d", dir, x);
	rmdir(path);
}

/* A fake sysfs tree: L1 data (not instruction), L2, L3 over its sharers;
 * a level it lacks, sizes badly or leaves empty keeps what the caller had. */
static void test_sysfs(void **state)
{
	(void)state;
	char dir[] = "/tmp/einc-test-caches-XXXXXX";
	assert_non_null(mkdtemp(dir));
	make_index(dir, 0, "1\n", "Data\n", "48K\n", "0-1\n");
	make_index(dir, 1, "1\n", "Instruction\n", "64K\n", "0-1\n");
	make_index(dir, 2, "2\n", "Unified\n", "2048K\n", "0-1\n");
	make_index(dir, 3, "3\n", "Unified\n", "30M\n", "0-7,16-23\n");
	cg_caches c = {1, 2, 3};
	cg_caches_from_sysfs(dir, &c);
	assert_int_equal(c.l1, 48 << 10);
	assert_int_equal(c.l2, 2 << 20);
	assert_int_equal(c.l3, (30 << 20) / 16);
	remove_index(dir, 3);
	remove_index(dir, 2);
	put(dir, "index0/size", "bad\n");
	c = (cg_caches){1, 2, 3};
	cg_caches_from_sysfs(dir, &c);
	assert_int_equal(c.l1, 1);
	assert_int_equal(c.l2, 2);
	assert_int_equal(c.l3, 3);
	put(dir, "index0/size", "");
	cg_caches_from_sysfs(dir, &c);
	assert_int_equal(c.l1, 1);
	remove_index(dir, 1);
	remove_index(dir, 0);
	assert_int_equal(rmdir(dir), 0);
	c = (cg_caches){1, 2, 3};
	cg_caches_from_sysfs(dir, &c); /* gone: nothing changes */
	assert_int_equal(c.l1, 1);
	assert_int_equal(c.l2, 2);
	assert_int_equal(c.l3, 3);
}

/* Named CPUs from the table; an unknown name gets the default row. */
static void test_named(void **state)
{
	(void)state;
	cg_caches z = cg_target_caches("znver3");
	assert_int_equal(z.l1, 32 << 10);
	assert_int_equal(z.l2, 512 << 10);
	assert_int_equal(z.l3, 4 << 20);
	cg_caches s = cg_target_caches("sapphirerapids");
	assert_int_equal(s.l1, 48 << 10);
	assert_int_equal(s.l2, 2 << 20);
	cg_caches g = cg_target_caches("x86-64"), n = cg_target_caches("no-such-cpu");
	assert_int_equal(g.l1, n.l1);
	assert_int_equal(g.l2, n.l2);
	assert_int_equal(g.l3, n.l3);
	assert_true(g.l1 > 0 && g.l2 > g.l1 && g.l3 > 0);
}

/* The host: sysfs's own figures where this machine has them, the same
 * on every call. */
static void test_host(void **state)
{
	(void)state;
	cg_caches h = cg_target_caches(NULL), again = cg_target_caches(NULL);
	assert_true(h.l1 > 0 && h.l2 > 0 && h.l3 > 0);
	assert_memory_equal(&h, &again, sizeof h);
	cg_caches fs = h;
	cg_caches_from_sysfs("/sys/devices/system/cpu/cpu0/cache", &fs);
	assert_memory_equal(&h, &fs, sizeof h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_text), cmocka_unit_test(test_cpu_list),
		cmocka_unit_test(test_sysfs),     cmocka_unit_test(test_named),
		cmocka_unit_test(test_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
