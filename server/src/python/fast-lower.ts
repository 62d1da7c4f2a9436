// Fast lowering: the same Module as `lowerModule(copyTree(root), text)`, without copying the
// whole tree. Every cursor step or getter crosses into wasm (0.1 to 1 µs each) and the tree
// has some twenty nodes per statement; so the tree is walked only down to statements (and to
// the blocks and clauses of compound statements), and the text of each simple statement, or
// of a compound statement's header, is parsed in JavaScript (stmt-parser.ts). A statement the
// JavaScript parser cannot vouch for, and every statement holding a syntax error, is lowered
// the old way: copyTree on that statement + lower.ts.
import type { Language, Node, TreeCursor } from 'web-tree-sitter';
import type { Expr, Module, Span, Stmt } from './ast';
import { lowerModule } from './lower';
import { StatementParser, type ClassHeader, type DefHeader } from './stmt-parser';
import { keepCached, takeCached, type CachedStatements, type LoweringCache } from './lowering-cache';
import { copyTree, type SyntaxNode } from './syntax';
import { FastPathMiss, miss, missReason } from './tokenize';

/** copyTree's default depth limit: the slow path must cut the tree where copyTree(root) does. */
const COPY_MAX_DEPTH = 2000;
/** Blocks nested deeper than this are lowered the old way (keeps our recursion small). */
const MAX_BLOCK_DEPTH = 1000;

// What a node is for the walk, by type id (see lower.ts's collect()).
const K_SKIP = 0; // anonymous tokens and line continuations (collect ignores them)
const K_COMMENT = 1;
const K_EXPR = 2;
const K_RETURN = 3;
const K_IMPORT = 4;
const K_FROM = 5;
const K_OTHER = 6; // statements lowered as `other` (pass, raise, assert, del, global, ...)
const K_BREAK = 7;
const K_CONTINUE = 8;
const K_DEF = 9;
const K_CLASS = 10;
const K_DECORATED = 11;
const K_IF = 12;
const K_FOR = 13;
const K_WHILE = 14;
const K_WITH = 15;
const K_TRY = 16;
const K_SLOW = 17; // ERROR, or a call/assignment standing alone inside an ERROR: lower.ts decides
const K_JUNK = 18; // any other named node: nothing to lower, but may hold comments (broken code only)
const K_BLOCK = 19;
const K_ELIF = 20;
const K_ELSE = 21;
const K_EXCEPT = 22;
const K_FINALLY = 23;

const BY_TYPE: Record<string, number> = {
  comment: K_COMMENT,
  expression_statement: K_EXPR,
  return_statement: K_RETURN,
  import_statement: K_IMPORT,
  import_from_statement: K_FROM,
  break_statement: K_BREAK,
  continue_statement: K_CONTINUE,
  function_definition: K_DEF,
  class_definition: K_CLASS,
  decorated_definition: K_DECORATED,
  if_statement: K_IF,
  for_statement: K_FOR,
  while_statement: K_WHILE,
  with_statement: K_WITH,
  try_statement: K_TRY,
  ERROR: K_SLOW,
  block: K_BLOCK,
  call: K_SLOW,
  assignment: K_SLOW,
  elif_clause: K_ELIF,
  else_clause: K_ELSE,
  except_clause: K_EXCEPT,
  except_group_clause: K_EXCEPT,
  finally_clause: K_FINALLY,
};

interface Tables {
  kinds: Uint8Array;
  body: number;
  consequence: number;
  alternative: number;
  definition: number;
}

const tablesByLanguage = new WeakMap<Language, Tables>();

function tablesFor(language: Language): Tables {
  let t = tablesByLanguage.get(language);
  if (!t) {
    const kinds = new Uint8Array(language.nodeTypeCount);
    for (let id = 0; id < kinds.length; id++) {
      const type = language.nodeTypeForId(id) ?? '';
      const named = language.nodeTypeIsNamed(id);
      let kind = named ? BY_TYPE[type] : undefined;
      // collect(): other named `*_statement` types (future imports, pass, raise, print, ...) are `other`.
      if (kind === undefined) kind = !named || type === 'line_continuation' ? K_SKIP : type.endsWith('_statement') ? K_OTHER : K_JUNK;
      kinds[id] = kind;
    }
    const field = (name: string): number => language.fieldIdForName(name) ?? -1;
    t = { kinds, body: field('body'), consequence: field('consequence'), alternative: field('alternative'), definition: field('definition') };
    tablesByLanguage.set(language, t);
  }
  return t;
}

