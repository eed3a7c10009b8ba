import { escapeXml } from './authority-page';
import type { ExplorerAssets, SavedOperation } from './assets';
import type { SignInPageConfig } from './sign-in';

/** What the page's script needs to know, embedded in the page as JSON. */
export interface ExplorerPageConfig {
  readonly endpoint: string;
  readonly planEndpoint: string;
  readonly authorityEndpoint: string;
  readonly authorityPage: string;
  /** Field usage over a window (`?since=30d[&field=Type.field]`). */
  readonly usageEndpoint: string;
  readonly operations: readonly SavedOperation[];
  /** Headers every request carries (a development token under `npm start`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Sign-in with the plant's identity provider, or why it is unavailable now; absent when not configured. */
  readonly signIn?: SignInPageConfig | { readonly unavailable: string };
}

/** JSON that is safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The explorer's HTML: GraphiQL and the explorer's panels, every file served by the gateway itself. */
export function renderExplorerPage(assets: ExplorerAssets, config: ExplorerPageConfig): string {
  const css = (name: string) => `<link rel="stylesheet" href="${escapeXml(assets.url(name))}">`;
  const js = (name: string) => `<script src="${escapeXml(assets.url(name))}"></script>`;
  // Modules run in document order after the classic scripts: sign-in is set up before the explorer reads it.
  const esm = (name: string) => `<script type="module" src="${escapeXml(assets.url(name))}"></script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Plantgraph explorer</title>
${css('graphiql.css')}
${css('explorer.css')}
</head>
<body>
<div id="explorer"><noscript>The Plantgraph explorer needs JavaScript.</noscript></div>
<script type="application/json" id="plantgraph-config">${scriptJson(config)}</script>
${js('react.js')}
${js('react-dom.js')}
${js('graphiql.js')}
${esm('sign-in.js')}
${esm('explorer.js')}
</body>
</html>
`;
}
