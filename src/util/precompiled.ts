import type { ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';

/**
 * duckflow's JSON Schemas compiled to code when the CLI's bundle is built (bin/duckflow.js
 * writes validators.cjs beside it, from project/validatorsModule.ts), by `$id`. Compiling the
 * project.yml and partial_parse.json schemas with ajv took about 0.05 s of every start. Run from
 * source (tests, tsx) there is no such file, and ajv compiles them as it loads them.
 */
let validators: Record<string, ValidateFunction> | null | undefined;

export function precompiled(id: string | undefined): ValidateFunction | undefined {
  if (validators === undefined) {
    try {
      validators = createRequire(import.meta.url)('./validators.cjs') as Record<
        string,
        ValidateFunction
      >;
    } catch {
      validators = null;
    }
  }
  return id === undefined ? undefined : validators?.[id];
}
