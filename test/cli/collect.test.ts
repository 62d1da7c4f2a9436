// Which files a folder yields (.gitignore honoured, tool folders skipped), how paths are shown,
// and that files named explicitly are always checked.
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFiles, displayPath } from '../../server/src/cli/collect';
import { commentAnalyzer, notebookJson, removeTree, runCli, tempTree } from './helpers';

let repo: string;

beforeAll(() => {
  repo = tempTree({
    '.gitignore': 'build/\n*.gen.py\n!keep.gen.py\n/top_only.py\n',
    'train.py': '',
    'top_only.py': '',
    'model.gen.py': '',
    'keep.gen.py': '',
    'notes.txt': '',
    'Analysis.ipynb': notebookJson([]),
    'build/out.py': '',
    'pkg/__init__.py': '',
    'pkg/layers.py': '',
    'pkg/top_only.py': '',
    'pkg/.gitignore': 'local_*.py\n',
    'pkg/local_scratch.py': '',
    'pkg/sub/deep.ipynb': notebookJson([{ cell_type: 'code', source: 'x = 1' }]),
    'pkg/x.gen.py': '',
    'node_modules/dep/setup.py': '',
    '.venv/lib/site.py': '',
    'venv/lib/x.py': '',
    'myenv/pyvenv.cfg': 'home = /usr/bin\n',
    'myenv/bin/activate_this.py': '',
    'lib/site-packages/numpy/core.py': '',
    '.ipynb_checkpoints/Analysis-checkpoint.ipynb': '{}',
    '.hidden/secret.py': '',
    'pkg/__pycache__/layers.py': '',
  });
  execFileSync('git', ['init', '-q'], { cwd: repo });
  symlinkSync(path.join(repo, 'train.py'), path.join(repo, 'pkg', 'link.py'));
  symlinkSync(repo, path.join(repo, 'pkg', 'loop'));
});

afterAll(() => removeTree(repo));

const displays = async (args: string[], cwd: string) => (await collectFiles(args, cwd)).files.map((f) => f.display);

describe('folders', () => {
  it('honour .gitignore files (nested ones and negations) and skip tool folders', async () => {
    expect(await displays(['.'], repo)).toEqual([
      'Analysis.ipynb',
      'keep.gen.py',
      'pkg/__init__.py',
      'pkg/layers.py',
      'pkg/sub/deep.ipynb',
      'pkg/top_only.py',
      'train.py',
    ]);
  });

  it("apply the repository's .gitignore to a sub-folder checked from inside it", async () => {
    // From pkg/: local_scratch.py is ignored by pkg/.gitignore, x.gen.py by the root's rule.
    expect(await displays(['.'], path.join(repo, 'pkg'))).toEqual(['__init__.py', 'layers.py', 'sub/deep.ipynb', 'top_only.py']);
  });

  it('always check a file named explicitly, ignored or not, whatever its extension', async () => {
    expect(await displays(['build/out.py', 'model.gen.py', 'notes.txt', 'node_modules/dep/setup.py'], repo)).toEqual([
      'build/out.py',
      'model.gen.py',
      'node_modules/dep/setup.py',
      'notes.txt',
    ]);
  });
});

describe('symbolic links', () => {
  it('are not followed inside folders, but checked when named', async () => {
    expect(await displays(['pkg'], repo)).toEqual(['pkg/__init__.py', 'pkg/layers.py', 'pkg/sub/deep.ipynb', 'pkg/top_only.py']);
    expect(await displays(['pkg/link.py'], repo)).toEqual(['pkg/link.py']);
  });
});

describe('paths as shown', () => {
  it('are relative to the current directory, sorted and without duplicates', async () => {
    expect(await displays(['./pkg/../train.py', path.join(repo, 'pkg'), 'pkg/layers.py', 'train.py'], repo)).toEqual([
      'pkg/__init__.py',
      'pkg/layers.py',
      'pkg/sub/deep.ipynb',
      'pkg/top_only.py',
      'train.py',
    ]);
  });

  it('go up with .. for a relative argument outside, stay absolute for an absolute one', async () => {
    const cwd = path.join(repo, 'pkg', 'sub');
    expect(await displays(['../../train.py', path.join(repo, 'keep.gen.py')], cwd)).toEqual(['../../train.py', path.join(repo, 'keep.gen.py')]);
  });

  it('use forward slashes', () => {
    expect(displayPath(path.join('/r', 'a', 'b.py'), '/r', false)).toBe('a/b.py');
    expect(displayPath('/r', '/r', false)).toBe('.');
  });

  it('list a nonexistent path as a problem', async () => {
    const c = await collectFiles(['missing', 'train.py'], repo);
    expect(c.files.map((f) => f.display)).toEqual(['train.py']);
    expect(c.problems).toEqual([{ display: 'missing', error: 'no such file or directory (ENOENT)' }]);
  });
});

describe('a folder checked end to end', () => {
  it('reports the files found, in order', async () => {
    const r = await runCli(['check', 'pkg', '--format', 'json'], repo, commentAnalyzer());
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files.map((f: { path: string }) => f.path)).toEqual(['pkg/__init__.py', 'pkg/layers.py', 'pkg/sub/deep.ipynb', 'pkg/top_only.py']);
  });
});
