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

export enum StockStatus {
  UNRESTRICTED = 'UNRESTRICTED',
  QUALITY_INSPECTION = 'QUALITY_INSPECTION',
  BLOCKED = 'BLOCKED',
}
registerEnumType(StockStatus, { name: 'StockStatus' });

export enum PurchaseOrderStatus {
  OPEN = 'OPEN',
  PARTIALLY_RECEIVED = 'PARTIALLY_RECEIVED',
  RECEIVED = 'RECEIVED',
  CLOSED = 'CLOSED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(PurchaseOrderStatus, { name: 'PurchaseOrderStatus' });

export enum SalesOrderStatus {
  OPEN = 'OPEN',
  IN_DELIVERY = 'IN_DELIVERY',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(SalesOrderStatus, { name: 'SalesOrderStatus' });
