# Reads the file ObjectModelInteropTest wrote with h5image's H5File and checks every value with h5py.
# Prints "OK" or the first mismatch; exits non-zero on a mismatch.
import sys
import h5py
import numpy as np

path = sys.argv[1]
problems = []


def check(what, got, want):
    if isinstance(want, np.ndarray):
        same = isinstance(got, np.ndarray) and got.dtype == want.dtype and got.shape == want.shape and np.array_equal(got, want)
    else:
        same = type(got) is type(want) and got == want
    if not same:
        problems.append("%s: got %r (%s), want %r (%s)" % (what, got, type(got).__name__, want, type(want).__name__))


with h5py.File(path, "r") as f:
    # h5py lists a group's members in creation order when the group tracks it, as ours do. For the
    # root it asks the file creation list instead, which does not say, so it lists the root by name.
    check("root keys", list(f.keys()), ["empty", "flags", "label", "names", "particles", "run"])
    check("run keys (creation order)", list(f["run"].keys()), ["temperature", "counts"])
    gcpl = f["/"].id.get_create_plist()
    check("root tracks creation order", bool(gcpl.get_link_creation_order() & h5py.h5p.CRT_ORDER_TRACKED), True)
    check("temperature", f["run/temperature"][()], np.array([21.5, 22.0, 22.5], dtype="<f8"))
    check("counts", f["run/counts"][()], np.array([[1, 2], [3, 4]], dtype="<i4"))
    check("flags", f["flags"][()], np.array([True, False]))
    check("label", f["label"].asstr()[()], "sensor α")
    check("names", list(f["names"].asstr()[()]), ["a", "bé", ""])
    attrs = f["run"].attrs
    check("attr order", list(attrs.keys()), ["units", "rate", "id", "shape", "tags"])
    check("units", attrs["units"], "C")
    check("rate", attrs["rate"], np.float64(2.5))
    check("id", attrs["id"], np.int32(7))
    check("shape", attrs["shape"], np.array([3, 4], dtype="<i8"))
    check("tags", list(attrs["tags"]), ["x", "y"])
    check("version", f.attrs["version"], np.int16(3))
    check("empty/nested", list(f["empty/nested"].keys()), [])
    # Records: packed compounds, as numpy lays out a structured dtype (align=False).
    p = f["particles"]
    check("particles dtype names", p.dtype.names, ("position", "velocity", "alive", "tag"))
    check("particles itemsize", p.dtype.itemsize, 41)
    check("particles offsets", [p.dtype.fields[n][1] for n in p.dtype.names], [0, 20, 32, 33])
    check("position dtype", p.dtype["position"], np.dtype([("x", "<f8"), ("y", "<f8"), ("id", "<i4")]))
    check("velocity dtype", p.dtype["velocity"], np.dtype(("<f4", (3,))))
    check("alive dtype", p.dtype["alive"], np.dtype("bool"))
    data = p[()]
    check("particle 1 x", float(data[1]["position"]["x"]), 4.0)
    check("particle 0 velocity", data[0]["velocity"], np.array([0.1, 0.2, 0.3], dtype="<f4"))
    check("alive", [bool(a) for a in data["alive"]], [True, False])
    check("tag", [int(t) for t in data["tag"]], [1 << 40, -7])
    check("origin attr", tuple(f.attrs["origin"].tolist()), (1.0, 2.0, 3))

print("OK" if not problems else "\n".join(problems))
sys.exit(0 if not problems else 1)
