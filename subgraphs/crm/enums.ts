import { registerEnumType } from 'type-graphql';

export enum CustomerSegment {
  STRATEGIC = 'STRATEGIC',
  KEY = 'KEY',
  STANDARD = 'STANDARD',
  DISTRIBUTOR = 'DISTRIBUTOR',
}
registerEnumType(CustomerSegment, { name: 'CustomerSegment' });
