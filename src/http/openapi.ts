/**
 * The reference documents what every operation can answer, not only its result: the routes carry
 * no response schemas (replies are serialised by one function, `toWireJson`), so this adds, to the
 * document only, the errors each route can give, in the one shape every error has.
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

export const documentResponses: SwaggerTransform = (input) => {
  const out = jsonSchemaTransform(input);
  const schema = out.schema as Record<string, unknown>;
  if (!input.url.startsWith('/api/') || schema.hide) return out;
  const methods = [input.route.method].flat();
  const writes = methods.some((m) => m !== 'GET' && m !== 'HEAD');
  const response: Record<string, unknown> = {
    '2XX': { description: writes ? 'Done: 201 for a new record, else 200' : 'The result' },
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
