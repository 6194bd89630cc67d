import type { NodeResult } from '../core/results.ts';
import { writeFileAtomic } from '../util/atomicWrite.ts';

const escapeXml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters even when escaped.
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '');

/** JUnit XML for CI systems: one testsuite per run, one testcase per test (and per built node). */
export function junitXml(results: NodeResult[], suiteName: string): string {
  const cases = results.map((r) => {
    // file/line let CI annotate the declaration (GitLab and GitHub read them).
    const where = r.file ? ` file="${escapeXml(r.file)}"${r.line ? ` line="${r.line}"` : ''}` : '';
    const attrs = `classname="${escapeXml(`${r.kind}.${r.attachedTo ?? r.name}`)}" name="${escapeXml(r.name)}" time="${r.seconds.toFixed(3)}"${where}`;
    // JUnit tells a failed check (<failure>) from one that could not run (<error>).
    const element = r.status === 'error' ? 'error' : 'failure';
    const body =
      r.status === 'fail' || r.status === 'error'
        ? `<${element} message="${escapeXml(r.message.split('\n')[0])}" type="${r.status}">${escapeXml(r.message)}${r.compiledPath ? escapeXml(`\ncompiled SQL: ${r.compiledPath}`) : ''}</${element}>`
        : r.status === 'skipped'
          ? `<skipped message="${escapeXml(r.message)}"/>`
          : r.status === 'warn'
            ? `<system-out>${escapeXml(`warning: ${r.message}`)}</system-out>`
            : '';
    return `    <testcase ${attrs}>${body}</testcase>`;
  });
  const failures = results.filter((r) => r.status === 'fail').length;
  const errors = results.filter((r) => r.status === 'error').length;
  const skipped = results.filter((r) => r.status === 'skipped').length;
  const time = results.reduce((t, r) => t + r.seconds, 0).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="duckflow" tests="${results.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}">`,
    `  <testsuite name="${escapeXml(suiteName)}" tests="${results.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export function writeJunitXml(path: string, results: NodeResult[], suiteName: string): void {
  writeFileAtomic(path, junitXml(results, suiteName));
}
