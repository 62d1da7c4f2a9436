// The checker end to end, as a user runs it: `node dist/cli.js check FILE` on generated Keras
// files, start-up included, wall time over several runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkerEnv } from './common.mjs';
import { generateKerasFile } from './generate.mjs';

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function benchChecker({ root, runs = 7, sizes = [500, 2000, 10000] }) {
  const dir = path.join(os.tmpdir(), `shapewise-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const rows = [];
  for (const lines of sizes) {
    const file = path.join(dir, `generated_${lines}.py`);
    writeFileSync(file, generateKerasFile(lines));
    const times = [];
    let layers = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'check', file, '--format', 'json', '--fail-on', 'never'], {
        encoding: 'utf8',
        env: checkerEnv,
        maxBuffer: 1 << 30,
      });
      times.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`checker failed on ${file}: ${r.stderr}`);
      if (i === 0) layers = JSON.parse(r.stdout).files[0].layers.length;
    }
    rows.push({ lines, layers, medianMs: median(times), minMs: Math.min(...times) });
  }
  return rows;
}
