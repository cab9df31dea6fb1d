#!/usr/bin/env node
// ort_run.js — onnxruntime-node reference runner and benchmark for qcc.
//
//   node tools/ort_run.js ref   MODEL.onnx DATA_DIR [--threads N]
//   node tools/ort_run.js bench MODEL.onnx [--batch 16] [--threads 2] [--iters 10]
//                                          [--warmup 2] [--json FILE]
//   node tools/ort_run.js eval  MODEL.onnx DATA_DIR [--threads 2] [--json FILE]
//                                          [--predictions FILE]
//
// `ref` (alias `run`) feeds DATA_DIR/input_K.pb (ONNX TensorProto files) to
// the model's inputs in order and writes DATA_DIR/output_K.pb, one per model
// output. A DATA_DIR holding test_data_set_* folders is processed folder by
// folder. `bench` times session.run on random float input and reports the
// median milliseconds per image. `eval` measures top-1/top-5 accuracy on the
// test_data_set_K/{input_0.pb,labels.txt} folders that
// `tools/make_inputs.py --folder` writes.
//
// TensorProto files are read and written by the small protobuf codec below
// (fields dims=1, data_type=2, float_data=4, int32_data=5, int64_data=7,
// name=8, raw_data=9); tensors are float32, float16, int64, int32, int8,
// uint8 or bool.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const PROG = 'ort_run.js';
const PEER = 'onnxruntime-node 1.30.0';

const USAGE = `usage:
  node tools/ort_run.js ref   MODEL.onnx DATA_DIR [--threads N]
  node tools/ort_run.js bench MODEL.onnx [--batch 16] [--threads 2] [--iters 10]
                                         [--warmup 2] [--json FILE]
  node tools/ort_run.js eval  MODEL.onnx DATA_DIR [--threads 2] [--json FILE]
                                         [--predictions FILE]

ref    read DATA_DIR/input_K.pb (or DATA_DIR/test_data_set_*/input_K.pb), run the
       model with onnxruntime-node (graph optimization --optimization), write output_K.pb
       next to the inputs, one per model output (TensorProto, raw_data).
run    same as ref.
bench  time session.run on random input [batch, C, H, W] (C, H, W from the model's
       input metadata, else 3x299x299); print the median ms per image and, with
       --json, write {"ms_per_image", "batch", "threads", "iters", "peer", ...}.
eval   for each DATA_DIR/test_data_set_K (numeric order; or DATA_DIR itself) feed
       input_K.pb, compare the top-1 / top-5 classes of each row of the first model
       output ([b, classes]) with labels.txt (one class index per row); print
       top-1 %, top-5 %, images and the median ms per image (session.run time
       divided by the rows of each set). Data: tools/make_inputs.py --folder.

options:
  --threads N   intra-op threads (default 2)
  --batch N     bench batch size (default 16)
  --iters N     timed bench runs (default 10)
  --warmup N    untimed bench runs first (default 2)
  --json FILE   bench, eval: also write the result as JSON; eval writes {"model",
                "images", "top1", "top5" (fractions), "ms_per_image", "peer", ...}
  --predictions FILE
                eval: write "INDEX TOP1CLASS" per image, in image order; INDEX is
                the line of the image in DATA_DIR/images.txt (from the sets'
                indices.txt), else its position among the evaluated images
  --optimization all|extended|basic|disabled
                ONNX Runtime graph optimization level (default all). 'disabled' runs a
                QDQ model as written: float ops between Quantize/DequantizeLinear, an
                exact simulation of the integer arithmetic (no fused int8 kernels)
  -h, --help    show this help`;

class UsageError extends Error {}

