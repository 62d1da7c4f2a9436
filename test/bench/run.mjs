// `npm run bench`: measures, prints a table, and ends with one JSON line holding every figure
// so runs can be compared. Never part of `npm test`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchChecker } from './checker.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const figures = {};

const checker = benchChecker({ root });
console.log('shapewise check, end to end (node start-up included), generated files:');
console.log('  lines    layers   median ms   min ms');
for (const r of checker) {
  console.log(`  ${String(r.lines).padStart(6)}  ${String(r.layers).padStart(7)}  ${r.medianMs.toFixed(0).padStart(10)}  ${r.minMs.toFixed(0).padStart(7)}`);
}
for (const r of checker) figures[`checkMedianMs${r.lines >= 1000 ? `${r.lines / 1000}k` : r.lines}`] = Math.round(r.medianMs);

console.log(JSON.stringify(figures));
