#!/usr/bin/python3
"""Writes tests/corpus/security/differential/NNN.pkl (200 seeded random pickle streams) and
tests/corpus/security/pickletools_globals.json: for each stream, the globals Python's pickle
resolves, in stream order, over every pickle of the stream ("globals": "module.name" strings;
"pairs": the same as [module, name], unambiguous when a protocol 4 name holds dots; "pickles": how
many pickles the stream holds). A test compares them with the globals
our pickle reader reports.

Run with Debian's interpreter:  /usr/bin/python3 tests/corpus/make_pickle_differential.py
(standard library only; the output is the same on every run).

The streams are hand-assembled opcode by opcode: protocols 0-5 (and streams whose PROTO comes late
or twice), GLOBAL / STACK_GLOBAL / INST / OBJ / NEWOBJ / NEWOBJ_EX / REDUCE / BUILD, memo PUT /
BINPUT / LONG_BINPUT / MEMOIZE and GET / BINGET / LONG_BINGET (STACK_GLOBAL's strings often come
from the memo), persistent ids, frames, DUP / POP / POP_MARK noise, 1-4 pickles concatenated. Names
mix allowed torch/numpy globals with arbitrary ones (os.system, builtins.exec, Python 2 names that
protocol 0-2 pickles map: __builtin__.eval -> builtins.eval, copy_reg -> copyreg, ...).

Nothing is imported or executed: the expected globals come from pickle's own unpickler with a
find_class that records (module, name) - after the protocol 0-2 name fixing pickle applies - and
returns a harmless stub class (corpus_common.recorded_globals). The script also checks that
pickletools.genops parses every pickle of every stream and that the recorder read them all.
"""
import json
import os
import pickletools
import random
import shutil
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_common import SECURITY, recorded_pairs  # noqa: E402

OUT = os.path.join(SECURITY, "differential")
JSON = os.path.join(SECURITY, "pickletools_globals.json")
COUNT = 200

