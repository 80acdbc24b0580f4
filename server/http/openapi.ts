import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { ErrorBody } from '../contracts/common.ts';
import type { RouteDef } from './route.ts';

type JsonSchema = Record<string, unknown>;

/** Turns zod schemas into JSON Schema 2020-12, moving named schemas (meta id) into components. */
class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const { $defs, $schema: _drop, ...root } = z.toJSONSchema(schema, {
      io,
      target: 'draft-2020-12',
      unrepresentable: 'any',
    }) as JsonSchema & { $defs?: Record<string, JsonSchema>; $schema?: string };
    const renames = new Map<string, string>();
    for (const [id, def] of Object.entries($defs ?? {})) {
      // The same named schema can differ as input and output (defaults, coercion): keep both.
      const existing = this.components[id];
      const name = existing && !isDeepStrictEqual(existing, def) ? `${id}Input` : id;
      renames.set(id, name);
      this.components[name] = def;
    }
    for (const [name, def] of Object.entries(this.components)) {
      if ([...renames.values()].includes(name)) this.components[name] = rewriteRefs(def, renames) as JsonSchema;
    }
    return rewriteRefs(root, renames) as JsonSchema;
  }
}

function rewriteRefs(value: unknown, renames: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, renames));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) {
      const id = v.slice('#/$defs/'.length);
      out[k] = `#/components/schemas/${renames.get(id) ?? id}`;
    } else {
      out[k] = rewriteRefs(v, renames);
    }
  }
  return out;
}

function parameters(collector: SchemaCollector, schema: z.ZodType | undefined, where: 'query' | 'path'): Record<string, unknown>[] {
  if (!schema) return [];
  const json = collector.convert(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

const ACCESS_TEXT = {
  public: 'No authentication.',
  integration: 'Integration key: `Authorization: Bearer <key>`.',
} as const;

/** The OpenAPI 3.1 document, generated from the same route table and zod schemas that serve requests. */
export function buildOpenApi(routes: readonly RouteDef[], info: { title: string; version: string }) {
  const collector = new SchemaCollector();
  const errorRef = collector.convert(ErrorBody, 'output');
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const access = route.access;
    const roles = access.kind === 'session' ? `Session cookie; roles: ${access.roles.join(', ')}.` : ACCESS_TEXT[access.kind];
    const params = [...parameters(collector, route.params, 'path'), ...parameters(collector, route.query, 'query')];
    if (route.idempotent) {
      params.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'A retried request with the same key returns the first answer.',
        schema: { type: 'string', maxLength: 200 },
      });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      responses[status] = {
        description: spec.description,
        ...(spec.schema
          ? { content: { [spec.contentType ?? 'application/json']: { schema: collector.convert(spec.schema, 'output') } } }
          : {}),
      };
    }
    responses.default = { description: 'Error', content: { 'application/json': { schema: errorRef } } };
    paths[route.path] ??= {};
    paths[route.path]![route.method] = {
      summary: route.summary,
      description: roles,
      tags: [route.tag],
      operationId: `${route.method}${route.path.replace(/[{}]/g, '').replace(/[/_-](\w)/g, (_, c: string) => c.toUpperCase())}`,
      ...(access.kind === 'session' ? { security: [{ session: [] }], 'x-roles': access.roles } : {}),
      ...(access.kind === 'integration' ? { security: [{ integrationKey: [] }] } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: collector.convert(route.body, 'input') } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: collector.components,
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'dtc_session' },
        integrationKey: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
