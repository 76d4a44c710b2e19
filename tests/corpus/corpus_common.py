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
    """Replaces the manifest entries whose path starts with `prefix` (a string or a tuple of them)
    by `entries`; keeps the rest (each generator owns its own directories' entries)."""
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


ELEMENT_SIZES = {"FloatStorage": 4, "DoubleStorage": 8, "HalfStorage": 2, "BFloat16Storage": 2,
                 "LongStorage": 8, "IntStorage": 4, "ShortStorage": 2, "CharStorage": 1,
                 "ByteStorage": 1, "BoolStorage": 1, "ComplexFloatStorage": 8,
                 "ComplexDoubleStorage": 16}


def stable_legacy_keys(raw):
    """torch's legacy torch.save names storages by their memory address (str(storage._cdata)) and
    writes them sorted by that name, so its bytes change on every run. Renames each key to its
    rank in order of first use by the data pickle (rewriting the string opcodes that hold it:
    protocols 0-3 pickles have no frame lengths to fix), rewrites the storage-keys pickle in that
    order and moves the raw storages to match."""
    import io as _io
    import pickle as _pickle
    import pickletools

    spans, position = [], 0
    for _ in range(5):
        for op, _, pos in pickletools.genops(raw[position:]):
            if op.name == "STOP":
                spans.append((position, position + pos + 1))
                position = position + pos + 1
                break
    used = []  # (key, storage type name), in order of first use

    class Reader(_pickle._Unpickler):
        def find_class(self, module, name):
            return type(name, (_StubBase,), {})

        def persistent_load(self, pid):
            if pid[0] == "storage" and pid[2] not in [k for k, _ in used]:
                used.append((pid[2], pid[1].__name__))
            return _StubBase()

    Reader(_io.BytesIO(raw[spans[3][0]:spans[3][1]]), encoding="latin1").load()
    keys_start, keys_end = spans[4]
    keys = _pickle.loads(raw[keys_start:keys_end])
    element = dict(used)
    blocks, position = {}, keys_end
    for key in keys:
        count = int.from_bytes(raw[position:position + 8], "little")
        size = 8 + count * ELEMENT_SIZES[element[key]]
        blocks[key] = raw[position:position + size]
        position += size
    assert position == len(raw), "unparsed bytes after the storages"
    order = [k for k, _ in used if k in blocks]
    assert sorted(order) == sorted(keys)
    renamed = {key: str(rank) for rank, key in enumerate(order)}
    head = raw[:keys_start]
    assert not raw[:2] == b"\x80\x04", "framed pickles: lengths cannot change"
    for key, new in renamed.items():
        k, n = key.encode(), new.encode()
        forms = [(b"X" + struct.pack("<I", len(k)) + k, b"X" + struct.pack("<I", len(n)) + n),
                 (b"\x8c" + bytes([len(k)]) + k, b"\x8c" + bytes([len(n)]) + n),
                 (b"V" + k + b"\n", b"V" + n + b"\n")]
        hits = sum(head.count(a) for a, _ in forms)
        assert hits >= 1, key
        for a, b in forms:
            head = head.replace(a, b)
    if raw[keys_start] == 0x80:
        protocol = raw[keys_start + 1]
    else:
        protocol = 1 if raw[keys_start:keys_start + 1] == b"]" else 0
    keys_pickle = _pickle.dumps([renamed[k] for k in order], protocol=protocol)
    return head + keys_pickle + b"".join(blocks[k] for k in order)


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
    """recorded_pairs as 'module.name' strings."""
    pairs, pickles = recorded_pairs(data, max_pickles)
    return ["%s.%s" % pair for pair in pairs], pickles


def recorded_pairs(data, max_pickles=None):
    """The globals Python's own unpickler resolves in `data`, as 'module.name' strings in stream
    order, over consecutive pickles (Unpickler.load repeated on one stream until it ends or a pickle
    fails). find_class records (module, name) - after protocol 0-2 name fixing, exactly as pickle
    imports - and returns a stub class instead of importing anything. Returns (globals, pickles)
    where pickles counts the pickles read to their STOP."""
    import io as _io
    import pickle as _pickle

    found = []

    # The pure-Python unpickler: same opcodes as the C one, and it exposes the stream's protocol,
    # which decides the protocol 0-2 name fixing (the C find_class does it internally).
    class Recorder(_pickle._Unpickler):
        def find_class(self, module, name):
            if self.proto < 3 and self.fix_imports:
                import _compat_pickle
                if (module, name) in _compat_pickle.NAME_MAPPING:
                    module, name = _compat_pickle.NAME_MAPPING[(module, name)]
                elif module in _compat_pickle.IMPORT_MAPPING:
                    module = _compat_pickle.IMPORT_MAPPING[module]
            found.append((module, name))
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
