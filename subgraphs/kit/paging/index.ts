/**
 * Paging for every list that grows with the plant's history: Relay connections with keyset
 * cursors. A root list: `readPage(args, keyset)` → `keysetPage(query, keyset, page)` in the
 * repository → `toConnection(rows, page, keyset)`. A nested list: `pagesByParent` in the
 * repository behind a `pageLoaders` loader, then `toConnection` per parent.
 */
import 'reflect-metadata';
export { encodeCursor, decodeCursor, type CursorValue } from './cursor';
export { PageArgs, readPage, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, type Keyset, type KeyKind, type Page } from './page';
export { timestampKey, withInstant } from './timestamp';
export { PageInfo, connectionOf, toConnection, cursorOf, PAGING_FEDERATION_IMPORTS, type Connection, type Edge } from './connection';
export { keysetPage, pagesByParent, pagesByCompositeParent } from './keyset';
export { filteredPageLoaders, pageLoaders } from './loaders';
