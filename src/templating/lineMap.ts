/**
 * Maps lines of rendered SQL back to lines of the template they came from, so a database error
 * can point at the analyst's file. Each template line becomes a pattern (literal text with every
 * `{{ }}`/`{% %}`/`{# #}` as a wildcard) and the two texts are aligned by longest common
 * subsequence; rendered lines with no partner (macro output) take the nearest matched line above.
 */
export function mapLines(template: string, rendered: string): (renderedLine: number) => number {
  const source = template.split('\n').map(linePattern);
  const output = rendered.split('\n').map((l) => l.trim());
  const n = source.length;
  const m = output.length;
  const matches = (i: number, j: number) => source[i].test(output[j]);
  // lcs[i][j]: best alignment of source[i..] with output[j..]
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] =
        matches(i, j) && output[j] !== ''
          ? lcs[i + 1][j + 1] + 1
          : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const mapped = new Int32Array(m).fill(0);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (output[j] !== '' && matches(i, j) && lcs[i][j] === lcs[i + 1][j + 1] + 1) {
      mapped[j] = i + 1;
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) i++;
    else j++;
  }
  let last = 1;
  for (let k = 0; k < m; k++) {
    if (mapped[k] === 0) mapped[k] = last;
    else last = mapped[k];
  }
  return (line) => (line >= 1 && line <= m ? mapped[line - 1] : line);
}

/** Lines that are nothing but template tags carry no literal text to align on: they match nothing. */
const NEVER = /(?!)/;

function linePattern(line: string): RegExp {
  const parts = line.trim().split(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/);
  if (parts.every((p) => p.trim() === '')) return NEVER;
  const body = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}
