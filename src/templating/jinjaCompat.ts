/**
 * What dbt's Jinja (Python) has and nunjucks lacks, installed once into nunjucks: `{% do %}`,
 * `return()` out of a macro, Python's string/list/dict methods, `True/False/None`, and the
 * `none`/`mapping`/`sequence` tests. Installed process-wide because nunjucks keeps its runtime
 * and compiler as module singletons; duckflow is their only user.
 */
import nunjucks from 'nunjucks';

/**
 * Thrown by `return(value)`; the macro being run catches it and returns `value`. An Error, so
 * that nunjucks keeps it as the `cause` of the error it wraps it in.
 */
export class MacroReturn extends Error {
  constructor(readonly value: unknown) {
    super('return() outside a macro');
  }
}

/** The first error in a chain of nunjucks wrappers (`cause`) that is an instance of `type`. */
export function findCause<T>(e: unknown, type: abstract new (...a: never[]) => T): T | undefined {
  for (let c = e; c && typeof c === 'object'; c = (c as { cause?: unknown }).cause)
    if (c instanceof type) return c;
  return undefined;
}

const STRING_MEMBERS: Record<string, (this: string, ...a: never[]) => unknown> = {
  upper() {
    return this.toUpperCase();
  },
  lower() {
    return this.toLowerCase();
  },
  strip(chars?: string) {
    return chars === undefined ? this.trim() : trimChars(this, chars, true, true);
  },
  lstrip(chars?: string) {
    return chars === undefined ? this.trimStart() : trimChars(this, chars, true, false);
  },
  rstrip(chars?: string) {
    return chars === undefined ? this.trimEnd() : trimChars(this, chars, false, true);
  },
  split(sep?: string, max?: number) {
    const parts = sep === undefined || sep === null ? this.trim().split(/\s+/) : this.split(sep);
    if (max === undefined || max < 0 || parts.length <= max + 1) return parts;
    return [...parts.slice(0, max), parts.slice(max).join(sep ?? ' ')];
  },
  startswith(prefix: string) {
    return this.startsWith(prefix);
  },
  endswith(suffix: string) {
    return this.endsWith(suffix);
  },
  // Python's replace replaces every occurrence; JavaScript's only the first.
  replace(from: string, to: string) {
    return this.split(from).join(to);
  },
  title() {
    return this.replace(/\w\S*/g, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase());
  },
  capitalize() {
    return this.charAt(0).toUpperCase() + this.slice(1).toLowerCase();
  },
  find(sub: string) {
    return this.indexOf(sub);
  },
  isdigit() {
    return /^\d+$/.test(this);
  },
  join(items: unknown[]) {
    return items.map(String).join(this);
  },
  format(...args: unknown[]) {
    let i = 0;
    return this.replace(/\{(\d*)\}/g, (_, n: string) => String(args[n === '' ? i++ : Number(n)]));
  },
};

