# Makes MappedFileBench's two files with h5py: big.h5, a 10 GiB contiguous float64 dataset 'big'
# (only its last element written, so the file is sparse on disk) beside a small dataset, and
# small.h5, 8 KiB of data in one dataset. Both in h5py's default layout.
# Usage: make_mapped_files.py DIR
import os
import sys

import h5py
import numpy as np

directory = sys.argv[1]
with h5py.File(os.path.join(directory, "big.h5"), "w") as f:
    big = f.create_dataset("big", shape=(10 * 2**30 // 8,), dtype="<f8")
    big[-1] = 1.0  # allocates the whole contiguous extent; the file gets a hole, not 10 GiB of zeros
    f.create_dataset("small", data=np.arange(1024, dtype="<f8"))
    f.attrs["note"] = "10 GiB contiguous dataset, sparse on disk"
with h5py.File(os.path.join(directory, "small.h5"), "w") as f:
    f.create_dataset("big", data=np.arange(1024, dtype="<f8"))
print(os.path.getsize(os.path.join(directory, "big.h5")), os.path.getsize(os.path.join(directory, "small.h5")))
