import { describe, expect, it } from 'vitest';
import { gridKeyTarget } from './gridKeys';

describe('gridKeyTarget', () => {
  it('moves by one cell or one row and stops at the edges', () => {
    // 2 rows × 3 columns: 0 1 2 / 3 4 5
    expect(gridKeyTarget('ArrowRight', 1, 2, 3)).toBe(2);
    expect(gridKeyTarget('ArrowRight', 2, 2, 3)).toBe(2);
    expect(gridKeyTarget('ArrowLeft', 3, 2, 3)).toBe(3);
    expect(gridKeyTarget('ArrowDown', 1, 2, 3)).toBe(4);
    expect(gridKeyTarget('ArrowDown', 4, 2, 3)).toBe(4);
    expect(gridKeyTarget('ArrowUp', 4, 2, 3)).toBe(1);
    expect(gridKeyTarget('ArrowUp', 0, 2, 3)).toBe(0);
  });

  it('jumps to the ends of the row; a one-row strip is a row', () => {
    expect(gridKeyTarget('Home', 5, 2, 3)).toBe(3);
    expect(gridKeyTarget('End', 3, 2, 3)).toBe(5);
    expect(gridKeyTarget('End', 4, 1, 11)).toBe(10);
    expect(gridKeyTarget('ArrowRight', 10, 1, 11)).toBe(10);
  });

  it('ignores other keys', () => {
    expect(gridKeyTarget('Enter', 0, 1, 11)).toBeNull();
  });
});
