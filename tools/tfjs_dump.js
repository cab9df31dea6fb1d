#!/usr/bin/env node
// tfjs_dump.js — turn a TF.js layers model shipped as JS modules (the nsfwjs npm package's
// dist/models/inception_v3/) into files Python can read without a JS engine.
//
//   node tools/tfjs_dump.js MODEL_DIR OUT_DIR
//
// MODEL_DIR holds model.min.js (exports {modelTopology, weightsManifest}) and the weight shards
// named in the manifest, as <path>.min.js modules exporting one base64 string each. Writes
//   OUT_DIR/topology.json  the Keras model_config (layer graph) as JSON
//   OUT_DIR/manifest.json  [{name, shape, dtype, quantization: {min, scale, dtype}}] in file order
//   OUT_DIR/weights.bin    the shards' bytes, concatenated in manifest order
// The byte count must equal what the manifest declares (one byte per uint8-quantized value,
// four per float32 value); anything else is an error, not a guess.
'use strict';

const fs = require('fs');
const path = require('path');

const PROG = 'tfjs_dump.js';

function die(msg) {
  process.stderr.write(`${PROG}: error: ${msg}\n`);
  process.exit(1);
}

function bytesPerValue(w) {
  const q = w.quantization;
  if (q) {
    if (q.dtype !== 'uint8') die(`${w.name}: quantization dtype ${q.dtype} is not supported`);
    return 1;
  }
  if (w.dtype !== 'float32') die(`${w.name}: dtype ${w.dtype} is not supported`);
  return 4;
}

function main(argv) {
  if (argv.length !== 2 || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write('usage: node tools/tfjs_dump.js MODEL_DIR OUT_DIR\n');
    process.exit(argv.length === 2 ? 0 : 2);
  }
  const [modelDir, outDir] = argv.map((p) => path.resolve(p));
  const modelFile = path.join(modelDir, 'model.min.js');
  if (!fs.existsSync(modelFile)) die(`${modelFile}: not found`);
  const model = require(modelFile);
  if (!model.modelTopology || !Array.isArray(model.weightsManifest))
    die(`${modelFile}: no {modelTopology, weightsManifest} export`);

  const weights = [];
  const chunks = [];
  for (const group of model.weightsManifest) {
    for (const p of group.paths) {
      const shard = require(path.join(modelDir, `${p}.min.js`));
      const b64 = typeof shard === 'string' ? shard : shard.default;
      if (typeof b64 !== 'string') die(`${p}.min.js does not export a base64 string`);
      chunks.push(Buffer.from(b64, 'base64'));
    }
    weights.push(...group.weights);
  }
  const data = Buffer.concat(chunks);
  let expected = 0;
  for (const w of weights) expected += w.shape.reduce((a, b) => a * b, 1) * bytesPerValue(w);
  if (data.length !== expected)
    die(`shards hold ${data.length} bytes, the manifest declares ${expected}`);

  fs.mkdirSync(outDir, { recursive: true });
  const config = model.modelTopology.model_config || model.modelTopology;
  fs.writeFileSync(path.join(outDir, 'topology.json'), JSON.stringify(config));
  fs.writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(weights, null, 1));
  fs.writeFileSync(path.join(outDir, 'weights.bin'), data);
  process.stdout.write(`${PROG}: ${weights.length} tensors, ${data.length} bytes -> ${outDir}\n`);
}

main(process.argv.slice(2));
