/** The label value every name beyond the limit, or not fit to be a label, is folded into. */
export const OTHER = 'other';

/**
 * Keeps a Prometheus label's cardinality bounded: the first `limit` distinct names seen keep
 * their own value, every later one (and an empty or odd-looking one) becomes `other`.
 */
export class LabelFolder {
  private readonly kept = new Set<string>();

  constructor(
    private readonly limit: number,
    private readonly pattern: RegExp = /^[\w:.\-/@]{1,64}$/,
  ) {}

  fold(name: string | undefined): string {
    if (!name || !this.pattern.test(name)) return OTHER;
    if (this.kept.has(name)) return name;
    if (this.kept.size >= this.limit) return OTHER;
    this.kept.add(name);
    return name;
  }
}
