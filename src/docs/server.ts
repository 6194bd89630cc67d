/** A static file server for target/docs, bound to 127.0.0.1: docs for a browser, not for the network. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { allowedHosts, hostAllowed, WRONG_HOST_STATUS, wrongHostMessage } from '../serve/host.ts';

/** Loopback only: the docs show table and column names, not meant for the whole network. */
const HOST = '127.0.0.1';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export interface DocsServer {
  url: string;
  close(): Promise<void>;
}

/** Serve `dir`; port 0 picks a free port (see `url`). */
export function serveDirectory(dir: string, options: { port?: number } = {}): Promise<DocsServer> {
  const root = resolve(dir);
  let allowed = new Set<string>();
  const server: Server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, allowed)) {
      res
        .writeHead(WRONG_HOST_STATUS, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`${wrongHostMessage(req.headers.host, allowed)}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end('bad request\n');
      return;
    }
    let file = normalize(join(root, pathname));
    // A path that climbs out of the docs folder (../) must never reach the file system.
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end('forbidden\n');
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`not found: ${pathname}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 8080, HOST, () => {
      const { port } = server.address() as AddressInfo;
      allowed = allowedHosts(HOST, port);
      done({
        url: `http://${HOST}:${port}/`,
        close: () => new Promise((closed) => server.close(() => closed())),
      });
    });
  });
}
