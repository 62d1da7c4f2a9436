// Folders of many files go to worker threads in the built checker; the result must be exactly
// what checking the same files one by one in-process gives.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Analyzer } from '../../server/src/analysis';
import { MIN_FILES_FOR_WORKERS } from '../../server/src/cli/parallel';
import { main } from '../../server/src/cli/run';
import { removeTree, runCli, tempTree } from './helpers';

const repoRoot = path.resolve(__dirname, '../..');
let work: string;
let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await Analyzer.create();
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

afterAll(() => {
  removeTree(work);
  analyzer.dispose();
});

/** The built checker and the in-process one on the same arguments: stdout, stderr lines and status. */
async function bothWays(args: string[], cwd: string): Promise<{ workers: { stdout: string; stderr: string; status: number | null }; inProcess: { stdout: string; stderr: string; status: number } }> {
  const viaWorkers = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  const here = await runCli(args, cwd, analyzer);
  return { workers: { stdout: viaWorkers.stdout, stderr: viaWorkers.stderr, status: viaWorkers.status }, inProcess: { stdout: here.stdout, stderr: here.stderr, status: here.code } };
}

it('checks a folder on worker threads with the same output and exit status as in-process', async () => {
  const { workers, inProcess } = await bothWays(['check', '.', '--format', 'json'], work);
  const json = JSON.parse(workers.stdout) as { files: { path: string; layers: unknown[] }[] };
  expect(json.files).toHaveLength(MIN_FILES_FOR_WORKERS * 2 + 2);
  expect(json.files.filter((f) => f.layers.length > 0).length).toBe(MIN_FILES_FOR_WORKERS * 2 + 1);
  expect(workers.stdout).toBe(inProcess.stdout);
  expect(workers.status).toBe(2); // the broken notebook
  expect(inProcess.status).toBe(2);
});

it('exits on worker threads with a JSON report as in-process at every --fail-on (the threads send no diagnostics with it)', async () => {
  const statuses: number[] = [];
  for (const failOn of ['error', 'warning', 'information', 'never']) {
    // No broken notebook here (pkg0 has it): the status comes from the diagnostics alone.
    const { workers, inProcess } = await bothWays(['check', 'pkg1', 'pkg2', '--format', 'json', '--fail-on', failOn], work);
    expect(workers.stdout).toBe(inProcess.stdout);
    expect(workers.status).toBe(inProcess.status);
    statuses.push(inProcess.status);
  }
  expect(statuses).toEqual([1, 1, 1, 0]);
});

it('gives the same text and SARIF reports on worker threads as in-process (workers send no layers for them)', async () => {
  for (const format of ['text', 'sarif']) {
    const { workers, inProcess } = await bothWays(['check', '.', '--format', format], work);
    expect(workers.stdout.length).toBeGreaterThan(100);
    expect(workers.stdout).toBe(inProcess.stdout);
  }
});

it('places paths that do not exist among the files by path while the threads write files as they finish', async () => {
  const args = ['check', '.', 'a_missing.py', 'pkg1/a_missing.py', 'pkg1/zz_missing.py', 'zz_missing.py', '--format', 'json'];
  const { workers, inProcess } = await bothWays(args, work);
  const paths = (JSON.parse(workers.stdout) as { files: { path: string; error?: string }[] }).files.map((f) => f.path);
  expect(paths).toHaveLength(MIN_FILES_FOR_WORKERS * 2 + 2 + 4);
  expect(paths).toEqual([...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  expect(paths[0]).toBe('a_missing.py');
  expect(paths.indexOf('pkg1/a_missing.py')).toBe(paths.findIndex((p) => p.startsWith('pkg1/')));
  expect(paths.at(-1)).toBe('zz_missing.py');
  expect(workers.stdout).toBe(inProcess.stdout);
  expect(workers.stderr.split('\n').sort()).toEqual(inProcess.stderr.split('\n').sort());
  expect(workers.status).toBe(2);
  expect(inProcess.status).toBe(2);
});

it('checks a folder of a few files in-process (the threads started for it are ended) with the same report', async () => {
  const few = tempTree({
    'a.py': readFileSync(path.join(repoRoot, 'examples', 'unet_65_broken.py'), 'utf8'),
    'b.py': readFileSync(path.join(repoRoot, 'examples', 'dcgan_generator.py'), 'utf8'),
  });
  try {
    const { workers, inProcess } = await bothWays(['check', '.', '--format', 'json', '--fail-on', 'never'], few);
    // A thread left running would keep the process alive until spawnSync's timeout (status null).
    expect(workers.status).toBe(0);
    expect(JSON.parse(workers.stdout).files).toHaveLength(2);
    expect(workers.stdout).toBe(inProcess.stdout);
    expect(workers.status).toBe(inProcess.status);
  } finally {
    removeTree(few);
  }
});

it('checks the files on this thread, with the same report and status, when the worker threads cannot start', async () => {
  // As under a memory or process limit that a run of a few files survives: the threads fail.
  const broken = tempTree({ 'worker.js': "throw new Error('this worker cannot start');\n" });
  try {
    for (const format of ['json', 'text']) {
      let out = '';
      let err = '';
      const code = await main(['check', '.', '--format', format], {
        cwd: work,
        stdout: (s) => (out += typeof s === 'string' ? s : Buffer.from(s).toString('utf8')),
        stderr: (s) => (err += s),
        createAnalyzer: () => Analyzer.create(),
        workerScript: path.join(broken, 'worker.js'),
      });
      const inProcess = await runCli(['check', '.', '--format', format], work, analyzer);
      expect(out).toBe(inProcess.stdout);
      expect(code).toBe(inProcess.code);
      expect(err).toContain('the worker threads failed (this worker cannot start); checking the files on this thread');
    }
  } finally {
    removeTree(broken);
  }
});

it('checks the files on this thread when a worker thread ends without an error, or cannot even be made', async () => {
  // A thread that exits quietly (process.exit in it) left its files unanswered: status 0, no report.
  const quiet = tempTree({ 'worker.js': 'process.exit(3);\n' });
  try {
    for (const [script, why] of [
      [path.join(quiet, 'worker.js'), 'a worker thread ended unexpectedly (exit code 3)'],
      // Not a path Worker takes: new Worker throws at once (as it does with EAGAIN).
      ['not-a-worker-path.js', 'not-a-worker-path.js'],
    ]) {
      let out = '';
      let err = '';
      const code = await main(['check', '.', '--format', 'json'], {
        cwd: work,
        stdout: (s) => (out += typeof s === 'string' ? s : Buffer.from(s).toString('utf8')),
        stderr: (s) => (err += s),
        createAnalyzer: () => Analyzer.create(),
        workerScript: script,
      });
      const inProcess = await runCli(['check', '.', '--format', 'json'], work, analyzer);
      expect(out, script).toBe(inProcess.stdout);
      expect(code).toBe(inProcess.code);
      expect(err).toContain('the worker threads failed (');
      expect(err).toContain(why);
    }
  } finally {
    removeTree(quiet);
  }
});

