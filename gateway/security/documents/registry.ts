import type { Kysely } from 'kysely';
import { Counter } from 'prom-client';
import { registry } from '../../../platform/metrics';
import type { Logger } from '../../../platform/logger';
import type { GatewayDatabase } from '../partners/partner-key.repository';
import type { TrustedDocument } from '../trusted-documents';
import { activeDocuments, documentsVersion } from './document.repository';

export interface DocumentRegistryOptions {
  db: Kysely<GatewayDatabase>;
  logger: Logger;
  /** Called with the active documents at start and after every publish or revoke seen. */
  onChange(documents: readonly TrustedDocument[]): void;
  /**
   * How often the table's version is read: a publish or revoke reaches this replica within it.
   * @default 2_000
   */
  pollMs?: number;
}

export interface DocumentRegistry {
  /** Reads the documents now (at start, and in tests instead of waiting for the poll). */
  refresh(): Promise<void>;
  stop(): void;
}

const reloads = new Counter({
  name: 'plantgraph_gateway_partner_documents_reloads_total',
  help: 'Reloads of the partner documents after a publish or revoke, and failed polls',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

/**
 * Follows the partner documents in the gateway database: one cheap statement per poll reads a
 * version (row count and last change); the documents are read again only when it moves. When
 * the database does not answer, the documents last read keep serving.
 */
export function createDocumentRegistry(options: DocumentRegistryOptions): DocumentRegistry {
  const { db, logger, onChange, pollMs = 2_000 } = options;
  let version: string | undefined;
  let lastWarning = 0;
  let running: Promise<void> | undefined;
  const load = async () => {
    const next = await documentsVersion(db);
    if (next === version) return;
    const rows = await activeDocuments(db);
    onChange(rows.map((r) => ({ name: r.name, scopes: r.scopes, query: r.body })));
    if (version !== undefined) logger.info({ documents: rows.length }, 'partner documents changed');
    version = next;
    reloads.inc({ outcome: 'changed' });
  };
  const refresh = () => (running ??= load().finally(() => (running = undefined)));
  const timer = setInterval(() => {
    refresh().catch((err: Error) => {
      reloads.inc({ outcome: 'failed' });
      if (Date.now() - lastWarning < 30_000) return;
      lastWarning = Date.now();
      logger.warn({ err: err.message }, 'partner documents: cannot read the gateway database; the documents last read keep serving');
    });
  }, pollMs);
  timer.unref();
  return { refresh, stop: () => clearInterval(timer) };
}
