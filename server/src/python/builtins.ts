// Python built-in functions and the methods of lists, strings and dicts that model-building
// code uses (range, len, zip, reversed, list.append, ...), on folded values.
import type { Expr } from './ast';
import type { CallArgs, Interpreter } from './interpreter';
import { callKerasMethod } from './classes';
import { attributeOf, callLayerMethod, callTensorMethod, shapeTuple } from './keras-runtime';
import { callModelMethod } from './models';
import { compareOp } from './operators';
import { isNumber, NONE, numberOf, truthy, unknown, type Val } from './values';

const MAX_RANGE = 100_000;

/** The items of an iterable value, or undefined when they cannot be known. */
export function iterate(v: Val): Val[] | undefined {
  switch (v.k) {
    case 'seq':
      return v.items;
    case 'str':
      return v.v.length > MAX_RANGE ? undefined : [...v.v].map((c) => ({ k: 'str', v: c }) as Val);
    case 'dict':
      return [...v.entries.keys()].map((k) => ({ k: 'str', v: k }) as Val);
    default:
      return undefined;
  }
}

function num(v: Val | undefined): number | undefined {
  return v && isNumber(v) ? numberOf(v) : undefined;
}

function ints(v: number): Val {
  return { k: 'int', v };
}

export function callBuiltin(interp: Interpreter, name: string, args: CallArgs): Val {
  const a = args.positional;
  if (args.opaque) return unknown(args.opaque);
  switch (name) {
    case 'range': {
      const ns = a.map(num);
      if (ns.some((n) => n === undefined || !Number.isInteger(n))) return unknown('range over values the analysis cannot see');
      const [start, stop, step] = ns.length === 1 ? [0, ns[0] as number, 1] : [ns[0] as number, ns[1] as number, (ns[2] ?? 1) as number];
      if (step === 0) return unknown('range() step is zero');
      const count = Math.max(0, Math.ceil((stop - start) / step));
      if (count > MAX_RANGE) return unknown('range too long to follow');
      const items: Val[] = [];
      for (let i = 0; i < count; i++) items.push(ints(start + i * step));
      return { k: 'seq', items, list: false };
    }
    case 'len': {
      const v = a[0];
      if (!v) return unknown('len()');
      if (v.k === 'seq') return ints(v.items.length);
      if (v.k === 'str') return ints(v.v.length);
      if (v.k === 'dict') return ints(v.entries.size);
      if (v.k === 'tensor' && v.t.shape) {
        const batch = v.t.shape[0];
        return typeof batch === 'number' ? ints(batch) : unknown('batch size not known');
      }
      return unknown('len() of a value the analysis cannot see');
    }
    case 'int': {
      const v = a[0];
      if (!v) return ints(0);
      if (isNumber(v)) return ints(Math.trunc(numberOf(v)));
      if (v.k === 'str' && /^\s*[-+]?\d+\s*$/.test(v.v)) return ints(Number.parseInt(v.v, 10));
      return unknown('int() of a value the analysis cannot see');
    }
    case 'float': {
      const v = a[0];
      if (!v) return { k: 'float', v: 0 };
      if (isNumber(v)) return { k: 'float', v: numberOf(v) };
      return unknown('float()');
    }
    case 'str': {
      const v = a[0];
      if (!v) return { k: 'str', v: '' };
      if (v.k === 'str') return v;
      if (v.k === 'int') return { k: 'str', v: String(v.v) };
      return unknown('str()');
    }
    case 'bool': {
      const t = a[0] ? truthy(a[0]) : false;
      return t === undefined ? unknown('bool()') : { k: 'bool', v: t };
    }
    case 'tuple':
    case 'list': {
      if (a.length === 0) return { k: 'seq', items: [], list: name === 'list' };
      const items = iterate(a[0]);
      return items ? { k: 'seq', items: [...items], list: name === 'list' } : unknown(`${name}() of values the analysis cannot see`);
    }
    case 'dict': {
      const entries = new Map<string, Val>();
      if (a[0]?.k === 'dict') for (const [k, v] of a[0].entries) entries.set(k, v);
      else if (a[0]) return unknown('dict() of values the analysis cannot see');
      for (const [k, v] of args.keywords) entries.set(k, v);
      return { k: 'dict', entries };
    }
    case 'min':
    case 'max': {
      const items = a.length === 1 ? iterate(a[0]) : a;
      if (!items || items.length === 0) return unknown(`${name}()`);
      let best = items[0];
      for (const it of items.slice(1)) {
        const r = compareOp(name === 'min' ? '<' : '>', it, best);
        if (r === undefined) return unknown(`${name}() of values the analysis cannot see`);
        if (r) best = it;
      }
      return best;
    }
    case 'abs': {
      const v = a[0];
      if (v && isNumber(v)) return v.k === 'float' ? { k: 'float', v: Math.abs(v.v) } : ints(Math.abs(numberOf(v)));
      return unknown('abs()');
    }
    case 'round': {
      const v = num(a[0]);
      if (v === undefined) return unknown('round()');
      if (a.length > 1) return unknown('round() with digits');
      // Python rounds half to even.
      const r = Math.round(v);
      return ints(Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r);
    }
    case 'sum': {
      const items = a[0] ? iterate(a[0]) : undefined;
      if (!items) return unknown('sum()');
      let total = num(a[1]) ?? 0;
      let isFloat = a[1]?.k === 'float';
      for (const it of items) {
        const n = num(it);
        if (n === undefined) return unknown('sum() of values the analysis cannot see');
        if (it.k === 'float') isFloat = true;
        total += n;
      }
      return isFloat ? { k: 'float', v: total } : ints(total);
    }
    case 'pow': {
      const x = num(a[0]);
      const y = num(a[1]);
      if (x === undefined || y === undefined) return unknown('pow()');
      return ints(x ** y);
    }
    case 'divmod': {
      const x = num(a[0]);
      const y = num(a[1]);
      if (x === undefined || y === undefined || y === 0) return unknown('divmod()');
      const q = Math.floor(x / y);
      return { k: 'seq', items: [ints(q), ints(x - q * y)], list: false };
    }
    case 'reversed': {
      const items = a[0] ? iterate(a[0]) : undefined;
      return items ? { k: 'seq', items: [...items].reverse(), list: false } : unknown('reversed() of values the analysis cannot see');
    }
    case 'set': {
      // Only its size and (after sorted()) its order matter here: distinct values, first seen first.
      const items = a[0] ? iterate(a[0]) : [];
      if (!items || !items.every((i) => i.k === 'int' || i.k === 'str' || i.k === 'bool')) return unknown('set() of values the analysis cannot see');
      const seen = new Map<string, Val>();
      for (const i of items) {
        const key = i.k === 'str' ? `s${i.v}` : `n${numberOf(i)}`;
        if (!seen.has(key)) seen.set(key, i);
      }
      return { k: 'seq', items: [...seen.values()], list: false };
    }
    case 'sorted': {
      const items = a[0] ? iterate(a[0]) : undefined;
      if (items && items.length > 0 && items.every((i) => i.k === 'str')) {
        // Python orders strings by code point.
        const strs = (items as Extract<Val, { k: 'str' }>[]).map((i) => i.v).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        const rev = args.keywords.get('reverse');
        if (rev && truthy(rev)) strs.reverse();
        return { k: 'seq', items: strs.map((v) => ({ k: 'str', v }) as Val), list: true };
      }
      if (!items || !items.every((i) => i.k === 'int' || i.k === 'float')) return unknown('sorted()');
      const sortedItems = [...items].sort((x, y) => numberOf(x) - numberOf(y));
      const rev = args.keywords.get('reverse');
      if (rev && truthy(rev)) sortedItems.reverse();
      return { k: 'seq', items: sortedItems, list: true };
    }
    case 'enumerate': {
      const items = a[0] ? iterate(a[0]) : undefined;
      if (!items) return unknown('enumerate() of values the analysis cannot see');
      const start = num(a[1] ?? args.keywords.get('start')) ?? 0;
      return { k: 'seq', items: items.map((v, i) => ({ k: 'seq', items: [ints(start + i), v], list: false }) as Val), list: false };
    }
    case 'zip': {
      const lists = a.map(iterate);
      if (lists.some((l) => !l)) return unknown('zip() of values the analysis cannot see');
      // zip() with no arguments is empty (Math.min() of nothing would be Infinity).
      const n = lists.length === 0 ? 0 : Math.min(...lists.map((l) => (l as Val[]).length));
      const items: Val[] = [];
      for (let i = 0; i < n; i++) items.push({ k: 'seq', items: lists.map((l) => (l as Val[])[i]), list: false });
      return { k: 'seq', items, list: false };
    }
    case 'any':
    case 'all': {
      const items = a[0] ? iterate(a[0]) : undefined;
      if (!items) return unknown(`${name}()`);
      const ts = items.map(truthy);
      if (ts.some((t) => t === undefined)) return unknown(`${name}()`);
      return { k: 'bool', v: name === 'any' ? ts.some(Boolean) : ts.every(Boolean) };
    }
    case 'map': {
      const fn = a[0];
      const items = a[1] ? iterate(a[1]) : undefined;
      if (!fn || !items || fn.k !== 'func') return unknown('map()');
      return {
        k: 'seq',
        items: items.map((it) => interp.callFunction(fn.fn, { positional: [it], keywords: new Map(), syntax: [] })),
        list: true,
      };
    }
    case 'print':
      return NONE;
    // Layers kept under computed names: setattr(self, f"conv{i}", ...) then getattr(self, ...).
    case 'setattr': {
      const [obj, key, value] = a;
      if (obj?.k === 'instance' && key?.k === 'str' && value) obj.obj.attrs.set(key.v, value);
      else if (obj?.k === 'class' && key?.k === 'str' && value) obj.cls.attrs.set(key.v, value);
      return NONE;
    }
    case 'getattr': {
      const [obj, key, fallback] = a;
      if (!obj || key?.k !== 'str') return unknown('getattr() with a name the analysis cannot see');
      const v = attributeOf(obj, key.v);
      return v.k === 'unknown' && fallback ? fallback : v;
    }
    case 'hasattr': {
      const [obj, key] = a;
      if (obj?.k === 'instance' && key?.k === 'str' && obj.obj.attrs.has(key.v)) return { k: 'bool', v: true };
      return unknown('hasattr()');
    }
    default:
      return unknown(`${name}() is not followed`);
  }
}

