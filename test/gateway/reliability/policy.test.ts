import { backoffDelay, DEFAULT_POLICY, loadReliabilityConfig, policyFor } from '../../../gateway/reliability/policy';

describe('reliability settings from the environment', () => {
  it('has working defaults', () => {
    expect(loadReliabilityConfig({}).defaults).toEqual({
      timeoutMs: 3_000,
      retries: 2,
      retryBaseDelayMs: 50,
      breakerFailureThreshold: 5,
      breakerProbeMs: 1_000,
      breakerResetMs: 5_000,
    });
  });

  it('reads every variable and per-system timeouts', () => {
    const config = loadReliabilityConfig({
      SUBGRAPH_TIMEOUT_MS: '1500',
      SUBGRAPH_RETRIES: '0',
      SUBGRAPH_RETRY_DELAY_MS: '5',
      BREAKER_FAILURE_THRESHOLD: '2',
      BREAKER_PROBE_MS: '100',
      BREAKER_RESET_MS: '500',
      ERP_TIMEOUT_MS: '9000',
    });
    expect(policyFor(config, 'erp')).toEqual({
      timeoutMs: 9_000,
      retries: 0,
      retryBaseDelayMs: 5,
      breakerFailureThreshold: 2,
      breakerProbeMs: 100,
      breakerResetMs: 500,
    });
    expect(policyFor(config, 'mes').timeoutMs).toBe(1_500);
  });

  it('fails with every wrong variable named', () => {
    expect(() => loadReliabilityConfig({ SUBGRAPH_TIMEOUT_MS: 'soon', SUBGRAPH_RETRIES: '-1', QUALITY_TIMEOUT_MS: '0' })).toThrow(
      /SUBGRAPH_TIMEOUT_MS must be an integer of at least 1, got "soon"; SUBGRAPH_RETRIES must be an integer of at least 0, got "-1"; QUALITY_TIMEOUT_MS must be an integer of at least 1, got "0"/,
    );
  });

  it('backs off exponentially with jitter', () => {
    const policy = { ...DEFAULT_POLICY, retryBaseDelayMs: 100 };
    expect(backoffDelay(policy, 1, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 1)).toBe(400);
  });
});
