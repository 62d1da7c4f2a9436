// Lowers the tree-sitter Python tree (as a SyntaxNode copy) to the interpreter's small AST.
// Syntax errors: tree-sitter wraps what it could not parse in ERROR nodes; statements found
// inside them are still lowered, so one typo does not hide the rest of the file.
import type { Arg, CompClause, Expr, Module, Param, Span, Stmt } from './ast';
import { child, childrenByField, isExtra, namedChildren, type SyntaxNode } from './syntax';

const STATEMENT_TYPES = new Set([
  'expression_statement', 'function_definition', 'class_definition', 'decorated_definition',
  'if_statement', 'for_statement', 'while_statement', 'return_statement', 'import_statement',
  'import_from_statement', 'with_statement', 'try_statement', 'break_statement',
  'continue_statement', 'pass_statement', 'future_import_statement',
]);

/** Expressions nested deeper than this lower to `unknown` (keeps evaluation stack-safe). */
const MAX_EXPR_DEPTH = 200;

export function lowerModule(root: SyntaxNode, text: string): Module {
  const lowerer = new Lowerer(text);
  const body = lowerer.block(root);
  return { body, comments: allComments(root) };
}

/** Every comment in the tree, in source order (comments can sit inside any node). */
function allComments(root: SyntaxNode): Span[] {
  const out: Span[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop() as SyntaxNode;
    if (n.type === 'comment') out.push(span(n));
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  return out;
}

class Lowerer {
  private depth = 0;

  constructor(private readonly text: string) {}

  private src(n: SyntaxNode): string {
    return this.text.slice(n.start, n.end);
  }

  block(node: SyntaxNode | undefined): Stmt[] {
    const out: Stmt[] = [];
    if (!node) return out;
    for (const c of node.children) this.collect(c, out);
    return out;
  }

  private collect(c: SyntaxNode, out: Stmt[]): void {
    if (c.type === 'comment') return;
    if (STATEMENT_TYPES.has(c.type)) {
      const s = this.stmt(c);
      if (s) out.push(s);
    } else if (c.type === 'ERROR' || c.type === 'block') {
      // Recover statements tree-sitter kept inside an error region.
      for (const g of c.children) this.collect(g, out);
    } else if (c.named && c.type !== 'comment' && !c.type.endsWith('_statement')) {
      // An expression directly inside an ERROR (e.g. a half-typed call): evaluate it anyway.
      if (c.type === 'call' || c.type === 'assignment') out.push({ t: 'expr', value: this.expr(c), span: span(c) });
    } else if (c.named) {
      out.push({ t: 'other', span: span(c) });
    }
  }

  private stmt(n: SyntaxNode): Stmt | undefined {
    const s = span(n);
    switch (n.type) {
      case 'expression_statement': {
        const inner = namedChildren(n);
        if (inner.length === 1) return this.exprStatement(inner[0], s);
        return { t: 'expr', value: { t: 'tuple', items: inner.map((e) => this.expr(e)), span: s }, span: s };
      }
      case 'decorated_definition': {
        const def = child(n, 'definition');
        return def ? this.stmt(def) : undefined;
      }
      case 'function_definition': {
        const name = child(n, 'name');
        return {
          t: 'def',
          name: name ? this.src(name) : '?',
          nameSpan: name ? span(name) : s,
          params: this.params(child(n, 'parameters')),
          body: this.block(child(n, 'body')),
          span: s,
        };
      }
      case 'class_definition': {
        const name = child(n, 'name');
        const sup = child(n, 'superclasses');
        return {
          t: 'class',
          name: name ? this.src(name) : '?',
          nameSpan: name ? span(name) : s,
          bases: sup ? this.args(sup) : [],
          body: this.block(child(n, 'body')),
          span: s,
        };
      }
      case 'if_statement': {
        const branches: { test: Expr | null; body: Stmt[] }[] = [
          { test: this.exprOf(child(n, 'condition'), n), body: this.block(child(n, 'consequence')) },
        ];
        for (const alt of childrenByField(n, 'alternative')) {
          if (alt.type === 'elif_clause') {
            branches.push({ test: this.exprOf(child(alt, 'condition'), alt), body: this.block(child(alt, 'consequence')) });
          } else branches.push({ test: null, body: this.block(child(alt, 'body')) });
        }
        return { t: 'if', branches, span: s };
      }
      case 'for_statement': {
        const alt = child(n, 'alternative');
        return {
          t: 'for',
          target: this.exprOf(child(n, 'left'), n),
          iter: this.exprOf(child(n, 'right'), n),
          body: this.block(child(n, 'body')),
          orelse: alt ? this.block(child(alt, 'body')) : [],
          span: s,
        };
      }
      case 'while_statement': {
        const alt = child(n, 'alternative');
        return {
          t: 'while',
          test: this.exprOf(child(n, 'condition'), n),
          body: this.block(child(n, 'body')),
          orelse: alt ? this.block(child(alt, 'body')) : [],
          span: s,
        };
      }
      case 'return_statement': {
        const v = namedChildren(n)[0];
        return { t: 'return', value: v ? this.expr(v) : null, span: s };
      }
      case 'import_statement': {
        const names = childrenByField(n, 'name').map((c) =>
          c.type === 'aliased_import'
            ? { module: this.dotted(child(c, 'name')), alias: this.srcOf(child(c, 'alias')) }
            : { module: this.dotted(c) },
        );
        return { t: 'import', names, span: s };
      }
      case 'import_from_statement': {
        const mod = child(n, 'module_name');
        let module = '';
        let level = 0;
        if (mod?.type === 'relative_import') {
          for (const c of mod.children) {
            if (c.type === 'import_prefix') level = this.src(c).length;
            else if (c.type === 'dotted_name') module = this.dotted(c);
          }
        } else if (mod) module = this.dotted(mod);
        if (n.children.some((c) => c.type === 'wildcard_import')) return { t: 'from', module, level, names: '*', span: s };
        const names = childrenByField(n, 'name').map((c) =>
          c.type === 'aliased_import'
            ? { name: this.dotted(child(c, 'name')), alias: this.srcOf(child(c, 'alias')) }
            : { name: this.dotted(c) },
        );
        return { t: 'from', module, level, names, span: s };
      }
      case 'with_statement': {
        const items: { value: Expr; target?: Expr }[] = [];
        const clause = n.children.find((c) => c.type === 'with_clause');
        for (const item of clause ? clause.children.filter((c) => c.type === 'with_item') : []) {
          const v = child(item, 'value');
          if (!v) continue;
          if (v.type === 'as_pattern') {
            const inner = namedChildren(v);
            const target = child(v, 'alias');
            items.push({ value: this.expr(inner[0]), target: target ? this.expr(namedChildren(target)[0] ?? target) : undefined });
          } else items.push({ value: this.expr(v) });
        }
        return { t: 'with', items, body: this.block(child(n, 'body')), span: s };
      }
      case 'try_statement': {
        const handlers: Stmt[][] = [];
        let orelse: Stmt[] = [];
        let finalbody: Stmt[] = [];
        for (const c of n.children) {
          if (c.type === 'except_clause' || c.type === 'except_group_clause') {
            handlers.push(this.block(c.children.find((g) => g.type === 'block')));
          } else if (c.type === 'else_clause') orelse = this.block(child(c, 'body'));
          else if (c.type === 'finally_clause') finalbody = this.block(c.children.find((g) => g.type === 'block'));
        }
        return { t: 'try', body: this.block(child(n, 'body')), handlers, orelse, finalbody, span: s };
      }
      case 'break_statement':
        return { t: 'break', span: s };
      case 'continue_statement':
        return { t: 'continue', span: s };
      default:
        return { t: 'other', span: s };
    }
  }

  private exprStatement(e: SyntaxNode, s: Span): Stmt {
    if (e.type === 'assignment') {
      const targets: Expr[] = [];
      let cur: SyntaxNode | undefined = e;
      // a = b = value: right-nested assignments
      while (cur && cur.type === 'assignment') {
        const left = child(cur, 'left');
        if (left) targets.push(this.expr(left));
        const right = child(cur, 'right');
        if (!right) {
          // Annotated declaration without a value (`x: int`): nothing to bind.
          return { t: 'other', span: s };
        }
        cur = right;
      }
      if (!cur) return { t: 'other', span: s };
      return { t: 'assign', targets, value: this.expr(cur), span: s };
    }
    if (e.type === 'augmented_assignment') {
      const op = child(e, 'operator');
      return {
        t: 'augassign',
        target: this.exprOf(child(e, 'left'), e),
        op: op ? this.src(op).replace('=', '') : '?',
        value: this.exprOf(child(e, 'right'), e),
        span: s,
      };
    }
    return { t: 'expr', value: this.expr(e), span: s };
  }

  private params(n: SyntaxNode | undefined): Param[] {
    const out: Param[] = [];
    if (!n) return out;
    for (const p of namedChildren(n)) {
      const s = span(p);
      switch (p.type) {
        case 'identifier':
          out.push({ name: this.src(p), kind: 'normal', span: s });
          break;
        case 'typed_parameter': {
          const inner = namedChildren(p).find((c) => c.field !== 'type');
          if (!inner) break;
          if (inner.type === 'list_splat_pattern') out.push({ name: this.splatName(inner), kind: 'varargs', span: s });
          else if (inner.type === 'dictionary_splat_pattern') out.push({ name: this.splatName(inner), kind: 'kwargs', span: s });
          else out.push({ name: this.src(inner), kind: 'normal', span: s });
          break;
        }
        case 'default_parameter':
        case 'typed_default_parameter': {
          const name = child(p, 'name');
          const value = child(p, 'value');
          out.push({ name: name ? this.src(name) : '?', default: value ? this.expr(value) : undefined, kind: 'normal', span: s });
          break;
        }
        case 'list_splat_pattern':
          out.push({ name: this.splatName(p), kind: 'varargs', span: s });
          break;
        case 'dictionary_splat_pattern':
          out.push({ name: this.splatName(p), kind: 'kwargs', span: s });
          break;
        default:
          break; // `*` and `/` separators carry no binding
      }
    }
    return out;
  }

  private splatName(p: SyntaxNode): string {
    const id = namedChildren(p)[0];
    return id ? this.src(id) : '?';
  }

  args(n: SyntaxNode): Arg[] {
    const out: Arg[] = [];
    if (n.type === 'generator_expression') return [{ value: this.expr(n), span: span(n) }];
    for (const a of namedChildren(n)) {
      const s = span(a);
      if (a.type === 'keyword_argument') {
        const name = child(a, 'name');
        out.push({ name: name ? this.src(name) : '?', value: this.exprOf(child(a, 'value'), a), span: s });
      } else if (a.type === 'list_splat') {
        out.push({ value: this.exprOf(namedChildren(a)[0], a), span: s, star: '*' });
      } else if (a.type === 'dictionary_splat') {
        out.push({ value: this.exprOf(namedChildren(a)[0], a), span: s, star: '**' });
      } else if (a.type !== 'ERROR') {
        out.push({ value: this.expr(a), span: s });
      }
    }
    return out;
  }

  private exprOf(n: SyntaxNode | undefined, parent: SyntaxNode): Expr {
    return n ? this.expr(n) : { t: 'unknown', why: 'incomplete code', span: span(parent) };
  }

  expr(n: SyntaxNode): Expr {
    if (this.depth >= MAX_EXPR_DEPTH) return { t: 'unknown', why: 'expression nested too deeply', span: span(n) };
    this.depth++;
    try {
      return this.exprInner(n);
    } finally {
      this.depth--;
    }
  }

  private exprInner(n: SyntaxNode): Expr {
    const s = span(n);
    switch (n.type) {
      case 'identifier':
        return { t: 'name', id: this.src(n), span: s };
      case 'ellipsis':
        // `...` is the builtin constant Ellipsis (tensor indexing: x[..., :3]).
        return { t: 'name', id: 'Ellipsis', span: s };
      case 'integer':
        return { t: 'int', value: parseIntLiteral(this.src(n)), span: s };
      case 'float': {
        const raw = this.src(n).replace(/_/g, '');
        if (/[jJ]$/.test(raw)) return { t: 'unknown', why: 'complex number', span: s };
        return { t: 'float', value: Number(raw), span: s };
      }
      case 'true':
        return { t: 'bool', value: true, span: s };
      case 'false':
        return { t: 'bool', value: false, span: s };
      case 'none':
        return { t: 'none', span: s };
      case 'string':
        return this.string(n);
      case 'concatenated_string': {
        const parts = namedChildren(n).map((c) => this.string(c));
        if (parts.every((p) => p.t === 'str' && p.value !== null)) {
          return { t: 'str', value: parts.map((p) => (p.t === 'str' ? p.value : '')).join(''), span: s };
        }
        const fparts: (string | Expr)[] = [];
        for (const p of parts) {
          if (p.t === 'fstr') fparts.push(...p.parts);
          else if (p.t === 'str' && p.value !== null) fparts.push(p.value);
          else return { t: 'str', value: null, span: s };
        }
        return { t: 'fstr', parts: fparts, span: s };
      }
      case 'parenthesized_expression': {
        const inner = namedChildren(n)[0];
        return inner ? this.expr(inner) : { t: 'tuple', items: [], span: s };
      }
      case 'tuple':
      case 'expression_list':
      case 'pattern_list':
      case 'tuple_pattern':
        return { t: 'tuple', items: namedChildren(n).map((c) => this.expr(c)), span: s };
      case 'list':
      case 'list_pattern':
        return { t: 'list', items: namedChildren(n).map((c) => this.expr(c)), span: s };
      case 'set':
        return { t: 'unknown', why: 'a set', span: s };
      case 'dictionary': {
        const entries: { key: Expr | null; value: Expr }[] = [];
        for (const c of namedChildren(n)) {
          if (c.type === 'pair') entries.push({ key: this.exprOf(child(c, 'key'), c), value: this.exprOf(child(c, 'value'), c) });
          else if (c.type === 'dictionary_splat') entries.push({ key: null, value: this.exprOf(namedChildren(c)[0], c) });
        }
        return { t: 'dict', entries, span: s };
      }
      case 'attribute': {
        const obj = child(n, 'object');
        const attr = child(n, 'attribute');
        if (!obj || !attr) return { t: 'unknown', why: 'incomplete code', span: s };
        return { t: 'attr', obj: this.expr(obj), name: this.src(attr), nameSpan: span(attr), span: s };
      }
      case 'call': {
        const fn = child(n, 'function');
        const args = child(n, 'arguments');
        if (!fn) return { t: 'unknown', why: 'incomplete code', span: s };
        return { t: 'call', fn: this.expr(fn), args: args ? this.args(args) : [], span: s };
      }
      case 'subscript': {
        const value = child(n, 'value');
        const subs = childrenByField(n, 'subscript');
        if (!value || subs.length === 0) return { t: 'unknown', why: 'incomplete code', span: s };
        const index: Expr = subs.length === 1 ? this.expr(subs[0]) : { t: 'tuple', items: subs.map((x) => this.expr(x)), span: s };
        return { t: 'subscript', obj: this.expr(value), index, span: s };
      }
      case 'slice':
        return this.slice(n);
      case 'unary_operator': {
        const op = child(n, 'operator');
        return { t: 'unary', op: op ? this.src(op) : '?', operand: this.exprOf(child(n, 'argument'), n), span: s };
      }
      case 'binary_operator': {
        const op = child(n, 'operator');
        return {
          t: 'binary',
          op: op ? this.src(op) : '?',
          left: this.exprOf(child(n, 'left'), n),
          right: this.exprOf(child(n, 'right'), n),
          span: s,
        };
      }
      case 'boolean_operator': {
        const op = child(n, 'operator');
        return {
          t: 'boolop',
          op: op && this.src(op) === 'or' ? 'or' : 'and',
          left: this.exprOf(child(n, 'left'), n),
          right: this.exprOf(child(n, 'right'), n),
          span: s,
        };
      }
      case 'not_operator':
        return { t: 'not', operand: this.exprOf(child(n, 'argument'), n), span: s };
      case 'comparison_operator': {
        const operands: Expr[] = [];
        const ops: string[] = [];
        for (const c of n.children) {
          if (c.field === 'operators') ops.push(this.src(c).replace(/\s+/g, ' '));
          else if (c.named && !isExtra(c)) operands.push(this.expr(c));
        }
        return { t: 'compare', ops, operands, span: s };
      }
      case 'conditional_expression': {
        const parts = namedChildren(n);
        if (parts.length < 3) return { t: 'unknown', why: 'incomplete code', span: s };
        return { t: 'cond', body: this.expr(parts[0]), test: this.expr(parts[1]), orelse: this.expr(parts[2]), span: s };
      }
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension':
      case 'dictionary_comprehension':
        return this.comprehension(n);
      case 'lambda': {
        const body = child(n, 'body');
        return { t: 'lambda', params: this.params(child(n, 'parameters')), body: this.exprOf(body, n), span: s };
      }
      case 'list_splat':
      case 'list_splat_pattern':
        return { t: 'starred', value: this.exprOf(namedChildren(n)[0], n), double: false, span: s };
      case 'dictionary_splat':
        return { t: 'starred', value: this.exprOf(namedChildren(n)[0], n), double: true, span: s };
      case 'named_expression': {
        const name = child(n, 'name');
        return { t: 'walrus', name: name ? this.src(name) : '?', value: this.exprOf(child(n, 'value'), n), span: s };
      }
      case 'keyword_argument':
        return { t: 'unknown', why: 'keyword argument outside a call', span: s };
      case 'await': {
        const inner = namedChildren(n)[0];
        return inner ? this.expr(inner) : { t: 'unknown', why: 'incomplete code', span: s };
      }
      default:
        return { t: 'unknown', why: n.type === 'ERROR' ? 'syntax error' : `unsupported expression (${n.type})`, span: s };
    }
  }

  private slice(n: SyntaxNode): Expr {
    // Children are positional around ':' tokens: [lo] ':' [hi] [':' [step]]
    const parts: (Expr | null)[] = [null, null, null];
    let i = 0;
    for (const c of n.children) {
      if (c.type === ':') i++;
      else if (c.named && !isExtra(c) && i < 3) parts[i] = this.expr(c);
    }
    return { t: 'slice', lo: parts[0], hi: parts[1], step: parts[2], span: span(n) };
  }

  private comprehension(n: SyntaxNode): Expr {
    const s = span(n);
    const body = child(n, 'body');
    const kind = n.type === 'list_comprehension' ? 'list' : n.type === 'generator_expression' ? 'gen' : n.type === 'set_comprehension' ? 'set' : 'dict';
    const clauses: CompClause[] = [];
    for (const c of n.children) {
      if (c.type === 'for_in_clause') {
        const rights = childrenByField(c, 'right').filter((r) => r.named);
        const iter: Expr =
          rights.length === 1 ? this.expr(rights[0]) : { t: 'tuple', items: rights.map((r) => this.expr(r)), span: span(c) };
        clauses.push({ target: this.exprOf(child(c, 'left'), c), iter, ifs: [] });
      } else if (c.type === 'if_clause' && clauses.length > 0) {
        const cond = namedChildren(c)[0];
        if (cond) clauses[clauses.length - 1].ifs.push(this.expr(cond));
      }
    }
    if (!body) return { t: 'unknown', why: 'incomplete code', span: s };
    if (kind === 'dict' && body.type === 'pair') {
      return { t: 'comp', kind, elt: this.exprOf(child(body, 'key'), body), value: this.exprOf(child(body, 'value'), body), clauses, span: s };
    }
    return { t: 'comp', kind, elt: this.expr(body), clauses, span: s };
  }

  private string(n: SyntaxNode): Expr {
    const s = span(n);
    if (n.type !== 'string') return this.expr(n);
    const startTok = n.children.find((c) => c.type === 'string_start');
    const prefix = startTok ? this.src(startTok).replace(/['"]+$/, '').toLowerCase() : '';
    const raw = prefix.includes('r');
    const isF = prefix.includes('f');
    const isBytes = prefix.includes('b');
    if (isBytes) return { t: 'unknown', why: 'a bytes literal', span: s };
    const parts: (string | Expr)[] = [];
    let buf = '';
    for (const c of n.children) {
      if (c.type === 'string_content') buf += raw ? this.src(c) : unescape(this.src(c));
      else if (c.type === 'escape_sequence') buf += raw ? this.src(c) : unescape(this.src(c));
      else if (c.type === 'interpolation') {
        if (buf) parts.push(buf);
        buf = '';
        const e = child(c, 'expression');
        const hasFormat = !!child(c, 'format_specifier') || !!child(c, 'type_conversion');
        parts.push(e && !hasFormat ? this.expr(e) : { t: 'unknown', why: 'formatted value', span: span(c) });
      }
    }
    if (!isF || parts.length === 0) return { t: 'str', value: buf, span: s };
    if (buf) parts.push(buf);
    return { t: 'fstr', parts, span: s };
  }

  private dotted(n: SyntaxNode | undefined): string {
    return n ? this.src(n).replace(/\s+/g, '') : '';
  }

  private srcOf(n: SyntaxNode | undefined): string | undefined {
    return n ? this.src(n) : undefined;
  }
}

function span(n: SyntaxNode): Span {
  return { start: n.start, end: n.end };
}

export function parseIntLiteral(raw: string): number {
  const s = raw.replace(/_/g, '').toLowerCase();
  if (/^0x[0-9a-f]+$/.test(s)) return Number.parseInt(s.slice(2), 16);
  if (/^0o[0-7]+$/.test(s)) return Number.parseInt(s.slice(2), 8);
  if (/^0b[01]+$/.test(s)) return Number.parseInt(s.slice(2), 2);
  if (/^[0-9]+l?$/.test(s)) return Number(s.replace(/l$/, ''));
  return Number.NaN;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|\n|.)/g, (m, e: string) => {
    if (e === '\n') return '';
    if (e[0] === 'x' || e[0] === 'u' || e[0] === 'U') {
      const cp = Number.parseInt(e.slice(1), 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ESCAPES[e] ?? m;
  });
}
