#!/usr/bin/python3
"""PyTorch's own post-training static quantization of the zoo's models that
torchvision has quantizable variants of: the accuracy bar for edgeinfer's int8.

    /usr/bin/python3 models/ptq_torch.py ZOO_DIR [--engine qnnpack] [--only a,b]
        [--out ZOO_DIR/ptq_torch.json]

ZOO_DIR is export_zoo.py's output. For each model it
  1. rebuilds the float model with zoo.build, loads its state dict into
     torchvision's quantizable variant, and checks that the variant reproduces
     ZOO_DIR/NAME/test_golden.f32 (so the weights are the exported ones) and
  2. exports the variant to ONNX and checks that its graph has the same
     operators as ZOO_DIR/NAME/model.onnx: the float network edgeinfer
     converts is the one PyTorch quantizes here;
  3. quantizes it in eager mode: fuse_model(), then per-channel symmetric int8
     weights (PerChannelMinMaxObserver) and 8-bit asymmetric activations
     observed on ZOO_DIR/NAME/calib.f32, once with HistogramObserver (the
     default of PyTorch's x86 and ARM qconfigs) and once with MinMaxObserver;
  4. runs the test inputs through the float and int8 models and
     records SQNR = 10 log10(sum f^2 / sum (f - q)^2) over all test outputs,
     and how many test inputs keep their float top-1 class.
"""

import argparse
import copy
import json
import os
import sys
import tempfile
import time

import numpy as np
import torch
import torch.ao.quantization as tq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_ops  # noqa: E402
import zoo  # noqa: E402

OBSERVERS = {
    "histogram": tq.HistogramObserver.with_args(reduce_range=False),
    "minmax": tq.MinMaxObserver.with_args(reduce_range=False),
}


def sqnr_db(f, q):
    return float(10 * np.log10(np.sum(f.astype(np.float64) ** 2) /
                               np.sum((f.astype(np.float64) - q) ** 2)))


def run_batched(model, x, batch=8):
    # Batching changes only the float summation order; the int8 model's
    # per-tensor static quantization makes each result batch-independent.
    with torch.no_grad():
        return np.concatenate([model(torch.from_numpy(x[i:i + batch])).numpy() for i in range(0, len(x), batch)])


def check_close(what, got, want, rel_tol):
    rel = float(np.abs(got - want).max() / np.abs(want).max())
    if not rel <= rel_tol:
        sys.exit(f"{what}: max |diff| / max |golden| = {rel:.3g} > {rel_tol:g}")
    return rel


def quantize(float_model, observer, calib):
    model = copy.deepcopy(float_model)
    model.fuse_model(is_qat=False)
    model.qconfig = tq.QConfig(activation=OBSERVERS[observer],
                               weight=tq.default_per_channel_weight_observer)
    tq.prepare(model, inplace=True)
    run_batched(model, calib)
    tq.convert(model, inplace=True)
    return model


def ptq_one(zoo_dir, entry):
    start = time.time()
    name = entry["name"]
    chw = tuple(entry["input_shape"][1:])
    calib = np.fromfile(os.path.join(zoo_dir, entry["calib"]), "<f4").reshape((-1,) + chw)
    test = np.fromfile(os.path.join(zoo_dir, entry["test"]), "<f4").reshape((-1,) + chw)
    golden = np.fromfile(os.path.join(zoo_dir, entry["test_golden"]), "<f4").reshape(len(test), -1)

    # The quantizable variant is built from the rebuilt float model's state
    # dict, so matching the golden outputs checks both the weights and the
    # variant. Summation order differs with thread count, hence a tolerance.
    qfloat = zoo.build(name, quantizable=True)
    qfloat_rel = check_close(f"{name}: rebuilt quantizable float model vs golden", run_batched(qfloat, test), golden, 1e-4)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "q.onnx")
        with torch.no_grad():
            torch.onnx.export(qfloat, torch.zeros((1,) + chw), path, opset_version=entry["opset"],
                              do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
        qfloat_ops = onnx_ops.op_counts(path)
    if qfloat_ops != entry["onnx_ops"]:
        sys.exit(f"{name}: quantizable variant exports ops {qfloat_ops}, the zoo model {entry['onnx_ops']}")

    result = {
        "name": name,
        "onnx_sha256": entry["onnx_sha256"],
        "test_count": len(test),
        "calib_count": len(calib),
        "quantizable_float_rel_diff": qfloat_rel,
        "quantizable_onnx_ops_match": True,
    }
    for observer in OBSERVERS:
        qmodel = quantize(qfloat, observer, calib)
        q = run_batched(qmodel, test)
        result[f"sqnr_db_{observer}"] = round(sqnr_db(golden, q), 2)
        result[f"top1_same_{observer}"] = int(np.sum(golden.argmax(1) == q.argmax(1)))
    print(f"{name:20s} SQNR histogram {result['sqnr_db_histogram']:6.2f} dB  "
          f"minmax {result['sqnr_db_minmax']:6.2f} dB  top-1 kept {result['top1_same_histogram']}/{len(test)}  "
          f"{time.time() - start:5.1f} s", flush=True)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("zoo_dir")
    ap.add_argument("--engine", default="qnnpack", help="torch.backends.quantized.engine")
    ap.add_argument("--only", default="", help="comma-separated model names (default: all with a quantizable variant)")
    ap.add_argument("--out", default="", help="JSON to write (default ZOO_DIR/ptq_torch.json)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.backends.quantized.engine = args.engine
    with open(os.path.join(args.zoo_dir, "manifest.json")) as f:
        manifest = json.load(f)["models"]
    names = [n for n in args.only.split(",") if n] or [n for n, e in manifest.items() if e["has_quantizable_variant"]]
    for n in names:
        if n not in manifest or not manifest[n]["has_quantizable_variant"]:
            sys.exit(f"{n}: not a zoo model with a quantizable variant in {args.zoo_dir}/manifest.json")

    report = {
        "generator": "models/ptq_torch.py",
        "torch": torch.__version__,
        "engine": args.engine,
        "method": "eager-mode post-training static quantization: fuse_model(), per-channel symmetric "
                  "qint8 weights (PerChannelMinMaxObserver), quint8 affine activations (8-bit, "
                  "reduce_range=False) observed by HistogramObserver or MinMaxObserver on calib.f32 "
                  "in batches of 8",
        "sqnr": "10*log10(sum(f^2)/sum((f-q)^2)) over all test outputs, f = float golden, q = int8 model",
        "models": {},
    }
    for n in names:
        report["models"][n] = ptq_one(args.zoo_dir, manifest[n])
    out = args.out or os.path.join(args.zoo_dir, "ptq_torch.json")
    with open(out, "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
