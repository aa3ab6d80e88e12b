/* SPDX-License-Identifier: MIT */
/*
 * cpu_features.h - what the runtime asks of the CPU it runs on: the one
 * place that says whether vector code the library does not target by
 * default (it is built for baseline x86-64) may run. EINC_RT_X86 is
 * defined where the compiler builds such code behind target attributes
 * and has immintrin.h (x86-64, GCC or Clang); only there do the checks
 * below exist.
 */
#ifndef EINC_RT_CPU_FEATURES_H
#define EINC_RT_CPU_FEATURES_H

#if defined(__x86_64__) && defined(__GNUC__)
#define EINC_RT_X86 1

/* Whether the CPU runs AVX2 code. */
static inline int einc_rt_cpu_has_avx2(void)
{
	return __builtin_cpu_supports("avx2");
}

/* Whether the CPU runs AVX-512F code. */
static inline int einc_rt_cpu_has_avx512f(void)
{
	return __builtin_cpu_supports("avx512f");
}
#endif

#endif
