/* The headers h5image binds: all of hdf5.h plus the high-level file-image call. */
#include "hdf5.h"
#include "H5LTpublic.h"
