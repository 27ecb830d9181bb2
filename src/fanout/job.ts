/**
 * A send in progress, as the backend's coordinator keeps it in Durable Object storage under
 * `job:<notificationId>`; `done:<notificationId>:<batchId>` marks a batch whose report counted,
 * `suspects:<notificationId>:<profileId>:<batchId>` lists its devices that answered APNs
 * BadDeviceToken (removed at the end unless every device of that profile did).
 */
import { z } from 'zod';
import { PLATFORMS } from '../providers/types';

const TallySchema = z.object({ deviceCount: z.number().int(), successCount: z.number().int() });

export const JobSchema = z.object({
  notificationId: z.number().int(),
  dueAt: z.number(),
  /** waiting for dueAt → resolving devices into batches → delivering (waiting for reports). */
  phase: z.enum(['waiting', 'resolving', 'delivering']),
  cursor: z.object({ chunk: z.number().int(), afterId: z.string() }),
  batchesEnqueued: z.number().int(),
  batchesReported: z.number().int(),
  tallies: z.partialRecord(z.enum(PLATFORMS), TallySchema),
  firstError: z.string().nullable(),
  /** Profiles whose credentials or configuration the provider rejected → their reason. */
  rejected: z.record(z.string(), z.string()).default({}),
  /** Per profile: answers that were BadDeviceToken and answers that were not. */
  answers: z
    .record(z.string(), z.object({ suspects: z.number().int(), other: z.number().int() }))
    .default({}),
  threshold: z.number(),
  lastActivity: z.number(),
});
export type Job = z.infer<typeof JobSchema>;

export const jobKey = (id: number) => `job:${id}`;
export const doneKey = (id: number, batchId: number) => `done:${id}:${batchId}`;
export const suspectsPrefix = (id: number, profileId?: string) =>
  profileId === undefined ? `suspects:${id}:` : `suspects:${id}:${profileId}:`;

export function newJob(notificationId: number, dueAt: number, now: number): Job {
  return {
    notificationId,
    dueAt,
    phase: 'waiting',
    cursor: { chunk: 0, afterId: '' },
    batchesEnqueued: 0,
    batchesReported: 0,
    tallies: {},
    firstError: null,
    rejected: {},
    answers: {},
    threshold: 70,
    lastActivity: now,
  };
}

export function addTally(
  job: Job,
  platform: (typeof PLATFORMS)[number],
  devices: number,
  ok: number,
) {
  const tally = job.tallies[platform] ?? { deviceCount: 0, successCount: 0 };
  tally.deviceCount += devices;
  tally.successCount += ok;
  job.tallies[platform] = tally;
}

export function totals(job: Job): { deviceCount: number; successCount: number } {
  let deviceCount = 0;
  let successCount = 0;
  for (const tally of Object.values(job.tallies)) {
    deviceCount += tally.deviceCount;
    successCount += tally.successCount;
  }
  return { deviceCount, successCount };
}

export function platformCounts(job: Job) {
  return PLATFORMS.flatMap((platform) => {
    const tally = job.tallies[platform];
    return tally ? [{ platform, ...tally }] : [];
  });
}
