// The same core work with JavaScript switched off: every page is plain HTML with forms, and
// htmx only enhances. Signing in, the language switch, registering a client (with a
// mistake first), a consent, a refused referral, withdrawing, searching and signing out.
import { test, expect } from '@playwright/test';
import { login, logout, visit, submit, switchLanguage, t, unique } from './support';

test.use({ javaScriptEnabled: false });

test('the core work without JavaScript', async ({ page }) => {
  // JavaScript really is off: the page's scripts (htmx) did not run.
  await visit(page, '/');
  expect(await page.evaluate(() => typeof (window as unknown as { htmx?: unknown }).htmx)).toBe('undefined');

  // The language switch is a form: it works, and it holds on the next page.
  await switchLanguage(page, 'fr');
  await visit(page, '/platforms');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr-BE');
  await switchLanguage(page, 'en');
  await visit(page, '/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await login(page, 'worker', 'nl');
  await page.locator('header nav a[href="/clients"]').click();
  await expect(page).toHaveURL(/\/clients$/);
  await page.locator('main a[href="/clients/new"]').click();
  await expect(page).toHaveURL(/\/clients\/new$/);

  const name = unique('Zonder Script');
  await page.locator('#name').fill(name);
  await page.locator('#phone').fill('12');
  await page.locator('input[name="channels"][value="phone"]').check();
  expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(422);
  await expect(page.locator('#phone')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#phone-error')).toHaveText(t('error-phone-invalid'));
  await expect(page.locator('#name')).toHaveValue(name);
  await expect(page.locator('input[name="channels"][value="phone"]')).toBeChecked();

  await page.locator('#phone').fill('09 123 45 67');
  expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(303);
  await expect(page.locator('h1')).toHaveText(name);
  await expect(page.locator('.flash')).toHaveText(t('flash-client-created'));

  await page.locator('#purpose').selectOption('rights_check');
  expect(await submit(page, page.locator('form[action$="/consents"] button[type="submit"]'))).toBe(303);
  await expect(page.locator('.flash')).toHaveText(t('flash-consent-recorded'));

  const options = await page.locator('#to_org option').evaluateAll((os) =>
    os.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? '']),
  );
  const leuven = options.find(([, label]) => label.startsWith('Buurtwerk Leuven'))![0];
  await page.locator('#to_org').selectOption(leuven);
  await page.locator('#referral_note').fill('Zonder JavaScript doorverwezen.');
  expect(await submit(page, page.locator('form[action$="/refer"] button[type="submit"]'))).toBe(422);
  await expect(page.locator('#to-org-error')).toHaveText(t('error-consent-missing-referral'));
  await expect(page.locator('#referral_note')).toHaveValue('Zonder JavaScript doorverwezen.');

  const row = page.locator('#consents-section table tbody tr').first();
  expect(await submit(page, row.locator('button[type="submit"]'))).toBe(303);
  await expect(page.locator('.flash')).toHaveText(t('flash-consent-withdrawn'));
  await expect(row.locator('button')).toHaveCount(0);

  // The search on the client list is a GET form.
  await visit(page, '/clients');
  await page.locator('#q').fill(name);
  await Promise.all([page.waitForURL(/\/clients\?q=/), page.locator('form.search button').click()]);
  await expect(page.locator('main table tbody tr')).toHaveCount(1);
  await expect(page.locator('main table tbody tr a')).toHaveText(name);

  await logout(page);
  await expect(page.locator('.flash')).toHaveText(t('flash-logged-out'));
  await visit(page, '/clients');
  await expect(page).toHaveURL(/\/login\?next=/);
});