/** Where the fast path gave way to the tree path, for tests and the benchmark. */
export interface FastLowerStats {
  fallbacks: { start: number; end: number; reason: string }[];
  /** Set when an unexpected exception made the whole file go the old way. */
  wholeFile?: string;
}

/** Lowers the module below `root` (normally the tree's root node), equal to lowerModule(copyTree(root), text). */
export function lowerTree(root: Node, text: string, stats?: FastLowerStats, cache?: LoweringCache): Module {
  // A root that is not a module (an ERROR around everything) is left to lower.ts whole.
  if (root.type !== 'module') {
    stats?.fallbacks.push({ start: root.startIndex, end: root.endIndex, reason: `the root is ${root.type}` });
    return lowerModule(copyTree(root), text);
  }
  const cursor = root.walk();
  try {
    return new Walker(cursor, tablesFor(root.tree.language), text, stats).module(root.hasError, cache);
  } catch (e) {
    // A bug here must not cost the user the analysis: the old path is always right.
    if (stats) stats.wholeFile = missReason(e);
    return lowerModule(copyTree(root), text);
  } finally {
    cursor.delete();
  }
}

class Walker {
  private readonly comments: Span[] = [];
  /** The cursor's depth below the root (kept in step with every goto). */
  private at = 0;
  private readonly parser = new StatementParser();

  constructor(
    private readonly cursor: TreeCursor,
    private readonly tables: Tables,
    private readonly text: string,
    private readonly stats: FastLowerStats | undefined,
  ) {}

  module(hasError: boolean, cache?: LoweringCache): Module {
    // A broken file is lowered afresh: its statements' trees can depend on their surroundings.
    if (!cache || hasError) return { body: this.block(hasError), comments: this.comments };
    const next = new Map<string, CachedStatements>();
    const body: Stmt[] = [];
    if (this.down()) {
      do {
        const start = this.cursor.startIndex;
        const key = `${this.cursor.nodeTypeId}:${this.text.slice(start, this.cursor.endIndex)}`;
        let entry = takeCached(cache.entries, key, start);
        if (entry) {
          body.push(...entry.stmts);
          this.comments.push(...entry.comments);
        } else {
          const stmts: Stmt[] = [];
          const commentsBefore = this.comments.length;
          this.statement(this.kind(), hasError, stmts);
          body.push(...stmts);
          entry = { start, stmts, comments: this.comments.slice(commentsBefore) };
        }
        keepCached(next, key, entry);
      } while (this.cursor.gotoNextSibling());
      this.up();
    }
    cache.entries = next;
    return { body, comments: this.comments };
  }

  private kind(): number {
    const id = this.cursor.nodeTypeId;
    return id < this.tables.kinds.length ? this.tables.kinds[id] : K_SLOW; // ERROR is 0xFFFF
  }

  private down(): boolean {
    if (!this.cursor.gotoFirstChild()) return false;
    this.at++;
    return true;
  }

  private up(): void {
    this.cursor.gotoParent();
    this.at--;
  }

  /** Does the node under the cursor contain a syntax error? (Two wasm calls: only asked in broken files.) */
  private broken(): boolean {
    return this.cursor.currentNode.hasError;
  }

  /** The comment node under the cursor (a comment runs to the line break). */
  private comment(): void {
    this.comments.push({ start: this.cursor.startIndex, end: this.cursor.endIndex });
  }

  /** The comments the statement parser met in the text it just read. */
  private parsedComments(): void {
    const found = this.parser.comments;
    for (let i = 0; i < found.length; i++) this.comments.push({ start: found[i].start, end: found[i].end });
  }

  /** The statements of the module or block under the cursor. */
  private block(checkErrors: boolean): Stmt[] {
    const out: Stmt[] = [];
    if (!this.down()) return out;
    do this.statement(this.kind(), checkErrors, out);
    while (this.cursor.gotoNextSibling());
    this.up();
    return out;
  }

