'use strict';
// Opening an onnxruntime-node session the same way for every script here, and
// reading the single float32 input it expects.

const fs = require('fs');
const ort = require('onnxruntime-node');

// openSession creates a CPU session with `threads` intra-op threads and no
// inter-op parallelism, so --threads N means N cores, as in `edgeinfer bench`.
async function openSession(modelPath, threads) {
  if (!fs.existsSync(modelPath)) throw new Error(`${modelPath}: no such file`);
  return ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}

// inputSpec returns {name, dims, elements} of the model's only input, which
// must be a float32 tensor of static shape.
function inputSpec(session, modelPath) {
  if (session.inputNames.length !== 1) {
    throw new Error(`${modelPath}: ${session.inputNames.length} inputs, want 1`);
  }
  const meta = session.inputMetadata[0];
  if (!meta.isTensor || meta.type !== 'float32') {
    throw new Error(`${modelPath}: input ${meta.name} is ${meta.type}, want a float32 tensor`);
  }
  if (!meta.shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${modelPath}: input ${meta.name} has a dynamic shape [${meta.shape}]`);
  }
  return { name: meta.name, dims: meta.shape, elements: meta.shape.reduce((a, b) => a * b, 1) };
}

// readInputs reads a file of consecutive float32 LE tensors of input.elements
// each into one aligned Float32Array (fs buffers may sit at any pool offset).
function readInputs(path, input) {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('big-endian hosts are not supported');
  const bytes = fs.readFileSync(path);
  const inputBytes = input.elements * 4;
  if (bytes.length === 0 || bytes.length % inputBytes !== 0) {
    throw new Error(`${path}: ${bytes.length} bytes is not a whole number of ` +
      `[${input.dims}] float32 inputs (${inputBytes} bytes each)`);
  }
  const all = new Float32Array(bytes.length / 4);
  new Uint8Array(all.buffer).set(bytes);
  return all;
}

// runAll runs the consecutive inputs in `all` one at a time and returns the
// first output of each, concatenated.
async function runAll(session, input, all, modelPath) {
  const count = all.length / input.elements;
  const outName = session.outputNames[0];
  const outs = [];
  for (let i = 0; i < count; i++) {
    const x = all.subarray(i * input.elements, (i + 1) * input.elements);
    const result = await session.run({ [input.name]: new ort.Tensor('float32', x, input.dims) });
    const y = result[outName];
    if (y.type !== 'float32') throw new Error(`${modelPath}: output ${outName} is ${y.type}, want float32`);
    outs.push(y.data);
  }
  const joined = new Float32Array(outs.reduce((n, y) => n + y.length, 0));
  let off = 0;
  for (const y of outs) {
    joined.set(y, off);
    off += y.length;
  }
  return joined;
}

// parseArgs splits argv into positionals and --flag value options; `bools`
// lists the flags that take no value.
function parseArgs(argv, usage, bools = []) {
  const positional = [];
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      console.log(usage);
      process.exit(0);
    }
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const key = a.slice(2);
    if (bools.includes(key)) {
      flags[key] = true;
    } else if (i + 1 < argv.length) {
      flags[key] = argv[++i];
    } else {
      throw new Error(`${a} needs a value\n${usage}`);
    }
  }
  return { positional, flags };
}

// intFlag reads a positive integer flag with a default.
function intFlag(flags, key, dflt, min = 1) {
  if (flags[key] === undefined) return dflt;
  const v = Number(flags[key]);
  if (!Number.isInteger(v) || v < min) throw new Error(`--${key} ${flags[key]}: want an integer >= ${min}`);
  return v;
}

module.exports = { ort, openSession, inputSpec, readInputs, runAll, parseArgs, intFlag };
