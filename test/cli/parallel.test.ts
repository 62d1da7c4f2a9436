// Folders of many files go to worker threads in the built checker; the result must be exactly
// what checking the same files one by one in-process gives.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Analyzer } from '../../server/src/analysis';
import { MIN_FILES_FOR_WORKERS } from '../../server/src/cli/parallel';
import { main } from '../../server/src/cli/run';
import { removeTree, tempTree } from './helpers';

const repoRoot = path.resolve(__dirname, '../..');
let work: string;

beforeAll(() => {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'pipe' });
  const files: Record<string, string> = {};
  const examples = ['unet_65_broken.py', 'pytorch_port.py', 'dcgan_generator.py', 'clean_classifier.py'];
  for (let i = 0; i < MIN_FILES_FOR_WORKERS * 2 + 1; i++) {
    const name = examples[i % examples.length];
    files[`pkg${i % 3}/m${String(i).padStart(2, '0')}_${name}`] = readFileSync(path.join(repoRoot, 'examples', name), 'utf8');
  }
  files['pkg0/broken.ipynb'] = '{ not json';
  work = tempTree(files);
});

afterAll(() => removeTree(work));

it('checks a folder on worker threads with the same output and exit status as in-process', async () => {
  const viaWorkers = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'check', '.', '--format', 'json'], {
    cwd: work,
    encoding: 'utf8',
    timeout: 120_000,
  });
  let inProcessOut = '';
  const inProcessStatus = await main(['check', '.', '--format', 'json'], {
    cwd: work,
    stdout: (s) => (inProcessOut += s),
    stderr: () => undefined,
    createAnalyzer: () => Analyzer.create(),
  });
  const json = JSON.parse(viaWorkers.stdout) as { files: { path: string; layers: unknown[] }[] };
  expect(json.files).toHaveLength(MIN_FILES_FOR_WORKERS * 2 + 2);
  expect(json.files.filter((f) => f.layers.length > 0).length).toBe(MIN_FILES_FOR_WORKERS * 2 + 1);
  expect(viaWorkers.stdout).toBe(inProcessOut);
  expect(viaWorkers.status).toBe(2); // the broken notebook
  expect(inProcessStatus).toBe(2);
});

it('gives the same text and SARIF reports on worker threads as in-process (workers send no layers for them)', async () => {
  for (const format of ['text', 'sarif']) {
    const viaWorkers = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'check', '.', '--format', format], {
      cwd: work,
      encoding: 'utf8',
      timeout: 120_000,
    });
    let inProcessOut = '';
    await main(['check', '.', '--format', format], {
      cwd: work,
      stdout: (s) => (inProcessOut += s),
      stderr: () => undefined,
      createAnalyzer: () => Analyzer.create(),
    });
    expect(viaWorkers.stdout.length).toBeGreaterThan(100);
    expect(viaWorkers.stdout).toBe(inProcessOut);
  }
});
