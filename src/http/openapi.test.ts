import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, testServer } from '../testing/index.js';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}

describe('the OpenAPI document', () => {
  let s: TestServer;
  let paths: Record<string, Record<string, Operation>>;
  beforeAll(async () => {
    s = await testServer();
    paths = (await s.call('GET', '/api/openapi.json', { role: null })).body.paths;
  });
  afterAll(async () => s.close());

  it('describes the result of every /api operation with a schema, not only a sentence', () => {
    const bare: string[] = [];
    for (const [path, operations] of Object.entries(paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, op] of Object.entries(operations)) {
        // JSON mostly; a CSV export describes its text/csv body.
        const schemas = Object.values(op.responses['2XX']?.content ?? {}).map((c) => c.schema);
        const described = schemas.some(
          (schema) => schema && ['type', 'anyOf', 'oneOf', 'allOf', '$ref'].some((k) => k in schema),
        );
        if (!described) bare.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(bare).toEqual([]);
  });

  it('documents money as the decimal string the wire carries, not as an unrepresentable bigint', () => {
    const contract = paths['/api/sales/contracts/{id}']!.get!.responses['2XX']!.content!['application/json']!
      .schema as { properties: Record<string, { properties: Record<string, unknown> }> };
    expect(contract.properties.figures!.properties.valueCents).toEqual({
      type: 'string',
      pattern: '^-?[0-9]+$',
      description: expect.stringContaining('cents'),
    });
  });
});
