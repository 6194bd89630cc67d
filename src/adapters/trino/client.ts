/**
 * A thin client for Trino's REST protocol: POST /v1/statement, follow `nextUri` until the query
 * finishes, DELETE it to cancel. Chosen over the `trino-client` package, which does not throw on
 * failed queries, parses big integers into lossy doubles and rounds timestamps to milliseconds;
 * the protocol itself is small enough to own.
 */
import { isSafeNumber, parse } from 'lossless-json';

export interface TrinoClientOptions {
  /** Coordinator URL, e.g. http://127.0.0.1:8080. */
  url: string;
  user: string;
  catalog?: string;
  schema?: string;
  /** Session properties sent with every statement (`X-Trino-Session`). */
  sessionProperties?: Record<string, string>;
  /** Extra delay between polls of a running query; Trino long-polls, so 0 is right. */
  pollMillis?: number;
}

export interface TrinoColumn {
  name: string;
  type: string;
}

export interface TrinoResult {
  columns: TrinoColumn[];
  /** Rows as Trino sends them; integers beyond 2^53 stay exact as strings. */
  rows: unknown[][];
  /** Rows written, for INSERT / CREATE TABLE AS / DELETE / MERGE. */
  updateCount?: number;
  updateType?: string;
  queryId: string;
}

interface TrinoFailure {
  message: string;
  errorName?: string;
  errorType?: string;
  errorLocation?: { lineNumber: number; columnNumber: number };
}

interface StatementResponse {
  id: string;
  nextUri?: string;
  columns?: TrinoColumn[];
  data?: unknown[][];
  error?: TrinoFailure;
  updateType?: string;
  updateCount?: number;
}

/** A failed query, with Trino's error name and the 1-based position in the SQL it points at. */
export class TrinoQueryError extends Error {
  readonly errorName?: string;
  readonly errorType?: string;
  readonly line?: number;
  readonly column?: number;

  constructor(
    failure: TrinoFailure,
    readonly queryId: string,
  ) {
    super(failure.message);
    this.name = 'TrinoQueryError';
    this.errorName = failure.errorName;
    this.errorType = failure.errorType;
    this.line = failure.errorLocation?.lineNumber;
    this.column = failure.errorLocation?.columnNumber;
  }
}

// Overloaded or restarting coordinators answer these; the protocol says to retry.
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const MAX_RETRIES = 20;

/** 16 digits in a row: maybe an integer beyond 2^53 (Trino sends decimals as strings). */
const LONG_DIGITS = /\d{16}/;

/**
 * Keeps integers exact: a number JSON cannot carry safely in a double stays a string. The
 * built-in parser is many times faster than lossless-json, and exact when no number in the
 * page has 16 digits, which is most pages.
 */
function parseJson(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  return parse(text, undefined, (value) => (isSafeNumber(value) ? Number(value) : value));
}

/** The headers every request of a client carries. */
function requestHeaders(options: TrinoClientOptions): Record<string, string> {
  const h: Record<string, string> = {
    'X-Trino-User': options.user,
    'X-Trino-Time-Zone': 'UTC',
    // Without it Trino rounds timestamps to milliseconds in results.
    'X-Trino-Client-Capabilities': 'PARAMETRIC_DATETIME',
    'X-Trino-Source': 'duckflow',
  };
  if (options.catalog) h['X-Trino-Catalog'] = options.catalog;
  if (options.schema) h['X-Trino-Schema'] = options.schema;
  const session = Object.entries(options.sessionProperties ?? {});
  if (session.length > 0)
    h['X-Trino-Session'] = session.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join(',');
  return h;
}

export class TrinoClient {
  private readonly base: string;
  /** Built once per change of session properties, not for every poll. */
  private headers: Record<string, string>;
  /** The next URI of every query in flight: DELETE on it cancels the query. */
  private readonly running = new Map<string, string>();

  constructor(private readonly options: TrinoClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.headers = requestHeaders(options);
  }

  /** The session properties of the statements from now on, in place of the options'. */
  setSessionProperties(sessionProperties: Record<string, string>): void {
    this.headers = requestHeaders({ ...this.options, sessionProperties });
  }

  private async request(method: 'GET' | 'POST', uri: string, body?: string) {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(uri, { method, headers: this.headers, body });
      const text = await response.text();
      if (RETRY_STATUSES.has(response.status) && attempt < MAX_RETRIES) {
        await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 6)));
        continue;
      }
      if (!response.ok)
        throw new Error(
          `Trino at ${this.base} answered HTTP ${response.status} to ${method} ${uri}: ${text.slice(0, 500)}`,
        );
      return parseJson(text) as StatementResponse;
    }
  }

  /** Run one statement to completion and return all its rows. */
  async query(sql: string): Promise<TrinoResult> {
    let page = await this.request('POST', `${this.base}/v1/statement`, sql);
    const queryId = page.id;
    const rows: unknown[][] = [];
    let columns: TrinoColumn[] | undefined;
    try {
      for (;;) {
        if (page.columns && !columns) columns = page.columns;
        if (page.data) rows.push(...page.data);
        if (page.error) throw new TrinoQueryError(page.error, queryId);
        if (!page.nextUri) break;
        this.running.set(queryId, page.nextUri);
        if (this.options.pollMillis)
          await new Promise((r) => setTimeout(r, this.options.pollMillis));
        page = await this.request('GET', page.nextUri);
      }
    } finally {
      this.running.delete(queryId);
    }
    return {
      columns: (columns ?? []).map((c) => ({ name: c.name, type: c.type })),
      rows,
      updateCount: page.updateCount,
      updateType: page.updateType,
      queryId,
    };
  }

  /** Cancel every query this client has in flight (Ctrl-C). */
  async cancelAll(): Promise<void> {
    await Promise.all(
      [...this.running.values()].map((uri) =>
        fetch(uri, { method: 'DELETE', headers: this.headers }).catch(() => undefined),
      ),
    );
  }

  /** Server version and whether it has finished starting (`/v1/info`). */
  async info(): Promise<{ version: string; starting: boolean }> {
    const response = await fetch(`${this.base}/v1/info`, { headers: this.headers });
    if (!response.ok) throw new Error(`Trino at ${this.base} answered HTTP ${response.status}`);
    const body = (await response.json()) as { nodeVersion: { version: string }; starting: boolean };
    return { version: body.nodeVersion.version, starting: body.starting };
  }
}
