import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** A saved operation the explorer opens with. */
export interface SavedOperation {
  readonly id: string;
  readonly name: string;
  readonly document: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly partner: boolean;
}

/** What the build writes beside the files: their hashed names and the saved operations. */
export interface ExplorerManifest {
  /** Logical name (`graphiql.js`) → file name with a content hash (`graphiql.3f2a9c1d.js`). */
  readonly files: Readonly<Record<string, string>>;
  readonly operations: readonly SavedOperation[];
}

/** One asset held in memory, ready to serve. */
export interface ExplorerAsset {
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly contentType: string;
}

export interface ExplorerAssets {
  readonly manifest: ExplorerManifest;
  /** Keyed by hashed file name. */
  readonly files: ReadonlyMap<string, ExplorerAsset>;
  /** The URL path of a logical asset, e.g. `/explorer/assets/graphiql.3f2a9c1d.js`. */
  url(logicalName: string): string;
}

export const ASSETS_PATH = '/explorer/assets/';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The repository root: the nearest directory above `from` that holds package.json. */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** Where `npm run build` writes the explorer's files. */
export function defaultAssetsDir(root: string = projectRoot()): string {
  return path.join(root, 'dist', 'explorer');
}

function packageFile(pkg: string, file: string, root: string): string {
  const dir = path.dirname(require.resolve(`${pkg}/package.json`, { paths: [root] }));
  return path.join(dir, file);
}

/** The files the page loads, by logical name: prebuilt browser bundles from npm, and the explorer's own script and styles. */
function sources(root: string): Record<string, string> {
  return {
    'react.js': packageFile('react', 'umd/react.production.min.js', root),
    'react-dom.js': packageFile('react-dom', 'umd/react-dom.production.min.js', root),
    'graphiql.js': packageFile('graphiql', 'graphiql.min.js', root),
    'graphiql.css': packageFile('graphiql', 'graphiql.min.css', root),
    // An ES module without imports of its own; sign-in.js imports it by its logical name.
    'oauth4webapi.js': packageFile('oauth4webapi', 'build/index.js', root),
    'sign-in.js': path.join(root, 'gateway', 'explorer', 'client', 'sign-in.js'),
    'explorer.js': path.join(root, 'gateway', 'explorer', 'client', 'explorer.js'),
    'explorer.css': path.join(root, 'gateway', 'explorer', 'client', 'explorer.css'),
  };
}

function hashedName(logicalName: string, body: Buffer): string {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  const ext = path.extname(logicalName);
  return `${logicalName.slice(0, -ext.length)}.${hash}${ext}`;
}

/** Drops a trailing source-map comment: the maps are not shipped, and a browser would ask for them. */
function withoutSourceMapComment(body: Buffer): Buffer {
  const text = body.toString('utf8');
  const stripped = text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n').replace(/\/\*# sourceMappingURL=\S+ \*\/\s*$/, '\n');
  return stripped === text ? body : Buffer.from(stripped, 'utf8');
}

/**
 * Points a module's relative imports of other assets (`'./oauth4webapi.js'`) at their hashed
 * names; sources are listed so that an imported file comes before its importer.
 */
function withHashedImports(body: Buffer, files: Readonly<Record<string, string>>): Buffer {
  const text = body.toString('utf8');
  const rewritten = text.replace(/(\bfrom\s*['"])\.\/([\w.-]+\.js)(['"])/g, (whole, open: string, name: string, close: string) =>
    files[name] ? `${open}./${files[name]}${close}` : whole,
  );
  return rewritten === text ? body : Buffer.from(rewritten, 'utf8');
}

/**
 * Copies the explorer's files into `outDir` under content-hashed names (so they can be cached for
 * good) and writes `manifest.json` with the saved operations. Runs at build time. The manifest is
 * written last and renamed into place, so a gateway reading the directory meanwhile sees either
 * the old build or the new one, and two builds at once write the same bytes.
 */
export function buildExplorerAssets(outDir: string, operations: readonly SavedOperation[], root: string = projectRoot()): ExplorerManifest {
  const files: Record<string, string> = {};
  mkdirSync(outDir, { recursive: true });
  for (const [logicalName, source] of Object.entries(sources(root))) {
    const body = withHashedImports(withoutSourceMapComment(readFileSync(source)), files);
    const name = hashedName(logicalName, body);
    const target = path.join(outDir, name);
    if (!existsSync(target)) {
      const partial = `${target}.${process.pid}.tmp`;
      writeFileSync(partial, body);
      renameSync(partial, target);
    }
    files[logicalName] = name;
  }
  const manifest: ExplorerManifest = { files, operations };
  const partial = path.join(outDir, `manifest.json.${process.pid}.tmp`);
  writeFileSync(partial, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(partial, path.join(outDir, 'manifest.json'));
  const keep = new Set([...Object.values(files), 'manifest.json']);
  for (const stale of readdirSync(outDir)) {
    // Files of earlier builds only; another build's temporary files are its own.
    if (!keep.has(stale) && !stale.endsWith('.tmp')) rmSync(path.join(outDir, stale), { force: true });
  }
  return manifest;
}

export type LoadAssetsResult = { ok: true; assets: ExplorerAssets } | { ok: false; reason: string };

/** Reads a built explorer directory into memory, compressing each file once. */
export function loadExplorerAssets(dir: string): LoadAssetsResult {
  let manifest: ExplorerManifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ExplorerManifest;
  } catch (err) {
    return { ok: false, reason: `the explorer is not built in ${dir} (${(err as Error).message}); run "npm run build"` };
  }
  const present = new Set(readdirSync(dir));
  const files = new Map<string, ExplorerAsset>();
  for (const [logicalName, name] of Object.entries(manifest.files)) {
    if (!present.has(name))
      return { ok: false, reason: `the explorer build in ${dir} lacks ${name} (${logicalName}); run "npm run build"` };
    const body = readFileSync(path.join(dir, name));
    files.set(name, {
      body,
      gzip: gzipSync(body, { level: 9 }),
      contentType: CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream',
    });
  }
  return {
    ok: true,
    assets: {
      manifest,
      files,
      url: (logicalName) => `${ASSETS_PATH}${manifest.files[logicalName]}`,
    },
  };
}
