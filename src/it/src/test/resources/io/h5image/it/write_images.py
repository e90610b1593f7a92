"""Writes HDF5 images with h5py, the way an h5py user makes an in-memory image:
h5py.File(io.BytesIO(), 'w'), create datasets, close, then getvalue().

usage: write_images.py MANIFEST

MANIFEST lines (tab-separated, "-" for none):
  image file, dataset path, numpy dtype ('<f8', '>i4', '|b1'), shape ('3,5'; '' for a scalar),
  chunks ('2,3'; 'auto': h5py guesses), compression ('gzip:6', 'lzf'), shuffle (0/1), fletcher32 (0/1),
  libver ('earliest', 'latest'), values file, fill value, maxshape ('none,5': first axis unlimited)
The values file holds the elements in C order as little-endian bytes; '-' creates the dataset
without writing it, so only its fill value exists. Lines naming the same image file go into
that one image, in order.
"""
import io
import sys

import h5py
import numpy as np


def dims(text):
    return tuple(int(d) for d in text.split(",")) if text else ()


def create(h5, row):
    _, path, dtype, shape, chunks, compression, shuffle, fletcher32, _, values, fill, maxshape = row
    dt = np.dtype(dtype)
    shape = dims(shape)
    options = {}
    if chunks == "auto":
        options["chunks"] = True
    elif chunks != "-":
        options["chunks"] = dims(chunks)
    if compression.startswith("gzip:"):
        options["compression"] = "gzip"
        options["compression_opts"] = int(compression[5:])
    elif compression != "-":
        options["compression"] = compression
    if shuffle == "1":
        options["shuffle"] = True
    if fletcher32 == "1":
        options["fletcher32"] = True
    if maxshape != "-":
        # An unlimited axis makes HDF5 pick another chunk index (extensible array, v2 B-tree).
        options["maxshape"] = tuple(None if d == "none" else int(d) for d in maxshape.split(","))
    if fill != "-":
        options["fillvalue"] = np.array(float(fill)).astype(dt)
    if values == "-":
        h5.create_dataset(path, shape=shape, dtype=dt, **options)
        return
    with open(values, "rb") as f:
        raw = f.read()
    little = dt.newbyteorder("<") if dt.byteorder not in ("|", "=") else dt
    # astype(dt) keeps a '>' dtype big-endian in memory, so h5py stores the file type big-endian.
    data = np.frombuffer(raw, dtype=little).astype(dt).reshape(shape)
    h5.create_dataset(path, data=data, dtype=dt, **options)


def main(manifest):
    images = {}
    with open(manifest, encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if line:
                row = line.split("\t")
                images.setdefault(row[0], []).append(row)
    for name, rows in images.items():
        buffer = io.BytesIO()
        with h5py.File(buffer, "w", libver=rows[0][8]) as h5:
            for row in rows:
                try:
                    create(h5, row)
                except Exception as e:
                    raise RuntimeError("cannot write %s:%s from manifest line %r" % (name, row[1], row)) from e
        with open(name, "wb") as out:
            out.write(buffer.getvalue())


if __name__ == "__main__":
    main(sys.argv[1])
