/** /admin/v1/backends/{id}/clients/{clientId}/profiles: linking profiles to clients. */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { linkRefusal } from '../../src/admin/link-rules';
import { type Demo, expectProblem, seed } from '../helpers';
import {
  ADMIN,
  apnsProfile,
  asAdministrator,
  json,
  p256Pem,
  resetDatabase,
  seedSecond,
} from './fixtures';

const DEMO = '7d0c5c36-3a2b-4c8e-9d7e-5e1f0a6b9c01';
const CLIENTS = `/backends/${DEMO}/clients`;
const PROFILES = `/backends/${DEMO}/profiles`;
const client = (platform: string) => `client-${platform}-${DEMO}`;
const profile = (provider: string) => `profile-${provider}-${DEMO}`;
const linkPath = (clientId: string, profileId: string) =>
  `${CLIENTS}/${clientId}/profiles/${profileId}`;

beforeEach(resetDatabase);

async function links(clientId: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    'SELECT profile_id FROM client_profiles WHERE client_id = ? ORDER BY profile_id',
  )
    .bind(clientId)
    .all<{ profile_id: string }>();
  return results.map((r) => r.profile_id);
}

async function createProfile(demo: Demo, body: unknown): Promise<string> {
  const res = await asAdministrator(demo, PROFILES, { body });
  return (await json<{ id: string }>(res, 201)).id;
}

const syniverse = (name: string) => ({
  name,
  provider: 'SYNIVERSE',
  credentials: { appToken: 'token', senderId: 'sender' },
});

describe('PUT /admin/v1/backends/{id}/clients/{clientId}/profiles/{profileId}', () => {
  it('returns 201 then 200 and stores one link when the rules hold', async () => {
    const demo = await seed();
    await asAdministrator(demo, linkPath(client('ios'), profile('apns')), { method: 'DELETE' });
    const fresh = await createProfile(demo, apnsProfile(await p256Pem()));

    const path = linkPath(client('ios'), fresh);
    const first = await asAdministrator(demo, path, { method: 'PUT' });
    expect(await json(first, 201)).toMatchObject({ id: fresh, provider: 'APNS' });
    const again = await asAdministrator(demo, path, { method: 'PUT' });
    expect(await json(again, 200)).toMatchObject({ id: fresh });
    expect(await links(client('ios'))).toEqual([fresh, profile('syniverse')].sort());

    const read = await json<{ profiles: { id: string }[] }>(
      await asAdministrator(demo, `${CLIENTS}/${client('ios')}`),
      200,
    );
    expect(read.profiles.map((p) => p.id)).toEqual([fresh, profile('syniverse')]);
    const list = await json<{ items: { id: string }[]; count: number }>(
      await asAdministrator(demo, `${CLIENTS}/${client('ios')}/profiles`),
      200,
    );
    expect(list.items.map((p) => p.id)).toEqual([fresh, profile('syniverse')]);
    expect(await json(await asAdministrator(demo, path), 200)).toMatchObject({ id: fresh });
  });

  it('returns 400 naming the app id rule when the app ids differ', async () => {
    const demo = await seed();
    await asAdministrator(demo, linkPath(client('ios'), profile('apns')), { method: 'DELETE' });
    const other = await createProfile(
      demo,
      apnsProfile(await p256Pem(), { bundleId: 'com.example.other' }),
    );
    const path = linkPath(client('ios'), other);
    const problem = await expectProblem(
      await asAdministrator(demo, path, { method: 'PUT' }),
      400,
      `${ADMIN}${path}`,
    );
    expect(problem['o:errorCode']).toBe('APP_ID_MISMATCH');
    expect(problem.detail).toBe(
      "A profile serves one app: its app id (com.example.other) must equal the client's " +
        '(com.example.shop).',
    );
    expect(await links(client('ios'))).toEqual([profile('syniverse')]);
  });

  it('returns 400 naming the SYNIVERSE rule when the client has a SYNIVERSE profile', async () => {
    const demo = await seed();
    const second = await createProfile(demo, syniverse('sms-2'));
    const path = linkPath(client('android'), second);
    const problem = await expectProblem(
      await asAdministrator(demo, path, { method: 'PUT' }),
      400,
      `${ADMIN}${path}`,
    );
    expect(problem['o:errorCode']).toBe('SYNIVERSE_PROFILE_LIMIT');
    expect(problem.detail).toBe(
      `A client has at most one SYNIVERSE profile: unlink profile ${profile('syniverse')} first.`,
    );
    expect(await links(client('android'))).toEqual([profile('fcm'), profile('syniverse')]);

    // A SYNIVERSE profile has no app id, so any client may take it once the first is unlinked.
    await asAdministrator(demo, linkPath(client('android'), profile('syniverse')), {
      method: 'DELETE',
    });
    expect((await asAdministrator(demo, path, { method: 'PUT' })).status).toBe(201);
  });

  it('returns 400 naming the one-per-provider rule when the provider is linked', async () => {
    const demo = await seed();
    const other = await createProfile(demo, apnsProfile(await p256Pem()));
    const path = linkPath(client('ios'), other);
    const problem = await expectProblem(
      await asAdministrator(demo, path, { method: 'PUT' }),
      400,
      `${ADMIN}${path}`,
    );
    expect(problem['o:errorCode']).toBe('PROVIDER_ALREADY_LINKED');
    expect(problem.detail).toBe(
      `A client has one profile per provider and already has APNS profile ${profile('apns')}: ` +
        'unlink it first.',
    );
    expect(await links(client('ios'))).toEqual([profile('apns'), profile('syniverse')]);
  });

  it('returns 400 when the provider does not serve the client platform', async () => {
    const demo = await seed();
    const path = linkPath(client('windows'), profile('apns'));
    const problem = await expectProblem(
      await asAdministrator(demo, path, { method: 'PUT' }),
      400,
      `${ADMIN}${path}`,
    );
    expect(problem['o:errorCode']).toBe('PROVIDER_NOT_FOR_PLATFORM');
    expect(problem.detail).toBe('APNS serves only the IOS and WEB platforms.');
    expect(await links(client('windows'))).toEqual([profile('syniverse'), profile('wns')]);
  });

  it('returns 404 when the profile or client belongs to another backend', async () => {
    const demo = await seed();
    await seedSecond();
    for (const path of [
      linkPath(client('ios'), 'profile-apns-b-2'),
      linkPath('client-ios-b-2', profile('apns')),
    ]) {
      const res = await asAdministrator(demo, path, { method: 'PUT' });
      await expectProblem(res, 404, `${ADMIN}${path}`);
    }
    expect(await links('client-ios-b-2')).toEqual(['profile-apns-b-2', 'profile-syniverse-b-2']);
  });
});

