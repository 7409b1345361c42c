'use strict';
// Runs an ONNX model with ONNX Runtime (benchmarks/ort's onnxruntime-node) on
// consecutive raw float32 inputs and compares its first outputs with other
// raw float32 output files:
//
//   node models/qdq_ort.js MODEL.onnx IN.f32 LEVEL NAME=OUT.f32...
//
// LEVEL is ORT's graph optimization level: "all" fuses QDQ groups into ORT's
// int8 kernels (QLinearConv, ...), "disabled" computes every
// QuantizeLinear/DequantizeLinear and float op as written (the QDQ
// semantics). Prints one line per comparison: SQNR 10·log10(Σr²/Σ(r−o)²) of
// ORT's output o against the file's r, and the largest difference.

const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, '..', 'benchmarks', 'ort', 'node_modules', 'onnxruntime-node'));

function readF32(p) {
  const b = fs.readFileSync(p);
  const a = new Float32Array(b.length / 4);
  new Uint8Array(a.buffer).set(b.subarray(0, a.length * 4));
  return a;
}

async function main() {
  const [model, input, level, ...refs] = process.argv.slice(2);
  if (!refs.length || !['all', 'disabled'].includes(level)) {
    throw new Error('usage: node models/qdq_ort.js MODEL.onnx IN.f32 all|disabled NAME=OUT.f32...');
  }
  const s = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1,
    graphOptimizationLevel: level, logSeverityLevel: 3,
  });
  const meta = s.inputMetadata[0];
  const n = meta.shape.reduce((a, b) => a * b, 1);
  const x = readF32(input);
  const outs = [];
  for (let i = 0; i < x.length / n; i++) {
    const r = await s.run({ [meta.name]: new ort.Tensor('float32', x.slice(i * n, (i + 1) * n), meta.shape) });
    outs.push(...r[s.outputNames[0]].data);
  }
  for (const spec of refs) {
    const [name, file] = spec.split('=');
    const ref = readF32(file);
    if (ref.length !== outs.length) throw new Error(`${file}: ${ref.length} values, ORT gave ${outs.length}`);
    let sig = 0, err = 0, maxd = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = outs[i] - ref[i];
      sig += ref[i] * ref[i];
      err += d * d;
      maxd = Math.max(maxd, Math.abs(d));
    }
    console.log(`${path.basename(model)} ORT(${level}) vs ${name}: SQNR ${(10 * Math.log10(sig / err)).toFixed(2)} dB, max |diff| ${maxd.toPrecision(3)}`);
  }
}

main().catch((e) => { console.error(e.message); process.exit(1); });
