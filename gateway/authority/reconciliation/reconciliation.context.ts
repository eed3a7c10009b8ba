/** What a reconciliation resolver can do: run an operation over the whole graph as the caller. */
export interface ReconciliationContext {
  query<T>(document: string, variables: Record<string, unknown>): Promise<T>;
}
