#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "vips_shim.h"
#include "vips_shim_internal.h"

/* The libvips and GLib functions used, resolved by vshim_load(). */
static struct {
    int (*init)(const char *);
    void (*cache_set_max)(int);
    void (*concurrency_set)(int);
    VipsImage *(*image_new_from_file)(const char *, ...);
    int (*thumbnail)(const char *, VipsImage **, int, ...);
    int (*webpsave_buffer)(VipsImage *, void **, size_t *, ...);
    int (*jpegsave_buffer)(VipsImage *, void **, size_t *, ...);
    int (*image_get_width)(const VipsImage *);
    int (*image_get_height)(const VipsImage *);
    int (*image_get_bands)(const VipsImage *);
    int (*jpegload)(const char *, VipsImage **, ...);
    int (*jpegload_buffer)(const void *, size_t, VipsImage **, ...);
    VipsImage *(*image_copy_memory)(VipsImage *);
    int (*colourspace)(VipsImage *, VipsImage **, int, ...);
    int (*cast)(VipsImage *, VipsImage **, int, ...);
    int (*bandjoin_const1)(VipsImage *, VipsImage **, double, ...);
    int (*extract_band)(VipsImage *, VipsImage **, int, ...);
    void *(*image_write_to_memory)(VipsImage *, size_t *);
    int (*resize)(VipsImage *, VipsImage **, double, ...);
    int (*autorot)(VipsImage *, VipsImage **, ...);
    int (*copy)(VipsImage *, VipsImage **, ...);
    int (*extract_area)(VipsImage *, VipsImage **, int, int, int, int, ...);
    int (*linear1)(VipsImage *, VipsImage **, double, double, ...);
    int (*rot)(VipsImage *, VipsImage **, int, ...);
    unsigned long (*image_get_typeof)(const VipsImage *, const char *);
    int (*icc_transform)(VipsImage *, VipsImage **, const char *, ...);
    void *(*object_ref)(void *);
    const char *(*error_buffer)(void);
    char *(*error_buffer_copy)(void);
    void (*error_clear)(void);
    void (*object_unref)(void *);
    void (*gfree)(void *);
    void *(*gtry_malloc)(size_t);
    void (*image_set_blob_copy)(VipsImage *, const char *, const void *, size_t);
    int (*image_get_format)(const VipsImage *);
    const void *(*image_get_data)(VipsImage *);
    VipsImage *(*image_new_from_memory)(const void *, size_t, int, int, int, int);
    unsigned long (*signal_connect_data)(void *, const char *, void (*)(void), void *, void *, int);
    int (*image_get_int)(const VipsImage *, const char *, int *);
    void (*image_set_int)(VipsImage *, const char *, int);
    void (*error)(const char *, const char *, ...);
    int (*image_get_interpretation)(const VipsImage *);
    VipsImage *(*image_new_from_memory_copy)(const void *, size_t, int, int, int, int);
    int (*image_get_orientation)(VipsImage *);
} vips;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded = 0;
static int init_result = -1;
static char load_error[512] = "libvips is not loaded: call vshim_init first";

#define RESOLVE(field, name)                                                         \
    do {                                                                             \
        *(void **)(&vips.field) = dlsym(handle, name);                               \
        if (!vips.field) {                                                           \
            snprintf(load_error, sizeof load_error, "libvips has no symbol %s", name); \
            return;                                                                  \
        }                                                                            \
    } while (0)

