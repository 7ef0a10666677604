import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, testServer } from '../testing/index.js';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
  parameters?: { in: string; name: string; schema: { anyOf?: Record<string, unknown>[] } }[];
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

  it("documents a path's number as the text its route takes: no minus sign, no fraction", async () => {
    const numbers: string[] = [];
    for (const [path, operations] of Object.entries(paths))
      for (const op of Object.values(operations))
        for (const p of op.parameters ?? []) {
          const [number, text] = p.schema.anyOf ?? [];
          if (p.in !== 'path' || number?.type !== 'integer') continue;
          numbers.push(`${path} ${p.name}`);
          expect(number.minimum as number, path).toBeGreaterThanOrEqual(1);
          const pattern = new RegExp(text!.pattern as string);
          expect(
            ['12', String(number.minimum)].every((t) => pattern.test(t)),
            path,
          ).toBe(true);
          expect(
            ['-1', '0', '1.5', '1e3'].some((t) => pattern.test(t)),
            path,
          ).toBe(false);
        }
    expect(numbers).toContain('/api/sales/contracts/{id} id');
    expect(numbers).toContain('/api/sales/years/{year} year');
    // What the document says the route refuses, the route refuses.
    for (const id of ['-1', '0', '1.5'])
      expect((await s.call('GET', `/api/sales/contracts/${id}`, { role: 'viewer' })).status, id).toBe(400);
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
