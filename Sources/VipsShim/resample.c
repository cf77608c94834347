/*
 * resample.c: antialiased reduction of 8-bit interleaved pixels, portable C and SSE2/SSSE3.
 *
 * A separable triangle filter whose radius is the reduction factor (at least 1 pixel), sampled
 * at pixel centres; weights in 14-bit fixed point that sum to exactly 1 << 14, non-negative, so
 * no output can leave 0...255. The vertical pass runs first (on contiguous rows, cheap), the
 * horizontal pass on the already reduced rows. Each output pixel has the same number of taps
 * (`taps`, zero-padded; the window start is clamped so that it never reads outside the image),
 * which lets the SIMD paths work on fixed groups:
 *   vertical:   two source rows interleaved byte by byte, widened to 16 bits, multiplied by a
 *               (w_k, w_k+1) pair and summed by pmaddwd; 16 samples per step.
 *   horizontal: four source pixels of 3 or 4 bands shuffled (pshufb) into per-channel pairs,
 *               pmaddwd with (w_k, w_k+1) and (w_k+2, w_k+3); one output pixel per step.
 * Both paths compute the same integer sums, so they give the same bytes (a test checks it).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "vips_shim.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define VSHIM_X86 1
#include <emmintrin.h>
#include <tmmintrin.h>
#endif

#define FRACTION_BITS 14
#define ONE (1 << FRACTION_BITS)
#define HALF (1 << (FRACTION_BITS - 1))

/* For each output pixel: the first source pixel of its window and `taps` weights. */
typedef struct {
    int *start;
    int16_t *weights; /* out × taps */
    int taps;
} plan;

static void plan_free(plan *p) {
    free(p->start);
    free(p->weights);
    p->start = NULL;
    p->weights = NULL;
}

static double triangle(double x) {
    x = fabs(x);
    return x < 1 ? 1 - x : 0;
}

static int plan_make(int in, int out, int round_taps_to, plan *p) {
    p->start = NULL;
    p->weights = NULL;
    double scale = (double)in / out;
    double support = scale < 1 ? 1 : scale; /* the triangle's radius, in source pixels */
    /* The widest window any output pixel needs. */
    int taps = 1;
    for (int o = 0; o < out; o++) {
        double centre = (o + 0.5) * scale;
        int lo = (int)floor(centre - support + 0.5), hi = (int)floor(centre + support + 0.5);
        if (lo < 0) lo = 0;
        if (hi > in) hi = in;
        if (hi - lo > taps) taps = hi - lo;
    }
    if (taps > in) taps = in;
    int padded = (taps + round_taps_to - 1) / round_taps_to * round_taps_to;
    double *w = malloc(sizeof(double) * (size_t)taps);
    p->start = malloc(sizeof(int) * (size_t)out);
    p->weights = calloc((size_t)out * (size_t)padded, sizeof(int16_t));
    p->taps = padded;
    if (!w || !p->start || !p->weights) {
        free(w);
        plan_free(p);
        return -1;
    }
    for (int o = 0; o < out; o++) {
        double centre = (o + 0.5) * scale;
        int lo = (int)floor(centre - support + 0.5), hi = (int)floor(centre + support + 0.5);
        if (lo < 0) lo = 0;
        if (hi > in) hi = in;
        int start = lo;
        if (start + taps > in) start = in - taps;
        double sum = 0;
        for (int k = 0; k < taps; k++) {
            int x = start + k;
            w[k] = (x >= lo && x < hi) ? triangle((x + 0.5 - centre) / support) : 0;
            sum += w[k];
        }
        int16_t *q = p->weights + (size_t)o * (size_t)padded;
        if (sum <= 0) { /* cannot happen for a real window; nearest pixel then */
            int nearest = (int)centre - start;
            q[nearest < 0 ? 0 : nearest >= taps ? taps - 1 : nearest] = ONE;
        } else {
            int total = 0, largest = 0;
            for (int k = 0; k < taps; k++) {
                q[k] = (int16_t)lround(w[k] / sum * ONE);
                total += q[k];
                if (q[k] > q[largest]) largest = k;
            }
            q[largest] = (int16_t)(q[largest] + ONE - total); /* sum exactly ONE */
        }
        p->start[o] = start;
    }
    free(w);
    return 0;
}