  private statement(kind: number, checkErrors: boolean, out: Stmt[]): void {
    const c = this.cursor;
    switch (kind) {
      case K_SKIP:
        return;
      case K_COMMENT:
        return this.comment();
      case K_JUNK:
        return this.slow(out, 'not a statement');
      case K_OTHER:
      case K_BREAK:
      case K_CONTINUE: {
        // Only the span is lowered; a syntax error inside changes nothing but the comments.
        if (checkErrors && this.broken()) return this.slow(out, 'syntax error');
        const span = { start: c.startIndex, end: c.endIndex };
        if (kind !== K_OTHER) out.push({ t: kind === K_BREAK ? 'break' : 'continue', span });
        else {
          // Read for its comments (a raise or print statement may span lines).
          try {
            this.parser.skim(this.text, span.start, span.end);
          } catch (e) {
            if (!(e instanceof FastPathMiss)) throw e;
            return this.slow(out, e.reason);
          }
          this.parsedComments();
          out.push({ t: 'other', span });
        }
        return;
      }
      case K_EXPR:
      case K_RETURN:
      case K_IMPORT:
      case K_FROM: {
        if (checkErrors && this.broken()) return this.slow(out, 'syntax error');
        const start = c.startIndex;
        const end = c.endIndex;
        const p = this.parser;
        const text = this.text;
        try {
          out.push(
            kind === K_EXPR ? p.expressionStatement(text, start, end)
            : kind === K_RETURN ? p.returnStatement(text, start, end)
            : kind === K_IMPORT ? p.importStatement(text, start, end)
            : p.fromImportStatement(text, start, end),
          );
          this.parsedComments();
        } catch (e) {
          if (!(e instanceof FastPathMiss)) throw e;
          this.slow(out, e.reason);
        }
        return;
      }
      case K_DEF:
      case K_CLASS:
      case K_IF:
      case K_FOR:
      case K_WHILE:
      case K_WITH:
      case K_TRY:
      case K_DECORATED:
        return this.compound(kind, checkErrors, out);
      default:
        return this.slow(out, 'not a plain statement');
    }
  }

  /** A compound statement: headers parsed from text, blocks walked; else the old way, whole. */
  private compound(kind: number, checkErrors: boolean, out: Stmt[]): void {
    if (this.at > MAX_BLOCK_DEPTH) return this.slow(out, 'blocks nested too deeply');
    const hasError = checkErrors && this.broken();
    const at = this.at;
    const comments = this.comments.length;
    const length = out.length;
    try {
      if (kind === K_DECORATED) this.decorated(hasError, out);
      else out.push(this.compoundStatement(kind, hasError));
    } catch (e) {
      if (!(e instanceof FastPathMiss)) throw e;
      // Back to the statement, forgetting what its parts contributed, and lower it the old way.
      while (this.at > at) this.up();
      this.comments.length = comments;
      out.length = length;
      this.slow(out, e.reason);
    }
  }

