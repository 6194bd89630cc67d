/**
 * @duckdb/node-api, loaded on first use: commands that never open a database start faster.
 * Its exports are read from the module's default export, which is the package's CommonJS
 * `exports` both when Node loads it and in the CLI's bundle. The bundle carries the package's
 * JavaScript (Node lexing its 124 CommonJS files took 60 ms of every start), and a bundled
 * CommonJS module imported dynamically has no named exports.
 */
export async function duckdbClient(): Promise<typeof import('@duckdb/node-api').default> {
  return (await import('@duckdb/node-api')).default;
}
