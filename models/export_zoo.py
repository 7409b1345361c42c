#!/usr/bin/python3
"""Exports the edgeinfer model zoo to ONNX with deterministic random weights,
with calibration and test inputs and PyTorch's float outputs as golden data.

    /usr/bin/python3 models/export_zoo.py OUT_DIR [--opset 13] [--calib 32]
        [--test 16] [--only lenet5,resnet18] [--threads 2]

For each model NAME it writes, under OUT_DIR/NAME/:
    model.onnx        static batch 1, input "input", output "output"
    calib.f32         --calib inputs, raw little-endian float32, NCHW, back to back
    test.f32          --test inputs, same layout
    test_golden.f32   PyTorch's float outputs for test.f32, (test, classes) float32
and OUT_DIR/manifest.json describing all of them. The inputs are N(0, std^2)
from a seed derived from the model name (zoo.py), so they are the same on every
machine and for every --only selection.
"""

import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_ops  # noqa: E402
import zoo  # noqa: E402


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_one(name, out_dir, opset, n_calib, n_test):
    start = time.time()
    model = zoo.build(name)
    chw = zoo.MODELS[name][2]
    std = zoo.MODELS[name][3]
    model_dir = os.path.join(out_dir, name)
    os.makedirs(model_dir, exist_ok=True)

    onnx_path = os.path.join(model_dir, "model.onnx")
    with torch.no_grad():
        torch.onnx.export(
            model, torch.zeros((1,) + chw), onnx_path,
            opset_version=opset, input_names=["input"], output_names=["output"],
            do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)

    calib = zoo.inputs(name, n_calib, zoo.CALIB_SEED)
    test = zoo.inputs(name, n_test, zoo.TEST_SEED)
    calib.astype("<f4").tofile(os.path.join(model_dir, "calib.f32"))
    test.astype("<f4").tofile(os.path.join(model_dir, "test.f32"))
    with torch.no_grad():
        # One input at a time: batch 1 is the shape that was exported and that
        # the peers run, and it keeps the golden values independent of batching.
        golden = np.concatenate([model(torch.from_numpy(test[i:i + 1])).numpy()
                                 for i in range(n_test)])
    golden.astype("<f4").tofile(os.path.join(model_dir, "test_golden.f32"))

    entry = {
        "name": name,
        "onnx": f"{name}/model.onnx",
        "onnx_sha256": sha256(onnx_path),
        "onnx_bytes": os.path.getsize(onnx_path),
        "opset": opset,
        "onnx_ops": onnx_ops.op_counts(onnx_path),
        "input_name": "input",
        "input_shape": [1] + list(chw),
        "input_distribution": f"normal(0, {std:g}^2), float32",
        "output_name": "output",
        "output_shape": [1] + list(golden.shape[1:]),
        "calib": f"{name}/calib.f32",
        "calib_count": n_calib,
        "calib_seed": zoo.CALIB_SEED + zoo.name_seed(name),
        "test": f"{name}/test.f32",
        "test_count": n_test,
        "test_seed": zoo.TEST_SEED + zoo.name_seed(name),
        "test_golden": f"{name}/test_golden.f32",
        "weight_seed": zoo.name_seed(name),
        # Share of the golden outputs' energy that varies with the input (the
        # rest is their mean over the test inputs). Random-weight networks
        # answer random inputs with a large input-independent part, which an
        # output SQNR also counts as signal.
        "golden_input_dependent_energy": round(float(
            np.sum((golden - golden.mean(0)) ** 2) / np.sum(golden.astype(np.float64) ** 2)), 4),
        "macs": zoo.macs(model, chw),
        "params": sum(p.numel() for p in model.parameters()),
        "has_quantizable_variant": zoo.MODELS[name][1] is not None,
    }
    print(f"{name:20s} {entry['macs'] / 1e6:9.1f} MMAC {entry['onnx_bytes'] / 1e6:8.1f} MB "
          f"{time.time() - start:6.1f} s", flush=True)
    return entry


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--calib", type=int, default=32, help="calibration inputs per model")
    ap.add_argument("--test", type=int, default=16, help="test inputs per model")
    ap.add_argument("--only", default="", help="comma-separated model names (default: all)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    names = [n for n in args.only.split(",") if n] or list(zoo.MODELS)
    for n in names:
        if n not in zoo.MODELS:
            sys.exit(f"unknown model {n!r}; known: {', '.join(zoo.MODELS)}")
    os.makedirs(args.out_dir, exist_ok=True)

    manifest_path = os.path.join(args.out_dir, "manifest.json")
    manifest = {"models": {}}
    if os.path.exists(manifest_path):  # --only updates a previous full export in place
        with open(manifest_path) as f:
            manifest = json.load(f)
    manifest.update({
        "generator": "models/export_zoo.py",
        "torch": torch.__version__,
        "layout": "raw little-endian float32, NCHW, inputs back to back; "
                  "golden = PyTorch float outputs of the test inputs, batch 1 each",
    })
    for n in names:
        manifest["models"][n] = export_one(n, args.out_dir, args.opset, args.calib, args.test)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
