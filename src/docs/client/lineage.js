// lineage.html: the whole DAG of models, seeds and sources, coloured by last status.
(function () {
  'use strict';
  const { docs, h, drawGraph, graphLegend } = window.DF;
  const main = document.getElementById('main');
  const wrap = h('div', { class: 'graph-wrap graph-full' });
  let svg;
  let natural;
  let scale = 1;

  function zoom(next) {
    scale = Math.min(3, Math.max(0.2, next));
    svg.setAttribute('width', natural.width * scale);
    svg.setAttribute('height', natural.height * scale);
  }
  /** The scale that shows the whole graph in the frame, never enlarging past natural size. */
  const fitScale = () =>
    Math.min(1, (wrap.clientWidth - 2) / natural.width, (frameHeight() - 2) / natural.height);
  const frameHeight = () =>
    Math.max(320, window.innerHeight - wrap.getBoundingClientRect().top - 40);

  const button = (label, title, onclick) =>
    h('button', { type: 'button', class: 'btn', title, onclick }, label);
  main.replaceChildren(
    h(
      'section',
      { class: 'card' },
      h(
        'div',
        { class: 'card-head' },
        h(
          'div',
          {},
          h('h1', {}, 'Lineage'),
          h(
            'p',
            { class: 'muted' },
            `${docs.nodes.length} nodes, ${docs.edges.length} dependencies. Colour = last status of the node and its tests; click a node to open its page.`,
          ),
        ),
        h(
          'div',
          { class: 'toolbar' },
          button('−', 'Zoom out', () => zoom(scale / 1.25)),
          button('+', 'Zoom in', () => zoom(scale * 1.25)),
          button('Fit', 'Show the whole graph', () => zoom(fitScale())),
        ),
      ),
      graphLegend(),
      wrap,
    ),
  );
  // Laid out once the frame exists, so the layout can pick the direction that fits it best.
  svg = drawGraph(docs.nodes, docs.edges, {
    fit: { width: wrap.clientWidth - 2, height: frameHeight() - 2 },
  });
  natural = { width: Number(svg.dataset.width), height: Number(svg.dataset.height) };
  wrap.append(svg);
  wrap.style.maxHeight = `${frameHeight()}px`;
  // Names stay readable: a graph too big for the frame scrolls rather than shrinking below 75%.
  zoom(Math.max(fitScale(), 0.75));
})();
