import type { ProjectWarning } from '../../core/nodes.ts';
import { positionOf, type YamlFile } from '../yamlFile.ts';

export type { ProjectWarning } from '../../core/nodes.ts';

/** Collects warnings for keys of one YAML file, each at its line. */
export class Warnings {
  private readonly seen = new Set<string>();

  constructor(readonly list: ProjectWarning[] = []) {
    for (const w of list) this.seen.add(`${w.position.file}:${w.position.line}:${w.message}`);
  }

  warn(file: YamlFile, path: (string | number)[], message: string): void {
    const position = positionOf(file, path, true);
    const key = `${position.file}:${position.line}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ message, position });
  }
}
