/**
 * Quality and audit facts of the seed world. Quality seeds inspections, holds and NCRs from them,
 * audits seeds audits and findings, and a system of record may read them too (ERP's blocked stock
 * of a lot on hold), so the systems agree without reading each other's databases.
 */
import { addDays, between, lotCount, lotFact, materialsOfKind, pick, unit, type LotFact, type ScalePlan } from './world';

export type InspectionKind = 'RECEIVING' | 'IN_PROCESS' | 'FINAL' | 'FIRST_ARTICLE';
export type InspectionState = 'OPEN' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED';
export type Decision = 'ACCEPT' | 'CONDITIONAL_ACCEPT' | 'REJECT';
export type SeverityLevel = 'MINOR' | 'MAJOR' | 'CRITICAL';

const DAY = 86_400_000;

/** Identifiers of quality and audit rows; numbers start at 1. */
export const qualityIds = {
  inspection: (n: number) => `IN${String(n).padStart(8, '0')}`,
  hold: (n: number) => `QH${String(n).padStart(6, '0')}`,
  nonconformance: (n: number) => `NC${String(n).padStart(6, '0')}`,
  audit: (n: number) => `AU${String(n).padStart(7, '0')}`,
  /** A finding is the nonconforming answer to one checklist question of one audit. */
  finding: (auditId: string, question: number) => `${auditId}-${String(question).padStart(2, '0')}`,
};

// Lot facts are costly to derive and quality's facts read each lot several times: keep the facts
// of one plan (the one being seeded) and drop them when another plan is asked for.
let cachedPlan = '';
let cachedLots: LotFact[] = [];

/** `lotFact`, remembered for the plan being seeded. */
export function cachedLotFact(plan: ScalePlan, n: number): LotFact {
  const key = `${plan.scale}:${plan.asOf}`;
  if (key !== cachedPlan) {
    cachedPlan = key;
    cachedLots = [];
  }
  return (cachedLots[n] ??= lotFact(plan, n));
}

export interface LotInspectionFact {
  readonly lot: LotFact;
  readonly inspectionType: InspectionKind;
  readonly workOrder: number | null;
  readonly status: InspectionState;
  readonly decision: Decision | null;
  /** When the usage decision was made (completed inspections). */
  readonly decidedAt: Date | null;
}

/**
 * The inspection lot of lot n, or null when the lot is not inspection-relevant (about 5 %).
 * Received lots get a RECEIVING inspection, produced lots IN_PROCESS or FINAL; lots of the last
 * two days are still being inspected; about 1.5 % of decided inspections are rejected.
 */
export function lotInspectionFact(plan: ScalePlan, n: number): LotInspectionFact | null {
  if (unit('insp-relevant', n) < 0.05) return null;
  const lot = cachedLotFact(plan, n);
  const inspectionType: InspectionKind =
    lot.kind === 'RECEIVED'
      ? 'RECEIVING'
      : unit('insp-type', n) < 0.02
        ? 'FIRST_ARTICLE'
        : unit('insp-type', n) < 0.45
          ? 'IN_PROCESS'
          : 'FINAL';
  const asOf = new Date(`${plan.asOf}T00:00:00Z`).getTime();
  const recent = asOf - lot.createdAt.getTime() < 2 * DAY;
  let status: InspectionState = 'COMPLETED';
  if (recent) status = unit('insp-status', n) < 0.5 ? 'OPEN' : 'IN_PROGRESS';
  else if (unit('insp-status', n) < 0.005) status = 'CANCELLED';
  let decision: Decision | null = null;
  if (status === 'COMPLETED') {
    const roll = unit('insp-decision', n);
    decision = roll < 0.015 ? 'REJECT' : roll < 0.04 ? 'CONDITIONAL_ACCEPT' : 'ACCEPT';
  }
  return {
    lot,
    inspectionType,
    workOrder: lot.workOrder,
    status,
    decision,
    decidedAt: decision ? new Date(lot.createdAt.getTime() + between('insp-lead', n, 2, 30) * 3_600_000) : null,
  };
}

export interface HoldFact {
  readonly lot: LotFact;
  readonly reason: string;
  readonly placedAt: Date;
  readonly releasedAt: Date | null;
  /** Set when the hold follows a rejected inspection of the lot. */
  readonly rejected: boolean;
}

const HOLD_REASONS = [
  'Suspected contamination reported by the line',
  'Supplier notified a deviation on this batch',
  'Missing certificate of conformance',
  'Customer complaint on a sibling lot',
];

/**
 * The quality hold on lot n, if any: every rejected lot is held (about 60 % of those holds are
 * released later), and about 0.6 % of other lots are held on suspicion. ERP blocks the stock of
 * a lot while its hold is open.
 */
