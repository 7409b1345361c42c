#!/usr/bin/python3
"""Trains edgeinfer's small Fashion-MNIST CNN and exports it to ONNX.

    /usr/bin/python3 models/train_fashion_mnist.py [--data /usr/share/datasets/fashion-mnist]
        [--out models/fashion_mnist] [--data-out models/generated/fashion_mnist]
        [--epochs 3] [--threads 2] [--seed 1]

The data are Debian's dataset-fashion-mnist IDX files. Input: 1x1x28x28 float32,
x = (pixel/255 - 0.2860) / 0.3530 (the training set's mean and standard
deviation), white garment on black as in the data set. Writes to --out:
    model.onnx      opset 13, static batch 1, input "input", output "output" (10 logits)
    labels.txt      the 10 class names, one per line, in label order
    model.json      test accuracy, parameters, preprocessing, training settings
and to --data-out (not committed, ~32 MB): calib.f32 (the first 256 training
images, preprocessed), test.f32 (the 10000 test images, preprocessed) and
test_labels.u8 (their labels), raw little-endian, NCHW.
"""

import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
MEAN, STD = 0.2860, 0.3530  # of the 60000 training images' pixel/255
CALIB_COUNT = 256


def read_idx(path):
    """The array in an IDX file (big-endian header: magic 0x0000 type ndim, then ndim uint32 dims)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {data[:4].hex()})")
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    body = np.frombuffer(data, np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {body.size} bytes of data for dims {dims}")
    return body.reshape(dims)


def load(data_dir, split):
    images = read_idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz"))
    x = (images.astype(np.float32) / 255.0 - MEAN) / STD
    return torch.from_numpy(x[:, None]), torch.from_numpy(labels.astype(np.int64))


class FashionCNN(nn.Module):
    """Three 3x3 conv + batch-norm + ReLU stages (16, 32, 64 channels), the
    first two followed by 2x2 max pooling, then one fully connected layer:
    55k parameters, 1.9 MMAC per image, so that training fits in a few
    minutes on 2 shared cores."""

    def __init__(self):
        super().__init__()

        def stage(cin, cout):
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

        self.features = nn.Sequential(
            *stage(1, 16), nn.MaxPool2d(2),
            *stage(16, 32), nn.MaxPool2d(2),
            *stage(32, 64),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * 7 * 7, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def accuracy(model, x, y, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    return correct / len(x)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--out", default=os.path.join(here, "fashion_mnist"))
    ap.add_argument("--data-out", default=os.path.join(here, "generated", "fashion_mnist"))
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    start = time.time()
    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "t10k")

    model = FashionCNN()
    steps = args.epochs * ((len(x_train) + args.batch - 1) // args.batch)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(x_train), generator=gen)
        total = 0.0
        for i in range(0, len(x_train), args.batch):
            idx = order[i:i + args.batch]
            opt.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch + 1}/{args.epochs}: train loss {total / len(x_train):.4f}, "
              f"test accuracy {accuracy(model, x_test, y_test):.4f}, {time.time() - start:.0f} s", flush=True)
    train_seconds = time.time() - start

    model.eval()
    test_acc = accuracy(model, x_test, y_test)
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "model.onnx")
    with torch.no_grad():
        torch.onnx.export(model, torch.zeros(1, 1, 28, 28), onnx_path, opset_version=13,
                          input_names=["input"], output_names=["output"],
                          do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
    with open(os.path.join(args.out, "labels.txt"), "w") as f:
        f.write("\n".join(LABELS) + "\n")
    report = {
        "model": "model.onnx",
        "labels": "labels.txt",
        "dataset": "Fashion-MNIST (Debian dataset-fashion-mnist), 60000 train / 10000 test",
        "test_accuracy_float": round(test_acc, 4),
        "test_count": len(x_test),
        "params": sum(p.numel() for p in model.parameters()),
        "input_shape": [1, 1, 28, 28],
        "input": "float32 NCHW; x = (pixel/255 - mean) / std, white garment on black",
        "preprocessing": {"color_order": "gray", "scale": 1 / 255, "offset": 0.0,
                          "mean": [MEAN], "std": [STD], "width": 28, "height": 28, "channels": 1},
        "training": {"epochs": args.epochs, "batch": args.batch, "optimizer": "AdamW, weight decay 1e-4",
                     "schedule": f"one-cycle, max lr {args.lr}", "seed": args.seed,
                     "threads": args.threads, "seconds": round(train_seconds), "torch": torch.__version__},
    }
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")

    os.makedirs(args.data_out, exist_ok=True)
    x_train[:CALIB_COUNT].numpy().astype("<f4").tofile(os.path.join(args.data_out, "calib.f32"))
    x_test.numpy().astype("<f4").tofile(os.path.join(args.data_out, "test.f32"))
    y_test.numpy().astype(np.uint8).tofile(os.path.join(args.data_out, "test_labels.u8"))
    print(f"float test accuracy {test_acc:.4f} ({len(x_test)} images); wrote {args.out} and {args.data_out}")


if __name__ == "__main__":
    main()
