import { readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { SupergraphManager } from '@apollo/gateway';
import type { Logger } from '../platform/logger';
import { StartupError } from '../platform/listen';

export interface FileSupergraphOptions {
  path: string;
  logger: Logger;
  /**
   * How long to wait after a change before reloading, so that a file being written is read whole.
   * @default 100
   */
  debounceMs?: number;
  /** Called after each reload attempt (tests wait on it). */
  onReload?: (result: { ok: true } | { ok: false; error: Error }) => void;
}

/**
 * A supergraph read from a file and reloaded when the file changes. A new version is swapped
 * in only when it loads; otherwise the error is logged and the running graph keeps serving.
 */
export function fileSupergraph(options: FileSupergraphOptions): SupergraphManager {
  const { path: file, logger, debounceMs = 100, onReload } = options;
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;

  return {
    async initialize({ update }) {
      let current: string;
      try {
        current = readFileSync(file, 'utf8');
      } catch (err) {
        throw new StartupError(
          `gateway: cannot read the supergraph at ${file}: ${(err as Error).message}; run "npm run compose" or set SUPERGRAPH_PATH`,
        );
      }
      const reload = () => {
        let next: string;
        try {
          next = readFileSync(file, 'utf8');
        } catch (err) {
          logger.error({ file, err: (err as Error).message }, 'supergraph file unreadable; keeping the running graph');
          onReload?.({ ok: false, error: err as Error });
          return;
        }
        if (next === current) return;
        try {
          update(next);
          current = next;
          logger.info({ file }, 'supergraph reloaded');
          onReload?.({ ok: true });
        } catch (err) {
          logger.error({ file, err: (err as Error).message }, 'new supergraph failed to load; keeping the running graph');
          onReload?.({ ok: false, error: err as Error });
        }
      };
      // Watch the directory, not the file: editors and `compose` replace the file by renaming.
      watcher = watch(path.dirname(file), (_event, name) => {
        if (name && name !== path.basename(file)) return;
        clearTimeout(timer);
        timer = setTimeout(reload, debounceMs);
      });
      watcher.on('error', (err) => logger.warn({ err: err.message }, 'supergraph watch failed'));
      return {
        supergraphSdl: current,
        cleanup: async () => {
          clearTimeout(timer);
          watcher?.close();
        },
      };
    },
  };
}
