#!/usr/bin/python3
"""A small CNN quantized by PyTorch's own eager-mode post-training quantization
and exported by torch.onnx as a QDQ model, for edgeinfer's QDQ import test.

    /usr/bin/python3 models/export_qdq_torch.py [OUT_DIR]   (default models/small/qdq_torch)

The network: QuantStub, Conv 3->8 3x3 + ReLU, Conv 8->16 3x3 stride 2 + ReLU,
AdaptiveAvgPool2d(1), Linear 16->4, DeQuantStub; input 1x3x16x16. qnnpack
engine, per-channel symmetric int8 weights (default_per_channel_weight_observer),
8-bit affine activations (HistogramObserver, reduce_range=False) observed on 32
N(0, 1) inputs. torch's exporter writes QuantizeLinear/Cast/DequantizeLinear
around every op (uint8 activations, int8 weights per output channel, int32
biases). Writes model.onnx, test.f32 (8 inputs N(0, 1), NCHW float32 LE) and
test_int8.f32 (the quantized PyTorch model's outputs on them, dequantized).
"""

import os
import sys

import numpy as np
import torch
import torch.ao.quantization as tq
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.relu2 = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 4)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = self.relu1(self.conv1(x))
        x = self.relu2(self.conv2(x))
        x = self.pool(x).flatten(1)
        return self.dequant(self.fc(x))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "small", "qdq_torch")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(1)
    torch.set_num_threads(1)
    torch.backends.quantized.engine = "qnnpack"
    m = Net().eval()
    m.qconfig = tq.QConfig(activation=tq.HistogramObserver.with_args(reduce_range=False),
                           weight=tq.default_per_channel_weight_observer)
    m = tq.fuse_modules(m, [["conv1", "relu1"], ["conv2", "relu2"]])
    tq.prepare(m, inplace=True)
    with torch.no_grad():
        m(torch.randn(32, 3, 16, 16))
    tq.convert(m, inplace=True)
    x = torch.randn(8, 1, 3, 16, 16)
    with torch.no_grad():
        y = torch.cat([m(x[i]) for i in range(8)])
    torch.onnx.export(m, x[0], os.path.join(out, "model.onnx"), opset_version=13,
                      input_names=["input"], output_names=["output"])
    x.numpy().astype("<f4").tofile(os.path.join(out, "test.f32"))
    y.numpy().astype("<f4").tofile(os.path.join(out, "test_int8.f32"))
    print("wrote", out)


if __name__ == "__main__":
    main()