  private compoundStatement(kind: number, hasError: boolean): Stmt {
    const c = this.cursor;
    const t = this.tables;
    const text = this.text;
    const p = this.parser;
    const start = c.startIndex;
    const end = c.endIndex;
    const span = { start, end };
    switch (kind) {
      case K_DEF: {
        let h: DefHeader | undefined;
        const body = this.body(hasError, t.body, (blockStart) => (h = p.defHeader(text, start, blockStart)));
        if (!h) return miss('def');
        return { t: 'def', name: h.name, nameSpan: h.nameSpan, params: h.params, body, span };
      }
      case K_CLASS: {
        let h: ClassHeader | undefined;
        const body = this.body(hasError, t.body, (blockStart) => (h = p.classHeader(text, start, blockStart)));
        if (!h) return miss('class');
        return { t: 'class', name: h.name, nameSpan: h.nameSpan, bases: h.bases, body, span };
      }
      case K_WITH: {
        let items: { value: Expr; target?: Expr }[] | undefined;
        const body = this.body(hasError, t.body, (blockStart) => (items = p.withHeader(text, start, blockStart)));
        if (!items) return miss('with');
        return { t: 'with', items, body, span };
      }
      case K_IF: {
        const simple = hasError ? null : this.onlyBlock((blockStart) => p.condition(text, start, blockStart, 'if'));
        if (simple) return { t: 'if', branches: [{ test: simple.header, body: simple.body }], span };
        const branches: { test: Expr | null; body: Stmt[] }[] = [];
        let consequence = false;
        if (!this.down()) return miss('empty if');
        do {
          const k = this.kind();
          if (k === K_COMMENT) {
            if (consequence) this.comment(); // before the block it is part of the header's text
            continue;
          }
          const field = hasError ? c.currentFieldId : -1;
          if (k === K_BLOCK && !consequence && (!hasError || field === t.consequence)) {
            const test = p.condition(text, start, c.startIndex, 'if');
            this.parsedComments();
            branches.push({ test, body: this.block(hasError) });
            consequence = true;
          } else if ((k === K_ELIF || k === K_ELSE) && consequence && (!hasError || field === t.alternative)) {
            const clause = c.startIndex;
            if (k === K_ELIF) {
              let test: Expr | undefined;
              const body = this.body(hasError, t.consequence, (blockStart) => (test = p.condition(text, clause, blockStart, 'elif')));
              if (!test) return miss('elif');
              branches.push({ test, body });
            } else branches.push({ test: null, body: this.body(hasError, t.body, (blockStart) => p.skim(text, clause, blockStart)) });
          } else if (consequence || (hasError && this.broken())) miss('unexpected part of an if statement');
        } while (c.gotoNextSibling());
        this.up();
        if (!consequence) miss('if without a block');
        return { t: 'if', branches, span };
      }
      case K_FOR:
      case K_WHILE: {
        if (!hasError) {
          if (kind === K_FOR) {
            const loop = this.onlyBlock((blockStart) => p.forHeader(text, start, blockStart));
            if (loop) return { t: 'for', target: loop.header.target, iter: loop.header.iter, body: loop.body, orelse: [], span };
          } else {
            const loop = this.onlyBlock((blockStart) => p.condition(text, start, blockStart, 'while'));
            if (loop) return { t: 'while', test: loop.header, body: loop.body, orelse: [], span };
          }
        }
        let header: { target: Expr; iter: Expr } | null = null;
        let test: Expr | null = null;
        let body: Stmt[] | null = null;
        let orelse: Stmt[] | null = null;
        if (!this.down()) return miss('empty loop');
        do {
          const k = this.kind();
          if (k === K_COMMENT) {
            if (body) this.comment();
            continue;
          }
          const field = hasError ? c.currentFieldId : -1;
          if (k === K_BLOCK && !body && (!hasError || field === t.body)) {
            if (kind === K_FOR) header = p.forHeader(text, start, c.startIndex);
            else test = p.condition(text, start, c.startIndex, 'while');
            this.parsedComments();
            body = this.block(hasError);
          } else if (k === K_ELSE && body && !orelse && (!hasError || field === t.alternative)) {
            const clause = c.startIndex;
            orelse = this.body(hasError, t.body, (blockStart) => p.skim(text, clause, blockStart));
          } else if (body || (hasError && this.broken())) miss('unexpected part of a loop');
        } while (c.gotoNextSibling());
        this.up();
        if (!body) return miss('loop without a block');
        if (header) return { t: 'for', target: header.target, iter: header.iter, body, orelse: orelse ?? [], span };
        if (!test) return miss('while');
        return { t: 'while', test, body, orelse: orelse ?? [], span };
      }
      case K_TRY: {
        let body: Stmt[] | null = null;
        const handlers: Stmt[][] = [];
        let orelse: Stmt[] = [];
        let finalbody: Stmt[] = [];
        if (!this.down()) return miss('empty try');
        do {
          const k = this.kind();
          if (k === K_COMMENT) {
            if (body) this.comment();
            continue;
          }
          const clause = c.startIndex;
          if (k === K_BLOCK && !body && (!hasError || c.currentFieldId === t.body)) {
            p.skim(text, start, clause);
            this.parsedComments();
            body = this.block(hasError);
          } else if (k === K_EXCEPT && body) handlers.push(this.firstBlock(hasError, clause));
          else if (k === K_ELSE && body) orelse = this.body(hasError, t.body, (blockStart) => p.skim(text, clause, blockStart));
          else if (k === K_FINALLY && body) finalbody = this.firstBlock(hasError, clause);
          else if (body || (hasError && this.broken())) miss('unexpected part of a try statement');
        } while (c.gotoNextSibling());
        this.up();
        if (!body) return miss('try without a block');
        return { t: 'try', body, handlers, orelse, finalbody, span };
      }
      default:
        return miss('compound statement');
    }
  }