static inline uint8_t to_u8(int32_t v) {
    v >>= FRACTION_BITS;
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

/* ---- portable passes ---------------------------------------------------------------------- */

/* Row by row into `acc` (n sums), so that the compiler vectorises the inner loop. */
static void vertical_c(const uint8_t *src, size_t stride, const int16_t *w, int taps, uint8_t *dst, size_t n, int32_t *acc) {
    for (size_t i = 0; i < n; i++) acc[i] = HALF;
    for (int k = 0; k < taps; k++) {
        const int32_t wk = w[k];
        const uint8_t *s = src + (size_t)k * stride;
        if (wk != 0)
            for (size_t i = 0; i < n; i++) acc[i] += s[i] * wk;
    }
    for (size_t i = 0; i < n; i++) dst[i] = to_u8(acc[i]);
}

static void horizontal_c(const uint8_t *src, const plan *p, int bands, uint8_t *dst, int ow) {
    for (int x = 0; x < ow; x++) {
        const int16_t *w = p->weights + (size_t)x * (size_t)p->taps;
        const uint8_t *s = src + (size_t)p->start[x] * (size_t)bands;
        for (int c = 0; c < bands; c++) {
            int32_t acc = HALF;
            for (int k = 0; k < p->taps; k++) acc += s[k * bands + c] * w[k];
            *dst++ = to_u8(acc);
        }
    }
}

/* ---- SSE2 / SSSE3 passes -------------------------------------------------------------------- */

#ifdef VSHIM_X86
/* Vertical: taps even (the plan is padded to pairs). */
__attribute__((target("sse2")))
static void vertical_sse2(const uint8_t *src, size_t stride, const int16_t *w, int taps, uint8_t *dst, size_t n) {
    const __m128i zero = _mm_setzero_si128(), half = _mm_set1_epi32(HALF);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i a0 = half, a1 = half, a2 = half, a3 = half;
        for (int k = 0; k < taps; k += 2) {
            const __m128i pair = _mm_set1_epi32((int32_t)(((uint32_t)(uint16_t)w[k + 1] << 16) | (uint16_t)w[k]));
            const __m128i r0 = _mm_loadu_si128((const __m128i *)(src + (size_t)k * stride + i));
            const __m128i r1 = _mm_loadu_si128((const __m128i *)(src + (size_t)(k + 1) * stride + i));
            const __m128i lo = _mm_unpacklo_epi8(r0, r1), hi = _mm_unpackhi_epi8(r0, r1);
            a0 = _mm_add_epi32(a0, _mm_madd_epi16(_mm_unpacklo_epi8(lo, zero), pair));
            a1 = _mm_add_epi32(a1, _mm_madd_epi16(_mm_unpackhi_epi8(lo, zero), pair));
            a2 = _mm_add_epi32(a2, _mm_madd_epi16(_mm_unpacklo_epi8(hi, zero), pair));
            a3 = _mm_add_epi32(a3, _mm_madd_epi16(_mm_unpackhi_epi8(hi, zero), pair));
        }
        a0 = _mm_srai_epi32(a0, FRACTION_BITS);
        a1 = _mm_srai_epi32(a1, FRACTION_BITS);
        a2 = _mm_srai_epi32(a2, FRACTION_BITS);
        a3 = _mm_srai_epi32(a3, FRACTION_BITS);
        _mm_storeu_si128((__m128i *)(dst + i), _mm_packus_epi16(_mm_packs_epi32(a0, a1), _mm_packs_epi32(a2, a3)));
    }
    for (; i < n; i++) {
        int32_t acc = HALF;
        for (int k = 0; k < taps; k++) acc += src[(size_t)k * stride + i] * w[k];
        dst[i] = to_u8(acc);
    }
}

/* The horizontal weights as (w_k, w_k+1) pairs broadcast over a vector, two per group of four. */
__attribute__((target("sse2")))
static __m128i *weight_pairs(const plan *p, int ow) {
    const size_t count = (size_t)ow * (size_t)(p->taps / 2);
    __m128i *v = aligned_alloc(16, sizeof(__m128i) * (count ? count : 1));
    if (!v) return NULL;
    for (size_t i = 0; i < count; i++) {
        const int16_t *w = p->weights + 2 * i;
        v[i] = _mm_set1_epi32((int32_t)(((uint32_t)(uint16_t)w[1] << 16) | (uint16_t)w[0]));
    }
    return v;
}

/*
 * Horizontal, 3 or 4 bands: taps a multiple of 4; `src` readable 16 bytes past its last pixel.
 * Per group of four taps, one 16-byte load holds the four pixels; two shuffles make
 * (p0c, p1c) and (p2c, p3c) 16-bit pairs per channel c, and pmaddwd with (w0, w1) and
 * (w2, w3) sums each pair.
 */
