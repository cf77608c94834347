/*
 * vips_shim.h: fixed-arity wrappers around libvips' variadic API, with libvips loaded on demand.
 *
 * Swift cannot call C variadic functions (vips_thumbnail, vips_*save_buffer, ...), and libvips'
 * own binding guide says not to bind the variadic API directly, so this target exposes the few
 * calls MediaKit needs with fixed signatures.
 *
 * libvips is not linked: vshim_init() dlopens libvips.so.42 and resolves the functions it needs.
 * A program that only reads metadata therefore never loads libvips and the ~100 libraries it
 * depends on (about 20 ms at every start of a command-line tool on the development machine).
 * This file declares the few vips types and constants it uses instead of including vips.h (whose
 * include path comes from pkg-config together with the -lvips this design avoids); the tests
 * check these constants against the installed vips.h through the CVips system-library target.
 *
 * VipsImage is opaque, so Swift sees it as an OpaquePointer.
 *
 * Every function returning int follows libvips: 0 on success, -1 on error, with the message in
 * the process-wide error buffer (read it with vshim_error() and clear it with vshim_error_clear()
 * right after the failing call).
 */
#ifndef VIPS_SHIM_H
#define VIPS_SHIM_H

#include <stddef.h>

typedef struct _VipsImage VipsImage;

/** VipsSize's VIPS_SIZE_DOWN: never upscale. */
#define VSHIM_SIZE_DOWN 2
/** VipsAccess's VIPS_ACCESS_SEQUENTIAL. */
#define VSHIM_ACCESS_SEQUENTIAL 1
/** VipsFailOn's VIPS_FAIL_ON_ERROR: fail on truncated or corrupt pixel data. */
#define VSHIM_FAIL_ON_ERROR 2
/** VipsInterpretation's VIPS_INTERPRETATION_B_W. */
#define VSHIM_INTERPRETATION_B_W 1
/** VipsInterpretation's VIPS_INTERPRETATION_sRGB. */
#define VSHIM_INTERPRETATION_sRGB 22
/** VipsKernel's VIPS_KERNEL_LINEAR. */
#define VSHIM_KERNEL_LINEAR 1
/** VipsInterpretation's VIPS_INTERPRETATION_GREY16. */
#define VSHIM_INTERPRETATION_GREY16 26
/** VipsBandFormat's VIPS_FORMAT_UCHAR. */
#define VSHIM_FORMAT_UCHAR 0

/**
 * Loads libvips (once per process, thread-safe) and calls vips_init(argv0).
 * Returns 0, or -1 when libvips cannot be loaded or initialised (vshim_error() says why).
 */
int vshim_init(const char *argv0);
/** Sets the operation cache size (0 turns it off) and vips' per-image thread count (0 keeps it). */
void vshim_configure(int cache_max_ops, int concurrency);

/** vips_image_new_from_file(path, "access", SEQUENTIAL, "fail_on", ERROR): header only until pixels are used. */
int vshim_open_file(const char *path, VipsImage **out);
/** vips_webpsave_buffer(in, buf, len, "Q", q, "effort", effort, "strip", TRUE). Free *buf with vshim_free. */
int vshim_webpsave_buffer(VipsImage *in, int q, int effort, void **buf, size_t *len);
/**
 * vips_jpegsave_buffer(in, buf, len, "Q", q) keeping metadata, with the orientation tag set to
 * `orientation` (1...8) in the EXIF it writes. Free *buf with vshim_free.
 */
int vshim_jpegsave_oriented(VipsImage *in, int q, int orientation, void **buf, size_t *len);
/** vips_extract_area: the `width` × `height` rectangle at (left, top). */
int vshim_crop(VipsImage *in, int left, int top, int width, int height, VipsImage **out);
/** vips_linear(in, a, b) cast back to 8 bits (clipped): each sample times `a` plus `b`. */
int vshim_linear_u8(VipsImage *in, double a, double b, VipsImage **out);
/** vips_rot by `quarters` quarter turns clockwise (1, 2 or 3). */
int vshim_rotate(VipsImage *in, int quarters, VipsImage **out);
/** An 8-bit image of `bands` interleaved bands copied from `pixels` (rows packed). */
int vshim_image_from_pixels(const void *pixels, int width, int height, int bands, VipsImage **out);
/** vips_jpegsave_buffer(in, buf, len, "Q", q, "strip", TRUE) (no optimize_coding: its second pass costs more than the 5 % it saves). Free *buf with vshim_free. */
int vshim_jpegsave_buffer(VipsImage *in, int q, void **buf, size_t *len);

/** vips_jpegload(path, out, "shrink", shrink, "access", SEQUENTIAL, "fail_on", ERROR): DCT-domain shrink-on-load (1, 2, 4 or 8). */
int vshim_jpegload_shrink(const char *path, int shrink, VipsImage **out);
/**
 * vips_jpegload_buffer(buf, len, out, "shrink", shrink, "access", SEQUENTIAL, "fail_on", ERROR),
 * with the orientation tag set to `orientation` when it is 1...8 (the embedded preview of a raw
 * file turns by the raw's tag). `buf` must stay alive until the pixels are computed.
 */
