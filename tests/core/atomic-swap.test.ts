import { afterAll, describe, expect, it } from 'vitest';
import { project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

describe('table swap', () => {
  it('keeps the previous table, queryable with its old rows, when the new SELECT fails', async () => {
    const p = project({
      'project.yml': 'name: x\n',
      'models/totals.sql':
        "{{ config(materialized='table') }}\nselect * from (values (1, 'old'), (2, 'old')) t(id, version)\n",
    });
    expect((await p.build()).success).toBe(true);

    // Fails at run time, after the statement has started: a cast error on the second row.
    p.write({
      'models/totals.sql':
        "{{ config(materialized='table') }}\nselect id, 'new' as version, ('x' || id)::int as broken from (values (1), (2)) t(id)\n",
    });
    const failed = await p.build();
    expect(failed.success).toBe(false);
    expect(failed.results).toEqual([
      expect.objectContaining({
        name: 'totals',
        status: 'error',
        message: expect.stringMatching(/^models\/totals\.sql:2: Conversion Error/),
      }),
    ]);
    expect(await p.query('select id, version from totals order by id')).toEqual([
      { id: 1, version: 'old' },
      { id: 2, version: 'old' },
    ]);

    // Fails at bind time.
    p.write({
      'models/totals.sql':
        "{{ config(materialized='table') }}\nselect missing_column from (values (1)) t(id)\n",
    });
    expect((await p.build()).success).toBe(false);
    expect(await p.query('select count(*)::int as n, min(version) as v from totals')).toEqual([
      { n: 2, v: 'old' },
    ]);

    // No half-built relation is left behind.
    expect(
      await p.query(
        `select table_name as t from information_schema.tables where table_name like 'totals%'`,
      ),
    ).toEqual([{ t: 'totals' }]);

    // A fixed model replaces the table.
    p.write({
      'models/totals.sql': "{{ config(materialized='table') }}\nselect 3 as id, 'new' as version\n",
    });
    expect((await p.build()).success).toBe(true);
    expect(await p.query('select id, version from totals')).toEqual([{ id: 3, version: 'new' }]);
  });

  it('keeps a view in place when its new definition fails', async () => {
    const p = project({ 'project.yml': 'name: x\n', 'models/v.sql': 'select 1 as n\n' });
    await p.build();
    p.write({ 'models/v.sql': 'select nope\n' });
    expect((await p.build()).success).toBe(false);
    expect(await p.query('select n from v')).toEqual([{ n: 1 }]);
  });
});
