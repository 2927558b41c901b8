// Float32 .npy read/write for the ONNX Runtime checks, so they need nothing but Node and ORT.
'use strict';

const fs = require('fs');
const os = require('os');

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"
const PREAMBLE_BYTES = { 1: 10, 2: 12 }; // magic + version + header length (u16 or u32)

// A user-facing problem with an .npy file: the message names the file and what is wrong.
class NpyError extends Error {}

// Reads the dict literal of an .npy header, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
function parseHeaderDict(text, file) {
  const bad = (what) => new NpyError(`${file}: ${what} in .npy header ${JSON.stringify(text.trim())}`);
  const body = text.trim().match(/^\{(.*)\}$/s);
  if (!body) throw bad('no {...} dict');
  const entry = /\s*'([a-z_]+)'\s*:\s*('[^']*'|True|False|\([^)]*\))\s*(,|$)/y;
  const fields = {};
  for (let pos = 0; body[1].slice(pos).trim() !== '';) {
    entry.lastIndex = pos;
    const match = entry.exec(body[1]);
    if (match === null) throw bad(`unreadable entry at '${body[1].slice(pos).trim()}'`);
    if (match[1] in fields) throw bad(`duplicate key '${match[1]}'`);
    fields[match[1]] = match[2];
    if (match[3] === '') break;
    pos = entry.lastIndex;
  }
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!(key in fields)) throw bad(`missing '${key}'`);
  }
  if (fields.descr !== "'<f4'") {
    throw bad(`dtype ${fields.descr} is not supported (only little-endian float32 '<f4')`);
  }
  if (fields.fortran_order !== 'False') throw bad('Fortran order is not supported (save C-order arrays)');
  if (!fields.shape.startsWith('(')) throw bad(`shape ${fields.shape} is not a tuple`);
  const dims = fields.shape.slice(1, -1).split(',').map((s) => s.trim());
  if (dims.length > 0 && dims[dims.length - 1] === '') dims.pop(); // "(3,)"
  const shape = dims.map((d) => {
    if (!/^\d+$/.test(d)) throw bad(`shape entry '${d}' is not a non-negative integer`);
    return Number(d);
  });
  if (!shape.every(Number.isSafeInteger)) throw bad('shape entry too large');
  return shape;
}

// Float32Array views use the host byte order; .npy '<f4' data is little-endian.
function requireLittleEndianHost() {
  if (os.endianness() !== 'LE') throw new Error('the .npy reader and writer need a little-endian host');
}

// Returns {shape: number[], data: Float32Array} for a C-order little-endian float32 .npy file.
function readNpy(file) {
  requireLittleEndianHost();
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new NpyError(`${file}: cannot read (${e.code || e.message})`);
  }
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(MAGIC)) {
    throw new NpyError(`${file}: not an .npy file (missing \\x93NUMPY magic)`);
  }
  const major = bytes[6];
  const preamble = PREAMBLE_BYTES[major];
  if (preamble === undefined) throw new NpyError(`${file}: .npy version ${major} is not supported (only 1 and 2)`);
  if (bytes.length < preamble) throw new NpyError(`${file}: truncated .npy header`);
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const dataStart = preamble + headerLength;
  if (dataStart > bytes.length) throw new NpyError(`${file}: truncated .npy header`);
  const shape = parseHeaderDict(bytes.toString('latin1', preamble, dataStart), file);
  const count = shape.reduce((a, b) => a * b, 1);
  const expectedBytes = count * 4;
  if (bytes.length - dataStart !== expectedBytes) {
    throw new NpyError(`${file}: shape [${shape}] needs ${expectedBytes} data bytes but the file has ${bytes.length - dataStart}`);
  }
  // Copying the bytes (not converting through doubles) keeps every bit, NaN payloads included.
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + dataStart, bytes.byteOffset + bytes.length));
  return { shape, data };
}

// Writes a version 1 .npy (header padded to a multiple of 64 bytes, as numpy does).
function writeNpy(file, shape, data) {
  requireLittleEndianHost();
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = PREAMBLE_BYTES[1] + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = Buffer.alloc(PREAMBLE_BYTES[1] + header.length + 4 * data.length);
  MAGIC.copy(out, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, PREAMBLE_BYTES[1], 'latin1');
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, PREAMBLE_BYTES[1] + header.length);
  try {
    fs.writeFileSync(file, out);
  } catch (e) {
    throw new NpyError(`${file}: cannot write (${e.code || e.message})`);
  }
}

module.exports = { NpyError, readNpy, writeNpy };