int vshim_jpegload_buffer_shrink(const void *buf, size_t len, int shrink, int orientation, VipsImage **out);
/**
 * A JPEG decoded by libjpeg directly (see jpeg_decode.c), DCT-scaled by 1/`shrink` (1, 2, 4 or
 * 8), on the calling thread: 8-bit RGB or gray in memory, its ICC profile kept as
 * "icc-profile-data" and the orientation tag set to `orientation` when it is 1...8. `name`
 * names the image in errors. Returns 0; 1 for a CMYK or YCCK JPEG, which it leaves to
 * vshim_jpegload_shrink; -1 on error (corrupt, truncated, out of memory), the reason in the
 * error buffer.
 */
int vshim_jpeg_decode(const void *data, size_t length, int shrink, int orientation, const char *name, VipsImage **out);
/** vshim_jpeg_decode of the file at `path`, read whole into memory first. */
int vshim_jpeg_decode_file(const char *path, int shrink, int orientation, VipsImage **out);
/** vips_thumbnail(path, out, width, "height", height, "size", DOWN): shrink-on-load, auto-rotate, sRGB; fits the box, never upscales. */
int vshim_thumbnail_file_box(const char *path, int width, int height, VipsImage **out);
/**
 * *out is `in` turned upright by its orientation tag, computed into memory; `in` itself (one
 * more reference) when it is upright already.
 */
int vshim_upright(VipsImage *in, VipsImage **out);
/** vips_image_copy_memory: the pixels computed once into memory, so several outputs do not recompute (decode) them. */
int vshim_copy_memory(VipsImage *in, VipsImage **out);
/**
 * 8-bit sRGB (or 8-bit gray for a gray image): the embedded ICC profile applied when there is a
 * usable one (vips_icc_transform "srgb", "embedded" TRUE); otherwise 16-bit, CMYK, Lab and other
 * spaces converted by vips_colourspace. An 8-bit sRGB or gray image without a profile is `in`
 * itself with one more reference. *converted says whether the pixels changed.
 */
int vshim_to_srgb(VipsImage *in, VipsImage **out, int *converted);
/** sRGB, 8 bits, 4 bands (an opaque alpha added when there is none). */
int vshim_rgba8(VipsImage *in, VipsImage **out);
/** Luminance (B_W), 8 bits, 1 band. */
int vshim_gray8(VipsImage *in, VipsImage **out);
/** vips_image_write_to_memory: the pixels as a packed buffer. Free *buf with vshim_free. */
int vshim_write_to_memory(VipsImage *in, void **buf, size_t *len);

/**
 * Resizes `in` (iw × ih pixels of `bands` interleaved 8-bit samples, rows packed) to exactly
 * ow × oh into `out` (rows packed), with a separable triangle filter whose support widens with
 * the reduction (an antialiased bilinear, like Pillow's BILINEAR): vertical pass first, then
 * horizontal, 14-bit fixed point. Meant for reductions; enlarging gives plain bilinear.
 *
 * `simd`: 1 uses SSE2/SSSE3 when the processor has them (x86-64), 0 the portable C path; both
 * give the same bytes. This is the reduction vshim_reduce_to() uses: libvips 8.14's reduceh
 * costs 37 ms on a 2016 px wide photo where this takes a few.
 * Returns 0, or -1 when memory runs out or a size is not positive.
 */
int vshim_resample_u8(const unsigned char *in, int iw, int ih, int bands, unsigned char *out, int ow, int oh, int simd);
/** 1 when vshim_resample_u8(..., 1) uses SIMD on this processor. */
int vshim_resample_has_simd(void);
/**
 * *out is `in` resized to exactly width × height (aspect ratio as given), its orientation tag
 * kept: 8-bit images of 1 to 4 bands through vshim_resample_u8 (the pixels computed into memory
 * first when they are not there yet), other formats through vips_resize with the linear kernel.
 */
int vshim_reduce_to(VipsImage *in, int width, int height, VipsImage **out);

int vshim_width(VipsImage *im);
int vshim_height(VipsImage *im);
int vshim_bands(VipsImage *im);

/** g_object_unref. */
void vshim_unref(VipsImage *im);
/** g_free. */
void vshim_free(void *p);
/** The current libvips error buffer (process-wide), or the reason libvips could not be loaded. */
const char *vshim_error(void);
/**
 * The error buffer's text, taken: copied and cleared in one step under libvips' lock, so two
 * threads failing at once do not clear each other's message before it is read (libvips has one
 * buffer per process; a message can still carry another thread's failure of the same moment).
 * Free with free(); NULL when memory runs out.
 */
char *vshim_error_take(void);
/** vips_error_clear. */
void vshim_error_clear(void);

#endif
