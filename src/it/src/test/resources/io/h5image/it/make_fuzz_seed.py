# Makes FuzzWorker's seeds in h5py's own layouts, which h5image never writes itself:
#   h5py-dense.h5 (file format "latest"): a group of 42 links and an object of 20 attributes in dense
#     storage (fractal heaps, v2 B-trees), a group and an object that index creation order, soft
#     links: mutations reach h5image's Java readers of dense storage.
#   h5py-default.h5 (h5py's default, the oldest format): groups as symbol tables (v1 B-trees, local
#     heaps, no checksums anywhere), version 1 object headers, strings and attributes: what most
#     files in the wild look like, still read by libhdf5.
# Usage: make_fuzz_seed.py DIR
import sys

import h5py
import numpy as np

with h5py.File(sys.argv[1] + "/h5py-dense.h5", "w", libver="latest") as f:
    d = f.create_dataset("d", data=np.arange(4, dtype="<f8"))
    for i in range(10):
        d.attrs[f"scale{i:02d}"] = np.float64(i) / 2
    for i in range(5):
        d.attrs[f"ints{i}"] = np.arange(i + 1, dtype="<i4")
    for i in range(5):
        d.attrs[f"label{i}"] = "value " + "é" * i
    g = f.create_group("g")
    for i in range(12):
        g.create_dataset(f"item{i:02d}", data=np.full(3, i, dtype="<i2"))
    for i in range(28):
        g[f"alias{i:02d}"] = g[f"item{i % 12:02d}"]
    g["to_d"] = h5py.SoftLink("/d")
    g["dangling"] = h5py.SoftLink("/nowhere")
    ordered = f.create_group("ordered", track_order=True)
    for i in range(10):
        ordered.create_group(f"z{9 - i}")
    o = f.create_dataset("o", data=np.int8(7), track_order=True)
    for i in range(12):
        o.attrs[f"k{11 - i:02d}"] = np.int64(i)

with h5py.File(sys.argv[1] + "/h5py-default.h5", "w") as f:
    run = f.create_group("run")
    run.create_dataset("temperature", data=np.array([21.5, 22.0, -1e300]))
    run.create_dataset("counts", data=np.arange(6, dtype=">i4").reshape(2, 3))
    run.attrs["units"] = "C"
    run.attrs["rate"] = 2.5
    run.attrs["tags"] = np.array(["x", "yé"], dtype=h5py.string_dtype("utf-8"))
    f.create_dataset("labels", data=["a", "bé", ""], dtype=h5py.string_dtype("utf-8"))
    f.create_dataset("fixed", data=np.array([b"one", b"three"], dtype="S6"))
    f.create_dataset("flags", data=np.array([True, False, True]))
    deep = f.create_group("a/b/c")
    deep.create_dataset("d", data=np.arange(3, dtype="<u2"))
    for i in range(12):
        f.create_group(f"many/g{i:02d}")
    f["soft"] = h5py.SoftLink("/run/temperature")
    f.attrs["version"] = np.array([1, 2, 3])
