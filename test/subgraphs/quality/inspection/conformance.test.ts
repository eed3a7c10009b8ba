import { isConforming } from '../../../../subgraphs/quality/inspection/inspection.use-cases';

describe('isConforming', () => {
  const twoSided = { isAttribute: false, lowerLimit: 99.8, upperLimit: 100.2 };
  it('accepts values within both limits, the limits included', () => {
    expect(isConforming(twoSided, { characteristic: 'x', measuredValue: 99.8 })).toBe(true);
    expect(isConforming(twoSided, { characteristic: 'x', measuredValue: 100.2 })).toBe(true);
    expect(isConforming(twoSided, { characteristic: 'x', measuredValue: 100.21 })).toBe(false);
    expect(isConforming(twoSided, { characteristic: 'x', measuredValue: 99.79 })).toBe(false);
  });

  it('checks only the limit a one-sided characteristic has', () => {
    const upperOnly = { isAttribute: false, lowerLimit: null, upperLimit: 0.5 };
    expect(isConforming(upperOnly, { characteristic: 'x', measuredValue: -3 })).toBe(true);
    expect(isConforming(upperOnly, { characteristic: 'x', measuredValue: 0.51 })).toBe(false);
  });

  it('judges attribute characteristics by OK / not OK', () => {
    const attribute = { isAttribute: true, lowerLimit: null, upperLimit: null };
    expect(isConforming(attribute, { characteristic: 'x', attributeOk: true })).toBe(true);
    expect(isConforming(attribute, { characteristic: 'x', attributeOk: false })).toBe(false);
  });
});
