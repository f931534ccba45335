// Sends calls through the real Segment Node client (@segment/analytics-node) and reports what the client saw.
// Usage: node send.mjs <input.json>; input: { host, writeKey, flushAt, maxRetries, calls: [{ type: "track"|"page"|"identify", args: {...} }] }
// Output (one JSON line on stdout): { delivered, failed, errors: [...], statuses: { "200": n, "503": n } }
import { Analytics } from '@segment/analytics-node';
import { readFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const analytics = new Analytics({
  writeKey: input.writeKey,
  host: input.host,
  path: '/v1/batch',
  flushAt: input.flushAt ?? 20,
  flushInterval: 200,
  maxRetries: input.maxRetries ?? 10,
});

const statuses = {};
const errors = [];
let delivered = 0;
let failed = 0;
analytics.on('http_response', (r) => { statuses[r.status] = (statuses[r.status] ?? 0) + 1; });

const done = (err) => {
  if (err) { failed++; if (errors.length < 10) errors.push(String(err.reason ?? err)); } else { delivered++; }
};
for (const call of input.calls) {
  const args = { ...call.args };
  if (args.timestamp) args.timestamp = new Date(args.timestamp);
  if (call.type === 'page') analytics.page(args, done);
  else if (call.type === 'identify') analytics.identify(args, done);
  else analytics.track(args, done);
}
await analytics.closeAndFlush({ timeout: input.timeoutMs ?? 120000 });
console.log(JSON.stringify({ delivered, failed, errors, statuses }));
