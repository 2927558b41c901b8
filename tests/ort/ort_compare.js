// Runs ONNX models through ONNX Runtime, a reference independent of tinyc's own executors:
//   node ort_compare.js <model_a.onnx> <model_b.onnx> <inputs.npy> [max_rows]
//     feeds each row of inputs.npy (batch 1) to both models and prints one JSON line
//     {"rows":N,"max_abs_diff":x,"identical":bool,"argmax_agreement":p}
//     (max_abs_diff over every output element; null when a difference is not finite;
//      identical = every output bit equal; argmax agreement on the first output).
//   node ort_compare.js --run <model.onnx> <inputs.npy> <out.npy> [max_rows]
//     writes the model's outputs as float32 .npy, rows stacked ([rows, ...] from [1, ...]).
// Exit codes: 0 success, 2 bad usage or bad input, 1 ONNX Runtime missing or another failure.
'use strict';

const fs = require('fs');
const path = require('path');
const { NpyError, readNpy, writeNpy } = require('./npy');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const ORT_PACKAGE = path.join(REPO_ROOT, '.tinyc-tools', 'ort', 'node_modules', 'onnxruntime-node');
const USAGE = [
  'usage: node ort_compare.js <model_a.onnx> <model_b.onnx> <inputs.npy> [max_rows]',
  '       node ort_compare.js --run <model.onnx> <inputs.npy> <out.npy> [max_rows]',
].join('\n');

// Bad command line or bad input file: the message says which and why (exit 2).
class InputError extends Error {}

function loadOrt() {
  if (!fs.existsSync(path.join(ORT_PACKAGE, 'package.json'))) {
    throw new Error(`ONNX Runtime is not installed (${ORT_PACKAGE} is missing); run scripts/install_onnxruntime.sh`);
  }
  return require(ORT_PACKAGE);
}

function parseMaxRows(text) {
  if (text === undefined) return Infinity;
  if (!/^[1-9][0-9]*$/.test(text)) throw new InputError(`max_rows '${text}' is not a positive integer\n${USAGE}`);
  return Number(text);
}

// One model loaded in ONNX Runtime with its single input's name; single-threaded for reproducible sums.
// Basic graph optimizations only: the extended ones fuse QDQ groups into integer kernels whose x86
// path without VNNI (AVX2) multiplies u8 by s8 with int16 pairwise sums that saturate (ONNX
// Runtime's documented limitation), so their outputs would depend on the CPU; at 'basic' the file
// runs as ONNX defines it (DequantizeLinear, the float op, QuantizeLinear).
async function openModel(ort, file) {
  if (!fs.existsSync(file)) throw new InputError(`${file}: no such model file`);
  let session;
  try {
    session = await ort.InferenceSession.create(file, {
      intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'basic',
    });
  } catch (e) {
    throw new InputError(`${file}: ONNX Runtime cannot load it: ${e.message}`);
  }
  if (session.inputNames.length !== 1) {
    throw new InputError(`${file}: has ${session.inputNames.length} inputs; only single-input models are supported`);
  }
  return { file, session };
}

// The rows of an input .npy (first axis), each to be fed as a [1, ...rest] tensor.
function readRows(file, maxRows) {
  const { shape, data } = readNpy(file);
  if (shape.length === 0 || shape[0] === 0) throw new InputError(`${file}: needs at least one row, shape is [${shape}]`);
  const rowSize = data.length / shape[0];
  return {
    count: Math.min(shape[0], maxRows),
    dims: [1, ...shape.slice(1)],
    row: (i) => data.slice(i * rowSize, (i + 1) * rowSize),
  };
}

// Runs one row through a model; returns its outputs (in the session's output order) as ORT tensors.
async function runRow(ort, model, rows, index) {
  const feed = { [model.session.inputNames[0]]: new ort.Tensor('float32', rows.row(index), rows.dims) };
  let result;
  try {
    result = await model.session.run(feed);
  } catch (e) {
    throw new InputError(`${model.file}: ONNX Runtime failed on row ${index} (input shape [${rows.dims}]): ${e.message}`);
  }
  return model.session.outputNames.map((name) => {
    if (result[name].type !== 'float32') {
      throw new InputError(`${model.file}: output '${name}' is ${result[name].type}; only float32 outputs are supported`);
    }
    return result[name];
  });
}

