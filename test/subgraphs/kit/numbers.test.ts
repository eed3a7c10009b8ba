import { MAX_QUANTITY, quantityProblem, roundMoney, roundQuantity, roundTo } from '../../../subgraphs/kit/numbers';

describe('kit numbers', () => {
  it('rounds quantities to three decimals and money to two, as their columns store them', () => {
    expect(roundQuantity(0.1 + 0.2)).toBe(0.3);
    expect(roundQuantity(1.23456)).toBe(1.235);
    expect(roundMoney(10.005 * 3)).toBe(30.02);
    expect(roundTo(0.123456, 4)).toBe(0.1235);
  });

  it('accepts a quantity up to MAX_QUANTITY and names the bound past it', () => {
    expect(quantityProblem(MAX_QUANTITY, 0)).toBeNull();
    expect(quantityProblem(MAX_QUANTITY + 1, 0)).toBe(`expected a quantity up to ${MAX_QUANTITY}, got ${MAX_QUANTITY + 1}`);
  });

  it('refuses what is not a number and what is below the minimum', () => {
    expect(quantityProblem(Number.NaN, 0)).toBe('expected a number, got NaN');
    expect(quantityProblem(-1, 0)).toBe('expected a quantity >= 0, got -1');
    expect(quantityProblem(0, 0, true)).toBe('expected a quantity > 0, got 0');
  });
});
