/**
 * `sendOn` parsing (api-contract.md, Notifications): ISO 8601 with `Z` or an offset, one-digit
 * hour allowed, seconds optional; no zone is refused. Pure.
 */
const SEND_ON =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

export const MAX_PAST_MS = 60_000;
export const MAX_AHEAD_MS = 366 * 24 * 3600 * 1000;

/** Epoch ms of a valid `sendOn`, or a reason. */
export function parseSendOn(
  text: string,
): { ok: true; at: number } | { ok: false; reason: string } {
  const m = SEND_ON.exec(text.trim());
  if (!m) {
    return {
      ok: false,
      reason: 'sendOn must be ISO 8601 with a time zone, e.g. 2030-06-15T06:00:00Z or +02:00.',
    };
  }
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone = 'Z'] = m;
  const fields = [y, mo, d, h, mi].map(Number) as [number, number, number, number, number];
  const [year, month, day, hour, minute] = fields;
  const second = Number(s);
  const ms = Math.floor(Number(`0.${frac}`) * 1000);
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  const valid =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60;
  if (!valid) return { ok: false, reason: 'sendOn is not a real date and time.' };
  return { ok: true, at: local - offsetMs(zone) };
}

function offsetMs(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** Null when `at` is acceptable relative to `now`, else the reason. */
export function sendOnWindowError(at: number, now: number): string | null {
  if (at < now - MAX_PAST_MS) return 'sendOn is more than 60 seconds in the past.';
  if (at > now + MAX_AHEAD_MS) return 'sendOn is more than 366 days ahead.';
  return null;
}
