// The checker where a CI setup or a user's machine is odd (found by probing the built checker as
// a hostile user would): backslashes in file and folder names, an empty path argument, control
// characters in names and in quoted source, stderr that cannot be written, a reader that closes
// the pipe early. Every case keeps its report honest and its exit status true.
import { spawn, spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Analyzer } from '../../server/src/analysis';
import { MIN_FILES_FOR_WORKERS } from '../../server/src/cli/parallel';
import { removeTree, runCli, tempTree } from './helpers';

const repoRoot = path.resolve(__dirname, '../..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const broken = readFileSync(path.join(repoRoot, 'examples', 'unet_65_broken.py'), 'utf8');
let work: string;
let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await Analyzer.create();
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'pipe' });
  const files: Record<string, string> = { 'names/back\\slash.py': broken, 'names/evil\nfake.py': broken, 'clean.py': 'x = 1\n' };
  for (let i = 0; i < MIN_FILES_FOR_WORKERS + 2; i++) files[`many/m${i}.py`] = broken;
  files['esc.py'] = 'import keras\nfrom keras import layers\ny = layers.Conv2D(8, 3, padding="\u001b[31mRED\u0007")(keras.Input((8, 8, 1)))\n';
  work = tempTree(files);
  mkdirSync(path.join(work, 'proj\\v2'));
  writeFileSync(path.join(work, 'proj\\v2', 'model.py'), broken);
});

afterAll(() => {
  removeTree(work);
  analyzer.dispose();
});

it('a file with a backslash in its name, found in a folder, is checked under that name', async () => {
  const r = await runCli(['check', 'names', '--format', 'json'], work, analyzer);
  const paths = (JSON.parse(r.stdout) as { files: { path: string; error?: string }[] }).files.map((f) => [f.path, f.error]);
  expect(paths).toEqual([
    ['names/back\\slash.py', undefined],
    ['names/evil\nfake.py', undefined],
  ]);
  expect(r.code).toBe(1);
});

it('a folder whose path holds a backslash is an error, not a run that checked nothing and passed', async () => {
  for (const [args, cwd] of [
    [['check', 'proj\\v2'], work],
    [['check', '.'], path.join(work, 'proj\\v2')],
  ] as const) {
    const r = await runCli([...args], cwd, analyzer);
    expect(r.code, args.join(' ')).toBe(2);
    expect(r.stderr).toContain('contains a backslash');
  }
  // Its files named one by one are checked.
  expect((await runCli(['check', 'proj\\v2/model.py'], work, analyzer)).code).toBe(1);
});

it('an empty path argument is a usage error, not the current folder', async () => {
  const r = await runCli(['check', ''], work, analyzer);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('a path argument is empty');
  expect(r.stdout).toBe('');
});

it('the text report writes control characters escaped: one line per diagnostic, nothing for the terminal to obey', async () => {
  const r = await runCli(['check', 'names', 'esc.py'], work, analyzer);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines.filter((l) => l.startsWith('names/evil\\x0afake.py:')).length).toBeGreaterThan(2);
  expect(lines.some((l) => l.startsWith('fake.py'))).toBe(false);
  expect(r.stdout).toContain('\\x1b[31mred\\x07');
  expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
});

it('stderr that cannot be written (a full disk) changes nothing: a missing file still exits 2', () => {
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" check clean.py missing.py 2>/dev/full`], { cwd: work, encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(2);
  expect(r.stdout).toContain('1 file checked');
});

it('a reader that closes the pipe early does not turn a JSON report of errors into a pass', async () => {
  // Worker threads stream the JSON while they check: the closed pipe comes before the status is known.
  const status = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [cli, 'check', 'many', '--format', 'json'], { cwd: work, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('exit', (code) => resolve(code));
  });
  expect(status).toBe(1);
});
