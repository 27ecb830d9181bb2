/**
 * The registration API under load (autocannon): POST /mobile/platform/devices/register with a
 * new device per request, a fixed number of connections for a fixed time, loopback only.
 */
import autocannon from 'autocannon';
import { type Backend, deviceAt, registerBody } from './devices.ts';

export type Load = {
  connections: number;
  seconds: number;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  timeouts: number;
  non201: number;
  /** Answers completed in each whole second of the run. */
  perSecondSeries: number[];
};

export async function registrationLoad(
  baseUrl: string,
  sandboxUrl: string,
  backend: Backend,
  run: number,
  connections: number,
  seconds: number,
): Promise<Load> {
  // One call first, so the caller's password check (PBKDF2, then cached) is not in the run.
  const url = `${baseUrl}/mobile/platform/devices/register`;
  const warm = registerBody(deviceAt(sandboxUrl, run, 1_000_000));
  await (await fetch(url, { method: 'POST', headers: backend.mobile, body: warm })).arrayBuffer();
  let next = 0;
  const series: number[] = [];
  let non201 = 0;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: backend.mobile,
        connections,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              body: registerBody(deviceAt(sandboxUrl, run, next++)),
            }),
          },
        ],
      },
      (error, out) => (error ? fail(error) : done(out)),
    );
    instance.on('response', (_client, statusCode) => {
      const second = Math.floor((performance.now() - started) / 1000);
      if (second < seconds) series[second] = (series[second] ?? 0) + 1;
      if (statusCode !== 201) non201 += 1;
    });
  });
  return {
    connections,
    seconds,
    requests: result.requests.total,
    perSecond: result.requests.total / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non201,
    perSecondSeries: Array.from({ length: seconds }, (_, i) => series[i] ?? 0),
  };
}
