#!/usr/bin/python3
"""Writes the ONNX coverage corpus under tests/corpus/onnx_models/.

Models as users export them: `torch.onnx.export` from Debian's PyTorch, opsets 13 and 17, random
(seeded) weights, widths reduced where a file would exceed a few MB. For each model the script
records PyTorch's own outputs on seeded inputs (at two shapes for models with dynamic dimensions)
as test vectors, in the form a version's `parameters.test_vectors` takes (base64 little-endian
data), so tests can upload a vectors file as the version's parameters unchanged.

Run with Debian's python (apt-get install -y python3-torch python3-torchvision python3-onnx):
    /usr/bin/python3 tests/corpus/make_onnx_model_corpus.py
The outputs are committed; tests only read them.

    /usr/bin/python3 tests/corpus/make_onnx_model_corpus.py --full-size DIR
writes, in the same form, torchvision CNNs at their full widths and 224x224 inputs (tens of MB
each, not committed) for the engine comparison in bench/README.md.
"""
import base64
import json
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models import efficientnet, resnet

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "onnx_models")

# Tolerance the vectors declare: |actual - expected| <= atol + rtol * |expected|, elementwise.
DEFAULT_ATOL = 1e-4
DEFAULT_RTOL = 1e-3


# ---------------------------------------------------------------------------------------------
# Models that torchvision does not have: the shapes of diffusion, VAE, CLIP and GPT blocks.


