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
/** A distance kernel: (a, b, n) -> float. */
typedef float (*vm_kernel)(const float *, const float *, size_t);
/** The dot-product kernel for this processor (resolve once, call many times). */
vm_kernel vm_dot_kernel(void);
/** The squared-distance kernel for this processor. */
vm_kernel vm_l2sq_kernel(void);
/** Hints the processor to fetch the 64-byte line at p; inlined into callers, Swift's too. */
static inline void vm_prefetch_line(const void *p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p, 0, 3);
#else
    (void)p;
#endif
}
/** Which path runs here: "avx512", "avx2", "sse" or "portable". */
const char *vm_path(void);

#endif
