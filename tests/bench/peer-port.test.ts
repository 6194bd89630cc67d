// The peer benchmark's port of a duckflow project to dbt (scripts/bench/peer/port.ts), checked on
// the files it writes. dbt itself is not installed here: the benchmark installs it in its cache.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { seedSelect } from '../../src/adapters/duckdb/seeds/select.ts';
import { openSession } from '../../src/api.ts';
import type { SeedNode } from '../../src/core/nodes.ts';
import { portToDbt, type PortedProject } from '../../scripts/bench/peer/port.ts';
import { project, removeFixtures, type Fixture } from '../helpers/fixture.ts';

afterAll(removeFixtures);

interface TestEntry {
  name: string;
  arguments?: Record<string, unknown>;
  config?: Record<string, unknown>;
}
type Tests = Record<string, TestEntry>[];
interface ModelProps {
  name: string;
  config: Record<string, unknown>;
  data_tests?: Tests;
  columns?: { name: string; quote: boolean; data_tests: Tests }[];
}

describe('peer port to dbt', () => {
  let p: Fixture;
  let ported: PortedProject;
  let models: Map<string, ModelProps>;
  const out = (relative: string) => readFileSync(join(ported.dir, relative), 'utf8');
  const columnTests = (model: string, column: string) =>
    models.get(model)!.columns!.find((c) => c.name === column)!.data_tests;

  beforeAll(async () => {
    p = project({
      'project.yml': [
        'name: shop',
        'targets:',
        '  dev: {type: duckdb, path: target/shop.duckdb, threads: 3, memory_limit: 1GB,',
        '        settings: {preserve_insertion_order: false}}',
        'test-paths: [checks]',
        'models:',
        '  marts: {materialized: table}',
      ].join('\n'),
      'seeds/events.ndjson': '{"id": 1, "product": "a"}\n{"id": 2, "product": "b"}\n',
      'seeds/products.csv': 'product_id,price\na,1.50\nb,2.00\n',
      'seeds/seeds.yml': [
        'version: 2',
        'seeds:',
        '  - name: events',
        '    config: {format: json_records}',
        '  - name: products',
        '    config: {column_types: {product_id: varchar, price: "decimal(6,2)"}}',
        '    columns:',
        '      - name: product_id',
        '        data_tests: [unique]',
      ].join('\n'),
      'models/staging/stg_events.sql': [
        '{{ config(materialized="view") }}',
        "select record_number, raw::json->>'id' as id, raw::json->>'product' as product_id,",
        "    '{% raw %}{{ not jinja }}{% endraw %}' as braces",
        "from {{ ref('events') }}",
      ].join('\n'),
      'models/marts/sales.sql': [
        `{{ config(settings={'perfect_ht_threshold': 24}, pre_hook="select 1") }}`,
        'select e.product_id, count(*) as n, sum(p.price) as revenue',
        "from {{ ref('stg_events') }} as e join {{ ref('products') }} as p using (product_id)",
        'group by all',
      ].join('\n'),
      'models/marts/sales.yml': [
        'version: 2',
        'models:',
        '  - name: sales',
        '    data_tests:',
        '      - expression_is_true: {expression: "n >= 1"}',
        '      - unique_combination_of_columns: {combination_of_columns: [product_id, n]}',
        '    columns:',
        '      - name: product_id',
        '        data_tests:',
        '          - not_null',
        '          - accepted_values: {values: [a, b], config: {severity: warn}}',
        "          - relationships: {to: ref('products'), field: product_id}",
        '      - name: revenue',
        '        data_tests:',
        '          - expression_is_true: {expression: "> 0"}',
        'unit_tests:',
        '  - name: sales_counts',
        '    model: sales',
        '    given:',
        "      - input: ref('stg_events')",
        "        rows: [{product_id: a, record_number: 1, id: '1', braces: x}]",
        "      - input: ref('products')",
        '        rows: [{product_id: a, price: 1.5}]',
        '    expect:',
        '      rows: [{product_id: a, n: 1, revenue: 1.5}]',
      ].join('\n'),
      'checks/sales_not_empty.sql': "select 1 where not exists (select 1 from {{ ref('sales') }})",
    });
    ported = await portToDbt({
      projectDir: p.dir,
      outDir: p.path('peer-dbt'),
      dbPath: p.path('peer.duckdb'),
    });
    const props = parse(out('models/_duckflow_port.yml')) as { models: ModelProps[] };
    models = new Map(props.models.map((m) => [m.name, m]));
  });

  it('turns relation names back into ref() and keeps literal braces away from Jinja', () => {
    const stg = out('models/staging/stg_events.sql');
    // The text before the ref holds '{{', so it goes to dbt inside a raw block.
    expect(stg).toBe(
      "{% raw %}\nselect record_number, raw::json->>'id' as id, raw::json->>'product' as product_id,\n    '{{ not jinja }}' as braces\nfrom {% endraw %}{{ ref('events') }}\n",
    );
    const sales = out('models/marts/sales.sql');
    expect(sales).toContain(
      "from {{ ref('stg_events') }} as e join {{ ref('products') }} as p using (product_id)",
    );
    expect(sales).not.toContain('"main".');
    expect(models.get('stg_events')!.config).toEqual({
      materialized: 'view',
      schema: 'main',
      alias: 'stg_events',
    });
    expect(models.get('sales')!.config.materialized).toBe('table');
  });

  it("makes every seed a table model running duckflow's own load statement", () => {
    const session = openSession({ projectDir: p.dir });
    for (const name of ['events', 'products']) {
      const seed = session.graph.get(`seed.shop.${name}`) as SeedNode;
      expect(out(`models/seeds/${name}.sql`)).toBe(seedSelect(seed));
      expect(models.get(name)!.config).toEqual({
        materialized: 'table',
        schema: 'main',
        alias: name,
      });
    }
    expect(out('models/seeds/events.sql')).toContain(p.path('seeds/events.ndjson'));
    expect(ported.relations.map((r) => `${r.from} ${r.name}`).sort()).toEqual([
      'model sales',
      'model stg_events',
      'seed events',
      'seed products',
    ]);
  });

  it("declares dbt's built-in generic tests with duckflow's names and arguments", () => {
    expect(columnTests('products', 'product_id')).toEqual([
      { unique: { name: 'unique_products_product_id' } },
    ]);
    expect(columnTests('sales', 'product_id')).toEqual([
      { not_null: { name: 'not_null_sales_product_id' } },
      {
        accepted_values: {
          name: 'accepted_values_sales_product_id',
          arguments: { values: ['a', 'b'] },
          config: { severity: 'warn' },
        },
      },
      {
        relationships: {
          name: 'relationships_sales_product_id',
          arguments: { to: "ref('products')", field: 'product_id' },
        },
      },
    ]);
    expect(models.get('sales')!.columns!.every((c) => c.quote)).toBe(true);
  });

  it("generates dbt generic tests from duckflow's builders, one per shape", () => {
    expect(models.get('sales')!.data_tests![0]).toEqual({
      expression_is_true: {
        name: 'expression_is_true_sales',
        arguments: { expression: 'n >= 1' },
      },
    });
    const onColumn = columnTests('sales', 'revenue')[0];
    expect(Object.keys(onColumn)).toEqual(['expression_is_true_2']);
    expect(onColumn.expression_is_true_2.arguments).toEqual({ expression: '> 0' });
    const macros = out('macros/duckflow_port.sql');
    expect(macros).toContain(
      '{% test expression_is_true(model, expression) %}\nselect *\nfrom {{ model }}\nwhere not ({{ expression }})\n{% endtest %}',
    );
    expect(macros).toContain(
      '{% test expression_is_true_2(model, column_name, expression) %}\nselect *\nfrom {{ model }}\nwhere not ({{ column_name }} {{ expression }})\n{% endtest %}',
    );
  });

  it('ports singular tests, and generic tests with list arguments, as singular tests', () => {
    const byAs = (as: string) =>
      ported.tests
        .filter((t) => t.as === as)
        .map((t) => t.name)
        .sort();
    expect(byAs('singular')).toEqual(['sales_not_empty', 'unique_combination_of_columns_sales']);
    expect(out('tests/sales_not_empty.sql')).toBe(
      "select 1 where not exists (select 1 from {{ ref('sales') }})\n",
    );
    expect(out('tests/unique_combination_of_columns_sales.sql')).toContain(
      'from {{ ref(\'sales\') }}\ngroup by "product_id", "n"',
    );
    expect(byAs('dbt built-in')).toHaveLength(4);
    expect(byAs('generated generic')).toHaveLength(2);
    expect(ported.unitTestsLeftOut).toBe(1);
  });

  it("sets a model's own settings in hooks around its SQL and its hooks, and resets them", () => {
    const { config } = models.get('sales')!;
    expect(config.pre_hook).toEqual(['set perfect_ht_threshold = 24', 'select 1']);
    expect(config.post_hook).toEqual(['reset perfect_ht_threshold']);
  });

  it("writes a dbt-duckdb profile with the target's settings", () => {
    expect(parse(out('profiles.yml'))).toEqual({
      duckflow_peer: {
        target: 'bench',
        outputs: {
          bench: {
            type: 'duckdb',
            path: p.path('peer.duckdb'),
            schema: 'main',
            threads: 3,
            settings: { preserve_insertion_order: false, memory_limit: '1GB' },
          },
        },
      },
    });
  });
});
