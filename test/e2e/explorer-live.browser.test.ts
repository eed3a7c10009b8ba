import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildExplorerAssets, defaultAssetsDir } from '../../gateway/explorer/assets';
import { savedOperations } from '../../gateway/explorer/build';
import { liveMetrics } from '../../gateway/subscriptions/live-metrics';
import { localChangeBus, type ChangeBus } from '../../platform/change-bus';
import { implementedSystems } from '../../subgraphs/catalog';
import { startChangeRelay, type ChangeRelay } from '../../subgraphs/kit/events';
import { postGraphQL, startTestStack, testToken, type TestStack } from '../support/stack';
import { ARTIFACTS, describeWithBrowser, editorText, eventually, launchOfflineBrowser } from '../support/browser';

// Across systems: the count's status from inventory, the book quantity and the description from ERP.
const COUNTER_WORKLIST = `subscription CounterWorklist($siteId: ID!) {
  countTaskChanged(siteId: $siteId) {
    id
    status
    countedQuantity
    materialSite { materialId bookQuantity material { description } }
  }
}`;

type CountTaskEvent = {
  data?: {
    countTaskChanged: {
      id: string;
      status: string;
      countedQuantity: number;
      materialSite: { materialId: string; bookQuantity: number; material: { description: string } };
    };
  };
  errors?: unknown[];
};

const openSubscriptions = async () => (await liveMetrics.open.get()).values[0]?.value ?? 0;

