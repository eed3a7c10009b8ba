import { SYSTEM_NAMES, type SystemName } from './systems';

/**
 * The roles of people in a plant, as the identity provider puts them in a token's `roles` claim.
 * Which mutation and which protected field each may use is declared where the field is defined
 * (`@authorized`); `schema/ROLES.md` is the matrix, generated from those declarations.
 */
export const USER_ROLES = Object.freeze({
  admin: 'Runs the plant graph: passes every rule',
  viewer: 'Reads the graph; changes nothing',
  planner: 'Production planning: releases and dispatches work orders, schedules cycle counts',
  operator: 'Shop floor: reports production, reports a work center down',
  maintenance: 'Maintenance: sets work center states',
  counter: 'Warehouse: records counts and recounts',
  'inventory-controller': "Warehouse lead: approves or rejects counts, retries inventory's parked commands",
  quality: 'Quality assurance: inspections, holds, nonconformances, CAPA',
  auditor: 'Operational excellence: layered process audits and findings',
  finance: 'Finance: reads costs and values',
  sales: 'Sales: customer profiles',
  buyer: 'Purchasing: confirms delivery dates of purchase order lines for a supplier',
} as const);

export type UserRole = keyof typeof USER_ROLES;

/**
 * The role of the team that stewards each system's data (the `steward` of the systems registry):
 * it may send the system's parked outbox commands again.
 */
export const STEWARD_ROLES: Readonly<Record<SystemName, UserRole>> = Object.freeze({
  erp: 'finance',
  mes: 'planner',
  crm: 'sales',
  inventory: 'inventory-controller',
  quality: 'quality',
  audits: 'auditor',
});

/** The role a system's outbox relay holds: its rights are exactly the mutations its hand-offs call. */
export function relayRole(system: string): string {
  return `${system}-relay`;
}

/** Every relay role (`<system>-relay`), whether or not the system has an outbox. */
export const RELAY_ROLES: readonly string[] = Object.freeze(SYSTEM_NAMES.map(relayRole));

/** A role a rule may name: a user role or a relay role. */
export type Role = UserRole | `${SystemName}-relay`;

/** Whether a role belongs to a relay: such a role counts only for a service caller, never in a user's token. */
export function isRelayRole(role: string): boolean {
  return RELAY_ROLES.includes(role);
}

/** Whether a name is a role this project knows (rules naming anything else are a mistake). */
export function isKnownRole(name: string): boolean {
  return Object.hasOwn(USER_ROLES, name) || RELAY_ROLES.includes(name);
}
