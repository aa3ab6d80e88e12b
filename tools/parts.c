/* parts.c - einc's elements part by part as doubles (parts.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "parts.h"

size_t parts_count(einc_dtype t, size_t elems, size_t *bytes)
{
	size_t per = einc_dtype_kind(t) == EINC_KIND_COMPLEX ? 2 : 1;
	*bytes = einc_dtype_size(t) / per;
	return elems * per;
}

double parts_value(const void *buf, einc_dtype t, size_t i)
{
	size_t bytes;
	parts_count(t, 1, &bytes);
	if (einc_dtype_kind(t) == EINC_KIND_INT)
		return bytes == 8 ? (double)((const int64_t *)buf)[i] : ((const int32_t *)buf)[i];
	return bytes == 8 ? ((const double *)buf)[i] : ((const float *)buf)[i];
}

void parts_print_checksum(const void *buf, einc_dtype t, size_t elems)
{
	size_t bytes, n = parts_count(t, elems, &bytes);
	double sum = 0, asum = 0;
	for (size_t i = 0; i < n; i++) {
		double v = parts_value(buf, t, i);
		sum += v;
		asum += fabs(v);
	}
	printf("checksum: sum=%.9g abs=%.9g elements=%zu\n", sum, asum, elems);
}
