/**
 * SMS segment counting (providers.md §6): GSM-7 (3GPP TS 23.038) when every character is in its
 * basic or extension table, else UCS-2 for the whole message. Pure.
 */

/** The GSM 03.38 basic table, less ESC (0x1B). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table: each costs two septets (ESC + char). */
const GSM_EXTENSION = new Set('\f^{}\\[]~|€');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** How a text goes out: its encoding, its length in septets or UTF-16 units, its segments. */
export type SmsCount = { encoding: SmsEncoding; units: number; segments: number };

const PART_SIZES: Record<SmsEncoding, { single: number; concatenated: number }> = {
  'GSM-7': { single: 160, concatenated: 153 },
  'UCS-2': { single: 70, concatenated: 67 },
};

/**
 * Counts the segments of `text`. A message over the single-part size is cut into parts of 153
 * septets or 67 units, never inside an escape sequence or a surrogate pair (§6).
 */
export function countSmsSegments(text: string): SmsCount {
  const chars = [...text];
  const gsm = chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c));
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2';
  const costs = chars.map((c) => (gsm ? (GSM_EXTENSION.has(c) ? 2 : 1) : c.length));
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  const { single, concatenated } = PART_SIZES[encoding];
  if (units === 0) return { encoding, units, segments: 0 };
  if (units <= single) return { encoding, units, segments: 1 };

  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > concatenated) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return { encoding, units, segments };
}
