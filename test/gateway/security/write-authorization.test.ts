import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildClientSchema,
  getIntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  parse,
} from 'graphql';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import { readAuthorizationRules } from '../../../gateway/security/supergraph-rules';
import { createLogger } from '../../../platform/logger';
import { SYSTEM_NAMES } from '../../../platform/systems';
import { listenOnFreePort, postGraphQL, staticSupergraph, testToken } from '../../support/stack';

/**
 * Who may run each mutation: one rule per mutation, enforced by the gateway from the supergraph.
 * A change here is a change of the plant's rights, reviewed with schema/ROLES.md.
 */
const EXPECTED: Record<string, { roles: string[]; scopes?: string[] }> = {
  releaseWorkOrder: { roles: ['planner'] },
  postInventoryAdjustment: { roles: ['inventory-relay'] },
  changeStockStatus: { roles: ['quality-relay'] },
  confirmPurchaseOrderLine: { roles: ['buyer'], scopes: ['partner:supplier'] },
  dispatchWorkOrder: { roles: ['planner'] },
  reportProduction: { roles: ['operator'] },
  setWorkCenterState: { roles: ['operator', 'maintenance'] },
  updateCustomerProfile: { roles: ['sales'] },
  scheduleCycleCounts: { roles: ['planner', 'inventory-controller'] },
  submitCount: { roles: ['counter'] },
  submitRecount: { roles: ['counter'] },
  approveCount: { roles: ['inventory-controller'] },
  rejectCount: { roles: ['inventory-controller'] },
  retryInventoryCommand: { roles: ['inventory-controller'] },
  recordMeasurements: { roles: ['quality'] },
  makeUsageDecision: { roles: ['quality'] },
  placeQualityHold: { roles: ['quality'] },
  releaseQualityHold: { roles: ['quality'] },
  createNonconformance: { roles: ['quality', 'audits-relay'] },
  dispositionNonconformance: { roles: ['quality'] },
  openCapa: { roles: ['quality'] },
  retryQualityCommand: { roles: ['quality'] },
  scheduleAudit: { roles: ['auditor'] },
  submitAuditResponses: { roles: ['auditor'] },
  closeFinding: { roles: ['auditor'] },
  escalateFinding: { roles: ['auditor'] },
  retryAuditsCommand: { roles: ['auditor'] },
};

const supergraph = readFileSync(path.join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8');

/** A literal of the type, good enough to pass validation (the subgraph here answers nothing). */
function literal(type: GraphQLInputType): string {
  if (isNonNullType(type)) return literal(type.ofType);
  if (isListType(type)) return `[${literal(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const required = Object.values(type.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${required.map((f) => `${f.name}: ${literal(f.type)}`).join(', ')} }`;
  }
  if (type.name === 'Int') return '1';
  if (type.name === 'Float') return '1.5';
  if (type.name === 'Boolean') return 'true';
  return '"2026-01-05"';
}

function mutationOf(field: GraphQLField<unknown, unknown>): string {
  const args = field.args.filter((a) => isNonNullType(a.type)).map((a) => `${a.name}: ${literal(a.type)}`);
  return `mutation { ${field.name}${args.length ? `(${args.join(', ')})` : ''} { __typename } }`;
}

describe('write authorization at the gateway: every mutation declares who may run it', () => {
  let gateway: GatewayServer;
  let subgraphs: Server;
  let url: string;
  let schema: GraphQLSchema;
  const sent: string[] = [];

  beforeAll(async () => {
    // Stands in for every subgraph: records what reaches it and answers with an error.
    subgraphs = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        sent.push(body);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: null, errors: [{ message: 'stand-in subgraph', extensions: { code: 'STAND_IN' } }] }));
      });
    });
    const subgraphUrl = await listenOnFreePort(subgraphs);
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(supergraph),
      subgraphUrls: Object.fromEntries(SYSTEM_NAMES.map((name) => [name, subgraphUrl])),
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
    });
    url = await listenOnFreePort(gateway.httpServer);
    const introspection = await postGraphQL(url, getIntrospectionQuery());
    schema = buildClientSchema(introspection.body.data);
  });
  afterAll(async () => {
    await gateway?.stop();
    await new Promise((resolve) => subgraphs?.close(resolve));
  });

  it('has a rule in the supergraph for every mutation, and this table names them all', () => {
    const { fieldRules } = readAuthorizationRules(parse(supergraph));
    const mutations = Object.keys(schema.getMutationType()!.getFields()).sort();
    expect(mutations).toEqual(Object.keys(EXPECTED).sort());
    for (const name of mutations)
      expect({ name, rule: fieldRules.get(`Mutation.${name}`) }).toEqual({
        name,
        rule: { roles: EXPECTED[name]!.roles, scopes: EXPECTED[name]!.scopes ?? [] },
      });
  });

  describe.each(Object.entries(EXPECTED))('%s', (name, rule) => {
    const run = async (roles: string[], scopes: string[] = []) => {
      sent.length = 0;
      const field = schema.getMutationType()!.getFields()[name]!;
      const authorization = `Bearer ${await testToken({ roles, scopes, subject: `rights-${roles.join('-')}` })}`;
      return postGraphQL(url, mutationOf(field), undefined, { authorization });
    };

    it('is refused to a viewer with FORBIDDEN, and nothing reaches a subgraph', async () => {
      const { status, body } = await run(['viewer']);
      expect(status).toBe(200);
      expect(body.errors).toEqual([
        expect.objectContaining({ path: [name], extensions: expect.objectContaining({ code: 'FORBIDDEN', field: `Mutation.${name}` }) }),
      ]);
      expect(body.errors![0]!.message).toContain(`Mutation.${name}: it needs`);
      expect(sent).toEqual([]);
    });

    const allowed = rule.roles.find((r) => !r.endsWith('-relay'));
    if (allowed) {
      it(`reaches its subgraph for the role ${allowed}`, async () => {
        const { body } = await run([allowed]);
        expect(body.errors?.filter((e) => e.extensions?.code === 'FORBIDDEN')).toEqual([]);
        expect(sent.some((b) => b.includes(name))).toBe(true);
      });
    } else {
      it(`is refused to a user whose token claims ${rule.roles.join(', ')}: only that relay's service identity holds it`, async () => {
        const { body } = await run(rule.roles);
        expect(body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
        expect(sent).toEqual([]);
      });
    }
  });
});