ALLOWED = [
    ("collections", "OrderedDict"), ("torch._utils", "_rebuild_tensor_v2"),
    ("torch._utils", "_rebuild_parameter"), ("torch", "Size"), ("torch", "FloatStorage"),
    ("torch", "LongStorage"), ("torch", "HalfStorage"), ("torch", "BFloat16Storage"),
    ("torch.jit._pickle", "build_intlist"), ("torch.jit._pickle", "build_tensorlist"),
    ("torch.jit._pickle", "restore_type_tag"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.numeric", "_frombuffer"), ("_codecs", "encode"), ("builtins", "set"),
    ("builtins", "frozenset"), ("builtins", "bytearray"), ("builtins", "complex"),
    ("__torch__", "Model"), ("__torch__.torch.nn.modules.linear", "Linear"),
]
ARBITRARY = [
    ("os", "system"), ("posix", "system"), ("nt", "system"), ("builtins", "exec"),
    ("builtins", "eval"), ("builtins", "getattr"), ("builtins", "__import__"),
    ("subprocess", "Popen"), ("subprocess", "check_output"), ("runpy", "_run_code"),
    ("webbrowser", "open"), ("socket", "create_connection"), ("shutil", "rmtree"),
    ("torch", "load"), ("numpy", "load"), ("pickle", "loads"), ("os.path", "join"),
    ("torch.serialization", "_check_container_source"), ("__main__", "Payload"),
    # Python 2 names: protocol 0-2 pickles (fix_imports) load them under their Python 3 names.
    ("__builtin__", "eval"), ("__builtin__", "set"), ("__builtin__", "getattr"),
    ("copy_reg", "_reconstructor"), ("UserDict", "UserDict"), ("exceptions", "OSError"),
    ("commands", "getoutput"), ("cPickle", "loads"),
    # Unusual but valid spellings.
    ("torch", "serialization.os.system"), ("torch._utils", "_rebuild_tensor_v2.__globals__"),
    ("modul\u00e9", "n\u00e4me"), ("a" * 60, "b" * 40), ("", "empty_module"),
]


class Stream:
    """One pickle being assembled: a list of complete opcodes (bytes) plus memo bookkeeping."""

    def __init__(self, rng, protocol):
        self.rng = rng
        self.protocol = protocol
        self.ops = []
        self.memo = {}          # index -> string value or None
        self.depth = 0

    # ---- scalars and strings -----------------------------------------------------------------
    def int_(self):
        r, p = self.rng, self.protocol
        value = r.choice([0, 1, 7, 255, 256, 65535, 65536, -1, -300, 2 ** 31 - 1, 2 ** 40,
                          -2 ** 70])
        if p == 0 or r.random() < 0.1:
            self.ops.append(b"I%d\n" % value if r.random() < 0.7 else b"L%d\n" % value)
        elif 0 <= value < 256:
            self.ops.append(b"K" + bytes([value]))
        elif 0 <= value < 65536:
            self.ops.append(b"M" + struct.pack("<H", value))
        elif -2 ** 31 <= value < 2 ** 31:
            self.ops.append(b"J" + struct.pack("<i", value))
        else:
            raw = value.to_bytes((value.bit_length() + 8) // 8, "little", signed=True)
            self.ops.append(b"\x8a" + bytes([len(raw)]) + raw)

    def float_(self):
        value = self.rng.choice([0.0, 0.5, -1.25, 1e300])
        if self.protocol == 0:
            self.ops.append(b"F" + repr(value).encode() + b"\n")
        else:
            self.ops.append(b"G" + struct.pack(">d", value))

    def const(self):
        r = self.rng
        which = r.choice(["none", "true", "false"])
        if which == "none":
            self.ops.append(b"N")
        elif self.protocol >= 2:
            self.ops.append(b"\x88" if which == "true" else b"\x89")
        else:
            self.ops.append(b"I01\n" if which == "true" else b"I00\n")

    def string(self, text):
        """Pushes str `text` with an opcode the protocol would use (or an older one)."""
        r, p = self.rng, self.protocol
        raw = text.encode("utf-8")
        ascii_ok = all(c < 128 for c in raw)
        choices = []
        if p <= 2 and ascii_ok and "'" not in text and "\\" not in text:
            choices.append("S")
        if p <= 2 and "\\" not in text and "\n" not in text:
            choices.append("V")
        if 1 <= p <= 3 and ascii_ok:
            choices.append("T" if len(raw) > 255 else "U")
        if p >= 1:
            choices.append("X")
        if p >= 4:
            choices += ["\x8c"] * 3 if len(raw) < 256 else []
            choices.append("\x8d")
        kind = r.choice(choices)
        if kind == "S":
            self.ops.append(b"S'" + raw + b"'\n")
        elif kind == "V":
            self.ops.append(b"V" + text.encode("raw-unicode-escape") + b"\n")
        elif kind == "T":
            self.ops.append(b"T" + struct.pack("<i", len(raw)) + raw)
        elif kind == "U":
            self.ops.append(b"U" + bytes([len(raw)]) + raw)
        elif kind == "X":
            self.ops.append(b"X" + struct.pack("<I", len(raw)) + raw)
        elif kind == "\x8c":
            self.ops.append(b"\x8c" + bytes([len(raw)]) + raw)
        else:
            self.ops.append(b"\x8d" + struct.pack("<Q", len(raw)) + raw)
        self.maybe_memoize(text)

    def bytes_(self):
        data = bytes(self.rng.randrange(256) for _ in range(self.rng.choice([0, 3, 300])))
        if self.protocol >= 3:
            if len(data) < 256:
                self.ops.append(b"C" + bytes([len(data)]) + data)
            else:
                self.ops.append(b"B" + struct.pack("<I", len(data)) + data)
        else:
            self.string("blob")  # older protocols pickle bytes through _codecs.encode

    # ---- memo ----------------------------------------------------------------------------------
    def maybe_memoize(self, value=None, chance=0.5):
        r, p = self.rng, self.protocol
        if r.random() >= chance:
            return
        if p >= 4 and r.random() < 0.6:
            index = len(self.memo)
            self.ops.append(b"\x94")                    # MEMOIZE: index len(memo)
        else:
            index = r.choice([len(self.memo), len(self.memo) + r.randrange(1, 300),
                              r.randrange(0, len(self.memo) + 1)])   # may overwrite
            if p == 0 or r.random() < 0.1:
                self.ops.append(b"p%d\n" % index)
            elif index < 256:
                self.ops.append(b"q" + bytes([index]))
            else:
                self.ops.append(b"r" + struct.pack("<I", index))
        self.memo[index] = value

    def get(self, index):
        r, p = self.rng, self.protocol
        if p == 0 or r.random() < 0.1:
            self.ops.append(b"g%d\n" % index)
        elif index < 256 and r.random() < 0.8:
            self.ops.append(b"h" + bytes([index]))
        else:
            self.ops.append(b"j" + struct.pack("<I", index))

    def push_name(self, text):
        """Pushes a string for STACK_GLOBAL: from the memo when it holds it, else a new string."""
        held = [i for i, v in self.memo.items() if v == text]
        if held and self.rng.random() < 0.6:
            self.get(self.rng.choice(held))
        else:
            self.string(text)

    # ---- globals and calls ---------------------------------------------------------------------
    def pick_name(self):
        r = self.rng
        module, name = r.choice(ALLOWED if r.random() < 0.55 else ARBITRARY)
        if "." in name and r.random() < 0.7:
            module, name = r.choice(ARBITRARY[:10])  # dotted names mostly via STACK_GLOBAL below
        return module, name

    def global_(self):
        r = self.rng
        module, name = self.pick_name()
        # GLOBAL lines are ASCII here (pickletools decodes them as ASCII); others go through
        # STACK_GLOBAL, whose strings are unicode.
        if r.random() < 0.4 or not (module + name).isascii():
            # Decoys: the strings appear first as harmless dict entries, memoized.
            if r.random() < 0.3:
                self.ops.append(b"}" if self.protocol >= 1 else b"(d")
                self.ops.append(b"(")
                self.string("module")
                self.string(module)
                self.string("name")
                self.string(name)
                self.ops.append(b"u")
                self.ops.append(b"0")
            self.push_name(module)
            self.push_name(name)
            self.ops.append(b"\x93")                    # STACK_GLOBAL
        else:
            if "." in name or "\n" in module + name:
                module, name = "os", "system"
            self.ops.append(b"c" + module.encode() + b"\n" + name.encode() + b"\n")
        self.maybe_memoize(chance=0.3)

    def args_tuple(self):
        r = self.rng
        n = r.randrange(0, 4)
        if n == 0 and self.protocol >= 1:
            self.ops.append(b")")
            return
        if 1 <= n <= 3 and self.protocol >= 2 and r.random() < 0.6:
            for _ in range(n):
                self.value()
            self.ops.append(b"\x84\x85\x86\x87"[n:n + 1])
            return
        self.ops.append(b"(")
        for _ in range(n):
            self.value()
        self.ops.append(b"t")

    def call(self):
        r = self.rng
        kind = r.choice(["reduce", "reduce", "inst", "obj", "newobj", "newobj_ex", "build"])
        if kind == "inst":
            module, name = self.pick_name()
            if "." in name or not (module + name).isascii() or not module:
                module, name = "builtins", "exec"  # INST reads ASCII lines
            self.ops.append(b"(")
            for _ in range(r.randrange(0, 3)):
                self.value()
            self.ops.append(b"i" + module.encode() + b"\n" + name.encode() + b"\n")
        elif kind == "obj":
            self.ops.append(b"(")
            self.global_()
            for _ in range(r.randrange(0, 3)):
                self.value()
            self.ops.append(b"o")
        elif kind == "newobj":
            self.global_()
            self.args_tuple()
            self.ops.append(b"\x81")
        elif kind == "newobj_ex":
            self.global_()
            self.args_tuple()
            self.ops.append(b"}")
            self.ops.append(b"\x92")
        else:
            self.global_()
            self.args_tuple()
            self.ops.append(b"R")
            if kind == "build":
                self.state()
                self.ops.append(b"b")
        self.maybe_memoize(chance=0.3)

    def state(self):
        """BUILD's state: a dict, or (None, slot dict)."""
        if self.rng.random() < 0.5:
            self.dict_()
        elif self.protocol >= 2:
            self.ops.append(b"N")
            self.dict_()
            self.ops.append(b"\x86")
        else:
            self.ops.append(b"(N")
            self.dict_()
            self.ops.append(b"t")

    def persistent(self):
        if self.protocol == 0:
            self.ops.append(b"Pstorage_%d\n" % self.rng.randrange(100))
        else:
            self.ops.append(b"(")
            self.string("storage")
            self.global_()
            self.string(str(self.rng.randrange(100)))
            self.string("cpu")
            self.int_()
            self.ops.append(b"t")
            self.ops.append(b"Q")

    # ---- containers ----------------------------------------------------------------------------
    def list_(self):
        r = self.rng
        n = r.randrange(0, 4)
        if self.protocol == 0:
            self.ops.append(b"(")
            for _ in range(n):
                self.value()
            self.ops.append(b"l")
            return
        self.ops.append(b"]")
        self.maybe_memoize(chance=0.3)
        if n == 1 and r.random() < 0.5:
            self.value()
            self.ops.append(b"a")
        elif n:
            self.ops.append(b"(")
            for _ in range(n):
                self.value()
            self.ops.append(b"e")

    def dict_(self):
        r = self.rng
        n = r.randrange(0, 3)
        if self.protocol == 0:
            self.ops.append(b"(")
            for i in range(n):
                self.string("k%d" % i)
                self.value()
            self.ops.append(b"d")
            return
        self.ops.append(b"}")
        if n:
            self.ops.append(b"(")
            for i in range(n):
                self.string("k%d" % i)
                self.value()
            self.ops.append(b"u")

    def tuple_(self):
        self.args_tuple()

    def set_(self):
        if self.protocol < 4:
            return self.list_()
        r = self.rng
        if r.random() < 0.5:
            self.ops.append(b"\x8f(")
            for i in range(r.randrange(0, 3)):
                self.string("s%d" % i)
            self.ops.append(b"\x90")
        else:
            self.ops.append(b"(")
            for i in range(r.randrange(0, 3)):
                self.int_()
            self.ops.append(b"\x91")

    def noise(self):
        r = self.rng
        choice = r.randrange(3)
        if choice == 0:
            self.value()
            self.ops.append(b"2")                       # DUP
            self.ops.append(b"0")                       # POP
        elif choice == 1:
            self.ops.append(b"(")
            self.value()
            self.ops.append(b"1")                       # POP_MARK
        else:
            self.value()
            self.ops.append(b"0")

    # ---- one value -----------------------------------------------------------------------------
    def value(self):
        r = self.rng
        self.depth += 1
        if self.depth > 4:
            kinds = ["int", "str", "const", "global"]
        else:
            kinds = ["int", "float", "str", "const", "bytes", "global", "call", "call", "call",
                     "list", "dict", "tuple", "set", "get", "persistent", "noise"]
        kind = r.choice(kinds)
        if kind == "get" and not self.memo:
            kind = "str"
        if kind == "int":
            self.int_()
        elif kind == "float":
            self.float_()
        elif kind == "str":
            self.string(r.choice(["weight", "bias", "os", "system", "torch", "cpu", "layer.0",
                                  "\u00e9t\u00e9", "x" * 300]))
        elif kind == "const":
            self.const()
        elif kind == "bytes":
            self.bytes_()
        elif kind == "global":
            self.global_()
        elif kind == "call":
            self.call()
        elif kind == "list":
            self.list_()
        elif kind == "dict":
            self.dict_()
        elif kind == "tuple":
            self.tuple_()
        elif kind == "set":
            self.set_()
        elif kind == "get":
            self.get(r.choice(sorted(self.memo)))
        elif kind == "persistent":
            self.persistent()
        else:
            self.noise()
            self.value()
        self.depth -= 1


def one_pickle(rng, protocol, late_proto):
    s = Stream(rng, protocol)
    if late_proto:
        # Starts at protocol 0 (Python 2 names are mapped), PROTO only later.
        s.protocol = 0
        s.noise()
        s.global_()
        s.ops.append(b"0")
        s.protocol = protocol
        s.ops.append(b"\x80" + bytes([protocol]))
    elif protocol >= 2:
        s.ops.append(b"\x80" + bytes([protocol]))
    for _ in range(rng.randrange(1, 4)):
        s.value()
        if rng.random() < 0.5:
            s.ops.append(b"0")
    s.value()
    if rng.random() < 0.1 and protocol >= 2:
        s.ops.append(b"\x80" + bytes([rng.choice([2, 3, 4, 5])]))   # a second PROTO
    s.ops.append(b".")
    ops = s.ops
    if protocol >= 4 and not late_proto and rng.random() < 0.8:
        # Frames: consecutive runs of whole opcodes, some left unframed.
        framed, i = [ops[0]], 1
        while i < len(ops):
            n = rng.randrange(1, 12)
            chunk = b"".join(ops[i:i + n])
            if rng.random() < 0.8:
                framed.append(b"\x95" + struct.pack("<Q", len(chunk)) + chunk)
            else:
                framed.append(chunk)
            i += n
        ops = framed
    return b"".join(ops)


def make_stream(index):
    rng = random.Random(index)
    pickles = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
        protocol = rng.choices([0, 1, 2, 3, 4, 5], weights=[20, 10, 25, 10, 20, 15])[0]
        late = protocol >= 2 and rng.random() < 0.1
        pickles.append(one_pickle(rng, protocol, late))
    return b"".join(pickles), len(pickles)


def genops_pickles(data):
    """pickletools.genops over every pickle of the stream; returns how many it parsed."""
    position, count = 0, 0
    while position < len(data):
        for op, _, pos in pickletools.genops(data[position:]):
            if op.name == "STOP":
                position += pos + 1
                count += 1
                break
    return count


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    result, opcodes = [], set()
    index, seed = 0, 0
    while index < COUNT:
        data, count = make_stream(seed)
        seed += 1
        pairs, loaded = recorded_pairs(data)
        if loaded != count:
            continue  # the generator's rare ill-formed stream (stack misuse): skipped
        assert genops_pickles(data) == count
        position = 0
        while position < len(data):
            for op, _, pos in pickletools.genops(data[position:]):
                opcodes.add(op.name)
                if op.name == "STOP":
                    position += pos + 1
                    break
        name = "%03d.pkl" % index
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        result.append({"path": "security/differential/" + name, "pickles": count,
                       "globals": ["%s.%s" % pair for pair in pairs],
                       "pairs": [list(pair) for pair in pairs]})
        index += 1
    with open(JSON, "w") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write("\n")
    total = sum(len(r["globals"]) for r in result)
    print("%d streams (%d seeds tried), %d globals; opcodes: %s"
          % (COUNT, seed, total, " ".join(sorted(opcodes))))


if __name__ == "__main__":
    main()