function trimChars(s: string, chars: string, start: boolean, end: boolean): string {
  let a = 0;
  let b = s.length;
  while (start && a < b && chars.includes(s[a])) a++;
  while (end && b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

const DICT_EXTRAS: Record<string, (this: Record<string, unknown>, ...a: never[]) => unknown> = {
  copy() {
    return { ...this };
  },
};

let installed = false;

export function installJinjaCompat(): void {
  if (installed) return;
  installed = true;
  nunjucks.installJinjaCompat();
  const runtime = nunjucks.runtime as unknown as {
    memberLookup(obj: unknown, val: unknown): unknown;
    makeMacro(a: string[], k: string[], fn: (...args: unknown[]) => unknown): unknown;
  };
  const memberLookup = runtime.memberLookup;
  runtime.memberLookup = function (obj: unknown, val: unknown, ...slice: unknown[]) {
    // `x[a:b]` arrives as (obj, start, stop, step); a string's slice is a string, as in Python.
    if (slice.length > 0) {
      const items = (memberLookup as (...a: unknown[]) => unknown[]).call(this, obj, val, ...slice);
      return typeof obj === 'string' ? items.join('') : items;
    }
    // An object's own methods (a column's `values()`) win over the Python dict methods.
    if (obj && typeof obj === 'object' && typeof val === 'string') {
      const own = (obj as Record<string, unknown>)[val];
      if (typeof own === 'function') return own.bind(obj);
    }
    if (typeof obj === 'string' && typeof val === 'string' && Object.hasOwn(STRING_MEMBERS, val))
      return STRING_MEMBERS[val].bind(obj);
    if (
      obj &&
      typeof obj === 'object' &&
      !Array.isArray(obj) &&
      typeof val === 'string' &&
      Object.hasOwn(DICT_EXTRAS, val) &&
      !(val in obj)
    )
      return DICT_EXTRAS[val].bind(obj as Record<string, unknown>);
    return memberLookup.call(this, obj, val);
  };
  // dbt's `return(x)` ends the macro with x as its value (not its text), as in dbt's Jinja.
  const makeMacro = runtime.makeMacro;
  runtime.makeMacro = (argNames, kwargNames, fn) =>
    makeMacro(argNames, kwargNames, function (this: unknown, ...args: unknown[]) {
      try {
        return fn.apply(this, args);
      } catch (e) {
        const signal = findCause(e, MacroReturn);
        if (signal) return signal.value;
        throw e;
      }
    });
  installJinjaTruthiness(runtime as unknown as Record<string, unknown>);
  // A macro that ends by `return()` (an exception) must still restore its caller's frame, or
  // the calling macro of the same file loses its local variables.
  const compiler = (nunjucks as unknown as { compiler: unknown }).compiler as {
    compile(...args: unknown[]): string;
  };
  const compile = compiler.compile;
  compiler.compile = (...args: unknown[]) =>
    compile
      .apply(compiler, args)
      .replace(
        /var callerFrame = frame;\nframe = new runtime\.Frame\(\);/g,
        'var callerFrame = frame;\ntry {\nframe = new runtime.Frame();',
      )
      .replace(
        /frame = callerFrame;\nreturn new runtime\.SafeString\((t_\d+)\);\n\}\);/g,
        'return new runtime.SafeString($1);\n} finally { frame = callerFrame; }\n});',
      );
}

/**
 * Jinja's truth: an empty list, dict or string is false, so `{% if columns %}` skips an empty
 * list, and `x or default` takes the default for one. nunjucks compiles conditions to plain
 * JavaScript, where `[]` and `{}` are true. `if`, inline `if`, `not`, `and` and `or` are
 * compiled through `runtime.jinjaTruthy` instead, with `and`/`or` still returning an operand
 * and evaluating the right one only when needed, as in Python.
 */
function installJinjaTruthiness(runtime: Record<string, unknown>): void {
  const SafeString = runtime.SafeString as abstract new (...a: never[]) => { length: number };
  runtime.jinjaTruthy = (v: unknown): boolean => {
    if (Array.isArray(v) || v instanceof SafeString) return (v as { length: number }).length > 0;
    if (v instanceof Map || v instanceof Set) return v.size > 0;
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
      return Object.keys(v).length > 0;
    return Boolean(v);
  };
  interface Emitter {
    _emit(code: string): void;
    compile(node: unknown, frame: unknown): void;
    _compileExpression(node: unknown, frame: unknown): void;
  }
  type Node = { cond: unknown; left: unknown; right: unknown; target: unknown };
  const proto = (nunjucks as unknown as { compiler: { Compiler: { prototype: unknown } } }).compiler
    .Compiler.prototype as Record<string, (this: Emitter, ...a: never[]) => void>;
  const truthy = (c: Emitter, node: unknown, frame: unknown) => {
    c._emit('runtime.jinjaTruthy(');
    c.compile(node, frame);
    c._emit(')');
  };
  const compileIf = proto.compileIf as (this: Emitter, ...a: unknown[]) => void;
  proto.compileIf = function (this: Emitter, node: Node, frame: unknown, async: unknown) {
    // The condition is compiled by _compileExpression: wrap it for this one call.
    const own = Object.getOwnPropertyDescriptor(this, '_compileExpression');
    const compileExpression = this._compileExpression;
    this._compileExpression = function (this: Emitter, n: unknown, f: unknown) {
      if (n !== node.cond) return compileExpression.call(this, n, f);
      this._emit('runtime.jinjaTruthy(');
      compileExpression.call(this, n, f);
      this._emit(')');
    };
    try {
      compileIf.call(this, node, frame, async);
    } finally {
      if (own) Object.defineProperty(this, '_compileExpression', own);
      else delete (this as Partial<Emitter>)._compileExpression;
    }
  };
  proto.compileInlineIf = function (
    this: Emitter,
    node: Node & { body: unknown; else_: unknown },
    frame: unknown,
  ) {
    this._emit('(');
    truthy(this, node.cond, frame);
    this._emit('?');
    this.compile(node.body, frame);
    this._emit(':');
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit('""');
    this._emit(')');
  };
  proto.compileNot = function (this: Emitter, node: Node, frame: unknown) {
    this._emit('!');
    truthy(this, node.target, frame);
  };
  const operand = (kind: 'and' | 'or') =>
    function (this: Emitter, node: Node, frame: unknown) {
      // Python: `a or b` is a when a is true, else b; `a and b` is b when a is true, else a.
      this._emit('((l) => runtime.jinjaTruthy(l) ? ');
      if (kind === 'or') this._emit('l : (');
      else this._emit('(');
      this.compile(node.right, frame);
      this._emit(kind === 'or' ? '))(' : ') : l)(');
      this.compile(node.left, frame);
      this._emit(')');
    };
  proto.compileOr = operand('or');
  proto.compileAnd = operand('and');
}

