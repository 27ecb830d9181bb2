/**
 * The limit Worker: only loops `fetch`. POST / with {url, headers, body, count, concurrency,
 * first} sends `count` APNs-shaped requests to `${url}/<token>` with `concurrency` in flight,
 * reads every answer, and returns {count, statuses, ms}. Nothing else: no D1, no queue, no DO.
 */
export default {
  async fetch(request) {
    const job = await request.json();
    const statuses = {};
    const started = Date.now();
    let next = 0;
    const loop = async () => {
      for (let i = next++; i < job.count; i = next++) {
        const token = (job.first + i).toString(16).padStart(64, '0');
        const res = await fetch(`${job.url}/${token}`, {
          method: 'POST',
          headers: job.headers,
          body: job.body,
        });
        const text = await res.text();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status !== 200) statuses.last = text.slice(0, 200);
      }
    };
    await Promise.all(Array.from({ length: job.concurrency }, loop));
    return Response.json({ count: job.count, statuses, ms: Date.now() - started });
  },
};
