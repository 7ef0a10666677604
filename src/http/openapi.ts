/**
 * The reference documents what every operation can answer. Each route declares its result with
 * zod (`response: { 200: … }`, 201 for creates); replies are still written by one function,
 * `toWireJson`, not by a serializer compiled from those schemas, so they are here for the document
 * and the types. This puts the declared result under one `2XX` (the status is the route's business:
 * 201 for a new record, else 200) and adds the errors each route can give, in the one shape every
 * error has.
 */
import type { SwaggerTransform } from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

const ERROR_BODY = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, machine-readable: invalid, sales.over-delivery, …' },
        message: { type: 'string', description: 'A sentence for people, naming the field and the reason' },
        field: { type: 'string', description: 'The input at fault, e.g. lines.0.units' },
        detail: {
          type: 'object',
          description: 'More, where there is more: e.g. every rejected row of an import',
        },
      },
    },
  },
};

const error = (description: string) => ({ description, ...ERROR_BODY });

/** The one declared success schema (already JSON Schema), or undefined when a route declares none. */
function declaredResult(response: unknown): Record<string, unknown> | undefined {
  if (!response || typeof response !== 'object') return undefined;
  const byStatus = response as Record<string, Record<string, unknown>>;
  const status = Object.keys(byStatus).find((code) => /^2\d\d$/.test(code));
  return status ? byStatus[status] : undefined;
}

export const documentResponses: SwaggerTransform = (input) => {
  const out = jsonSchemaTransform(input);
  const schema = out.schema as Record<string, unknown>;
  if (!input.url.startsWith('/api/') || schema.hide) return out;
  const methods = [input.route.method].flat();
  const writes = methods.some((m) => m !== 'GET' && m !== 'HEAD');
  const result = declaredResult(schema.response);
  const response: Record<string, unknown> = {
    '2XX': {
      ...result,
      description: writes ? 'Done: 201 for a new record, else 200' : 'The result',
    },
    ...(schema.body || schema.querystring || schema.params
      ? { 400: error('Bad input: the field and the reason; nothing was written') }
      : {}),
    401: error('No token, or one that is not valid'),
    403: error("The token's role may not do this"),
    ...(schema.params ? { 404: error('Nothing by that id') } : {}),
    ...(writes
      ? { 409: error('A business rule refuses it (its code names the rule); nothing was written') }
      : {}),
  };
  return { ...out, schema: { ...schema, response } };
};
