// The order of the report's files: the paths that could not be searched and the files checked,
// both sorted by path, merged. The worker threads finish files in any order; each file is
// written out as soon as every file before it is done.
import type { FileReport } from './types';

/** The reports' order: the problems and the files (by index) merged by path, a problem first on a tie. */
export function mergeByPath(problems: FileReport[], files: readonly { display: string }[]): (FileReport | number)[] {
  const out: (FileReport | number)[] = [];
  let p = 0;
  for (let f = 0; f < files.length; f++) {
    while (p < problems.length && !(files[f].display < problems[p].path)) out.push(problems[p++]);
    out.push(f);
  }
  while (p < problems.length) out.push(problems[p++]);
  return out;
}

/** Passes the reports on in `order` as they arrive in any order (file reports by index). */
export class OrderedWriter {
  private readonly arrived = new Map<number, FileReport>();
  private next = 0;

  constructor(
    private readonly order: readonly (FileReport | number)[],
    private readonly out: { file(r: FileReport): void; end(): void },
  ) {}

  add(index: number, report: FileReport): void {
    this.arrived.set(index, report);
    this.flush();
  }

  end(): void {
    this.flush();
    this.out.end();
  }

  private flush(): void {
    for (; this.next < this.order.length; this.next++) {
      const slot = this.order[this.next];
      if (typeof slot !== 'number') {
        this.out.file(slot);
        continue;
      }
      const r = this.arrived.get(slot);
      if (!r) return;
      this.arrived.delete(slot);
      this.out.file(r);
    }
  }
}