static void vshim_load(void) {
    void *handle = dlopen("libvips.so.42", RTLD_NOW | RTLD_GLOBAL);
    if (!handle) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error, "cannot load libvips.so.42 (install libvips42): %s", why ? why : "?");
        return;
    }
    RESOLVE(init, "vips_init");
    RESOLVE(cache_set_max, "vips_cache_set_max");
    RESOLVE(concurrency_set, "vips_concurrency_set");
    RESOLVE(image_new_from_file, "vips_image_new_from_file");
    RESOLVE(thumbnail, "vips_thumbnail");
    RESOLVE(webpsave_buffer, "vips_webpsave_buffer");
    RESOLVE(jpegsave_buffer, "vips_jpegsave_buffer");
    RESOLVE(image_get_width, "vips_image_get_width");
    RESOLVE(image_get_height, "vips_image_get_height");
    RESOLVE(image_get_bands, "vips_image_get_bands");
    RESOLVE(jpegload, "vips_jpegload");
    RESOLVE(jpegload_buffer, "vips_jpegload_buffer");
    RESOLVE(image_copy_memory, "vips_image_copy_memory");
    RESOLVE(colourspace, "vips_colourspace");
    RESOLVE(cast, "vips_cast");
    RESOLVE(bandjoin_const1, "vips_bandjoin_const1");
    RESOLVE(extract_band, "vips_extract_band");
    RESOLVE(image_write_to_memory, "vips_image_write_to_memory");
    RESOLVE(image_get_typeof, "vips_image_get_typeof");
    RESOLVE(resize, "vips_resize");
    RESOLVE(autorot, "vips_autorot");
    RESOLVE(copy, "vips_copy");
    RESOLVE(extract_area, "vips_extract_area");
    RESOLVE(linear1, "vips_linear1");
    RESOLVE(rot, "vips_rot");
    RESOLVE(icc_transform, "vips_icc_transform");
    RESOLVE(object_ref, "g_object_ref");
    RESOLVE(error_buffer, "vips_error_buffer");
    RESOLVE(error_buffer_copy, "vips_error_buffer_copy");
    RESOLVE(error_clear, "vips_error_clear");
    RESOLVE(object_unref, "g_object_unref");
    RESOLVE(gfree, "g_free");
    RESOLVE(gtry_malloc, "g_try_malloc");
    RESOLVE(image_set_blob_copy, "vips_image_set_blob_copy");
    RESOLVE(image_get_format, "vips_image_get_format");
    RESOLVE(image_get_data, "vips_image_get_data");
    RESOLVE(image_new_from_memory, "vips_image_new_from_memory");
    RESOLVE(signal_connect_data, "g_signal_connect_data");
    RESOLVE(image_get_int, "vips_image_get_int");
    RESOLVE(image_set_int, "vips_image_set_int");
    RESOLVE(error, "vips_error");
    RESOLVE(image_get_interpretation, "vips_image_get_interpretation");
    RESOLVE(image_new_from_memory_copy, "vips_image_new_from_memory_copy");
    RESOLVE(image_get_orientation, "vips_image_get_orientation");
    loaded = 1;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static const char *init_argv0 = "mediakit";
static void vshim_do_init(void) {
    if (!loaded) return;
    init_result = vips.init(init_argv0);
    if (init_result != 0) snprintf(load_error, sizeof load_error, "vips_init failed: %s", vips.error_buffer());
}

int vshim_init(const char *argv0) {
    pthread_once(&load_once, vshim_load);
    if (!loaded) return -1;
    if (argv0) init_argv0 = argv0;
    pthread_once(&init_once, vshim_do_init);
    return init_result;
}

void vshim_configure(int cache_max_ops, int concurrency) {
    if (!loaded) return;
    vips.cache_set_max(cache_max_ops);
    if (concurrency > 0) vips.concurrency_set(concurrency);
}

int vshim_open_file(const char *path, VipsImage **out) {
    *out = NULL;
    if (!loaded) return -1;
    *out = vips.image_new_from_file(path, "access", VSHIM_ACCESS_SEQUENTIAL, "fail_on", VSHIM_FAIL_ON_ERROR, NULL);
    return *out ? 0 : -1;
}

int vshim_webpsave_buffer(VipsImage *in, int q, int effort, void **buf, size_t *len) {
    if (!loaded) return -1;
    return vips.webpsave_buffer(in, buf, len, "Q", q, "effort", effort, "strip", 1, NULL);
}

int vshim_jpegsave_buffer(VipsImage *in, int q, void **buf, size_t *len) {
    if (!loaded) return -1;
    return vips.jpegsave_buffer(in, buf, len, "Q", q, "strip", 1, NULL);
}

int vshim_jpegsave_oriented(VipsImage *in, int q, int orientation, void **buf, size_t *len) {
    if (!loaded) return -1;
    VipsImage *copy = NULL;
    /* vips_copy: a new image header, so the caller's image keeps its own tag. */
    if (vips.copy(in, &copy, NULL)) return -1;
    vips.image_set_int(copy, "orientation", orientation);
    int r = vips.jpegsave_buffer(copy, buf, len, "Q", q, NULL);
    vips.object_unref(copy);
    return r;
}

int vshim_crop(VipsImage *in, int left, int top, int width, int height, VipsImage **out) {
    if (!loaded) return -1;
    return vips.extract_area(in, out, left, top, width, height, NULL);
}

int vshim_linear_u8(VipsImage *in, double a, double b, VipsImage **out) {
    if (!loaded) return -1;
    VipsImage *t = NULL;
    if (vips.linear1(in, &t, a, b, NULL)) return -1;
    int r = vips.cast(t, out, VSHIM_FORMAT_UCHAR, NULL);
    vips.object_unref(t);
    return r;
}

