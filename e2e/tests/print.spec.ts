// The print view of a client page: only the record, without the header, the navigation,
// the footer, the forms and the buttons.
import { test, expect } from '@playwright/test';
import { login, visit } from './support';

test('a client page prints without header, navigation and forms', async ({ page }) => {
  await login(page, 'worker');
  await visit(page, '/clients');
  const href = await page.locator('main table a[href^="/clients/"]').first().getAttribute('href');
  await visit(page, href!);
  await expect(page.locator('header.site')).toBeVisible();
  // (With JavaScript on, htmx is there; the test without JavaScript checks it is not.)
  expect(await page.evaluate(() => typeof (window as unknown as { htmx?: unknown }).htmx)).toBe('object');

  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('header.site')).toBeHidden();
  await expect(page.locator('header.site nav')).toBeHidden();
  await expect(page.locator('footer.site')).toBeHidden();
  await expect(page.locator('.skip')).toBeHidden();
  await expect(page.locator('main .actions')).toBeHidden();
  for (const form of await page.locator('main form').all()) await expect(form).toBeHidden();
  await expect(page.locator('main h1')).toBeVisible();
  await expect(page.locator('main dl.facts')).toBeVisible();
  await expect(page.locator('#consents')).toBeVisible();

  // Chromium makes a PDF of it.
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

  await page.emulateMedia({ media: 'screen' });
  await expect(page.locator('header.site')).toBeVisible();
});
