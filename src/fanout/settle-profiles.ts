/**
 * The end of a send, per provider profile: which profile the provider rejected, and the APNs
 * environment mix-up guard (providers.md §7): devices that answered BadDeviceToken are removed,
 * except for a profile where every device did, which means the profile's environment does not
 * match the app's tokens.
 */
import { inArray } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { profiles } from '../db/schema';
import { deleteDevicesById } from '../maintenance/delete-pages';
import type { Job } from './job';

/** Profiles named per statement: D1 binds at most 100 parameters. */
const CHUNK = 90;

/**
 * Removes the BadDeviceToken devices of profiles that had other answers too; answers the first
 * rejection of the send (or the mix-up), naming the profile, else null.
 */
export async function settleProfiles(
  db: DrizzleD1Database,
  job: Job,
  suspectsOf: (profileId: string) => Promise<string[]>,
): Promise<string | null> {
  const mixedUp = Object.entries(job.answers)
    .filter(([, a]) => a.suspects > 0 && a.other === 0)
    .map(([profileId]) => profileId);
  for (const [profileId, answers] of Object.entries(job.answers)) {
    if (answers.suspects === 0 || mixedUp.includes(profileId)) continue;
    await deleteDevicesById(db, await suspectsOf(profileId));
  }

  const named = [...Object.keys(job.rejected), ...mixedUp];
  if (named.length === 0) return null;
  const rows = await db
    .select({
      id: profiles.id,
      name: profiles.name,
      provider: profiles.provider,
      settings: profiles.settings,
    })
    .from(profiles)
    .where(inArray(profiles.id, named.slice(0, CHUNK)));
  const describe = (id: string) => {
    const row = rows.find((r) => r.id === id);
    return row ? `Profile ${row.name} (${row.provider})` : `Profile ${id}`;
  };
  const [firstRejected] = Object.entries(job.rejected);
  if (firstRejected) {
    return `${describe(firstRejected[0])} was rejected by the provider: ${firstRejected[1]}.`;
  }
  const profileId = mixedUp[0] ?? '';
  const settings = rows.find((r) => r.id === profileId)?.settings ?? '{}';
  const environment = String((JSON.parse(settings) as { environment?: string }).environment);
  return (
    `APNs answered BadDeviceToken for every device: ${describe(profileId)} uses the ` +
    `${environment} environment, and the devices' tokens look like they are for the other one. ` +
    'No device was removed.'
  );
}
