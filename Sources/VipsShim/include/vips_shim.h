/*
 * vips_shim.h: fixed-arity wrappers around libvips' variadic API.
 *
 * Swift cannot call C variadic functions (vips_thumbnail, vips_*save_buffer, ...).
 * libvips' own binding guide says not to bind the variadic API directly, so this
 * target exposes the few calls MediaKit needs with fixed signatures.
 *
 * VipsImage is forward-declared so Swift sees it as an OpaquePointer; the Swift
 * module that wraps these calls must not import CVips itself.
 *
 * Every function returning int follows libvips: 0 on success, -1 on error, with
 * the message in the process-wide error buffer (read it with vshim_error() and
 * clear it with vshim_error_clear() right after the failing call).
 */
#ifndef VIPS_SHIM_H
#define VIPS_SHIM_H

#include <stddef.h>

typedef struct _VipsImage VipsImage;

/** vips_init(argv0). Call once per process. */
int vshim_init(const char *argv0);
/** Sets the operation cache size (0 turns it off) and vips' per-image thread count. */
void vshim_configure(int cache_max_ops, int concurrency);
/** vips' tracked memory high-water mark in bytes. */
size_t vshim_tracked_mem_highwater(void);

/** vips_image_new_from_file(path, "access", SEQUENTIAL, "fail_on", ERROR): header only until pixels are used. */
int vshim_open_file(const char *path, VipsImage **out);
/** vips_thumbnail(path, out, size, "height", size, "size", VIPS_SIZE_DOWN). */
int vshim_thumbnail_file(const char *path, int size, VipsImage **out);
/** vips_thumbnail_image(in, out, size, "height", size, "size", VIPS_SIZE_DOWN). */
int vshim_thumbnail_image(VipsImage *in, int size, VipsImage **out);
/** vips_webpsave_buffer(in, buf, len, "Q", q, "strip", TRUE). Free *buf with vshim_free. */
int vshim_webpsave_buffer(VipsImage *in, int q, void **buf, size_t *len);
/** vips_jpegsave_buffer(in, buf, len, "Q", q, "strip", TRUE, "optimize_coding", TRUE). Free *buf with vshim_free. */
int vshim_jpegsave_buffer(VipsImage *in, int q, void **buf, size_t *len);

int vshim_width(VipsImage *im);
int vshim_height(VipsImage *im);
int vshim_bands(VipsImage *im);

/** g_object_unref. */
void vshim_unref(VipsImage *im);
/** g_free. */
void vshim_free(void *p);
/** The current libvips error buffer (process-wide). */
const char *vshim_error(void);
/** vips_error_clear. */
void vshim_error_clear(void);

#endif
