/** /admin/v1/backends: the member's backends and their policies. */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { warningThreshold } from '../../src/fanout/status';
import { errorPaths, expectProblem, seed } from '../helpers';
import { ADMIN, asAdministrator, json, resetDatabase } from './fixtures';

beforeEach(resetDatabase);

const DEMO = '7d0c5c36-3a2b-4c8e-9d7e-5e1f0a6b9c01';
const POLICIES = `/backends/${DEMO}/policies`;

async function storedPolicies(): Promise<string | undefined> {
  const row = await env.DB.prepare('SELECT policies FROM backends WHERE id = ?')
    .bind(DEMO)
    .first<{ policies: string }>();
  return row?.policies;
}

describe('GET /admin/v1/backends', () => {
  it('returns the backend without its client secret when the member is linked to it', async () => {
    const demo = await seed();
    const res = await asAdministrator(demo, '/backends');
    const text = await res.clone().text();
    expect(await json(res, 200)).toEqual({
      items: [
        {
          id: DEMO,
          name: 'demo',
          anonymousKey: demo.anonymousKey,
          oauthClientId: 'demo-client',
          policies: {},
          createdOn: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        },
      ],
      count: 1,
    });
    expect(text).not.toContain('demo-client-secret');
    expect(text).not.toContain('pbkdf2');

    const one = await json(await asAdministrator(demo, `/backends/${DEMO}`), 200);
    expect(one).toEqual((JSON.parse(text) as { items: unknown[] }).items[0]);
  });
});

describe('PUT /admin/v1/backends/{id}/policies', () => {
  it('stores the warning threshold the send path reads when it is 0 to 100', async () => {
    const demo = await seed();
    for (const threshold of [85, 0, 100]) {
      const body = { Notifications_DeviceCountWarningThreshold: threshold };
      const res = await asAdministrator(demo, POLICIES, { method: 'PUT', body });
      expect((await json<{ policies: unknown }>(res, 200)).policies).toEqual(body);
      const stored = await storedPolicies();
      expect(JSON.parse(stored ?? '')).toEqual(body);
      expect(warningThreshold(stored ?? '')).toBe(threshold);
    }
    const read = await json<{ policies: unknown }>(
      await asAdministrator(demo, `/backends/${DEMO}`),
      200,
    );
    expect(read.policies).toEqual({ Notifications_DeviceCountWarningThreshold: 100 });
  });

  it('restores the default threshold when the policy is left out', async () => {
    const demo = await seed();
    const body = { Notifications_DeviceCountWarningThreshold: 40 };
    await asAdministrator(demo, POLICIES, { method: 'PUT', body });
    const res = await asAdministrator(demo, POLICIES, { method: 'PUT', body: {} });
    expect((await json<{ policies: unknown }>(res, 200)).policies).toEqual({});
    expect(warningThreshold((await storedPolicies()) ?? '')).toBe(70);
  });

  it('returns 400 and keeps the policies when the threshold is not 0 to 100', async () => {
    const demo = await seed();
    const good = { Notifications_DeviceCountWarningThreshold: 55 };
    await asAdministrator(demo, POLICIES, { method: 'PUT', body: good });
    for (const value of [101, -1, 50.5, '80', null]) {
      const body = { Notifications_DeviceCountWarningThreshold: value };
      const res = await asAdministrator(demo, POLICIES, { method: 'PUT', body });
      const problem = await expectProblem(res, 400, `${ADMIN}${POLICIES}`);
      expect(errorPaths(problem)).toEqual(['$.Notifications_DeviceCountWarningThreshold']);
    }
    const unknown = await asAdministrator(demo, POLICIES, {
      method: 'PUT',
      body: { Notifications_DeviceCountWarningThreshold: 500, Other: 1 },
    });
    const problem = await expectProblem(unknown, 400, `${ADMIN}${POLICIES}`);
    expect(errorPaths(problem)).toEqual(['$', '$.Notifications_DeviceCountWarningThreshold']);
    expect(problem['o:errorDetails']?.map((d) => d.title).join(' ')).toContain('Other');
    expect(JSON.parse((await storedPolicies()) ?? '')).toEqual(good);
  });
});
