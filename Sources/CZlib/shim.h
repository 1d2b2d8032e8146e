// zlib: gzip decompression of IDX files (MNIST, Fashion-MNIST).
#include <zlib.h>
