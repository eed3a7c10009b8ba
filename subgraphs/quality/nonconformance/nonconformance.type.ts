import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { connectionOf } from '../../kit/paging';
import { DateTimeScalar } from '../../kit/scalars';
import { Customer } from '../customer/customer.type';
import { Disposition, NcSource, NcStatus, Severity } from '../enums';
import { Lot } from '../lot/lot.type';
import { Material } from '../material/material.type';
import { Supplier } from '../supplier/supplier.type';
import { Capa } from './capa.type';

@Directive('@key(fields: "id")')
@ObjectType({ description: 'Nonconformance report (NCR) incl. customer complaints and supplier NCRs.' })
export class Nonconformance {
  @Field(() => ID)
  id!: string;

  @Field(() => NcSource)
  source!: NcSource;

  @Field(() => Severity)
  severity!: Severity;

  @Field(() => String)
  description!: string;

  @Field(() => NcStatus)
  status!: NcStatus;

  @Field(() => Material)
  material!: Material;

  @Field(() => Lot, { nullable: true })
  lot!: Lot | null;

  @Field(() => Customer, { nullable: true, description: 'Set for CUSTOMER_COMPLAINT' })
  customer!: Customer | null;

  @Field(() => Supplier, { nullable: true, description: 'Set for SUPPLIER' })
  supplier!: Supplier | null;

  @Field(() => Float, { nullable: true, description: 'Quantity found nonconforming, base unit of measure (drives supplier defect ppm)' })
  nonconformingQuantity!: number | null;

  @Field(() => Disposition, { nullable: true, description: 'MRB decision' })
  disposition!: Disposition | null;

  @Field(() => Capa, { nullable: true })
  capa!: Capa | null;

  @Field(() => DateTimeScalar)
  reportedAt!: Date;
}

/** A page of NCRs. */
export const NonconformanceConnection = connectionOf(Nonconformance, 'Nonconformance');
