// .npy helpers for the firmware test and the benchmarks (node, no packages):
//   node npy.js slice IN.npy OUT.npy N      first N rows (dim 0) of IN, written as .npy v1.0
//   node npy.js compare WANT.npy LOG LABEL  every `row i: v ...` line of a firmware log against WANT's rows,
//                                           exactly; prints one line and exits 1 at the first difference
// and, as a module, read(), write() and values() for other node helpers.
'use strict';
const fs = require('fs');

const kTypes = {
  f4: { bytes: 4, get: (b, o) => b.readFloatLE(o) },
  f8: { bytes: 8, get: (b, o) => b.readDoubleLE(o) },
  i1: { bytes: 1, get: (b, o) => b.readInt8(o) },
  u1: { bytes: 1, get: (b, o) => b.readUInt8(o) },
  i2: { bytes: 2, get: (b, o) => b.readInt16LE(o) },
  i4: { bytes: 4, get: (b, o) => b.readInt32LE(o) },
};

function read(path) {
  const b = fs.readFileSync(path);
  if (b.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path}: not an .npy file`);
  const major = b[6];
  const hlen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const off = major === 1 ? 10 : 12;
  const header = b.toString('latin1', off, off + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: fortran_order is not supported`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const code = descr.replace(/^[<|=]/, '');
  if (!kTypes[code] || descr[0] === '>') throw new Error(`${path}: unsupported dtype ${descr}`);
  return { descr, code, shape, data: b.subarray(off + hlen) };
}

function write(path, descr, shape, data) {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  fs.writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), data]));
}

// The data of read()'s result as a typed array (an aligned copy): Float32Array or Int8Array.
function values(a) {
  const body = new Uint8Array(a.data).buffer;
  const count = a.shape.reduce((x, y) => x * y, 1);
  if (a.code === 'f4') return new Float32Array(body, 0, count);
  if (a.code === 'i1') return new Int8Array(body, 0, count);
  throw new Error(`dtype ${a.descr} (float32 or int8 expected)`);
}

function slice(inPath, outPath, n) {
  const a = read(inPath);
  const rows = Math.min(n, a.shape[0]);
  const rowBytes = (a.shape.slice(1).reduce((x, y) => x * y, 1)) * kTypes[a.code].bytes;
  write(outPath, a.descr, [rows, ...a.shape.slice(1)], a.data.subarray(0, rows * rowBytes));
}

function compare(wantPath, logPath, label) {
  const want = read(wantPath);
  const type = kTypes[want.code];
  const rows = want.shape[0];
  const elems = want.shape.slice(1).reduce((x, y) => x * y, 1);
  const got = new Map();
  for (const line of fs.readFileSync(logPath, 'utf8').split('\n')) {
    const m = /^row (\d+):(.*)$/.exec(line);
    if (m) got.set(Number(m[1]), m[2].trim().split(/\s+/).filter((s) => s));
  }
  const fail = (msg) => {
    console.log(`${label}: ${msg}`);
    process.exit(1);
  };
  for (let r = 0; r < rows; ++r) {
    const values = got.get(r);
    if (!values) fail(`row ${r}: no output from the firmware`);
    if (values.length !== elems) fail(`row ${r}: the firmware printed ${values.length} values, tinyc run wrote ${elems}`);
    for (let e = 0; e < elems; ++e) {
      const w = type.get(want.data, (r * elems + e) * type.bytes);
      // integers compare as written; a float printed with %.9g reads back to the same float32
      const g = want.code[0] === 'f' ? Math.fround(Number(values[e])) : Number(values[e]);
      if (!Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w)))
        fail(`row ${r}, element ${e}: QEMU ${values[e]}, tinyc run ${w}`);
    }
  }
  if (got.size !== rows) fail(`the firmware printed ${got.size} rows, tinyc run wrote ${rows}`);
  console.log(`${rows} rows x ${elems} equal`);
}

module.exports = { read, write, values };

if (require.main === module) {
  const [cmd, ...args] = process.argv.slice(2);
  if (cmd === 'slice' && args.length === 3) slice(args[0], args[1], Number(args[2]));
  else if (cmd === 'compare' && args.length === 3) compare(args[0], args[1], args[2]);
  else {
    console.error('usage: npy.js slice IN.npy OUT.npy N | compare WANT.npy LOG LABEL');
    process.exit(2);
  }
}
