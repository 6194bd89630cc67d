import { createHash } from 'node:crypto';
import type { MacroFile } from '../core/nodes.ts';

const DEFINITION = /\{%-?\s*(macro|test)\s+(\w+)\s*\([\s\S]*?\{%-?\s*end(?:macro|test)\s*-?%\}/g;
const DISPATCH = /adapter\.dispatch\(\s*['"](\w+)['"]/g;

/**
 * Which macros a template calls, directly or through other macros, and each macro's checksum:
 * what `state:modified.macros` compares. Found lexically (a call is `name(`, a dispatch names
 * every implementation), so a macro named in a comment counts too: a change there only
 * selects a node more, never one less.
 */
export class MacroIndex {
  readonly checksums = new Map<string, string>();
  private readonly bodies = new Map<string, string>();
  private readonly calls: RegExp | undefined;
  private readonly closure = new Map<string, Set<string>>();

  constructor(files: MacroFile[]) {
    for (const file of files)
      for (const m of file.text.matchAll(DEFINITION)) {
        const name = m[1] === 'test' ? `test_${m[2]}` : m[2];
        this.bodies.set(name, m[0]);
        this.checksums.set(name, createHash('sha256').update(m[0]).digest('hex'));
      }
    const names = [...this.bodies.keys()].sort((a, b) => b.length - a.length);
    this.calls = names.length ? new RegExp(`\\b(${names.join('|')})\\s*\\(`, 'g') : undefined;
  }

  /** Macros `text` calls, with everything they call in turn, sorted. */
  usedBy(text: string): string[] {
    const found = new Set<string>();
    for (const name of this.direct(text))
      for (const n of this.transitive(name, new Set())) found.add(n);
    return [...found].sort();
  }

  private direct(text: string): string[] {
    const names = this.calls ? [...text.matchAll(this.calls)].map((m) => m[1]) : [];
    for (const m of text.matchAll(DISPATCH))
      for (const name of this.bodies.keys()) if (name.endsWith(`__${m[1]}`)) names.push(name);
    return names;
  }

  private transitive(name: string, visiting: Set<string>): Set<string> {
    const known = this.closure.get(name);
    if (known) return known;
    const found = new Set([name]);
    // A macro calling itself, or two calling each other, ends the walk instead of looping.
    if (visiting.has(name)) return found;
    visiting.add(name);
    for (const callee of this.direct(this.bodies.get(name)!))
      if (callee !== name) for (const n of this.transitive(callee, visiting)) found.add(n);
    this.closure.set(name, found);
    return found;
  }
}
