#!/usr/bin/python3
"""Writes tests/corpus/security/benign_real/: benign model files made by the real libraries, which
the security_artifact scan must pass (several were false alarms: a legacy torch.save whose first
storage has 128 elements, TorchScript with typed attributes, an all-zero .npz).

Run with Debian's interpreter and packages (apt-get install -y python3-torch python3-numpy
python3-onnx):  /usr/bin/python3 tests/corpus/make_benign_corpus.py

The script loads every file back with its real loader (torch.load(weights_only=True) for torch.save
files, torch.jit.load, numpy.load(allow_pickle=False), onnx.checker, a pickle Unpickler that only
resolves the globals the file's manifest entry lists). Each manifest entry lists, per pickle-bearing
member, the globals the file imports (as pickletools reads them), so the scanner's allow-list can be
checked against them. Also updates tests/corpus/security/manifest.json (security/benign_real/).

Byte-stability: torch's legacy format names storages by memory address; the script renames them
(stable_legacy_keys), so reruns give identical bytes except for the TorchScript archive and
torch.onnx.export output if torch's version changes.
"""
import io
import os
import pickle
import shutil
import sys
import zipfile
from typing import Dict, List, Optional, Tuple

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_common import (SECURITY, recorded_globals, stable_legacy_keys,  # noqa: E402
                           update_manifest, write)

OUT = os.path.join(SECURITY, "benign_real")
FILES = []


def pickle_globals(data, max_pickles=1):
    return recorded_globals(data, max_pickles)[0]


def legacy_globals(raw):
    """The five pickles of a legacy torch.save file (the raw storages after them are not
    pickles)."""
    found, pickles = recorded_globals(raw, 5)
    assert pickles == 5
    return found


def zip_globals(raw):
    out = {}
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for name in archive.namelist():
            if name.endswith(".pkl"):
                out[name] = sorted(set(pickle_globals(archive.read(name), None)))
    return out


def add(name, klass, loader, why, globals_=None, **extra):
    entry = {"path": "security/benign_real/" + name, "expect": "PASSED", "class": klass,
             "loader": loader, "why": why}
    if globals_ is not None:
        entry["globals"] = globals_
    entry.update(extra)
    FILES.append(entry)


def path(name):
    return os.path.join(OUT, name)


class SmallNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 2, 3)
        self.bn = torch.nn.BatchNorm2d(2)
        self.fc = torch.nn.Linear(8, 3)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        return self.fc(x.flatten(1))


class TypedAttributes(torch.nn.Module):
    sizes: List[int]
    names: List[str]
    scales: List[float]
    flags: List[bool]
    tensors: List[torch.Tensor]
    named: Dict[str, torch.Tensor]
    counts: Dict[str, int]
    maybe: Optional[torch.Tensor]
    maybe_scale: Optional[float]
    pair: Tuple[int, str]

    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)
        self.sizes = [1, 2, 3]
        self.names = ["a", "b"]
        self.scales = [0.5, 2.0]
        self.flags = [True, False]
        self.tensors = [torch.zeros(2)]
        self.named = {"offset": torch.ones(2), "scale": torch.full((2,), 3.0)}
        self.counts = {"a": 1, "b": 2}
        self.maybe = None
        self.maybe_scale = 1.5
        self.pair = (1, "x")

    def forward(self, x):
        y = self.lin(x) * self.named["scale"] + self.named["offset"]
        maybe = self.maybe  # TorchScript refines Optional locals, not attributes
        if maybe is not None:
            y = y + maybe
        maybe_scale = self.maybe_scale
        if maybe_scale is not None:
            y = y * maybe_scale
        return y * len(self.sizes) + self.tensors[0]


