/**
 * Keyboard pattern for the lab's cell views (λ strip, t × resolution grid, and any later one):
 *
 * - every cell is a native <button> (Enter/Space select it) with `aria-pressed` for the selected or
 *   ticked state and an `aria-label` that says what it shows, e.g. "λ 0.3, IoU 0.62";
 * - the cells form one tab stop (roving tabindex: the selected cell has tabIndex 0, the others −1),
 *   inside a container with `role="group"` and an aria-label;
 * - arrow keys move focus between cells (`gridKeyTarget`), Home/End jump to the first/last cell of
 *   the row, and focus never wraps around an edge;
 * - sliders stay native <input type="range"> with a <label>: arrows, Page Up/Down, Home/End for free.
 */

/** The cell index an arrow/Home/End key moves focus to in a row-major rows × cols grid, or null for other keys. */
export function gridKeyTarget(key: string, index: number, rows: number, cols: number): number | null {
  const r = Math.floor(index / cols);
  const c = index % cols;
  switch (key) {
    case 'ArrowLeft':
      return c > 0 ? index - 1 : index;
    case 'ArrowRight':
      return c < cols - 1 && index + 1 < rows * cols ? index + 1 : index;
    case 'ArrowUp':
      return r > 0 ? index - cols : index;
    case 'ArrowDown':
      return r < rows - 1 ? index + cols : index;
    case 'Home':
      return r * cols;
    case 'End':
      return Math.min(r * cols + cols - 1, rows * cols - 1);
    default:
      return null;
  }
}
