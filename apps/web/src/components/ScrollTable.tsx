import type { ReactNode } from "react";

/**
 * A table that may be wider than the page scrolls sideways inside its frame; the frame is a named
 * region in the tab order, so keyboard users can scroll it too (WCAG 2.1.1).
 */
export function ScrollTable({
  label,
  className = "table-wrap",
  children,
}: {
  label: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard.
    <section className={className} tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
