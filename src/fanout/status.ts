/** The final status of a send from its counts (api-contract.md, Status rules). Pure. */
export const DEFAULT_WARNING_THRESHOLD = 70;

export type FinalStatus = { status: 'Sent' | 'Warning' | 'Error'; errorMessage: string | null };

export function finalStatus(
  deviceCount: number,
  successCount: number,
  thresholdPercent: number,
  firstError: string | null,
  /** A provider rejected a profile: the send is an Error whatever the counts. */
  rejection: string | null = null,
): FinalStatus {
  if (rejection) return { status: 'Error', errorMessage: rejection };
  if (deviceCount === 0) {
    return { status: 'Error', errorMessage: 'No registered device matched the notification.' };
  }
  if (successCount === 0) {
    return { status: 'Error', errorMessage: firstError ?? 'No device accepted the notification.' };
  }
  if (successCount * 100 >= thresholdPercent * deviceCount) {
    return { status: 'Sent', errorMessage: successCount < deviceCount ? firstError : null };
  }
  return { status: 'Warning', errorMessage: firstError };
}

/** The backend's Notifications_DeviceCountWarningThreshold policy, default 70. */
export function warningThreshold(policiesJson: string): number {
  try {
    const value = (JSON.parse(policiesJson) as Record<string, unknown>)
      .Notifications_DeviceCountWarningThreshold;
    const n = typeof value === 'string' ? Number(value) : value;
    return typeof n === 'number' && n >= 0 && n <= 100 ? n : DEFAULT_WARNING_THRESHOLD;
  } catch {
    return DEFAULT_WARNING_THRESHOLD;
  }
}
