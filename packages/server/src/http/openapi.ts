import { z } from 'zod';
import { ERROR_CODES } from '../../../contract/src/errors.ts';
import type { RouteDef } from './route.ts';

function schemaOf(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  delete json['$schema'];
  return json;
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CODES) },
        message: { type: 'string' },
        requestId: { type: 'string' },
        details: { type: 'object' },
      },
    },
  },
};

/** OpenAPI 3.1 document generated from the route table and its zod schemas. */
export function openApiDocument(routes: RouteDef[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const json = schemaOf(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(json.properties ?? {}))
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (json.required ?? []).includes(name),
          schema: s,
        });
    }
    const ok = String(r.status ?? 200);
    const responses: Record<string, unknown> = {
      [ok]:
        r.status === 204
          ? { description: 'No content' }
          : r.responseType === 'text'
            ? { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } }
            : {
                description: 'OK',
                content: { 'application/json': { schema: r.response ? schemaOf(r.response, 'output') : {} } },
              },
      default: {
        description: 'Error (see docs/errors.md)',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    };
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.auth === 'public' ? { security: [] } : {}),
      ...(r.roles ? { 'x-roles': r.roles } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(r.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Oversight API',
      version,
      description:
        'Accountability for marketing AI and outsourced providers. Errors: { error: { code, message, requestId, details } }.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }, { session: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer ovs_…' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'oversight_session',
          description: 'plus X-CSRF-Token on changes',
        },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A readable API reference rendered on the server from the same document (no scripts). */
export function renderReferencePage(routes: RouteDef[], version: string): string {
  const byTag = new Map<string, RouteDef[]>();
  for (const r of routes) byTag.set(r.tag, [...(byTag.get(r.tag) ?? []), r]);
  const sections = [...byTag]
    .map(
      ([tag, rs]) =>
        `<section><h2>${escapeHtml(tag)}</h2>${rs
          .map((r) => {
            const body = r.body
              ? `<details><summary>Request body</summary><pre>${escapeHtml(JSON.stringify(schemaOf(r.body, 'input'), null, 2))}</pre></details>`
              : '';
            const query = r.query
              ? `<details><summary>Query</summary><pre>${escapeHtml(JSON.stringify(schemaOf(r.query, 'input'), null, 2))}</pre></details>`
              : '';
            const roles = r.auth === 'public' ? 'public' : `roles: ${(r.roles ?? []).join(', ')}`;
            return `<article><h3><code>${r.method.toUpperCase()} ${escapeHtml(r.path)}</code></h3><p>${escapeHtml(r.summary)} <small>(${roles})</small></p>${query}${body}</article>`;
          })
          .join('')}</section>`,
    )
    .join('');
  const errors = Object.entries(ERROR_CODES)
    .map(
      ([code, e]) =>
        `<tr><td><code>${code}</code></td><td>${e.status}</td><td>${escapeHtml(e.summary)}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Oversight API ${escapeHtml(version)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Oversight API reference</h1><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
Authenticate with <code>Authorization: Bearer &lt;api key&gt;</code>.</p>${sections}
<section><h2>Errors</h2><table><thead><tr><th>code</th><th>HTTP</th><th>meaning</th></tr></thead><tbody>${errors}</tbody></table></section></main></body></html>`;
}
