# h5py doing what ObjectModelBench does, timed with timeit in the same command (bin/bench-model).
# Prints JSON: {name: median microseconds per operation}.
import io
import json
import sys
import timeit

import h5py
import numpy as np

records = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 7


def build_thousand():
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        values = np.zeros(10)
        for i in range(1000):
            d = f.create_dataset("d%d" % i, data=values)
            d.attrs["units"] = "m"
            d.attrs["scale"] = 1.5
    return buffer.getvalue()


thousand = build_thousand()


def walk_thousand():
    with h5py.File(io.BytesIO(thousand), "r") as f:
        for name in f:
            attrs = f[name].attrs
            for key in attrs:
                attrs[key]


point = np.dtype([("x", "<f8"), ("y", "<f8"), ("id", "<i4")])
points = np.zeros(records, dtype=point)
points["x"] = np.arange(records) * 0.5
points["y"] = -np.arange(records)
points["id"] = np.arange(records)


def records_write():
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.create_dataset("points", data=points)
    return buffer.getvalue()


record_image = records_write()
record_file = h5py.File(io.BytesIO(record_image), "r")


def records_read():
    return record_file["points"][()]


def median_us(fn, number):
    times = timeit.repeat(fn, number=number, repeat=repeat)
    times.sort()
    return times[len(times) // 2] / number * 1e6


result = {
    "buildThousand": median_us(build_thousand, 1),
    "walkThousand": median_us(walk_thousand, 1),
    "recordsWrite": median_us(records_write, 1),
    "recordsRead": median_us(records_read, 1),
}
print(json.dumps({"h5py": h5py.__version__, "hdf5": h5py.version.hdf5_version, "us": result}))
