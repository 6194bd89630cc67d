/**
 * Trino answers an information_schema query by listing the catalog's schemas: one that another
 * client drops meanwhile fails it ("Error listing table columns for catalog iceberg: Namespace
 * does not exist: …"), though the query does not concern that schema. Asked again, the listing
 * no longer holds it. Seen when a unit test's scratch schema was dropped while another build
 * read its own schema's catalog.
 */
const VANISHED = /\b(namespace|schema)\b.*\b(does not exist|not found)\b/i;
const ATTEMPTS = 3;

/** `run` (a query of `sql`), asked again when a schema vanished under its catalog listing. */
export async function retryVanishedListing<T>(sql: string, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      const listing = /\binformation_schema\b/i.test(sql);
      if (!listing || attempt >= ATTEMPTS || !VANISHED.test((e as Error).message)) throw e;
    }
  }
}
