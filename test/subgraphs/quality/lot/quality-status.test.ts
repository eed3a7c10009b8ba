import { QualityStatus } from '../../../../subgraphs/quality/enums';
import { qualityStatusOf } from '../../../../subgraphs/quality/lot/quality-status';

const at = (day: number) => new Date(Date.UTC(2026, 9, day));
const decided = (usageDecision: string, day: number) => ({ status: 'COMPLETED', usageDecision, decidedAt: at(day) });

describe('qualityStatusOf', () => {
  it('is ON_HOLD while any hold is open, whatever the inspections say', () => {
    expect(qualityStatusOf([{ placedAt: at(2), releasedAt: null }], [decided('ACCEPT', 1)])).toBe(QualityStatus.ON_HOLD);
  });

  it('is PENDING_INSPECTION while an inspection awaits its decision', () => {
    expect(qualityStatusOf([], [decided('ACCEPT', 1), { status: 'IN_PROGRESS', usageDecision: null, decidedAt: null }])).toBe(
      QualityStatus.PENDING_INSPECTION,
    );
  });

  it('is REJECTED after a rejection, and RELEASED once a hold is released after it', () => {
    expect(qualityStatusOf([], [decided('REJECT', 3)])).toBe(QualityStatus.REJECTED);
    expect(qualityStatusOf([{ placedAt: at(3), releasedAt: at(2) }], [decided('REJECT', 3)])).toBe(QualityStatus.REJECTED);
    expect(qualityStatusOf([{ placedAt: at(3), releasedAt: at(5) }], [decided('REJECT', 3)])).toBe(QualityStatus.RELEASED);
  });

  it('follows the latest decision, and releases lots quality never inspected', () => {
    expect(qualityStatusOf([], [decided('ACCEPT', 5), decided('REJECT', 2)])).toBe(QualityStatus.RELEASED);
    expect(qualityStatusOf([], [decided('CONDITIONAL_ACCEPT', 2)])).toBe(QualityStatus.RELEASED);
    expect(qualityStatusOf([], [])).toBe(QualityStatus.RELEASED);
  });
});
