// dashboard-<name>.html: one dashboard declared in the project's YAML, drawn from the rows
// `duckflow docs generate` exported (data/dashboard-<name>.js). Each tile type has one small
// renderer below; every chart plots one exported row per data point, so what the page shows can
// be checked against its query row for row. Data values are text: tooltips (the one place ECharts
// takes HTML) escape them, and everything else is built with DOM text nodes.
(function () {
  'use strict';
  const { docs, h, fmt, nodeHref, escapeHtml, paragraphs } = window.DF;
  const dashboard = window.DUCKFLOW_DASHBOARD;
  const main = document.getElementById('main');
  const modelByName = new Map(
    docs.nodes.filter((n) => n.kind === 'model' || n.kind === 'seed').map((n) => [n.name, n]),
  );

  const COLORS = [
    '#2563eb',
    '#f59e0b',
    '#10b981',
    '#8b5cf6',
    '#ef4444',
    '#06b6d4',
    '#ec4899',
    '#64748b',
  ];
  const MUTED = '#64748b';
  const base = {
    color: COLORS,
    // Charts appear at once: no animation to wait for in screenshots and checks.
    animation: false,
    textStyle: {
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      color: '#334155',
    },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
  };

  /** How a field's values print; numbers without a format get up to two decimals. */
  const FORMATS = {
    number: (v) => (typeof v === 'number' ? fmt.num(v, 2) : FORMATS.text(v)),
    integer: fmt.int,
    percent: fmt.pct,
    duration: fmt.duration,
    date: (v) => (v === null || v === undefined ? '–' : String(v).slice(0, 10)),
    text: (v) => (v === null || v === undefined ? '–' : String(v)),
  };
  const show = (field, v) => FORMATS[field.format || 'number'](v);
  /** Axis ticks: shorter than values, so neighbouring ticks never overlap. */
  const AXIS_FORMATS = {
    percent: (v) => fmt.pct(v, 0),
    duration: (v) =>
      v < 60
        ? `${fmt.num(v, 0)} s`
        : v < 3600
          ? `${fmt.num(v / 60, 1)} min`
          : `${fmt.num(v / 3600, 1)} h`,
  };
  const tick = (field, v) => (AXIS_FORMATS[field.format] || FORMATS[field.format || 'number'])(v);
  const label = (field) => field.label || field.column.replace(/_/g, ' ');

  /** Tooltip HTML: a bold heading and `name: value` lines, every piece escaped. */
  const tip = (heading, lines) =>
    `<b>${escapeHtml(heading)}</b>${lines.map(([k, v]) => `<br>${escapeHtml(k)}: ${escapeHtml(v)}`).join('')}`;
  /** The tile's extra `tooltip` columns of one row. */
  const extra = (tile, row) =>
    row ? tile.tooltip.map((f) => [label(f), show(f, row[f.column])]) : [];

  const valueAxis = (field, extraOptions) => ({
    type: 'value',
    name: field && field.label,
    // Starting at the axis, a long name grows into the chart rather than off its edge.
    nameTextStyle: { color: MUTED, align: field && field.axis === 'right' ? 'right' : 'left' },
    splitLine: { lineStyle: { color: '#e2e8f0' } },
    axisLabel: { color: MUTED, formatter: field ? (v) => tick(field, v) : undefined },
    // Counts have no fractional ticks.
    minInterval: field && field.format === 'integer' ? 1 : undefined,
    ...extraOptions,
  });
  const categoryAxis = (field, values, extraOptions) => ({
    type: 'category',
    data: values,
    name: field.label,
    nameLocation: 'middle',
    nameGap: 28,
    nameTextStyle: { color: MUTED },
    axisLine: { lineStyle: { color: '#cbd5e1' } },
    axisTick: { show: false },
    axisLabel: { color: MUTED, formatter: (v) => show(field, v) },
    ...extraOptions,
  });
  const valueLabel = (tile, field) =>
    tile.labels
      ? {
          show: true,
          position: tile.orientation === 'horizontal' ? 'right' : 'top',
          color: '#475569',
          fontSize: 11,
          formatter: (p) => show(field, p.value),
        }
      : undefined;

  /** Series of a chart with `series:`: one per distinct value, categories in first-seen order. */
  function pivot(tile) {
    const x = tile.x.column;
    const s = tile.series.column;
    const y = tile.y[0];
    const categories = [...new Set(tile.rows.map((r) => r[x]))];
    const names = [...new Set(tile.rows.map((r) => r[s]))];
    const at = new Map(tile.rows.map((r) => [`${r[x]}\u0000${r[s]}`, r[y.column]]));
    return {
      categories,
      series: names.map((name) => ({
        name: show(tile.series, name),
        field: y,
        data: categories.map((c) => at.get(`${c}\u0000${name}`) ?? null),
      })),
    };
  }

  /** Line, bar and stacked bar: one series per `y` field, or per value of `series`. */
  function cartesian(tile, mark, stack) {
    const { categories, series } = tile.series
      ? pivot(tile)
      : {
          categories: tile.rows.map((r) => r[tile.x.column]),
          series: tile.y.map((f) => ({
            name: label(f),
            field: f,
            data: tile.rows.map((r) => r[f.column]),
          })),
        };
    const horizontal = tile.orientation === 'horizontal';
    if (horizontal && series.length > 1 && !stack) return smallMultiples(tile, categories, series);
    const right = tile.y.find((f) => f.axis === 'right');
    const left = tile.y.find((f) => f.axis !== 'right') || tile.y[0];
    const valueAxes = [
      valueAxis(left),
      ...(right ? [valueAxis(right, { splitLine: { show: false } })] : []),
    ];
    const catAxis = categoryAxis(
      tile.x,
      categories,
      horizontal ? { inverse: true, nameGap: 0, name: '' } : {},
    );
    return {
      legend: series.length > 1 ? { top: 0, left: 'center' } : undefined,
      grid: {
        ...base.grid,
        top: series.length > 1 ? 48 : 24,
        bottom: tile.x.label ? 28 : 8,
        // Room for the value printed at the end of the longest bar.
        right: horizontal && tile.labels ? 64 : base.grid.right,
      },
      xAxis: horizontal ? valueAxes : catAxis,
      yAxis: horizontal ? catAxis : valueAxes,
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: horizontal ? 'shadow' : 'line' },
        formatter: (ps) =>
          tip(show(tile.x, categories[ps[0].dataIndex]), [
            ...ps.map((p) => [p.seriesName, show(series[p.seriesIndex].field, p.value)]),
            ...extra(tile, tile.series ? undefined : tile.rows[ps[0].dataIndex]),
          ]),
      },
      series: series.map((s) => ({
        name: s.name,
        type: s.field.mark || mark,
        stack: stack ? 'total' : undefined,
        yAxisIndex: !horizontal && s.field.axis === 'right' ? 1 : 0,
        xAxisIndex: horizontal && s.field.axis === 'right' ? 1 : 0,
        data: s.data,
        barMaxWidth: 28,
        symbolSize: 5,
        label: valueLabel(tile, s.field),
      })),
    };
  }

  /** Horizontal bars of several measures: a panel per measure, sharing the category rows. */
  function smallMultiples(tile, categories, series) {
    const width = 100 / series.length;
    const labelWidth = Math.min(
      240,
      20 + 7 * Math.max(...categories.map((c) => show(tile.x, c).length)),
    );
    const panelLeft = (i) => (i === 0 ? labelWidth : `${i * width + 2}%`);
    return {
      title: series.map((s, i) => ({
        text: s.name,
        left: i === 0 ? 0 : `${i * width + 2}%`,
        textStyle: { fontSize: 12, fontWeight: 600, color: '#475569' },
      })),
      grid: series.map((_, i) => ({
        left: panelLeft(i),
        right: `${100 - (i + 1) * width + 4}%`,
        top: 28,
        bottom: 24,
      })),
      yAxis: series.map((_, i) =>
        categoryAxis(tile.x, categories, {
          gridIndex: i,
          inverse: true,
          name: '',
          axisLabel: {
            show: i === 0,
            color: '#334155',
            width: labelWidth - 12,
            overflow: 'truncate',
            formatter: (v) => show(tile.x, v),
          },
        }),
      ),
      xAxis: series.map((s, i) => valueAxis(s.field, { gridIndex: i, name: '' })),
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (ps) =>
          tip(show(tile.x, categories[ps[0].dataIndex]), [
            ...series.map((s) => [s.name, show(s.field, s.data[ps[0].dataIndex])]),
            ...extra(tile, tile.rows[ps[0].dataIndex]),
          ]),
      },
      series: series.map((s, i) => ({
        name: s.name,
        type: 'bar',
        xAxisIndex: i,
        yAxisIndex: i,
        data: s.data,
        barMaxWidth: 14,
        itemStyle: { color: COLORS[i % COLORS.length], borderRadius: [0, 3, 3, 0] },
        label: valueLabel(tile, s.field),
      })),
    };
  }

  /** A bin's label: `10+` for the open last bin, `0` for whole-number bins of width 1, else `a–b` (in tick format: `0 s–5 min`). */
  function binLabel(tile, row) {
    const x = (v) => tick(tile.x, v);
    if (row.bin_end === null) return `${x(row.bin_start)}+`;
    if (tile.bin.width === 1 && Number.isInteger(row.bin_start)) return x(row.bin_start);
    return `${x(row.bin_start)}–${x(row.bin_end)}`;
  }

  function histogram(tile) {
    const labels = tile.rows.map((r) => binLabel(tile, r));
    return {
      grid: { ...base.grid, top: 24, bottom: 28 },
      xAxis: categoryAxis({ ...tile.x, label: label(tile.x), format: 'text' }, labels),
      yAxis: valueAxis({ column: 'count', label: 'rows', format: 'integer' }),
      tooltip: {
        trigger: 'axis',
        formatter: (ps) =>
          tip(`${label(tile.x)}: ${labels[ps[0].dataIndex]}`, [['rows', fmt.int(ps[0].value)]]),
      },
      series: [
        {
          type: 'bar',
          data: tile.rows.map((r) => r.count),
          barCategoryGap: '8%',
          itemStyle: { color: '#8b5cf6' },
        },
      ],
    };
  }

  function boxplot(tile) {
    const y = tile.y[0];
    const categories = tile.rows.map((r) => r[tile.x.column]);
    return {
      grid: { ...base.grid, top: 24 },
      xAxis: categoryAxis(tile.x, categories),
      yAxis: valueAxis(y),
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          const r = tile.rows[p.dataIndex];
          return tip(`${show(tile.x, r[tile.x.column])} (${fmt.int(r.count)} rows)`, [
            ['p10', show(y, r.p10)],
            ['p25', show(y, r.p25)],
            ['median', show(y, r.median)],
            ['p75', show(y, r.p75)],
            ['p90', show(y, r.p90)],
          ]);
        },
      },
      series: [
        {
          type: 'boxplot',
          data: tile.rows.map((r) => [r.p10, r.p25, r.median, r.p75, r.p90]),
          itemStyle: { color: '#dbeafe', borderColor: '#2563eb', borderWidth: 1.5 },
          boxWidth: [12, 42],
        },
      ],
    };
  }

  function funnel(tile) {
    const y = tile.y[0];
    const first = tile.rows[0][y.column] || 1;
    const step = (p) => `${show(y, p.value)} · ${fmt.pct(p.value / first)} of the first step`;
    return {
      tooltip: { trigger: 'item', formatter: (p) => tip(p.name, [[label(y), step(p)]]) },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          // Widths proportional to the values, labels beside the shapes so narrow steps stay legible.
          min: 0,
          minSize: '0%',
          left: '2%',
          width: '58%',
          top: 8,
          bottom: 8,
          gap: 4,
          label: {
            position: 'right',
            color: '#334155',
            lineHeight: 17,
            formatter: (p) => `${p.name}\n${step(p)}`,
          },
          labelLine: { length: 16, lineStyle: { color: '#cbd5e1' } },
          data: tile.rows.map((r) => ({
            name: show(tile.x, r[tile.x.column]),
            value: r[y.column],
          })),
        },
      ],
    };
  }

  /** Table columns: those declared, else every exported column, numbers right-aligned. */
  function tableFields(tile) {
    if (tile.columns.length) return tile.columns;
    return tile.result_columns.map((c) => ({
      column: c.name,
      format: /CHAR|DATE|TIME|BOOL/i.test(c.type) ? 'text' : 'number',
    }));
  }

  /** A one-row result reads best as a list of name and value; more rows as a table. */
  function table(tile) {
    const fields = tableFields(tile);
    if (tile.rows.length === 1)
      return h(
        'dl',
        { class: 'facts metric-facts', 'data-table': tile.name },
        fields.map((f) => [h('dt', {}, label(f)), h('dd', {}, show(f, tile.rows[0][f.column]))]),
      );
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'table', 'data-table': tile.name },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            fields.map((f) => h('th', {}, label(f))),
          ),
        ),
        h(
          'tbody',
          {},
          tile.rows.map((r) =>
            h(
              'tr',
              {},
              fields.map((f) => h('td', {}, show(f, r[f.column]))),
            ),
          ),
        ),
      ),
      tile.truncated ? h('p', { class: 'muted' }, `First ${tile.rows.length} rows.`) : null,
    );
  }

  /** `{column}` in a KPI's detail line becomes that column's value. */
  const fillDetail = (tile, row) =>
    (tile.detail || '').replace(/\{(\w+)\}/g, (_, c) => FORMATS.number(row[c]));

  function kpi(tile) {
    const row = tile.unavailable ? undefined : tile.rows[0];
    const y = tile.y[0];
    return h(
      'div',
      { class: 'kpi', 'data-kpi': tile.title, 'data-tile': tile.name, title: tile.caption },
      h('div', { class: 'kpi-label' }, tile.title),
      h('div', { class: 'kpi-value' }, row ? show(y, row[y.column]) : '–'),
      h(
        'div',
        { class: 'kpi-detail' },
        row ? fillDetail(tile, row) : tile.unavailable ? `No data: ${tile.unavailable}` : 'No rows',
      ),
      h('div', { class: 'kpi-caption' }, tile.caption),
    );
  }

  /** Each tile type: an ECharts option (`chart`) or a DOM element (`element`). */
  const RENDERERS = {
    line: { chart: (t) => cartesian(t, 'line', false) },
    bar: { chart: (t) => cartesian(t, 'bar', false) },
    stacked_bar: { chart: (t) => cartesian(t, 'bar', true) },
    histogram: { chart: histogram },
    boxplot: { chart: boxplot },
    funnel: { chart: funnel },
    table: { element: table },
    kpi: { element: kpi },
  };

  /** Where a tile's rows come from, with links to the models and the SQL that was run. */
  function provenance(tile) {
    return h(
      'div',
      { class: 'provenance' },
      'From ',
      tile.models.map((m, i) => [
        i ? ', ' : '',
        modelByName.has(m)
          ? h('a', { href: nodeHref(modelByName.get(m).id) }, m)
          : h('code', {}, m),
      ]),
      tile.sql
        ? h(
            'details',
            {},
            h('summary', {}, 'SQL'),
            h('pre', { class: 'sql' }, h('code', {}, tile.sql)),
          )
        : null,
    );
  }

  const charts = [];
  function card(tile) {
    const renderer = RENDERERS[tile.type];
    const el = h(
      'section',
      {
        class: `card ${renderer.chart ? 'chart-card' : 'table-card'}${tile.width === 'full' ? ' wide' : ''}`,
        'data-tile': tile.name,
      },
      h('h2', {}, tile.title),
      h('p', { class: 'caption' }, tile.caption),
    );
    if (tile.unavailable || tile.rows.length === 0) {
      el.append(
        h(
          'div',
          { class: 'empty', 'data-unavailable': tile.name },
          tile.unavailable ? `No data: ${tile.unavailable}.` : 'No rows.',
        ),
      );
    } else if (renderer.element) {
      el.append(renderer.element(tile));
    } else {
      const horizontal = tile.orientation === 'horizontal' || tile.type === 'funnel';
      const rows = tile.series
        ? new Set(tile.rows.map((r) => r[tile.x.column])).size
        : tile.rows.length;
      const height = horizontal && tile.type !== 'funnel' ? Math.max(280, 24 * rows + 70) : 300;
      const box = h('div', {
        class: 'chart',
        style: `height:${height}px`,
        'data-chart': tile.name,
        'data-rows': tile.rows.length,
      });
      el.append(box);
      charts.push(() => {
        const chart = echarts.init(box, null, { renderer: 'svg' });
        chart.setOption({ ...base, ...renderer.chart(tile) });
        return chart;
      });
    }
    el.append(provenance(tile));
    return el;
  }

  /** Tiles in their YAML order; neighbouring KPIs share a row. */
  function layout(tiles) {
    const groups = [];
    for (const tile of tiles) {
      const kind = tile.type === 'kpi' ? 'kpis' : 'grid';
      if (!groups.length || groups[groups.length - 1].kind !== kind)
        groups.push({ kind, tiles: [] });
      groups[groups.length - 1].tiles.push(tile);
    }
    return groups.map((g) =>
      h(
        g.kind === 'kpis' ? 'section' : 'div',
        { class: g.kind },
        g.tiles.map((t) => (g.kind === 'kpis' ? kpi(t) : card(t))),
      ),
    );
  }

  document.title = `${dashboard.title} · ${docs.project.name} · duckflow docs`;
  const owner =
    dashboard.owner && [dashboard.owner.name, dashboard.owner.email].filter(Boolean).join(' · ');
  main.replaceChildren(
    h(
      'section',
      { class: 'hero', 'data-dashboard': dashboard.name },
      h('h1', {}, dashboard.title),
      dashboard.description
        ? h('div', { class: 'description' }, paragraphs(dashboard.description))
        : null,
      h(
        'p',
        { class: 'muted' },
        owner ? `Owner: ${owner} · ` : '',
        `data as of ${fmt.date(dashboard.generated_at)}. Hover a chart for exact values.`,
      ),
    ),
    ...layout(dashboard.tiles),
  );

  const instances = charts.map((make) => make());
  window.addEventListener('resize', () => instances.forEach((c) => c.resize()));
})();
