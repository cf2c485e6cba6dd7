// Reflow (WCAG 1.4.10): at 320 CSS pixels wide (a phone, or 400 % zoom) no page scrolls
// sideways; wide tables scroll inside their own focusable box instead.
import { test, expect } from '@playwright/test';
import { login, visit, expectAxeClean } from './support';

test.use({ viewport: { width: 320, height: 640 } });

const PAGES: Record<'orgAdmin' | 'admin', string[]> = {
  orgAdmin: ['/', '/clients', '/clients/new', '/referrals', '/org', '/org/accounts/new', '/org/audit', '/organisations', '/account'],
  admin: ['/', '/admin/audit', '/admin/accounts', '/organisations/new', '/platforms', '/platforms/antwerpen'],
};

for (const role of ['orgAdmin', 'admin'] as const) {
  test(`no page scrolls sideways at 320 pixels (${role})`, async ({ page }) => {
    await login(page, role);
    const pages = [...PAGES[role]];
    if (role === 'orgAdmin') {
      await visit(page, '/clients');
      pages.push((await page.locator('main table a[href^="/clients/"]').first().getAttribute('href'))!);
    }
    for (const url of pages) {
      await visit(page, url);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect.soft(width, `${url} is ${width}px wide at 320px`).toBeLessThanOrEqual(320);
    }
    // A table box that scrolls is reachable with the keyboard and passes axe.
    await visit(page, role === 'orgAdmin' ? '/org' : '/admin/accounts');
    const region = page.locator('.table-scroll').first();
    expect(await region.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
    await region.focus();
    await expect(region).toBeFocused();
    await expectAxeClean(page, `narrow ${role} page with a scrolling table`);
  });
}

test('signed out, no page scrolls sideways at 320 pixels', async ({ page }) => {
  for (const url of ['/', '/login', '/rechten', '/platforms', '/platforms/vlaanderen']) {
    await visit(page, url);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect.soft(width, `${url} is ${width}px wide at 320px`).toBeLessThanOrEqual(320);
  }
});
