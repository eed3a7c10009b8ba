import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'results');

interface RunOptions {
  callers?: number;
  rights?: string;
  vary?: boolean;
  partner?: string | null;
  againstEnv?: Record<string, string> | null;
  /** bench:live's `--sites`. */
  sites?: number;
  /** The seed scales a run measured (`--scales`). */
  scales?: number[];
}

/** The mode a result belongs to: its benchmark, and for the main one who asks (bench/README.md, "Load modes") and whether at scale 100. */
function modeOf(file: string): string {
  // Other benchmarks name their results <benchmark>-<time> (shaping-…, soak-…): one mode each.
  const kind = /^([a-z][a-z-]*)-\d{4}-/.exec(file)?.[1];
  const { options } = JSON.parse(readFileSync(path.join(RESULTS, file), 'utf8')) as { options: RunOptions };
  // A spread live run is a mode per number of sites (how many subscribers each change reaches).
  if (kind === 'live-spread') return `${kind}, ${options.sites} sites`;
  if (kind) return kind;
  const callers = (options.callers ?? 1) > 1 ? 'users' : 'one caller';
  // An A/B of one setting (--against-env) is a mode of its own per setting and load.
  const ab = options.againstEnv
    ? [
        `A/B ${Object.entries(options.againstEnv)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
      ]
    : [];
  return [
    ...ab,
    options.partner ? 'partner' : 'questions',
    callers,
    `rights ${options.rights ?? 'same'}`,
    options.vary ? 'varied' : 'fixed',
    // Scale 100 (a realistic plant, minutes to seed) is measured apart from the everyday scales.
    ...(options.scales?.includes(100) ? ['scale 100'] : []),
  ].join(', ');
}

/** Markdown pages that may cite results. */
function pages(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f));
  return [...docs, 'README.md', 'CONTRIBUTING.md', path.join('bench', 'README.md')].filter((f) => existsSync(path.join(ROOT, f)));
}

describe('bench/results', () => {
  const results = readdirSync(RESULTS).filter((f) => f.endsWith('.json'));

  it('holds the latest result of each mode only, each as .json and .md', () => {
    const byMode = new Map<string, string[]>();
    for (const file of results) byMode.set(modeOf(file), [...(byMode.get(modeOf(file)) ?? []), file]);
    const repeated = [...byMode]
      .filter(([, files]) => files.length > 1)
      .map(([mode, files]) => `${mode}: ${files.join(', ')} (keep the latest, git rm the others)`);
    expect(repeated).toEqual([]);
    for (const file of results) expect(existsSync(path.join(RESULTS, file.replace(/\.json$/, '.md')))).toBe(true);
  });

  it('tells the modes apart', () => {
    expect(new Set(results.map(modeOf)).size).toBe(results.length);
    expect(results.length).toBeGreaterThan(1);
  });

  it('every result a page cites is in the tree, unless cited from the history (git show <commit>:…)', () => {
    const missing: string[] = [];
    for (const page of pages()) {
      const text = readFileSync(path.join(ROOT, page), 'utf8');
      for (const m of text.matchAll(/(?<![0-9a-f]{7,40}:)bench\/results\/([\w.-]+\.(?:md|json))/g)) {
        if (!existsSync(path.join(RESULTS, m[1]!))) missing.push(`${page}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