function fail(msg) {
  process.stderr.write(`${PROG}: error: ${msg}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------------------
// ONNX TensorProto <-> { name, type, dims, data } (protobuf wire format)

// ONNX TensorProto.DataType -> [onnxruntime type name, typed array, bytes]
const DTYPES = {
  1: ['float32', Float32Array, 4],
  2: ['uint8', Uint8Array, 1],
  3: ['int8', Int8Array, 1],
  6: ['int32', Int32Array, 4],
  7: ['int64', BigInt64Array, 8],
  9: ['bool', Uint8Array, 1],
  10: ['float16', Uint16Array, 2],
};
const ONNX_TYPE = Object.fromEntries(Object.entries(DTYPES).map(([k, v]) => [v[0], Number(k)]));

if (os.endianness() !== 'LE') fail('raw_data handling assumes a little-endian host');

class Reader {
  constructor(buf) { this.buf = buf; this.pos = 0; }
  done() { return this.pos >= this.buf.length; }
  byte() {
    if (this.pos >= this.buf.length) throw new Error('truncated protobuf');
    return this.buf[this.pos++];
  }
  varint() { // as BigInt, 64-bit unsigned
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return BigInt.asUintN(64, result);
    }
    throw new Error('bad varint');
  }
  bytes(n) {
    if (this.pos + n > this.buf.length) throw new Error('truncated protobuf');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  lengthDelimited() { return this.bytes(Number(this.varint())); }
  skip(wire) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.bytes(8);
    else if (wire === 2) this.lengthDelimited();
    else if (wire === 5) this.bytes(4);
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

// Reads a repeated varint field, packed (wire 2) or not (wire 0).
function readVarints(r, wire, out) {
  if (wire === 0) { out.push(r.varint()); return; }
  if (wire !== 2) throw new Error(`bad wire type ${wire} for a varint field`);
  const sub = new Reader(r.lengthDelimited());
  while (!sub.done()) out.push(sub.varint());
}

function parseTensor(buf) {
  const r = new Reader(buf);
  const t = { name: '', dataType: 0, dims: [], raw: null, floats: [], int32s: [], int64s: [] };
  while (!r.done()) {
    const key = Number(r.varint());
    const field = key >>> 3, wire = key & 7;
    switch (field) {
      case 1: readVarints(r, wire, t.dims); break;
      case 2: t.dataType = Number(r.varint()); break;
      case 4: // float_data: packed or one fixed32 per value
        if (wire === 5) t.floats.push(r.bytes(4));
        else t.floats.push(r.lengthDelimited());
        break;
      case 5: readVarints(r, wire, t.int32s); break;
      case 7: readVarints(r, wire, t.int64s); break;
      case 8: t.name = r.lengthDelimited().toString('utf8'); break;
      case 9: t.raw = r.lengthDelimited(); break;
      case 13: case 14: throw new Error('external tensor data is not supported');
      default: r.skip(wire);
    }
  }
  const info = DTYPES[t.dataType];
  if (!info) throw new Error(`unsupported TensorProto data_type ${t.dataType}`);
  const [type, Typed, size] = info;
  const dims = t.dims.map((d) => Number(BigInt.asIntN(64, d)));
  const count = dims.reduce((a, b) => a * b, 1);
  let data;
  if (t.raw) {
    if (t.raw.length !== count * size) {
      throw new Error(`raw_data has ${t.raw.length} bytes, shape [${dims}] needs ${count * size}`);
    }
    data = new Typed(count);
    Buffer.from(data.buffer).set(t.raw); // copy: raw may be unaligned
  } else if (type === 'float32') {
    const bytes = Buffer.concat(t.floats);
    data = new Float32Array(bytes.length / 4);
    Buffer.from(data.buffer).set(bytes);
  } else if (type === 'int64') {
    data = BigInt64Array.from(t.int64s, (v) => BigInt.asIntN(64, v));
  } else { // int32_data carries int32, int8, uint8, bool and float16 bits
    data = Typed.from(t.int32s, (v) => Number(BigInt.asIntN(32, v)));
  }
  if (data.length !== count) {
    throw new Error(`tensor '${t.name}' has ${data.length} values, shape [${dims}] needs ${count}`);
  }
  return { name: t.name, type, dims, data };
}

function varintBytes(value) { // value: non-negative Number or BigInt (int64 as two's complement)
  let v = BigInt.asUintN(64, BigInt(value));
  const out = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Buffer.from(out);
}

function serializeTensor({ name, type, dims, data }) {
  if (!(type in ONNX_TYPE)) throw new Error(`cannot write tensor of type ${type}`);
  const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const nameBytes = Buffer.from(name, 'utf8');
  const parts = [];
  for (const d of dims) parts.push(varintBytes(1 << 3), varintBytes(d));
  parts.push(varintBytes(2 << 3), varintBytes(ONNX_TYPE[type]));
  parts.push(varintBytes((8 << 3) | 2), varintBytes(nameBytes.length), nameBytes);
  parts.push(varintBytes((9 << 3) | 2), varintBytes(raw.length), raw);
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------
// command line

function parseArgs(argv) {
  const opts = { threads: 2, batch: 16, iters: 10, warmup: 2, json: null, predictions: null,
                 optimization: 'all' };
  const pos = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') { opts.help = true; continue; }
    if (!a.startsWith('--')) { pos.push(a); continue; }
    const [flag, inline] = a.split(/=(.*)/s, 2);
    const key = flag.slice(2);
    if (!(key in opts)) throw new UsageError(`unknown option ${flag}`);
    const value = inline !== undefined ? inline : argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (key === 'json' || key === 'predictions') { opts[key] = value; continue; }
    if (key === 'optimization') {
      if (!['all', 'basic', 'extended', 'disabled'].includes(value))
        throw new UsageError(`--optimization must be all, extended, basic or disabled, got '${value}'`);
      opts[key] = value;
      continue;
    }
    if (!/^\d+$/.test(value)) throw new UsageError(`${flag} needs a whole number, got '${value}'`);
    opts[key] = Number(value);
    if (opts[key] < (key === 'warmup' ? 0 : 1)) throw new UsageError(`${flag} is too small: ${value}`);
  }
  return { pos, opts };
}

// onnxruntime-node lives outside the source tree, in ${QCC_CACHE:-~/.cache/qcc}/node (made by
// scripts/setup.sh from tools/package.json and its lock file).
function loadOrt() {
  const cache = process.env.QCC_CACHE || path.join(os.homedir(), '.cache', 'qcc');
  const where = path.join(cache, 'node', 'node_modules', 'onnxruntime-node');
  try {
    return require(where);
  } catch (e) {
    fail(`cannot load onnxruntime-node from ${where} (${e.code || e.message}); scripts/setup.sh installs it`);
  }
}

async function openSession(ort, model, threads, optimization) {
  if (!fs.existsSync(model)) fail(`no such model file: ${model}`);
  try {
    return await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: optimization,
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      logSeverityLevel: 3, // errors only
    });
  } catch (e) {
    fail(`onnxruntime cannot load ${model}: ${e.message}`);
  }
}

// ---------------------------------------------------------------------------
// ref: DATA_DIR/input_K.pb -> DATA_DIR/output_K.pb

function numberedFiles(dir, prefix) {
  const re = new RegExp(`^${prefix}_(\\d+)\\.pb$`);
  return fs.readdirSync(dir)
    .map((n) => [n, re.exec(n)])
    .filter(([, m]) => m)
    .sort((a, b) => Number(a[1][1]) - Number(b[1][1]))
    .map(([n]) => path.join(dir, n));
}

// Reads DIR/input_K.pb as the feeds of `session`; returns { feeds, files }.
function loadFeeds(ort, session, dir) {
  const files = numberedFiles(dir, 'input');
  const names = session.inputNames;
  if (files.length !== names.length) {
    fail(`${dir}: ${files.length} input_K.pb files, but the model has ${names.length} inputs (${names})`);
  }
  const feeds = {};
  files.forEach((file, k) => {
    let t;
    try {
      t = parseTensor(fs.readFileSync(file));
    } catch (e) {
      fail(`${file}: not a readable TensorProto: ${e.message}`);
    }
    const meta = session.inputMetadata && session.inputMetadata[k];
    if (meta && meta.isTensor && meta.type !== t.type) {
      fail(`${file}: tensor is ${t.type}, model input '${names[k]}' wants ${meta.type}`);
    }
    feeds[names[k]] = new ort.Tensor(t.type, t.data, t.dims);
  });
  return { feeds, files };
}

// session.run on one data set's feeds; a failure names the folder.
async function timedRun(session, feeds, dir) {
  const t0 = process.hrtime.bigint();
  try {
    const results = await session.run(feeds);
    return { results, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  } catch (e) {
    fail(`${dir}: onnxruntime run failed: ${e.message}`);
  }
}

async function runDataSet(ort, session, dir) {
  const { feeds, files } = loadFeeds(ort, session, dir);
  const { results, ms } = await timedRun(session, feeds, dir);
  session.outputNames.forEach((name, k) => {
    const out = results[name];
    const bytes = serializeTensor({ name, type: out.type, dims: out.dims, data: out.data });
    fs.writeFileSync(path.join(dir, `output_${k}.pb`), bytes);
  });
  const shapes = session.outputNames.map((n) => `${n}[${results[n].dims}]`).join(' ');
  console.log(`${dir}: ${files.length} input(s) -> ${shapes} (${ms.toFixed(1)} ms)`);
}

// DATA_DIR itself if it holds input_K.pb, else its test_data_set_K folders in numeric order.
function dataSetDirs(dataDir) {
  if (!fs.existsSync(dataDir) || !fs.statSync(dataDir).isDirectory()) {
    fail(`not a directory: ${dataDir}`);
  }
  if (numberedFiles(dataDir, 'input').length > 0) return [dataDir];
  const dirs = fs.readdirSync(dataDir)
    .filter((n) => /^test_data_set_\d+$/.test(n))
    .sort((a, b) => Number(a.split('_').pop()) - Number(b.split('_').pop()))
    .map((n) => path.join(dataDir, n));
  if (dirs.length === 0) fail(`${dataDir} has neither input_K.pb files nor test_data_set_* folders`);
  return dirs;
}

async function ref(pos, opts) {
  if (pos.length !== 2) throw new UsageError('ref needs MODEL.onnx and DATA_DIR');
  const [model, dataDir] = pos;
  const dirs = dataSetDirs(dataDir);
  const ort = loadOrt();
  const session = await openSession(ort, model, opts.threads, opts.optimization);
  for (const dir of dirs) await runDataSet(ort, session, dir);
}

// ---------------------------------------------------------------------------
// bench: median ms per image on random input

function benchShape(meta, batch) {
  const fallback = [batch, 3, 299, 299];
  if (!meta || !meta.isTensor || !Array.isArray(meta.shape) || meta.shape.length !== 4) return fallback;
  const dims = meta.shape.map((d, i) => (i === 0 ? batch : d));
  return dims.every((d) => typeof d === 'number' && d > 0) ? dims : fallback;
}

function randomFloats(n, seed) { // xorshift32 uniform in [-1, 1): deterministic and fast
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function bench(pos, opts) {
  if (pos.length !== 1) throw new UsageError('bench needs exactly one MODEL.onnx');
  const [model] = pos;
  const ort = loadOrt();
  const session = await openSession(ort, model, opts.threads, opts.optimization);
  const feeds = {};
  session.inputNames.forEach((name, k) => {
    const meta = session.inputMetadata && session.inputMetadata[k];
    if (meta && meta.isTensor && meta.type !== 'float32') {
      fail(`bench supports float32 inputs only; '${name}' is ${meta.type}`);
    }
    const dims = benchShape(meta, opts.batch);
    feeds[name] = new ort.Tensor('float32', randomFloats(dims.reduce((a, b) => a * b, 1), k + 1), dims);
  });
  const times = [];
  try {
    for (let i = 0; i < opts.warmup + opts.iters; i++) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      if (i >= opts.warmup) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } catch (e) {
    fail(`onnxruntime run failed: ${e.message}`);
  }
  const msBatch = median(times);
  const result = {
    ms_per_image: Number((msBatch / opts.batch).toFixed(3)),
    batch: opts.batch,
    threads: opts.threads,
    iters: opts.iters,
    peer: PEER,
    ms_per_batch: Number(msBatch.toFixed(3)),
    model: path.basename(model),
  };
  const shape = feeds[session.inputNames[0]].dims;
  console.log(`${model}: ${result.ms_per_image} ms/image median (${result.ms_per_batch} ms per batch ` +
              `of [${shape}], ${opts.threads} threads, ${opts.iters} iters, ${PEER})`);
  if (opts.json) {
    try {
      fs.writeFileSync(opts.json, JSON.stringify(result, null, 2) + '\n');
    } catch (e) {
      fail(`cannot write ${opts.json}: ${e.message}`);
    }
  }
}

// ---------------------------------------------------------------------------
// eval: top-1 / top-5 accuracy on test_data_set_K/{input_0.pb,labels.txt}

// Non-negative integers, one per non-empty line of FILE (null if FILE is absent and optional).
function readIntLines(file, optional) {
  if (!fs.existsSync(file)) {
    if (optional) return null;
    fail(`missing ${file} (make the data with tools/make_inputs.py --folder)`);
  }
  const lines = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.map((l, i) => {
    if (!/^\d+$/.test(l)) fail(`${file}:${i + 1}: expected a class/image index, got '${l}'`);
    return Number(l);
  });
}

// Indices of the k largest values of row (ties: lower index first; NaN never wins).
function topK(row, k) {
  const best = []; // indices, ordered best first
  for (let c = 0; c < row.length; c++) {
    const v = row[c];
    if (Number.isNaN(v)) continue;
    if (best.length === k && !(v > row[best[k - 1]])) continue;
    let j = best.length < k ? best.length : k - 1;
    while (j > 0 && v > row[best[j - 1]]) j--;
    best.splice(j, 0, c);
    if (best.length > k) best.pop();
  }
  return best;
}

function writeFileOrFail(file, text) {
  try {
    fs.writeFileSync(file, text);
  } catch (e) {
    fail(`cannot write ${file}: ${e.message}`);
  }
}

async function evaluate(pos, opts) {
  if (pos.length !== 2) throw new UsageError('eval needs MODEL.onnx and DATA_DIR');
  const [model, dataDir] = pos;
  const dirs = dataSetDirs(dataDir);
  const ort = loadOrt();
  const session = await openSession(ort, model, opts.threads, opts.optimization);
  const outName = session.outputNames[0];
  let images = 0, top1 = 0, top5 = 0, classes = 0, badLabels = 0;
  const msPerImage = [];
  const predictions = [];
  const t0all = process.hrtime.bigint();
  for (const dir of dirs) {
    const labels = readIntLines(path.join(dir, 'labels.txt'), false);
    const indices = readIntLines(path.join(dir, 'indices.txt'), true);
    if (indices && indices.length !== labels.length) {
      fail(`${dir}: indices.txt has ${indices.length} lines, labels.txt ${labels.length}`);
    }
    const { feeds } = loadFeeds(ort, session, dir);
    const { results, ms } = await timedRun(session, feeds, dir);
    const out = results[outName];
    if (out.type !== 'float32') fail(`${dir}: output '${outName}' is ${out.type}, expected float32 scores`);
    const rows = out.dims[0];
    if (out.dims.length < 2 || rows !== labels.length) {
      fail(`${dir}: output '${outName}' has shape [${out.dims}], expected [${labels.length}, classes] ` +
           `(labels.txt has ${labels.length} lines)`);
    }
    const width = out.data.length / rows;
    if (classes && width !== classes) fail(`${dir}: output has ${width} classes, earlier sets ${classes}`);
    classes = width;
    for (let r = 0; r < rows; r++) {
      const best = topK(out.data.subarray(r * width, (r + 1) * width), 5);
      const label = labels[r];
      if (label >= width) badLabels++;
      top1 += best[0] === label ? 1 : 0;
      top5 += best.includes(label) ? 1 : 0;
      predictions.push(`${indices ? indices[r] : images} ${best.length ? best[0] : -1}`);
      images++;
    }
    msPerImage.push(ms / rows);
  }
  const seconds = Number(process.hrtime.bigint() - t0all) / 1e9;
  if (badLabels) {
    process.stderr.write(`${PROG}: warning: ${badLabels} label(s) >= the model's ${classes} classes ` +
                         '(counted as wrong)\n');
  }
  let skipped = null;
  const skippedFile = path.join(dataDir, 'skipped.txt');
  if (fs.existsSync(skippedFile)) {
    skipped = fs.readFileSync(skippedFile, 'utf8').split('\n').filter((l) => l.trim() !== '').length;
  }
  const result = {
    model,
    images,
    top1: top1 / images,
    top5: top5 / images,
    ms_per_image: Number(median(msPerImage).toFixed(3)),
    peer: PEER,
    classes,
    sets: dirs.length,
    threads: opts.threads,
    skipped,
    seconds: Number(seconds.toFixed(2)),
  };
  const skipNote = skipped ? `, ${skipped} unreadable image(s) skipped by make_inputs` : '';
  console.log(`${model}: top-1 ${(100 * result.top1).toFixed(2)}%  top-5 ${(100 * result.top5).toFixed(2)}%  ` +
              `${images} images  ${result.ms_per_image} ms/image median (${dirs.length} sets, ` +
              `${opts.threads} threads, ${PEER})${skipNote}`);
  if (opts.predictions) writeFileOrFail(opts.predictions, predictions.map((l) => l + '\n').join(''));
  if (opts.json) writeFileOrFail(opts.json, JSON.stringify(result, null, 2) + '\n');
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
    if (args.opts.help) { console.log(USAGE); return; }
    const [mode, ...rest] = args.pos;
    if (mode === 'ref' || mode === 'run') await ref(rest, args.opts);
    else if (mode === 'bench') await bench(rest, args.opts);
    else if (mode === 'eval') await evaluate(rest, args.opts);
    else throw new UsageError(mode ? `unknown mode '${mode}'` : 'missing mode (ref, bench or eval)');
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${PROG}: error: ${e.message} (see --help)\n`);
    process.exit(2);
  }
}

if (require.main === module) {
  main().catch((e) => fail(e.stack || String(e)));
}

module.exports = { parseTensor, serializeTensor };
