/**
 * The HTTP layer of `duckflow serve`, on Fastify: its ajv validates each query string against
 * the schemas of serve/params.ts before a handler runs, and @fastify/swagger turns the same
 * route schemas into /api/openapi.json, so the document cannot drift from what is enforced.
 */
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { didYouMean } from '../util/closest.ts';
import type { Bound, SnapshotStore } from './database.ts';
import { modelSql, type ModelEndpoint, type QueryEndpoint } from './endpoints.ts';
import { hostAllowed, WRONG_HOST_STATUS, wrongHostMessage } from './host.ts';
import { bindable, limitSchema, offsetSchema, valueSchema, type ParamSchema } from './params.ts';

export interface AppOptions {
  title: string;
  version: string;
  store: SnapshotStore;
  models: ModelEndpoint[];
  queries: QueryEndpoint[];
  /** target/docs, served at / when it exists. */
  docsDir: string;
  /** Host header values to answer (serve/host.ts); filled in once the port is known. */
  allowedHosts: Set<string>;
}

interface ApiError {
  status: number;
  error: string;
  message: string;
  parameter?: string;
  expected?: string;
}

const send = (reply: FastifyReply, e: ApiError) => reply.code(e.status).send(e);

type Query = Record<string, unknown> & { limit: number; offset: number };