int vshim_rotate(VipsImage *in, int quarters, VipsImage **out) {
    if (!loaded) return -1;
    /* VipsAngle: D0 0, D90 1, D180 2, D270 3 (clockwise). */
    return vips.rot(in, out, quarters & 3, NULL);
}

int vshim_image_from_pixels(const void *pixels, int width, int height, int bands, VipsImage **out) {
    if (!loaded) return -1;
    *out = vips.image_new_from_memory_copy(pixels, (size_t)width * (size_t)height * (size_t)bands, width, height, bands, VSHIM_FORMAT_UCHAR);
    return *out ? 0 : -1;
}

int vshim_jpegload_shrink(const char *path, int shrink, VipsImage **out) {
    if (!loaded) return -1;
    return vips.jpegload(path, out, "shrink", shrink, "access", VSHIM_ACCESS_SEQUENTIAL, "fail_on", VSHIM_FAIL_ON_ERROR, NULL);
}

int vshim_jpegload_buffer_shrink(const void *buf, size_t len, int shrink, int orientation, VipsImage **out) {
    if (!loaded) return -1;
    if (vips.jpegload_buffer(buf, len, out, "shrink", shrink, "access", VSHIM_ACCESS_SEQUENTIAL, "fail_on", VSHIM_FAIL_ON_ERROR, NULL)) return -1;
    if (orientation >= 1 && orientation <= 8) vips.image_set_int(*out, "orientation", orientation);
    return 0;
}

int vshim_thumbnail_file_box(const char *path, int width, int height, VipsImage **out) {
    if (!loaded) return -1;
    return vips.thumbnail(path, out, width, "height", height, "size", VSHIM_SIZE_DOWN, NULL);
}

int vshim_copy_memory(VipsImage *in, VipsImage **out) {
    if (!loaded) return -1;
    *out = vips.image_copy_memory(in);
    return *out ? 0 : -1;
}

int vshim_to_srgb(VipsImage *in, VipsImage **out, int *converted) {
    *converted = 0;
    if (!loaded) return -1;
    if (vips.image_get_typeof(in, "icc-profile-data") != 0) {
        if (vips.icc_transform(in, out, "srgb", "embedded", 1, NULL) == 0) { *converted = 1; return 0; }
        vips.error_clear();  /* an unusable profile: go on as if it had none */
    }
    switch (vips.image_get_interpretation(in)) {
    case VSHIM_INTERPRETATION_sRGB:
    case VSHIM_INTERPRETATION_B_W:
        if (vips.image_get_format(in) == VSHIM_FORMAT_UCHAR) {
            vips.object_ref(in);
            *out = in;
            return 0;
        }
        break;
    default:
        break;
    }
    /* 16-bit, CMYK (vips' built-in profile), Lab...: to 8-bit sRGB, or 8-bit gray for gray. */
    int gray = vips.image_get_interpretation(in) == VSHIM_INTERPRETATION_GREY16 ||
               vips.image_get_interpretation(in) == VSHIM_INTERPRETATION_B_W;
    VipsImage *t = NULL;
    if (vips.colourspace(in, &t, gray ? VSHIM_INTERPRETATION_B_W : VSHIM_INTERPRETATION_sRGB, NULL)) return -1;
    int r = vips.cast(t, out, VSHIM_FORMAT_UCHAR, NULL);
    vips.object_unref(t);
    if (r == 0) *converted = 1;
    return r;
}

int vshim_upright(VipsImage *in, VipsImage **out) {
    *out = NULL;
    if (!loaded) return -1;
    if (vips.image_get_orientation(in) <= 1) {
        vips.object_ref(in);
        *out = in;
        return 0;
    }
    VipsImage *turned = NULL;
    if (vips.autorot(in, &turned, NULL)) return -1;
    *out = vips.image_copy_memory(turned);
    vips.object_unref(turned);
    return *out ? 0 : -1;
}

int vshim_rgba8(VipsImage *in, VipsImage **out) {
    VipsImage *srgb = NULL, *u8 = NULL;
    if (!loaded) return -1;
    if (vips.colourspace(in, &srgb, VSHIM_INTERPRETATION_sRGB, NULL)) return -1;
    if (vips.cast(srgb, &u8, VSHIM_FORMAT_UCHAR, NULL)) { vips.object_unref(srgb); return -1; }
    vips.object_unref(srgb);
    if (vips.image_get_bands(u8) >= 4) {
        int r = vips.extract_band(u8, out, 0, "n", 4, NULL);
        vips.object_unref(u8);
        return r;
    }
    int r = vips.bandjoin_const1(u8, out, 255.0, NULL);
    vips.object_unref(u8);
    return r;
}

