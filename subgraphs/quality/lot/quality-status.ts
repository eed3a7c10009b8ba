import { QualityStatus } from '../enums';

interface HoldLike {
  placedAt: Date;
  releasedAt: Date | null;
}
interface InspectionLike {
  status: string;
  usageDecision: string | null;
  decidedAt: Date | null;
}

/**
 * A lot's quality status from its holds and inspections. A lot quality has never opened an
 * inspection lot for is not inspection-relevant, hence RELEASED; a rejection stands until a hold
 * placed for it is released after the decision (an MRB decision to use the material).
 */
export function qualityStatusOf(holds: readonly HoldLike[], inspections: readonly InspectionLike[]): QualityStatus {
  if (holds.some((h) => h.releasedAt === null)) return QualityStatus.ON_HOLD;
  if (inspections.some((i) => i.status === 'OPEN' || i.status === 'IN_PROGRESS')) return QualityStatus.PENDING_INSPECTION;
  const decided = inspections.filter((i) => i.decidedAt !== null).sort((a, b) => a.decidedAt!.getTime() - b.decidedAt!.getTime());
  const last = decided[decided.length - 1];
  if (last?.usageDecision === 'REJECT') {
    const releasedAfter = holds.some((h) => h.releasedAt !== null && h.releasedAt.getTime() >= last.decidedAt!.getTime());
    return releasedAfter ? QualityStatus.RELEASED : QualityStatus.REJECTED;
  }
  return QualityStatus.RELEASED;
}
