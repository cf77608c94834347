/*
 * vips_shim_internal.h: helpers shared by the shim's C files (not part of its API).
 */
#ifndef VIPS_SHIM_INTERNAL_H
#define VIPS_SHIM_INTERNAL_H

#include <stddef.h>
#include "vips_shim.h"

/** g_try_malloc: NULL when memory runs out. Free with vshim_free_pixels. */
unsigned char *vshim_alloc_pixels(size_t size);
/** g_free (NULL is fine). */
void vshim_free_pixels(void *pixels);
/**
 * A uchar libvips image over `pixels` (packed rows), which it owns from here on: freed when
 * the image closes, or at once when the image cannot be made (then NULL, error set).
 */
VipsImage *vshim_wrap_pixels(unsigned char *pixels, size_t size, int width, int height, int bands);
/** vips_image_set_int. */
void vshim_set_int(VipsImage *image, const char *name, int value);
/** vips_image_set_blob_copy. */
void vshim_set_blob(VipsImage *image, const char *name, const void *data, size_t length);
/** Adds a formatted message to libvips' error buffer. */
void vshim_report_error(const char *domain, const char *format, ...);

#endif
