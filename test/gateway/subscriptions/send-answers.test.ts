import type { FormattedExecutionResult } from 'graphql';
import { sendAnswers } from '../../../gateway/subscriptions/live-server';

/** A subscription's answers, handed out by the test as the live executor would. */
function answers() {
  const queued: FormattedExecutionResult[] = [];
  let waiting: ((r: IteratorResult<FormattedExecutionResult, void>) => void) | undefined;
  let ended = false;
  let returned = 0;
  const results: AsyncGenerator<FormattedExecutionResult, void, undefined> = {
    next() {
      const value = queued.shift();
      if (value) return Promise.resolve({ value, done: false });
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return() {
      returned += 1;
      ended = true;
      waiting?.({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(err) {
      return Promise.reject(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return {
    results,
    push(result: FormattedExecutionResult) {
      const w = waiting;
      waiting = undefined;
      if (w) w({ value: result, done: false });
      else queued.push(result);
    },
    end() {
      ended = true;
      waiting?.({ value: undefined, done: true });
    },
    returned: () => returned,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('sendAnswers', () => {
  it('sends each answer as a graphql-transport-ws next message of its subscription, in order', async () => {
    const source = answers();
    const sent: string[] = [];
    sendAnswers('sub "1"', source.results, (data) => void sent.push(data));
    source.push({ data: { workCenterStateChanged: { id: 'WC1', state: 'RUNNING' } } });
    source.push({
      data: { workCenterStateChanged: null },
      errors: [{ message: 'MES did not answer', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }],
    });
    await settle();
    expect(sent.map((m) => JSON.parse(m))).toEqual([
      { id: 'sub "1"', type: 'next', payload: { data: { workCenterStateChanged: { id: 'WC1', state: 'RUNNING' } } } },
      {
        id: 'sub "1"',
        type: 'next',
        payload: {
          data: { workCenterStateChanged: null },
          errors: [{ message: 'MES did not answer', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }],
        },
      },
    ]);
  });

  it('serializes an answer shared by a group once, whatever the number of its subscribers', async () => {
    let serialized = 0;
    const shared = { data: { toJSON: () => ((serialized += 1), { n: 1 }) } } as unknown as FormattedExecutionResult;
    const sent: string[] = [];
    const sources = Array.from({ length: 50 }, (_, i) => {
      const source = answers();
      sendAnswers(`s${i}`, source.results, (data) => void sent.push(data));
      return source;
    });
    for (const source of sources) source.push(shared);
    await settle();
    expect(sent).toHaveLength(50);
    expect(sent[49]).toBe('{"id":"s49","type":"next","payload":{"data":{"n":1}}}');
    expect(serialized).toBe(1);
  });

  it('ends, so that graphql-ws completes the subscription, only after its last answer was written', async () => {
    const source = answers();
    const sent: string[] = [];
    let written!: () => void;
    const held = sendAnswers('1', source.results, (data) => {
      sent.push(data);
      return new Promise<void>((resolve) => (written = resolve));
    });
    const next = held.next();
    let done = false;
    void next.then(() => (done = true));
    source.push({ data: { a: 1 } });
    source.push({ data: { a: 2 } });
    source.end();
    await settle();
    // The connection has not taken the first answer: the second waits, and so does the end.
    expect(sent).toHaveLength(1);
    expect(done).toBe(false);
    written();
    await settle();
    expect(sent).toHaveLength(2);
    expect(done).toBe(false);
    written();
    await expect(next).resolves.toEqual({ value: undefined, done: true });
    await expect(held.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it("ends the answers when graphql-ws returns (the client's complete, a closed connection) and sends nothing after", async () => {
    const source = answers();
    const sent: string[] = [];
    const held = sendAnswers('1', source.results, (data) => void sent.push(data));
    source.push({ data: { a: 1 } });
    await settle();
    await expect(held.return(undefined)).resolves.toEqual({ value: undefined, done: true });
    expect(source.returned()).toBeGreaterThanOrEqual(1);
    source.push({ data: { a: 2 } });
    await settle();
    expect(sent).toHaveLength(1);
    await expect(held.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('logs and ends when the connection cannot be written to, instead of rejecting unseen', async () => {
    const source = answers();
    const errors: unknown[] = [];
    const logger = { error: (obj: unknown) => void errors.push(obj) } as never;
    const held = sendAnswers(
      '1',
      source.results,
      () => {
        throw new Error('socket gone');
      },
      logger,
    );
    source.push({ data: { a: 1 } });
    await expect(held.next()).resolves.toEqual({ value: undefined, done: true });
    expect(errors).toHaveLength(1);
  });
});
