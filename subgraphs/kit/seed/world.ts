/**
 * The seed world: how many of each thing a scale has, their stable identifiers, and
 * deterministic per-entity randomness. Every system seeds its own rows from it, so the
 * systems agree on identifiers without reading each other's databases.
 */

/** The day the seeded history ends; fixed so that the same scale always gives the same rows. */
export const DEFAULT_AS_OF = '2026-11-01';

export interface ScalePlan {
  readonly scale: number;
  readonly asOf: string;
  readonly sites: number;
  readonly materials: number;
  readonly workCenters: number;
  readonly customers: number;
  readonly suppliers: number;
  readonly openWorkOrders: number;
  readonly closedWorkOrders: number;
}

/** Counts per scale: scale 1 is one mid-size plant, scale 100 a large enterprise. */
export function scalePlan(scale: number, asOf = DEFAULT_AS_OF): ScalePlan {
  if (!Number.isInteger(scale) || scale < 1 || scale > 1000) {
    throw new RangeError(`scale must be a whole number from 1 to 1000, got ${scale}`);
  }
  return {
    scale,
    asOf,
    sites: scale === 1 ? 1 : Math.max(2, Math.round(scale * 0.4)),
    materials: 3000 * scale,
    workCenters: 20 * scale,
    customers: 150 * scale,
    suppliers: 200 * scale,
    openWorkOrders: 200 * scale,
    closedWorkOrders: 400 * scale,
  };
}

const pad = (prefix: string, width: number) => (n: number) => `${prefix}${String(n).padStart(width, '0')}`;

/** Stable identifiers; numbers start at 1. */
export const ids = {
  site: pad('S', 2),
  material: pad('M', 6),
  customer: pad('C', 5),
  supplier: pad('V', 5),
  workCenter: pad('WC', 3),
  workOrder: pad('WO', 7),
  lot: pad('L', 8),
};

/** A uniform number in [0, 1) determined by (stream, index): the same inputs always give the same number. */
export function unit(stream: string, index: number): number {
  let h = 2166136261 ^ index;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 16777619);
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** A whole number in [min, max] determined by (stream, index). */
export function between(stream: string, index: number, min: number, max: number): number {
  return min + Math.floor(unit(stream, index) * (max - min + 1));
}

/** Picks from a list by (stream, index). */
export function pick<T>(stream: string, index: number, values: readonly T[]): T {
  return values[Math.floor(unit(stream, index) * values.length)]!;
}

/** The site a material is stocked at (1-based material number → site number). */
export function siteOfMaterial(plan: ScalePlan, material: number): number {
  return ((material - 1) % plan.sites) + 1;
}

/** ERP's book quantity of a material at its site, which counts in inventory are drawn around. */
export function bookQuantityOf(material: number): number {
  return Math.round(unit('book', material) * 2000 * 1000) / 1000 + 10;
}

/** The cycle-count class of a material (about 15 % A, 30 % B, 55 % C). */
export function abcClassOf(material: number): 'A' | 'B' | 'C' {
  const u = unit('abc', material);
  return u < 0.15 ? 'A' : u < 0.45 ? 'B' : 'C';
}

/** Adds days to a "YYYY-MM-DD" date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Splits rows into chunks for multi-row INSERTs. */
export function* chunks<T>(rows: readonly T[], size = 1000): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
