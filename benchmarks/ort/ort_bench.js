#!/usr/bin/env node
'use strict';
// Measures ONNX Runtime's batch-1 latency with the statistics `edgeinfer bench` reports.

const { ort, openSession, inputSpec, parseArgs, intFlag } = require('./ort_session');

const usage = `usage: node ort_bench.js MODEL.onnx [--threads N] [--runs R] [--warmup W] [--seed S] [--json]

Fills the input with seeded uniform values in [-1, 1), runs the model W times
untimed (default 10) and R times timed (default 100) with N intra-op threads
(default 1), and prints latency percentiles p50/p90/p99 (nearest rank), mean,
min and max in milliseconds. Each timing spans one awaited session.run call,
so it includes onnxruntime-node's JS-to-native call overhead (tens of µs).

--json prints one JSON object:
  {"model": string, "runtime": string, "threads": int, "runs": int, "warmup": int,
   "seed": int, "p50_ms", "p90_ms", "p99_ms", "mean_ms", "min_ms", "max_ms": number}`;

// mulberry32: a small seeded 32-bit generator, enough for benchmark inputs.
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

// percentile is the nearest-rank percentile of sorted samples: the
// ceil(p/100 × n)-th smallest.
function percentile(sorted, p) {
  const rank = Math.ceil((p * sorted.length) / 100);
  return sorted[Math.max(rank, 1) - 1];
}

async function main() {
  const { positional, flags } = parseArgs(process.argv.slice(2), usage, ['json']);
  if (positional.length !== 1) throw new Error(usage);
  const modelPath = positional[0];
  const threads = intFlag(flags, 'threads', 1);
  const runs = intFlag(flags, 'runs', 100);
  const warmup = intFlag(flags, 'warmup', 10, 0);
  const seed = intFlag(flags, 'seed', 1, 0);

  const session = await openSession(modelPath, threads);
  const input = inputSpec(session, modelPath);
  const rand = mulberry32(seed);
  const x = new Float32Array(input.elements);
  for (let i = 0; i < x.length; i++) x[i] = 2 * rand() - 1;
  const feeds = { [input.name]: new ort.Tensor('float32', x, input.dims) };

  for (let i = 0; i < warmup; i++) await session.run(feeds);
  const ms = new Array(runs);
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    ms[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  await session.release();
  const sorted = ms.slice().sort((a, b) => a - b);
  const r = {
    model: modelPath,
    runtime: `onnxruntime-node ${ort.env.versions.node}`,
    threads, runs, warmup, seed,
    p50_ms: percentile(sorted, 50),
    p90_ms: percentile(sorted, 90),
    p99_ms: percentile(sorted, 99),
    mean_ms: ms.reduce((a, b) => a + b, 0) / runs,
    min_ms: sorted[0],
    max_ms: sorted[runs - 1],
  };
  if (flags.json) {
    console.log(JSON.stringify(r));
    return;
  }
  console.log(`${r.model}: ${r.runtime}, ${threads} thread(s), ${runs} runs after ${warmup} warm-up`);
  console.log(`p50 ${r.p50_ms.toFixed(3)} ms  p90 ${r.p90_ms.toFixed(3)} ms  p99 ${r.p99_ms.toFixed(3)} ms  ` +
    `mean ${r.mean_ms.toFixed(3)} ms  min ${r.min_ms.toFixed(3)} ms  max ${r.max_ms.toFixed(3)} ms`);
}

main().catch((e) => {
  console.error(`ort_bench: ${e.message}`);
  process.exit(1);
});
