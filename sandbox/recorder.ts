import type { Provider } from './http.ts';

/** One request as the sandbox saw it, and the status it answered. */
export type SandboxRecord = {
  provider: Provider;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  receivedAt: string;
};

/** Filters of `GET /__sandbox/requests`. */
export type RecordFilter = { provider?: string | null; contains?: string | null };

/** Requests in arrival order, keeping only the newest `limit`. */
export class Recorder {
  readonly #records: SandboxRecord[] = [];

  constructor(readonly limit = 100_000) {}

  /** Reserves the record's place at arrival; it is listed once `status` is set. */
  arrive(provider: Provider, method: string, path: string): SandboxRecord {
    const record: SandboxRecord = {
      provider,
      method,
      path,
      headers: {},
      body: '',
      status: 0,
      receivedAt: new Date().toISOString(),
    };
    this.#records.push(record);
    const excess = this.#records.length - this.limit;
    if (excess >= Math.max(1, this.limit / 100)) this.#records.splice(0, excess);
    return record;
  }

  /** Answered records, oldest first, matching every given filter. */
  list({ provider, contains }: RecordFilter = {}): SandboxRecord[] {
    const start = Math.max(0, this.#records.length - this.limit);
    return this.#records
      .slice(start)
      .filter(
        (record) =>
          record.status !== 0 &&
          (!provider || record.provider === provider.toUpperCase()) &&
          (!contains || record.path.includes(contains) || record.body.includes(contains)),
      );
  }

  /** Forgets everything recorded so far. */
  clear(): void {
    this.#records.length = 0;
  }
}