int vshim_gray8(VipsImage *in, VipsImage **out) {
    VipsImage *bw = NULL, *u8 = NULL;
    if (!loaded) return -1;
    if (vips.colourspace(in, &bw, VSHIM_INTERPRETATION_B_W, NULL)) return -1;
    if (vips.cast(bw, &u8, VSHIM_FORMAT_UCHAR, NULL)) { vips.object_unref(bw); return -1; }
    vips.object_unref(bw);
    int r = vips.extract_band(u8, out, 0, NULL);
    vips.object_unref(u8);
    return r;
}

int vshim_write_to_memory(VipsImage *in, void **buf, size_t *len) {
    if (!loaded) return -1;
    *buf = vips.image_write_to_memory(in, len);
    return *buf ? 0 : -1;
}

int vshim_width(VipsImage *im) { return loaded ? vips.image_get_width(im) : 0; }
int vshim_height(VipsImage *im) { return loaded ? vips.image_get_height(im) : 0; }
int vshim_bands(VipsImage *im) { return loaded ? vips.image_get_bands(im) : 0; }

void vshim_unref(VipsImage *im) { if (loaded && im) vips.object_unref(im); }
void vshim_free(void *p) { if (loaded && p) vips.gfree(p); }
const char *vshim_error(void) { return loaded && init_result == 0 ? vips.error_buffer() : load_error; }
char *vshim_error_take(void) {
    if (!loaded || init_result != 0) {
        size_t n = strlen(load_error) + 1;
        char *copy = malloc(n);
        if (copy) memcpy(copy, load_error, n);
        return copy;
    }
    char *text = vips.error_buffer_copy(); /* g_malloc'd, the buffer cleared under vips' lock */
    if (!text) return NULL;
    size_t n = strlen(text) + 1;
    char *copy = malloc(n);
    if (copy) memcpy(copy, text, n);
    vips.gfree(text);
    return copy;
}
void vshim_error_clear(void) { if (loaded) vips.error_clear(); }

static void free_pixels(VipsImage *image, void *pixels) {
    (void)image;
    vips.gfree(pixels);
}

unsigned char *vshim_alloc_pixels(size_t size) { return loaded ? vips.gtry_malloc(size ? size : 1) : NULL; }
void vshim_free_pixels(void *pixels) { if (loaded && pixels) vips.gfree(pixels); }
void vshim_set_int(VipsImage *image, const char *name, int value) { if (loaded) vips.image_set_int(image, name, value); }
void vshim_set_blob(VipsImage *image, const char *name, const void *data, size_t length) {
    if (loaded) vips.image_set_blob_copy(image, name, data, length);
}

void vshim_report_error(const char *domain, const char *format, ...) {
    if (!loaded) return;
    char message[512];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    vips.error(domain, "%s", message);
}

VipsImage *vshim_wrap_pixels(unsigned char *pixels, size_t size, int width, int height, int bands) {
    VipsImage *image = vips.image_new_from_memory(pixels, size, width, height, bands, VSHIM_FORMAT_UCHAR);
    if (!image) {
        vips.gfree(pixels);
        return NULL;
    }
    vips.signal_connect_data(image, "postclose", (void (*)(void))free_pixels, pixels, NULL, 0);
    return image;
}

int vshim_reduce_to(VipsImage *in, int width, int height, VipsImage **out) {
    *out = NULL;
    if (!loaded) return -1;
    int iw = vips.image_get_width(in), ih = vips.image_get_height(in), bands = vips.image_get_bands(in);
    if (vips.image_get_format(in) != VSHIM_FORMAT_UCHAR || bands < 1 || bands > 4) {
        return vips.resize(in, out, (double)width / iw, "vscale", (double)height / ih, "kernel", VSHIM_KERNEL_LINEAR, NULL);
    }
    const unsigned char *pixels = vips.image_get_data(in); /* computes a lazy image into memory */
    if (!pixels) return -1;
    size_t size = (size_t)width * (size_t)height * (size_t)bands;
    unsigned char *buffer = vshim_alloc_pixels(size);
    if (!buffer || vshim_resample_u8(pixels, iw, ih, bands, buffer, width, height, 1) != 0) {
        vshim_free_pixels(buffer);
        vshim_report_error("vshim_reduce_to", "out of memory for %d×%d pixels", width, height);
        return -1;
    }
    VipsImage *image = vshim_wrap_pixels(buffer, size, width, height, bands);
    if (!image) return -1;
    int orientation = 0;
    if (vips.image_get_typeof(in, "orientation") != 0 && vips.image_get_int(in, "orientation", &orientation) == 0) {
        vips.image_set_int(image, "orientation", orientation);
    }
    *out = image;
    return 0;
}
