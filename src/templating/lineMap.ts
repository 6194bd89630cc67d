/**
 * Maps lines of rendered SQL back to lines of the template they came from, so a database error
 * can point at the analyst's file. Each template line is its literal text with every
 * `{{ }}`/`{% %}`/`{# #}` a wildcard; rendered lines are aligned with template lines in order,
 * and rendered lines with no partner (macro output, loop repeats) take the nearest matched line
 * above. Linear in the size of both texts: lines that occur exactly once in each, as literal
 * text, anchor the alignment (as patience diff does), and only the short stretches between
 * anchors are aligned cell by cell.
 */
export function mapLines(template: string, rendered: string): (renderedLine: number) => number {
  const source = template.split('\n').map(literalParts);
  const output = rendered.split('\n').map((l) => l.trim());
  const mapped = new Int32Array(output.length);
  let i0 = 0;
  let j0 = 0;
  for (const [i, j] of [...anchors(source, output), [source.length, output.length]]) {
    alignGap(source, output, mapped, i0, i, j0, j);
    if (i < source.length) mapped[j] = i + 1;
    i0 = i + 1;
    j0 = j + 1;
  }
  let last = 1;
  for (let k = 0; k < mapped.length; k++) {
    if (mapped[k] === 0) mapped[k] = last;
    else last = mapped[k];
  }
  return (line) => (line >= 1 && line <= mapped.length ? mapped[line - 1] : line);
}

const TAG = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/;

/** The literal text around a line's template tags; undefined for a line of tags alone. */
function literalParts(line: string): string[] | undefined {
  const parts = line.trim().split(TAG);
  return parts.every((p) => p.trim() === '') ? undefined : parts;
}

/** Whether a rendered line reads like a template line: its literal parts in order, tags anything. */
function matches(parts: string[] | undefined, text: string): boolean {
  if (!parts || text === '') return false;
  if (parts.length === 1) return text === parts[0];
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  const end = text.length - last.length;
  let at = first.length;
  for (let k = 1; k < parts.length - 1; k++) {
    const found = text.indexOf(parts[k], at);
    if (found < 0 || found + parts[k].length > end) return false;
    at = found + parts[k].length;
  }
  return true;
}

/**
 * Pairs of (template line, rendered line), both 0-based, in increasing order in both: template
 * lines without tags whose text occurs once in the template and once in the output.
 */
function anchors(source: (string[] | undefined)[], output: string[]): [number, number][] {
  const inTemplate = new Map<string, number>();
  source.forEach((parts, i) => {
    if (parts?.length === 1) inTemplate.set(parts[0], inTemplate.has(parts[0]) ? -1 : i);
  });
  const inOutput = new Map<string, number>();
  output.forEach((text, j) => {
    if ((inTemplate.get(text) ?? -1) >= 0) inOutput.set(text, inOutput.has(text) ? -1 : j);
  });
  const pairs: [number, number][] = [];
  for (const [text, j] of inOutput) if (j >= 0) pairs.push([inTemplate.get(text)!, j]);
  pairs.sort((a, b) => a[0] - b[0]);
  return longestIncreasing(pairs);
}

/** The longest run of pairs whose rendered lines increase too (patience sorting, n log n). */
function longestIncreasing(pairs: [number, number][]): [number, number][] {
  const tails: number[] = [];
  const previous = new Int32Array(pairs.length);
  pairs.forEach(([, j], k) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]][1] < j) lo = mid + 1;
      else hi = mid;
    }
    previous[k] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = k;
  });
  const result: [number, number][] = [];
  for (let k = tails.length ? tails[tails.length - 1] : -1; k >= 0; k = previous[k])
    result.push(pairs[k]);
  return result.reverse();
}

/** Stretches between anchors up to this many cells are aligned exactly; longer ones greedily. */
const EXACT_CELLS = 1 << 16;
/** How far ahead a greedy alignment looks for the next template line a rendered line matches. */
const LOOKAHEAD = 64;

function alignGap(
  source: (string[] | undefined)[],
  output: string[],
  mapped: Int32Array,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
): void {
  const n = i1 - i0;
  const m = j1 - j0;
  if (n <= 0 || m <= 0) return;
  if (n * m > EXACT_CELLS) {
    let i = i0;
    for (let j = j0; j < j1 && i < i1; j++) {
      for (let k = i; k < Math.min(i1, i + LOOKAHEAD); k++) {
        if (matches(source[k], output[j])) {
          mapped[j] = k + 1;
          i = k + 1;
          break;
        }
      }
    }
    return;
  }
  // Longest common subsequence of the stretch: lcs[a][b] aligns source[i0+a..] with output[j0+b..].
  const hit = (a: number, b: number) => matches(source[i0 + a], output[j0 + b]);
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let a = n - 1; a >= 0; a--)
    for (let b = m - 1; b >= 0; b--)
      lcs[a][b] = hit(a, b) ? lcs[a + 1][b + 1] + 1 : Math.max(lcs[a + 1][b], lcs[a][b + 1]);
  let a = 0;
  let b = 0;
  while (a < n && b < m) {
    if (hit(a, b) && lcs[a][b] === lcs[a + 1][b + 1] + 1) {
      mapped[j0 + b] = i0 + a + 1;
      a++;
      b++;
    } else if (lcs[a + 1][b] >= lcs[a][b + 1]) a++;
    else b++;
  }
}
