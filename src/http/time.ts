/** `YYYY-MM-DDThh:mm:ss.SSSZ` in UTC, as every timestamp the API returns. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}
