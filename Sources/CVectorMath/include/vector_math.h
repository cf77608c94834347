/*
 * vector_math.h: float32 dot products and squared distances for MediaML's vector indexes, with
 * AVX-512, AVX2+FMA and SSE paths chosen at run time (x86-64), portable C elsewhere.
 *
 * Swift's SIMD types compile to the baseline of the target (SSE2 on x86-64: 4 lanes); these
 * kernels use what the processor has, as hnswlib does.
 */
#ifndef VECTOR_MATH_H
#define VECTOR_MATH_H

#include <stddef.h>

/** The dot product of two vectors of n floats. */
float vm_dot(const float *a, const float *b, size_t n);
/** The squared Euclidean distance of two vectors of n floats. */
float vm_l2sq(const float *a, const float *b, size_t n);
/** Which path runs here: "avx512", "avx2", "sse" or "portable". */
const char *vm_path(void);

#endif
