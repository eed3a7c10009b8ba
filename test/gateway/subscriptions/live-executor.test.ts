import type { FormattedExecutionResult } from 'graphql';
import { localChangeBus, type ChangeBus, type ChangeEvent } from '../../../platform/change-bus';
import type { Caller } from '../../../platform/caller';
import { createLiveExecutor, type EventExecutor, type LiveExecutor } from '../../../gateway/subscriptions/live-executor';
import type { EventQuery } from '../../../gateway/subscriptions/event-query';

const query = (siteId: string, text = 'query { c: countTask(id: $liveKey_id) { id } }'): EventQuery => ({
  field: 'countTaskChanged',
  scopeArgument: 'siteId',
  scope: siteId,
  responseKey: 'c',
  query: text,
  operationName: undefined,
  variables: {},
  variablesFor: ({ key }) => ({ liveKey_id: key.id }),
});
const caller = (subject: string, roles: string[] = ['inventory']): Caller => ({ subject, kind: 'user', roles, scopes: [] });
const event = (id: string, siteId = 'S01'): ChangeEvent => ({
  field: 'countTaskChanged',
  scope: siteId,
  key: { id },
  system: 'inventory',
  seq: 1,
  writtenAt: Date.now(),
});
const tick = () => new Promise((r) => setTimeout(r, 20));

