import {
  MAX_QUANTITY,
  measurementProblem,
  NUMERIC_COLUMNS,
  quantityChangeProblem,
  quantityProblem,
  roundMoney,
  roundQuantity,
  roundTo,
  storableMoney,
  storableQuantity,
} from '../../../subgraphs/kit/numbers';

describe('kit numbers', () => {
  it('rounds quantities to three decimals and money to two, as their columns store them', () => {
    expect(roundQuantity(0.1 + 0.2)).toBe(0.3);
    expect(roundQuantity(1.23456)).toBe(1.235);
    expect(roundMoney(10.005 * 3)).toBe(30.02);
    expect(roundTo(0.123456, 4)).toBe(0.1235);
  });

  it('bounds each column type by the whole magnitude its precision and scale leave', () => {
    expect(NUMERIC_COLUMNS.quantity).toEqual({ precision: 16, scale: 3, max: 9_999_999_999_999 });
    expect(NUMERIC_COLUMNS.money).toEqual({ precision: 16, scale: 2, max: 99_999_999_999_999 });
    expect(NUMERIC_COLUMNS.measurement).toEqual({ precision: 16, scale: 4, max: 999_999_999_999 });
    // One input quantity leaves room for sums of such quantities in its column.
    expect(MAX_QUANTITY * 9).toBeLessThan(NUMERIC_COLUMNS.quantity.max);
    expect(storableQuantity(NUMERIC_COLUMNS.quantity.max)).toBe(true);
    expect(storableQuantity(-NUMERIC_COLUMNS.quantity.max - 1)).toBe(false);
    expect(storableMoney(NUMERIC_COLUMNS.money.max)).toBe(true);
    expect(storableMoney(NUMERIC_COLUMNS.money.max + 1)).toBe(false);
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

  it('takes a change of a quantity within ±MAX_QUANTITY, either sign', () => {
    expect(quantityChangeProblem(-MAX_QUANTITY)).toBeNull();
    expect(quantityChangeProblem(MAX_QUANTITY)).toBeNull();
    expect(quantityChangeProblem(0)).toBeNull();
    expect(quantityChangeProblem(-MAX_QUANTITY - 1)).toBe(
      `expected a quantity from -${MAX_QUANTITY} to ${MAX_QUANTITY}, got ${-MAX_QUANTITY - 1}`,
    );
    expect(quantityChangeProblem(Number.POSITIVE_INFINITY)).toBe('expected a number, got Infinity');
  });

  it('takes a measured value its numeric(16, 4) column stores, and nothing else', () => {
    const { max } = NUMERIC_COLUMNS.measurement;
    expect(measurementProblem(-max)).toBeNull();
    expect(measurementProblem(100.35)).toBeNull();
    expect(measurementProblem(1e20)).toBe(`expected a measured value within ±${max}, got 100000000000000000000`);
    expect(measurementProblem(null)).toBe(`expected a measured value within ±${max}, got null`);
    expect(measurementProblem(undefined)).toBe(`expected a measured value within ±${max}, got null`);
  });
});
