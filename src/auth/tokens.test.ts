import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, tableCounts, testServer } from '../testing/index.js';

describe('tokens with an expiry and a last use', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(async () => s.close());

  const later = (ms: number) => new Date(s.app.clock.now().getTime() + ms).toISOString();
  const asToken = (token: string) =>
    s.call('GET', '/api/auth/me', { role: null, headers: { authorization: `Bearer ${token}` } });
  const listed = async (id: number) =>
    (await s.call('GET', '/api/auth/tokens')).body.find((t: { id: number }) => t.id === id);

  it('creates a token that works until its expiry, then refuses it with 401 saying so', async () => {
    const expiresAt = later(3_600_000);
    const created = await s.call('POST', '/api/auth/tokens', {
      body: { name: 'contractor', role: 'viewer', expiresAt },
    });
    expect(created.status).toBe(201);
    expect(created.body.info.expiresAt).toBe(expiresAt);
    expect((await asToken(created.body.token)).status).toBe(200);
    s.app.clock.set(expiresAt);
    const expired = await asToken(created.body.token);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('auth.expired-token');
    expect(expired.body.error.message).toBe(
      `This API token expired at ${expiresAt}; an admin can create a new one (hashforge token create).`,
    );
    // Listed with its expiry for the admin, who can still revoke it.
    expect(await listed(created.body.info.id)).toMatchObject({ name: 'contractor', expiresAt });
    expect((await s.call('DELETE', `/api/auth/tokens/${created.body.info.id}`)).status).toBe(200);
  });

  it('refuses an expiry that is not an instant, or not in the future, naming expiresAt; writes nothing', async () => {
    const before = await tableCounts(s.app);
    for (const expiresAt of ['next week', '2030-01-01', 42, s.app.clock.now().toISOString(), later(-1000)]) {
      const r = await s.call('POST', '/api/auth/tokens', { body: { name: 'x', role: 'viewer', expiresAt } });
      expect(r.status, String(expiresAt)).toBe(400);
      expect(r.body.error.field, String(expiresAt)).toBe('expiresAt');
    }
    const past = await s.call('POST', '/api/auth/tokens', {
      body: { name: 'x', role: 'viewer', expiresAt: later(-1000) },
    });
    expect(past.body.error).toMatchObject({ code: 'auth.expiry-past' });
    expect(past.body.error.message).toMatch(/^expiresAt must be in the future/);
    expect(await tableCounts(s.app)).toEqual(before);
  });

  it('sets the last use on the first request, and again only once a minute has passed', async () => {
    const created = await s.call('POST', '/api/auth/tokens', { body: { name: 'busy', role: 'viewer' } });
    const { id } = created.body.info;
    expect((await listed(id)).lastUsedAt).toBeNull();
    const first = s.app.clock.now().toISOString();
    await asToken(created.body.token);
    expect((await listed(id)).lastUsedAt).toBe(first);
    s.app.clock.set(later(59_000));
    await asToken(created.body.token);
    expect((await listed(id)).lastUsedAt).toBe(first);
    s.app.clock.set(later(1_000));
    const minuteOn = s.app.clock.now().toISOString();
    await asToken(created.body.token);
    expect((await listed(id)).lastUsedAt).toBe(minuteOn);
    // Not an event: the ledger holds the token's creation only.
    const events = await s.app.db
      .selectFrom('events')
      .select('kind')
      .where('stream', '=', 'auth')
      .where('kind', '!=', 'auth.token-created')
      .where('kind', '!=', 'auth.token-revoked')
      .execute();
    expect(events).toEqual([]);
  });
});
