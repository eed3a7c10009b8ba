import type { GraphQLObjectType } from 'graphql';
import { SERVED_AUDIT_COLUMNS } from '../../../subgraphs/audits/audit/audit.repository';
import { SERVED_FINDING_COLUMNS } from '../../../subgraphs/audits/finding/finding.repository';
import { auditsSystem } from '../../../subgraphs/audits/server';

/**
 * Audits and findings are read for the graph with the columns their types serve only: every field
 * that resolves by default (reads its row's property) must be one of them, or it would answer null.
 */
describe('audits: the columns read for the graph', () => {
  it.each([
    ['Audit', SERVED_AUDIT_COLUMNS],
    ['AuditFinding', SERVED_FINDING_COLUMNS],
  ] as const)('hold every field of %s that reads its row', async (typeName, columns) => {
    const schema = await auditsSystem.buildSchema();
    const fields = Object.values((schema.getType(typeName) as GraphQLObjectType).getFields());
    const readFromRow = fields.filter((field) => !field.resolve).map((field) => field.name);
    expect(readFromRow.length).toBeGreaterThan(3);
    expect(readFromRow.filter((name) => !(columns as readonly string[]).includes(name))).toEqual([]);
  });
});
