#include "cshims.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

// MARK: JPEG

struct vis_jpeg_error {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *err;
    size_t errlen;
};

static void vis_jpeg_error_exit(j_common_ptr cinfo) {
    struct vis_jpeg_error *e = (struct vis_jpeg_error *)cinfo->err;
    char buffer[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, buffer);
    snprintf(e->err, e->errlen, "%s", buffer);
    longjmp(e->jump, 1);
}

// Warnings about corrupt but decodable data are not fatal; a truncated file is (PIL
// refuses truncated images too, rather than silently padding them with grey).
static void vis_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        struct vis_jpeg_error *e = (struct vis_jpeg_error *)cinfo->err;
        snprintf(e->err, e->errlen, "the file is truncated");
        longjmp(e->jump, 1);
    }
}

int vis_jpeg_decode(const unsigned char *data, size_t size, int *width, int *height, int *channels,
                    unsigned char **pixels, char *err, size_t errlen) {
    struct jpeg_decompress_struct cinfo;
    struct vis_jpeg_error jerr;
    unsigned char *volatile buffer = NULL;
    unsigned char *volatile row = NULL;
    *pixels = NULL;
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = vis_jpeg_error_exit;
    jerr.base.emit_message = vis_jpeg_emit_message;
    jerr.err = err;
    jerr.errlen = errlen;
    if (setjmp(jerr.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(buffer);
        free(row);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    // The declared size is refused before jpeg_start_decompress, which allocates
    // buffers in proportion to it (a whole-image coefficient array for progressive files).
    if ((size_t)cinfo.image_width * (size_t)cinfo.image_height > (size_t)1 << 28) {
        snprintf(err, errlen, "image of %u x %u pixels is too large", (unsigned)cinfo.image_width, (unsigned)cinfo.image_height);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        cinfo.out_color_space = JCS_CMYK;
    } else if (cinfo.num_components == 1) {
        cinfo.out_color_space = JCS_GRAYSCALE;
    } else {
        cinfo.out_color_space = JCS_RGB;
    }
    jpeg_start_decompress(&cinfo);
    int w = (int)cinfo.output_width, h = (int)cinfo.output_height, c = cinfo.output_components;
    if ((size_t)w * (size_t)h > (size_t)1 << 28) {
        snprintf(err, errlen, "image of %d x %d pixels is too large", w, h);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    int outc = (c == 4) ? 3 : c;
    buffer = malloc((size_t)w * (size_t)h * (size_t)outc);
    if (c == 4) row = malloc((size_t)w * (size_t)c);
    if (!buffer || (c == 4 && !row)) {
        snprintf(err, errlen, "out of memory");
        free(row);
        jpeg_destroy_decompress(&cinfo);
        free(buffer);
        return -1;
    }
    if (c == 4) {
        while (cinfo.output_scanline < cinfo.output_height) {
            unsigned char *dst = buffer + (size_t)cinfo.output_scanline * (size_t)w * 3;
            JSAMPROW rows[1] = { row };
            jpeg_read_scanlines(&cinfo, rows, 1);
            // Adobe CMYK JPEGs store inverted values: R = C * K / 255 on the stored bytes.
            for (int x = 0; x < w; x++) {
                int k = row[4 * x + 3];
                dst[3 * x + 0] = (unsigned char)(row[4 * x + 0] * k / 255);
                dst[3 * x + 1] = (unsigned char)(row[4 * x + 1] * k / 255);
                dst[3 * x + 2] = (unsigned char)(row[4 * x + 2] * k / 255);
            }
        }
    } else {
        // Decode straight into the output, several rows per call (one row per call
        // makes libjpeg copy through its own row buffers).
        while (cinfo.output_scanline < cinfo.output_height) {
            JSAMPROW rows[32];
            int y = (int)cinfo.output_scanline, n = 0;
            for (; n < 32 && y + n < h; n++) rows[n] = buffer + (size_t)(y + n) * (size_t)w * (size_t)outc;
            jpeg_read_scanlines(&cinfo, rows, (JDIMENSION)n);
        }
    }
    free(row);
    row = NULL;
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    *width = w;
    *height = h;
    *channels = outc;
    *pixels = buffer;
    return 0;
}

int vis_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality, int progressive,
                    unsigned char **out, size_t *outSize, char *err, size_t errlen) {
    struct jpeg_compress_struct cinfo;
    struct vis_jpeg_error jerr;
    unsigned char *mem = NULL;
    unsigned long memSize = 0;
    *out = NULL;
    *outSize = 0;
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = vis_jpeg_error_exit;
    jerr.base.emit_message = vis_jpeg_emit_message;
    jerr.err = err;
    jerr.errlen = errlen;
    if (setjmp(jerr.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(mem);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &mem, &memSize);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW rows[1] = { (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * (size_t)width * (size_t)channels) };
        jpeg_write_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = mem;
    *outSize = memSize;
    return 0;
}

// MARK: PNG palette indices

struct vis_png_source {
    const unsigned char *data;
    size_t size;
    size_t offset;
};

static void vis_png_read(png_structp png, png_bytep out, png_size_t count) {
    struct vis_png_source *src = (struct vis_png_source *)png_get_io_ptr(png);
    if (src->offset + count > src->size) {
        png_error(png, "the file is truncated");
    }
    memcpy(out, src->data + src->offset, count);
    src->offset += count;
}

struct vis_png_error {
    char *err;
    size_t errlen;
};

static void vis_png_error_fn(png_structp png, png_const_charp message) {
    struct vis_png_error *e = (struct vis_png_error *)png_get_error_ptr(png);
    snprintf(e->err, e->errlen, "%s", message);
    png_longjmp(png, 1);
}

static void vis_png_warning_fn(png_structp png, png_const_charp message) { (void)png; (void)message; }

int vis_png_decode_indices(const unsigned char *data, size_t size, int *width, int *height,
                           unsigned char **indices, char *err, size_t errlen) {
    struct vis_png_error perr = { err, errlen };
    struct vis_png_source src = { data, size, 0 };
    unsigned char *volatile buffer = NULL;
    png_bytep *volatile rows = NULL;
    *indices = NULL;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &perr, vis_png_error_fn, vis_png_warning_fn);
    if (!png) { snprintf(err, errlen, "libpng could not start"); return -1; }
    png_infop info = png_create_info_struct(png);
    if (!info) { png_destroy_read_struct(&png, NULL, NULL); snprintf(err, errlen, "libpng could not start"); return -1; }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(buffer);
        free(rows);
        return -1;
    }
    png_set_read_fn(png, &src, vis_png_read);
    png_read_info(png, info);
    if (png_get_color_type(png, info) != PNG_COLOR_TYPE_PALETTE) {
        png_destroy_read_struct(&png, &info, NULL);
        return -2;
    }
    int w = (int)png_get_image_width(png, info), h = (int)png_get_image_height(png, info);
    if ((size_t)w * (size_t)h > (size_t)1 << 28) {
        png_destroy_read_struct(&png, &info, NULL);
        snprintf(err, errlen, "image of %d x %d pixels is too large", w, h);
        return -1;
    }
    // One byte per index whatever the bit depth; interlaced images are assembled by libpng.
    png_set_packing(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    buffer = malloc((size_t)w * (size_t)h);
    rows = malloc(sizeof(png_bytep) * (size_t)h);
    if (!buffer || !rows) {
        png_destroy_read_struct(&png, &info, NULL);
        free(buffer);
        free(rows);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int y = 0; y < h; y++) rows[y] = buffer + (size_t)y * (size_t)w;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    *width = w;
    *height = h;
    *indices = buffer;
    return 0;
}

// MARK: PNG decode and encode

int vis_png_decode(const unsigned char *data, size_t size, int *width, int *height, int *channels, int *depth,
                   unsigned char **pixels, char *err, size_t errlen) {
    struct vis_png_error perr = { err, errlen };
    struct vis_png_source src = { data, size, 0 };
    unsigned char *volatile buffer = NULL;
    png_bytep *volatile rows = NULL;
    *pixels = NULL;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &perr, vis_png_error_fn, vis_png_warning_fn);
    if (!png) { snprintf(err, errlen, "libpng could not start"); return -1; }
    png_infop info = png_create_info_struct(png);
    if (!info) { png_destroy_read_struct(&png, NULL, NULL); snprintf(err, errlen, "libpng could not start"); return -1; }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(buffer);
        free(rows);
        return -1;
    }
    png_set_read_fn(png, &src, vis_png_read);
    png_read_info(png, info);
    int colorType = png_get_color_type(png, info);
    int bitDepth = png_get_bit_depth(png, info);
    if (colorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (bitDepth == 16) png_set_swap(png);  // PNG stores big-endian; hand out host order
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int w = (int)png_get_image_width(png, info), h = (int)png_get_image_height(png, info);
    int c = png_get_channels(png, info);
    int d = png_get_bit_depth(png, info);
    if ((size_t)w * (size_t)h > (size_t)1 << 28) {
        png_destroy_read_struct(&png, &info, NULL);
        snprintf(err, errlen, "image of %d x %d pixels is too large", w, h);
        return -1;
    }
    size_t rowBytes = png_get_rowbytes(png, info);
    buffer = malloc(rowBytes * (size_t)h);
    rows = malloc(sizeof(png_bytep) * (size_t)h);
    if (!buffer || !rows) {
        png_destroy_read_struct(&png, &info, NULL);
        free(buffer);
        free(rows);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int y = 0; y < h; y++) rows[y] = buffer + (size_t)y * rowBytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    *width = w;
    *height = h;
    *channels = c;
    *depth = d;
    *pixels = buffer;
    return 0;
}

struct vis_png_sink {
    unsigned char *data;
    size_t size;
    size_t capacity;
    int failed;
};

static void vis_png_write(png_structp png, png_bytep bytes, png_size_t count) {
    struct vis_png_sink *sink = (struct vis_png_sink *)png_get_io_ptr(png);
    if (sink->size + count > sink->capacity) {
        size_t cap = sink->capacity ? sink->capacity * 2 : 65536;
        while (cap < sink->size + count) cap *= 2;
        unsigned char *grown = realloc(sink->data, cap);
        if (!grown) { sink->failed = 1; png_error(png, "out of memory"); }
        sink->data = grown;
        sink->capacity = cap;
    }
    memcpy(sink->data + sink->size, bytes, count);
    sink->size += count;
}

static void vis_png_flush(png_structp png) { (void)png; }

int vis_png_encode(const unsigned char *pixels, int width, int height, int channels, int depth,
                   unsigned char **out, size_t *outSize, char *err, size_t errlen) {
    struct vis_png_error perr = { err, errlen };
    struct vis_png_sink sink = { NULL, 0, 0, 0 };
    struct vis_png_sink *volatile sinkp = &sink;
    *out = NULL;
    *outSize = 0;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &perr, vis_png_error_fn, vis_png_warning_fn);
    if (!png) { snprintf(err, errlen, "libpng could not start"); return -1; }
    png_infop info = png_create_info_struct(png);
    if (!info) { png_destroy_write_struct(&png, NULL); snprintf(err, errlen, "libpng could not start"); return -1; }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(sinkp->data);
        return -1;
    }
    static const int types[5] = { 0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA };
    png_set_write_fn(png, &sink, vis_png_write, vis_png_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, depth, types[channels], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 6);
    png_write_info(png, info);
    if (depth == 16) png_set_swap(png);
    size_t rowBytes = (size_t)width * (size_t)channels * (size_t)(depth / 8);
    for (int y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(pixels + (size_t)y * rowBytes));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out = sink.data;
    *outSize = sink.size;
    return 0;
}
