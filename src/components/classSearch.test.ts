import { describe, expect, it } from 'vitest';
import type { ClassEntry } from '@shared/manifest';
import { filterClasses } from './classSearch';

const classes: ClassEntry[] = [
  { index: 0, name: 'n02123045', displayName: 'tabby, tabby cat' },
  { index: 1, name: 'n02124075', displayName: 'Egyptian cat' },
  { index: 2, name: 'n02085620', displayName: 'Chihuahua' },
];

describe('filterClasses (the class picker search)', () => {
  it('keeps every class for an empty query and matches names case-insensitively', () => {
    expect(filterClasses(classes, '  ')).toHaveLength(3);
    expect(filterClasses(classes, 'CAT').map((c) => c.index)).toEqual([0, 1]);
    expect(filterClasses(classes, 'chihua').map((c) => c.index)).toEqual([2]);
  });

  it('needs every word and also matches the identifier', () => {
    expect(filterClasses(classes, 'egyptian cat').map((c) => c.index)).toEqual([1]);
    expect(filterClasses(classes, 'cat dog')).toEqual([]);
    expect(filterClasses(classes, 'n02085620').map((c) => c.index)).toEqual([2]);
  });
});
