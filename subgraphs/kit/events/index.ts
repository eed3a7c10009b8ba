export { changeEventsMigration } from './change-events.migration';
export {
  CHANGE_KEPT_MS,
  recordChangeEvent,
  type ChangeEventsDatabase,
  type ChangeStream,
  type NewChangeEvent,
} from './change-events.repository';
export { startChangeRelay, type ChangeRelay, type ChangeRelayOptions } from './change-relay';
export { servedByGateway } from './live-fields';
export { AS_OF_CHANGE_DESCRIPTION, entityAsOfChange, type EntityAsOfChange } from './as-of-change';
export { changeStatesMigration } from './change-states.migration';
