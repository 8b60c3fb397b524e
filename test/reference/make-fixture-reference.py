#!/usr/bin/env python3
"""Independent reference values for the shared checkpoint fixtures (../shared/fixtures beside the clone).

Written with the Python standard library only (json, struct, zipfile, pickle, hashlib): Debian's python3-torch was
not installed on the machine that made fixture-tensors.json, and the point is an implementation that shares no
code with src/engine/io/formats. For each tensor it records dtype, shape, the SHA-256 of its row-major
little-endian bytes, the float64 sum of its values and its first values. The .bin is unpickled with Python's own
pickle module; find_class allows only the three globals the fixture needs and returns plain Python stand-ins.

Run from the repository root:  python3 test/reference/make-fixture-reference.py > test/reference/fixture-tensors.json
"""
import collections
import hashlib
import itertools
import json
import math
import os
import pickle
import struct
import sys
import zipfile

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "fixtures")
FORMATS = {"F32": ("f", 4), "F16": ("e", 2), "F64": ("d", 8), "I64": ("q", 8), "I32": ("i", 4)}
STORAGES = {"FloatStorage": "F32", "HalfStorage": "F16", "DoubleStorage": "F64", "LongStorage": "I64", "IntStorage": "I32"}


def summarise(dtype, shape, raw):
    code, size = FORMATS[dtype]
    count = len(raw) // size
    values = struct.unpack("<%d%s" % (count, code), raw)
    assert count == math.prod(shape), (shape, count)
    return {
        "dtype": dtype,
        "shape": list(shape),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "sum": math.fsum(float(v) for v in values),
        "first": [float(v) for v in values[:4]],
    }


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n])
    header.pop("__metadata__", None)
    data = blob[8 + n :]
    out = collections.OrderedDict()
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        begin, end = info["data_offsets"]
        out[name] = summarise(info["dtype"], info["shape"], data[begin:end])
    return out


class Storage:
    def __init__(self, dtype, raw):
        self.dtype, self.raw = dtype, raw


def rebuild_tensor_v2(storage, offset, size, stride, *rest):
    code, width = FORMATS[storage.dtype]
    chunks = []
    for index in itertools.product(*[range(s) for s in size]):
        element = offset + sum(i * st for i, st in zip(index, stride))
        chunks.append(storage.raw[element * width : (element + 1) * width])
    return (storage.dtype, tuple(size), b"".join(chunks))


class RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file, archive, root):
        super().__init__(file)
        self.archive, self.root = archive, root

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return rebuild_tensor_v2
        if module == "torch" and name in STORAGES:
            return STORAGES[name]
        raise pickle.UnpicklingError("global %s.%s is not allowed" % (module, name))

    def persistent_load(self, pid):
        kind, dtype, key, _location, _numel = pid
        assert kind == "storage"
        return Storage(dtype, self.archive.read(self.root + "data/" + key))


def read_torch_zip(path):
    with zipfile.ZipFile(path) as archive:
        (pkl,) = [n for n in archive.namelist() if n.endswith("/data.pkl")]
        root = pkl[: -len("data.pkl")]
        import io

        state = RestrictedUnpickler(io.BytesIO(archive.read(pkl)), archive, root).load()
    return collections.OrderedDict((name, summarise(*value)) for name, value in state.items())


def main():
    result = collections.OrderedDict()
    for fixture in sorted(os.listdir(FIXTURES)):
        folder = os.path.join(FIXTURES, fixture)
        if not os.path.isdir(folder):
            continue
        for file in sorted(os.listdir(folder)):
            path = os.path.join(folder, file)
            if file.endswith(".safetensors"):
                result[fixture + "/" + file] = read_safetensors(path)
            elif file.endswith(".bin"):
                result[fixture + "/" + file] = read_torch_zip(path)
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
