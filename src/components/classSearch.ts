/** The class picker's search (1,000 ImageNet classes need one). */
import type { ClassEntry } from '@shared/manifest';

/** Classes whose display name or identifier contains every word of the query (case-insensitive). */
export function filterClasses(classes: readonly ClassEntry[], query: string): ClassEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...classes];
  return classes.filter((c) => {
    const text = `${c.displayName} ${c.name}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
