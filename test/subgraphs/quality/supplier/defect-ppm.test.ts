import { defectPpm } from '../../../../subgraphs/quality/supplier/defect-ppm';

describe('defectPpm', () => {
  it('is rejected per million received, to one decimal', () => {
    expect(defectPpm(37, 120_000)).toBe(308.3);
    expect(defectPpm(0, 5_000)).toBe(0);
  });

  it('is null when nothing was received', () => {
    expect(defectPpm(10, 0)).toBeNull();
  });
});
