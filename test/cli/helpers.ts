// Shared by the checker's tests: analyzers with known results, temporary folders, and an
// in-process run of the command line.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AnalysisResult, DiagnosticReport, LayerReport } from '../../server/src/analysis-types';
import type { AnalysisConfig } from '../../server/src/config';
import type { DiagnosticCode, PaddingInfo, Severity, Shape } from '../../server/src/engine/types';
import { main } from '../../server/src/cli/run';
import type { SourceAnalyzer } from '../../server/src/cli/types';

export interface FakeLayer {
  /** Text the constructor call starts with; the n-th occurrence (default 0) is used. */
  at: string;
  occurrence?: number;
  className: string;
  inputs?: (Shape | null)[];
  output?: Shape | null;
  padding?: PaddingInfo;
}

export interface FakeDiagnostic {
  /** The exact text the diagnostic covers; the n-th occurrence (default 0). */
  at: string;
  occurrence?: number;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  related?: { at: string; message: string }[];
}

function find(text: string, what: string, occurrence = 0): number {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(what, at + 1);
    if (at < 0) throw new Error(`fake analyzer: "${what}" (occurrence ${occurrence}) is not in the text`);
  }
  return at;
}

/** An analyzer whose results sit where given texts occur in the analysed text. */
export function fakeAnalyzer(spec: { layers?: FakeLayer[]; diagnostics?: FakeDiagnostic[]; notAnalysed?: string }): SourceAnalyzer & {
  seen: string[];
} {
  const seen: string[] = [];
  return {
    seen,
    analyzeText(text: string, _config: AnalysisConfig): AnalysisResult {
      seen.push(text);
      const layers: LayerReport[] = (spec.layers ?? []).map((l, i) => {
        const start = find(text, l.at, l.occurrence);
        const range = { start, end: start + l.at.length };
        return {
          className: l.className,
          construct: range,
          name: range,
          args: [],
          application: 'functional',
          expression: range,
          hintAt: range.end,
          inputs: l.inputs ?? [],
          result: { output: l.output ?? null, axes: [], steps: [], findings: [], ...(l.padding ? { padding: l.padding } : {}) },
          applicationIndex: i,
          inputOrigins: [],
        };
      });
      const diagnostics: DiagnosticReport[] = (spec.diagnostics ?? []).map((d) => {
        const start = find(text, d.at, d.occurrence);
        return {
          start,
          end: start + d.at.length,
          code: d.code,
          severity: d.severity,
          message: d.message,
          related: (d.related ?? []).map((r) => {
            const s = find(text, r.at);
            return { range: { start: s, end: s + r.at.length }, message: r.message };
          }),
        };
      });
      return { layers, diagnostics, unknowns: [], ...(spec.notAnalysed ? { notAnalysed: spec.notAnalysed } : {}) };
    },
  };
}

/**
 * An analyzer for files on disk: every `# fake: SEVERITY` comment becomes a diagnostic of that
 * severity (code shape-mismatch) covering the comment.
 */
export function commentAnalyzer(): SourceAnalyzer {
  return {
    analyzeText(text: string): AnalysisResult {
      const diagnostics: DiagnosticReport[] = [];
      for (const m of text.matchAll(/# fake: (error|warning|information|hint)/g)) {
        diagnostics.push({
          start: m.index,
          end: m.index + m[0].length,
          code: 'shape-mismatch',
          severity: m[1] as Severity,
          message: `fake ${m[1]}`,
          related: [],
        });
      }
      return { layers: [], diagnostics, unknowns: [] };
    },
  };
}

/** A temporary folder with the given files (path -> content); returns its path. */
export function tempTree(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'shapewise-cli-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `shapewise ARGS` in-process with the given analyzer and current directory. */
export async function runCli(args: string[], cwd: string, analyzer: SourceAnalyzer): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd,
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    createAnalyzer: async () => analyzer,
  });
  return { code, stdout, stderr };
}

/** A minimal nbformat 4 notebook. */
export function notebookJson(cells: { cell_type: string; source: string | string[]; metadata?: object }[], metadata: object = {}): string {
  return JSON.stringify({
    cells: cells.map((c) => ({ metadata: {}, ...c, ...(c.cell_type === 'code' ? { outputs: [], execution_count: null } : {}) })),
    metadata,
    nbformat: 4,
    nbformat_minor: 5,
  });
}
