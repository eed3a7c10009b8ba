import { abTable, parseAgainstEnv, parseEnvList, summarise, type Side } from '../../bench/ab';

const side = (throughput: number, p99: number, rssPeakMiB = 120): Side => ({
  throughput,
  p50: p99 / 2,
  p99,
  errors: 0,
  cpuMsPerRequest: 2,
  subgraphCpuMsPerRequest: 10,
  rssMeanMiB: 100,
  rssPeakMiB,
});

describe('bench --env and --against-env', () => {
  it('reads K=V pairs, values may hold = and be empty', () => {
    expect(parseEnvList('USAGE=off,GATEWAY_DATABASE_URL=postgres://h/db?a=b,EMPTY=', 'env')).toEqual({
      USAGE: 'off',
      GATEWAY_DATABASE_URL: 'postgres://h/db?a=b',
      EMPTY: '',
    });
    expect(parseEnvList('', 'env')).toEqual({});
  });

  it('refuses a pair without =, a bad name, a name set twice, naming the option', () => {
    expect(() => parseEnvList('USAGE', 'against-env')).toThrow('--against-env takes K=V pairs separated by commas, got "USAGE"');
    expect(() => parseEnvList('=off', 'env')).toThrow('--env takes K=V pairs');
    expect(() => parseEnvList('1X=off', 'env')).toThrow('got "1X=off"');
    expect(() => parseEnvList('USAGE=on,USAGE=off', 'against-env')).toThrow('--against-env sets USAGE twice');
  });

  it('is no A/B without the option', () => {
    expect(parseAgainstEnv(undefined, false, {})).toBeNull();
  });

  it('refuses the option without pairs, or the next option taken as its value', () => {
    expect(() => parseAgainstEnv(undefined, true, {})).toThrow('--against-env needs K=V pairs');
    expect(() => parseAgainstEnv('--rounds', true, {})).toThrow('--against-env needs K=V pairs');
    expect(() => parseAgainstEnv(',', true, {})).toThrow('--against-env needs at least one K=V pair');
  });

  it('refuses B equal to A', () => {
    expect(() => parseAgainstEnv('USAGE=off', true, { USAGE: 'off' })).toThrow('A and B would be the same gateway');
    expect(parseAgainstEnv('USAGE=off', true, { USAGE: 'on' })).toEqual({ USAGE: 'off' });
    expect(parseAgainstEnv('USAGE=off,SUBGRAPH_BATCH=off', true, { USAGE: 'off' })).toEqual({ USAGE: 'off', SUBGRAPH_BATCH: 'off' });
  });
});

describe('A/B summary', () => {
  const rounds = [
    { a: side(100, 200), b: side(100, 100) },
    { a: side(90, 100), b: side(100, 100) },
    { a: side(300, 100), b: side(100, 200) },
  ];

  it("takes each round's ratio and their median, not a ratio of means one round can swing", () => {
    const s = summarise(rounds);
    expect(s.ratios).toEqual([1, 0.9, 3]);
    expect(s.medianRatio).toBe(1);
    expect([s.minRatio, s.maxRatio]).toEqual([0.9, 3]);
    expect(s.p99Ratios).toEqual([2, 1, 0.5]);
    expect(s.medianP99Ratio).toBe(1);
    expect(s.a.throughput).toBe(100);
    expect(s.b.p99).toBe(100);
  });

  it("reports the gateway's memory: the median of the rounds' means, the largest peak of any round", () => {
    const s = summarise([
      { a: side(100, 100, 150), b: side(100, 100) },
      { a: side(100, 100, 390), b: side(100, 100) },
      { a: side(100, 100, 140), b: side(100, 100) },
    ]);
    expect(s.a.rssMeanMiB).toBe(100);
    expect(s.a.rssPeakMiB).toBe(390);
    expect(s.b.rssPeakMiB).toBe(120);
    expect(s.a.subgraphCpuMsPerRequest).toBe(10);
  });

  it('prints one line per workload with every round', () => {
    const table = abTable([{ scale: 1, workload: 'mix', rounds }]);
    expect(table).toContain('| 1 | mix | 100.0 | 100.0 | 1.000 (0.900–3.000) | 1.000, 0.900, 3.000 |');
    expect(table).toContain('| 2.00 | 2.00 | 10.00/10.00 | 100/120 / 100/120 | 0/0 |');
    // Every line has as many cells as the header.
    const cells = (line: string) => line.split('|').length;
    const [header, rule, line] = table.split('\n');
    expect(cells(rule!)).toBe(cells(header!));
    expect(cells(line!)).toBe(cells(header!));
  });
});
