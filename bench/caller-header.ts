import {
  callerClaims,
  createRequestCallerVerifier,
  generateCallerKey,
  parseCallerKey,
  sealCaller,
  signCaller,
} from '../platform/caller-header';
import type { Caller } from '../platform/caller';
import { memoryNonceStore } from '../platform/nonce-store';

/**
 * What the caller header costs per subgraph request: the gateway's claims and seal for bodies of
 * three sizes, the former unbound header for comparison, and a subgraph's full check with nonces
 * in memory. Prints a Markdown table of microseconds per request.
 *
 *   npm run build && node dist/bench/caller-header.js
 *
 * No servers, no network, no Redis (a Redis check adds one round trip, not CPU).
 */
const ITERATIONS = 50_000;
const key = parseCallerKey(generateCallerKey());
const caller: Caller = { subject: 'u-1', kind: 'user', roles: ['planner'], scopes: [] };
const bodyOf = (bytes: number) => JSON.stringify({ query: 'query Q { x }', variables: { pad: 'x'.repeat(Math.max(0, bytes - 48)) } });

function microseconds(run: () => unknown): number {
  for (let i = 0; i < 2_000; i++) run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) run();
  return Number(process.hrtime.bigint() - started) / 1e3 / ITERATIONS;
}

async function main(): Promise<void> {
  const rows: [string, number][] = [];
  for (const size of [300, 2_000, 20_000]) {
    const body = bodyOf(size);
    rows.push([`gateway: claims and seal, body ${body.length} B`, microseconds(() => sealCaller(callerClaims(caller, 'erp'), body, key))]);
  }
  rows.push(['gateway: the former unbound header', microseconds(() => signCaller(caller, key))]);
  const body = Buffer.from(bodyOf(2_000));
  const headers = Array.from({ length: ITERATIONS }, () => sealCaller(callerClaims(caller, 'erp'), body, key));
  const verify = createRequestCallerVerifier({ key, audience: 'erp', nonces: memoryNonceStore() });
  const started = process.hrtime.bigint();
  for (const header of headers) await verify(header, body);
  rows.push([
    `subgraph: full check, nonces in memory, body ${body.length} B`,
    Number(process.hrtime.bigint() - started) / 1e3 / ITERATIONS,
  ]);
  process.stdout.write(
    `| operation | µs per request |\n|---|---|\n${rows.map(([name, us]) => `| ${name} | ${us.toFixed(1)} |`).join('\n')}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
