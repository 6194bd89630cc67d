/** Relation names in compiled SQL turned back into dbt `ref()` calls. */

const JINJA_DELIMITER = /\{[{%#]/;

/**
 * `"main"."sessions"` -> `{{ ref('sessions') }}` for every relation the port knows; the SQL
 * around them goes to dbt as written, inside `{% raw %}` where it holds a Jinja delimiter
 * (a regex such as `x{{2}`), so dbt's renderer never rewrites it.
 */
export function toDbtSql(sql: string, refs: Map<string, string>): string {
  if (refs.size === 0) return literal(sql);
  // Longest first: a quoted name never contains another, but the alternation stays unambiguous.
  const names = [...refs.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(
    names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'g',
  );
  let out = '';
  let last = 0;
  for (const m of sql.matchAll(pattern)) {
    out += literal(sql.slice(last, m.index)) + `{{ ref('${refs.get(m[0])}') }}`;
    last = m.index + m[0].length;
  }
  return out + literal(sql.slice(last));
}

function literal(text: string): string {
  if (!JINJA_DELIMITER.test(text)) return text;
  if (text.includes('{% endraw %}'))
    throw new Error(`peer port: SQL holds '{% endraw %}' and cannot be passed to dbt verbatim`);
  return `{% raw %}${text}{% endraw %}`;
}