  /**
   * The block of the def, class, with, elif or else under the cursor: lower.ts's
   * child(n, field), which tree-sitter puts last. `header` reads the text before it. In a
   * statement with an error, any other child holding one sends the statement the old way.
   */
  private body(hasError: boolean, field: number, header: (blockStart: number) => void): Stmt[] {
    const c = this.cursor;
    if (hasError) {
      let blocks = 0;
      let lastIsBody = false;
      if (!this.down()) return miss('no body');
      do {
        const k = this.kind();
        lastIsBody = false;
        if (k === K_COMMENT) continue;
        if (k === K_BLOCK && c.currentFieldId === field) {
          blocks++;
          lastIsBody = blocks === 1;
        } else if (this.broken()) miss('syntax error in the header');
      } while (c.gotoNextSibling());
      this.up();
      if (!lastIsBody) miss('body is not the last child');
    }
    if (!c.gotoLastChild()) return miss('no body');
    this.at++;
    if (this.kind() !== K_BLOCK) miss('body is not the last child');
    header(c.startIndex);
    this.parsedComments();
    const body = this.block(hasError);
    this.up();
    return body;
  }

  /**
   * For an error-free if, for or while without elif/else: the block is the last child, so it is
   * reached in one step instead of visiting every token of the header. Null when the last
   * child is a clause (the caller then visits the children one by one).
   */
  private onlyBlock<H>(header: (blockStart: number) => H): { header: H; body: Stmt[] } | null {
    const c = this.cursor;
    if (!c.gotoLastChild()) return miss('empty statement');
    this.at++;
    if (this.kind() !== K_BLOCK) {
      this.up();
      return null;
    }
    const h = header(c.startIndex);
    this.parsedComments();
    const body = this.block(false);
    this.up();
    return { header: h, body };
  }

  /** The first block of an except or finally clause (lower.ts: children.find(type === 'block')). */
  private firstBlock(hasError: boolean, clause: number): Stmt[] {
    const c = this.cursor;
    if (!this.down()) return [];
    let body: Stmt[] = [];
    do {
      if (this.kind() === K_BLOCK) {
        this.parser.skim(this.text, clause, c.startIndex);
        this.parsedComments();
        body = this.block(hasError);
        // Nothing follows the block in a clause tree-sitter parsed; if something does, its
        // comments would be missed.
        if (c.gotoNextSibling()) miss('text after an except or finally block');
        break;
      }
    } while (c.gotoNextSibling());
    this.up();
    return body;
  }

  /** `@decorator ... def`: lower.ts lowers the definition alone (decorators are ignored). */
  private decorated(hasError: boolean, out: Stmt[]): void {
    const c = this.cursor;
    const start = c.startIndex;
    if (!this.down()) return;
    do {
      const k = this.kind();
      if (hasError ? c.currentFieldId === this.tables.definition : k === K_DEF || k === K_CLASS) {
        if (k !== K_DEF && k !== K_CLASS) miss('unusual definition');
        this.parser.skim(this.text, start, c.startIndex);
        this.parsedComments();
        this.compound(k, hasError, out);
        if (c.gotoNextSibling()) miss('text after a decorated definition');
        break;
      }
    } while (c.gotoNextSibling());
    this.up();
  }

  /** Lowers the node under the cursor with copyTree + lower.ts (the old path). */
  private slow(out: Stmt[], reason: string): void {
    const node = this.cursor.currentNode;
    const copy = copyTree(node, COPY_MAX_DEPTH - this.at);
    const wrapper: SyntaxNode = { type: 'module', field: null, named: true, missing: false, start: copy.start, end: copy.end, children: [copy] };
    const m = lowerModule(wrapper, this.text);
    for (const s of m.body) out.push(s);
    for (const s of m.comments) this.comments.push(s);
    this.stats?.fallbacks.push({ start: copy.start, end: copy.end, reason });
  }
}
