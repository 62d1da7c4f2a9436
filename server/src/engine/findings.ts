// Collects findings for one layer application. The contract is one finding per code per
// application, so a second problem of the same code is appended to the first finding's message
// (Keras would stop at the first error; the user is better served seeing all of them at once).
import type { DiagnosticCode, Finding } from './types';

export class FindingSink {
  private readonly byCode = new Map<DiagnosticCode, Finding>();

  add(code: DiagnosticCode, message: string, argument?: string, inputs?: number[]): void {
    const text = sentence(message);
    const existing = this.byCode.get(code);
    if (existing) {
      if (!existing.message.includes(text)) existing.message = `${existing.message} ${text}`;
      if (inputs) existing.inputs = [...new Set([...(existing.inputs ?? []), ...inputs])].sort((a, b) => a - b);
      return;
    }
    const f: Finding = { code, message: text };
    if (argument !== undefined) f.argument = argument;
    if (inputs !== undefined) f.inputs = [...inputs];
    this.byCode.set(code, f);
  }

  has(code: DiagnosticCode): boolean {
    return this.byCode.has(code);
  }


  list(): Finding[] {
    return [...this.byCode.values()];
  }
}

/** Findings are complete sentences ending with a full stop (messages are written to start well). */
export function sentence(s: string): string {
  const t = s.trim();
  if (t === '') return t;
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * Keras' own message, attributed: `Keras raises ValueError: …`, optionally followed by a note in
 * our words (a separate sentence).
 */
export function kerasRaises(message: string, kind: 'ValueError' | 'TypeError' = 'ValueError', note?: string, who = 'Keras'): string {
  const main = `${who} raises ${kind}: ${message.trim().replace(/\.$/, '')}.`;
  return note ? `${main} ${note.trim()}` : main;
}
