# Writes attributes of every kind h5image reads as values (integers of each width, signedness and
# byte order, IEEE floats in both orders, scalars, 1-D and 2-D arrays, empty arrays, strings), on
# one object in compact storage and on another in dense storage (more than 8 attributes, file
# format "latest"), plus kinds that libhdf5 reads for h5image (bool, enum, fixed-length strings).
# Prints one tab-separated line per attribute: object, name, numpy dtype, shape, values
# (flattened, as Python prints a list). AttributeTypesTest checks h5image reads the same.
import sys

import h5py
import numpy as np

values = {}
for order in "<>":
    for kind in ("i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"):
        dt = np.dtype(order + kind)
        info = np.iinfo(dt)
        values[f"{kind}{'le' if order == '<' else 'be'}"] = np.array([info.min, 0, 1, info.max], dtype=dt)
    for kind in ("f4", "f8"):
        values[f"{kind}{'le' if order == '<' else 'be'}"] = np.array([0.5, -1.25, 1024.0, -0.0], dtype=order + kind)
values["scalar_i4"] = np.int32(-7)
values["scalar_u8"] = np.uint64(2**64 - 1)
values["scalar_f8be"] = np.array(2.5, dtype=">f8")
values["matrix_i2"] = np.arange(6, dtype="<i2").reshape(2, 3)
values["empty_f4"] = np.zeros(0, dtype="<f4")
values["vlen_str"] = "héllo"
values["vlen_strs"] = np.array(["a", "bé", ""], dtype=h5py.string_dtype("utf-8"))
values["bool"] = np.bool_(True)
values["bools"] = np.array([True, False])
values["fixed_str"] = np.bytes_(b"fixed")

with h5py.File(sys.argv[1], "w", libver="latest") as f:
    compact = f.create_group("compact")
    dense = f.create_group("dense")
    few = ["i4le", "f8be", "scalar_i4", "vlen_str", "empty_f4", "matrix_i2", "u8be", "bool"]
    for name in few:
        compact.attrs[name] = values[name]
    for name, value in values.items():
        dense.attrs[name] = value
    # No elements, but 2^28 nested arrays in Java: refused under the decode limit, not an OutOfMemoryError.
    odd = f.create_group("odd")
    odd.attrs["many_empty"] = np.zeros((2**28, 0), dtype="<i4")
    odd.attrs["few_empty"] = np.zeros((3, 0), dtype="<i4")

with h5py.File(sys.argv[1], "r") as f:
    for obj in ("/compact", "/dense"):  # /odd is checked by the test itself
        for name, value in f[obj].attrs.items():
            if isinstance(value, str):
                print(f"{obj}\t{name}\tstr\t\t{value}")
                continue
            a = np.asarray(value)
            if a.dtype.kind in "OSU":
                flat = [x.decode() if isinstance(x, bytes) else str(x) for x in a.ravel().tolist()]
                print(f"{obj}\t{name}\tstr\t{list(a.shape)}\t{flat}")
            else:
                print(f"{obj}\t{name}\t{a.dtype.name}\t{list(a.shape)}\t{a.ravel().tolist()}")
