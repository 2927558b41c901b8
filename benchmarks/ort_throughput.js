// ONNX Runtime throughput on one model and data set, the peer of tinyc_throughput:
//   node ort_throughput.js <model.onnx> <data.npy> <threads> [repeats]
// Feeds every row as a batch-1 tensor (the corpus models have a fixed batch of 1) and prints one
// JSON line {"rows","seconds","samples_per_s"} for the best of `repeats` passes.
'use strict';

const path = require('path');
const { readNpy } = require('../tests/ort/npy');

const ORT = path.join(__dirname, '..', '.tinyc-tools', 'ort', 'node_modules', 'onnxruntime-node');

async function main() {
  const [model, dataFile, threadsText, repeatsText] = process.argv.slice(2);
  if (!model || !dataFile || !threadsText) {
    console.error('usage: node ort_throughput.js <model.onnx> <data.npy> <threads> [repeats]');
    process.exit(1);
  }
  const ort = require(ORT);
  const threads = Number(threadsText);
  const repeats = Number(repeatsText || 3);
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const { shape, data } = readNpy(dataFile);
  const rows = shape[0];
  const rowSize = data.length / rows;
  const rowShape = [1, ...shape.slice(1)];
  const feeds = [];
  for (let r = 0; r < rows; ++r) {
    feeds.push({ [session.inputNames[0]]: new ort.Tensor('float32', data.subarray(r * rowSize, (r + 1) * rowSize), rowShape) });
  }
  await session.run(feeds[0]);  // warm-up
  let best = Infinity;
  for (let k = 0; k < repeats; ++k) {
    const start = process.hrtime.bigint();
    for (const feed of feeds) await session.run(feed);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  console.log(JSON.stringify({ rows, seconds: best, samples_per_s: rows / best }));
}

main().catch((e) => {
  console.error(`ort_throughput: ${e.message}`);
  process.exit(2);
});
