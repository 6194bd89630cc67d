// dashboard.html: the stakeholders' view of the webshop, drawn with ECharts from the datasets
// `duckflow docs generate` exported (data/dashboard.js). Every chart plots one dataset row per
// data point, so what the page shows can be checked against the metric models row for row.
(function () {
  'use strict';
  const { docs, h, fmt, nodeHref } = window.DF;
  const data = window.DUCKFLOW_DASHBOARD;
  const sets = data.datasets;
  const main = document.getElementById('main');
  const modelByName = new Map(docs.nodes.filter((n) => n.kind === 'model').map((n) => [n.name, n]));

  const COLORS = [
    '#2563eb',
    '#f59e0b',
    '#10b981',
    '#ef4444',
    '#8b5cf6',
    '#06b6d4',
    '#ec4899',
    '#64748b',
  ];
  const TEXT = '#334155';
  const GRID_LINE = '#e2e8f0';
  const base = {
    color: COLORS,
    // Charts appear at once: no animation to wait for in screenshots and checks.
    animation: false,
    textStyle: {
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      color: TEXT,
    },
    tooltip: { trigger: 'axis', confine: true },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
  };
  const valueAxis = (extra) => ({
    type: 'value',
    splitLine: { lineStyle: { color: GRID_LINE } },
    axisLabel: { color: '#64748b' },
    ...extra,
  });
  const categoryAxis = (values, extra) => ({
    type: 'category',
    data: values,
    axisLine: { lineStyle: { color: '#cbd5e1' } },
    axisTick: { show: false },
    axisLabel: { color: '#64748b' },
    ...extra,
  });

  /** Where a dataset comes from, with a link to the model and the SQL the docs command ran. */
  function provenance(set) {
    return h(
      'div',
      { class: 'provenance' },
      'From ',
      set.models.map((m, i) => [
        i ? ', ' : '',
        modelByName.has(m)
          ? h('a', { href: nodeHref(modelByName.get(m).id) }, m)
          : h('code', {}, m),
      ]),
      set.sql
        ? h(
            'details',
            {},
            h('summary', {}, 'SQL'),
            h('pre', { class: 'sql' }, h('code', {}, set.sql)),
          )
        : null,
    );
  }

  /**
   * Pixel width for a column of category labels. ECharts' containLabel under-measures truncated
   * and rich-text labels and clips them at the chart's edge, so horizontal bar charts size it here.
   */
  const labelColumn = (texts) =>
    Math.min(240, 20 + 7 * Math.max(...texts.map((t) => String(t).length)));

  const charts = [];
  /** A chart card; `option(set)` maps the dataset to an ECharts option whose first series has one point per row. */
  function chartCard(id, option, { wide = false, height = 300 } = {}) {
    const set = sets[id];
    const card = h(
      'section',
      { class: `card chart-card${wide ? ' wide' : ''}`, 'data-dataset': id },
      h('h2', {}, set.title),
      h('p', { class: 'caption' }, set.caption),
    );
    if (set.unavailable || set.rows.length === 0) {
      card.append(
        h(
          'div',
          { class: 'empty', 'data-unavailable': id },
          set.unavailable ? `No data: ${set.unavailable}.` : 'No rows in this dataset.',
        ),
      );
    } else {
      const el = h('div', {
        class: 'chart',
        style: `height:${height}px`,
        'data-chart': id,
        'data-rows': set.rows.length,
      });
      card.append(el);
      charts.push(() => {
        const chart = echarts.init(el, null, { renderer: 'svg' });
        chart.setOption({ ...base, ...option(set) });
        return chart;
      });
    }
    card.append(provenance(set));
    return card;
  }

  function daily(set) {
    return {
      legend: { top: 0, left: 'center' },
      grid: { ...base.grid, top: 48 },
      xAxis: categoryAxis(set.rows.map((r) => String(r.session_date).slice(0, 10))),
      yAxis: [
        valueAxis({ name: 'sessions', nameTextStyle: { color: '#64748b', align: 'left' } }),
        valueAxis({
          name: 'conversion rate',
          min: 0,
          nameTextStyle: { color: '#64748b', align: 'right' },
          axisLabel: { formatter: (v) => `${Math.round(v * 100)}%`, color: '#64748b' },
          splitLine: { show: false },
        }),
      ],
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v <= 1 ? fmt.pct(v) : fmt.int(v)) },
      series: [
        {
          name: 'Sessions',
          type: 'bar',
          data: set.rows.map((r) => r.sessions),
          itemStyle: { color: '#93c5fd', borderRadius: [3, 3, 0, 0] },
        },
        {
          name: 'Conversion rate',
          type: 'line',
          yAxisIndex: 1,
          data: set.rows.map((r) => r.conversion_rate),
          symbolSize: 5,
          lineStyle: { width: 2.5, color: '#f59e0b' },
          itemStyle: { color: '#f59e0b' },
        },
      ],
    };
  }

  function funnel(set) {
    const first = set.rows[0].sessions || 1;
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p) =>
          `${p.name}: ${fmt.int(p.value)} sessions (${fmt.pct(p.value / first)} of sessions with a page view)`,
      },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          // Widths proportional to the counts (min 0), labels beside the shapes so narrow steps stay legible.
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
            formatter: (p) =>
              `{name|${p.name}}\n${fmt.int(p.value)} sessions · ${fmt.pct(p.value / first)}`,
            rich: { name: { fontWeight: 700, color: '#0f172a' } },
          },
          labelLine: { length: 16, lineStyle: { color: '#cbd5e1' } },
          data: set.rows.map((r, i) => ({
            name: r.label,
            value: r.sessions,
            itemStyle: { color: ['#2563eb', '#3b82f6', '#10b981'][i] || COLORS[i % COLORS.length] },
          })),
        },
      ],
    };
  }

  function histogram(set) {
    return {
      tooltip: {
        trigger: 'axis',
        formatter: (ps) => `${ps[0].name} sessions before: ${fmt.int(ps[0].value)} customers`,
      },
      xAxis: categoryAxis(
        set.rows.map((r) => r.label),
        {
          name: 'sessions before the first purchase',
          nameLocation: 'middle',
          nameGap: 28,
          nameTextStyle: { color: '#64748b' },
        },
      ),
      yAxis: valueAxis({ name: 'customers', nameTextStyle: { color: '#64748b' } }),
      grid: { ...base.grid, bottom: 28 },
      series: [
        {
          type: 'bar',
          data: set.rows.map((r) => r.customers),
          barCategoryGap: '15%',
          itemStyle: { color: '#8b5cf6', borderRadius: [3, 3, 0, 0] },
        },
      ],
    };
  }

  function durationByChannel(set) {
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          const r = set.rows[p.dataIndex];
          return `<b>${r.channel}</b> (${fmt.int(r.sessions)} sessions)<br>p10 ${fmt.num(r.p10_minutes)} · p25 ${fmt.num(r.p25_minutes)} · median ${fmt.num(r.median_minutes)} · p75 ${fmt.num(r.p75_minutes)} · p90 ${fmt.num(r.p90_minutes)} min`;
        },
      },
      xAxis: categoryAxis(set.rows.map((r) => r.channel)),
      yAxis: valueAxis({ name: 'minutes', nameTextStyle: { color: '#64748b' } }),
      series: [
        {
          type: 'boxplot',
          data: set.rows.map((r) => [
            r.p10_minutes,
            r.p25_minutes,
            r.median_minutes,
            r.p75_minutes,
            r.p90_minutes,
          ]),
          itemStyle: { color: '#dbeafe', borderColor: '#2563eb', borderWidth: 1.5 },
          boxWidth: [12, 42],
        },
      ],
    };
  }

  /**
   * Channel totals and their referrer hosts side by side: median duration on the left, share of
   * sessions with a purchase on the right, one category row per metric row. Rows are regrouped so
   * each channel's hosts follow its total.
   */
  function byReferrer(set) {
    const totals = set.rows.filter((r) => r.grain === 'channel');
    const rows = [
      ...totals.flatMap((t) => [
        t,
        ...set.rows.filter((r) => r.grain !== 'channel' && r.channel === t.channel),
      ]),
      ...set.rows.filter(
        (r) => r.grain !== 'channel' && !totals.some((t) => t.channel === r.channel),
      ),
    ];
    const labels = rows.map((r) =>
      r.grain === 'channel' ? `{channel|${r.channel}}` : `{host|${r.referrer_host}}`,
    );
    const labelWidth = labelColumn(
      rows.map((r) => (r.grain === 'channel' ? r.channel : r.referrer_host)),
    );
    const axis = (gridIndex, show) =>
      categoryAxis(labels, {
        gridIndex,
        inverse: true,
        axisLabel: {
          show,
          width: labelWidth - 12,
          overflow: 'truncate',
          rich: { channel: { fontWeight: 700, color: '#0f172a' }, host: { color: '#64748b' } },
        },
      });
    const colorOf = (r) => (r.grain === 'channel' ? '#2563eb' : '#93c5fd');
    return {
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (ps) => {
          const r = rows[ps[0].dataIndex];
          const name =
            r.grain === 'channel'
              ? `${r.channel} (all hosts)`
              : `${r.channel} · ${r.referrer_host}`;
          return `<b>${name}</b> · ${fmt.int(r.sessions)} sessions<br>median ${fmt.duration(r.median_duration_seconds)} · p75 ${fmt.duration(r.p75_duration_seconds)} · p90 ${fmt.duration(r.p90_duration_seconds)} · mean ${fmt.duration(r.mean_duration_seconds)}<br>with a purchase: ${fmt.pct(r.purchase_session_share)}`;
        },
      },
      title: [
        {
          text: 'Median session duration (minutes)',
          left: 0,
          top: 0,
          textStyle: { fontSize: 12, fontWeight: 600, color: '#475569' },
        },
        {
          text: 'Sessions with a purchase',
          left: '66%',
          top: 0,
          textStyle: { fontSize: 12, fontWeight: 600, color: '#475569' },
        },
      ],
      grid: [
        { left: labelWidth, right: '40%', top: 28, bottom: 24 },
        { left: '66%', right: 48, top: 28, bottom: 24 },
      ],
      yAxis: [axis(0, true), axis(1, false)],
      xAxis: [
        valueAxis({ gridIndex: 0 }),
        valueAxis({
          gridIndex: 1,
          max: 1,
          axisLabel: { formatter: (v) => `${Math.round(v * 100)}%`, color: '#64748b' },
        }),
      ],
      series: [
        {
          name: 'Median duration',
          type: 'bar',
          xAxisIndex: 0,
          yAxisIndex: 0,
          data: rows.map((r) => ({
            value: r.median_duration_seconds / 60,
            itemStyle: { color: colorOf(r) },
          })),
          barMaxWidth: 14,
          itemStyle: { borderRadius: [0, 3, 3, 0] },
        },
        {
          name: 'Sessions with a purchase',
          type: 'bar',
          xAxisIndex: 1,
          yAxisIndex: 1,
          data: rows.map((r) => ({
            value: r.purchase_session_share,
            itemStyle: { color: r.grain === 'channel' ? '#d97706' : '#fcd34d' },
          })),
          barMaxWidth: 14,
          itemStyle: { borderRadius: [0, 3, 3, 0] },
          label: {
            show: true,
            position: 'right',
            color: '#475569',
            fontSize: 11,
            formatter: (p) => fmt.pct(p.value, 0),
          },
        },
      ],
    };
  }

  function landingPages(set) {
    const pages = set.rows.map(
      (r) => String(r.landing_page).replace(/^https?:\/\/[^/]+/, '') || '/',
    );
    const labelWidth = labelColumn(pages);
    return {
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (ps) => {
          const r = set.rows[ps[0].dataIndex];
          return `<b>${r.landing_page}</b><br>${fmt.pct(r.conversion_rate)} of ${fmt.int(r.sessions)} sessions (${fmt.int(r.purchasing_sessions)} with a purchase)`;
        },
      },
      grid: { left: labelWidth, right: 130, top: 8, bottom: 24 },
      yAxis: categoryAxis(pages, {
        inverse: true,
        axisLabel: { color: '#334155', width: labelWidth - 12, overflow: 'truncate' },
      }),
      xAxis: valueAxis({
        axisLabel: { formatter: (v) => `${Math.round(v * 100)}%`, color: '#64748b' },
      }),
      series: [
        {
          type: 'bar',
          data: set.rows.map((r) => r.conversion_rate),
          barMaxWidth: 18,
          itemStyle: { color: '#10b981', borderRadius: [0, 3, 3, 0] },
          label: {
            show: true,
            position: 'right',
            color: '#475569',
            formatter: (p) =>
              `${fmt.pct(p.value)} · ${fmt.int(set.rows[p.dataIndex].sessions)} sessions`,
          },
        },
      ],
    };
  }

  /** A single-row metric model as a tile: value, label, definition. */
  function kpi({ label, set, value, format, detail }) {
    const row = set && !set.unavailable ? set.rows[0] : undefined;
    const v = row ? value(row) : undefined;
    return h(
      'div',
      { class: 'kpi', 'data-kpi': label, title: set ? set.caption : '' },
      h('div', { class: 'kpi-label' }, label),
      h('div', { class: 'kpi-value' }, v === undefined || v === null ? '–' : format(v)),
      h(
        'div',
        { class: 'kpi-detail' },
        row ? detail(row) : set && set.unavailable ? `No data: ${set.unavailable}` : 'No data',
      ),
    );
  }

  function kpis() {
    const k = sets.kpis;
    const before = sets.metric_sessions_before_first_purchase;
    const duration = sets.metric_session_duration_before_first_purchase;
    return h(
      'section',
      { class: 'kpis' },
      kpi({
        label: 'Sessions',
        set: k,
        value: (r) => r.sessions,
        format: fmt.int,
        detail: () => 'sessions of logged-in customers',
      }),
      kpi({
        label: 'Customers',
        set: k,
        value: (r) => r.customers,
        format: fmt.int,
        detail: (r) => `${fmt.int(r.purchasing_customers)} of them purchased`,
      }),
      kpi({
        label: 'Conversion rate',
        set: k,
        value: (r) => r.conversion_rate,
        format: fmt.pct,
        detail: (r) => `${fmt.int(r.purchasing_sessions)} sessions with a purchase`,
      }),
      kpi({
        label: 'Median sessions before first purchase',
        set: before,
        value: (r) => r.median_sessions_before_first_purchase,
        format: (v) => fmt.num(v, 1),
        detail: (r) => `over ${fmt.int(r.customers_counted)} customers who purchased`,
      }),
      kpi({
        label: 'Median session duration before first purchase',
        set: duration,
        value: (r) => r.median_pre_purchase_session_duration_seconds,
        format: fmt.duration,
        detail: (r) =>
          `over ${fmt.int(r.pre_purchase_session_count)} sessions before a first purchase`,
      }),
    );
  }

  /** The single-row metric models in full: every statistic they carry, not only the median. */
  function factsCard(id) {
    const set = sets[id];
    const card = h(
      'section',
      { class: 'card', 'data-dataset': id },
      h('h2', {}, set.title),
      h('p', { class: 'caption' }, set.caption),
    );
    if (set.unavailable || !set.rows.length)
      card.append(
        h(
          'div',
          { class: 'empty', 'data-unavailable': id },
          set.unavailable ? `No data: ${set.unavailable}.` : 'No rows.',
        ),
      );
    else {
      const row = set.rows[0];
      const value = (name, v) =>
        typeof v !== 'number'
          ? String(v ?? '–')
          : /seconds/.test(name)
            ? fmt.duration(v)
            : Number.isInteger(v)
              ? fmt.int(v)
              : fmt.num(v, 2);
      card.append(
        h(
          'dl',
          { class: 'facts metric-facts' },
          set.columns.map((c) => [
            h('dt', {}, c.name.replace(/_/g, ' ')),
            h('dd', {}, value(c.name, row[c.name])),
          ]),
        ),
      );
    }
    card.append(provenance(set));
    return card;
  }

  const metricModels = [
    'metric_daily_sessions',
    'metric_session_duration_by_referrer',
    'metric_sessions_before_first_purchase',
    'metric_session_duration_before_first_purchase',
  ];
  const missing = metricModels.filter((m) => !modelByName.has(m));
  const days = sets.metric_daily_sessions.rows;

  main.replaceChildren(
    h(
      'section',
      { class: 'hero' },
      h('h1', {}, 'Webshop dashboard'),
      h(
        'p',
        { class: 'muted' },
        days.length
          ? `${String(days[0].session_date).slice(0, 10)} to ${String(days[days.length - 1].session_date).slice(0, 10)} · `
          : '',
        `data as of ${fmt.date(data.generated_at)}. Hover a chart for exact values.`,
      ),
      missing.length
        ? h(
            'p',
            { class: 'notice', 'data-missing-models': missing.join(' ') },
            `This project has no ${missing.join(', ')} model${missing.length > 1 ? 's' : ''}: the panels that need them say so below. The dashboard is built for the webshop project's metric models.`,
          )
        : null,
    ),
    kpis(),
    h(
      'div',
      { class: 'grid' },
      chartCard('metric_daily_sessions', daily, { wide: true, height: 320 }),
      chartCard('funnel', funnel),
      chartCard('sessions_before_purchase_histogram', histogram),
      chartCard('duration_by_channel', durationByChannel, { height: 320 }),
      chartCard('landing_pages', landingPages, { height: 320 }),
      chartCard('metric_session_duration_by_referrer', byReferrer, {
        wide: true,
        height: Math.max(280, 24 * sets.metric_session_duration_by_referrer.rows.length + 70),
      }),
      factsCard('metric_sessions_before_first_purchase'),
      factsCard('metric_session_duration_before_first_purchase'),
    ),
  );

  const instances = charts.map((make) => make());
  window.addEventListener('resize', () => instances.forEach((c) => c.resize()));
})();
