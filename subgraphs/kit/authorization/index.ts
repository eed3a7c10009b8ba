export { authorizationPlugin } from './authorization.plugin';
export { authorizedDirective, Permit, type PermitRule } from './permit';
export { readSchemaRules, type SchemaRules } from './schema-rules';
