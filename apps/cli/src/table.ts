/** Plain-text tables for the terminal: labels left, figures right, like the printed documents. */
export function renderTable(header: string[][], body: string[][], opts: { rightFrom?: number } = {}): string {
  const rows = [...header, ...body];
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...c].length);
    });
  const right = opts.rightFrom ?? 1;
  const line = (r: string[]) =>
    r
      .map((c, i) => {
        const w = widths[i] ?? 0;
        const pad = " ".repeat(Math.max(0, w - [...c].length));
        return i >= right ? pad + c : c + pad;
      })
      .join("  ")
      .trimEnd();
  const sep = widths.map((w) => "-".repeat(w)).join("  ");
  return [...header.map(line), sep, ...body.map(line)].join("\n");
}
