import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, type FormattedExecutionResult } from 'graphql';
import WebSocket from 'ws';
import { localChangeBus, type ChangeBus, type ChangeEvent } from '../../../platform/change-bus';
import type { Caller } from '../../../platform/caller';
import { createLogger } from '../../../platform/logger';
import { registry } from '../../../platform/metrics';
import { createLiveExecutor, type EventExecutor, type LiveExecutor } from '../../../gateway/subscriptions/live-executor';
import { createLiveServer, WS_SEND_BUFFER_BYTES, type LiveServer } from '../../../gateway/subscriptions/live-server';

// The live transports over a real WebSocket, with the executor's answers made up: how answers
// leave the gateway, not how they are resolved (live.test.ts covers that end to end).
const schema = buildSchema(`
  type WorkCenter { id: ID! state: String! note: String }
  type Query { workCenter(id: ID!): WorkCenter }
  type Subscription { workCenterStateChanged(siteId: ID!): WorkCenter! }
`);
const SUBSCRIPTION = 'subscription ($site: ID!) { workCenterStateChanged(siteId: $site) { id state note } }';
const planner: Caller = { subject: 'pia', kind: 'user', roles: ['planner'], scopes: [] };

let seq = 0;
const change = (id: string, siteId = 'S01'): ChangeEvent => ({
  field: 'workCenterStateChanged',
  scope: siteId,
  key: { id },
  system: 'mes',
  seq: ++seq,
  writtenAt: Date.now(),
});

/** A graphql-transport-ws client on a raw socket, so that a test can stop reading it. */
class RawClient {
  readonly messages: { id?: string; type: string; payload?: any }[] = [];
  closed?: { code: number; reason: string };
  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(String(data))));
    socket.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
  }
  static async connect(url: string): Promise<RawClient> {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const client = new RawClient(socket);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    await client.until('acknowledged', (m) => m.some((x) => x.type === 'connection_ack'));
    return client;
  }
  subscribe(id: string, site: string): void {
    this.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { site } } }));
  }
  nexts(id: string) {
    return this.messages.filter((m) => m.type === 'next' && m.id === id).map((m) => m.payload as FormattedExecutionResult);
  }
  async until(what: string, found: (messages: RawClient['messages']) => boolean, timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (!found(this.messages)) {
      if (Date.now() - started > timeoutMs)
        throw new Error(`${what}: not within ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

describe('live fan-out over WebSocket: one execution per event and group, answers written without waiting, slow readers cut', () => {
  let bus: ChangeBus;
  let executor: LiveExecutor;
  let live: LiveServer;
  let http: Server;
  let url: string;
  let runs: string[];
  let note = '';
  const clients: RawClient[] = [];
  const execute: EventExecutor = async (request) => {
    runs.push(String(request.variables.liveKey_id));
    return { data: { workCenterStateChanged: { id: request.variables.liveKey_id, state: `RUN ${runs.length}`, note } } };
  };

  beforeEach(async () => {
    runs = [];
    note = '';
    bus = localChangeBus();
    executor = createLiveExecutor({
      bus,
      execute,
      limits: { maxBufferedPerSubscriber: 8, maxSubscriptionsPerCaller: 100, maxEventsPerSecondPerCaller: 100_000 },
    });
    await executor.start();
    live = createLiveServer({
      door: async () => ({ caller: planner }),
      schema: () => schema,
      executor,
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
    });
    http = createServer((_req, res) => res.writeHead(404).end());
    http.on('upgrade', (req, socket, head) => live.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.terminate();
    await live.stop();
    await new Promise((resolve) => http.close(resolve));
    await bus.close();
  });

  const connect = async () => {
    const client = await RawClient.connect(url);
    clients.push(client);
    return client;
  };
  const metric = async (name: string, labels = '') => {
    const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${name}${labels} `));
    return Number(line?.split(' ').pop() ?? 0);
  };

  it('runs each event once for the subscribers sharing a query, and every one of them gets every answer, in order', async () => {
    const screens = await Promise.all(Array.from({ length: 20 }, () => connect()));
    screens.forEach((screen, i) => screen.subscribe(`s${i}`, i < 15 ? 'S01' : 'S02'));
    while (executor.size < 20) await new Promise((r) => setTimeout(r, 10));
    for (const id of ['WC1', 'WC2', 'WC3', 'WC1']) await bus.publish(change(id));
    await bus.publish(change('WC9', 'S02'));
    for (const [i, screen] of screens.entries()) await screen.until(`screen ${i}`, () => screen.nexts(`s${i}`).length === (i < 15 ? 4 : 1));
    // One run per event: 15 subscribers of S01 share four, 5 of S02 share one.
    expect(runs).toEqual(['WC1', 'WC2', 'WC3', 'WC1', 'WC9']);
    for (const [i, screen] of screens.slice(0, 15).entries())
      expect(screen.nexts(`s${i}`).map((r) => (r.data as any).workCenterStateChanged.state)).toEqual(['RUN 1', 'RUN 2', 'RUN 3', 'RUN 4']);
  });

  it('disconnects a subscriber that stops reading once its socket and its buffer are full, and keeps serving the others', async () => {
    const endedBefore = await metric('plantgraph_live_ended_total', '{reason="too_slow"}');
    const [reader, stalled] = [await connect(), await connect()];
    reader.subscribe('r', 'S01');
    stalled.subscribe('s', 'S01');
    while (executor.size < 2) await new Promise((r) => setTimeout(r, 10));
    stalled.socket.pause();
    // Answers of 256 KiB: a few fill the loopback socket's buffers, then the gateway's.
    note = 'x'.repeat(256 * 1024);
    let published = 0;
    while (executor.size === 2 && published < 400) {
      // Each its own work center: answers of a latest-state field replace only those of the same entity.
      await bus.publish(change(`WC${published++}`));
      await new Promise((r) => setImmediate(r));
      // What waits in the gateway for the stalled reader stays bounded: the socket's share, then LIVE_BUFFER answers.
      expect(live.unsentBytes()).toBeLessThan(2 * (WS_SEND_BUFFER_BYTES + 2 * (note.length + 200)));
    }
    stalled.socket.resume();
    expect(executor.size).toBe(1);
    expect(await metric('plantgraph_live_ended_total', '{reason="too_slow"}')).toBe(endedBefore + 1);
    await reader.until('the reader gets every answer', () => reader.nexts('r').length === published);
    await stalled.until('the stalled subscriber is closed with 4503', () => stalled.closed !== undefined, 20_000);
    expect(stalled.closed).toEqual({ code: 4503, reason: expect.stringContaining('SUBSCRIBER_TOO_SLOW') });
  }, 60_000);
});

