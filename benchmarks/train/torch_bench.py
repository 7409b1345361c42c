#!/usr/bin/python3
"""PyTorch CPU training throughput (images/s of forward, backward and AdamW
step) of the Fashion-MNIST student CNN that main.go measures in edgeinfer.

    /usr/bin/python3 benchmarks/train/torch_bench.py --widths 14,29,58 --batch 64 --steps 60 --threads 2
"""
import argparse
import time

import torch
import torch.nn as nn


def student(c):
    layers, cin = [], 1
    for i, cout in enumerate(c):
        layers += [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
        if i < 2:
            layers.append(nn.MaxPool2d(2))
        cin = cout
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(c[2] * 49, 10))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--widths", default="14,29,58")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    c = [int(v) for v in a.widths.split(",")]
    m = student(c).train()
    opt = torch.optim.AdamW(m.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(a.batch, 1, 28, 28)
    y = torch.randint(0, 10, (a.batch,))

    def step():
        opt.zero_grad()
        loss_fn(m(x), y).backward()
        opt.step()

    for _ in range(a.warmup):
        step()
    start = time.time()
    for _ in range(a.steps):
        step()
    sec = time.time() - start
    print(f"pytorch images/s {a.steps * a.batch / sec:.1f} (torch {torch.__version__}, {a.threads} threads, batch {a.batch}, widths {c})")


if __name__ == "__main__":
    main()
