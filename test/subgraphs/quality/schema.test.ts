import { isNonNullType, isObjectType } from 'graphql';
import { composeGraph } from '../../../cli/compose';
import { auditsSystem } from '../../../subgraphs/audits/server';
import { erpSystem } from '../../../subgraphs/erp/server';
import { qualitySystem } from '../../../subgraphs/quality/server';

describe('quality and audits schemas', () => {
  it("compose with ERP, every field quality contributes to another system's entity nullable", async () => {
    const { files } = await composeGraph([erpSystem, qualitySystem, auditsSystem]);
    const schema = await qualitySystem.buildSchema();
    const contributed = {
      Lot: ['qualityStatus', 'holds', 'inspections'],
      Material: ['activeHolds'],
      Supplier: ['defectPpm12m'],
      WorkOrder: ['inspections'],
      Customer: ['complaints'],
    };
    for (const [typeName, fields] of Object.entries(contributed)) {
      const type = schema.getType(typeName);
      if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
      for (const field of fields)
        expect({ field: `${typeName}.${field}`, nonNull: isNonNullType(type.getFields()[field]!.type) }).toEqual({
          field: `${typeName}.${field}`,
          nonNull: false,
        });
    }
    expect(String((schema.getType('Lot') as any).getFields().inspections.type)).toBe('InspectionConnection');
    expect(String((schema.getType('Customer') as any).getFields().complaints.type)).toBe('NonconformanceConnection');
    expect(files['supergraph.graphql']).toContain('escalateFinding');
  });
});