def torch_files():
    torch.manual_seed(0)
    net = SmallNet()
    state = net.state_dict()

    torch.save(state, path("state_dict_zip.pt"))
    check = torch.load(path("state_dict_zip.pt"), weights_only=True)
    assert all(torch.equal(check[k], state[k]) for k in state)
    add("state_dict_zip.pt", "torch_zip",
        "torch.load(f, weights_only=True)",
        "torch.save (zip format) of a conv+batchnorm+linear state dict",
        zip_globals(open(path("state_dict_zip.pt"), "rb").read()))

    odd = {"a7": torch.arange(7, dtype=torch.float32), "b129": torch.arange(129.0),
           "c1000": torch.linspace(0, 1, 1000), "d1": torch.tensor([5], dtype=torch.int64),
           "e0": torch.zeros(0), "half": torch.ones(3, dtype=torch.float16),
           "bytes": torch.arange(5, dtype=torch.uint8), "mask": torch.tensor([True, False]),
           "i8": torch.tensor([-1, 2], dtype=torch.int8),
           "i16": torch.tensor([3], dtype=torch.int16),
           "i32": torch.tensor([4], dtype=torch.int32),
           "f64": torch.tensor([0.25], dtype=torch.float64),
           "c64": torch.tensor([1 + 2j], dtype=torch.complex64),
           "bf16": torch.ones(2, dtype=torch.bfloat16)}
    base = torch.arange(20.0)
    odd["view"] = base[3:9]            # shares the storage of "base" at an offset
    odd["base"] = base
    odd["strided"] = torch.arange(12.0).reshape(3, 4).t()
    odd["param"] = torch.nn.Parameter(torch.ones(2))

    def save_legacy(obj, name, protocol=2):
        buffer = io.BytesIO()
        torch.save(obj, buffer, pickle_protocol=protocol, _use_new_zipfile_serialization=False)
        raw = stable_legacy_keys(buffer.getvalue())
        write(path(name), raw)
        # torch's weights_only unpickler lacks protocol 1's text LONG opcode (the magic number).
        loaded = torch.load(path(name), weights_only=protocol >= 2)
        for key in obj:
            assert torch.equal(loaded[key], obj[key]), (name, key)
        return raw

    torch.save(odd, path("odd_sizes_zip.pt"))
    loaded = torch.load(path("odd_sizes_zip.pt"), weights_only=True)
    assert all(torch.equal(loaded[k], odd[k]) for k in odd)
    add("odd_sizes_zip.pt", "torch_zip", "torch.load(f, weights_only=True)",
        "torch.save (zip) of tensors with 7, 129, 1000, 1, 0 elements, every dtype, a view "
        "sharing a storage, a transposed tensor, a Parameter",
        zip_globals(open(path("odd_sizes_zip.pt"), "rb").read()))

    raw = save_legacy(state, "state_dict_legacy.pt")
    add("state_dict_legacy.pt", "torch_legacy", "torch.load(f, weights_only=True)",
        "legacy torch.save (_use_new_zipfile_serialization=False): 5 pickles then raw storages",
        legacy_globals(raw))
    raw = save_legacy(odd, "odd_sizes_legacy.pt")
    add("odd_sizes_legacy.pt", "torch_legacy", "torch.load(f, weights_only=True)",
        "legacy torch.save of the odd-size tensors (views, every dtype)", legacy_globals(raw))
    # The raw storages follow the pickles; each starts with its element count as int64. 128
    # elements: the byte after the last pickle is 0x80, PROTO's opcode. 640 = 0x0280: "\x80\x02",
    # exactly a PROTO 2.
    for count in (128, 640):
        raw = save_legacy({"weight": torch.arange(count, dtype=torch.float32)},
                          "legacy_first_storage_%d.pt" % count)
        add("legacy_first_storage_%d.pt" % count, "torch_legacy",
            "torch.load(f, weights_only=True)",
            "legacy torch.save whose first storage has %d elements: the raw data after the "
            "pickles starts with bytes %s, which look like a PROTO opcode"
            % (count, raw[len(raw) - 4 * count - 8:len(raw) - 4 * count - 6].hex()),
            legacy_globals(raw), false_alarm=True)
    raw = save_legacy({"w": torch.arange(7.0), "b": torch.arange(129, dtype=torch.int64)},
                      "legacy_protocol1.pt", protocol=1)
    add("legacy_protocol1.pt", "torch_legacy", "torch.load(f, weights_only=False)",
        "legacy torch.save with pickle_protocol=1: no PROTO opcode in any of the five pickles",
        legacy_globals(raw))

    scripted = torch.jit.script(TypedAttributes())
    scripted.save(path("torchscript_typed_attributes.pt"))
    loaded = torch.jit.load(path("torchscript_typed_attributes.pt"))
    assert loaded.sizes == [1, 2, 3] and set(loaded.named) == {"offset", "scale"}
    add("torchscript_typed_attributes.pt", "torchscript", "torch.jit.load(f)",
        "torch.jit.script module with List[int]/List[str]/List[float]/List[bool]/List[Tensor]/"
        "Dict[str, Tensor]/Dict[str, int]/Optional/Tuple attributes: data.pkl calls "
        "torch.jit._pickle.restore_type_tag and build_*list",
        zip_globals(open(path("torchscript_typed_attributes.pt"), "rb").read()),
        false_alarm=True)

    traced = torch.jit.trace(SmallNet().eval(), torch.zeros(1, 1, 4, 4))
    traced.save(path("torchscript_traced.pt"))
    torch.jit.load(path("torchscript_traced.pt"))
    add("torchscript_traced.pt", "torchscript", "torch.jit.load(f)",
        "torch.jit.trace of the conv net, saved", zip_globals(
            open(path("torchscript_traced.pt"), "rb").read()))

    net.eval()
    torch.onnx.export(net, torch.zeros(1, 1, 4, 4), path("conv_net_from_torch.onnx"),
                      opset_version=13, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    onnx.checker.check_model(onnx.load(path("conv_net_from_torch.onnx")))
    add("conv_net_from_torch.onnx", "onnx", "onnx.checker.check_model(onnx.load(f))",
        "torch.onnx.export of the conv+batchnorm+linear net, opset 13, dynamic batch")


def numpy_files():
    arrays = {
        "float16": np.linspace(-1, 1, 5, dtype=np.float16),
        "float32": np.arange(6, dtype=np.float32).reshape(2, 3),
        "float64": np.array([np.pi, -0.0, np.inf]),
        "int8": np.array([-128, 0, 127], dtype=np.int8),
        "int16": np.array([-1, 300], dtype=np.int16),
        "int32": np.arange(4, dtype=np.int32),
        "int64": np.array([2 ** 40, -5], dtype=np.int64),
        "uint8": np.arange(256, dtype=np.uint8),
        "bool": np.array([True, False, True]),
        "complex64": np.array([1 + 2j, -3j], dtype=np.complex64),
        "big_endian_f4": np.arange(3, dtype=">f4"),
        "fortran_order": np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)),
        "scalar_0d": np.array(3.5, dtype=np.float32),
        "empty_0": np.zeros((0,), dtype=np.float32),
        "empty_2x0": np.zeros((2, 0), dtype=np.int64),
        "structured": np.array([(1.0, 2)], dtype=[("w", "<f4"), ("n", "<i8")]),
        "unicode": np.array(["ab", "cde"]),
        "uint8_128": np.full(128, 0x80, dtype=np.uint8),
    }
    for name, array in arrays.items():
        file = "array_%s.npy" % name
        np.save(path(file), array, allow_pickle=False)
        loaded = np.load(path(file), allow_pickle=False)
        assert loaded.dtype == array.dtype and np.array_equal(loaded, array)
        add(file, "npy", "numpy.load(f, allow_pickle=False)",
            "np.save of a %s array of shape %s (dtype %s%s)" % (
                name, array.shape, array.dtype.str,
                ", fortran_order True" if np.isfortran(array) else ""))

    np.savez(path("arrays_plain.npz"), **{k: arrays[k] for k in ("float32", "int64", "bool")})
    add("arrays_plain.npz", "npz", "numpy.load(f, allow_pickle=False)[each]",
        "np.savez (stored zip members) of three arrays")
    np.savez_compressed(path("arrays_compressed.npz"),
                        **{k: arrays[k] for k in ("float16", "uint8", "structured")})
    add("arrays_compressed.npz", "npz", "numpy.load(f, allow_pickle=False)[each]",
        "np.savez_compressed of three arrays")
    np.savez_compressed(path("zeros_8mb_compressed.npz"),
                        zeros=np.zeros(2 * 1024 * 1024, dtype=np.float32),
                        small=np.arange(4, dtype=np.float32))
    with zipfile.ZipFile(path("zeros_8mb_compressed.npz")) as archive:
        info = archive.getinfo("zeros.npy")
        ratio = info.file_size / info.compress_size
    add("zeros_8mb_compressed.npz", "npz", "numpy.load(f, allow_pickle=False)[each]",
        "np.savez_compressed of 8 MiB of float32 zeros (%d -> %d bytes, %.0f:1): real data that "
        "compresses as well as a zip bomb" % (info.file_size, info.compress_size, ratio),
        false_alarm=True)
    for file in ("arrays_plain.npz", "arrays_compressed.npz", "zeros_8mb_compressed.npz"):
        with np.load(path(file), allow_pickle=False) as loaded:
            for key in loaded.files:
                loaded[key]


