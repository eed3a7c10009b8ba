/** The benchmark's one-off GraphQL requests (checks, probes, pool queries), outside the measured load. */

export type Variables = Readonly<Record<string, unknown>>;

export interface GraphqlAnswer {
  data?: unknown;
  errors?: { message: string }[];
}

/** What a gateway answered, with an answer that is not GraphQL JSON turned into an error naming the HTTP status. */
export async function postGraphql(
  url: string,
  document: string,
  variables: Variables,
  headers: Readonly<Record<string, string>> = {},
): Promise<GraphqlAnswer> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: document, variables }),
  });
  const text = await r.text();
  try {
    return JSON.parse(text) as GraphqlAnswer;
  } catch {
    return { errors: [{ message: `HTTP ${r.status}: ${text.slice(0, 200)}` }] };
  }
}

/** The first error of an answer, or why it is no answer at all (no data); undefined when it is a clean answer. */
export function problemOf(answer: GraphqlAnswer): string | undefined {
  if (answer.errors?.length) return answer.errors[0]!.message;
  if (answer.data === undefined || answer.data === null) return 'no data';
  return undefined;
}
