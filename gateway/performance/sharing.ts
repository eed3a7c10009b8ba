import type { FetcherRequestInit } from '@apollo/utils.fetcher';
import { requestIdOf } from './subgraph-batcher';
import { operationsMerged, subgraphBatches, subgraphBatchSize, subgraphFetchesMerged } from './sharing-metrics';
import { SharingNotes } from './sharing-notes';
import { traceBatch, traceMergedFetch } from './sharing-trace';

/**
 * Makes sharing observable: each merge and batch moves its metric, leaves a note for every
 * member's own log line, and records a span linked to the members' traces. Subgraph requests are
 * told apart by URL; `system(url, name)` teaches it which system a URL belongs to.
 */
export class SharingObserver {
  readonly notes = new SharingNotes();
  private readonly systems = new Map<string, string>();

  /** Remembers that `url` is `system`'s subgraph. */
  system(url: string, system: string): void {
    if (this.systems.get(url) !== system) this.systems.set(url, system);
  }

  private systemOf(url: string): string {
    return this.systems.get(url) ?? 'unknown';
  }

  readonly operationMerged = (requestId: string | undefined, leaderId: string | undefined): void => {
    operationsMerged.inc();
    this.notes.operationMerged(requestId, leaderId);
  };

  readonly fetchMerged = (url: string, follower: FetcherRequestInit, leader: FetcherRequestInit): void => {
    const system = this.systemOf(url);
    subgraphFetchesMerged.labels(system).inc();
    this.notes.fetchMerged(requestIdOf(follower), requestIdOf(leader));
    traceMergedFetch(system, follower, leader);
  };

  readonly batch = (url: string, members: readonly FetcherRequestInit[]): void => {
    const system = this.systemOf(url);
    subgraphBatches.labels(system).inc();
    subgraphBatchSize.labels(system).observe(members.length);
    this.notes.batched(members.map(requestIdOf));
    traceBatch(system, members);
  };
}
