import { PAGE_SIZE_MAX } from '../platform/paging';
import type { Question } from '../questions';
import { addDays, ids, scalePlan } from '../subgraphs/kit/seed/world';
import { problemOf, type GraphqlAnswer, type Variables } from './graphql-client';

/**
 * Variable pools of `--vary`: for each question, up to POOL_SIZE sets of variables taken from the
 * seeded data at the scale being measured, so that concurrent requests ask for different things
 * and no gateway can answer one by merging it with another.
 *
 * Values come from the graph itself, read through this gateway, except the sites, which no root
 * field lists: they are the seed's (subgraphs/kit/seed/world.ts), S01 … for the scale's count.
 */

/**
 * Most variable sets per question. Drawn in turn, 50 values keep any 50 consecutive requests of a
 * question apart, more than the connections of a usual run, while probing them all stays quick.
 */
export const POOL_SIZE = 50;

/** Asks one gateway a question for building the pools. */
export type Ask = (document: string, variables: Variables) => Promise<GraphqlAnswer>;

/** A question's pool, as probed. */
export interface Pool {
  readonly variables: readonly Variables[];
  /** Candidates read from the graph before probing. */
  readonly candidates: number;
  /** The first error a dropped candidate got, for the log. */
  readonly firstProblem?: string;
}

/** Every n-th value, so that at most `size` remain and they span the whole list (deduplicated first). */
export function spread<T>(values: readonly T[], size = POOL_SIZE): T[] {
  const unique = [...new Map(values.map((v) => [JSON.stringify(v), v] as const)).values()];
  if (unique.length <= size) return unique;
  return Array.from({ length: size }, (_, i) => unique[Math.floor((i * unique.length) / size)]!);
}

/** Memoises a pool source: questions sharing one (sites, lots) ask the graph once. */
function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

/** The data of an answer; a pool query that fails stops the run, as its pools would be wrong. */
async function read<T>(ask: Ask, document: string, variables: Variables): Promise<T> {
  const answer = await ask(document, variables);
  const problem = problemOf(answer);
  if (problem)
    throw new Error(
      `building the --vary pools: ${document.replace(/\s+/g, ' ').slice(0, 80)} ${JSON.stringify(variables)} answered: ${problem}`,
    );
  return answer.data as T;
}

/** A page of a connection, as much of it as the pools read. */
interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Every row of the root connection `list` of `document` (which takes `$first` and `$after`),
 * read page by page with the largest page: the pools spread over the whole list, not its start.
 */
async function readAll<T>(ask: Ask, document: string, variables: Variables, list: string): Promise<T[]> {
  const rows: T[] = [];
  let after: string | null = null;
  do {
    const page: Page<T> = (await read<Record<string, Page<T>>>(ask, document, { ...variables, first: PAGE_SIZE_MAX, after }))[list]!;
    rows.push(...page.nodes);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after !== null);
  return rows;
}

const PAGE = 'pageInfo { hasNextPage endCursor }';

const distinct = (values: readonly string[]) => [...new Set(values)].sort();

/** Days from one "YYYY-MM-DD" date to another. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The values pools are made of, each read once and only when a question needs it. */
interface Sources {
  readonly sites: readonly string[];
  customers(): Promise<string[]>;
  /** Lots of every site, with the supplier of the received ones. */
  lots(): Promise<{ id: string; supplier: { id: string } | null }[]>;
  /** Materials with stock at a site (book quantity above zero). */
  stock(): Promise<{ materialId: string; siteId: string }[]>;
  /** Dates of open count tasks (the statuses q10 asks for), per site. */
  countDates(): Promise<{ siteId: string; date: string }[]>;
  /** Dates of audits at a site's work centers. */
  auditDates(): Promise<{ siteId: string; dates: string[] }[]>;
}