describe('DELETE /admin/v1/backends/{id}/clients/{clientId}/profiles/{profileId}', () => {
  it('returns 204 then 404 and keeps the profile when a link is removed', async () => {
    const demo = await seed();
    const path = linkPath(client('ios'), profile('apns'));
    const res = await asAdministrator(demo, path, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await links(client('ios'))).toEqual([profile('syniverse')]);
    expect((await asAdministrator(demo, `${PROFILES}/${profile('apns')}`)).status).toBe(200);
    await expectProblem(
      await asAdministrator(demo, path, { method: 'DELETE' }),
      404,
      `${ADMIN}${path}`,
    );
    await expectProblem(await asAdministrator(demo, path), 404, `${ADMIN}${path}`);
  });
});

describe('linkRefusal', () => {
  const ios = { platform: 'IOS' as const, appId: 'app' };

  it('allows a SYNIVERSE profile when its app id is null', () => {
    expect(linkRefusal(ios, { id: 's', provider: 'SYNIVERSE', appId: null }, [])).toBeNull();
  });

  it('reports the platform rule first when several rules are broken', () => {
    const refusal = linkRefusal(ios, { id: 'w', provider: 'WNS', appId: 'other' }, [
      { id: 'x', provider: 'WNS' },
    ]);
    expect(refusal?.code).toBe('PROVIDER_NOT_FOR_PLATFORM');
  });

  it('ignores the profile itself when it is already linked', () => {
    const linked = [{ id: 'a', provider: 'APNS' as const }];
    expect(linkRefusal(ios, { id: 'a', provider: 'APNS', appId: 'app' }, linked)).toBeNull();
  });
});