export function callMethod(interp: Interpreter, self: Val, name: string, args: CallArgs, e: Extract<Expr, { t: 'call' }>): Val {
  const a = args.positional;
  switch (self.k) {
    case 'seq':
      return listMethod(self, name, a);
    case 'str':
      return strMethod(self.v, name, a);
    case 'dict': {
      if (name === 'get') {
        const key = a[0];
        if (key?.k !== 'str') return unknown('dict.get()');
        return self.entries.get(key.v) ?? a[1] ?? NONE;
      }
      if (name === 'keys') return { k: 'seq', items: [...self.entries.keys()].map((k) => ({ k: 'str', v: k }) as Val), list: true };
      if (name === 'values') return { k: 'seq', items: [...self.entries.values()], list: true };
      if (name === 'items') {
        return { k: 'seq', items: [...self.entries].map(([k, v]) => ({ k: 'seq', items: [{ k: 'str', v: k }, v], list: false }) as Val), list: true };
      }
      if (name === 'update') {
        if (a[0]?.k === 'dict') for (const [k, v] of a[0].entries) self.entries.set(k, v);
        for (const [k, v] of args.keywords) self.entries.set(k, v);
        return NONE;
      }
      if (name === 'copy') return { k: 'dict', entries: new Map(self.entries) };
      if (name === 'setdefault') {
        const key = a[0];
        if (key?.k !== 'str') return unknown('dict.setdefault()');
        if (!self.entries.has(key.v)) self.entries.set(key.v, a[1] ?? NONE);
        return self.entries.get(key.v) as Val;
      }
      if (name === 'pop') {
        const key = a[0];
        if (key?.k !== 'str') return unknown('dict.pop()');
        const v = self.entries.get(key.v) ?? a[1] ?? unknown(`no key '${key.v}'`);
        self.entries.delete(key.v);
        return v;
      }
      return unknown(`dict.${name}()`);
    }
    case 'model':
      return callModelMethod(interp, self.model, name, args, e);
    case 'layer':
      return callLayerMethod(interp, self.layer, name, args);
    case 'instance':
      return callKerasMethod(interp, self.obj, name, args, e);
    case 'tensor':
      if (name === 'get_shape') return shapeTuple(self.t);
      return callTensorMethod(self.t, name, args);
    default:
      return unknown(`${name}() is not followed`);
  }
}