export function lotHoldFact(plan: ScalePlan, n: number): HoldFact | null {
  const inspection = lotInspectionFact(plan, n);
  const rejected = inspection?.decision === 'REJECT';
  const featured = featuredHolds(plan).get(n);
  if (!rejected && !featured && unit('hold-suspect', n) >= 0.006) return null;
  const lot = inspection?.lot ?? cachedLotFact(plan, n);
  const placedAt = rejected ? inspection!.decidedAt! : new Date(lot.createdAt.getTime() + between('hold-lead', n, 1, 72) * 3_600_000);
  const asOf = new Date(`${plan.asOf}T00:00:00Z`).getTime();
  const releaseAt = Math.min(placedAt.getTime() + between('hold-duration', n, 1, 14) * DAY, asOf - DAY);
  const released = featured ? featured === 'released' : unit('hold-released', n) < 0.6 && releaseAt < asOf - DAY;
  return {
    lot,
    reason: rejected
      ? `Usage decision REJECT on ${inspection!.inspectionType.toLowerCase().replace('_', '-')} inspection`
      : pick('hold-reason', n, HOLD_REASONS),
    placedAt,
    releasedAt: released ? new Date(releaseAt) : null,
    rejected,
  };
}

/**
 * Holds the examples of the documentation rely on at every scale: the newest lot of material 1
 * is on hold (open), and the first lot consumed by lot 54 (the lot the genealogy examples trace)
 * was held and released.
 */
const featuredCache = new Map<string, Map<number, 'open' | 'released'>>();
function featuredHolds(plan: ScalePlan): Map<number, 'open' | 'released'> {
  const key = `${plan.scale}:${plan.asOf}`;
  let featured = featuredCache.get(key);
  if (!featured) {
    featured = new Map();
    const lots = lotCount(plan);
    for (let n = lots; n >= 1; n--) {
      if (cachedLotFact(plan, n).material === 1) {
        featured.set(n, 'open');
        break;
      }
    }
    const input = lots >= 54 ? cachedLotFact(plan, 54).consumed[0] : undefined;
    if (input && !featured.has(input.lot)) featured.set(input.lot, 'released');
    featuredCache.set(key, featured);
  }
  return featured;
}

