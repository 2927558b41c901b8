// Writes `count` distinct rows of an .npy file, drawn at random with a fixed seed, in file order:
// the random calibration subsets benchmarks/calib_select.sh compares --calib-select against; or,
// given BEGIN:END instead of a count, rows BEGIN..END-1 (the split halves of choose_board.sh).
//   node benchmarks/npy_rows.js in.npy out.npy count seed
//   node benchmarks/npy_rows.js in.npy out.npy BEGIN:END
const fs = require("fs");
const [input, output, countText, seedText] = process.argv.slice(2);
const bytes = fs.readFileSync(input);
const major = bytes[6];
const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
const headerStart = major === 1 ? 10 : 12;
const header = bytes.toString("latin1", headerStart, headerStart + headerLength);
const itemSize = Number(/'descr': *'[<>|]?[a-z](\d+)'/.exec(header)[1]);
const shape = /'shape': *\(([^)]*)\)/.exec(header)[1].split(",").map((s) => s.trim()).filter((s) => s).map(Number);
const rowBytes = shape.slice(1).reduce((a, b) => a * b, 1) * itemSize;
const range = /^(\d+):(\d+)$/.exec(countText);
const count = range ? Number(range[2]) - Number(range[1]) : Number(countText);
if (!(count >= 1 && count <= shape[0])) throw new Error(`count must be between 1 and ${shape[0]}`);
if (range && Number(range[2]) > shape[0]) throw new Error(`END must be at most ${shape[0]}`);

// mulberry32: a small seeded generator, so every run draws the same rows.
let state = Number(seedText) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const rows = Array.from({ length: shape[0] }, (_, i) => i);
for (let i = 0; !range && i < count; ++i) {
  const j = i + Math.floor(random() * (rows.length - i));
  [rows[i], rows[j]] = [rows[j], rows[i]];
}
const chosen = range ? Array.from({ length: count }, (_, i) => Number(range[1]) + i)
                    : rows.slice(0, count).sort((a, b) => a - b);

const newShape = [count, ...shape.slice(1)];
let dict = header.replace(/'shape': *\([^)]*\)/, `'shape': (${newShape.join(", ")}${newShape.length === 1 ? "," : ""})`).trimEnd();
const pad = 64 - ((10 + dict.length + 1) % 64);
dict = dict + " ".repeat(pad % 64) + "\n";
const prefix = Buffer.alloc(10);
Buffer.from("\x93NUMPY", "latin1").copy(prefix, 0);
prefix[6] = 1;
prefix[7] = 0;
prefix.writeUInt16LE(dict.length, 8);
const body = Buffer.alloc(count * rowBytes);
const dataStart = headerStart + headerLength;
chosen.forEach((r, i) => bytes.copy(body, i * rowBytes, dataStart + r * rowBytes, dataStart + (r + 1) * rowBytes));
fs.writeFileSync(output, Buffer.concat([prefix, Buffer.from(dict, "latin1"), body]));
