import type { AuthorityMap, FieldAuthority } from './authority-map';

/** Escapes text for HTML and SVG content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

// Seven columns fit a 1440-pixel screen; field names up to 26 characters fit a column.
const LAYOUT = {
  typeColumn: 170,
  systemColumn: 172,
  header: 78,
  line: 16,
  padding: 8,
  gap: 6,
  maxChars: 26,
} as const;

const COLORS = {
  record: { header: '#1f4e79', cell: '#e8f0f8', text: '#ffffff' },
  engagement: { header: '#8a5a00', cell: '#fdf3e1', text: '#ffffff' },
  other: { header: '#555555', cell: '#f2f2f2', text: '#ffffff' },
} as const;

function palette(kind: string | undefined) {
  return kind === 'record' ? COLORS.record : kind === 'engagement' ? COLORS.engagement : COLORS.other;
}

function clip(text: string): string {
  return text.length > LAYOUT.maxChars ? `${text.slice(0, LAYOUT.maxChars - 1)}…` : text;
}

/** Query and Mutation first, then the other types alphabetically. */
function typeOrder(a: string, b: string): number {
  const rank = (t: string) => (t === 'Query' ? 0 : t === 'Mutation' ? 1 : 2);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/**
 * The authority map as one SVG: a row per type, a column per system (systems of record, then of
 * engagement), each cell the fields that system owns; key fields, which every holder shares, sit
 * under the type's name.
 */
export function renderAuthoritySvg(map: AuthorityMap): string {
  const systems = [...map.systems].sort((a, b) => Number(a.kind !== 'record') - Number(b.kind !== 'record'));
  const byType = new Map<string, FieldAuthority[]>();
  for (const field of map.fields) byType.set(field.type, [...(byType.get(field.type) ?? []), field]);
  const types = [...byType.keys()].sort(typeOrder);

  const width = LAYOUT.typeColumn + systems.length * (LAYOUT.systemColumn + LAYOUT.gap);
  const parts: string[] = [];
  let y = LAYOUT.header + LAYOUT.gap;

  systems.forEach((system, i) => {
    const x = LAYOUT.typeColumn + i * (LAYOUT.systemColumn + LAYOUT.gap);
    const colors = palette(system.kind);
    const kindLabel = system.kind === 'record' ? 'system of record' : system.kind === 'engagement' ? 'system of engagement' : '';
    parts.push(
      `<g class="system" data-system="${escapeXml(system.name)}" data-kind="${escapeXml(system.kind ?? '')}">`,
      `<rect x="${x}" y="0" width="${LAYOUT.systemColumn}" height="${LAYOUT.header}" rx="6" fill="${colors.header}"/>`,
      `<text x="${x + LAYOUT.padding}" y="24" font-size="16" font-weight="bold" fill="${colors.text}">${escapeXml(system.label)}</text>`,
      `<text x="${x + LAYOUT.padding}" y="44" font-size="12" fill="${colors.text}">${escapeXml(kindLabel)}</text>`,
      `<text x="${x + LAYOUT.padding}" y="62" font-size="11" fill="${colors.text}" opacity="0.85">${escapeXml(clip(system.steward ?? ''))}</text>`,
      `</g>`,
    );
  });

  for (const type of types) {
    const fields = byType.get(type)!;
    const keys = [...new Set(fields.filter((f) => f.key).map((f) => f.field))];
    // A shared value-type field sits in the cell of every system that returns it.
    const cells = systems.map((s) => fields.filter((f) => !f.key && (f.shared ? f.systems.includes(s.name) : f.system === s.name)));
    const lines = Math.max(1 + keys.length, ...cells.map((c) => c.length), 1);
    const height = lines * LAYOUT.line + 2 * LAYOUT.padding;
    parts.push(`<g class="type" data-type="${escapeXml(type)}">`);
    parts.push(`<rect x="0" y="${y}" width="${LAYOUT.typeColumn - LAYOUT.gap}" height="${height}" rx="4" fill="#eeeeee"/>`);
    parts.push(
      `<text x="${LAYOUT.padding}" y="${y + LAYOUT.padding + 12}" font-size="13" font-weight="bold" fill="#222">${escapeXml(clip(type))}</text>`,
    );
    keys.forEach((key, k) => {
      parts.push(
        `<text x="${LAYOUT.padding + 8}" y="${y + LAYOUT.padding + 12 + (k + 1) * LAYOUT.line}" font-size="11" fill="#666">key: ${escapeXml(clip(key))}</text>`,
      );
    });
    cells.forEach((cell, i) => {
      const system = systems[i]!;
      const x = LAYOUT.typeColumn + i * (LAYOUT.systemColumn + LAYOUT.gap);
      if (!cell.length) {
        parts.push(`<rect x="${x}" y="${y}" width="${LAYOUT.systemColumn}" height="${height}" rx="4" fill="#fafafa"/>`);
        return;
      }
      parts.push(
        `<g class="cell" data-type="${escapeXml(type)}" data-system="${escapeXml(system.name)}">`,
        `<rect x="${x}" y="${y}" width="${LAYOUT.systemColumn}" height="${height}" rx="4" fill="${palette(system.kind).cell}" stroke="${palette(system.kind).header}" stroke-opacity="0.35"/>`,
      );
      cell.forEach((field, k) => {
        const note =
          (field.requires
            ? ` (requires ${field.requires})`
            : field.shared
              ? ' (shared value type: answered by the system that returned the parent)'
              : '') + (field.authorized ? `; needs ${field.authorized}` : '');
        const style = field.shared ? 'fill="#777" font-style="italic"' : 'fill="#111"';
        parts.push(
          `<text class="field${field.shared ? ' shared' : ''}" data-field="${escapeXml(`${type}.${field.field}`)}" x="${x + LAYOUT.padding}" y="${y + LAYOUT.padding + 12 + k * LAYOUT.line}" font-size="11.5" ${style}>` +
            `<title>${escapeXml(`${type}.${field.field}: ${system.label}${field.steward ? `, steward ${field.steward}` : ''}${note}`)}</title>` +
            `${escapeXml(clip(field.field + (field.requires ? ' ↳' : '') + (field.authorized ? ' 🔒' : '')))}</text>`,
        );
      });
      parts.push(`</g>`);
    });
    parts.push(`</g>`);
    y += height + LAYOUT.gap;
  }

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Authority map: fields of each type by owning system" ` +
    `width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">` +
    parts.join('') +
    `</svg>`
  );
}