describeWithBrowser("the explorer's live browser test")('the explorer runs a subscription in GraphiQL', () => {
  let stack: TestStack;
  let bus: ChangeBus;
  let relay: ChangeRelay;
  let browser: Browser;
  let page: Page;
  let origin: string;
  let outside: string[] = [];
  const pageErrors: string[] = [];
  const streams: Record<string, string>[] = [];
  const streamBodies: { operationName?: string | null }[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The page under test is the current source's: build it as `npm run build` would.
    buildExplorerAssets(defaultAssetsDir(), savedOperations());
    bus = localChangeBus();
    // As under `plantgraph start`: the page carries a development token, authentication stays on.
    stack = await startTestStack(implementedSystems(), {
      explorer: { headers: async () => ({ authorization: `Bearer ${await testToken({ roles: ['admin'], subject: 'explorer' })}` }) },
      live: {
        bus,
        config: {
          limits: { maxSubscriptionsPerCaller: 5, maxEventsPerSecondPerCaller: 200, maxBufferedPerSubscriber: 64 },
          channel: 'unused',
        },
      },
    });
    origin = new URL(stack.gatewayUrl).origin;
    relay = startChangeRelay({ system: 'inventory', database: stack.databases.inventory!.database, bus, pollMs: 200 });
    let context: BrowserContext;
    ({ browser, context, outside } = await launchOfflineBrowser({
      context: { viewport: { width: 1280, height: 800 } },
      onLoopbackRequest: (request) => {
        if (
          request.method() === 'POST' &&
          new URL(request.url()).pathname === '/graphql' &&
          /event-stream/.test(request.headers().accept ?? '')
        ) {
          streams.push(request.headers());
          streamBodies.push(JSON.parse(request.postData() ?? '{}') as { operationName?: string | null });
        }
      },
    }));
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
    await stack?.stop();
    await bus?.close();
  });

  /** Scheduled count tasks of S01, in order. */
  async function scheduledTasks(count: number): Promise<{ id: string; materialId: string }[]> {
    return (stack.databases.inventory!.database.db as any)
      .selectFrom('countTasks')
      .select(['id', 'materialId'])
      .where('status', '=', 'SCHEDULED')
      .where('siteId', '=', 'S01')
      .orderBy('id')
      .limit(count)
      .execute();
  }

  const bookOf = async (materialId: string): Promise<number> =>
    Number(
      (
        await (stack.databases.erp!.database.db as any)
          .selectFrom('materialSites')
          .select('bookQuantity')
          .where('materialId', '=', materialId)
          .where('siteId', '=', 'S01')
          .executeTakeFirstOrThrow()
      ).bookQuantity,
    );

  /** Counts a task through the graph, over HTTP, as a counter's handheld would. */
  async function submitCount(taskId: string, quantity: number): Promise<void> {
    const { body } = await postGraphQL(
      stack.gatewayUrl,
      'mutation ($id: ID!, $q: Float!) { submitCount(taskId: $id, countedQuantity: $q, countedBy: "ana.ruiz") { id status } }',
      { id: taskId, q: quantity },
    );
    expect(body.errors).toBeUndefined();
  }

  /** The result pane once it shows the event of `taskId`. */
  async function eventShown(taskId: string): Promise<CountTaskEvent> {
    const text = await eventually(
      () => editorText(page, '.result-window'),
      (t) => t.includes(`"${taskId}"`),
      20_000,
    );
    if (!text.includes(`"${taskId}"`))
      throw new Error(`the result pane never showed ${taskId}; it shows: ${text.slice(0, 500)}; page errors: ${pageErrors.join('; ')}`);
    return JSON.parse(text) as CountTaskEvent;
  }

  it('shows each event in the result pane as the graph changes, with the page’s token, and frees the subscription when stopped', async () => {
    await page.goto(`${origin}/graphql`, { waitUntil: 'load' });
    await page.locator('[data-testid=sources-panel]').waitFor({ timeout: 30_000 });
    // q01's tab becomes the counter's worklist; its variables ({ "siteId": "S01" }) stay.
    await page
      .locator('.graphiql-query-editor .CodeMirror')
      .first()
      .evaluate((element, query) => {
        (element as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(query);
      }, COUNTER_WORKLIST);
    expect(JSON.parse(await editorText(page, '.graphiql-editor-tool'))).toEqual({ siteId: 'S01' });
    expect(await openSubscriptions()).toBe(0);
    await page.locator('.graphiql-execute-button').click();
    // Held by the gateway before anything changes.
    expect(await eventually(openSubscriptions, (n) => n === 1, 20_000)).toBe(1);

    // The page opened a GraphQL over SSE stream with the token it sends with queries.
    expect(streams).toHaveLength(1);
    expect(streams[0]!.authorization).toMatch(/^Bearer \S+$/);
    expect(streams[0]!['content-type']).toBe('application/json');

    const [first, second] = (await scheduledTasks(2)) as [{ id: string; materialId: string }, { id: string; materialId: string }];
    for (const [task, offset] of [
      [first, 7],
      [second, -3],
    ] as const) {
      const book = await bookOf(task.materialId);
      await submitCount(task.id, book + offset);
      const shown = await eventShown(task.id);
      expect(shown.errors).toBeUndefined();
      // Inventory's status and count; ERP's book quantity as ERP's database holds it.
      expect(shown.data!.countTaskChanged).toEqual({
        id: task.id,
        status: 'COUNTED',
        countedQuantity: book + offset,
        materialSite: { materialId: task.materialId, bookQuantity: book, material: { description: expect.any(String) } },
      });
      expect(shown.data!.countTaskChanged.materialSite.material.description.length).toBeGreaterThan(0);
    }
    // The Sources panel follows it: two answers so far, each from inventory and ERP.
    const live = page.locator('[data-testid=live-answer]');
    await page.locator('[data-testid=live-answer][data-state=live][data-events="2"]').waitFor({ timeout: 15_000 });
    expect(await live.locator('strong').innerText()).toBe('CounterWorklist');
    expect(
      await eventually(
        () => live.locator('[data-system]').evaluateAll((chips) => chips.map((c) => c.getAttribute('data-system'))),
        (systems) => systems.length === 2,
      ),
    ).toEqual(['inventory', 'erp']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'explorer-subscription.png') });
    // Still one stream: the second event came on the same subscription.
    expect(streams).toHaveLength(1);

    // The run button stops it: the page closes its stream and the gateway lets the subscription go.
    await page.locator('.graphiql-execute-button').click();
    expect(await eventually(openSubscriptions, (n) => n === 0, 15_000)).toBe(0);
    await page.locator('[data-testid=live-answer][data-state=ended][data-events="2"]').waitFor({ timeout: 5_000 });
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('lets a page on the gateway’s own origin open a WebSocket too: the Origin check admits it, the token in connection_init', async () => {
    const token = await testToken({ roles: ['admin'], subject: 'explorer' });
    const url = `${origin.replace(/^http:/, 'ws:')}/graphql`;
    // Run in the page, with its Origin and its Content-Security-Policy ("connect-src 'self'").
    const outcome = await page.evaluate(`new Promise((resolve) => {
      const socket = new WebSocket(${JSON.stringify(url)}, 'graphql-transport-ws');
      socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: ${JSON.stringify(`Bearer ${token}`)} } }));
      socket.onmessage = (event) => { resolve(JSON.parse(event.data).type); socket.close(1000); };
      socket.onclose = (event) => resolve('closed ' + event.code);
    })`);
    expect(outcome).toBe('connection_ack');
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('shows the gateway’s refusal of a subscription in the result pane', async () => {
    // An unknown live field is refused with the validation error, not a stream.
    await page
      .locator('.graphiql-query-editor .CodeMirror')
      .first()
      .evaluate((element) => {
        (element as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(
          'subscription { countTaskChanged(siteId: "S01") { id noSuchField } }',
        );
      });
    await page.locator('.graphiql-execute-button').click();
    const text = await eventually(
      () => editorText(page, '.result-window'),
      (t) => t.includes('noSuchField'),
      15_000,
    );
    const shown = JSON.parse(text) as { errors?: { message: string; extensions?: { code?: string } }[] };
    expect(shown.errors?.[0]?.message).toMatch(/noSuchField/);
    expect(shown.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // Asked as a stream, refused before one opened.
    expect(streams).toHaveLength(2);
    // Without the previous tab's operation name, which this document does not hold.
    expect(streamBodies[1]!.operationName ?? null).toBeNull();
    await page.locator('[data-testid=live-answer][data-state=ended][data-events="1"] .pg-warn').waitFor({ timeout: 5_000 });
    expect(await openSubscriptions()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
