import { canonicalJson, fingerprintOf } from '../../../../subgraphs/kit/idempotency';
import { decodeOutcome, encodeOutcome } from '../../../../subgraphs/kit/idempotency/outcome-codec';
import { answerMismatches, describeMismatches } from '../../../../subgraphs/kit/idempotency/answer-check';

describe('idempotency fingerprint', () => {
  it('encodes the same input the same whatever the order of its keys, and leaves out null and absent fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"x":2,"y":1}]},"b":1}');
    expect(canonicalJson({ a: 1, reasonCode: null })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ at: new Date('2026-01-02T03:04:05Z') })).toBe('{"at":"2026-01-02T03:04:05.000Z"}');
  });

  it('tells operations and inputs apart', () => {
    const base = fingerprintOf('setWorkCenterState', { id: 'WC001', state: 'DOWN' });
    expect(fingerprintOf('setWorkCenterState', { state: 'DOWN', id: 'WC001' })).toBe(base);
    expect(fingerprintOf('setWorkCenterState', { id: 'WC001', state: 'IDLE' })).not.toBe(base);
    expect(fingerprintOf('dispatchWorkOrder', { id: 'WC001', state: 'DOWN' })).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('stored outcomes', () => {
  it('come back with their dates as dates, through JSON as the database returns it', () => {
    const value = {
      ok: true,
      value: { id: 'L1', quantity: 2.5, placedAt: new Date('2026-03-04T05:06:07.089Z'), releasedAt: null, tags: [{ at: new Date(0) }] },
    };
    const stored = JSON.parse(encodeOutcome(value));
    expect(decodeOutcome(stored)).toEqual(value);
    expect(decodeOutcome(JSON.parse(encodeOutcome([value.value])))).toEqual([value.value]);
    expect(decodeOutcome(JSON.parse(encodeOutcome(undefined)))).toBeNull();
  });
});

describe('answer check', () => {
  it('names each field where an answer differs from the command, ignores fields the answer lacks and rounding', () => {
    const asked = { sourceCountTaskId: 'CT1', materialId: 'M1', siteId: 'S01', quantityDelta: -2.0004, reasonCode: 'CYCLE_COUNT' };
    expect(answerMismatches(asked, { sourceCountTaskId: 'CT1', materialId: 'M1', siteId: 'S01', quantityDelta: -2 })).toEqual([]);
    const mismatches = answerMismatches(asked, {
      sourceCountTaskId: 'CT1',
      materialId: 'M2',
      siteId: 'S01',
      quantityDelta: 7,
      reasonCode: 'CYCLE_COUNT',
    });
    expect(mismatches.map((m) => m.field)).toEqual(['materialId', 'quantityDelta']);
    expect(describeMismatches(mismatches)).toBe('materialId: asked "M1", answered "M2"; quantityDelta: asked -2.0004, answered 7');
  });
});