export async function buildApp(o: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ajv: {
      customOptions: {
        // Unknown parameters are errors (not silently dropped); a repeated one is not an array.
        removeAdditional: false,
        coerceTypes: true,
        allErrors: true,
        useDefaults: true,
      },
    },
  });
  // Response schemas document the API; the JSON is written as is.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addHook('onRequest', async (request, reply) => {
    if (!hostAllowed(request.headers.host, o.allowedHosts))
      return send(reply, {
        status: WRONG_HOST_STATUS,
        error: 'wrong_host',
        message: wrongHostMessage(request.headers.host, o.allowedHosts),
      });
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: o.title,
        version: o.version,
        description:
          'Read-only JSON over the latest published snapshot of the project. Errors are JSON: {status, error, message, parameter?, expected?}.',
      },
    },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const schema = (request.routeOptions.schema?.querystring ?? {}) as {
        properties?: Record<string, ParamSchema>;
      };
      return send(reply, validationError(error, schema.properties ?? {}, request.query));
    }
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    return send(reply, {
      status,
      error: status === 500 ? 'internal' : 'bad_request',
      message: error.message,
    });
  });

  const modelNames = o.models.map((m) => m.name);
  const queryNames = o.queries.map((q) => q.spec.name);
  app.setNotFoundHandler((request, reply) => {
    const path = decodeURIComponentSafe(request.url.split('?')[0]);
    const found = /^\/api\/(models|queries)\/([^/]*)\/?$/.exec(path);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(reply, {
        status: 405,
        error: 'method_not_allowed',
        message: 'the API is read-only: GET only',
      });
    if (found) {
      const [, kind, name] = found;
      const names = kind === 'models' ? modelNames : queryNames;
      return send(reply, {
        status: 404,
        error: 'not_found',
        message: `no ${kind === 'models' ? 'model' : 'query'} named '${name}'${didYouMean(name, names)}; there are: ${names.join(', ') || 'none'}`,
      });
    }
    return send(reply, {
      status: 404,
      error: 'not_found',
      message: path.startsWith('/api')
        ? `no endpoint ${path}: see /api/openapi.json`
        : existsSync(o.docsDir)
          ? `not found: ${path}`
          : `no docs site: run 'duckflow docs generate' to serve it here`,
    });
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  app.get('/api', { schema: { summary: 'What this API serves' } }, () => ({
    models: modelNames.map((n) => `/api/models/${n}`),
    queries: queryNames.map((n) => `/api/queries/${n}`),
    openapi: '/api/openapi.json',
  }));

  for (const m of o.models) {
    const properties: Record<string, ParamSchema> = { limit: limitSchema, offset: offsetSchema };
    for (const f of m.filters)
      properties[f.name] = valueSchema(f.type, {
        description: `rows whose ${f.name} (${f.dbType}) equals this${f.description ? `: ${f.description}` : ''}`,
      });
    app.get(
      `/api/models/${m.name}`,
      {
        schema: {
          summary: `Rows of model ${m.name}`,
          description: m.description || undefined,
          tags: ['models'],
          querystring: { type: 'object', properties, additionalProperties: false },
          response: { 200: pageSchema() },
        },
      },
      async (request) => {
        const query = request.query as Query;
        const filtered = m.filters.filter((f) => query[f.name] !== undefined);
        const params: Bound = {};
        filtered.forEach((f, i) => (params[`f${i}`] = bindable(f.type, query[f.name])));
        return page({ model: m.name }, modelSql(m, filtered), params, query, o.store);
      },
    );
  }

  for (const { spec, sql } of o.queries) {
    const properties: Record<string, ParamSchema> = { limit: limitSchema, offset: offsetSchema };
    const required: string[] = [];
    for (const p of spec.params) {
      properties[p.name] = valueSchema(p.type, p);
      if (p.required ?? p.default === undefined) required.push(p.name);
    }
    app.get(
      `/api/queries/${spec.name}`,
      {
        schema: {
          summary: spec.description || `Named query ${spec.name}`,
          tags: ['queries'],
          querystring: { type: 'object', properties, required, additionalProperties: false },
          response: { 200: pageSchema() },
        },
      },
      async (request) => {
        const query = request.query as Query;
        const params: Bound = {};
        const echo: Record<string, unknown> = {};
        for (const p of spec.params) {
          const value = query[p.name];
          echo[p.name] = value ?? null;
          params[p.name] =
            value === undefined
              ? { ...bindable(p.type, ''), value: null }
              : bindable(p.type, value);
        }
        return page({ query: spec.name, params: echo }, sql, params, query, o.store);
      },
    );
  }

  if (existsSync(o.docsDir))
    await app.register(fastifyStatic, { root: o.docsDir, prefix: '/', index: 'index.html' });
  return app;
}

/** One page of rows; one row more than asked tells whether there is a next page. */
async function page(
  head: Record<string, unknown>,
  sql: string,
  params: Bound,
  query: Query,
  store: SnapshotStore,
) {
  const { limit, offset } = query;
  const bound: Bound = {
    ...params,
    limit: bindable('bigint', limit + 1),
    offset: bindable('bigint', offset),
  };
  const { result, pointer } = await store.use(async (conn, pointer) => ({
    result: await conn.run(sql, bound),
    pointer,
  }));
  const more = result.rows.length > limit;
  return {
    ...head,
    snapshot: { id: pointer.id, published_at: pointer.publishedAt },
    columns: result.columns,
    rows: more ? result.rows.slice(0, limit) : result.rows,
    limit,
    offset,
    next_offset: more ? offset + limit : null,
  };
}

function pageSchema(): ParamSchema {
  return {
    description: 'one page of rows',
    type: 'object',
    properties: {
      snapshot: {
        type: 'object',
        properties: { id: { type: 'string' }, published_at: { type: 'string' } },
      },
      columns: {
        type: 'array',
        items: {
          type: 'object',
          properties: { name: { type: 'string' }, type: { type: 'string' } },
        },
      },
      rows: { type: 'array', items: { type: 'object', additionalProperties: true } },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
      next_offset: { type: 'integer', nullable: true },
    },
  };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** What a parameter's schema accepts, in words. */
export function expectation(schema: ParamSchema): string {
  if (schema.enum) return `one of: ${(schema.enum as unknown[]).join(', ')}`;
  switch (schema.type) {
    case 'integer':
      return `a whole number from ${schema.minimum} to ${schema.maximum}`;
    case 'number':
      return `a number from ${schema.minimum} to ${schema.maximum}`;
    case 'boolean':
      return 'true or false';
    default:
      if (schema.format === 'date') return 'a date, YYYY-MM-DD';
      return `text of at most ${schema.maxLength} characters${schema.pattern ? ` matching ${schema.pattern}` : ''}, without control characters`;
  }
}

function validationError(
  error: FastifyError,
  properties: Record<string, ParamSchema>,
  query: unknown,
): ApiError {
  const first = error.validation![0];
  const params = first.params as Record<string, unknown>;
  const known = Object.keys(properties);
  if (first.keyword === 'additionalProperties') {
    const name = String(params.additionalProperty);
    return {
      status: 400,
      error: 'unknown_parameter',
      parameter: name,
      message: `unknown parameter '${name}'${didYouMean(name, known)}; expected one of: ${known.join(', ')}`,
      expected: known.join(', '),
    };
  }
  if (first.keyword === 'required') {
    const name = String(params.missingProperty);
    const expected = expectation(properties[name] ?? {});
    return {
      status: 400,
      error: 'missing_parameter',
      parameter: name,
      expected,
      message: `parameter '${name}' is required: ${expected}`,
    };
  }
  const name = first.instancePath.replace(/^\//, '').split('/')[0];
  const expected = expectation(properties[name] ?? {});
  const got = (query as Record<string, unknown>)[name];
  const shown = Array.isArray(got)
    ? `${got.length} values: give it once`
    : `got ${JSON.stringify(String(got).length > 40 ? `${String(got).slice(0, 40)}…` : got)}`;
  return {
    status: 400,
    error: 'bad_parameter',
    parameter: name,
    expected,
    message: `parameter '${name}' must be ${expected} (${shown})`,
  };
}
