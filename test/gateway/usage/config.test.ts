import { loadGatewayConfig } from '../../../gateway/config';
import { loadUsageConfig } from '../../../gateway/usage/config';
import { durationMs as parsePeriod } from '../../../platform/duration';

describe('usage configuration', () => {
  it('records by default and keeps 30 days', () => {
    expect(loadUsageConfig({})).toEqual({ enabled: true, retentionMs: 30 * 86_400_000 });
    expect(loadGatewayConfig({}).usage.enabled).toBe(true);
  });

  it('reads USAGE and USAGE_RETENTION', () => {
    expect(loadUsageConfig({ USAGE: 'off', USAGE_RETENTION: '12h' })).toEqual({ enabled: false, retentionMs: 12 * 3_600_000 });
    expect(parsePeriod('90m')).toBe(5_400_000);
    expect(parsePeriod('3600')).toBe(3_600_000);
  });

  it('names the variable and the value it refuses', () => {
    expect(() => loadUsageConfig({ USAGE: 'sometimes' })).toThrow('USAGE must be "on" (the default) or "off", got "sometimes"');
    expect(() => loadUsageConfig({ USAGE_RETENTION: '0d' })).toThrow('USAGE_RETENTION must be a period such as 30d, 12h or 90m, got "0d"');
    expect(() => loadGatewayConfig({ USAGE_RETENTION: 'a month' })).toThrow('USAGE_RETENTION');
  });
});
