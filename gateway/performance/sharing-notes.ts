import { setBounded } from '../../platform/bounded-map';

/** What happened to one operation's work because it was shared with others. */
export interface SharingNote {
  /** The request id of the identical query whose result this one got at the front door. */
  mergedInto?: string;
  /** Subgraph fetches of this operation that went inside a combined request. */
  batched: number;
  /** Subgraph fetches of this operation answered by another operation's fetch in flight. */
  fetchesMerged: number;
  /** Request ids whose subgraph requests carried this operation's merged work (at most `MAX_SHARED_WITH`). */
  sharedWith: string[];
}

const MAX_SHARED_WITH = 8;

/**
 * Notes, per request id, of the sharing that happened to an operation, for its own log line.
 * Informational only: a note never changes an answer. Written only when something is shared,
 * taken (and forgotten) by the logging plugin when the operation answers; bounded, so notes of
 * operations that never answer cannot pile up. Two callers that send the same `x-request-id`
 * share a note.
 */
export class SharingNotes {
  private readonly notes = new Map<string, SharingNote>();

  constructor(private readonly capacity = 10_000) {}

  private noteOf(requestId: string): SharingNote {
    let note = this.notes.get(requestId);
    if (!note) {
      note = { batched: 0, fetchesMerged: 0, sharedWith: [] };
      setBounded(this.notes, requestId, note, this.capacity);
    }
    return note;
  }

  private sharedWith(note: SharingNote, other: string | undefined): void {
    if (other && note.sharedWith.length < MAX_SHARED_WITH && !note.sharedWith.includes(other)) note.sharedWith.push(other);
  }

  /** The query with `requestId` got the result of the one with `leaderId`. */
  operationMerged(requestId: string | undefined, leaderId: string | undefined): void {
    if (!requestId) return;
    const note = this.noteOf(requestId);
    note.mergedInto = leaderId;
    this.sharedWith(note, leaderId);
  }

  /** A fetch of `requestId` was answered by the fetch of `leaderId` in flight. */
  fetchMerged(requestId: string | undefined, leaderId: string | undefined): void {
    if (!requestId) return;
    const note = this.noteOf(requestId);
    note.fetchesMerged += 1;
    this.sharedWith(note, leaderId);
  }

  /** One fetch of each of `requestIds` went in one combined request. */
  batched(requestIds: readonly (string | undefined)[]): void {
    for (const id of requestIds) if (id) this.noteOf(id).batched += 1;
  }

  /** The note of `requestId`, forgotten as it is read; undefined when nothing of it was shared. */
  take(requestId: string | undefined): SharingNote | undefined {
    if (!requestId || this.notes.size === 0) return undefined;
    const note = this.notes.get(requestId);
    if (note) this.notes.delete(requestId);
    return note;
  }
}
