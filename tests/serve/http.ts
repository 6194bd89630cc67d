/**
 * GET over node:http rather than fetch: fetch will not send a Host header of the caller's
 * choosing, and the DNS-rebinding tests need exactly that.
 */
import { request } from 'node:http';

export interface Response {
  status: number;
  body: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: Record<string, unknown> & { rows?: Record<string, unknown>[] };
}

export function get(base: string, path: string, host?: string): Promise<Response> {
  const url = new URL(base);
  return new Promise((done, fail) => {
    request(
      {
        hostname: url.hostname,
        port: url.port,
        // Sent as given: the injection tests choose their own (mis)encoding.
        path,
        headers: { host: host ?? url.host },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          let json: Response['json'];
          try {
            json = JSON.parse(body) as Response['json'];
          } catch {
            json = undefined as unknown as Response['json'];
          }
          done({ status: res.statusCode ?? 0, body, json });
        });
      },
    )
      .on('error', fail)
      .end();
  });
}
