// Splits a firmware image's flash (the sections arm-none-eabi-size counts as text + data) by where the
// bytes come from, read from the GNU ld map file (-Wl,-Map):
//   node fw_map.js fw.map   ->  "<tflm> <runtime> <main> <other>"
// tflm: libtflm_cortex_m4*.a; runtime: newlib, libm, libgcc, libstdc++, librdimon and the startup code;
// main: main.o (the firmware's own code, the model's C array and the rows); other: linker fill.
// Merged string sections are listed with their size before merging, so each input section counts only
// the addresses past the ones already counted (the sums then add up to text + data).
'use strict';
const fs = require('fs');

const kFlashSections = new Set(['.text', '.ARM.extab', '.ARM.exidx', '.init_array', '.data']);
const sums = { tflm: 0, runtime: 0, main: 0, other: 0 };
let inMap = false;
let section = '';
let end = 0;  // the highest address counted so far in this output section
let pending = '';  // an input section name alone on its line (long names), its numbers on the next
for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (!inMap) {
    inMap = line.startsWith('Linker script and memory map');
    continue;
  }
  const out = /^(\.[^\s]+)/.exec(line);
  if (out) {
    section = out[1];
    end = 0;
    continue;
  }
  if (!kFlashSections.has(section)) continue;
  const full = /^ (\*fill\*|\.[^\s]+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)(?:\s+(\S.*?))?\s*$/.exec(line);
  if (!full || (!full[1] && !pending)) {
    pending = /^ \.[^\s]+$/.test(line) ? line : '';
    continue;
  }
  pending = '';
  const start = parseInt(full[2], 16);
  const stop = start + parseInt(full[3], 16);
  const bytes = Math.max(0, stop - Math.max(start, end));
  end = Math.max(end, stop);
  const file = full[4] || '';
  if (full[1] === '*fill*' || !file) sums.other += bytes;
  else if (/libtflm_cortex_m4[^/]*\.a\(/.test(file)) sums.tflm += bytes;
  else if (/(^|\/)main\.o$/.test(file)) sums.main += bytes;
  else sums.runtime += bytes;
}
console.log(`${sums.tflm} ${sums.runtime} ${sums.main} ${sums.other}`);
