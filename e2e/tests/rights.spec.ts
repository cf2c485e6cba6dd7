// The rights check: the anonymous one (a GET form, nothing stored) and a social worker's
// check for a client (htmx enhances the form; the result is stored, printed and followed
// up). The questions come from the rule files, so they are answered by kind, whatever
// they are. Every state is checked with axe.
import { test, expect, type Page } from '@playwright/test';
import { login, visit, submit, expectAxeClean, t, unique } from './support';

/** Answers the first open question by its kind and sends the form with "answer". */
/** A new client of the social worker's organisation with a consent for a rights check. */
async function clientWithConsent(page: Page): Promise<string> {
  await visit(page, '/clients/new');
  await page.locator('#name').fill(unique('Rechtenpersoon'));
  expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(303);
  const id = new URL(page.url()).pathname.split('/')[2];
  await page.locator('#purpose').selectOption('rights_check');
  expect(await submit(page, page.locator('form[action$="/consents"] button[type="submit"]'))).toBe(303);
  return id;
}

async function answerNext(page: Page, mode: 'htmx' | 'post' | 'get'): Promise<void> {
  const section = page.locator('section[aria-labelledby="next-q"]');
  const question = section.locator('.question').first();
  if ((await question.count()) === 0) return;
  const radio = question.locator('input[type="radio"][value="no"]');
  const select = question.locator('select');
  const input = question.locator('input:not([type="radio"]):not([type="hidden"])');
  if (await radio.count()) await radio.check();
  else if (await select.count()) await select.selectOption({ index: 1 });
  else if ((await input.getAttribute('type')) === 'date') await input.fill('1980-05-01');
  else if ((await input.getAttribute('inputmode')) === 'numeric') await input.fill('2');
  else await input.fill('1200');
  const button = section.locator('button[value="next"]');
  if (mode === 'htmx') {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/rights/check')),
      button.click(),
    ]);
    expect(res.status()).toBe(200);
    // htmx swapped the check in place: the page did not navigate.
    await expect(page).toHaveURL(/\/rights\/new$/);
  } else if (mode === 'post') {
    expect(await submit(page, button)).toBe(200);
  } else {
    await Promise.all([page.waitForURL(/\/rechten\?/), button.click()]);
  }
}

test('the anonymous rights check', async ({ page }) => {
  await visit(page, '/rechten');
  await expectAxeClean(page, 'public rights check, start');
  for (let i = 0; i < 3; i++) await answerNext(page, 'get');
  await expect(page.locator('section.results')).toBeVisible();
  await expectAxeClean(page, 'public rights check with results');
  // Nothing is stored and nobody is signed in: no session cookie was set.
  const cookies = await page.context().cookies();
  expect(cookies.filter((c) => /session|sid/i.test(c.name))).toEqual([]);
});

test('a social worker checks rights for a client, stores, prints and follows up', async ({ page }) => {
  await login(page, 'worker');
  const id = await clientWithConsent(page);

  await visit(page, `/clients/${id}/rights/new`);
  await expectAxeClean(page, 'rights check for a client, start');
  for (let i = 0; i < 3; i++) await answerNext(page, 'htmx');
  await expectAxeClean(page, 'rights check for a client, answered');
  await expect(page.locator('#check')).toHaveCount(1);

  const finish = page.locator('section[aria-labelledby="next-q"] button[value="finish"]');
  await finish.click();
  // The stored check is shown (htmx swaps in the page the POST redirects to; with an
  // HX-Redirect from the server the browser would go there itself).
  await expect(page.locator('main .actions a[href$="/print"]')).toBeVisible();
  await expect(page.locator('.flash')).toHaveText(t('flash-check-saved'));
  await expectAxeClean(page, 'stored rights check');

  const printHref = await page.locator('main .actions a[href$="/print"]').getAttribute('href');
  const res = await visit(page, printHref!);
  expect(res.status()).toBe(200);
  await expect(page.locator('html')).toHaveAttribute('lang', 'nl-BE');
  await expectAxeClean(page, 'printable rights overview');

  await visit(page, `/clients/${id}/rights`);
  await expectAxeClean(page, 'checks and follow-ups');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a rights check for a client is a plain form', async ({ page }) => {
    await login(page, 'worker');
    const id = await clientWithConsent(page);
    await visit(page, `/clients/${id}/rights/new`);
    for (let i = 0; i < 2; i++) await answerNext(page, 'post');
    const finish = page.locator('section[aria-labelledby="next-q"] button[value="finish"]');
    expect(await submit(page, finish)).toBe(303);
    await expect(page).toHaveURL(new RegExp(`/clients/${id}/rights/\\d+$`));
    await expect(page.locator('.flash')).toHaveText(t('flash-check-saved'));
  });
});
