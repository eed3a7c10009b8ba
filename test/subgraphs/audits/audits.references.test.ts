import { dbQueryCount } from '../../../platform/metrics';
import type { AuditsDatabase } from '../../../subgraphs/audits/db';
import { auditsSystem } from '../../../subgraphs/audits/server';
import { auditEscalations } from '../../../subgraphs/kit/seed/quality-world';
import { scalePlan } from '../../../subgraphs/kit/seed/world';
import { createSystemServer } from '../../../subgraphs/kit/system';
import type { SubgraphServer } from '../../../subgraphs/kit/server';
import { createTestDatabase, type TestDatabase } from '../../support/databases';
import { listenOnFreePort, postGraphQL } from '../../support/stack';

const ENTITIES = `query ($representations: [_Any!]!, $from: Date, $to: Date) {
  _entities(representations: $representations) {
    ... on WorkCenter { id audits(from: $from, to: $to) { nodes { id layer status conformanceRate findings { id status nonconformance { id } } } } layer1: audits(layer: 1, first: 200) { nodes { id } } }
    ... on Audit { id auditType workCenter { id } findings { id severity } }
  }
}`;

describe('audits seed and reference resolvers', () => {
  let db: TestDatabase<AuditsDatabase>;
  let server: SubgraphServer;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase(auditsSystem, { seed: true });
    server = await createSystemServer(auditsSystem, db.database);
    url = await listenOnFreePort(server.httpServer);
  });
  afterAll(async () => {
    await server.stop();
    await db.drop();
  });

  async function entities(representations: object[], variables: Record<string, unknown> = {}) {
    const before = await dbQueryCount('audits');
    const response = await postGraphQL(url, ENTITIES, { representations, ...variables });
    expect(response.body.errors).toBeUndefined();
    return { entities: response.body.data._entities as any[], statements: (await dbQueryCount('audits')) - before };
  }

  it('seeds about 1,600 audits on WC001…WC020, layers 1 to 3, with findings, escalated ones linked to the NCR ids quality seeds', async () => {
    const q = db.database.db;
    const audits = await q.selectFrom('audits').selectAll().execute();
    expect(audits).toHaveLength(1_600);
    expect(new Set(audits.map((a) => a.workCenterId))).toEqual(
      new Set(Array.from({ length: 20 }, (_, i) => `WC${String(i + 1).padStart(3, '0')}`)),
    );
    expect(new Set(audits.map((a) => a.layer))).toEqual(new Set([1, 2, 3, null]));
    expect(new Set(audits.map((a) => a.status))).toEqual(new Set(['SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'MISSED']));
    const findings = await q.selectFrom('auditFindings').selectAll().execute();
    expect(findings.length).toBeGreaterThan(300);
    const linked = findings.filter((f) => f.nonconformanceId !== null);
    const escalations = auditEscalations(scalePlan(1));
    expect(linked.map((f) => [f.id, f.nonconformanceId]).sort()).toEqual(escalations.map((e) => [e.findingId, e.nonconformanceId]).sort());
    expect(linked.length).toBeGreaterThan(5);
    // Completed audits' rate is conforming answers over questions checked.
    const audit = audits.find((a) => a.status === 'COMPLETED' && findings.some((f) => f.auditId === a.id))!;
    const answers = await q.selectFrom('auditResponses').selectAll().where('auditId', '=', audit.id).execute();
    expect(audit.conformanceRate).toBeCloseTo(answers.filter((r) => r.conforming).length / answers.length, 4);
    expect(
      findings
        .filter((f) => f.auditId === audit.id)
        .map((f) => f.question)
        .sort(),
    ).toEqual(
      answers
        .filter((r) => !r.conforming)
        .map((r) => r.question)
        .sort(),
    );
  });

  it('sends as many statements for 10 work centers or audits as for 200, with the values of the database', async () => {
    const centers = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        __typename: 'WorkCenter',
        id: `WC${String((i % 20) + 1).padStart(3, '0')}${i >= 20 ? `-${i}` : ''}`,
      }));
    const range = { from: '2026-09-01', to: '2026-09-30' };
    const ten = await entities(centers(10), range);
    const twoHundred = await entities(centers(200), range);
    expect(ten.statements).toBe(twoHundred.statements);
    expect(ten.statements).toBeLessThanOrEqual(3);

    const rows = await db.database.db
      .selectFrom('audits')
      .selectAll()
      .where('workCenterId', '=', 'WC001')
      .where('scheduledFor', '>=', range.from)
      .where('scheduledFor', '<=', range.to)
      .orderBy('scheduledFor')
      .orderBy('id')
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(ten.entities[0].audits.nodes.map((a: { id: string }) => a.id)).toEqual(rows.map((r) => r.id));
    const layer1 = await db.database.db
      .selectFrom('audits')
      .select('id')
      .where('workCenterId', '=', 'WC001')
      .where('layer', '=', 1)
      .orderBy('scheduledFor')
      .orderBy('id')
      .execute();
    expect(layer1.length).toBeLessThanOrEqual(200);
    expect(ten.entities[0].layer1.nodes.map((a: { id: string }) => a.id)).toEqual(layer1.map((r) => r.id));

    const audits = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ __typename: 'Audit', id: `AU${String(1_600 - i * 3).padStart(7, '0')}` }));
    const a10 = await entities(audits(10));
    const a200 = await entities(audits(200));
    expect(a10.statements).toBe(a200.statements);
    expect(a200.entities.map((a) => a.id)).toEqual(audits(200).map((a) => a.id));
  });
});
