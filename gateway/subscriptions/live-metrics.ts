import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../../platform/metrics';

/** What the live subscriptions of this gateway replica do, for /metrics. */
export const liveMetrics = {
  open: new Gauge({
    name: 'plantgraph_live_subscriptions',
    help: 'Live subscriptions open on this gateway replica',
    registers: [registry],
  }),
  connections: new Gauge({
    name: 'plantgraph_live_connections',
    help: 'Live connections open on this gateway replica, by transport',
    labelNames: ['transport'] as const,
    registers: [registry],
  }),
  eventsReceived: new Counter({
    name: 'plantgraph_live_events_received_total',
    help: 'Change events this gateway replica received from the change bus',
    registers: [registry],
  }),
  executions: new Counter({
    name: 'plantgraph_live_executions_total',
    help: 'Event queries run through the gateway pipeline (one per event and distinct selection, variables and caller rights)',
    registers: [registry],
  }),
  delivered: new Counter({
    name: 'plantgraph_live_events_delivered_total',
    help: 'Event answers resolved for subscribers (one per subscriber and event)',
    registers: [registry],
  }),
  superseded: new Counter({
    name: 'plantgraph_live_superseded_total',
    help: 'Answers of latest-state fields replaced, before they were sent, by a newer answer about the same entity',
    registers: [registry],
  }),
  withheld: new Counter({
    name: 'plantgraph_live_withheld_total',
    help: "Event answers not handed to a group because the changed entity is outside the callers' row rules (FORBIDDEN on the entity itself)",
    registers: [registry],
  }),
  refused: new Counter({
    name: 'plantgraph_live_refused_total',
    help: 'Subscriptions refused when opened, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  ended: new Counter({
    name: 'plantgraph_live_ended_total',
    help: 'Subscriptions the gateway ended, by reason (rate_limited, too_slow, token_expired)',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  commitToResolved: new Histogram({
    name: 'plantgraph_live_commit_to_resolved_seconds',
    help: 'From the change written in its transaction to its answer resolved for a subscriber',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  }),
};
