# Writes files whose groups and attributes are in dense storage (fractal heaps indexed by v2
# B-trees), as h5py makes them once a group has more than 8 links or an object more than 8
# attributes, in both of h5py's file formats. Prints what h5py lists, one tab-separated line per
# name, in h5py's order: "link|attribute|string, libver, object, name[, value]". DenseStorageTest
# checks h5image lists the same.
import random
import sys

import h5py
import numpy as np

out_dir = sys.argv[1]
rng = random.Random(7)

for libver in ("latest", "earliest"):
    path = f"{out_dir}/dense-{libver}.h5"
    with h5py.File(path, "w", libver=(libver, "latest")) as f:
        data = f.create_dataset("data", data=np.arange(5, dtype="<i4"))
        # 3,000 links by name: enough for indirect heap blocks and a B-tree of more than one level.
        big = f.create_group("big")
        names = [f"item{i:05d}" + "x" * (i % 40) + ("é" if i % 7 == 0 else "") for i in range(3000)]
        rng.shuffle(names)
        for name in names:
            big[name] = data  # a hard link to one dataset
        big["soft"] = h5py.SoftLink("/data")
        big["relative_soft"] = h5py.SoftLink("item00001x")
        big["dangling"] = h5py.SoftLink("/nowhere")
        big["external"] = h5py.ExternalLink("other.h5", "/x")
        big.create_group("child").create_dataset("leaf", data=np.float64(2.5))
        # Creation order, tracked and indexed: listed in the order made, not by name.
        ordered = f.create_group("ordered", track_order=True)
        made = [f"n{rng.randrange(10**6):06d}_{i}" for i in range(600)]
        for name in made:
            ordered[name] = data
        # Many attributes, in dense storage: numbers, arrays, strings.
        for track in (False, True):
            d = f.create_dataset("attrs_ordered" if track else "attrs", data=np.zeros(2), track_order=track)
            attr_names = [f"a{rng.randrange(10**6):06d}_{i}" for i in range(60)]
            for i, name in enumerate(attr_names):
                if i % 3 == 0:
                    d.attrs[name] = f"value {i} ü"
                elif i % 3 == 1:
                    d.attrs[name] = np.arange(i, dtype="<i8")
                else:
                    d.attrs[name] = np.float64(i) / 4
            d.attrs["strings"] = np.array(["p", "qé", ""], dtype=h5py.string_dtype("utf-8"))
        # One attribute over the heap's 4 KiB managed-object limit: libhdf5 stores it as a huge object.
        h = f.create_dataset("huge_attr", data=np.zeros(1))
        for i in range(9):
            h.attrs[f"small{i}"] = np.int32(i)
        h.attrs["wide"] = np.arange(1000, dtype="<f8")
    with h5py.File(path, "r") as f:
        for g in ("/", "/big", "/ordered", "/big/child"):
            for name in f[g].keys():
                print(f"link\t{libver}\t{g}\t{name}")
        for o in ("/attrs", "/attrs_ordered", "/huge_attr"):
            for name, value in f[o].attrs.items():
                print(f"attribute\t{libver}\t{o}\t{name}")
                if isinstance(value, str):
                    print(f"string\t{libver}\t{o}\t{name}\t{value}")
