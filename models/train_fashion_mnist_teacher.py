#!/usr/bin/python3
"""Trains the Fashion-MNIST teacher that `edgeinfer distill` distils into the
embedded default model (models/distill_default.sh), and exports it to ONNX.

    /usr/bin/python3 models/train_fashion_mnist_teacher.py [--data /usr/share/datasets/fashion-mnist]
        [--out models/generated/fashion_mnist_teacher] [--epochs 6] [--threads 2] [--seed 1]

The teacher is train_fashion_mnist.py's FashionCNN at twice the width (32, 64,
128 channels: 155k parameters, 7.5 MMAC per image), trained with horizontal
flips, AdamW and a one-cycle schedule. Same input convention: 1x1x28x28
float32, x = (pixel/255 - 0.2860) / 0.3530. Writes to --out: model.onnx
(opset 13, batch 1, input "input", output "output" = 10 logits) and
model.json (test accuracy on the 10000 test images, MACs, settings).
"""

import argparse
import json
import os
import time

import torch
import torch.nn as nn

from train_fashion_mnist import LABELS, MEAN, STD, accuracy, load


class TeacherCNN(nn.Module):
    def __init__(self, width=(32, 64, 128)):
        super().__init__()
        c1, c2, c3 = width

        def stage(cin, cout):
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

        self.features = nn.Sequential(
            *stage(1, c1), nn.MaxPool2d(2),
            *stage(c1, c2), nn.MaxPool2d(2),
            *stage(c2, c3),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(c3 * 7 * 7, 10))
        self.macs = 28 * 28 * c1 * 9 + 14 * 14 * c2 * c1 * 9 + 7 * 7 * c3 * c2 * 9 + c3 * 49 * 10

    def forward(self, x):
        return self.classifier(self.features(x))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--out", default=os.path.join(here, "generated", "fashion_mnist_teacher"))
    ap.add_argument("--epochs", type=int, default=6)
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

    model = TeacherCNN()
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
            x = x_train[idx]
            flip = torch.rand(len(idx), generator=gen) < 0.5
            x = torch.where(flip[:, None, None, None], x.flip(3), x)
            opt.zero_grad()
            loss = loss_fn(model(x), y_train[idx])
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch + 1}/{args.epochs}: train loss {total / len(x_train):.4f}, "
              f"test accuracy {accuracy(model, x_test, y_test):.4f}, {time.time() - start:.0f} s", flush=True)
    seconds = time.time() - start
    model.eval()
    test_acc = accuracy(model, x_test, y_test)
    os.makedirs(args.out, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(model, torch.zeros(1, 1, 28, 28), os.path.join(args.out, "model.onnx"), opset_version=13,
                          input_names=["input"], output_names=["output"],
                          do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
    report = {
        "model": "model.onnx",
        "labels": LABELS,
        "test_accuracy_float": round(test_acc, 4),
        "test_count": len(x_test),
        "params": sum(p.numel() for p in model.parameters()),
        "macs": model.macs,
        "preprocessing": {"mean": [MEAN], "std": [STD]},
        "training": {"epochs": args.epochs, "batch": args.batch, "optimizer": "AdamW, weight decay 1e-4",
                     "schedule": f"one-cycle, max lr {args.lr}", "augmentation": "horizontal flip",
                     "seed": args.seed, "threads": args.threads, "seconds": round(seconds), "torch": torch.__version__},
    }
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    print(f"teacher float test accuracy {test_acc:.4f}, {model.macs} MACs; wrote {args.out}")


if __name__ == "__main__":
    main()