/** `{% do expr %}`: evaluate for its effect (`{% do list.append(x) %}`), print nothing. */
export class DoExtension {
  tags = ['do'];
  parse(
    parser: {
      nextToken(): { value: string; lineno: number; colno: number };
      parseExpression(): unknown;
      advanceAfterBlockEnd(name: string): void;
    },
    nodes: {
      CallExtension: new (ext: object, prop: string, args: unknown) => unknown;
      NodeList: new (line: number, col: number, children: unknown[]) => unknown;
    },
  ): unknown {
    const tok = parser.nextToken();
    const expr = parser.parseExpression();
    parser.advanceAfterBlockEnd(tok.value);
    return new nodes.CallExtension(this, 'run', new nodes.NodeList(tok.lineno, tok.colno, [expr]));
  }
  run(): string {
    return '';
  }
}

/** Tests and filters dbt templates use that nunjucks does not define. */
export function addDbtTestsAndFilters(environment: nunjucks.Environment): void {
  // addTest exists on nunjucks' Environment but not in its type definitions.
  const env = environment as nunjucks.Environment & {
    addTest(name: string, fn: (v: unknown) => boolean): void;
  };
  env.addTest('none', (v: unknown) => v === null || v === undefined);
  env.addTest('mapping', (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v));
  env.addTest('sequence', (v: unknown) => Array.isArray(v) || typeof v === 'string');
  env.addTest('boolean', (v: unknown) => typeof v === 'boolean');
  env.addTest('true', (v: unknown) => v === true);
  env.addTest('false', (v: unknown) => v === false);
  env.addTest('integer', (v: unknown) => Number.isInteger(v));
  env.addTest('float', (v: unknown) => typeof v === 'number' && !Number.isInteger(v));
  env.addFilter('tojson', (v: unknown) => JSON.stringify(v));
  // Jinja's map: `xs | map(attribute='a.b')` takes a field of each item, `xs | map('upper')`
  // passes each through a filter.
  env.addFilter('map', (items: unknown, how?: unknown, ...args: unknown[]) => {
    const list = Array.from((items ?? []) as Iterable<unknown>);
    const attribute = (how as { attribute?: unknown } | undefined)?.attribute;
    if (typeof attribute === 'string')
      return list.map((item) =>
        attribute
          .split('.')
          .reduce<unknown>((v, key) => (v as Record<string, unknown> | null)?.[key], item),
      );
    if (typeof how === 'string') {
      const filter = environment.getFilter(how);
      return list.map((item) => filter(item, ...args));
    }
    throw new Error("map needs attribute='name' or the name of a filter");
  });
  // dbt's native-type filters: `{{ x | as_bool }}` and friends keep the value's type.
  env.addFilter('as_bool', (v: unknown) =>
    typeof v === 'string' ? ['true', '1', 'yes'].includes(v.trim().toLowerCase()) : Boolean(v),
  );
  env.addFilter('as_number', (v: unknown) => Number(v));
  env.addFilter('as_text', (v: unknown) => (v === null || v === undefined ? '' : String(v)));
  env.addFilter('as_native', (v: unknown) => v);
}