function listMethod(self: Extract<Val, { k: 'seq' }>, name: string, a: Val[]): Val {
  switch (name) {
    case 'append':
      if (self.list && a[0]) self.items.push(a[0]);
      return NONE;
    case 'extend': {
      const items = a[0] ? iterate(a[0]) : undefined;
      if (self.list && items) self.items.push(...items);
      else if (self.list) self.items.push(unknown('extended with values the analysis cannot see'));
      return NONE;
    }
    case 'insert': {
      const i = num(a[0]);
      if (self.list && i !== undefined && a[1]) {
        const j = i < 0 ? Math.max(0, self.items.length + i) : Math.min(i, self.items.length);
        self.items.splice(j, 0, a[1]);
      }
      return NONE;
    }
    case 'pop': {
      if (!self.list || self.items.length === 0) return unknown('pop() from an empty list');
      const i = a[0] ? num(a[0]) : -1;
      if (i === undefined) return unknown('pop() at an index the analysis cannot see');
      const j = i < 0 ? self.items.length + i : i;
      if (j < 0 || j >= self.items.length) return unknown('pop index out of range');
      return self.items.splice(j, 1)[0];
    }
    case 'reverse':
      if (self.list) self.items.reverse();
      return NONE;
    case 'copy':
    case 'as_list':
      return { k: 'seq', items: [...self.items], list: true };
    case 'index': {
      const i = self.items.findIndex((it) => compareOp('==', it, a[0] ?? NONE) === true);
      return i >= 0 ? ints(i) : unknown('list.index()');
    }
    case 'count':
      return ints(self.items.filter((it) => compareOp('==', it, a[0] ?? NONE) === true).length);
    default:
      return unknown(`list.${name}() is not followed`);
  }
}

function strMethod(s: string, name: string, a: Val[]): Val {
  switch (name) {
    case 'lower':
      return { k: 'str', v: s.toLowerCase() };
    case 'upper':
      return { k: 'str', v: s.toUpperCase() };
    case 'strip':
      return { k: 'str', v: s.trim() };
    case 'startswith':
      return a[0]?.k === 'str' ? { k: 'bool', v: s.startsWith(a[0].v) } : unknown('str.startswith()');
    case 'endswith':
      return a[0]?.k === 'str' ? { k: 'bool', v: s.endsWith(a[0].v) } : unknown('str.endswith()');
    case 'replace':
      return a[0]?.k === 'str' && a[1]?.k === 'str' ? { k: 'str', v: s.split(a[0].v).join(a[1].v) } : unknown('str.replace()');
    default:
      return unknown(`str.${name}() is not followed`);
  }
}
