/**
 * The accessibility check of a page as it stands in the browser: axe-core run inside the page
 * (through the DevTools protocol, so the dashboard's Content-Security-Policy does not block it),
 * reporting the serious and critical violations as one line each.
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** Serious or critical violations within `selector` (the whole page by default); none is clean. */
export async function seriousViolations(page: Page, selector?: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  return page.evaluate(async (within) => {
    const engine = (window as unknown as { axe: typeof axe }).axe;
    const result = await engine.run(within ? { include: [within] } : document, {
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, selector);
}