describe('the live executor: sharing, limits, expiry', () => {
  let bus: ChangeBus;
  let executor: LiveExecutor;
  let runs: { query: string; variables: Record<string, unknown>; subject: string }[];
  const execute: EventExecutor = async (request, who) => {
    runs.push({ query: request.query, variables: request.variables, subject: who.subject });
    return { data: { c: { id: request.variables.liveKey_id } } };
  };

  const start = async (limits = {}, now?: () => number) => {
    runs = [];
    bus = localChangeBus();
    executor = createLiveExecutor({ bus, execute, limits, now });
    await executor.start();
  };
  afterEach(async () => {
    await executor?.stop();
    await bus?.close();
  });

  it('runs each event once per distinct query and rights, and delivers it to every subscriber of its field and site only', async () => {
    await start();
    const a = executor.open(query('S01'), { caller: caller('ana') });
    const b = executor.open(query('S01'), { caller: caller('bob') });
    const planner = executor.open(query('S01'), { caller: caller('pia', ['planner']) });
    const otherSite = executor.open(query('S02'), { caller: caller('ana') });
    if (!a.ok || !b.ok || !planner.ok || !otherSite.ok) throw new Error('refused');
    await bus.publish(event('CT1'));
    const answers = await Promise.all([a.results.next(), b.results.next(), planner.results.next()]);
    expect(answers.map((r) => r.value)).toEqual(Array(3).fill({ data: { c: { id: 'CT1' } } }));
    // Ana and Bob have the same rights: one run serves both; the planner's rights get their own.
    expect(runs.map((r) => r.subject).sort()).toEqual(['ana', 'pia']);
    expect(executor.size).toBe(4);
    const pending = otherSite.results.next();
    const raced = await Promise.race([pending, tick().then(() => 'nothing')]);
    expect(raced).toBe('nothing');
    await a.results.return();
    expect(executor.size).toBe(3);
  });

  it('groups subscribers by the rights string it is given: those equal in it share one run per event', async () => {
    runs = [];
    bus = localChangeBus();
    // As the gateway gives it: the rights subgraphs are told of, here the roles without the scopes.
    executor = createLiveExecutor({ bus, execute, rightsOf: (who) => JSON.stringify([who?.kind, who?.roles]) });
    await executor.start();
    const scoped = (subject: string, scopes: string[], roles = ['inventory']): Caller => ({ ...caller(subject, roles), scopes });
    const opened = [
      executor.open(query('S01'), { caller: scoped('ana', ['user:ana']) }),
      executor.open(query('S01'), { caller: scoped('bob', ['user:bob', 'profile']) }),
      executor.open(query('S01'), { caller: scoped('pia', ['user:pia'], ['planner']) }),
    ];
    await bus.publish(event('CT1'));
    for (const o of opened) {
      if (!o.ok) throw new Error('refused');
      expect((await o.results.next()).value).toEqual({ data: { c: { id: 'CT1' } } });
    }
    expect(runs.map((r) => r.subject).sort()).toEqual(['ana', 'pia']);
  });

  it('disconnects a subscriber that lets more events wait than its buffer holds, with a reason', async () => {
    await start({ maxBufferedPerSubscriber: 3 });
    const reasons: string[] = [];
    const slow = executor.open(query('S01'), { caller: caller('slow'), disconnect: (reason) => reasons.push(reason) });
    if (!slow.ok) throw new Error('refused');
    for (const id of ['CT1', 'CT2', 'CT3', 'CT4']) await bus.publish(event(id));
    await tick();
    expect(reasons).toEqual(['SUBSCRIBER_TOO_SLOW: more than 3 answers waiting']);
    const received: FormattedExecutionResult[] = [];
    for await (const result of slow.results) received.push(result);
    // Answers already resolved are still readable, in order; the last word is the reason.
    expect(received.slice(0, -1)).toEqual(
      [{ data: { c: { id: 'CT1' } } }, { data: { c: { id: 'CT2' } } }, { data: { c: { id: 'CT3' } } }].slice(0, received.length - 1),
    );
    expect(received[received.length - 1]).toEqual({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBSCRIBER_TOO_SLOW' }) })],
    });
    expect(executor.size).toBe(0);
  });

  it('ends the subscriptions of a caller who receives more events per second than allowed, and counts subscriptions per caller', async () => {
    const now = 1_000_000;
    await start({ maxEventsPerSecondPerCaller: 2, maxSubscriptionsPerCaller: 1 }, () => now);
    const first = executor.open(query('S01'), { caller: caller('busy') });
    const second = executor.open(query('S01'), { caller: caller('busy') });
    expect(second).toEqual({
      ok: false,
      error: expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) }),
    });
    if (!first.ok) throw new Error('refused');
    for (const id of ['CT1', 'CT2', 'CT3']) await bus.publish(event(id));
    const received: FormattedExecutionResult[] = [];
    for await (const result of first.results) received.push(result);
    // Answers not yet read when it ends are dropped; the last word is the reason.
    expect(received[0]).toEqual({ data: { c: { id: 'CT1' } } });
    expect(received[received.length - 1]).toEqual({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) })],
    });
    expect(received.length).toBeLessThanOrEqual(3);
    // The caller's slot is free again.
    expect(executor.open(query('S01'), { caller: caller('busy') }).ok).toBe(true);
  });

  it('ends a subscription when its token expires, and refuses one whose token has expired', async () => {
    await start();
    const expiring = executor.open(query('S01'), { caller: caller('brief'), expiresAt: Date.now() + 100 });
    if (!expiring.ok) throw new Error('refused');
    const result = await expiring.results.next();
    expect(result.value).toEqual({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })],
    });
    expect((await expiring.results.next()).done).toBe(true);
    expect(executor.open(query('S01'), { caller: caller('late'), expiresAt: Date.now() - 1 }).ok).toBe(false);
  });

  it('completes every subscription when stopped (a draining gateway)', async () => {
    await start();
    const open = executor.open(query('S01'), { caller: caller('ana') });
    if (!open.ok) throw new Error('refused');
    const next = open.results.next();
    await executor.stop();
    expect(await next).toEqual({ value: undefined, done: true });
    expect(executor.size).toBe(0);
  });

  it('withholds an answer about an entity its callers may not see (FORBIDDEN on the entity itself), and delivers the next', async () => {
    runs = [];
    bus = localChangeBus();
    executor = createLiveExecutor({
      bus,
      execute: async (request) =>
        request.variables.liveKey_id === 'PO-OTHER'
          ? { data: { c: null }, errors: [{ message: 'belongs to another supplier', path: ['c'], extensions: { code: 'FORBIDDEN' } }] }
          : { data: { c: { id: request.variables.liveKey_id } } },
    });
    await executor.start();
    const supplier = executor.open(query('V00001'), { caller: { ...caller('V00001', []), kind: 'partner', supplierId: 'V00001' } });
    if (!supplier.ok) throw new Error('refused');
    await bus.publish({ ...event('PO-OTHER'), scope: 'V00001' });
    await bus.publish({ ...event('PO-OWN'), scope: 'V00001' });
    expect((await supplier.results.next()).value).toEqual({ data: { c: { id: 'PO-OWN' } } });
  });

  it('refuses a partner following a supplier it is not bound to, and lets the plant follow any', async () => {
    await start();
    const ofSupplier = (supplierId: string): EventQuery => ({
      ...query(supplierId),
      field: 'purchaseOrderChanged',
      scopeArgument: 'supplierId',
    });
    const partner = { ...caller('key-1', []), kind: 'partner' as const, supplierId: 'V00001' };
    const prying = executor.open(ofSupplier('V00002'), { caller: partner });
    expect(prying.ok).toBe(false);
    if (!prying.ok) {
      expect(prying.error.extensions.code).toBe('FORBIDDEN');
      expect(prying.error.message).toBe(
        'purchaseOrderChanged(supplierId: "V00002"): a caller bound to supplierId "V00001" follows only its own; expected "V00001"',
      );
    }
    const customer = executor.open(ofSupplier('V00001'), { caller: { ...caller('cust', []), customerId: 'C00001' } });
    expect(customer.ok).toBe(false);
    expect(executor.open(ofSupplier('V00001'), { caller: partner }).ok).toBe(true);
    expect(executor.open(ofSupplier('V00002'), { caller: caller('buyer', ['buyer']) }).ok).toBe(true);
  });
});