function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; ++i) {
    if (values[i] > values[best]) best = i;
  }
  return best;
}

// Folds one row's outputs of both models into the running statistics.
function compareRow(a, b, stats, names) {
  if (a.length !== b.length) throw new InputError(`${names}: the models have ${a.length} and ${b.length} outputs`);
  a.forEach((ta, k) => {
    const tb = b[k];
    if (ta.data.length !== tb.data.length) {
      throw new InputError(`${names}: output ${k} has shape [${ta.dims}] vs [${tb.dims}]`);
    }
    const bitsA = new Uint32Array(ta.data.buffer, ta.data.byteOffset, ta.data.length);
    const bitsB = new Uint32Array(tb.data.buffer, tb.data.byteOffset, tb.data.length);
    for (let i = 0; i < ta.data.length; ++i) {
      if (bitsA[i] === bitsB[i]) continue;
      stats.identical = false;
      const diff = Math.abs(ta.data[i] - tb.data[i]);
      const bothNaN = Number.isNaN(ta.data[i]) && Number.isNaN(tb.data[i]);
      if (!bothNaN) stats.maxAbsDiff = Math.max(stats.maxAbsDiff, Number.isNaN(diff) ? Infinity : diff);
    }
  });
  if (argmax(a[0].data) === argmax(b[0].data)) stats.argmaxAgreements += 1;
}

async function compareModels(ort, [fileA, fileB, inputFile, maxRowsText]) {
  const rows = readRows(inputFile, parseMaxRows(maxRowsText));
  const modelA = await openModel(ort, fileA);
  const modelB = await openModel(ort, fileB);
  const stats = { maxAbsDiff: 0, identical: true, argmaxAgreements: 0 };
  for (let i = 0; i < rows.count; ++i) {
    compareRow(await runRow(ort, modelA, rows, i), await runRow(ort, modelB, rows, i), stats, `${fileA} vs ${fileB}`);
  }
  const summary = {
    rows: rows.count,
    max_abs_diff: Number.isFinite(stats.maxAbsDiff) ? stats.maxAbsDiff : null,
    identical: stats.identical,
    argmax_agreement: stats.argmaxAgreements / rows.count,
  };
  console.log(JSON.stringify(summary));
}

async function runModel(ort, [modelFile, inputFile, outputFile, maxRowsText]) {
  const rows = readRows(inputFile, parseMaxRows(maxRowsText));
  const model = await openModel(ort, modelFile);
  if (model.session.outputNames.length !== 1) {
    throw new InputError(`${modelFile}: has ${model.session.outputNames.length} outputs; --run writes single-output models only`);
  }
  let rowDims = null;
  let stacked = null;
  for (let i = 0; i < rows.count; ++i) {
    const [output] = await runRow(ort, model, rows, i);
    if (rowDims === null) {
      rowDims = output.dims[0] === 1 ? output.dims.slice(1) : output.dims.slice();
      stacked = new Float32Array(rows.count * output.data.length);
    } else if (output.data.length * rows.count !== stacked.length) {
      throw new InputError(`${modelFile}: output shape changes between rows (row ${i}: [${output.dims}])`);
    }
    stacked.set(output.data, i * output.data.length);
  }
  writeNpy(outputFile, [rows.count, ...rowDims], stacked);
}

async function main(argv) {
  const runMode = argv[0] === '--run';
  const args = runMode ? argv.slice(1) : argv;
  if (args.length < 3 || args.length > 4) throw new InputError(USAGE);
  const ort = loadOrt();
  await (runMode ? runModel(ort, args) : compareModels(ort, args));
}

main(process.argv.slice(2)).then(
  () => { process.exitCode = 0; },
  (e) => {
    const badInput = e instanceof InputError || e instanceof NpyError;
    console.error(`ort_compare.js: ${e.message}`);
    process.exitCode = badInput ? 2 : 1;
  },
);
