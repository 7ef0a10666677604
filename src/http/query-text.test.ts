import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, tableCounts, testServer } from '../testing/index.js';
import { badParameter } from './query-text.js';

describe('a query string that is not percent-encoded UTF-8', () => {
  it('names the parameter that holds the bad escape', () => {
    expect(badParameter('status=ok&search=%ED%A0%80')).toBe('search');
    expect(badParameter('search=%zz')).toBe('search');
    expect(badParameter('se%ZZ=1')).toBe('query');
    expect(badParameter('search=%E2%82%AC+100%25&status=ok')).toBeUndefined();
    expect(badParameter('')).toBeUndefined();
  });

  describe('over HTTP', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await testServer();
    });
    afterAll(() => s.close());

    it('is a 400 naming it, with the security headers, and nothing written', async () => {
      const before = await tableCounts(s.app);
      const res = await fetch(`${s.url}/api/fleet/machines?search=%ED%A0%80`, {
        headers: { authorization: `Bearer ${await s.token('admin')}` },
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await res.json()).error).toMatchObject({ code: 'invalid.query', field: 'search' });
      expect(await tableCounts(s.app)).toEqual(before);
      // The same text well encoded (a euro sign) is a search like any other.
      expect((await s.call('GET', '/api/fleet/machines?search=%E2%82%AC')).status).toBe(200);
    });
  });
});