/** Lot numbers with a hold (memoised per scale). */
const heldLotsCache = new Map<string, number[]>();
export function heldLots(plan: ScalePlan): number[] {
  const key = `${plan.scale}:${plan.asOf}`;
  let list = heldLotsCache.get(key);
  if (!list) {
    list = [];
    for (let n = 1; n <= lotCount(plan); n++) if (lotHoldFact(plan, n)) list.push(n);
    heldLotsCache.set(key, list);
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// Audits (layered process audits per AIAG CQI-8, 5S, safety, product audits)
// ---------------------------------------------------------------------------------------------

export type AuditKind = 'LAYERED_PROCESS' | 'FIVE_S' | 'SAFETY' | 'PRODUCT';
export type AuditState = 'SCHEDULED' | 'IN_PROGRESS' | 'COMPLETED' | 'MISSED';

/** Checklists by audit type: their names and questions. */
export const CHECKLISTS: Readonly<Record<AuditKind, { readonly name: string; readonly questions: readonly string[] }>> = {
  LAYERED_PROCESS: {
    name: 'LPA process checklist',
    questions: [
      'Is the current work instruction posted and followed?',
      'Are operators trained and certified for this station?',
      'Are gauges calibrated and within their due date?',
      'Is first-piece approval documented for this shift?',
      'Are control-plan characteristics checked at the stated frequency?',
      'Is nonconforming product segregated and tagged?',
      'Are error-proofing devices verified at start of shift?',
      'Are torque and process parameters within their limits?',
    ],
  },
  FIVE_S: {
    name: '5S workplace checklist',
    questions: [
      'Only needed items are at the workplace (sort)',
      'Every item has a marked place (set in order)',
      'Floor, machines and benches are clean (shine)',
      'Standards for 5S are visible (standardize)',
      'The last 5S audit actions are closed (sustain)',
      'Aisles and exits are free',
    ],
  },
  SAFETY: {
    name: 'Safety walk checklist',
    questions: [
      'Personal protective equipment is worn',
      'Machine guards are in place and interlocked',
      'Lockout/tagout devices are available',
      'Chemicals are labelled and stored correctly',
      'Emergency stops are tested and accessible',
      'Fire extinguishers are inspected',
    ],
  },
  PRODUCT: {
    name: 'Product audit checklist',
    questions: [
      'Dimensions of the sampled part are within drawing tolerance',
      'Surface finish meets the appearance standard',
      'Labelling and traceability marks are correct',
      'Packaging protects the part as specified',
      'Functional test result is recorded and passed',
    ],
  },
};

const AUDITORS = ['a.schmidt', 'b.moreau', 'c.rossi', 'd.novak', 'e.larsen', 'f.silva', 'g.tanaka', 'h.osei'];
const COUNTERMEASURES = [
  'Operator re-instructed on the spot',
  'Gauge replaced with a calibrated one',
  'Area cleaned and items removed',
  'Guard refitted and checked',
  'Work instruction reposted',
  'Labels reprinted and parts relabelled',
];

export interface AuditResponseFact {
  readonly question: number;
  readonly text: string;
  readonly conforming: boolean;
  readonly severity: SeverityLevel | null;
  readonly countermeasure: string | null;
}

export interface AuditFindingFact {
  readonly id: string;
  readonly question: string;
  readonly severity: SeverityLevel;
  readonly countermeasure: string | null;
  readonly status: 'OPEN' | 'CLOSED';
  /** Escalated to a quality NCR (source AUDIT) whose idempotency key is the finding id. */
  readonly escalated: boolean;
}

export interface AuditFact {
  readonly number: number;
  readonly id: string;
  readonly auditType: AuditKind;
  readonly layer: number | null;
  readonly checklistName: string;
  readonly workCenter: number;
  /** The product audited or made at the work center while audited. */
  readonly material: number;
  readonly auditor: string;
  readonly scheduledFor: string;
  readonly status: AuditState;
  readonly responses: readonly AuditResponseFact[];
  readonly findings: readonly AuditFindingFact[];
}

/** How many audits the seed has: about 1,600 at scale 1, over 90 days and the coming week. */
export function auditCount(plan: ScalePlan): number {
  return 1600 * plan.scale;
}

/**
 * Audit n (1-based, in date order): audits rotate over the work centers; about 70 % are layered
 * process audits (layer 1 60 %, layer 2 30 %, layer 3 10 %). Past audits are completed (6 %
 * missed), the day before `asOf` some are in progress, later ones are scheduled. About 6 % of
 * answers are nonconforming and become findings; some major or critical ones are escalated.
 */
export function auditFact(plan: ScalePlan, n: number): AuditFact {
  const total = auditCount(plan);
  const dayOffset = Math.floor(((n - 0.5) / total) * 97) - 90; // 90 days back, 7 ahead
  const scheduledFor = addDays(plan.asOf, dayOffset);
  const typeRoll = unit('audit-type', n);
  const auditType: AuditKind = typeRoll < 0.7 ? 'LAYERED_PROCESS' : typeRoll < 0.8 ? 'FIVE_S' : typeRoll < 0.9 ? 'SAFETY' : 'PRODUCT';
  const layerRoll = unit('audit-layer', n);
  const layer = auditType === 'LAYERED_PROCESS' ? (layerRoll < 0.6 ? 1 : layerRoll < 0.9 ? 2 : 3) : null;
  const id = qualityIds.audit(n);
  let status: AuditState;
  if (dayOffset >= 0) status = 'SCHEDULED';
  else if (dayOffset === -1 && unit('audit-status', n) < 0.5) status = 'IN_PROGRESS';
  else status = unit('audit-status', n) < 0.06 ? 'MISSED' : 'COMPLETED';
  const checklist = CHECKLISTS[auditType];
  const responses: AuditResponseFact[] = [];
  const findings: AuditFindingFact[] = [];
  if (status === 'COMPLETED') {
    checklist.questions.forEach((text, q) => {
      const k = n * 16 + q;
      const conforming = unit('audit-answer', k) >= 0.06;
      const severityRoll = unit('audit-severity', k);
      const severity: SeverityLevel | null = conforming ? null : severityRoll < 0.65 ? 'MINOR' : severityRoll < 0.93 ? 'MAJOR' : 'CRITICAL';
      const countermeasure = conforming || unit('audit-cm', k) < 0.3 ? null : pick('audit-cm-text', k, COUNTERMEASURES);
      responses.push({ question: q + 1, text, conforming, severity, countermeasure });
      if (!conforming) {
        const escalated = severity !== 'MINOR' && unit('audit-escalate', k) < 0.12;
        const closed = !escalated && countermeasure !== null && (dayOffset < -7 || unit('audit-close', k) < 0.5);
        findings.push({
          id: qualityIds.finding(id, q + 1),
          question: text,
          severity: severity!,
          countermeasure,
          status: closed ? 'CLOSED' : 'OPEN',
          escalated,
        });
      }
    });
  }
  return {
    number: n,
    id,
    auditType,
    layer,
    checklistName: layer ? `${checklist.name} (layer ${layer})` : checklist.name,
    workCenter: ((n - 1) % plan.workCenters) + 1,
    material: pick('audit-material', n, materialsOfKind(plan, ['FINISHED', 'SEMI_FINISHED'])),
    auditor: pick('auditor', n, AUDITORS),
    scheduledFor,
    status,
    responses,
    findings,
  };
}

export interface AuditEscalationFact {
  readonly nonconformanceId: string;
  readonly findingId: string;
  readonly audit: AuditFact;
  readonly finding: AuditFindingFact;
}

/**
 * The findings escalated to quality, each with the id of the NCR (source AUDIT) quality holds
 * for it; these NCRs take the first numbers, quality's other NCRs follow (memoised per scale).
 */
const escalationsCache = new Map<string, AuditEscalationFact[]>();
export function auditEscalations(plan: ScalePlan): AuditEscalationFact[] {
  const key = `${plan.scale}:${plan.asOf}`;
  let list = escalationsCache.get(key);
  if (!list) {
    list = [];
    for (let n = 1; n <= auditCount(plan); n++) {
      const audit = auditFact(plan, n);
      for (const finding of audit.findings) {
        if (finding.escalated)
          list.push({ nonconformanceId: qualityIds.nonconformance(list.length + 1), findingId: finding.id, audit, finding });
      }
    }
    escalationsCache.set(key, list);
  }
  return list;
}
