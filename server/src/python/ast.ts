// The small Python AST the interpreter runs on: only what shape analysis needs. Everything
// else lowers to `unknown` expressions or `other` statements, with the source span kept.

export interface Span {
  start: number;
  end: number;
}

export type Expr =
  | { t: 'name'; id: string; span: Span }
  | { t: 'int'; value: number; span: Span }
  | { t: 'float'; value: number; span: Span }
  | { t: 'str'; value: string | null; span: Span } // null: an f-string we cannot fold
  | { t: 'fstr'; parts: (string | Expr)[]; span: Span }
  | { t: 'bool'; value: boolean; span: Span }
  | { t: 'none'; span: Span }
  | { t: 'tuple'; items: Expr[]; span: Span }
  | { t: 'list'; items: Expr[]; span: Span }
  | { t: 'dict'; entries: { key: Expr | null; value: Expr }[]; span: Span }
  | { t: 'attr'; obj: Expr; name: string; nameSpan: Span; span: Span }
  | { t: 'call'; fn: Expr; args: Arg[]; span: Span }
  | { t: 'subscript'; obj: Expr; index: Expr; span: Span }
  | { t: 'slice'; lo: Expr | null; hi: Expr | null; step: Expr | null; span: Span }
  | { t: 'unary'; op: string; operand: Expr; span: Span }
  | { t: 'binary'; op: string; left: Expr; right: Expr; span: Span }
  | { t: 'compare'; ops: string[]; operands: Expr[]; span: Span }
  | { t: 'boolop'; op: 'and' | 'or'; left: Expr; right: Expr; span: Span }
  | { t: 'not'; operand: Expr; span: Span }
  | { t: 'cond'; body: Expr; test: Expr; orelse: Expr; span: Span }
  | { t: 'comp'; kind: 'list' | 'gen' | 'set' | 'dict'; elt: Expr; value?: Expr; clauses: CompClause[]; span: Span }
  | { t: 'lambda'; params: Param[]; body: Expr; span: Span }
  | { t: 'starred'; value: Expr; double: boolean; span: Span }
  | { t: 'walrus'; name: string; value: Expr; span: Span }
  | { t: 'unknown'; why: string; span: Span };

export interface CompClause {
  target: Expr;
  iter: Expr;
  ifs: Expr[];
}

export interface Arg {
  /** Keyword name, for `name=value`. */
  name?: string;
  value: Expr;
  span: Span;
  /** `*xs` or `**kw`. */
  star?: '*' | '**';
}

export interface Param {
  name: string;
  default?: Expr;
  kind: 'normal' | 'varargs' | 'kwargs';
  span: Span;
}

export type Stmt =
  | { t: 'expr'; value: Expr; span: Span }
  | { t: 'assign'; targets: Expr[]; value: Expr; span: Span }
  | { t: 'augassign'; target: Expr; op: string; value: Expr; span: Span }
  | { t: 'def'; name: string; params: Param[]; body: Stmt[]; span: Span; nameSpan: Span }
  | { t: 'class'; name: string; bases: Arg[]; body: Stmt[]; span: Span; nameSpan: Span }
  | { t: 'if'; branches: { test: Expr | null; body: Stmt[] }[]; span: Span }
  | { t: 'for'; target: Expr; iter: Expr; body: Stmt[]; orelse: Stmt[]; span: Span }
  | { t: 'while'; test: Expr; body: Stmt[]; orelse: Stmt[]; span: Span }
  | { t: 'return'; value: Expr | null; span: Span }
  | { t: 'import'; names: { module: string; alias?: string }[]; span: Span }
  | { t: 'from'; module: string; level: number; names: { name: string; alias?: string }[] | '*'; span: Span }
  | { t: 'with'; items: { value: Expr; target?: Expr }[]; body: Stmt[]; span: Span }
  | { t: 'try'; body: Stmt[]; handlers: Stmt[][]; orelse: Stmt[]; finalbody: Stmt[]; span: Span }
  | { t: 'break'; span: Span }
  | { t: 'continue'; span: Span }
  | { t: 'other'; span: Span };

export interface Module {
  body: Stmt[];
  /** `# ...` comments, for `# shapewise:` directives. */
  comments: Span[];
}
