import { buildSchema, printSchema, type GraphQLObjectType } from 'graphql';
import type { Caller } from '../../../platform/caller';
import { schemaForCaller } from '../../../gateway/security/caller-schema';
import type { AuthorizationRule } from '../../../gateway/security/supergraph-rules';

const api = buildSchema(`
  type Query { material(id: ID!): Material  payroll: Payroll }
  type Mutation { releaseWorkOrder(id: ID!): Boolean }
  type Material { id: ID!  description: String!  standardCost: Float }
  type Payroll { total: Float }
`);
const rule = (...roles: string[]): AuthorizationRule => ({ roles, scopes: [] });
const security = {
  fieldRules: new Map([
    ['Material.standardCost', rule('controller')],
    ['Mutation.releaseWorkOrder', rule('planner')],
  ]),
  typeRules: new Map([['Payroll', rule('hr')]]),
};
const user = (...roles: string[]): Caller => ({ subject: `u-${roles.join('-')}`, kind: 'user', roles, scopes: [] });

describe('the schema a caller introspects', () => {
  it('leaves out the fields and types a caller may not use, and the roots left empty', () => {
    const viewer = schemaForCaller(api, security, user('viewer'));
    expect(Object.keys((viewer.getType('Material') as GraphQLObjectType).getFields())).toEqual(['id', 'description']);
    expect(viewer.getType('Payroll')).toBeUndefined();
    expect(Object.keys(viewer.getQueryType()!.getFields())).toEqual(['material']);
    expect(viewer.getMutationType()).toBeUndefined();
    const planner = schemaForCaller(api, security, user('planner', 'controller'));
    expect(printSchema(planner)).toContain('standardCost: Float');
    expect(Object.keys(planner.getMutationType()!.getFields())).toEqual(['releaseWorkOrder']);
  });

  it('gives an admin the schema itself, and works each set of rights out once', () => {
    expect(schemaForCaller(api, security, user('admin'))).toBe(api);
    expect(schemaForCaller(api, security, user('viewer', 'planner'))).toBe(
      schemaForCaller(api, security, { ...user('planner', 'viewer'), subject: 'someone else' }),
    );
    expect(schemaForCaller(api, security, user('viewer'))).not.toBe(schemaForCaller(api, security, user('planner')));
  });
});
