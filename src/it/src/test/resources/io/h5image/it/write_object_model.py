# Writes a file the way h5py users do (no creation order tracking, h5py's own defaults) for
# ObjectModelInteropTest to read with h5image's H5File.
import sys
import h5py
import numpy as np

with h5py.File(sys.argv[1], "w") as f:
    g = f.create_group("experiment/trial")
    g.create_dataset("signal", data=np.arange(12, dtype=">i2").reshape(3, 4))
    g.create_dataset("gain", data=np.float32(1.25))
    g.attrs["operator"] = "Zoë"
    g.attrs["repeats"] = np.int64(3)
    g.attrs["window"] = np.array([0.5, 1.5], dtype="<f4")
    g.attrs["codes"] = np.array([b"ab", b"cd"], dtype="S2")
    f.create_dataset("fixed_nullpad", data=np.array([b"one", b"three"], dtype="S6"))
    t = h5py.string_dtype("ascii", 8)
    f.create_dataset("fixed_ascii", data=np.array([b"abc", b"defgh"], dtype="S8").astype(t))
    f.create_dataset("vlen_ascii", data=["x", "yy"], dtype=h5py.string_dtype("ascii"))
    f.create_dataset("vlen_utf8", data=["α", "βγ"], dtype=h5py.string_dtype("utf-8"))
    f.create_dataset("bools", data=np.array([True, False, True]))
    f.create_dataset("u16", data=np.array([1, 65535], dtype="<u2"))
    f.attrs["title"] = b"bytes title"
    f.attrs["count"] = 5
    rec = np.dtype([("x", "<f8"), ("y", ">f4"), ("id", "<i2"), ("pos", [("a", "<i4"), ("b", "<i4")]),
                    ("v", "<f4", (3,)), ("flag", "?")])
    arr = np.zeros(4, dtype=rec)
    for i in range(4):
        arr[i] = (i + 0.5, -i, i * 10, (i, -i), (i, i + 1, i + 2), i % 2 == 0)
    f.create_dataset("records", data=arr)
    colour = h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 42}, basetype="i1")
    f.create_dataset("colours", data=np.array([0, 42, 1], dtype="i1"), dtype=colour)
