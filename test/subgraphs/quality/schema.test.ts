import { printSubgraphSchema } from '@apollo/subgraph';
import { composeGraph } from '../../../cli/compose';
import { auditsSystem } from '../../../subgraphs/audits/server';
import { erpSystem } from '../../../subgraphs/erp/server';
import { qualitySystem } from '../../../subgraphs/quality/server';

describe('quality and audits schemas', () => {
  it('compose with ERP, every field quality contributes to another system\'s entity nullable', async () => {
    const { files } = await composeGraph([erpSystem, qualitySystem, auditsSystem]);
    const sdl = printSubgraphSchema(await qualitySystem.buildSchema());
    for (const field of ['qualityStatus: QualityStatus', 'holds: [QualityHold!]', 'activeHolds: [QualityHold!]', 'defectPpm12m: Float', 'inspections: [Inspection!]']) {
      expect(sdl).toContain(`${field} `.replace(/ $/, ''));
      expect(sdl).not.toMatch(new RegExp(`${field.replace(/[[\]]/g, '\\$&')}!`));
    }
    expect(files['supergraph.graphql']).toContain('escalateFinding');
  });
});
