// The Python files of the repository (test fixtures and examples), for the differential tests
// that compare two ways of reading the same text.
import { readdirSync } from 'node:fs';
import path from 'node:path';

export const repositoryRoot = path.join(__dirname, '..', '..');

function pythonFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.py'))
    .map((f) => path.join(dir, f));
}

/** Every .py file under test/fixtures and examples, as absolute paths. */
export function repositoryPythonFiles(): string[] {
  return [...pythonFiles(path.join(repositoryRoot, 'test', 'fixtures')), ...pythonFiles(path.join(repositoryRoot, 'examples'))];
}