function graphSources(scale: number, ask: Ask): Sources {
  const sites = spread(Array.from({ length: scalePlan(scale).sites }, (_, i) => ids.site(i + 1)));
  const perSite = <T>(each: (siteId: string) => Promise<T[]>) => lazy(async () => (await Promise.all(sites.map(each))).flat());
  return {
    sites,
    customers: lazy(async () =>
      (
        await readAll<{ id: string }>(
          ask,
          `query ($first: Int, $after: String) { customers(first: $first, after: $after) { nodes { id } ${PAGE} } }`,
          {},
          'customers',
        )
      ).map((c) => c.id),
    ),
    lots: perSite((siteId) =>
      readAll<{ id: string; supplier: { id: string } | null }>(
        ask,
        `query ($siteId: ID, $first: Int, $after: String) { lots(siteId: $siteId, first: $first, after: $after) { nodes { id supplier { id } } ${PAGE} } }`,
        { siteId },
        'lots',
      ),
    ),
    stock: perSite(async (siteId) =>
      (
        await readAll<{ materialId: string; bookQuantity: number | null }>(
          ask,
          `query ($siteId: ID!, $first: Int, $after: String) { materialSites(siteId: $siteId, first: $first, after: $after) { nodes { materialId bookQuantity } ${PAGE} } }`,
          { siteId },
          'materialSites',
        )
      )
        .filter((m) => (m.bookQuantity ?? 0) > 0)
        .map((m) => ({ materialId: m.materialId, siteId })),
    ),
    countDates: perSite(async (siteId) => {
      const tasks = await readAll<{ scheduledFor: string }>(
        ask,
        `query ($siteId: ID!, $first: Int, $after: String) { countTasks(siteId: $siteId, status: [SCHEDULED, RECOUNT_REQUIRED], first: $first, after: $after) { nodes { scheduledFor } ${PAGE} } }`,
        { siteId },
        'countTasks',
      );
      return distinct(tasks.map((t) => t.scheduledFor)).map((date) => ({ siteId, date }));
    }),
    auditDates: perSite(async (siteId) => {
      // The site's work centers (a plain list), then their audits through the root list, which pages.
      const centers = (
        await read<{ workCenters: { id: string }[] }>(ask, 'query ($siteId: ID!) { workCenters(siteId: $siteId) { id } }', { siteId })
      ).workCenters;
      const audits = await readAll<{ scheduledFor: string }>(
        ask,
        `query ($ids: [ID!], $first: Int, $after: String) { audits(workCenterIds: $ids, first: $first, after: $after) { nodes { scheduledFor } ${PAGE} } }`,
        { ids: centers.map((c) => c.id) },
        'audits',
      );
      return [{ siteId, dates: distinct(audits.map((a) => a.scheduledFor)) }];
    }),
  };
}

/**
 * q05's windows: as long as its fixed one (a month), starting on each audit date of a site whose
 * window still ends within the audit history, so that every window covers as much history as the
 * fixed one and none is cheaper for being mostly empty.
 */
async function auditWindows(sources: Sources, fixed: Variables): Promise<Variables[]> {
  const length = typeof fixed.from === 'string' && typeof fixed.to === 'string' ? daysBetween(fixed.from, fixed.to) : 31;
  const windows: Variables[] = [];
  for (const { siteId, dates } of await sources.auditDates()) {
    const last = dates[dates.length - 1];
    if (!last) continue;
    const full = dates.filter((d) => addDays(d, length) <= addDays(last, 1));
    for (const from of full.length ? full : dates) windows.push({ siteId, from, to: addDays(from, length) });
  }
  return windows;
}

/** Candidate variables per question that takes any; a question not listed keeps its fixed ones. */
const CANDIDATES: Readonly<Record<string, (sources: Sources, fixed: Variables) => Promise<Variables[]>>> = {
  q01: async (s) => s.sites.map((siteId) => ({ siteId })),
  q02: async (s) => s.sites.map((siteId) => ({ siteId })),
  q03: async (s) => (await s.customers()).map((id) => ({ id })),
  q04: async (s) => (await s.lots()).map((lot) => ({ lotId: lot.id })),
  q05: auditWindows,
  q07: async (s) => distinct((await s.lots()).flatMap((lot) => (lot.supplier ? [lot.supplier.id] : []))).map((id) => ({ id })),
  q08: async (s) => (await s.stock()).map(({ materialId, siteId }) => ({ materialId, siteId })),
  q10: async (s) => (await s.countDates()).map(({ siteId, date }) => ({ siteId, date })),
};

/** Runs `work` over `items`, at most `limit` at a time, keeping their order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The candidates of one question, or its fixed variables when it takes none or has no source. */
async function candidatesOf(q: Question, sources: Sources, log: (line: string) => void): Promise<Variables[]> {
  if (Object.keys(q.variables).length === 0) return [q.variables];
  const make = CANDIDATES[q.id];
  if (!make) {
    log(`   ${q.id} ${q.name}: no --vary pool source for its variables; its fixed ones are used`);
    return [q.variables];
  }
  return spread(await make(sources, q.variables));
}

/**
 * Builds the pools of `questions` from the graph and keeps only the variables both gateways
 * answer without errors (each candidate asked once through each).
 */
export async function buildPools(
  questions: readonly Question[],
  scale: number,
  ask: Ask,
  gateways: readonly Ask[],
  log: (line: string) => void,
): Promise<Map<string, Pool>> {
  const sources = graphSources(scale, ask);
  const pools = new Map<string, Pool>();
  for (const q of questions) {
    const candidates = await candidatesOf(q, sources, log);
    const problems = await mapLimit(candidates, 4, async (variables) => {
      for (const gateway of gateways) {
        const problem = problemOf(await gateway(q.document, variables));
        if (problem) return `${JSON.stringify(variables)}: ${problem}`;
      }
      return undefined;
    });
    const kept = candidates.filter((_, i) => problems[i] === undefined);
    const firstProblem = problems.find((p) => p !== undefined);
    pools.set(q.id, { variables: kept, candidates: candidates.length, ...(firstProblem ? { firstProblem } : {}) });
  }
  return pools;
}
