# Makes h5py-dense.h5, a FuzzWorker seed in h5py's own layout (file format "latest"): a group of 42
# links and an object of 20 attributes in dense storage (fractal heaps, v2 B-trees), a group and an
# object that index creation order, and soft links. h5image writes none of these itself, so without
# this seed the fuzzer would never reach its Java readers of dense storage.
import sys

import h5py
import numpy as np

with h5py.File(sys.argv[1], "w", libver="latest") as f:
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
