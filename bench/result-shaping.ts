import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { operationFromDocument, Supergraph, type Operation } from '../gateway/apollo-internals/federation-model';
import { parse } from 'graphql';
import { apolloComputeResponse, computeResponse } from '../gateway/apollo-internals';
import { loadQuestions } from '../questions';
import { answerFor, seededRandom } from './answers';
import { argument, requireWholeNumbers, ROOT } from './processes';

/**
 * The result-shaping benchmark: for each of the ten questions, a valid answer generated from the
 * operation over the committed supergraph (outermost lists `--items` long, the lists inside their
 * items 3), shaped and serialised as the gateway sends it, by `@apollo/gateway`'s shaper and by
 * the planned one, alternating A B A B in one process. It prints the answer's size, the
 * milliseconds per answer of each and the ratio.
 *
 *   npm run bench:shaping -- [--items 20] [--rounds 5] [--ms 300]
 *
 * No servers, no network: the shaping alone, which is the part of a request's gateway CPU that
 * grows with the answer.
 */

interface Options {
  items: number;
  rounds: number;
  /** Least milliseconds of work per shaper and round. */
  ms: number;
}

function parseArgs(argv: string[]): Options {
  const get = (name: string) => argument(argv, name);
  const options: Options = { items: Number(get('items') ?? 20), rounds: Number(get('rounds') ?? 5), ms: Number(get('ms') ?? 300) };
  requireWholeNumbers({ ...options });
  return options;
}

type Shaper = typeof computeResponse;

/** Milliseconds per answer: shape, then serialise the data, repeated for at least `ms`. */
function timePerAnswer(
  shape: Shaper,
  operation: Operation,
  variables: Record<string, unknown>,
  input: Record<string, unknown>,
  ms: number,
): number {
  let n = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    const { data } = shape({ operation, variables, input, introspectionHandling: () => null });
    JSON.stringify(data);
    n += 1;
    elapsed = performance.now() - started;
  }
  return elapsed / n;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const api = Supergraph.build(readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8')).apiSchema();
  const rows = [];
  for (const question of loadQuestions()) {
    // As the gateway builds it for every request: from the validated document.
    const operation = operationFromDocument(api, parse(question.document), { validate: false });
    const variables = { ...question.variables };
    const input = answerFor(operation, { random: seededRandom(1), nulls: 0, listLength: options.items, nestedListLength: 3 });
    const same =
      JSON.stringify(computeResponse({ operation, variables, input, introspectionHandling: () => null }).data) ===
      JSON.stringify(apolloComputeResponse({ operation, variables, input, introspectionHandling: () => null }).data);
    if (!same) throw new Error(`${question.id}: the two shapers disagree on the generated answer`);
    const apollo: number[] = [];
    const planned: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      apollo.push(timePerAnswer(apolloComputeResponse, operation, variables, input, options.ms));
      planned.push(timePerAnswer(computeResponse, operation, variables, input, options.ms));
    }
    const row = {
      question: question.id,
      answerBytes: JSON.stringify(input).length,
      apolloMs: median(apollo),
      plannedMs: median(planned),
      ratio: median(apollo) / median(planned),
    };
    rows.push(row);
    process.stderr.write(
      `${row.question}: ${(row.answerBytes / 1024).toFixed(0)} KiB, apollo ${row.apolloMs.toFixed(3)} ms, planned ${row.plannedMs.toFixed(3)} ms, ${row.ratio.toFixed(2)}×\n`,
    );
  }
  const date = new Date().toISOString();
  const f = (v: number, d = 3) => v.toFixed(d);
  const markdown = [
    `# Result shaping ${date}`,
    '',
    `Each question's answer generated with its outermost lists ${options.items} long and the lists inside their items 3 long; shape + JSON.stringify per answer, median of ${options.rounds} rounds of at least ${options.ms} ms each, alternating; ratio = apollo / planned (higher: the planned shaper is faster).`,
    '',
    '| question | answer KiB | apollo ms/answer | planned ms/answer | ratio |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.question} | ${f(r.answerBytes / 1024, 1)} | ${f(r.apolloMs)} | ${f(r.plannedMs)} | ${f(r.ratio, 2)}× |`),
    '',
  ].join('\n');
  process.stdout.write(`\n${markdown}`);
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = date.replace(/[:.]/g, '-');
  writeFileSync(path.join(dir, `shaping-${stamp}.json`), JSON.stringify({ date, options, rows }, null, 2));
  writeFileSync(path.join(dir, `shaping-${stamp}.md`), markdown);
  process.stdout.write(`\nsaved bench/results/shaping-${stamp}.json and .md\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`bench:shaping: ${(err as Error).message}\n`);
  process.exit(1);
}
