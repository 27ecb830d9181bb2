import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, seed } from '../helpers';

const TABLES = [
  'backends',
  'team_members',
  'backend_members',
  'mobile_users',
  'clients',
  'profiles',
  'client_profiles',
];

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
    out[table] = row?.n ?? 0;
  }
  return out;
}

describe('demo seed', () => {
  it('creates the same rows once however often it runs', async () => {
    await seed();
    const once = await counts();
    expect(once).toEqual({
      backends: 1,
      team_members: 1,
      backend_members: 1,
      mobile_users: 1,
      clients: 4,
      profiles: 4,
      client_profiles: 9,
    });
    await seed();
    expect(await counts()).toEqual(once);
  });

  it('keeps profile credentials sealed at rest', async () => {
    await seed();
    const rows = await env.DB.prepare('SELECT credentials, settings FROM profiles').all();
    const pem = env.SANDBOX_CREDENTIALS.apns.privateKeyPem;
    for (const row of rows.results) {
      expect(String(row.credentials)).toMatch(/^v1\./);
      expect(String(row.credentials)).not.toContain('PRIVATE KEY');
      expect(String(row.settings)).not.toContain('PRIVATE KEY');
    }
    expect(JSON.stringify(rows.results)).not.toContain(pem.slice(40, 80));
    const { appToken, consumerSecret } = env.SANDBOX_CREDENTIALS.syniverse;
    expect(JSON.stringify(rows.results)).not.toContain(appToken);
    expect(JSON.stringify(rows.results)).not.toContain(String(consumerSecret));
  });

  it('answers 404 for the bootstrap route when DEV_BOOTSTRAP is not enabled', async () => {
    const res = await api('/__dev/bootstrap', { body: {} });
    expect(res.status).toBe(404);
  });
});