/** The whole `/authority` page: a legend and the map. */
export function renderAuthorityPage(map: AuthorityMap): string {
  const source =
    map.source === 'authority.json'
      ? 'Owners from <code>schema/authority.json</code>, written by <code>npm run compose</code>.'
      : 'Owners derived from the running supergraph (<code>@join__field</code>); <code>schema/authority.json</code> is not there yet.';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Plantgraph — authority map</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 24px; color: #222; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  p { margin: 4px 0 12px; font-size: 14px; }
  .legend span { display: inline-block; padding: 2px 8px; border-radius: 4px; color: #fff; font-size: 12px; margin-right: 8px; }
  .map { overflow: auto; }
  a { color: #1f4e79; }
</style>
</head>
<body>
<h1>Authority map</h1>
<p>Every field of the graph has one authoritative system. ${source}
A field marked ↳ is computed by its system from another system's field (<code>@requires</code>);
a field marked 🔒 is under an <code>@authorized</code> rule (hover it for who may run or read it; all of them in <code>schema/ROLES.md</code>);
a field in grey italics belongs to a value type several systems return, answered by whichever returned the parent.
Explore the data in the <a href="/graphql">explorer</a>.</p>
<p class="legend"><span style="background:${COLORS.record.header}">system of record</span><span style="background:${COLORS.engagement.header}">system of engagement</span></p>
<div class="map">${renderAuthoritySvg(map)}</div>
</body>
</html>
`;
}
