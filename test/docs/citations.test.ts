import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const CODE_DIRS = ['gateway', 'subgraphs', 'platform', 'cli', 'test', 'bench'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return /\.(ts|mjs|js)$/.test(name) ? [full] : [];
  });
}

/** The anchors a Markdown page offers: explicit `<a id>` and its headings, slugged as GitHub does. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const m of markdown.matchAll(/<a id="([^"]+)"><\/a>/g)) anchors.add(m[1]!);
  for (const m of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    anchors.add(
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    );
  }
  return anchors;
}

const code = CODE_DIRS.flatMap((dir) => files(path.join(ROOT, dir))).map((file) => ({
  file: path.relative(ROOT, file),
  text: readFileSync(file, 'utf8'),
}));

describe('documentation cited in the code and in CONTRIBUTING.md', () => {
  it('every docs/<page>.md#anchor the code cites exists', () => {
    const broken: string[] = [];
    for (const { file, text } of code) {
      for (const m of text.matchAll(/\bdocs\/([a-z0-9-]+\.md)#([a-z0-9-]+)/g)) {
        const page = path.join(ROOT, 'docs', m[1]!);
        let anchors: Set<string>;
        try {
          anchors = anchorsOf(readFileSync(page, 'utf8'));
        } catch {
          broken.push(`${file}: docs/${m[1]} does not exist`);
          continue;
        }
        if (!anchors.has(m[2]!)) broken.push(`${file}: docs/${m[1]} has no #${m[2]}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('domain rules are cited by their page, which numbers them', () => {
    const vague = code
      .filter(({ file, text }) => file !== path.join('test', 'docs', 'citations.test.ts') && /domain rule \d|domain sketch/i.test(text))
      .map(({ file }) => file);
    expect(vague).toEqual([]);
    const domain = anchorsOf(readFileSync(path.join(ROOT, 'docs', 'domain.md'), 'utf8'));
    for (const n of [1, 2, 3, 4, 5]) expect(domain.has(`rule-${n}`)).toBe(true);
  });

  it('every file and folder CONTRIBUTING.md names exists', () => {
    const text = readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf8');
    const named = [...text.matchAll(/`([\w.-]+(?:\/[\w.-]+)+\/?)`/g)].map((m) => m[1]!).filter((p) => !p.includes('…'));
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((p) => !existsSync(path.join(ROOT, p)))).toEqual([]);
    const linked = [...text.matchAll(/\]\(([\w./-]+)(?:#([\w-]+))?\)/g)];
    for (const [, page, anchor] of linked) {
      expect(existsSync(path.join(ROOT, page!))).toBe(true);
      if (anchor) expect(anchorsOf(readFileSync(path.join(ROOT, page!), 'utf8'))).toContain(anchor);
    }
  });

  it('every relative link and repository path in the docs, README.md and CONTRIBUTING.md exists', () => {
    const pages = [
      ...readdirSync(path.join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => path.join('docs', f)),
      'README.md',
      'CONTRIBUTING.md',
      path.join('bench', 'README.md'),
    ];
    const broken: string[] = [];
    for (const page of pages) {
      const text = readFileSync(path.join(ROOT, page), 'utf8');
      for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(link!)) continue;
        const [file, anchor] = link!.split('#');
        const target = file ? path.join(ROOT, path.dirname(page), file) : path.join(ROOT, page);
        if (!existsSync(target)) broken.push(`${page}: ${link}`);
        else if (anchor && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor))
          broken.push(`${page}: ${link} (no such anchor)`);
      }
      // Screenshots under test/artifacts/ are written by the browser tests, not committed.
      for (const [, named] of text.matchAll(/`((?:gateway|subgraphs|platform|cli|test|bench|questions|schema|k8s)\/[\w./-]+)`/g)) {
        if (!named!.startsWith('test/artifacts/') && !existsSync(path.join(ROOT, named!))) broken.push(`${page}: ${named}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('slugs headings as GitHub does', () => {
    expect(
      [...anchorsOf('## Where the schema departs from the target model\n### Rule 1: one owner per field\n<a id="rule-1"></a>')].sort(),
    ).toEqual(['rule-1', 'rule-1-one-owner-per-field', 'where-the-schema-departs-from-the-target-model']);
  });
});