__attribute__((target("ssse3"), always_inline))
static inline void horizontal_ssse3(const uint8_t *src, const plan *p, const __m128i *pairs, int bands, uint8_t *dst, int ow) {
    const int8_t z = -128; /* pshufb: a zero byte */
    const __m128i lo3 = _mm_setr_epi8(0, z, 3, z, 1, z, 4, z, 2, z, 5, z, z, z, z, z);
    const __m128i hi3 = _mm_setr_epi8(6, z, 9, z, 7, z, 10, z, 8, z, 11, z, z, z, z, z);
    const __m128i lo4 = _mm_setr_epi8(0, z, 4, z, 1, z, 5, z, 2, z, 6, z, 3, z, 7, z);
    const __m128i hi4 = _mm_setr_epi8(8, z, 12, z, 9, z, 13, z, 10, z, 14, z, 11, z, 15, z);
    const __m128i lo_mask = bands == 3 ? lo3 : lo4, hi_mask = bands == 3 ? hi3 : hi4;
    const __m128i half = _mm_set1_epi32(HALF);
    const int groups = p->taps / 4, step = 4 * bands;
    const __m128i *wv = pairs;
    for (int x = 0; x < ow; x++) {
        const uint8_t *s = src + (size_t)p->start[x] * (size_t)bands;
        __m128i acc = half;
        for (int g = 0; g < groups; g++, s += step, wv += 2) {
            const __m128i px = _mm_loadu_si128((const __m128i *)s);
            acc = _mm_add_epi32(acc, _mm_madd_epi16(_mm_shuffle_epi8(px, lo_mask), wv[0]));
            acc = _mm_add_epi32(acc, _mm_madd_epi16(_mm_shuffle_epi8(px, hi_mask), wv[1]));
        }
        acc = _mm_srai_epi32(acc, FRACTION_BITS);
        const __m128i packed = _mm_packus_epi16(_mm_packs_epi32(acc, acc), acc);
        const int32_t v = _mm_cvtsi128_si32(packed);
        if (bands == 3) memcpy(dst, &v, 3); /* constant sizes: two stores, not a call */
        else memcpy(dst, &v, 4);
        dst += bands;
    }
}

/* One copy per band count, so that `bands` is a constant in the loop. */
__attribute__((target("ssse3")))
static void horizontal_ssse3_3(const uint8_t *src, const plan *p, const __m128i *pairs, uint8_t *dst, int ow) {
    horizontal_ssse3(src, p, pairs, 3, dst, ow);
}

__attribute__((target("ssse3")))
static void horizontal_ssse3_4(const uint8_t *src, const plan *p, const __m128i *pairs, uint8_t *dst, int ow) {
    horizontal_ssse3(src, p, pairs, 4, dst, ow);
}
#endif

int vshim_resample_has_simd(void) {
#ifdef VSHIM_X86
    return __builtin_cpu_supports("ssse3") ? 1 : 0;
#else
    return 0;
#endif
}

int vshim_resample_u8(const unsigned char *in, int iw, int ih, int bands, unsigned char *out, int ow, int oh, int simd) {
    if (iw <= 0 || ih <= 0 || ow <= 0 || oh <= 0 || bands < 1 || bands > 4) return -1;
    simd = simd && vshim_resample_has_simd();
    const int wide_h = simd && (bands == 3 || bands == 4);
    /* Vertical pairs: a padded tap beyond the image reads the last row again, weight 0. */
    plan ph = {0}, pv = {0};
    void *pairs = NULL;   /* the horizontal weights as vectors (SIMD only) */
    uint8_t *mid = NULL;  /* one reduced row, with room for padded taps and 16-byte loads */
    const uint8_t **rows = NULL;
    int32_t *acc = NULL;  /* the portable vertical pass's sums */
    int status = -1;
    const size_t row = (size_t)iw * (size_t)bands;
    if (plan_make(iw, ow, wide_h ? 4 : 1, &ph) || plan_make(ih, oh, simd ? 2 : 1, &pv)) goto done;
#ifdef VSHIM_X86
    if (wide_h && !(pairs = weight_pairs(&ph, ow))) goto done;
#endif
    mid = calloc(row + (size_t)(ph.taps + 8) * (size_t)bands + 16, 1);
    rows = malloc(sizeof(uint8_t *) * (size_t)pv.taps);
    acc = simd ? NULL : malloc(sizeof(int32_t) * row);
    if (!mid || !rows || (!simd && !acc)) goto done;
    for (int y = 0; y < oh; y++) {
        const int16_t *w = pv.weights + (size_t)y * (size_t)pv.taps;
        const int start = pv.start[y], taps = pv.taps;
        if (start + taps > ih) {
            /* Only the zero-weight padding tap is past the last row: it reads that row again. */
            for (int k = 0; k < taps; k++) rows[k] = in + (size_t)(start + k < ih ? start + k : ih - 1) * row;
            for (size_t i = 0; i < row; i++) {
                int32_t sum = HALF;
                for (int k = 0; k < taps; k++) sum += rows[k][i] * w[k];
                mid[i] = to_u8(sum);
            }
        } else {
            const uint8_t *src = in + (size_t)start * row;
#ifdef VSHIM_X86
            if (simd) vertical_sse2(src, row, w, taps, mid, row);
            else
#endif
                vertical_c(src, row, w, taps, mid, row, acc);
        }
        uint8_t *dst = out + (size_t)y * (size_t)ow * (size_t)bands;
#ifdef VSHIM_X86
        if (wide_h && bands == 3) horizontal_ssse3_3(mid, &ph, pairs, dst, ow); /* loads stay in mid's slack */
        else if (wide_h) horizontal_ssse3_4(mid, &ph, pairs, dst, ow);
        else
#endif
            horizontal_c(mid, &ph, bands, dst, ow);
    }
    status = 0;
done:
    free(pairs);
    free(mid);
    free(rows);
    free(acc);
    plan_free(&ph);
    plan_free(&pv);
    return status;
}
