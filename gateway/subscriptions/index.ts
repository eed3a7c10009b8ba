import type { ApolloGateway } from '@apollo/gateway';
import type { ApolloServer } from '@apollo/server';
import type { FormattedExecutionResult, GraphQLSchema } from 'graphql';
import { createChangeBus, type ChangeBus } from '../../platform/change-bus';
import type { Logger } from '../../platform/logger';
import type { RightsKey } from '../../platform/sharing';
import { LIVE_EVENT_QUERY } from '../plugins/persisted-documents.plugin';
import { loadLiveConfig, type LiveConfig } from './config';
import type { FrontDoor } from './live-door';
import { createLiveExecutor, type LiveExecutor } from './live-executor';
import { createLiveServer, type LiveServer } from './live-server';

export { loadLiveConfig, type LiveConfig } from './config';
export { subscriptionHttpRefusalPlugin } from './http-refusal.plugin';

export interface GatewayLiveOptions {
  /**
   * Limits, the Redis URL and channel of the change bus.
   * @default loadLiveConfig() (`LIVE_MAX_SUBSCRIPTIONS`, `LIVE_MAX_EVENTS_PER_SECOND`, `LIVE_BUFFER`, `REDIS_URL`, `CHANGE_EVENTS_CHANNEL`)
   */
  config?: LiveConfig;
  /** The change bus; one is created from `config` when absent, and closed with the gateway. */
  bus?: ChangeBus;
  /**
   * Subscribers share an event's execution only with equal keys.
   * @default rightsOf (platform/sharing.ts): every role and scope
   */
  rightsOf?: RightsKey;
}

export interface GatewayLive extends Pick<LiveServer, 'isSse' | 'handleSse' | 'handleUpgrade'> {
  readonly executor: LiveExecutor;
  /** Starts listening to the change bus; call once the server's pipeline is ready. */
  start(apollo: ApolloServer<any>): Promise<void>;
  /** Completes every subscription and closes the live connections (idempotent). */
  stop(): Promise<void>;
}

/**
 * Live subscriptions for one gateway: the schema they are checked against follows the gateway's
 * supergraph, each event is resolved with `apollo.executeOperation` (the same plugins, plan and
 * authorization as a query), and the transports share the gateway's port.
 */
export function createGatewayLive(gateway: ApolloGateway, door: FrontDoor, logger: Logger, options: GatewayLiveOptions = {}): GatewayLive {
  const config = options.config ?? loadLiveConfig();
  const ownBus = !options.bus;
  const bus =
    options.bus ??
    createChangeBus(config.redisUrl, {
      channel: config.channel,
      onError: (err) => logger.warn({ err: err.message }, 'change bus: Redis error'),
    });
  let schema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => (schema = apiSchema));
  let apollo: ApolloServer<any> | undefined;
  const executor = createLiveExecutor({
    bus,
    limits: config.limits,
    rightsOf: options.rightsOf,
    logger,
    execute: async (request, caller): Promise<FormattedExecutionResult> => {
      if (!apollo) throw new Error('the gateway is not started');
      const response = await apollo.executeOperation(request, { contextValue: { caller, [LIVE_EVENT_QUERY]: true } });
      return response.body.kind === 'single'
        ? response.body.singleResult
        : { errors: [{ message: 'incremental delivery is not served to subscribers' }] };
    },
  });
  const server = createLiveServer({ door, schema: () => schema, executor, logger });
  let stopped: Promise<void> | undefined;
  return {
    executor,
    isSse: server.isSse,
    handleSse: server.handleSse,
    handleUpgrade: server.handleUpgrade,
    async start(started) {
      apollo = started;
      await executor.start();
      if (!bus.shared) logger.info('live subscriptions: change events reach this process only (no REDIS_URL)');
    },
    stop() {
      stopped ??= (async () => {
        await server.stop();
        if (ownBus) await bus.close();
      })();
      return stopped;
    },
  };
}