describe('the live executor: groups and subscribers that fall behind', () => {
  let bus: ChangeBus;
  let executor: LiveExecutor;
  let runs: string[];
  let gate: Promise<void> = Promise.resolve();
  const execute: EventExecutor = async (request) => {
    const id = String(request.variables.liveKey_id);
    runs.push(id);
    const run = runs.length;
    await gate;
    return { data: { c: { id, run } } };
  };
  const stateQuery = (siteId: string): EventQuery => ({ ...query(siteId), field: 'workCenterStateChanged' });
  const stateEvent = (id: string): ChangeEvent => ({ ...event(id), field: 'workCenterStateChanged', system: 'mes' });
  const read = async (results: AsyncGenerator<FormattedExecutionResult, void, undefined>, count: number) => {
    const got: unknown[] = [];
    for (let i = 0; i < count; i++) got.push((await results.next()).value);
    return got;
  };

  beforeEach(async () => {
    runs = [];
    gate = Promise.resolve();
    bus = localChangeBus();
    executor = createLiveExecutor({ bus, execute });
    await executor.start();
  });
  afterEach(async () => {
    await executor.stop();
    await bus.close();
  });

  it('hands an event only to the subscribers open when it came, running it once for the group', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const first = executor.open(query('S01'), { caller: caller('ana') });
    await bus.publish(event('CT1'));
    const late = executor.open(query('S01'), { caller: caller('bob') });
    await bus.publish(event('CT2'));
    if (!first.ok || !late.ok) throw new Error('refused');
    open();
    expect(await read(first.results, 2)).toEqual([{ data: { c: { id: 'CT1', run: 1 } } }, { data: { c: { id: 'CT2', run: 2 } } }]);
    expect(await read(late.results, 1)).toEqual([{ data: { c: { id: 'CT2', run: 2 } } }]);
    expect(runs).toEqual(['CT1', 'CT2']);
  });

  it('does not count events a slow system is still resolving against the subscriber: they wait for the system, not for it', async () => {
    await executor.stop();
    executor = createLiveExecutor({ bus, execute, limits: { maxBufferedPerSubscriber: 3 } });
    await executor.start();
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const reasons: string[] = [];
    const counter = executor.open(query('S01'), { caller: caller('ana'), disconnect: (reason) => reasons.push(reason) });
    if (!counter.ok) throw new Error('refused');
    const reading = read(counter.results, 10);
    for (let n = 1; n <= 10; n++) await bus.publish(event(`CT${n}`));
    await tick();
    expect(reasons).toEqual([]);
    open();
    expect(await reading).toEqual(Array.from({ length: 10 }, (_, i) => ({ data: { c: { id: `CT${i + 1}`, run: i + 1 } } })));
  });

  it("gives a subscriber behind on a latest-state field each entity's newest answer once, in the order of the changes", async () => {
    const screen = executor.open(stateQuery('S01'), { caller: caller('ana') });
    if (!screen.ok) throw new Error('refused');
    for (const id of ['WC1', 'WC2', 'WC1', 'WC3', 'WC2']) await bus.publish(stateEvent(id));
    await tick();
    expect(await read(screen.results, 3)).toEqual([
      { data: { c: { id: 'WC1', run: 3 } } },
      { data: { c: { id: 'WC3', run: 4 } } },
      { data: { c: { id: 'WC2', run: 5 } } },
    ]);
    // Caught up: the next change is handed as it comes.
    const next = screen.results.next();
    await bus.publish(stateEvent('WC1'));
    expect((await next).value).toEqual({ data: { c: { id: 'WC1', run: 6 } } });
  });

  it('keeps every answer of countTaskChanged for a subscriber behind: each status of a count matters', async () => {
    const counter = executor.open(query('S01'), { caller: caller('ana') });
    if (!counter.ok) throw new Error('refused');
    for (const id of ['CT1', 'CT1', 'CT1']) await bus.publish(event(id));
    await tick();
    expect(await read(counter.results, 3)).toEqual([1, 2, 3].map((run) => ({ data: { c: { id: 'CT1', run } } })));
  });
});
