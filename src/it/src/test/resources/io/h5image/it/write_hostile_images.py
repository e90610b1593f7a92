"""Writes the hostile images of HostileImagesTest into OUTDIR, all in one Python process.

usage: write_hostile_images.py OUTDIR

Every image is made the way an attacker would hand one over: as bytes (h5py.File(io.BytesIO(), 'w')
then getvalue(), or bytes edited afterwards). OUTDIR gets:

  secret.h5      a local HDF5 file (not an image): int16 [7, 3] datasets /data (chunked), /contig
                 (contiguous) and /grp/data (chunked), values 31000 + C-order index. Nothing in an image may
                 ever bring these values back.
  extlink.h5     "data" and "contig": external links to secret.h5's /data and /contig; "g": an
                 external link to secret.h5's group /grp; "pad": an ordinary float64 [16] of 7.0.
  fifo           a named pipe (nobody ever writes to it: opening it for reading blocks)
  fifolink.h5    "data": an external link to /data in the pipe "fifo"
  crafted.h5     4096 bytes, superblock v0, a contiguous uint8 [4096] dataset "data" whose data
                 address was edited to 0, so its "payload" is the whole file (after craft.py of the
                 review)
  bomb.h5        "data": chunked, never written, float64 (300_000_000,) in (1_000_000,) chunks:
                 2.4 GB of fill value from a ~1-2 KB image
  bomb-64g.h5    the same with 2**33 elements (64 GiB) in (2**16,) chunks
  cycle.h5       group "a" with hard links "x" and "y" to "a" itself, and dataset "a/d" (int32 [3])
  userblock.h5   userblock_size=1024 (with text in the user block), "data": contiguous int32 [2, 3]
                 of 1000 * index + 7
"""
import io
import os
import struct
import sys

import h5py
import numpy as np

SECRET_SHAPE = (7, 3)


def secret_values():
    return (31000 + np.arange(21)).astype("<i2").reshape(SECRET_SHAPE)


def in_memory(write, **kwargs):
    buffer = io.BytesIO()
    with h5py.File(buffer, "w", **kwargs) as h5:
        write(h5)
    return buffer.getvalue()


def save(outdir, name, data):
    with open(os.path.join(outdir, name), "wb") as out:
        out.write(data)


def crafted(n=4096):
    """A contiguous dataset whose data address is 0: its payload covers the whole n-byte file."""
    def write(h5):
        h5.create_dataset("data", shape=(n,), dtype="u1")[...] = 0

    buffer = io.BytesIO()
    with h5py.File(buffer, "w", libver="earliest") as h5:
        write(h5)
        address = h5["data"].id.get_offset()
    raw = bytearray(buffer.getvalue())
    assert raw[8] == 0, "expected superblock version 0"
    # Layout message v3, class 1 (contiguous): address, then size.
    needle = bytes([3, 1]) + struct.pack("<QQ", address, n)
    at = raw.find(needle)
    assert at > 0 and raw.find(needle, at + 1) < 0, "the contiguous layout message must occur exactly once"
    raw[at + 2:at + 10] = struct.pack("<Q", 0)  # the data now starts at address 0
    raw[40:48] = struct.pack("<Q", n)  # superblock v0: end-of-file address
    assert len(raw) >= n, "the unedited image is shorter than %d bytes" % n
    return bytes(raw[:n])


def main(outdir):
    outdir = os.path.abspath(outdir)
    secret = os.path.join(outdir, "secret.h5")
    with h5py.File(secret, "w") as h5:
        h5.create_dataset("data", data=secret_values(), chunks=(4, 2))
        h5.create_dataset("contig", data=secret_values())
        # Chunked, so it is read through libhdf5 (a copy), not sliced out of the image by offset: a
        # check that the offset lies inside the image would refuse a contiguous one by accident.
        h5.create_group("grp").create_dataset("data", data=secret_values(), chunks=(4, 2))

    def extlink(h5):
        h5["data"] = h5py.ExternalLink(secret, "/data")
        h5["contig"] = h5py.ExternalLink(secret, "/contig")
        h5["g"] = h5py.ExternalLink(secret, "/grp")
        h5.create_dataset("pad", data=np.full(16, 7.0))
    save(outdir, "extlink.h5", in_memory(extlink))

    fifo = os.path.join(outdir, "fifo")
    os.mkfifo(fifo)

    def fifolink(h5):
        h5["data"] = h5py.ExternalLink(fifo, "/data")
    save(outdir, "fifolink.h5", in_memory(fifolink))

    save(outdir, "crafted.h5", crafted())

    save(outdir, "bomb.h5", in_memory(
        lambda h5: h5.create_dataset("data", shape=(300_000_000,), dtype="<f8", chunks=(1_000_000,))))
    save(outdir, "bomb-64g.h5", in_memory(
        lambda h5: h5.create_dataset("data", shape=(1 << 33,), dtype="<f8", chunks=(1 << 16,))))

    def cycle(h5):
        a = h5.create_group("a")
        a["x"] = a  # hard links: "a/x" and "a/y" are the group "a" itself
        a["y"] = a
        a.create_dataset("d", data=np.array([1, 2, 3], dtype="<i4"))
    save(outdir, "cycle.h5", in_memory(cycle))

    userblock = os.path.join(outdir, "userblock.h5")
    with h5py.File(userblock, "w", userblock_size=1024) as h5:
        h5.create_dataset("data", data=(1000 * np.arange(6) + 7).astype("<i4").reshape(2, 3))
    with open(userblock, "r+b") as f:  # the user block is the application's: any bytes are legal
        f.write(b"user block: not HDF5, written by whoever made the file\n" * 8)


if __name__ == "__main__":
    main(sys.argv[1])
