// index.html: the project overview, and one page per model, seed and source as hash routes
// (#/node/<unique id>), so the whole catalogue is one file that works without a server.
(function () {
  'use strict';
  const { docs, byId, h, badge, healthBadge, nodeHref, fmt, summary, paragraphs, drawGraph } =
    window.DF;
  const main = document.getElementById('main');
  const KIND_TITLE = {
    model: 'Models',
    seed: 'Seeds',
    source: 'Sources',
    dashboard: 'Dashboards',
    exposure: 'Exposures',
  };

  function stat(label, value, extra) {
    return h(
      'div',
      { class: 'stat' },
      h('div', { class: 'stat-value' }, value),
      h('div', { class: 'stat-label' }, label),
      extra ? h('div', { class: 'stat-extra' }, extra) : null,
    );
  }

  function overview() {
    document.title = `Overview · ${docs.project.name} · duckflow docs`;
    const tests = docs.nodes.flatMap((n) => n.tests);
    const count = (status) => tests.filter((t) => t.result && t.result.status === status).length;
    const run = docs.last_run;
    const kinds = Object.keys(KIND_TITLE).filter((k) => docs.nodes.some((n) => n.kind === k));
    return [
      h(
        'section',
        { class: 'hero' },
        h('h1', {}, docs.project.name),
        h(
          'p',
          { class: 'muted' },
          `Target ${docs.project.target}`,
          docs.project.database ? ` · ${docs.project.database}` : '',
          ` · docs generated ${fmt.date(docs.project.generated_at)}`,
        ),
        run
          ? h(
              'p',
              { class: 'last-run' },
              'Last run: ',
              h('code', {}, `duckflow ${run.command}`),
              ` on ${fmt.date(run.started_at)}, ${fmt.num(run.elapsed_seconds, 1)} s — `,
              badge(run.success ? 'success' : 'error', run.success ? 'succeeded' : 'failed'),
            )
          : h(
              'p',
              { class: 'last-run muted' },
              'No run recorded yet: run duckflow build to see statuses.',
            ),
        docs.project.built
          ? null
          : h(
              'p',
              { class: 'notice' },
              'The database is not built yet, so column types are missing. Run duckflow build, then duckflow docs generate.',
            ),
      ),
      h(
        'section',
        { class: 'stats' },
        stat('models', docs.nodes.filter((n) => n.kind === 'model').length),
        stat('seeds', docs.nodes.filter((n) => n.kind === 'seed').length),
        stat('sources', docs.nodes.filter((n) => n.kind === 'source').length),
        stat(
          'data tests',
          tests.length,
          tests.length
            ? `${count('pass')} pass · ${count('warn')} warn · ${count('fail') + count('error')} fail`
            : null,
        ),
      ),
      ...kinds.map((kind) =>
        h(
          'section',
          { class: 'card' },
          h('h2', {}, KIND_TITLE[kind]),
          h(
            'table',
            { class: 'table nodes-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, 'Name'),
                h('th', {}, 'Description'),
                h('th', {}, kind === 'model' ? 'Materialized' : 'Location'),
                h('th', { class: 'num' }, 'Columns'),
                h('th', { class: 'num' }, 'Tests'),
                h('th', {}, 'Status'),
              ),
            ),
            h(
              'tbody',
              {},
              docs.nodes
                .filter((n) => n.kind === kind)
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((n) =>
                  h(
                    'tr',
                    { 'data-node-id': n.id },
                    h('td', {}, h('a', { href: nodeHref(n.id), class: 'node-link' }, n.name)),
                    h(
                      'td',
                      { class: 'desc' },
                      summary(n.description) || h('span', { class: 'muted' }, 'No description'),
                    ),
                    h(
                      'td',
                      {},
                      kind === 'model'
                        ? h('span', { class: 'pill' }, n.materialized)
                        : h('code', { class: 'small' }, n.location || ''),
                    ),
                    h('td', { class: 'num' }, n.columns.length),
                    h('td', { class: 'num' }, n.tests.length),
                    h('td', {}, healthBadge(n.health)),
                  ),
                ),
            ),
          ),
        ),
      ),
    ];
  }

  function nodeList(ids) {
    if (!ids.length) return h('p', { class: 'muted' }, 'None');
    return h(
      'ul',
      { class: 'node-list' },
      ids
        .map((id) => byId.get(id))
        .map((n) =>
          h(
            'li',
            {},
            h('a', { href: nodeHref(n.id) }, n.name),
            ' ',
            h('span', { class: `kind kind-${n.kind}` }, n.kind),
            ' ',
            healthBadge(n.health),
          ),
        ),
    );
  }

  function columnsTable(node, focusColumn) {
    if (!node.columns.length) {
      return h(
        'p',
        { class: 'muted' },
        node.kind === 'source'
          ? 'No columns documented for this source.'
          : 'No columns known: build the project, then generate the docs again.',
      );
    }
    return h(
      'table',
      { class: 'table columns-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Column'),
          h('th', {}, 'Type'),
          h('th', {}, 'Description'),
          h('th', {}, 'Tests'),
        ),
      ),
      h(
        'tbody',
        {},
        node.columns.map((c) =>
          h(
            'tr',
            {
              'data-column': c.name,
              id: `column-${c.name}`,
              class:
                focusColumn && focusColumn.toLowerCase() === c.name.toLowerCase() ? 'focus' : null,
            },
            h('td', {}, h('code', {}, c.name)),
            h(
              'td',
              {},
              c.type ? h('span', { class: 'type' }, c.type) : h('span', { class: 'muted' }, '–'),
            ),
            h(
              'td',
              { class: 'desc' },
              c.description || h('span', { class: 'muted' }, 'Not documented'),
              c.in_database === false
                ? h(
                    'span',
                    {
                      class: 'badge badge-warn',
                      title: 'Documented in YAML but absent from the built relation',
                    },
                    'not in database',
                  )
                : null,
            ),
            h(
              'td',
              {},
              c.tests.map((t) => h('span', { class: 'chip' }, t)),
            ),
          ),
        ),
      ),
    );
  }

  function testsTable(node) {
    const rows = [
      ...node.tests.map((t) => ({
        name: t.name,
        what: t.column ? `${t.test} on ${t.column}` : t.test,
        severity: t.severity,
        result: t.result,
        kind: 'data',
      })),
      ...node.unit_tests.map((u) => ({
        name: u.name,
        what: u.description || 'unit test',
        severity: 'error',
        result: u.result,
        kind: 'unit',
      })),
    ];
    if (!rows.length) return h('p', { class: 'muted' }, 'No tests on this node.');
    return h(
      'table',
      { class: 'table tests-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Test'),
          h('th', {}, 'Checks'),
          h('th', {}, 'Severity'),
          h('th', {}, 'Last result'),
          h('th', {}, 'Message'),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            { 'data-test': r.name, 'data-status': r.result ? r.result.status : 'none' },
            h('td', {}, h('code', { class: 'small' }, r.name)),
            h('td', {}, r.what, r.kind === 'unit' ? h('span', { class: 'chip' }, 'unit') : null),
            h('td', {}, r.severity),
            h('td', {}, badge(r.result && r.result.status)),
            h(
              'td',
              { class: 'desc' },
              r.result ? r.result.message : h('span', { class: 'muted' }, 'not run yet'),
            ),
          ),
        ),
      ),
    );
  }

  function sqlBlock(node) {
    if (!node.raw_sql) return null;
    const views = [
      ['Compiled', node.compiled_sql],
      ['Source', node.raw_sql],
    ]
      .filter(([, sql]) => sql)
      // A leading {{ config(...) }} renders as blank lines: not worth a screenful of nothing.
      .map(([label, sql]) => [label, sql.replace(/^\s*\n/, '')]);
    const pre = h('pre', { class: 'sql' }, h('code', {}, views[0][1]));
    const tabs = h(
      'div',
      { class: 'tabs', role: 'tablist' },
      views.map(([label, sql], i) =>
        h(
          'button',
          {
            type: 'button',
            class: i === 0 ? 'tab active' : 'tab',
            onclick: (e) => {
              tabs
                .querySelectorAll('.tab')
                .forEach((t) => t.classList.toggle('active', t === e.currentTarget));
              pre.firstChild.textContent = sql;
            },
          },
          label,
        ),
      ),
    );
    return h(
      'section',
      { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', {}, 'SQL'), tabs),
      pre,
    );
  }

  function neighbourhood(node) {
    const ids = new Set([node.id, ...node.depends_on, ...node.children]);
    const nodes = [...ids].map((id) => byId.get(id));
    const edges = docs.edges.filter(
      ([a, b]) => (a === node.id && ids.has(b)) || (b === node.id && ids.has(a)),
    );
    return drawGraph(nodes, edges, { current: node.id });
  }

  function nodePage(id, focusColumn) {
    const node = byId.get(id);
    if (!node)
      return [
        h(
          'section',
          { class: 'card' },
          h('h1', {}, 'Not found'),
          h('p', {}, `No model, seed or source with id ${id}.`),
          h('a', { href: 'index.html#/' }, 'Back to the overview'),
        ),
      ];
    document.title = `${node.name} · ${docs.project.name} · duckflow docs`;
    const r = node.result;
    const facts = [
      ['Kind', node.kind],
      ['Materialized', node.kind === 'model' ? node.materialized : null],
      ['Relation', node.relation ? h('code', {}, node.relation) : null],
      ['Source file', h('code', {}, node.path)],
      ['Reads', node.location ? h('code', {}, node.location) : null],
      ['Tags', node.tags.length ? node.tags.map((t) => h('span', { class: 'chip' }, t)) : null],
      [
        'Last run',
        r
          ? [
              badge(r.status),
              ` ${fmt.date(r.completed_at)} · ${fmt.num(r.execution_time, 2)} s`,
              r.rows_affected !== null ? ` · ${fmt.int(r.rows_affected)} rows` : '',
            ]
          : h('span', { class: 'muted' }, 'not run'),
      ],
      ['Message', r && r.status !== 'success' ? r.message : null],
    ].filter(([, v]) => v !== null);
    return [
      h(
        'section',
        { class: 'hero node-hero', 'data-node-id': node.id },
        h(
          'div',
          { class: 'crumbs' },
          h('a', { href: 'index.html#/' }, 'Overview'),
          ' / ',
          node.kind,
        ),
        h('h1', {}, node.name, ' ', healthBadge(node.health)),
        node.description
          ? h('div', { class: 'description' }, paragraphs(node.description))
          : h('p', { class: 'muted' }, 'No description in YAML.'),
        h(
          'dl',
          { class: 'facts' },
          facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
        ),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, `Columns `, h('span', { class: 'count' }, node.columns.length)),
        columnsTable(node, focusColumn),
      ),
      h(
        'section',
        { class: 'card' },
        h(
          'h2',
          {},
          `Tests `,
          h('span', { class: 'count' }, node.tests.length + node.unit_tests.length),
        ),
        testsTable(node),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Lineage'),
        h('div', { class: 'graph-wrap graph-small' }, neighbourhood(node)),
        h(
          'div',
          { class: 'two-col' },
          h('div', {}, h('h3', {}, 'Upstream'), nodeList(node.depends_on)),
          h('div', {}, h('h3', {}, 'Downstream'), nodeList(node.children)),
        ),
      ),
      sqlBlock(node),
    ];
  }

  function route() {
    const m = /^#\/node\/([^/]+)(?:\/column\/(.+))?$/.exec(location.hash);
    main.replaceChildren(
      ...(m
        ? nodePage(decodeURIComponent(m[1]), m[2] && decodeURIComponent(m[2]))
        : overview()
      ).filter(Boolean),
    );
    const focus = main.querySelector('tr.focus');
    if (focus) focus.scrollIntoView({ block: 'center' });
    else window.scrollTo(0, 0);
  }

  window.addEventListener('hashchange', route);
  route();
})();
