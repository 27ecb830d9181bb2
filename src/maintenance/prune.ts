/**
 * The registry's scheduled clean-up (api-contract.md, Device registry): devices not
 * re-registered for `DEVICE_MAX_AGE_DAYS` days (default 60) are removed, in bounded pages. A run
 * that leaves some (over its page budget) is finished by the next ones.
 */
import { lt } from 'drizzle-orm';
import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';
import { z } from 'zod';
import { devices } from '../db/schema';
import { forgetOldDeliveries } from '../fanout/delivery-log';
import { log } from '../log';
import { type Deleted, deleteDevicesInPages, type PageLimits } from './delete-pages';

export const DEFAULT_MAX_AGE_DAYS = 60;
const DAY_MS = 24 * 3600 * 1000;

/**
 * 40 pages of 500: 20,000 devices a run; with the delivery log's 8 pages, within D1's 50
 * queries per invocation (Free plan).
 */
export const PRUNE_LIMITS: PageLimits = { pageSize: 500, maxPages: 40 };

/** Whole days from 1 to 36,500; unset or empty is the default. */
const MaxAgeDaysSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,4}$/)
  .transform(Number)
  .refine((days) => days <= 36_500);

/** DEVICE_MAX_AGE_DAYS as a number; a bad value throws rather than prune by a wrong age. */
export function maxAgeDays(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_MAX_AGE_DAYS;
  const parsed = MaxAgeDaysSchema.safeParse(value.trim());
  if (!parsed.success) throw new Error('DEVICE_MAX_AGE_DAYS must be a whole number of days >= 1.');
  return parsed.data;
}

/** Removes the devices whose last registration is more than `days` days before `now`. */
export function pruneStaleDevices(
  db: DrizzleD1Database,
  now: number,
  days: number,
  limits: PageLimits = PRUNE_LIMITS,
): Promise<Deleted> {
  return deleteDevicesInPages(db, lt(devices.modifiedOn, now - days * DAY_MS), limits);
}

/** The Worker's `scheduled` handler (the daily Cron Trigger in wrangler.toml). */
export async function runScheduledPrune(controller: ScheduledController, env: Env): Promise<void> {
  let days: number;
  try {
    days = maxAgeDays(env.DEVICE_MAX_AGE_DAYS);
  } catch (error) {
    log.error('devices.prune_misconfigured', { cron: controller.cron });
    throw error;
  }
  const db = drizzle(env.DB);
  const result = await pruneStaleDevices(db, controller.scheduledTime, days);
  const forgotten = await forgetOldDeliveries(db, controller.scheduledTime);
  const fields = {
    cron: controller.cron,
    maxAgeDays: days,
    ...result,
    deliveriesForgotten: forgotten,
  };
  if (result.hasMore) log.warn('devices.pruned_partly', fields);
  else log.info('devices.pruned', fields);
}
