import { SharingNotes } from '../../../gateway/performance/sharing-notes';

describe('sharing notes for the per-operation log line', () => {
  it('adds up what was shared of one request and forgets it once read', () => {
    const notes = new SharingNotes();
    notes.batched(['r-1', 'r-2', undefined]);
    notes.batched(['r-1']);
    notes.fetchMerged('r-1', 'r-9');
    notes.fetchMerged('r-1', 'r-9');
    notes.operationMerged('r-3', 'r-4');
    expect(notes.take('r-1')).toEqual({ batched: 2, fetchesMerged: 2, sharedWith: ['r-9'] });
    expect(notes.take('r-1')).toBeUndefined();
    expect(notes.take('r-2')).toEqual({ batched: 1, fetchesMerged: 0, sharedWith: [] });
    expect(notes.take('r-3')).toEqual({ mergedInto: 'r-4', batched: 0, fetchesMerged: 0, sharedWith: ['r-4'] });
    expect(notes.take(undefined)).toBeUndefined();
  });

  it('keeps at most its capacity of notes and at most 8 ids a note, so nothing piles up', () => {
    const notes = new SharingNotes(3);
    for (let i = 0; i < 10; i++) notes.batched([`r-${i}`]);
    expect(notes.take('r-0')).toBeUndefined();
    expect(notes.take('r-9')).toEqual({ batched: 1, fetchesMerged: 0, sharedWith: [] });
    for (let i = 0; i < 20; i++) notes.fetchMerged('busy', `leader-${i}`);
    expect(notes.take('busy')?.sharedWith).toHaveLength(8);
  });
});
