// Shared by every page of the docs site. Plain browser JavaScript, no build step: the site is
// copied as is into target/docs and must work from file:// (classic scripts, no modules, since
// Chrome refuses module scripts from file:// origins).
(function () {
  'use strict';

  const docs = window.DUCKFLOW_DOCS;
  const byId = new Map(docs.nodes.map((n) => [n.id, n]));

  /** Build DOM from data without innerHTML, so names and descriptions can never inject markup. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }

  const HEALTH_LABEL = {
    success: 'passing',
    warn: 'warning',
    fail: 'failing',
    error: 'error',
    skipped: 'skipped',
    none: 'not run',
  };
  const STATUS_CLASS = {
    success: 'success',
    pass: 'success',
    warn: 'warn',
    fail: 'fail',
    error: 'error',
    skipped: 'skipped',
  };

  function badge(status, label) {
    const cls = STATUS_CLASS[status] || 'none';
    return h('span', { class: `badge badge-${cls}` }, label || status || 'not run');
  }

  const healthBadge = (health) => badge(health === 'none' ? null : health, HEALTH_LABEL[health]);

  /** A dashboard has a page of its own; every other node a route of the index page. */
  const nodeHref = (id) => {
    const node = byId.get(id);
    return node && node.kind === 'dashboard'
      ? `dashboard-${node.name}.html`
      : `index.html#/node/${encodeURIComponent(id)}`;
  };

  /** For the one place the site hands a library HTML (ECharts tooltips): data stays text. */
  const escapeHtml = (value) =>
    String(value).replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
    );

  const number = new Intl.NumberFormat('en-US');
  const fmt = {
    int: (v) => (v === null || v === undefined ? '–' : number.format(Math.round(v))),
    num: (v, digits = 1) =>
      v === null || v === undefined
        ? '–'
        : new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(v),
    pct: (v, digits = 1) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(digits)}%`),
    duration(seconds) {
      if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
      // Rounded once, up front: rounding the remainder alone would print '6 min 60 s'.
      const s = Math.round(seconds);
      if (s < 60) return `${s} s`;
      if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
      return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
    },
    date: (iso) =>
      iso
        ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })
        : '–',
  };

  /** Matches on node names first, then column names; both ranked by how early the term occurs. */
  function search(term) {
    const q = term.trim().toLowerCase();
    if (!q) return [];
    const hits = [];
    for (const n of docs.nodes) {
      const at = n.name.toLowerCase().indexOf(q);
      if (at >= 0) hits.push({ node: n, column: null, rank: at });
      for (const c of n.columns) {
        const cat = c.name.toLowerCase().indexOf(q);
        if (cat >= 0) hits.push({ node: n, column: c, rank: 100 + cat });
      }
    }
    return hits
      .sort((a, b) => a.rank - b.rank || a.node.name.localeCompare(b.node.name))
      .slice(0, 30);
  }

  function setUpSearch() {
    const input = document.getElementById('search');
    const box = document.getElementById('search-results');
    let active = -1;
    const items = () => [...box.querySelectorAll('a')];
    const highlight = (i) => {
      items().forEach((a, j) => a.classList.toggle('active', i === j));
      active = i;
    };
    input.addEventListener('input', () => {
      const hits = search(input.value);
      box.replaceChildren(
        ...(hits.length
          ? hits.map((hit) =>
              h(
                'a',
                {
                  href:
                    nodeHref(hit.node.id) +
                    (hit.column ? `/column/${encodeURIComponent(hit.column.name)}` : ''),
                  class: 'search-hit',
                  'data-kind': hit.column ? 'column' : hit.node.kind,
                },
                h(
                  'span',
                  { class: `kind kind-${hit.node.kind}` },
                  hit.column ? 'column' : hit.node.kind,
                ),
                h('span', { class: 'search-name' }, hit.column ? hit.column.name : hit.node.name),
                hit.column ? h('span', { class: 'search-in' }, `in ${hit.node.name}`) : null,
              ),
            )
          : [
              h(
                'div',
                { class: 'search-empty' },
                input.value.trim() ? 'No model or column matches' : '',
              ),
            ]),
      );
      box.hidden = !input.value.trim();
      active = -1;
    });
    input.addEventListener('keydown', (e) => {
      const list = items();
      if (e.key === 'ArrowDown') highlight(Math.min(active + 1, list.length - 1));
      else if (e.key === 'ArrowUp') highlight(Math.max(active - 1, 0));
      else if (e.key === 'Enter' && list.length) (list[active] || list[0]).click();
      else if (e.key === 'Escape') box.hidden = true;
      else return;
      e.preventDefault();
    });
    // Closing on blur must wait for a click on a result to land first.
    input.addEventListener('blur', () => setTimeout(() => (box.hidden = true), 150));
    input.addEventListener('focus', () => (box.hidden = !input.value.trim()));
    box.addEventListener('click', () => {
      box.hidden = true;
      input.value = '';
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === '/' && document.activeElement !== input) {
        e.preventDefault();
        input.focus();
      }
    });
  }

  /** The first paragraph of a description: enough for lists and cards. */
  const summary = (text) =>
    (text || '')
      .trim()
      .split(/\n\s*\n/)[0]
      .replace(/\s+/g, ' ');

  /** Paragraphs of a YAML description, keeping the analyst's line structure readable. */
  const paragraphs = (text) =>
    (text || '')
      .trim()
      .split(/\n\s*\n/)
      .filter(Boolean)
      .map((p) => h('p', {}, p.replace(/\s*\n\s*/g, ' ')));

  window.DF = {
    docs,
    byId,
    h,
    badge,
    healthBadge,
    HEALTH_LABEL,
    nodeHref,
    escapeHtml,
    fmt,
    summary,
    paragraphs,
  };
  setUpSearch();
})();
