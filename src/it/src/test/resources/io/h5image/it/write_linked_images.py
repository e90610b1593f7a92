"""Writes in-memory images (h5py.File(io.BytesIO(), 'w')) whose dataset data lives in another
file on the local disk: an external file list entry and a virtual dataset.

usage: write_linked_images.py SECRET OUTDIR

SECRET is any local file; OUTDIR gets external.h5 and virtual.h5 (dataset "data", uint8, as
long as SECRET) and secret-source.h5, the file virtual.h5 maps.
"""
import io
import os
import sys

import h5py
import numpy as np


def main(secret, outdir):
    size = os.path.getsize(secret)
    with open(secret, "rb") as f:
        content = np.frombuffer(f.read(), dtype="u1")

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        h5.create_dataset("data", shape=(size,), dtype="u1", external=[(os.path.abspath(secret), 0, size)])
    with open(os.path.join(outdir, "external.h5"), "wb") as out:
        out.write(buffer.getvalue())

    source = os.path.abspath(os.path.join(outdir, "secret-source.h5"))
    with h5py.File(source, "w") as h5:
        h5["x"] = content
    layout = h5py.VirtualLayout(shape=(size,), dtype="u1")
    layout[:] = h5py.VirtualSource(source, "x", shape=(size,))
    buffer = io.BytesIO()
    with h5py.File(buffer, "w", libver="latest") as h5:
        h5.create_virtual_dataset("data", layout, fillvalue=0)
    with open(os.path.join(outdir, "virtual.h5"), "wb") as out:
        out.write(buffer.getvalue())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
