# Makes FuzzWorker's seeds in h5py's own layouts, which h5image never writes itself:
#   h5py-dense.h5 (file format "latest"): a group of 42 links and an object of 20 attributes in dense
#     storage (fractal heaps, v2 B-trees), a group and an object that index creation order, soft
#     links: mutations reach h5image's Java readers of dense storage.
#   h5py-default.h5 (h5py's default, the oldest format): groups as symbol tables (v1 B-trees, local
#     heaps, no checksums anywhere), version 1 object headers, strings and attributes: what most
#     files in the wild look like, still read by libhdf5.
#   h5py-types.h5 (the oldest format): the types h5image decodes in Java or hands to libhdf5 for
#     readValue(): sequences, strings in compounds, object and region references (global heap),
#     opaque, array types, bit fields, float16, enums, null dataspaces, chunked sequences, and a
#     soft, an external and a second hard link for links().
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

with h5py.File(sys.argv[1] + "/h5py-types.h5", "w") as f:
    target = f.create_dataset("target", data=np.arange(12, dtype="<i4").reshape(3, 4))
    f.create_dataset("vlen", data=np.array([np.arange(3, dtype="<i4"), np.array([], dtype="<i4"), np.array([-7], dtype="<i4")],
                                           dtype=object), dtype=h5py.vlen_dtype(np.dtype("<i4")))
    f.create_dataset("vlen_chunked", data=np.array([np.arange(2, dtype="<i2"), np.arange(5, dtype="<i2")], dtype=object),
                     dtype=h5py.vlen_dtype(np.dtype("<i2")), chunks=(1,))
    rec = np.dtype([("name", h5py.string_dtype("utf-8")), ("n", "<i4"), ("v", "<f4", (2,))])
    f.create_dataset("records", data=np.array([("alpha", 1, (0.5, 1.5)), ("bé", -2, (2.5, 3.5))], dtype=rec))
    refs = f.create_dataset("refs", (3,), dtype=h5py.ref_dtype)
    refs[0] = target.ref
    refs[1] = f.ref
    regions = f.create_dataset("regions", (2,), dtype=h5py.regionref_dtype)
    regions[0] = target.regionref[1:3, ::2]
    regions[1] = target.regionref[()]
    f.create_dataset("opaque", data=np.array([b"\x01\x02\x03", b"abc"], dtype="V3"))
    array = h5py.h5t.array_create(h5py.h5t.STD_I16BE, (2, 3))
    h5py.h5d.create(f.id, b"array", array, h5py.h5s.create_simple((2,))).write(
        h5py.h5s.ALL, h5py.h5s.ALL, np.arange(12, dtype=">i2").reshape(2, 2, 3), mtype=array)
    bits = h5py.h5t.STD_B16BE.copy()
    space = h5py.h5s.create_simple((3,))
    h5py.h5d.create(f.id, b"bits", bits, space).write(h5py.h5s.ALL, h5py.h5s.ALL, np.array([1, 2, 65535], dtype=">u2"),
                                                    mtype=bits)
    f.create_dataset("half", data=np.array([0.5, -1.25, 65504.0], dtype="<f2"))
    f.create_dataset("enum", data=np.array([0, 42, 1], dtype="i1"), dtype=h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 42}, basetype="i1"))
    f.create_dataset("empty", data=h5py.Empty("<f8"))
    f.attrs["empty"] = h5py.Empty("<i4")
    f.attrs["ref"] = target.ref
    f.attrs.create("seq", np.array([np.arange(2, dtype="<i4"), np.arange(3, dtype="<i4")], dtype=object),
                   dtype=h5py.vlen_dtype(np.dtype("<i4")))
    f["soft"] = h5py.SoftLink("/target")
    f["external"] = h5py.ExternalLink("other.h5", "/data")
    f["again"] = target
