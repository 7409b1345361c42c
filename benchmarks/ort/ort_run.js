#!/usr/bin/env node
'use strict';
// Runs N consecutive inputs through ONNX Runtime and writes the outputs.

const fs = require('fs');
const { openSession, inputSpec, readInputs, runAll, parseArgs, intFlag } = require('./ort_session');

const usage = `usage: node ort_run.js MODEL.onnx IN.f32 OUT.f32 [--threads N]

IN.f32 holds N consecutive little-endian float32 tensors of the model's input
shape (NCHW for the zoo models); N is its size divided by the input size.
OUT.f32 receives the N outputs of the model's first output, back to back, as
little-endian float32. --threads sets ONNX Runtime's intra-op threads (default 1).`;

async function main() {
  const { positional, flags } = parseArgs(process.argv.slice(2), usage);
  if (positional.length !== 3) throw new Error(usage);
  const [modelPath, inPath, outPath] = positional;
  const threads = intFlag(flags, 'threads', 1);

  const session = await openSession(modelPath, threads);
  const input = inputSpec(session, modelPath);
  const out = await runAll(session, input, readInputs(inPath, input), modelPath);
  fs.writeFileSync(outPath, Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  await session.release();
}

main().catch((e) => {
  console.error(`ort_run: ${e.message}`);
  process.exit(1);
});
