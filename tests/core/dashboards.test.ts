/**
 * `dashboards:` in property files: validated with positions and "did you mean", resolved to
 * what they read, listed and selected like dbt's exposures, and written to the manifest.
 */
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import manifestSchema from '../../src/artifacts/schemas/manifest.schema.json' with { type: 'json' };
import { ProjectErrors } from '../../src/errors.ts';
import { errorOf, project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const base = {
  'project.yml': 'name: shop\n',
  'seeds/visits.csv': 'site,visitor,seconds\na.com,1,30\na.com,2,90\nb.com,1,600\n',
  'models/sessions_per_site.sql':
    "select site, count(*)::bigint as sessions from {{ ref('visits') }} group by all\n",
  'models/unrelated.sql': 'select 1 as one\n',
};

const DASHBOARD = `dashboards:
  - name: traffic
    title: Traffic
    description: Visits to our sites.
    owner: { name: Web team, email: web@example.com }
    tags: [web]
    tiles:
      - name: per_site
        type: bar
        title: Sessions per site
        caption: Sessions that started on each site.
        model: ref('sessions_per_site')
        x: site
        y: { column: sessions, format: integer }
      - name: lengths
        type: histogram
        title: Session length
        caption: Sessions by length, in bins of a minute.
        sql: select seconds from {{ ref('visits') }}
        x: { column: seconds, format: duration }
        bin: { width: 60 }
`;

/** The first lines of a one-dashboard file; tiles follow. */
const HEADER = ['dashboards:', '  - name: traffic', '    title: Traffic', '    tiles:'];

async function loadErrors(yml: string): Promise<string[]> {
  const e = await errorOf(() => project({ ...base, 'models/dashboards.yml': yml }).list());
  expect(e).toBeInstanceOf(ProjectErrors);
  return (e as ProjectErrors).errors.map((x) => x.message);
}

describe('dashboards in YAML', () => {
  it('are listed as resource type dashboard and selected with dashboard:<name>, +dashboard:<name> adding what they read', () => {
    const p = project({ ...base, 'models/dashboards.yml': DASHBOARD });
    expect(p.list({ resourceTypes: ['dashboard'] })).toEqual(['traffic']);
    expect(p.list({ select: ['dashboard:traffic'] })).toEqual(['traffic']);
    expect(p.list({ select: ['+dashboard:traffic'] })).toEqual([
      'visits',
      'sessions_per_site',
      'traffic',
    ]);
    expect(p.list({ select: ['resource_type:dashboard'] })).toEqual(['traffic']);
    expect(p.list({ select: ['tag:web'] })).toEqual(['traffic']);
    // Downstream of a model it reads: the dashboard comes along.
    expect(p.list({ select: ['sessions_per_site+'] })).toEqual(['sessions_per_site', 'traffic']);
  });

  it('ls --output json prints a dashboard with its resource type and what it depends on', async () => {
    const p = project({ ...base, 'models/dashboards.yml': DASHBOARD });
    const { stdout, code } = await p.cli([
      'ls',
      '--select',
      'dashboard:traffic',
      '--output',
      'json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      unique_id: 'dashboard.shop.traffic',
      name: 'traffic',
      resource_type: 'dashboard',
      path: 'models/dashboards.yml',
      tags: ['web'],
      depends_on: ['model.shop.sessions_per_site', 'seed.shop.visits'],
    });
  });

  it('are written to manifest.json under dashboards, valid against its schema, and a build runs nothing for them', async () => {
    const p = project({ ...base, 'models/dashboards.yml': DASHBOARD });
    const report = await p.build();
    expect(report.success).toBe(true);
    expect(report.results.map((r) => r.name).sort()).toEqual([
      'sessions_per_site',
      'unrelated',
      'visits',
    ]);
    const manifest = JSON.parse(p.read('target/manifest.json')) as {
      dashboards: Record<string, Record<string, unknown>>;
      nodes: Record<string, { children: string[] }>;
    };
    const validate = new Ajv({ allErrors: true, strict: true }).compile(manifestSchema);
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(manifest.dashboards['dashboard.shop.traffic']).toMatchObject({
      name: 'traffic',
      title: 'Traffic',
      owner: { name: 'Web team', email: 'web@example.com' },
      line: 2,
      depends_on: ['model.shop.sessions_per_site', 'seed.shop.visits'],
      tiles: [
        { name: 'per_site', type: 'bar', model: "ref('sessions_per_site')", sql: null },
        {
          name: 'lengths',
          type: 'histogram',
          model: null,
          sql: "select seconds from {{ ref('visits') }}",
        },
      ],
    });
    expect(manifest.nodes['model.shop.sessions_per_site'].children).toContain(
      'dashboard.shop.traffic',
    );
  });

  it('reports unknown keys, tile types and formats with file:line:column and the closest key', async () => {
    const errors = await loadErrors(
      [
        ...HEADER,
        '      - name: per_site',
        '        type: bars',
        '        title: Sessions per site',
        '        caption: Sessions per site.',
        '        model: sessions_per_site',
        '        x: site',
        '        y: { column: sessions, formatt: integer }',
        '      - name: total',
        '        type: kpi',
        '        title: Sessions',
        '        captoin: All sessions.',
        '        model: sessions_per_site',
        '        y: { column: sessions, format: percentage }',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([
      expect.stringMatching(
        /^models\/dashboards\.yml:6:15: dashboards\[0\]\.tiles\[0\]\.type must be one of: line, bar, stacked_bar, histogram, boxplot, funnel, table, kpi$/,
      ),
      expect.stringMatching(
        /^models\/dashboards\.yml:11:32: dashboards\[0\]\.tiles\[0\]\.y\.formatt: unknown key 'formatt' \(did you mean 'format'\?\)/,
      ),
      "models/dashboards.yml:12:9: dashboards[0].tiles[1]: missing required key 'caption'",
      expect.stringMatching(
        /^models\/dashboards\.yml:15:9: dashboards\[0\]\.tiles\[1\]\.captoin: unknown key 'captoin' \(did you mean 'caption'\?\)/,
      ),
      'models/dashboards.yml:17:40: dashboards[0].tiles[1].y.format must be one of: number, integer, percent, duration, date, text',
    ]);
  });

  it('requires the encodings each tile type draws', async () => {
    const errors = await loadErrors(
      [
        ...HEADER,
        '      - {name: a, type: line, title: A, caption: A., model: sessions_per_site, x: site}',
        '      - {name: b, type: histogram, title: B, caption: B., model: sessions_per_site, x: sessions}',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([
      "models/dashboards.yml:5:9: dashboards[0].tiles[0]: missing required key 'y'",
      "models/dashboards.yml:6:9: dashboards[0].tiles[1]: missing required key 'bin'",
    ]);
  });

  it('names the closest model for a ref to an unknown one, in model: and in sql:', async () => {
    const errors = await loadErrors(
      [
        ...HEADER,
        '      - name: per_site',
        '        type: table',
        '        title: Sessions per site',
        '        caption: Sessions per site.',
        "        model: ref('sessions_per_sit')",
        '      - name: raw',
        '        type: table',
        '        title: Visits',
        '        caption: Every visit.',
        "        sql: select * from {{ ref('visit') }} join {{ source('web', 'hits') }} using (site)",
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([
      "models/dashboards.yml:9:16: dashboard 'traffic', tile 'per_site': ref('sessions_per_sit') does not match any model or seed that has a relation (did you mean 'sessions_per_site'?)",
      "models/dashboards.yml:14:14: dashboard 'traffic', tile 'raw': ref('visit') does not match any model or seed that has a relation (did you mean 'visits'?)",
      "models/dashboards.yml:14:14: dashboard 'traffic', tile 'raw': source('web', 'hits') is not declared in any sources: block",
    ]);
  });

  it('says a ref to an ephemeral model has no relation to read', async () => {
    const e = await errorOf(() =>
      project({
        ...base,
        'models/inline.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as one\n",
        'models/dashboards.yml':
          'dashboards:\n  - name: d\n    title: D\n    tiles:\n      - {name: t, type: table, title: T, caption: C., model: inline}\n',
      }).list(),
    );
    expect((e as ProjectErrors).errors.map((x) => x.message)).toEqual([
      "models/dashboards.yml:5:62: dashboard 'd', tile 't': ref('inline') is an ephemeral model, which has no relation to read; materialize it as a view or table",
    ]);
  });

  it('rejects a tile with both or neither of model and sql, two tiles of one name, and a dashboard declared twice', async () => {
    const tile = (name: string, extra: string) =>
      `      - {name: ${name}, type: table, title: T, caption: C.${extra}}`;
    const errors = await loadErrors(
      [
        'dashboards:',
        '  - name: one',
        '    title: One',
        '    tiles:',
        tile('a', ", model: unrelated, sql: 'select 1'"),
        '  - name: two',
        '    title: Two',
        '    tiles:',
        tile('a', ''),
        '  - name: three',
        '    title: Three',
        '    tiles:',
        tile('a', ', model: unrelated'),
        tile('a', ', model: unrelated'),
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([
      "models/dashboards.yml:5:9: tile 'a': give exactly one of 'model' (ref('name') or a name) or 'sql' (a query of refs)",
    ]);
    const more = await errorOf(() =>
      project({
        ...base,
        'models/a.yml': `dashboards:\n  - name: one\n    title: One\n    tiles:\n${tile('a', ', model: unrelated')}\n${tile('a', ', model: unrelated')}\n`,
      }).list(),
    );
    expect((more as ProjectErrors).errors.map((e) => e.message)).toEqual([
      "models/a.yml:6:16: dashboard 'one': two tiles are named 'a'",
    ]);
    const twice = await errorOf(() =>
      project({
        ...base,
        'models/b.yml': `dashboards:\n  - name: two\n    title: Two\n    tiles:\n${tile('a', ', model: unrelated')}\n`,
        'models/c.yml': `dashboards:\n  - name: two\n    title: Two again\n    tiles:\n${tile('a', ', model: unrelated')}\n`,
      }).list(),
    );
    expect((twice as ProjectErrors).errors.map((e) => e.message)).toEqual([
      "models/c.yml:2: dashboard 'two' is declared twice: also in models/b.yml:2",
    ]);
  });
});
