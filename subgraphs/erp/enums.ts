import { registerEnumType } from 'type-graphql';

export enum MaterialType {
  RAW = 'RAW',
  SEMI_FINISHED = 'SEMI_FINISHED',
  FINISHED = 'FINISHED',
  PACKAGING = 'PACKAGING',
  MRO = 'MRO',
}
registerEnumType(MaterialType, { name: 'MaterialType' });

export enum ErpOrderStatus {
  CREATED = 'CREATED',
  RELEASED = 'RELEASED',
  TECHNICALLY_COMPLETE = 'TECHNICALLY_COMPLETE',
  CLOSED = 'CLOSED',
}
registerEnumType(ErpOrderStatus, { name: 'ErpOrderStatus' });
