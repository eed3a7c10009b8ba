import { ApolloServer } from '@apollo/server';
import { slowOperationPlugin, type SlowOperation } from './slow-operation.plugin';

// CONTRIBUTING.md's "Add a gateway plugin" recipe, followed once: the plugin beside this file is
// written and tested as the recipe says, against a real Apollo Server. The clock is injected
// where timing is asserted, so a busy machine cannot change the outcome.

const typeDefs = 'type Query { fast: Int, slow: Int }';

async function started(plugin: ReturnType<typeof slowOperationPlugin>, resolvers: Record<string, Record<string, () => unknown>>) {
  const server = new ApolloServer({ typeDefs, resolvers, plugins: [plugin] });
  await server.start();
  return server;
}

describe('recipes: a gateway plugin', () => {
  it('reports an operation slower than the threshold by name, with the real clock', async () => {
    const reported: SlowOperation[] = [];
    const server = await started(slowOperationPlugin({ thresholdMs: 50, onSlow: (op) => reported.push(op) }), {
      Query: { slow: () => new Promise<number>((resolve) => setTimeout(() => resolve(2), 120)) },
    });
    try {
      await server.executeOperation({ query: 'query Slow { slow }' });
      expect(reported.map((r) => r.operationName)).toEqual(['Slow']);
      expect(reported[0]!.ms).toBeGreaterThanOrEqual(100);
    } finally {
      await server.stop();
    }
  });

  it("keeps each request's start to itself when requests overlap", async () => {
    let t = 0;
    let entered = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const reported: SlowOperation[] = [];
    const server = await started(slowOperationPlugin({ thresholdMs: 2000, now: () => t, onSlow: (op) => reported.push(op) }), {
      Query: {
        fast: () => 1,
        slow: async () => {
          entered = true;
          await gate;
          t = 5000;
          return 2;
        },
      },
    });
    try {
      // Slow starts at 0 and ends at 5000; Fast starts and ends at 4000, inside it.
      const slow = server.executeOperation({ query: 'query Slow { slow }' });
      while (!entered) await new Promise((resolve) => setImmediate(resolve));
      t = 4000;
      await server.executeOperation({ query: 'query Fast { fast }' });
      release();
      await slow;
      expect(reported).toEqual([{ operationName: 'Slow', ms: 5000 }]);
    } finally {
      await server.stop();
    }
  });

  it('exactly the threshold is not slow, a millisecond more is', async () => {
    for (const [step, expected] of [
      [1000, 0],
      [1001, 1],
    ] as const) {
      let t = 0;
      const reported: SlowOperation[] = [];
      const server = await started(slowOperationPlugin({ thresholdMs: 1000, now: () => (t += step), onSlow: (op) => reported.push(op) }), {
        Query: { fast: () => 1 },
      });
      try {
        await server.executeOperation({ query: '{ fast }' });
        expect(reported).toHaveLength(expected);
      } finally {
        await server.stop();
      }
    }
  });
});
