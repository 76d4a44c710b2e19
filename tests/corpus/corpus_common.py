"""Helpers shared by the security corpus generators (not a test; imported by the make_*.py scripts).

Run the generators with Debian's /usr/bin/python3 (apt-get install -y python3-torch python3-numpy
python3-onnx).
"""
import json
import os
import struct
import zlib

CORPUS = os.path.dirname(os.path.abspath(__file__))
SECURITY = os.path.join(CORPUS, "security")
MANIFEST = os.path.join(SECURITY, "manifest.json")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def update_manifest(prefix, entries):
    """Replaces the manifest entries whose path starts with `prefix` by `entries`; keeps the rest
    (each generator owns its own directory's entries)."""
    files = []
    if os.path.exists(MANIFEST):
        with open(MANIFEST) as f:
            files = json.load(f)["files"]
    files = [e for e in files if not e["path"].startswith(prefix)] + list(entries)
    files.sort(key=lambda e: e["path"])
    with open(MANIFEST, "w") as f:
        json.dump({"files": files}, f, indent=1, sort_keys=False)
        f.write("\n")


class ZipAsm:
    """Hand assembly of zip archives, byte by byte (stored entries only), for archives that the
    zipfile module refuses to write: duplicate names, several central directories, lying counts."""

    def __init__(self, prefix=b""):
        self.buf = bytearray(prefix)

    def local(self, name, data, crc=None):
        n = name.encode()
        crc = zlib.crc32(data) if crc is None else crc
        offset = len(self.buf)
        self.buf += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0x21, crc, len(data),
                                len(data), len(n), 0) + n + data
        return {"name": n, "offset": offset, "size": len(data), "crc": crc}

    def central(self, records):
        """Writes central directory records; returns (offset, size, count) for an EOCD."""
        start = len(self.buf)
        for r in records:
            self.buf += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0x21,
                                    r["crc"], r["size"], r["size"], len(r["name"]), 0, 0, 0, 0,
                                    0, r["offset"]) + r["name"]
        return start, len(self.buf) - start, len(records)

    def eocd(self, count, size, offset, comment=b""):
        self.buf += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, size, offset,
                                len(comment)) + comment

    def zip64_eocd(self, count, size, offset):
        position = len(self.buf)
        self.buf += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size,
                                offset)
        return position

    def zip64_locator(self, zip64_eocd_offset):
        self.buf += struct.pack("<IIQI", 0x07064B50, 0, zip64_eocd_offset, 1)

    def bytes(self):
        return bytes(self.buf)


def forge_crc32(data, target):
    """Returns 4 bytes such that zlib.crc32(data + them) == target (CRC-32 is affine over GF(2):
    solve the 32x32 system by Gaussian elimination)."""
    base = zlib.crc32(data + b"\0\0\0\0")
    columns = []
    for bit in range(32):
        patch = (1 << bit).to_bytes(4, "little")
        columns.append((zlib.crc32(data + patch) ^ base, 1 << bit))
    want = base ^ target
    # Eliminate: rows are (crc difference, patch bits).
    basis = []
    for value, bits in columns:
        for b_value, b_bits in basis:
            if value ^ b_value < value:
                value, bits = value ^ b_value, bits ^ b_bits
        if value:
            basis.append((value, bits))
            basis.sort(reverse=True)
    bits_out = 0
    for b_value, b_bits in basis:
        if want ^ b_value < want:
            want, bits_out = want ^ b_value, bits_out ^ b_bits
    if want:
        raise ValueError("CRC cannot be forged")
    patch = bits_out.to_bytes(4, "little")
    assert zlib.crc32(data + patch) == target
    return patch


def stable_legacy_keys(raw):
    """torch's legacy torch.save names storages by their memory address (str(storage._cdata)), so
    its bytes change on every run. Renames each key to its rank, zero-padded to the same length
    (string lengths, hence every offset, stay the same), inside the five pickles only."""
    import pickle
    import pickletools

    spans, position = [], 0
    for _ in range(5):
        for op, _, pos in pickletools.genops(raw[position:]):
            if op.name == "STOP":
                spans.append((position, position + pos + 1))
                position = position + pos + 1
                break
    keys = pickle.loads(raw[spans[4][0]:spans[4][1]])
    head = raw[:spans[4][1]]
    for rank, key in enumerate(sorted(keys)):
        new = str(rank).rjust(len(key), "0")
        assert head.count(key.encode()) >= 2, key
        head = head.replace(key.encode(), new.encode())
    return head + raw[spans[4][1]:]


class _StubBase:
    """What the recording unpickler returns for every global: a harmless class that accepts any
    call, state, item or attribute, so the rest of the stream can be followed."""

    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, *args):
        pass

    def __setitem__(self, key, value):
        pass

    def append(self, value):
        pass

    def extend(self, values):
        pass

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _StubBase()

    def __call__(self, *args, **kwargs):
        return _StubBase()


def recorded_globals(data, max_pickles=None):
    """The globals Python's own unpickler resolves in `data`, as 'module.name' strings in stream
    order, over consecutive pickles (Unpickler.load repeated on one stream until it ends or a pickle
    fails). find_class records (module, name) - after protocol 0-2 name fixing, exactly as pickle
    imports - and returns a stub class instead of importing anything. Returns (globals, pickles)."""
    import io as _io
    import pickle as _pickle

    found = []

    class Recorder(_pickle.Unpickler):
        def find_class(self, module, name):
            if self.proto < 3 and self.fix_imports:
                import _compat_pickle
                if (module, name) in _compat_pickle.NAME_MAPPING:
                    module, name = _compat_pickle.NAME_MAPPING[(module, name)]
                elif module in _compat_pickle.IMPORT_MAPPING:
                    module = _compat_pickle.IMPORT_MAPPING[module]
            found.append("%s.%s" % (module, name))
            return type(str(name.rsplit(".", 1)[-1]) or "stub", (_StubBase,), {})

        def persistent_load(self, pid):
            return _StubBase()

    stream = _io.BytesIO(data)
    pickles = 0
    while stream.tell() < len(data) and (max_pickles is None or pickles < max_pickles):
        try:
            Recorder(stream, encoding="latin1").load()
        except Exception:
            break
        pickles += 1
    return found, pickles