describe('live writes over WebSocket: the answers a connection gets in one turn of the event loop leave in one write', () => {
  it('sends the answers of events resolved together in one write, counted once toward the burst of the turn', async () => {
    const bus = localChangeBus();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const executor = createLiveExecutor({
      bus,
      execute: async (request) => {
        await held;
        return { data: { workCenterStateChanged: { id: request.variables.liveKey_id, state: 'RUNNING', note: null } } };
      },
    });
    await executor.start();
    // One write a turn over all connections: were each message counted, the second answer would
    // wait for the next turn and leave in a write of its own.
    const live = createLiveServer({
      door: async () => ({ caller: planner }),
      schema: () => schema,
      executor,
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      burstWrites: 1,
    });
    const http = createServer((_req, res) => res.writeHead(404).end());
    http.on('upgrade', (req, socket, head) => live.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const client = await RawClient.connect(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`);
    try {
      client.subscribe('s', 'S01');
      while (executor.size < 1) await new Promise((r) => setTimeout(r, 10));
      const chunks: Buffer[] = [];
      (client.socket as unknown as { _socket: NodeJS.EventEmitter })._socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      for (const id of ['WC1', 'WC2', 'WC3']) await bus.publish(change(id));
      await new Promise((r) => setTimeout(r, 50));
      release();
      await client.until('three answers', () => client.nexts('s').length === 3);
      expect(client.nexts('s').map((r) => (r.data as any).workCenterStateChanged.id)).toEqual(['WC1', 'WC2', 'WC3']);
      expect(chunks).toHaveLength(1);
    } finally {
      client.socket.terminate();
      await live.stop();
      await new Promise((resolve) => http.close(resolve));
      await bus.close();
    }
  });
});
