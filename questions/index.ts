import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** One of the ten cross-system questions the graph exists to answer, with variables from the scale-1 seed. */
export interface Question {
  /** `q01` … `q10`. */
  readonly id: string;
  /** The operation name in the document, e.g. `WorkOrderDashboard`. */
  readonly name: string;
  readonly file: string;
  readonly document: string;
  readonly variables: Readonly<Record<string, unknown>>;
  /** Asked by a partner (supplier) through the partner contract, not by an internal user. */
  readonly partner: boolean;
}

/**
 * Variables that give each question an interesting answer on the seed at any scale: site S01,
 * the first customer and supplier, a semi-finished lot (L00000054) that consumed two received
 * lots and was consumed by finished lots, so genealogy runs both ways.
 */
export const QUESTION_VARIABLES: Readonly<Record<string, Record<string, unknown>>> = {
  q01: { siteId: 'S01' },
  q02: { siteId: 'S01' },
  q03: { id: 'C00001' },
  q04: { lotId: 'L00000054' },
  q05: { siteId: 'S01', from: '2026-10-01', to: '2026-11-01' },
  q06: {},
  q07: { id: 'V00001' },
  q08: { materialId: 'M000001', siteId: 'S01' },
  q09: {},
  q10: { siteId: 'S01', date: '2026-11-03' },
};

function questionsDir(): string {
  // Next to this file in the source tree; two levels up from dist/questions when compiled.
  for (const dir of [__dirname, path.join(__dirname, '..', '..', 'questions')]) {
    if (existsSync(path.join(dir, 'q01_workorder_dashboard.graphql'))) return dir;
  }
  throw new Error(`the question documents (questions/q01…q10 *.graphql) are not found near ${__dirname}`);
}

/** The ten questions, in order. */
export function loadQuestions(): Question[] {
  const dir = questionsDir();
  return readdirSync(dir)
    .filter((f) => /^q\d\d_.*\.graphql$/.test(f))
    .sort()
    .map((file) => {
      const document = readFileSync(path.join(dir, file), 'utf8');
      const id = file.slice(0, 3);
      const name = /\b(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? id;
      return { id, name, file, document, variables: QUESTION_VARIABLES[id] ?? {}, partner: /partner/i.test(document.split('\n')[0] ?? '') };
    });
}
