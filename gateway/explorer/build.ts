import { loadQuestions } from '../../questions';
import { buildExplorerAssets, defaultAssetsDir, projectRoot, type SavedOperation } from './assets';

/** The ten questions as the explorer's saved operations. */
export function savedOperations(): SavedOperation[] {
  return loadQuestions().map(({ id, name, document, variables, partner }) => ({ id, name, document, variables, partner }));
}

/**
 * `node dist/gateway/explorer/build.js`: writes the explorer's files to dist/explorer (run by
 * `npm run build`). Silent on success: commands that print a token run the build first.
 */
function main(): void {
  const root = projectRoot();
  buildExplorerAssets(defaultAssetsDir(root), savedOperations(), root);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`explorer build failed: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
