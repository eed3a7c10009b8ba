/**
 * Commercial facts of the seed world: suppliers and customers' names, and which customer each
 * shipped lot went to. ERP seeds from them (goods receipts, deliveries) and CRM from the
 * customer facts; other systems may read them to agree with both (a complaint about a lot the
 * customer actually received) without reading their databases.
 */
import { lotLifecycleOf } from './mes-world';
import { between, ids, pick, unit, workOrderFact, type LotFact, type ScalePlan } from './world';

const SUPPLIER_STEMS = [
  'Nordstahl',
  'Alpen Metall',
  'Rheinguss',
  'Baltic Polymers',
  'Iberia Wire',
  'Danube Resins',
  'Tatra Castings',
  'Loire Packaging',
  'Carpathia Alloys',
  'Po Valley Plastics',
  'Ardennes Fasteners',
  'Vistula Coatings',
] as const;
const SUPPLIER_FORMS = ['GmbH', 'AG', 'S.A.', 'Sp. z o.o.', 'S.r.l.', 'Ltd', 'BV', 's.r.o.'] as const;
const COUNTRIES = ['DE', 'AT', 'FR', 'PL', 'IT', 'ES', 'CZ', 'NL', 'GB', 'US', 'SE', 'CN'] as const;

export interface SupplierFact {
  readonly number: number;
  readonly id: string;
  readonly name: string;
  readonly countryCode: string;
}

/** Supplier n (1-based): a unique name and its country. */
export function supplierFact(n: number): SupplierFact {
  const stem = pick('supplier-stem', n, SUPPLIER_STEMS);
  return {
    number: n,
    id: ids.supplier(n),
    name: `${stem} ${pick('supplier-form', n, SUPPLIER_FORMS)} ${String(n).padStart(3, '0')}`,
    countryCode: pick('supplier-country', n, COUNTRIES),
  };
}

export type CustomerSegmentKind = 'STRATEGIC' | 'KEY' | 'STANDARD' | 'DISTRIBUTOR';

const CUSTOMER_STEMS = [
  'Hydro',
  'Agri',
  'Marine',
  'Process',
  'Mining',
  'Energy',
  'Food',
  'Chem',
  'Water',
  'Rail',
  'Paper',
  'Steel',
] as const;
const CUSTOMER_SUFFIXES = ['Systems', 'Works', 'Industries', 'Solutions', 'Group', 'Technik', 'Engineering', 'Partners'] as const;
const ACCOUNT_MANAGERS = [
  'Anna Keller',
  'Marco Rossi',
  'Sofia Nowak',
  'Lukas Weber',
  'Emma Dubois',
  'Jonas Berg',
  'Clara Jansen',
  'Mateo Garcia',
  'Nina Horvat',
  'Oskar Lindqvist',
  'Lea Novak',
  'Tom Fischer',
] as const;
const FIRST_NAMES = ['Eva', 'Paul', 'Mia', 'Felix', 'Ida', 'Jan', 'Lena', 'Hugo', 'Zoe', 'Max', 'Ines', 'Leon'] as const;
const LAST_NAMES = ['Schmidt', 'Bauer', 'Moreau', 'Kowalski', 'Bianchi', 'Svoboda', 'de Vries', 'Smith', 'Larsen', 'Ruiz'] as const;

export interface CustomerFact {
  readonly number: number;
  readonly id: string;
  readonly name: string;
  readonly segment: CustomerSegmentKind;
  readonly countryCode: string;
  readonly accountManager: string;
  readonly primaryContactName: string | null;
  readonly creditLimit: number | null;
}

/** Customer n (1-based): CRM's identity and relationship attributes and ERP's credit limit. */
export function customerFact(n: number): CustomerFact {
  const u = unit('customer-segment', n);
  return {
    number: n,
    id: ids.customer(n),
    name: `${pick('customer-stem', n, CUSTOMER_STEMS)} ${pick('customer-suffix', n, CUSTOMER_SUFFIXES)} ${String(n).padStart(3, '0')}`,
    segment: u < 0.1 ? 'STRATEGIC' : u < 0.3 ? 'KEY' : u < 0.8 ? 'STANDARD' : 'DISTRIBUTOR',
    countryCode: pick('customer-country', n, COUNTRIES),
    accountManager: pick('account-manager', n, ACCOUNT_MANAGERS),
    primaryContactName:
      unit('customer-contact', n) < 0.15 ? null : `${pick('contact-first', n, FIRST_NAMES)} ${pick('contact-last', n, LAST_NAMES)}`,
    // Unchanged from the first seed: ERP's credit limits were drawn this way before CRM existed.
    creditLimit: unit('credit', n) < 0.1 ? null : Math.round(unit('credit-limit', n) * 500) * 1000,
  };
}

export interface LotShipmentFact {
  /** Customer number the lot was delivered to. */
  readonly customer: number;
  readonly shippedAt: Date;
}

/**
 * Where a lot went, for the lots MES has as SHIPPED (finished lots older than five days): to its
 * work order's make-to-order customer, otherwise to a customer drawn for the lot, one to five
 * days after it was made. Null for every other lot.
 */
export function lotShipmentOf(plan: ScalePlan, lot: LotFact): LotShipmentFact | null {
  if (lot.kind !== 'PRODUCED' || lotLifecycleOf(plan, lot) !== 'SHIPPED') return null;
  const customer = workOrderFact(plan, lot.workOrder!).customer ?? between('ship-customer', lot.number, 1, plan.customers);
  const delay = (1 + unit('ship-delay', lot.number) * 4) * 86_400_000;
  return { customer, shippedAt: new Date(lot.createdAt.getTime() + Math.floor(delay)) };
}
