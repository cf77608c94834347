#include <vips/vips.h>
#include "vips_shim.h"

int vshim_init(const char *argv0) { return vips_init(argv0); }

void vshim_configure(int cache_max_ops, int concurrency) {
    vips_cache_set_max(cache_max_ops);
    if (concurrency > 0) vips_concurrency_set(concurrency);
}

size_t vshim_tracked_mem_highwater(void) { return vips_tracked_get_mem_highwater(); }

int vshim_open_file(const char *path, VipsImage **out) {
    *out = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL,
                                    "fail_on", VIPS_FAIL_ON_ERROR, NULL);
    return *out ? 0 : -1;
}

int vshim_thumbnail_file(const char *path, int size, VipsImage **out) {
    return vips_thumbnail(path, out, size, "height", size, "size", VIPS_SIZE_DOWN, NULL);
}

int vshim_thumbnail_image(VipsImage *in, int size, VipsImage **out) {
    return vips_thumbnail_image(in, out, size, "height", size, "size", VIPS_SIZE_DOWN, NULL);
}

int vshim_webpsave_buffer(VipsImage *in, int q, void **buf, size_t *len) {
    return vips_webpsave_buffer(in, buf, len, "Q", q, "strip", TRUE, NULL);
}

int vshim_jpegsave_buffer(VipsImage *in, int q, void **buf, size_t *len) {
    return vips_jpegsave_buffer(in, buf, len, "Q", q, "strip", TRUE, "optimize_coding", TRUE, NULL);
}

int vshim_width(VipsImage *im) { return vips_image_get_width(im); }
int vshim_height(VipsImage *im) { return vips_image_get_height(im); }
int vshim_bands(VipsImage *im) { return vips_image_get_bands(im); }

void vshim_unref(VipsImage *im) { if (im) g_object_unref(im); }
void vshim_free(void *p) { g_free(p); }
const char *vshim_error(void) { return vips_error_buffer(); }
void vshim_error_clear(void) { vips_error_clear(); }
