"""Reads HDF5 images with h5py and reports what it sees, one tab-separated line per dataset.

usage: read_images.py MANIFEST RESULTS

MANIFEST lines: id <TAB> image file <TAB> dataset path
RESULTS lines:  id <TAB> OK <TAB> dtype.str <TAB> shape <TAB> chunks <TAB> compression <TAB>
                compression_opts <TAB> shuffle <TAB> fletcher32 <TAB> offset <TAB> values
            or: id <TAB> ERROR <TAB> the exception, on one line

Each image is opened from memory (io.BytesIO), the way a consumer of in-memory images would.
Values are the elements in C order as little-endian bytes, hex (or "sha256:" and the digest of
those bytes above 64 KiB): Java compares them exactly.
One image failing does not stop the others, so one run reports on every case.
"""
import hashlib
import io
import sys
import traceback

import h5py
import numpy as np


def field(value):
    return "-" if value is None else str(value)


def dims(shape):
    return "-" if shape is None else ",".join(str(d) for d in shape)


def describe(dset):
    # dset[()] reads every element, including a scalar's one; the array keeps the file's byte order.
    arr = np.asarray(dset[()])
    little = arr.astype(arr.dtype.newbyteorder("<"), copy=False) if arr.dtype.byteorder != "|" else arr
    raw = np.ascontiguousarray(little).tobytes()
    # Large arrays are compared by digest: megabytes of hex would only slow both sides down.
    values = raw.hex() if len(raw) <= 65536 else "sha256:" + hashlib.sha256(raw).hexdigest()
    offset = dset.id.get_offset()
    return [
        "OK",
        dset.dtype.str,
        dims(dset.shape),
        dims(dset.chunks),
        field(dset.compression),
        field(dset.compression_opts),
        str(bool(dset.shuffle)),
        str(bool(dset.fletcher32)),
        field(offset),
        values,
    ]


def main(manifest, results):
    with open(manifest, encoding="utf-8") as lines, open(results, "w", encoding="utf-8") as out:
        for line in lines:
            line = line.rstrip("\n")
            if not line:
                continue
            case, path, name = line.split("\t")
            try:
                with open(path, "rb") as f:
                    image = io.BytesIO(f.read())
                with h5py.File(image, "r") as h5:
                    row = describe(h5[name])
            except Exception as e:  # report, do not stop: the other cases still count
                detail = "".join(traceback.format_exception_only(type(e), e)).strip()
                row = ["ERROR", detail.replace("\t", " ").replace("\n", " | ")]
            out.write("\t".join([case] + row) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
