import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a project of `count` models shaped like a real one: a fifth staging models over
 * seeds, then layers where each model refs 1–4 models from earlier layers, with folder config,
 * tags, Jinja (var, if, a macro) and a YAML file describing every model with two tests each.
 * Deterministic: the same count gives the same project.
 */
export function writeManyModelsProject(dir: string, count = 1000): void {
  rmSync(dir, { recursive: true, force: true });
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const staging = Math.max(1, Math.floor(count / 5));
  const folders = ['staging', 'intermediate', 'marts'];
  mkdirSync(join(dir, 'seeds'), { recursive: true });
  mkdirSync(join(dir, 'macros'), { recursive: true });
  for (const f of folders) mkdirSync(join(dir, 'models', f), { recursive: true });
  writeFileSync(
    join(dir, 'project.yml'),
    `name: many\nvars:\n  min_amount: 0\nmodels:\n  staging:\n    materialized: view\n    tags: [staging]\n  intermediate:\n    materialized: ephemeral\n  marts:\n    materialized: table\n    tags: [marts]\n`,
  );
  writeFileSync(join(dir, 'seeds', 'raw_orders.csv'), 'id,amount\n1,10\n2,20\n');
  writeFileSync(
    join(dir, 'macros', 'cents.sql'),
    '{% macro cents(col) %}({{ col }} * 100)::bigint{% endmacro %}\n',
  );
  const yaml: string[] = ['version: 2', 'models:'];
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const folder = i < staging ? 'staging' : i < count * 0.7 ? 'intermediate' : 'marts';
    const name = `${folder.slice(0, 3)}_${String(i).padStart(4, '0')}`;
    let sql: string;
    if (folder === 'staging') {
      sql = `select id, amount, {{ cents('amount') }} as amount_cents\nfrom {{ ref('raw_orders') }}\nwhere amount >= {{ var('min_amount') }}\n`;
    } else {
      const parents = new Set<string>();
      const fanIn = 1 + Math.floor(random() * 4);
      while (parents.size < Math.min(fanIn, names.length))
        parents.add(names[Math.floor(random() * names.length)]);
      const [first, ...rest] = [...parents];
      sql = [
        `with base as (\n    select * from {{ ref('${first}') }}\n)`,
        ...rest.map((p, k) => `, p${k} as (\n    select id from {{ ref('${p}') }}\n)`),
        `select base.id, base.amount{% if var('min_amount') > 0 %}, true as filtered{% endif %}`,
        `from base`,
        ...rest.map((_, k) => `join p${k} using (id)`),
        '',
      ].join('\n');
    }
    writeFileSync(join(dir, 'models', folder, `${name}.sql`), sql);
    yaml.push(
      `  - name: ${name}`,
      `    description: model ${i}`,
      `    columns:`,
      `      - name: id`,
      `        data_tests: [not_null, unique]`,
    );
    names.push(name);
  }
  writeFileSync(join(dir, 'models', 'models.yml'), `${yaml.join('\n')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeManyModelsProject(
    process.argv[2] ?? 'target/bench/many-models',
    Number(process.argv[3] ?? 1000),
  );
}
