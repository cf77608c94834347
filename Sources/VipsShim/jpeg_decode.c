/*
 * jpeg_decode.c: a JPEG decoded with libjpeg(-turbo) directly, DCT-scaled, from memory, on the
 * calling thread, into a libvips memory image.
 *
 * libvips' own jpegload does the same DCT scaling, but feeds libjpeg from a 4 KiB source buffer:
 * libjpeg-turbo's fast Huffman decoder only runs while 512 bytes per block of an MCU (3 KiB for
 * 4:2:0) are buffered, so most of the scan goes through the slow one; and its pipeline hands
 * strips between threads. Decoding the whole file from memory here is 39 ms per 12 MP photo at
 * 1/2 scale where vips_jpegload + vips_image_copy_memory take 46 (development machine).
 *
 * Same policy as vips_jpegload with fail_on=ERROR: libjpeg's errors and its corrupt-data
 * warnings (a truncated file included) fail the decode. CMYK and YCCK files are left to libvips
 * (return 1).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>
#include "vips_shim.h"
#include "vips_shim_internal.h"

/* Largest decoded image accepted, in bytes (a 100 MP photo at full scale is 300 MB). */
#define MAX_PIXELS_BYTES ((size_t)1 << 30)

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} error_manager;

static void on_error(j_common_ptr cinfo) {
    error_manager *e = (error_manager *)cinfo->err;
    cinfo->err->format_message(cinfo, e->message);
    longjmp(e->jump, 1);
}

/* A warning is corrupt or missing data ("Corrupt JPEG data: ...", "Premature end of JPEG file"):
   fail, as vips_jpegload with fail_on=ERROR does, rather than make a half-gray preview. */
static void on_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return; /* trace messages */
    cinfo->err->num_warnings++;
    on_error(cinfo);
}

int vshim_jpeg_decode(const void *data, size_t length, int shrink, int orientation, const char *name, VipsImage **out) {
    *out = NULL;
    if (vshim_init(NULL) != 0) return -1;
    /* volatile: read after a longjmp. */
    unsigned char *volatile pixels = NULL;
    JOCTET *volatile icc = NULL;
    struct jpeg_decompress_struct cinfo;
    error_manager err;
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = on_error;
    err.pub.emit_message = on_message;
    err.message[0] = 0;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(icc);
        vshim_free_pixels(pixels);
        vshim_report_error("jpeg", "%s: %s", name ? name : "JPEG", err.message);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, (const unsigned char *)data, (unsigned long)length);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF); /* ICC profile chunks */
    jpeg_read_header(&cinfo, TRUE);
    int bands;
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo.out_color_space = JCS_GRAYSCALE;
        bands = 1;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo.out_color_space = JCS_RGB;
        bands = 3;
        break;
    default: /* CMYK, YCCK, unknown: libvips' loader knows Adobe's inverted CMYK */
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    cinfo.scale_num = 1;
    cinfo.scale_denom = (unsigned int)(shrink == 2 || shrink == 4 || shrink == 8 ? shrink : 1);
    JOCTET *profile = NULL;
    unsigned int profile_length = 0;
    if (jpeg_read_icc_profile(&cinfo, &profile, &profile_length)) icc = profile;
    jpeg_start_decompress(&cinfo);
    const size_t width = cinfo.output_width, height = cinfo.output_height, stride = width * (size_t)bands;
    if (width == 0 || height == 0 || (size_t)cinfo.output_components != (size_t)bands || stride * height > MAX_PIXELS_BYTES) {
        snprintf(err.message, sizeof err.message, "unsupported image of %zu×%zu", width, height);
        longjmp(err.jump, 1);
    }
    pixels = vshim_alloc_pixels(stride * height);
    if (!pixels) {
        snprintf(err.message, sizeof err.message, "out of memory for %zu×%zu pixels", width, height);
        longjmp(err.jump, 1);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rows[16];
        const size_t first = cinfo.output_scanline;
        int count = 0;
        for (; count < 16 && first + (size_t)count < height; count++) rows[count] = pixels + (first + (size_t)count) * stride;
        jpeg_read_scanlines(&cinfo, rows, (JDIMENSION)count);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);

    VipsImage *image = vshim_wrap_pixels(pixels, stride * height, (int)width, (int)height, bands);
    if (!image) {
        free(icc);
        return -1;
    }
    if (icc) vshim_set_blob(image, "icc-profile-data", icc, profile_length);
    free(icc);
    if (orientation >= 1 && orientation <= 8) vshim_set_int(image, "orientation", orientation);
    *out = image;
    return 0;
}

/*
 * The file's bytes are read into a buffer kept per thread and reused (up to 32 MiB; larger
 * files get their own): a fresh buffer per photo costs zeroed anonymous pages at every call,
 * measurable at 20 photos a second, and mapping the file instead would turn a file truncated
 * meanwhile into SIGBUS. Freed when the thread ends.
 */
#define REUSED_BUFFER_MAX ((size_t)32 << 20)

typedef struct {
    unsigned char *bytes;
    size_t capacity;
} read_buffer;

static pthread_key_t buffer_key;
static pthread_once_t buffer_key_once = PTHREAD_ONCE_INIT;

static void free_buffer(void *p) {
    read_buffer *b = p;
    free(b->bytes);
    free(b);
}

static void make_buffer_key(void) { (void)pthread_key_create(&buffer_key, free_buffer); }

/* A buffer of at least `length` bytes: the thread's own when it fits, else *owned (to free). */
static unsigned char *buffer_for(size_t length, unsigned char **owned) {
    *owned = NULL;
    if (length <= REUSED_BUFFER_MAX) {
        pthread_once(&buffer_key_once, make_buffer_key);
        read_buffer *b = pthread_getspecific(buffer_key);
        if (!b && (b = calloc(1, sizeof *b)) && pthread_setspecific(buffer_key, b) != 0) {
            free(b);
            b = NULL;
        }
        if (b) {
            if (b->capacity < length) {
                size_t capacity = length < ((size_t)4 << 20) ? ((size_t)4 << 20) : length;
                unsigned char *bigger = malloc(capacity);
                if (!bigger) return NULL;
                free(b->bytes);
                b->bytes = bigger;
                b->capacity = capacity;
            }
            return b->bytes;
        }
    }
    *owned = malloc(length);
    return *owned;
}

int vshim_jpeg_decode_file(const char *path, int shrink, int orientation, VipsImage **out) {
    *out = NULL;
    if (vshim_init(NULL) != 0) return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        vshim_report_error("jpeg", "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || (unsigned long long)st.st_size > MAX_PIXELS_BYTES) {
        vshim_report_error("jpeg", "%s: not a readable file of a usable size", path);
        close(fd);
        return -1;
    }
    size_t length = (size_t)st.st_size, done = 0;
    unsigned char *owned;
    unsigned char *data = buffer_for(length, &owned);
    while (data && done < length) {
        ssize_t n = read(fd, data + done, length - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break; /* shrank meanwhile: decode what is there (a truncated JPEG fails) */
        done += (size_t)n;
    }
    close(fd);
    if (!data) {
        vshim_report_error("jpeg", "%s: out of memory for %zu bytes", path, length);
        return -1;
    }
    int status = vshim_jpeg_decode(data, done, shrink, orientation, path, out);
    free(owned);
    return status;
}
