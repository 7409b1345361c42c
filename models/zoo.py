"""The edgeinfer model zoo: which networks, how their random weights are made.

Every model is built from a seed derived from its name alone, so adding or
removing a model never changes the weights of another. Weights are torch's own
default initialisation for the architecture; batch-norm layers then get random
affine parameters and running statistics estimated on random inputs (see
realistic_batchnorm), so that activations are normalised per channel the way
they are in a trained network instead of growing or collapsing with depth.

export_zoo.py and ptq_torch.py both call build(); ptq_torch.py checks that the
model it rebuilt reproduces the golden outputs export_zoo.py wrote, so the two
scripts provably quantize the same network.
"""

import zlib

import numpy as np
import torch
import torch.nn as nn
import torchvision.models as tvm
import torchvision.models.quantization as tvq
from torchvision.models.mobilenetv3 import _mobilenet_v3_conf
from torchvision.models.quantization.utils import _replace_relu


class LeNet5(nn.Module):
    """LeNet-5 (LeCun et al. 1998) in its common modern form: ReLU and max pooling
    instead of the paper's scaled tanh and trainable subsampling; the first
    convolution is padded so a 28x28 MNIST-style input gives the paper's 32x32
    geometry."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120), nn.ReLU(inplace=True),
            nn.Linear(120, 84), nn.ReLU(inplace=True),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


class _LRNFunction(torch.autograd.Function):
    """torch computes LocalResponseNorm as pad + avg_pool3d, which the exporter
    traces into a dozen ops; this maps it to the single ONNX LRN operator that
    Caffe-era AlexNets use. Both define b = a / (k + alpha/size * sum a^2)^beta."""

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        return nn.functional.local_response_norm(x, size, alpha, beta, k)

    @staticmethod
    def symbolic(g, x, size, alpha, beta, k):
        return g.op("LRN", x, size_i=size, alpha_f=alpha, beta_f=beta, bias_f=k)


class LRN(nn.LocalResponseNorm):
    """nn.LocalResponseNorm that exports to ONNX as one LRN node."""

    def forward(self, x):
        return _LRNFunction.apply(x, self.size, self.alpha, self.beta, self.k)


class AlexNetLRN(nn.Module):
    """A small AlexNet with the original paper's local response normalisation
    (size 5, alpha 1e-4, beta 0.75, k 1, as in the ONNX zoo's bvlc_alexnet) and
    its two-group convolutions 2, 4 and 5, at a 64x64 input with channel counts
    divided by two. torchvision's AlexNet has neither LRN nor groups."""

    def __init__(self, num_classes=1000):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 48, 11, stride=4, padding=2), nn.ReLU(inplace=True),
            LRN(5, alpha=1e-4, beta=0.75, k=1.0),
            nn.MaxPool2d(3, stride=2),
            nn.Conv2d(48, 128, 5, padding=2, groups=2), nn.ReLU(inplace=True),
            LRN(5, alpha=1e-4, beta=0.75, k=1.0),
            nn.MaxPool2d(3, stride=2),
            nn.Conv2d(128, 192, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(192, 192, 3, padding=1, groups=2), nn.ReLU(inplace=True),
            nn.Conv2d(192, 128, 3, padding=1, groups=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(),
            nn.Linear(128, 512), nn.ReLU(inplace=True),
            nn.Dropout(),
            nn.Linear(512, 512), nn.ReLU(inplace=True),
            nn.Linear(512, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def _mobilenet_v3_small_quantizable():
    # torchvision 0.14 has no quantization.mobilenet_v3_small builder, but
    # QuantizableMobileNetV3 takes any MobileNetV3 configuration; this is what
    # its mobilenet_v3_large builder does with the small one.
    setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_small")
    model = tvq.mobilenetv3.QuantizableMobileNetV3(
        setting, last_channel, block=tvq.mobilenetv3.QuantizableInvertedResidual)
    _replace_relu(model)
    return model


# name -> (float builder, quantizable builder or None, input CHW, input std).
# Input std is the standard deviation of the random N(0, std^2) inputs:
# 1 (normalised images) except alexnet_lrn, which sees Caffe-style
# mean-subtracted pixels so that LRN's denominator is not ~1.
#
# torchvision's quantizable variants replace ReLU6 by ReLU (_replace_relu), so
# quantizable MobileNetV2 is a different function from MobileNetV2; the zoo
# has both, and PyTorch's PTQ bar is for mobilenet_v2_relu, built from the
# quantizable class itself (unfused and unquantized, it is a float model).
# Every other quantizable variant computes its float model's function: same
# state dict, FloatFunctional adds, ReLU(inplace=False) instead of ReLU.
MODELS = {
    "lenet5": (LeNet5, None, (1, 28, 28), 1.0),
    "alexnet": (tvm.alexnet, None, (3, 224, 224), 1.0),
    "alexnet_lrn": (AlexNetLRN, None, (3, 64, 64), 64.0),
    "vgg11": (tvm.vgg11, None, (3, 224, 224), 1.0),
    "resnet18": (tvm.resnet18, tvq.resnet18, (3, 224, 224), 1.0),
    "resnet50": (tvm.resnet50, tvq.resnet50, (3, 224, 224), 1.0),
    "googlenet": (lambda: tvm.googlenet(aux_logits=False, init_weights=True),
                  lambda: tvq.googlenet(aux_logits=False, init_weights=True),
                  (3, 224, 224), 1.0),
    "inception_v3": (lambda: tvm.inception_v3(aux_logits=False, init_weights=True),
                     lambda: tvq.inception_v3(aux_logits=False, init_weights=True),
                     (3, 299, 299), 1.0),
    "efficientnet_b0": (tvm.efficientnet_b0, None, (3, 224, 224), 1.0),
    "mobilenet_v2": (tvm.mobilenet_v2, None, (3, 224, 224), 1.0),
    "mobilenet_v2_relu": (tvq.mobilenet_v2, tvq.mobilenet_v2, (3, 224, 224), 1.0),
    "mobilenet_v3_small": (tvm.mobilenet_v3_small, _mobilenet_v3_small_quantizable,
                           (3, 224, 224), 1.0),
    "mobilenet_v3_large": (tvm.mobilenet_v3_large, tvq.mobilenet_v3_large,
                           (3, 224, 224), 1.0),
    "densenet121": (tvm.densenet121, None, (3, 224, 224), 1.0),
    "squeezenet1_1": (tvm.squeezenet1_1, None, (3, 224, 224), 1.0),
    "shufflenet_v2_x1_0": (tvm.shufflenet_v2_x1_0, tvq.shufflenet_v2_x1_0,
                           (3, 224, 224), 1.0),
}

CALIB_SEED = 1000   # + crc32(name): calibration inputs
TEST_SEED = 2000    # + crc32(name): test inputs
BN_SEED = 3000      # + crc32(name): batch-norm statistics inputs and affine params
BN_BATCH = 8


def name_seed(name):
    return zlib.crc32(name.encode())


def inputs(name, count, base_seed):
    """count random NCHW float32 inputs for the named model, shape (count, C, H, W)."""
    _, _, chw, std = MODELS[name]
    rng = np.random.Generator(np.random.PCG64(base_seed + name_seed(name)))
    return (rng.standard_normal((count,) + chw) * std).astype(np.float32)


def realistic_batchnorm(model, name):
    """Gives every BatchNorm2d random affine parameters (gamma ~ U(0.5, 1.5),
    beta ~ N(0, 0.1^2)) and sets its running mean and variance to the
    statistics of its input over BN_BATCH random inputs, so the eval-mode
    network normalises activations as a trained one does."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    if not bns:
        return
    gen = torch.Generator().manual_seed(BN_SEED + name_seed(name))
    with torch.no_grad():
        for bn in bns:
            bn.weight.copy_(torch.rand(bn.num_features, generator=gen) + 0.5)
            bn.bias.copy_(torch.randn(bn.num_features, generator=gen) * 0.1)
            bn.reset_running_stats()
            bn.momentum = None  # cumulative average: one batch gives its exact statistics
        model.eval()
        for bn in bns:
            bn.train()
        model(torch.from_numpy(inputs(name, BN_BATCH, BN_SEED)))
    model.eval()


def build(name, quantizable=False):
    """The named model in eval mode with its deterministic random weights.
    quantizable=True builds torchvision's quantizable variant (QuantStub,
    FloatFunctional adds, separate ReLUs) and loads the same state dict, so it
    computes the same float function."""
    float_builder, quant_builder, _, _ = MODELS[name]
    torch.manual_seed(name_seed(name))
    model = float_builder().eval()
    realistic_batchnorm(model, name)
    if not quantizable:
        return model
    if quant_builder is None:
        raise ValueError(f"{name}: no quantizable variant")
    qmodel = quant_builder()
    qmodel.load_state_dict(model.state_dict())
    return qmodel.eval()


def macs(model, chw):
    """Multiply-accumulates of one batch-1 inference, counted over Conv2d and
    Linear layers (the rest is < 1 % for these networks)."""
    total = 0

    def conv_hook(m, _inp, out):
        nonlocal total
        total += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def linear_hook(m, _inp, out):
        nonlocal total
        total += out.numel() * m.in_features

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    with torch.no_grad():
        model(torch.zeros((1,) + tuple(chw)))
    for h in hooks:
        h.remove()
    return total
