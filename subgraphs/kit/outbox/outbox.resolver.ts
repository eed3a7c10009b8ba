import type { Kysely } from 'kysely';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { isSystemName } from '../../../platform/systems';
import { STEWARD_ROLES } from '../../../platform/roles';
import { Permit } from '../authorization';
import { badInput, notFound, userError } from '../errors';
import { listCommands, retryParkedCommand } from './outbox.repository';
import { CommandDelivery, CommandStatus } from './outbox.type';

export interface OutboxResolverOptions<TContext> {
  /** Names the root fields: `<system>Commands` and `retry<System>Command`, unique in the supergraph. */
  system: string;
  /** The system's database from its request context. */
  db: (ctx: TContext) => Kysely<any>;
}

/** Builds a system's resolver for its outbox: list commands (parked by default) and retry a parked one. */
export function createOutboxResolver<TContext>(options: OutboxResolverOptions<TContext>): Function {
  const { system } = options;
  const capitalized = system.charAt(0).toUpperCase() + system.slice(1);
  if (!isSystemName(system))
    throw new Error(`outbox of "${system}": not a system of the registry, so no steward role may retry its commands`);
  const steward = STEWARD_ROLES[system];

  @Resolver()
  class OutboxResolver {
    @Query(() => [CommandDelivery], {
      name: `${system}Commands`,
      description: `Commands ${system} sends to other systems, most recently changed first (parked ones unless a status is given)`,
    })
    commands(
      @Arg('status', () => [CommandStatus], { defaultValue: [CommandStatus.PARKED] }) status: CommandStatus[],
      @Arg('limit', () => Int, { defaultValue: 100 }) limit: number,
      @Ctx() ctx: TContext,
    ) {
      if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) throw badInput('limit', `expected 1 to 1000, got ${limit}`);
      return listCommands(options.db(ctx), status, limit);
    }

    @Permit({ roles: [steward] })
    @Mutation(() => CommandDelivery, {
      name: `retry${capitalized}Command`,
      description: `Sends a parked ${system} command again, with a fresh round of attempts`,
    })
    async retry(@Arg('id', () => ID) id: string, @Ctx() ctx: TContext) {
      const outcome = await retryParkedCommand(options.db(ctx), id);
      if (outcome.ok) return outcome.command;
      if (outcome.reason === 'NOT_FOUND') throw notFound('Command', id);
      throw userError('INVALID_STATE', `command "${id}" is ${outcome.status}; only a PARKED command can be retried`, {
        status: outcome.status,
      });
    }
  }
  return OutboxResolver;
}
