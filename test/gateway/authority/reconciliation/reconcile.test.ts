import { countPostingDisagreements, holdStockDisagreements } from '../../../../gateway/authority/reconciliation/reconcile';

describe('comparing what quality holds with what ERP blocks', () => {
  it('counts a lot once however many holds it has, ignores lots of other sites, and compares at booking precision', () => {
    const rows = holdStockDisagreements([
      {
        materialId: 'M2',
        siteId: 'S01',
        blockedQuantity: 10,
        openHolds: [
          { holdId: 'QH2', lotId: 'L1', lotSiteId: 'S01', lotQuantity: 10 },
          { holdId: 'QH1', lotId: 'L1', lotSiteId: 'S01', lotQuantity: 10 },
          { holdId: 'QH3', lotId: 'L9', lotSiteId: 'S02', lotQuantity: 4 },
        ],
      },
      {
        materialId: 'M3',
        siteId: 'S01',
        blockedQuantity: 0.3,
        openHolds: [{ holdId: 'QH4', lotId: 'L2', lotSiteId: 'S01', lotQuantity: 0.1 + 0.2 }],
      },
      {
        materialId: 'M1',
        siteId: 'S01',
        blockedQuantity: 5,
        openHolds: [{ holdId: 'QH5', lotId: 'L3', lotSiteId: 'S01', lotQuantity: 2 }],
      },
      {
        materialId: 'M0',
        siteId: 'S01',
        blockedQuantity: 0,
        openHolds: [{ holdId: 'QH6', lotId: 'L4', lotSiteId: 'S01', lotQuantity: null }],
      },
    ]);
    expect(rows).toEqual([
      { materialId: 'M1', siteId: 'S01', heldQuantity: 2, erpBlockedQuantity: 5, difference: -3, openHoldIds: ['QH5'], heldLotIds: ['L3'] },
    ]);
  });
});

describe('comparing approved counts with ERP adjustments', () => {
  const base = { materialId: 'M1', siteId: 'S01', approvedAt: '2026-11-01T00:00:00.000Z', erpAdjustmentDocuments: ['MD1'] };
  it('lists approved counts as not posted and posted ones ERP does not know, in id order', () => {
    const rows = countPostingDisagreements([
      { ...base, countTaskId: 'CT3', status: 'POSTED', erpDocumentNumber: 'MD1' },
      { ...base, countTaskId: 'CT2', status: 'POSTED', erpDocumentNumber: 'MD2' },
      { ...base, countTaskId: 'CT4', status: 'POSTED', erpDocumentNumber: null },
      { ...base, countTaskId: 'CT1', status: 'APPROVED', erpDocumentNumber: null },
      { ...base, countTaskId: 'CT5', status: 'COUNTED', erpDocumentNumber: null },
    ]);
    expect(rows.map((r) => [r.countTaskId, r.kind])).toEqual([
      ['CT1', 'NOT_POSTED'],
      ['CT2', 'UNKNOWN_TO_ERP'],
      ['CT4', 'UNKNOWN_TO_ERP'],
    ]);
  });
});
