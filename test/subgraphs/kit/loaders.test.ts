import { byKey, groupByKey, rowLoader } from '../../../subgraphs/kit/loaders';

describe('loader helpers keep the DataLoader contract', () => {
  it('byKey returns one entry per key, in key order, null for missing', () => {
    const rows = [{ id: 'b' }, { id: 'a' }];
    expect(byKey(['a', 'x', 'b'], (r: { id: string }) => r.id)(rows)).toEqual([{ id: 'a' }, null, { id: 'b' }]);
  });

  it('groupByKey returns an array per key, empty for keys without rows', () => {
    const rows = [
      { k: 1, v: 'x' },
      { k: 2, v: 'y' },
      { k: 1, v: 'z' },
    ];
    expect(groupByKey([2, 3, 1], (r: { k: number }) => r.k)(rows)).toEqual([
      [{ k: 2, v: 'y' }],
      [],
      [
        { k: 1, v: 'x' },
        { k: 1, v: 'z' },
      ],
    ]);
  });

  it('rowLoader batches the keys of one tick into one fetch', async () => {
    const fetch = jest.fn(async (ids: readonly string[]) => ids.map((id) => ({ id })));
    const loader = rowLoader(fetch, (row) => row.id);
    const results = await Promise.all(['a', 'b', 'a', 'c'].map((id) => loader.load(id)));
    expect(results.map((r) => r?.id)).toEqual(['a', 'b', 'a', 'c']);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]![0]).toEqual(['a', 'b', 'c']);
  });
});
