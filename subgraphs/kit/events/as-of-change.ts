import type { Kysely } from 'kysely';
import { badInput, userError } from '../errors';
import { CHANGE_KEPT_MS, findStateAsOfChange, type ChangeStream } from './change-events.repository';

const KEPT = `a change is kept ${CHANGE_KEPT_MS / 60_000} minutes after it is published`;

/** The description of `asOfChange`, the argument a query field by key takes to answer for its entity as of a change. */
export const AS_OF_CHANGE_DESCRIPTION = `The entity as the change with this number left it, instead of as it is now. The gateway passes it when it resolves a live event, so that an event shows the state its change committed; ${KEPT}`;

const CHANGE_NUMBER = /^[1-9][0-9]{0,17}$/;

export interface EntityAsOfChange<Row> {
  /** The live field whose events kept the row, and the owner's table it was taken from. */
  stream: ChangeStream;
  /** The change number asked for (`asOfChange`). */
  change: string;
  /** The entity asked for, for the check and the error. */
  type: string;
  id: string;
  matches: (row: Row) => boolean;
}

/**
 * The entity as change `change` left it, read from the row its event kept. A change of another
 * entity, or one no longer kept, is NOT_FOUND: an answer is never about an entity other than the
 * one asked for. One statement; the gateway asks for one entity per event.
 */
export async function entityAsOfChange<Row>(db: Kysely<any>, asked: EntityAsOfChange<Row>): Promise<Row> {
  if (!CHANGE_NUMBER.test(asked.change)) {
    throw badInput('asOfChange', `expected the number of a change (1 to 18 digits), got "${asked.change.slice(0, 40)}"`);
  }
  const row = await findStateAsOfChange<Row>(db, asked.stream, asked.change);
  if (!row || !asked.matches(row)) {
    throw userError('NOT_FOUND', `${asked.type} "${asked.id}" has no change ${asked.change} kept (${KEPT})`, {
      type: asked.type,
      id: asked.id,
      asOfChange: asked.change,
    });
  }
  return row;
}
