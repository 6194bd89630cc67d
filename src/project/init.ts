import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.ts';

/** A new project that builds as it stands: dbt's `init` starter, on a DuckDB file. */
const SKELETON = (name: string): Record<string, string> => ({
  'project.yml': [
    `name: ${name}`,
    'target: dev',
    'targets:',
    '  dev:',
    '    type: duckdb',
    '    path: target/dev.duckdb',
    '    schema: main',
    '    threads: 4',
    '',
    'models:',
    `  ${name}:`,
    '    example:',
    '      +materialized: view',
    '',
  ].join('\n'),
  'models/example/my_first_model.sql': [
    "{{ config(materialized='table') }}",
    '',
    'select 1 as id',
    'union all',
    'select null as id',
    '',
  ].join('\n'),
  'models/example/my_second_model.sql': "select * from {{ ref('my_first_model') }}\nwhere id = 1\n",
  'models/example/schema.yml': [
    'models:',
    '  - name: my_first_model',
    "    description: 'A starter model: two rows, one with a null id.'",
    '    columns:',
    '      - name: id',
    '        data_tests: [unique]',
    '  - name: my_second_model',
    '    description: The rows of my_first_model with id 1.',
    '    columns:',
    '      - name: id',
    '        data_tests: [unique, not_null]',
    '',
  ].join('\n'),
  'seeds/.gitkeep': '',
  'macros/.gitkeep': '',
  'snapshots/.gitkeep': '',
  'tests/.gitkeep': '',
  '.gitignore': 'target/\n',
  'README.md': `# ${name}\n\nA duckflow project. \`npx duckflow build\` builds it into target/dev.duckdb.\n`,
});

/**
 * Write a new project into `<parent>/<name>`: dbt's `init`. An existing non-empty folder is
 * refused, never written into. Returns the project's folder.
 */
export function initProject(name: string, parent = '.'): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new UsageError(
      `project name '${name}' must be letters, digits and underscores, not starting with a digit`,
    );
  const dir = resolve(parent, name);
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new UsageError(`${dir} exists and is not empty: pick another name or folder`);
  for (const [path, text] of Object.entries(SKELETON(name))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
