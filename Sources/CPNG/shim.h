// libpng: PNG decode and encode.
#include <png.h>
