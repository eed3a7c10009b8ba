// type-graphql needs the metadata polyfill before any decorator runs, whichever module loads first.
import 'reflect-metadata';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';

/** Where a command to another system stands. */
export enum CommandStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  PARKED = 'PARKED',
}
registerEnumType(CommandStatus, {
  name: 'CommandStatus',
  description:
    'PENDING: waiting to be sent or re-sent; DELIVERED: the target system applied it; PARKED: failed too often, waits for a retry',
});

// Shareable: every system with an outbox serves this same value type, so the supergraph holds one.
@Directive('@shareable')
@ObjectType({
  description: 'A command one system sends to another through the gateway (transactional outbox), and how its delivery stands.',
})
export class CommandDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'What the command does, e.g. inventory.postAdjustment' })
  type!: string;

  @Field(() => String, { description: 'The system whose state the command changes' })
  targetSystem!: string;

  @Field(() => String, { nullable: true, description: 'What the command is about, e.g. CountTask:CT0000001' })
  subject!: string | null;

  @Field(() => String, { description: 'The key the target system applies once' })
  idempotencyKey!: string;

  @Field(() => CommandStatus)
  status!: CommandStatus;

  @Field(() => Int, { description: 'Failed and successful attempts since the command was enqueued or last retried' })
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => DateTimeScalar, { description: 'When a pending command is sent next' })
  nextAttemptAt!: Date;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt!: Date | null;
}