def pickle_files():
    data = {
        "name": "model", "bytes": b"\x00\x80\xff", "int": 7, "neg": -300, "big": 2 ** 70,
        "float": 0.1, "bool": True, "none": None, "list": [1, [2, [3]]], "tuple": (1, "a", 2.5),
        "nested": {"a": {"b": [0.5] * 3}}, "empty": [(), {}, [], ""], "unicode": "\u00e9\u4e2d",
    }
    shared = [1, 2]
    data["shared"] = (shared, shared)  # memo GET
    for protocol in range(6):
        file = "builtins_protocol%d.pkl" % protocol
        write(path(file), pickle.dumps(data, protocol=protocol))
        assert pickle.loads(open(path(file), "rb").read()) == data
        raw = open(path(file), "rb").read()
        add(file, "pickle", "pickle.load(open(f, 'rb'))",
            "pickle.dumps of dict/list/tuple/str/bytes/int/float/bool/None, protocol %d" % protocol,
            pickle_globals(raw))
    extras = {"set": {1, 2}, "frozen": frozenset({"a"}), "ba": bytearray(b"xy"), "c": 1 + 2j}
    for protocol in (0, 2, 4):
        file = "set_complex_bytearray_protocol%d.pkl" % protocol
        write(path(file), pickle.dumps(extras, protocol=protocol))
        assert pickle.loads(open(path(file), "rb").read()) == extras
        add(file, "pickle", "pickle.load(open(f, 'rb'))",
            "set/frozenset/bytearray/complex, protocol %d (builtins constructors below protocol 4)"
            % protocol, pickle_globals(open(path(file), "rb").read()))
    for protocol in (2, 3, 4, 5):
        file = "numpy_array_protocol%d.pkl" % protocol
        value = {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "s": np.float64(1.5),
                 "i": np.int64(3)}
        write(path(file), pickle.dumps(value, protocol=protocol))
        loaded = pickle.loads(open(path(file), "rb").read())
        assert np.array_equal(loaded["w"], value["w"])
        add(file, "pickle", "pickle.load(open(f, 'rb'))",
            "numpy array and scalars pickled by value, protocol %d" % protocol,
            pickle_globals(open(path(file), "rb").read()))


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    numpy_files()
    pickle_files()
    torch_files()
    for entry in FILES:
        size = os.path.getsize(os.path.join(os.path.dirname(SECURITY), entry["path"]))
        assert size < 200 * 1024, entry["path"]
    update_manifest("security/benign_real/", FILES)
    print("%d benign files" % len(FILES))


if __name__ == "__main__":
    if os.environ.get("PYTHONHASHSEED") != "0":  # str hashing orders sets: fixed for stable bytes
        os.execve(sys.executable, [sys.executable] + sys.argv,
                  dict(os.environ, PYTHONHASHSEED="0"))
    main()
