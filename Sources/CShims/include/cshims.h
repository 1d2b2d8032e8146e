// The only C vis writes: setjmp-guarded calls into libjpeg and libpng, whose error
// handlers longjmp (libjpeg's default even calls exit()). Each function returns 0 on
// success, or -1 with a message in `err`; Swift never sees a longjmp.
#ifndef VIS_CSHIMS_H
#define VIS_CSHIMS_H

#include <stddef.h>

/// Decodes a JPEG from memory to 8-bit pixels with 1 (grey) or 3 (RGB) channels;
/// CMYK/YCCK images are converted to RGB. `*pixels` is malloc'ed; free it with free().
int vis_jpeg_decode(const unsigned char *data, size_t size, int *width, int *height, int *channels,
                    unsigned char **pixels, char *err, size_t errlen);

/// Encodes 8-bit pixels (1 or 3 channels) as JPEG at `quality` (1-100), baseline or
/// progressive. `*out` is malloc'ed; free it with free().
int vis_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality, int progressive,
                    unsigned char **out, size_t *outSize, char *err, size_t errlen);

/// Decodes a palette PNG to its raw palette indices (one byte per pixel). Returns -2
/// (no error message) when the image is not a palette PNG.
int vis_png_decode_indices(const unsigned char *data, size_t size, int *width, int *height,
                           unsigned char **indices, char *err, size_t errlen);

/// Decodes any PNG (grey, grey+alpha, RGB, RGBA, palette; 1 to 16 bits; interlaced)
/// to interleaved samples: palettes expand to RGB (RGBA with transparency), low bit
/// depths to 8 bits; 16-bit images stay 16-bit (host byte order). `channels` is 1-4,
/// `depth` 8 or 16. `*pixels` is malloc'ed; free it with free().
int vis_png_decode(const unsigned char *data, size_t size, int *width, int *height, int *channels, int *depth,
                   unsigned char **pixels, char *err, size_t errlen);

/// Encodes interleaved 8- or 16-bit (host order) samples with 1-4 channels as PNG.
/// `*out` is malloc'ed; free it with free().
int vis_png_encode(const unsigned char *pixels, int width, int height, int channels, int depth,
                   unsigned char **out, size_t *outSize, char *err, size_t errlen);

#endif