def sinusoidal_embedding(timesteps, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = timesteps.float()[:, None] * freqs[None, :]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, channels, emb_dim, groups=4):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, channels)
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.emb = nn.Linear(emb_dim, channels)
        self.norm2 = nn.GroupNorm(groups, channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return x + h


class DiffusionUNetBlock(nn.Module):
    """Down, middle, nearest upsample, skip: a Stable-Diffusion-shaped UNet block."""

    def __init__(self, channels=16, emb_dim=32):
        super().__init__()
        self.emb_dim = emb_dim
        self.time_mlp = nn.Sequential(nn.Linear(emb_dim, emb_dim), nn.SiLU(),
                                      nn.Linear(emb_dim, emb_dim))
        self.conv_in = nn.Conv2d(4, channels, 3, padding=1)
        self.down = ResBlock(channels, emb_dim)
        self.downsample = nn.Conv2d(channels, channels, 3, stride=2, padding=1)
        self.mid = ResBlock(channels, emb_dim)
        self.up_conv = nn.Conv2d(channels, channels, 3, padding=1)
        self.up = ResBlock(channels, emb_dim)
        self.norm_out = nn.GroupNorm(4, channels)
        self.conv_out = nn.Conv2d(channels, 4, 3, padding=1)

    def forward(self, sample, timestep):
        emb = self.time_mlp(sinusoidal_embedding(timestep, self.emb_dim))
        h = self.conv_in(sample)
        skip = self.down(h, emb)
        h = self.mid(self.downsample(skip), emb)
        h = self.up_conv(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = self.up(h + skip, emb)
        return self.conv_out(F.silu(self.norm_out(h)))


class VaeDecoder(nn.Module):
    """latent [N, 4, h, w] -> image [N, 3, 4h, 4w] through ConvTranspose2d upsampling."""

    def __init__(self, channels=32):
        super().__init__()
        self.conv_in = nn.Conv2d(4, channels, 3, padding=1)
        self.block = ResBlock(channels, 1)
        self.up1 = nn.ConvTranspose2d(channels, channels // 2, 4, stride=2, padding=1)
        self.norm1 = nn.GroupNorm(4, channels // 2)
        self.up2 = nn.ConvTranspose2d(channels // 2, channels // 4, 4, stride=2, padding=1)
        self.norm2 = nn.GroupNorm(4, channels // 4)
        self.conv_out = nn.Conv2d(channels // 4, 3, 3, padding=1)

    def forward(self, latent):
        h = self.conv_in(latent)
        h = self.block.conv2(F.silu(self.block.norm2(self.block.conv1(F.silu(self.block.norm1(h))))))
        h = F.silu(self.norm1(self.up1(h)))
        h = F.silu(self.norm2(self.up2(h)))
        return torch.tanh(self.conv_out(h))


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class CausalSelfAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q = q.reshape(b, t, self.heads, c // self.heads).transpose(1, 2)
        k = k.reshape(b, t, self.heads, c // self.heads).transpose(1, 2)
        v = v.reshape(b, t, self.heads, c // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(c // self.heads)
        causal = torch.ones(t, t, dtype=torch.bool).triu(1)
        att = att.masked_fill(causal, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, c)
        return self.proj(y)


class ClipTextEncoder(nn.Module):
    """token ids int64 [N, T] -> (last_hidden_state [N, T, D], pooled [N, D]) as CLIP does:
    pooled is the state at each sequence's highest token id (the end-of-text token)."""

    def __init__(self, vocab=1000, max_len=16, dim=32, heads=4, layers=2):
        super().__init__()
        self.token = nn.Embedding(vocab, dim)
        self.position = nn.Parameter(torch.randn(max_len, dim) * 0.02)
        self.blocks = nn.ModuleList()
        for _ in range(layers):
            self.blocks.append(nn.ModuleDict({
                "ln1": nn.LayerNorm(dim), "attn": CausalSelfAttention(dim, heads),
                "ln2": nn.LayerNorm(dim),
                "mlp": nn.Sequential(nn.Linear(dim, 4 * dim), QuickGELU(), nn.Linear(4 * dim, dim)),
            }))
        self.final = nn.LayerNorm(dim)

    def forward(self, input_ids):
        x = self.token(input_ids) + self.position[: input_ids.shape[1]]
        for block in self.blocks:
            x = x + block["attn"](block["ln1"](x))
            x = x + block["mlp"](block["ln2"](x))
        x = self.final(x)
        eot = input_ids.argmax(dim=-1)
        pooled = x[torch.arange(x.shape[0]), eot]
        return x, pooled


class GptBlock(nn.Module):
    def __init__(self, dim=32, heads=4):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = CausalSelfAttention(dim, heads)
        self.ln2 = nn.LayerNorm(dim)
        self.fc = nn.Linear(dim, 4 * dim)
        self.out = nn.Linear(4 * dim, dim)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class EinsumAttention(nn.Module):
    def __init__(self, dim=32, heads=4):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, c = x.shape
        h = self.heads
        q = self.q(x).reshape(b, t, h, c // h)
        k = self.k(x).reshape(b, t, h, c // h)
        v = self.v(x).reshape(b, t, h, c // h)
        att = torch.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(c // h)
        return torch.einsum("bhqk,bkhd->bqhd", att.softmax(-1), v).reshape(b, t, c)


class GemmNoTranspose(nn.Module):
    """addmm with a [in, out] weight: Gemm with transB=0 (nn.Linear exports transB=1)."""

    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(16, 32) * 0.2)
        self.b1 = nn.Parameter(torch.randn(32) * 0.1)
        self.w2 = nn.Parameter(torch.randn(32, 8) * 0.2)
        self.b2 = nn.Parameter(torch.randn(8) * 0.1)

    def forward(self, x):
        return torch.addmm(self.b2, torch.relu(torch.addmm(self.b1, x, self.w1)), self.w2)


class FullyConvolutional(nn.Module):
    """Symbolic batch, height and width: conv, batch norm, bilinear resize back to the input."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16),
                                  nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16),
                                  nn.ReLU(), nn.Conv2d(16, 5, 1))

    def forward(self, x):
        return F.interpolate(self.body(x), size=x.shape[2:], mode="bilinear", align_corners=False)


class Conv1dAudio(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv1d(1, 16, 9, stride=2, padding=4), nn.BatchNorm1d(16),
                                  nn.ReLU(), nn.MaxPool1d(2), nn.Conv1d(16, 32, 5, padding=2),
                                  nn.ReLU())
        self.head = nn.Linear(32, 6)

    def forward(self, waveform):
        return self.head(self.body(waveform).mean(dim=-1))


class BagOfEmbeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(500, 24)
        self.head = nn.Linear(24, 4)

    def forward(self, input_ids):
        return self.head(self.embedding(input_ids).mean(dim=1))


class MaskedEncoder(nn.Module):
    """A BERT-shaped encoder taking token ids and a bool padding mask."""

    def __init__(self, dim=32):
        super().__init__()
        self.embedding = nn.Embedding(200, dim)
        self.attn = nn.MultiheadAttention(dim, 4, batch_first=True)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, 2)

    def forward(self, input_ids, padding_mask):
        x = self.embedding(input_ids)
        attended, _ = self.attn(x, x, x, key_padding_mask=padding_mask, need_weights=False)
        x = self.norm(x + attended)
        keep = (~padding_mask).unsqueeze(-1).float()
        return self.head((x * keep).sum(1) / keep.sum(1).clamp(min=1.0))


class SuperResolution(nn.Module):
    """ESPCN: convolutions then PixelShuffle (DepthToSpace)."""

    def __init__(self, scale=3):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.Tanh(),
                                  nn.Conv2d(32, 16, 3, padding=1), nn.Tanh(),
                                  nn.Conv2d(16, scale * scale, 3, padding=1))
        self.shuffle = nn.PixelShuffle(scale)

    def forward(self, x):
        return self.shuffle(self.body(x))


class UNetSegmentation(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU())
        self.enc2 = nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.ReLU())
        self.up = nn.ConvTranspose2d(16, 8, 2, stride=2)
        self.dec = nn.Sequential(nn.Conv2d(16, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 3, 1))

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(e1)
        return self.dec(torch.cat([self.up(e2), e1], dim=1))


class TopKClassifier(nn.Module):
    """Scores and the indices of the top 3 classes: an int64 output beside a float one."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 10))

    def forward(self, features):
        scores = self.fc(features).softmax(-1)
        values, indices = scores.topk(3, dim=-1)
        return values, indices


class StyleTransfer(nn.Module):
    """Fast neural style shaped: reflection padding, instance norm, residual, upsampling."""

    def __init__(self):
        super().__init__()

        def conv(cin, cout, k, stride=1):
            return nn.Sequential(nn.ReflectionPad2d(k // 2), nn.Conv2d(cin, cout, k, stride),
                                 nn.InstanceNorm2d(cout, affine=True), nn.ReLU())

        self.down = nn.Sequential(conv(3, 8, 9), conv(8, 16, 3, 2))
        self.res = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(16, 16, 3),
                                 nn.InstanceNorm2d(16, affine=True))
        self.up = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), conv(16, 8, 3))
        self.out = nn.Sequential(nn.ReflectionPad2d(4), nn.Conv2d(8, 3, 9))

    def forward(self, x):
        h = self.down(x)
        h = h + self.res(h)
        return self.out(self.up(h))


class GeluActivation(nn.Module):
    """A module activation: keeps TransformerEncoderLayer off its fused fast path, which
    torch.onnx cannot export."""

    def forward(self, x):
        return F.gelu(x)


def slim_resnet18(num_classes=10, widths=(16, 32, 64, 128)):
    """torchvision's ResNet-18 (BasicBlock, [2, 2, 2, 2]) at a quarter of its widths."""
    model = resnet.ResNet(resnet.BasicBlock, [2, 2, 2, 2], num_classes=num_classes)
    model.inplanes = widths[0]
    model.conv1 = nn.Conv2d(3, widths[0], 7, 2, 3, bias=False)
    model.bn1 = nn.BatchNorm2d(widths[0])
    model.layer1 = model._make_layer(resnet.BasicBlock, widths[0], 2)
    model.layer2 = model._make_layer(resnet.BasicBlock, widths[1], 2, stride=2)
    model.layer3 = model._make_layer(resnet.BasicBlock, widths[2], 2, stride=2)
    model.layer4 = model._make_layer(resnet.BasicBlock, widths[3], 2, stride=2)
    model.fc = nn.Linear(widths[3], num_classes)
    return model


def small_efficientnet_b0():
    setting, last_channel = efficientnet._efficientnet_conf("efficientnet_b0", width_mult=0.5,
                                                            depth_mult=0.5)
    return efficientnet.EfficientNet(setting, 0.2, num_classes=10, last_channel=last_channel)


def randomize_normalization(model, generator):
    """Random running statistics and affine parameters for every normalization layer. With the
    defaults (mean 0, var 1, weight 1, bias 0) batch norm is nearly the identity, so a runtime
    that mishandles it would still match; and torch.onnx deduplicates equal initializers into
    Identity nodes, which trained weights would not produce."""
    for module in model.modules():
        if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
            module.running_mean.copy_(torch.randn(module.num_features, generator=generator) * 0.1)
            module.running_var.copy_(torch.rand(module.num_features, generator=generator) + 0.5)
        if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d, nn.GroupNorm, nn.LayerNorm,
                               nn.InstanceNorm2d)):
            if getattr(module, "weight", None) is not None:
                module.weight.copy_(1 + 0.1 * torch.randn(module.weight.shape, generator=generator))
            if getattr(module, "bias", None) is not None:
                module.bias.copy_(0.1 * torch.randn(module.bias.shape, generator=generator))
    # Biases initialised to zero (torchvision's convolutions, attention projections) and layers
    # deep-copied from one another (nn.TransformerEncoder) likewise.
    seen = []
    for parameter in model.parameters():
        flat = parameter.detach().flatten()
        constant = flat.numel() > 1 and bool((flat == flat[0]).all())
        if constant or any(q.shape == parameter.shape and torch.equal(q, parameter) for q in seen):
            parameter.add_(0.05 * torch.randn(parameter.shape, generator=generator))
        seen.append(parameter.detach().clone())


# ---------------------------------------------------------------------------------------------
# The corpus: each entry is a model, how it is exported, and the input shapes of its vectors.


def f32(*shape):
    return ("float32", shape)


def i64(*shape, high=10):
    return ("int64", shape, high)


def boolean(*shape):
    return ("bool", shape)


# name: (constructor, input names, output names, dynamic axes or None, opset,
#        [input specs per test vector], what it exercises)
CORPUS = [
    ("resnet18", slim_resnet18, ["input"], ["logits"], None, 13,
     [[f32(1, 3, 64, 64)]], "torchvision ResNet-18 (quarter widths): Conv, BatchNorm, MaxPool, "
     "residual Add, GlobalAveragePool, Gemm"),
    ("resnet18_dynamic", slim_resnet18, ["input"], ["logits"],
     {"input": {0: "batch", 2: "height", 3: "width"}, "logits": {0: "batch"}}, 17,
     [[f32(1, 3, 64, 64)], [f32(2, 3, 48, 80)]],
     "the same ResNet-18 with symbolic batch, height and width, opset 17"),
    ("mobilenet_v2", lambda: torchvision.models.mobilenet_v2(weights=None, width_mult=0.35,
                                                            num_classes=10),
     ["input"], ["logits"], {"input": {0: "batch"}, "logits": {0: "batch"}}, 13,
     [[f32(1, 3, 64, 64)], [f32(3, 3, 64, 64)]],
     "torchvision MobileNetV2 (width 0.35): depthwise Conv, Clip (ReLU6), dynamic batch"),
    ("mobilenet_v3_small", lambda: torchvision.models.mobilenet_v3_small(
        weights=None, width_mult=0.5, num_classes=10), ["input"], ["logits"], None, 13,
     [[f32(1, 3, 64, 64)]], "torchvision MobileNetV3-Small (width 0.5): HardSwish, "
     "HardSigmoid, squeeze-and-excitation"),
    ("mobilenet_v3_large", lambda: torchvision.models.mobilenet_v3_large(
        weights=None, width_mult=0.5, num_classes=10), ["input"], ["logits"], None, 17,
     [[f32(1, 3, 64, 64)]], "torchvision MobileNetV3-Large (width 0.5), opset 17"),
    ("efficientnet_b0", small_efficientnet_b0, ["input"], ["logits"], None, 13,
     [[f32(1, 3, 64, 64)]], "torchvision EfficientNet-B0 (width and depth 0.5): SiLU, "
     "Sigmoid gating, stochastic depth off in eval"),
    ("squeezenet1_1", lambda: torchvision.models.squeezenet1_1(weights=None, num_classes=10),
     ["input"], ["logits"], None, 13, [[f32(1, 3, 64, 64)]],
     "torchvision SqueezeNet 1.1: Concat of fire modules, ceil-mode MaxPool"),
    ("shufflenet_v2", lambda: torchvision.models.shufflenet_v2_x0_5(weights=None,
                                                                   num_classes=10),
     ["input"], ["logits"], None, 13, [[f32(1, 3, 64, 64)]],
     "torchvision ShuffleNetV2 x0.5: channel shuffle (Reshape, Transpose), Split"),
    ("densenet_small", lambda: torchvision.models.DenseNet(
        growth_rate=8, block_config=(2, 2, 2, 2), num_init_features=16, num_classes=10),
     ["input"], ["logits"], None, 13, [[f32(1, 3, 64, 64)]],
     "torchvision DenseNet (growth 8, four blocks of 2): dense Concat, AveragePool"),
    ("mnasnet", lambda: torchvision.models.mnasnet0_5(weights=None, num_classes=10),
     ["input"], ["logits"], None, 13, [[f32(1, 3, 64, 64)]], "torchvision MNASNet 0.5"),
    ("vit_tiny", lambda: torchvision.models.VisionTransformer(
        image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64,
        num_classes=10), ["input"], ["logits"], None, 17, [[f32(1, 3, 32, 32)]],
     "torchvision VisionTransformer (2 layers, dim 32): patch Conv, class token, "
     "MultiheadAttention, LayerNormalization (opset 17), GELU"),
    ("diffusion_unet_block", DiffusionUNetBlock, ["sample", "timestep"], ["noise_pred"], None,
     13, [[f32(1, 4, 16, 16), i64(1, high=1000)]],
     "diffusion UNet block: GroupNorm, SiLU, nearest upsample, sinusoidal timestep embedding "
     "from an int64 input"),
    ("vae_decoder", VaeDecoder, ["latent"], ["image"],
     {"latent": {0: "batch", 2: "height", 3: "width"},
      "image": {0: "batch", 2: "out_height", 3: "out_width"}}, 13,
     [[f32(1, 4, 8, 8)], [f32(2, 4, 6, 10)]],
     "VAE decoder: ConvTranspose2d, GroupNorm, SiLU, Tanh, symbolic spatial dims"),
    ("clip_text_encoder", ClipTextEncoder, ["input_ids"], ["last_hidden_state", "pooled"],
     {"input_ids": {0: "batch", 1: "sequence"},
      "last_hidden_state": {0: "batch", 1: "sequence"}, "pooled": {0: "batch"}}, 17,
     [[i64(1, 16, high=1000)], [i64(2, 7, high=1000)]],
     "CLIP-style text encoder: int64 token ids, causal mask, QuickGELU, ArgMax pooling, two "
     "outputs, opset 17"),
    ("transformer_encoder_layer",
     lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(
         32, 4, 64, dropout=0.0, activation=GeluActivation(), batch_first=True), 2),
     ["tokens"], ["encoded"], {"tokens": {1: "sequence"}, "encoded": {1: "sequence"}}, 13,
     [[f32(1, 10, 32)], [f32(1, 4, 32)]],
     "torch.nn.TransformerEncoder (2 layers, batch_first): MultiheadAttention, LayerNorm "
     "decomposed at opset 13"),
    ("gpt_block", GptBlock, ["hidden"], ["output"],
     {"hidden": {0: "batch", 1: "sequence"}, "output": {0: "batch", 1: "sequence"}}, 17,
     [[f32(1, 12, 32)], [f32(2, 5, 32)]],
     "GPT block: causal mask (Trilu, Where with -inf), Softmax, tanh GELU, LayerNormalization"),
    ("lstm", lambda: nn.LSTM(16, 32, num_layers=2, batch_first=True), ["sequence"],
     ["output", "h_n", "c_n"],
     {"sequence": {1: "time"}, "output": {1: "time"}}, 13,
     [[f32(1, 20, 16)], [f32(1, 7, 16)]], "two-layer LSTM: three outputs, dynamic time axis"),
    ("gru_bidirectional", lambda: nn.GRU(16, 24, batch_first=True, bidirectional=True),
     ["sequence"], ["output", "h_n"], {"sequence": {1: "time"}, "output": {1: "time"}}, 13,
     [[f32(1, 15, 16)], [f32(1, 6, 16)]], "bidirectional GRU, dynamic time axis"),
    ("einsum_attention", EinsumAttention, ["tokens"], ["attended"], None, 13,
     [[f32(2, 8, 32)]], "attention written with Einsum"),
    ("gemm_transb0", GemmNoTranspose, ["features"], ["output"],
     {"features": {0: "batch"}, "output": {0: "batch"}}, 13, [[f32(4, 16)], [f32(1, 16)]],
     "Gemm with transB=0 (torch.addmm), dynamic batch"),
    ("fully_convolutional", FullyConvolutional, ["image"], ["segmentation"],
     {"image": {0: "batch", 2: "height", 3: "width"},
      "segmentation": {0: "batch", 2: "height", 3: "width"}}, 13,
     [[f32(1, 3, 32, 32)], [f32(2, 3, 24, 40)]],
     "symbolic batch/height/width; output resized back to the input's size (Shape, Resize)"),
    ("conv1d_audio", Conv1dAudio, ["waveform"], ["logits"],
     {"waveform": {2: "samples"}}, 13, [[f32(1, 1, 400)], [f32(1, 1, 256)]],
     "Conv1d, BatchNorm1d, MaxPool1d, ReduceMean over a dynamic time axis"),
    ("bag_of_embeddings", BagOfEmbeddings, ["input_ids"], ["logits"],
     {"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch"}}, 13,
     [[i64(2, 12, high=500)], [i64(1, 5, high=500)]], "Gather from an embedding, ReduceMean"),
    ("masked_encoder", MaskedEncoder, ["input_ids", "padding_mask"], ["logits"], None, 13,
     [[i64(2, 9, high=200), boolean(2, 9)]],
     "BERT-shaped: int64 ids and a bool padding mask (two inputs), MultiheadAttention with "
     "key_padding_mask"),
    ("super_resolution", SuperResolution, ["low_res"], ["high_res"],
     {"low_res": {2: "height", 3: "width"}, "high_res": {2: "out_height", 3: "out_width"}}, 13,
     [[f32(1, 1, 16, 16)], [f32(1, 1, 12, 20)]], "ESPCN: Tanh, PixelShuffle (DepthToSpace)"),
    ("unet_segmentation", UNetSegmentation, ["image"], ["mask"], None, 13,
     [[f32(1, 3, 32, 32)]], "UNet: MaxPool, ConvTranspose2d, skip Concat"),
    ("topk_classifier", TopKClassifier, ["features"], ["scores", "classes"],
     {"features": {0: "batch"}, "scores": {0: "batch"}, "classes": {0: "batch"}}, 13,
     [[f32(3, 20)], [f32(1, 20)]], "Softmax then TopK: a float and an int64 output"),
    ("style_transfer", StyleTransfer, ["content"], ["stylized"], None, 13,
     [[f32(1, 3, 32, 32)]], "fast neural style: ReflectionPad (Pad reflect), "
     "InstanceNormalization, nearest Upsample"),
]


# Full-size torchvision CNNs, for the benchmark only (--full-size DIR).
FULL_SIZE = [
    (name, constructor, ["input"], ["logits"], None, 13, [[f32(1, 3, 224, 224)]],
     f"torchvision {name} at full width, 224x224")
    for name, constructor in [
        ("resnet18_224", lambda: torchvision.models.resnet18(weights=None)),
        ("resnet50_224", lambda: torchvision.models.resnet50(weights=None)),
        ("mobilenet_v3_large_224", lambda: torchvision.models.mobilenet_v3_large(weights=None)),
        ("efficientnet_b0_224", lambda: torchvision.models.efficientnet_b0(weights=None)),
        ("squeezenet1_1_224", lambda: torchvision.models.squeezenet1_1(weights=None)),
        ("densenet121_224", lambda: torchvision.models.densenet121(weights=None)),
        ("mnasnet1_0_224", lambda: torchvision.models.mnasnet1_0(weights=None)),
    ]
]


# ---------------------------------------------------------------------------------------------


def make_input(spec, generator):
    kind, shape = spec[0], spec[1]
    if kind == "float32":
        return torch.rand(*shape, generator=generator)
    if kind == "int64":
        return torch.randint(0, spec[2], shape, generator=generator, dtype=torch.int64)
    if kind == "bool":
        mask = torch.rand(*shape, generator=generator) < 0.3
        mask[..., 0] = False  # every sequence keeps a token
        return mask
    raise ValueError(kind)


# numpy dtype -> the element type names of a version's parameters (runtime/tensor.h).
ELEMENT_TYPE_NAMES = {np.dtype(n): n for n in ("float32", "float64", "float16", "int8", "int16",
                                              "int32", "int64", "uint8", "uint16", "uint32",
                                              "uint64", "bool")}


def encode(name, array):
    array = np.ascontiguousarray(array)
    dtype = ELEMENT_TYPE_NAMES[array.dtype]
    return {"name": name, "dtype": dtype, "shape": list(array.shape),
            "data_base64": base64.b64encode(array.astype(array.dtype.newbyteorder("<"))
                                            .tobytes()).decode("ascii")}


def flatten_outputs(result):
    if isinstance(result, torch.Tensor):
        return [result]
    flat = []
    for item in result:
        flat.extend(flatten_outputs(item))
    return flat


def export(name, constructor, input_names, output_names, dynamic_axes, opset, vectors, what,
           seed):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = constructor()
    model.eval()
    with torch.no_grad():
        randomize_normalization(model, generator)
    inputs_per_vector = [[make_input(spec, generator) for spec in specs] for specs in vectors]
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(model, tuple(inputs_per_vector[0]), path, input_names=input_names,
                      output_names=output_names, dynamic_axes=dynamic_axes or {},
                      opset_version=opset, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    test_vectors = []
    with torch.no_grad():
        for inputs in inputs_per_vector:
            outputs = flatten_outputs(model(*inputs))
            test_vectors.append({
                "inputs": [encode(n, t.numpy()) for n, t in zip(input_names, inputs)],
                "outputs": [encode(n, t.numpy()) for n, t in zip(output_names, outputs)],
            })
    write_vectors(name, test_vectors)
    return manifest_entry(name, opset, what, dynamic_axes is not None, test_vectors)


def write_vectors(name, test_vectors, atol=DEFAULT_ATOL, rtol=DEFAULT_RTOL):
    parameters = {"test_vectors": test_vectors, "test_vector_tolerance": {"atol": atol, "rtol": rtol}}
    with open(os.path.join(OUT, name + ".vectors.json"), "w") as f:
        json.dump(parameters, f, separators=(",", ":"))
        f.write("\n")


def manifest_entry(name, opset, what, dynamic, test_vectors):
    return {"name": name, "model": name + ".onnx", "vectors": name + ".vectors.json",
            "opset": opset, "dynamic": dynamic,
            "shapes": [[i["shape"] for i in v["inputs"]] for v in test_vectors], "what": what}


def save_helper_model(graph, opset=13, ir_version=7):
    """Writes a graph built with onnx.helper as <graph name>.onnx, checked where this onnx
    knows the opset."""
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              ir_version=ir_version, producer_name="mlops-corpus")
    if opset <= onnx.defs.onnx_opset_version():
        onnx.checker.check_model(model, full_check=True)
    with open(os.path.join(OUT, graph.name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def write_float16_mlp(seed):
    """An FP16 model end to end (float16 inputs, weights, outputs), built with onnx.helper:
    torch 1.13 cannot run half-precision matmuls on the CPU to trace them."""
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((8, 16)) * 0.3).astype(np.float16)
    b1 = (rng.standard_normal(16) * 0.1).astype(np.float16)
    w2 = (rng.standard_normal((16, 4)) * 0.3).astype(np.float16)
    nodes = [helper.make_node("MatMul", ["input", "w1"], ["h0"]),
             helper.make_node("Add", ["h0", "b1"], ["h1"]),
             helper.make_node("Relu", ["h1"], ["h2"]),
             helper.make_node("MatMul", ["h2", "w2"], ["output"])]
    graph = helper.make_graph(
        nodes, "mlp_fp16",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT16, ["batch", 8])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT16, ["batch", 4])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"),
         numpy_helper.from_array(w2, "w2")])
    save_helper_model(graph)
    test_vectors = []
    for batch in (2, 5):
        x = (rng.random((batch, 8)) * 2 - 1).astype(np.float16)
        # The reference computes in float32 from the same float16 values, as PyTorch would.
        h = torch.relu(torch.from_numpy(x).float() @ torch.from_numpy(w1).float() +
                       torch.from_numpy(b1).float())
        y = (h @ torch.from_numpy(w2).float()).numpy().astype(np.float16)
        test_vectors.append({"inputs": [encode("input", x)], "outputs": [encode("output", y)]})
    write_vectors("mlp_fp16", test_vectors, atol=1e-2, rtol=1e-2)
    return manifest_entry("mlp_fp16", 13, "FP16 end to end: float16 input, weights and output",
                          True, test_vectors)


def write_all_element_types(seed):
    """One input per fixed-size element type numpy has (all the runtime port carries but
    bfloat16), each passed through Identity to an output: exercises the adapter's marshalling of
    every type both ways, with a dynamic dimension."""
    rng = np.random.default_rng(seed)
    types = [("float32", TensorProto.FLOAT), ("float64", TensorProto.DOUBLE),
             ("float16", TensorProto.FLOAT16), ("int8", TensorProto.INT8),
             ("int16", TensorProto.INT16), ("int32", TensorProto.INT32),
             ("int64", TensorProto.INT64), ("uint8", TensorProto.UINT8),
             ("uint16", TensorProto.UINT16), ("uint32", TensorProto.UINT32),
             ("uint64", TensorProto.UINT64), ("bool", TensorProto.BOOL)]
    nodes = [helper.make_node("Identity", [f"in_{n}"], [f"out_{n}"]) for n, _ in types]
    graph = helper.make_graph(
        nodes, "all_element_types",
        [helper.make_tensor_value_info(f"in_{n}", t, ["n", 3]) for n, t in types],
        [helper.make_tensor_value_info(f"out_{n}", t, ["n", 3]) for n, t in types])
    save_helper_model(graph)
    test_vectors = []
    for rows in (2, 1):
        arrays = []
        for n, _ in types:
            if n == "bool":
                arrays.append(rng.random((rows, 3)) < 0.5)
            elif n.startswith("float"):
                arrays.append((rng.standard_normal((rows, 3)) * 100).astype(n))
            else:
                info = np.iinfo(n)
                arrays.append(rng.integers(info.min, info.max, (rows, 3), dtype=n,
                                           endpoint=True))
        test_vectors.append({
            "inputs": [encode(f"in_{n}", a) for (n, _), a in zip(types, arrays)],
            "outputs": [encode(f"out_{n}", a) for (n, _), a in zip(types, arrays)]})
    write_vectors("all_element_types", test_vectors, atol=0, rtol=0)
    return manifest_entry("all_element_types", 13, "every fixed-size element type but bfloat16 "
                          "(12 inputs and outputs through Identity, extreme integer values), "
                          "compared exactly", True, test_vectors)


def write_full_size(directory):
    global OUT
    OUT = directory
    os.makedirs(OUT, exist_ok=True)
    entries = []
    for seed, (name, *rest) in enumerate(FULL_SIZE):
        print("exporting", name, flush=True)
        entries.append(export(name, *rest, seed=seed))
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"generator": "tests/corpus/make_onnx_model_corpus.py --full-size",
                   "models": entries}, f, indent=1)
        f.write("\n")


def write_newer_exporter(seed):
    """A classifier head as newer exporters write it (IR version 9, opset 19), beyond what
    Debian's onnx 1.12 knows: the service's libonnx cannot check it, ONNX Runtime runs it."""
    rng = np.random.default_rng(seed)
    w = (rng.standard_normal((6, 4)) * 0.5).astype(np.float32)
    b = (rng.standard_normal(4) * 0.1).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["features", "w"], ["h0"]),
             helper.make_node("Add", ["h0", "b"], ["h1"]),
             helper.make_node("Relu", ["h1"], ["h2"]),
             helper.make_node("Softmax", ["h2"], ["probabilities"], axis=-1)]
    graph = helper.make_graph(
        nodes, "newer_exporter_opset19",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", 6])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 4])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    save_helper_model(graph, opset=19, ir_version=9)
    test_vectors = []
    for batch in (3, 1):
        x = rng.standard_normal((batch, 6)).astype(np.float32)
        y = torch.softmax(torch.relu(torch.from_numpy(x) @ torch.from_numpy(w) +
                                     torch.from_numpy(b)), dim=-1).numpy()
        test_vectors.append({"inputs": [encode("features", x)],
                             "outputs": [encode("probabilities", y)]})
    write_vectors("newer_exporter_opset19", test_vectors)
    return manifest_entry("newer_exporter_opset19", 19, "IR version 9, opset 19 (newer than "
                          "Debian's onnx 1.12): MatMul, Add, Relu, Softmax", True, test_vectors)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--full-size":
        write_full_size(sys.argv[2])
        return
    os.makedirs(OUT, exist_ok=True)
    only = set(sys.argv[1:])
    manifest_path = os.path.join(OUT, "manifest.json")
    entries = {}
    if only and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            entries = {e["name"]: e for e in json.load(f)["models"]}
    for seed, (name, *rest) in enumerate(CORPUS):
        if only and name not in only:
            continue
        print("exporting", name, flush=True)
        entries[name] = export(name, *rest, seed=seed)
    if not only or "mlp_fp16" in only:
        entries["mlp_fp16"] = write_float16_mlp(len(CORPUS))
    if not only or "all_element_types" in only:
        entries["all_element_types"] = write_all_element_types(len(CORPUS) + 1)
    if not only or "newer_exporter_opset19" in only:
        entries["newer_exporter_opset19"] = write_newer_exporter(len(CORPUS) + 2)
    order = [c[0] for c in CORPUS] + ["mlp_fp16", "all_element_types", "newer_exporter_opset19"]
    manifest = {"generator": "tests/corpus/make_onnx_model_corpus.py",
                "torch": torch.__version__, "torchvision": torchvision.__version__,
                "onnx": onnx.__version__,
                "models": [entries[n] for n in order if n in entries]}
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
