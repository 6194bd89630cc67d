/**
 * Exposures: declared in YAML with what they read, selected with `exposure:` (dashboards
 * too: a dashboard is an exposure with charts), listed in the manifest and the docs site.
 */
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import * as api from '../../src/api.ts';
import { manifestSchema } from '../../src/artifacts/schemas.ts';
import { errorOf, project, removeFixtures } from '../helpers/fixture.ts';

afterAll(removeFixtures);

const FILES = {
  'project.yml': 'name: ex\n',
  'models/a.sql': 'select 1 as id\n',
  'models/b.sql': "select id from {{ ref('a') }}\n",
  'models/c.sql': 'select 2 as id\n',
  'models/props.yml': [
    'sources:',
    '  - name: raw',
    '    tables: [{name: events}]',
    'exposures:',
    '  - name: weekly',
    '    label: Weekly KPIs',
    '    type: dashboard',
    '    maturity: high',
    '    url: https://bi.example.com/weekly',
    '    owner: {name: Ann, email: ann@example.com}',
    "    depends_on: [ref('b'), \"source('raw', 'events')\"]",
    'dashboards:',
    '  - name: board',
    '    title: Board',
    '    tiles:',
    "      - {name: t, type: table, title: T, caption: All of c, model: ref('c')}",
    '',
  ].join('\n'),
};

describe('exposures', () => {
  it('depend on what they name, and are selected with exposure:', () => {
    const p = project(FILES);
    expect(p.list({ select: ['+exposure:weekly'] })).toEqual(['a', 'raw.events', 'b', 'weekly']);
    expect(p.list({ select: ['+exposure:board'] })).toEqual(['c', 'board']);
    expect(p.list({ select: ['resource_type:exposure'] })).toEqual(['weekly']);
  });

  it('are in the manifest under exposures, dashboards as type dashboard', () => {
    const p = project(FILES);
    p.list();
    const manifest = JSON.parse(p.read('target/manifest.json'));
    expect(new Ajv({ strict: false }).validate(manifestSchema, manifest)).toBe(true);
    expect(manifest.exposures['exposure.ex.weekly']).toEqual({
      unique_id: 'exposure.ex.weekly',
      kind: 'exposure',
      name: 'weekly',
      label: 'Weekly KPIs',
      type: 'dashboard',
      maturity: 'high',
      url: 'https://bi.example.com/weekly',
      path: 'models/props.yml',
      line: 5,
      description: '',
      owner: { name: 'Ann', email: 'ann@example.com' },
      tags: [],
      meta: {},
      depends_on: ['model.ex.b', 'source.ex.raw.events'],
    });
    expect(manifest.exposures['dashboard.ex.board']).toMatchObject({
      kind: 'dashboard',
      type: 'dashboard',
      label: 'Board',
      depends_on: ['model.ex.c'],
    });
  });

  it('are shown on the docs site with their type, maturity and link', async () => {
    const p = project(FILES);
    await p.build();
    await api.generateDocs({ projectDir: p.dir });
    const data = p.read('target/docs/data/docs.js');
    const docs = JSON.parse(data.slice(data.indexOf('{'), data.lastIndexOf('}') + 1));
    expect(docs.nodes.find((n: { id: string }) => n.id === 'exposure.ex.weekly')).toMatchObject({
      kind: 'exposure',
      materialized: 'dashboard · high',
      location: 'https://bi.example.com/weekly',
      depends_on: ['model.ex.b', 'source.ex.raw.events'],
    });
  });

  it('refuse an unknown ref and a name a dashboard has, with their lines', async () => {
    const p = project({
      ...FILES,
      'models/more.yml': [
        'exposures:',
        '  - name: board',
        '    type: notebook',
        '    owner: {name: Bo}',
        '  - name: typo',
        '    type: ml',
        '    owner: {name: Bo}',
        "    depends_on: [ref('bb')]",
        '',
      ].join('\n'),
    });
    const e = await errorOf(() => p.list());
    expect(e.message).toContain(
      "models/more.yml:2: exposure 'board' is declared twice: also as a dashboard in models/props.yml:13",
    );
    p.write({
      'models/more.yml':
        "exposures:\n  - name: typo\n    type: ml\n    owner: {name: Bo}\n    depends_on: [ref('bb')]\n",
    });
    expect((await errorOf(() => p.list())).message).toContain(
      "models/more.yml:2: exposure 'typo': ref('bb') does not match any model or seed (did you mean 'b'?)",
    );
  });
});
