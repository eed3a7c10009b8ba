import { registerEnumType } from 'type-graphql';

export enum WorkCenterState {
  RUNNING = 'RUNNING',
  IDLE = 'IDLE',
  DOWN = 'DOWN',
  CHANGEOVER = 'CHANGEOVER',
  PLANNED_DOWNTIME = 'PLANNED_DOWNTIME',
}
registerEnumType(WorkCenterState, { name: 'WorkCenterState' });

/** B2MML JobOrderDispatchStatus. */
export enum DispatchStatus {
  WAITING = 'WAITING',
  READY = 'READY',
  RUNNING = 'RUNNING',
  HELD = 'HELD',
  SUSPENDED = 'SUSPENDED',
  COMPLETED = 'COMPLETED',
  ABORTED = 'ABORTED',
  CLOSED = 'CLOSED',
}
registerEnumType(DispatchStatus, { name: 'DispatchStatus' });

/** Physical lifecycle of a lot; quality status is the quality system's. */
export enum LotLifecycleStatus {
  IN_PROCESS = 'IN_PROCESS',
  AVAILABLE = 'AVAILABLE',
  CONSUMED = 'CONSUMED',
  SHIPPED = 'SHIPPED',
  SCRAPPED = 'SCRAPPED',
}
registerEnumType(LotLifecycleStatus, { name: 'LotLifecycleStatus' });

export enum TraceDirection {
  BACKWARD = 'BACKWARD',
  FORWARD = 'FORWARD',
}
registerEnumType(TraceDirection, {
  name: 'TraceDirection',
  valuesConfig: {
    BACKWARD: { description: 'What the lot was made from, recursively' },
    FORWARD: { description: 'Where the lot went, recursively' },
  },
});

/** Orders that are over: nothing can be dispatched or reported on them any more. */
export const FINISHED_DISPATCH: readonly DispatchStatus[] = [DispatchStatus.COMPLETED, DispatchStatus.ABORTED, DispatchStatus.CLOSED];

/** Lot states from which material can still be consumed. */
export const CONSUMABLE_LOT: readonly LotLifecycleStatus[] = [LotLifecycleStatus.AVAILABLE, LotLifecycleStatus.IN_PROCESS];
