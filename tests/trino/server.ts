/**
 * The Trino suite runs against a real server: `scripts/trino.sh start` brings one up on
 * 127.0.0.1 and `DUCKFLOW_TRINO_URL` points the tests at it. npm cannot ship Trino, so on a
 * machine without one the suite is skipped, loudly; CI sets DUCKFLOW_REQUIRE_TRINO=1, where a
 * missing server is a failure instead.
 */
export const TRINO_URL = process.env.DUCKFLOW_TRINO_URL;

if (!TRINO_URL) {
  if (process.env.DUCKFLOW_REQUIRE_TRINO === '1')
    throw new Error(
      'DUCKFLOW_REQUIRE_TRINO=1 but DUCKFLOW_TRINO_URL is not set: start one with scripts/trino.sh start',
    );
  console.warn(
    '\n*** Trino suite SKIPPED: no Trino server. Run `bash scripts/trino.sh start` and set ' +
      'DUCKFLOW_TRINO_URL=http://127.0.0.1:18080 to run it (CI does). ***\n',
  );
}
