// Lineage drawing shared by the lineage page and each node's page: dagre computes a layered
// layout (node positions and edge routes), and the result is drawn as SVG so every node and edge
// is a real element that links, highlights and can be counted by tests.
(function () {
  'use strict';
  const { h, nodeHref, HEALTH_LABEL } = window.DF;
  const SVG = 'http://www.w3.org/2000/svg';
  const NODE_HEIGHT = 46;
  const RANK_GAP = 64;
  const NAME_FONT = '600 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  let graphs = 0;

  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {}))
      if (v !== undefined && v !== null) el.setAttribute(k, v);
    el.append(...children);
    return el;
  }

  const measure = (() => {
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = NAME_FONT;
    return (text) => ctx.measureText(text).width;
  })();

  /**
   * Positions for nodes and edges. Left to right reads like dbt's lineage; top to bottom suits
   * deep chains of long names. In either, ranks are columns (rows) along the main axis.
   */
  function layout(nodes, edges, rankdir) {
    const g = new dagre.graphlib.Graph();
    g.setGraph({
      rankdir,
      nodesep: rankdir === 'LR' ? 16 : 24,
      ranksep: RANK_GAP,
      edgesep: 12,
      marginx: 16,
      marginy: 16,
    });
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of nodes)
      g.setNode(n.id, {
        width: Math.max(132, Math.ceil(measure(n.name)) + 40),
        height: NODE_HEIGHT,
      });
    for (const [from, to] of edges) g.setEdge(from, to);
    dagre.layout(g);
    if (rankdir === 'LR') {
      // Nodes of one column share an x centre; giving them one width too lines their edges up.
      // A second layout places the columns for the new widths.
      const rankWidth = new Map();
      for (const n of nodes) {
        const box = g.node(n.id);
        rankWidth.set(box.x, Math.max(rankWidth.get(box.x) || 0, box.width));
      }
      for (const n of nodes) g.node(n.id).width = rankWidth.get(g.node(n.id).x);
      dagre.layout(g);
    }
    return g;
  }

  /**
   * The direction that shows the whole graph largest in a `fit` box (ties go to left to right);
   * without a box, left to right.
   */
  function bestLayout(nodes, edges, fit) {
    const lr = layout(nodes, edges, 'LR');
    if (!fit) return { g: lr, rankdir: 'LR' };
    const tb = layout(nodes, edges, 'TB');
    const scale = (g) => Math.min(1, fit.width / g.graph().width, fit.height / g.graph().height);
    return scale(tb) > scale(lr) ? { g: tb, rankdir: 'TB' } : { g: lr, rankdir: 'LR' };
  }

  /**
   * Edge paths from a node's exit side (right, or bottom) to the next one's entry side, through
   * dagre's bend points, each hop an S-curve whose tangents follow the main axis.
   */
  function router(g, nodes, rankdir) {
    const main = rankdir === 'LR' ? 'x' : 'y';
    const cross = rankdir === 'LR' ? 'y' : 'x';
    const size = rankdir === 'LR' ? 'width' : 'height';
    const point = (m, c) => ({ [main]: m, [cross]: c });
    const rankExtent = new Map(
      nodes.map((n) => [Math.round(g.node(n.id)[main]), g.node(n.id)[size]]),
    );
    return (from, to) => {
      const a = g.node(from);
      const b = g.node(to);
      // dagre's points include where its straight approach meets each border and bends in the
      // gaps next to the endpoints; only bends inside the ranks an edge crosses steer it around
      // nodes. Such a bend sits at a free spot of its rank: run straight through the whole rank
      // there, so the curves happen in the gaps, never across a node.
      const bends = g
        .edge(from, to)
        .points.filter(
          (p) =>
            p[main] > a[main] + a[size] / 2 + RANK_GAP * 0.75 &&
            p[main] < b[main] - b[size] / 2 - RANK_GAP * 0.75,
        )
        .flatMap((p) => {
          const half = (rankExtent.get(Math.round(p[main])) || 0) / 2;
          return [point(p[main] - half, p[cross]), point(p[main] + half, p[cross])];
        });
      const points = [
        point(a[main] + a[size] / 2, a[cross]),
        ...bends,
        point(b[main] - b[size] / 2, b[cross]),
      ];
      let d = `M${points[0].x},${points[0].y}`;
      for (let i = 1; i < points.length; i++) {
        const p = points[i - 1];
        const q = points[i];
        const half = (q[main] - p[main]) / 2;
        const c1 = point(p[main] + half, p[cross]);
        const c2 = point(q[main] - half, q[cross]);
        d +=
          p[cross] === q[cross]
            ? ` L${q.x},${q.y}`
            : ` C${c1.x},${c1.y} ${c2.x},${c2.y} ${q.x},${q.y}`;
      }
      return d;
    };
  }

  const subtitle = (n) => (n.kind === 'model' ? `model · ${n.materialized}` : n.kind);

  /**
   * Draw `nodes` and `edges` ([from, to] ids) into an SVG; `current` marks the node whose page
   * this is; `fit` ({width, height}) lets the layout pick its direction. Returns the SVG with its
   * natural size in data-width / data-height.
   */
  function drawGraph(nodes, edges, options = {}) {
    const id = ++graphs;
    const { g, rankdir } = bestLayout(nodes, edges, options.fit);
    const route = router(g, nodes, rankdir);
    const { width, height } = g.graph();

    const svg = s('svg', {
      class: 'graph',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      'data-width': width,
      'data-height': height,
      role: 'img',
      'aria-label': 'Lineage graph',
    });
    svg.setAttribute('data-rankdir', rankdir);
    svg.append(
      s(
        'defs',
        {},
        s(
          'marker',
          {
            id: `arrow-${id}`,
            viewBox: '0 0 10 10',
            refX: 9,
            refY: 5,
            markerWidth: 7,
            markerHeight: 7,
            orient: 'auto-start-reverse',
          },
          s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow' }),
        ),
      ),
    );
    const edgeLayer = s('g', { class: 'edges' });
    for (const [from, to] of edges) {
      edgeLayer.append(
        s('path', {
          class: 'edge',
          d: route(from, to),
          'data-edge-from': from,
          'data-edge-to': to,
          'marker-end': `url(#arrow-${id})`,
        }),
      );
    }
    const nodeLayer = s('g', { class: 'nodes' });
    for (const n of nodes) {
      const box = g.node(n.id);
      const x = box.x - box.width / 2;
      const y = box.y - box.height / 2;
      const status =
        n.kind === 'dashboard' || n.kind === 'exposure' ? '' : `: ${HEALTH_LABEL[n.health]}`;
      const title = s('title', {}, `${n.name} (${subtitle(n)})${status}`);
      nodeLayer.append(
        s(
          'a',
          {
            href: nodeHref(n.id),
            class: `node health-${n.health} kind-${n.kind}${n.id === options.current ? ' current' : ''}`,
            'data-node-id': n.id,
            'data-health': n.health,
          },
          title,
          s('rect', { x, y, width: box.width, height: box.height, rx: 8 }),
          s('rect', { class: 'stripe', x, y, width: 6, height: box.height, rx: 3 }),
          s('text', { class: 'node-name', x: x + 16, y: y + 20 }, n.name),
          s('text', { class: 'node-kind', x: x + 16, y: y + 36 }, subtitle(n)),
        ),
      );
    }
    svg.append(edgeLayer, nodeLayer);
    // Hovering a node brings out its own edges, so a busy graph stays readable.
    nodeLayer.addEventListener('mouseover', (e) => {
      const node = e.target.closest('.node');
      if (!node) return;
      const nid = node.getAttribute('data-node-id');
      svg.classList.add('focus');
      for (const p of edgeLayer.children)
        p.classList.toggle(
          'lit',
          p.getAttribute('data-edge-from') === nid || p.getAttribute('data-edge-to') === nid,
        );
    });
    nodeLayer.addEventListener('mouseleave', () => svg.classList.remove('focus'));
    return svg;
  }

  /** The status colours, as the graph uses them. */
  function legend() {
    return h(
      'div',
      { class: 'legend' },
      ['success', 'warn', 'fail', 'error', 'skipped', 'none'].map((k) =>
        h(
          'span',
          { class: 'legend-item' },
          h('span', { class: `swatch health-${k}` }),
          HEALTH_LABEL[k],
        ),
      ),
    );
  }

  window.DF.drawGraph = drawGraph;
  window.DF.graphLegend = legend;
})();
