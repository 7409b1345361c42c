#!/usr/bin/env node
'use strict';
// A long-lived ONNX Runtime timing worker for the end-to-end harness
// (benchmarks/e2e): it opens one session and then times blocks of runs on
// request, so that the harness can interleave ORT with other contenders
// without paying session creation for every block.

const readline = require('readline');
const { ort, openSession, inputSpec, readInputs, parseArgs, intFlag } = require('./ort_session');

const usage = `usage: node ort_worker.js MODEL.onnx [--threads N] [--input IN.f32] [--seed S]

Opens MODEL.onnx with N intra-op threads (default 1), takes as its input the
first tensor of IN.f32 (little-endian float32, the model's input shape) or,
without --input, seeded uniform values in [-1, 1) (the inputs of
ort_bench.js), and prints one JSON line:
{"ready": true, "runtime": string, "threads": int, "input": [dims]}.
Then it reads commands, one per line on stdin, and answers each with one
JSON line on stdout:
  run W R   W untimed runs, then R timed ones: {"ms": [R numbers]}
  output    the first output of the last run: {"output": [numbers]}
  quit      exits
A failure prints {"error": string} and exits 1. Each timing spans one awaited
session.run call, as in ort_bench.js.`;

// mulberry32 is ort_bench.js's generator, so both time the same input.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function reply(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

async function main() {
  const { positional, flags } = parseArgs(process.argv.slice(2), usage);
  if (positional.length !== 1) throw new Error(usage);
  const modelPath = positional[0];
  const threads = intFlag(flags, 'threads', 1);
  const seed = intFlag(flags, 'seed', 1, 0);

  const session = await openSession(modelPath, threads);
  const input = inputSpec(session, modelPath);
  let x;
  if (flags.input !== undefined) {
    x = readInputs(flags.input, input).subarray(0, input.elements);
  } else {
    const rand = mulberry32(seed);
    x = new Float32Array(input.elements);
    for (let i = 0; i < x.length; i++) x[i] = 2 * rand() - 1;
  }
  const feeds = { [input.name]: new ort.Tensor('float32', x, input.dims) };
  const outName = session.outputNames[0];
  let last = null;
  reply({ ready: true, runtime: `onnxruntime-node ${ort.env.versions.node}`, threads, input: input.dims });

  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    const [cmd, ...args] = line.trim().split(/\s+/);
    if (cmd === 'quit') break;
    if (cmd === 'output') {
      if (last === null) throw new Error('output before any run');
      reply({ output: Array.from(last[outName].data) });
      continue;
    }
    if (cmd !== 'run' || args.length !== 2) throw new Error(`bad command ${JSON.stringify(line)}`);
    const [warmup, runs] = args.map(Number);
    if (!Number.isInteger(warmup) || warmup < 0 || !Number.isInteger(runs) || runs < 1) {
      throw new Error(`bad counts in ${JSON.stringify(line)}`);
    }
    for (let i = 0; i < warmup; i++) await session.run(feeds);
    const ms = new Array(runs);
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      last = await session.run(feeds);
      ms[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
    reply({ ms });
  }
  await session.release();
}

main().catch((e) => {
  reply({ error: `ort_worker: ${e.message}` });
  process.exit(1);
});
