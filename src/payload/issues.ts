/** What the payload rules report: issues with a path relative to the value checked. Pure. */

/** One problem: where it is, relative to the value checked, and why. */
export type Issue = { path: (string | number)[]; message: string };

/** A value that passed its provider's rules, or the issues that stop it. */
export type Checked<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

/** `value()` when there are no issues, else the issues. */
export function checked<T>(issues: Issue[], value: () => T): Checked<T> {
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: value() };
}

/** `issues` as one sentence, each prefixed by its dotted path (`data.from: …`). */
export function describeIssues(issues: Issue[]): string {
  return issues
    .map(({ path, message }) => (path.length > 0 ? `${path.join('.')}: ${message}` : message))
    .join('; ');
}
