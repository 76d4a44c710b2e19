#!/usr/bin/python3
"""Writes the functional_io / performance_benchmark corpus under tests/corpus/functional/.

Run with Debian's python (apt-get install -y python3-onnx python3-torch python3-numpy):
    /usr/bin/python3 tests/corpus/make_functional_corpus.py
The outputs are committed; tests only read them. Weights are seeded so a rerun gives the same
models (the TorchScript zip may still differ in its archive metadata).
"""
import io
import os
import tarfile
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "functional")
OPSET = 13  # ONNX Runtime and libonnx 1.12 both support it.
IR_VERSION = 7  # the IR version of opset 13


def save_onnx(model, name, check=True):
    if check:
        onnx.checker.check_model(model)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(model.SerializeToString())


def gemm_relu_graph(rng, relu_input):
    """input[batch, 4] -> Gemm(W[2, 4], b[2], transB) -> Relu -> output[batch, 2]."""
    weight = numpy_helper.from_array(rng.standard_normal((2, 4)).astype(np.float32), "weight")
    bias = numpy_helper.from_array(rng.standard_normal(2).astype(np.float32), "bias")
    nodes = [
        helper.make_node("Gemm", ["input", "weight", "bias"], ["hidden"], transB=1, name="gemm"),
        helper.make_node("Relu", [relu_input], ["output"], name="relu"),
    ]
    return helper.make_graph(
        nodes,
        "tiny_gemm_relu",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 2])],
        [weight, bias],
    )


def make_model(graph):
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                             ir_version=IR_VERSION, producer_name="mlops-corpus")


def write_onnx_models():
    # Benign: a dynamic batch dimension, so the observed signature carries a -1.
    save_onnx(make_model(gemm_relu_graph(np.random.default_rng(0), "hidden")),
              "tiny_gemm_relu.onnx")
    # Invalid for the checker: Relu reads a tensor nothing produces.
    save_onnx(make_model(gemm_relu_graph(np.random.default_rng(0), "undefined_tensor")),
              "invalid_undefined_input.onnx", check=False)


class TinyLinear(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.linear(x))


def write_torchscript_model():
    torch.manual_seed(0)
    module = torch.jit.script(TinyLinear().eval())
    torch.jit.save(module, os.path.join(OUT, "tiny_linear.torchscript.pt"))


def write_zip(name, entries):
    """A zip with fixed timestamps; entries ending in '/' are directories."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry_name, data in entries:
            info = zipfile.ZipInfo(entry_name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o40755 if entry_name.endswith("/") else 0o100644) << 16
            archive.writestr(info, data)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(buffer.getvalue())


def write_tar_gz(name, entries):
    """A gzipped tar with fixed metadata; entries ending in '/' are directories."""
    with open(os.path.join(OUT, name), "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.USTAR_FORMAT) as archive:
            for entry_name, data in entries:
                info = tarfile.TarInfo(entry_name.rstrip("/"))
                info.mtime = 1767225600  # 2026-01-01
                if entry_name.endswith("/"):
                    info.type, info.mode = tarfile.DIRTYPE, 0o755
                    archive.addfile(info)
                else:
                    info.size, info.mode = len(data), 0o644
                    archive.addfile(info, io.BytesIO(data))


def write_savedmodel_archives():
    # No TensorFlow in Debian: the directory structure with placeholder contents.
    placeholder = b"placeholder: structure only, not a real SavedModel protobuf\n"
    layout = [
        ("my_model/", b""),
        ("my_model/saved_model.pb", placeholder),
        ("my_model/variables/", b""),
        ("my_model/variables/variables.index", b""),
        ("my_model/variables/variables.data-00000-of-00001", b""),
    ]
    write_zip("savedmodel_structure.zip", layout)
    # A tar of the directory's contents, as `tar -C my_model -czf ... .` makes it.
    write_tar_gz("savedmodel_structure.tar.gz",
                 [("./" + name[len("my_model/"):], data) for name, data in layout[1:]])
    write_zip("savedmodel_missing_variables.zip", [
        ("my_model/", b""),
        ("my_model/saved_model.pb", placeholder),
    ])


def main():
    os.makedirs(OUT, exist_ok=True)
    write_onnx_models()
    write_torchscript_model()
    write_savedmodel_archives()


if __name__ == "__main__":
    main()
