// Solidarity: a neighbourhood worker enters help requests for isolated clients, looks at the
// shortlist and its reasons, runs the batch assignment, sees why each volunteer was chosen,
// confirms, and the client's network count goes up; a volunteer signs up in Turkish and
// accepts a request; the public forms in Arabic are right to left. Every page with axe.
import { test, expect, type Page } from '@playwright/test';
import { login, visit, submit, expectAxeClean, t, unique, switchLanguage } from './support';

async function newRequest(page: Page, client: string, kind: string, slots: string[]): Promise<string> {
  await visit(page, '/solidarity/requests/new');
  await page.locator('#client').selectOption({ label: client });
  await page.locator('#kind').selectOption(kind);
  await page.locator('#postcode').fill('9000');
  for (const s of slots) await page.locator(`input[name="slot"][value="${s}"]`).check();
  expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(303);
  await expect(page).toHaveURL(/\/solidarity\/requests\/\d+$/);
  return new URL(page.url()).pathname;
}

test('requests, shortlist, batch, acceptance and network flags; a volunteer signs up in Turkish', async ({ page, browser }) => {
  await login(page, 'worker');
  await visit(page, '/solidarity');
  await expect(page.locator('h1')).toHaveText(t('solidarity-title'));
  await expectAxeClean(page, 'solidarity home');

  // A request with a mistake: named on its field, the answers kept.
  await visit(page, '/solidarity/requests/new');
  await expectAxeClean(page, 'new help request');
  await page.locator('#client').selectOption({ label: 'Dirk V.' });
  await page.locator('#postcode').fill('12');
  await page.locator('#needs').fill('Houdt van wandelen');
  expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(422);
  await expect(page.locator('.error-summary')).toContainText(t('error-postcode-invalid'));
  await expect(page.locator('#needs')).toHaveValue('Houdt van wandelen');
  await expectAxeClean(page, 'new help request with errors');

  // Three requests for isolated clients.
  const first = await newRequest(page, 'Mevrouw X.', 'company', ['0', '1', '2', '3']);
  await newRequest(page, 'Dirk V.', 'groceries', ['0', '3', '6']);
  await newRequest(page, 'Mevrouw X.', 'transport', ['1', '4']);

  // The shortlist with its reasons.
  await visit(page, first);
  await expect(page.locator('table.shortlist')).toBeVisible();
  await expect(page.locator('table.shortlist .reasons').first()).toContainText('km');
  await expectAxeClean(page, 'help request with shortlist');

  // The batch: a proposal with reasons, nothing stored until confirmed.
  await visit(page, '/solidarity/batch');
  await expect(page.locator('h1')).toHaveText(t('solidarity-batch-title'));
  await expect(page.locator('main table .reasons').first()).toBeVisible();
  await expectAxeClean(page, 'batch proposal');
  expect(await submit(page, page.locator('form[action="/solidarity/batch"] button'))).toBe(303);
  await expect(page).toHaveURL(/\/solidarity\/matches/);
  // Amina B. has no consent to share with a volunteer: her request is named with the reason.
  await expect(page.locator('.error-summary')).toContainText(t('error-consent-missing-share-with-volunteer'));
  await expectAxeClean(page, 'matches after the batch');

  // The solidarity fund: a gift, then aid for a request; the balance and the month report.
  await visit(page, '/solidarity/fund');
  await expectAxeClean(page, 'fund');
  const gift = page.locator('form[aria-labelledby="gift-h"]');
  await gift.locator('input[name="amount"]').fill('12,50');
  expect(await submit(page, gift.locator('button'))).toBe(303);
  await expect(page.locator('[role="status"]')).toHaveText(t('solidarity-flash-fund'));

  // The volunteer of Mevrouw X. accepts: her supporters go up on the network page.
  await visit(page, '/solidarity/network');
  await expectAxeClean(page, 'network');
  const row = page.locator('main table tbody tr', { hasText: 'Mevrouw X.' });
  const before = Number(await row.locator('td').nth(2).textContent());
  await expect(row).toContainText(t('solidarity-weak-network'));
  await visit(page, '/solidarity/matches');
  const match = page.locator('section.match', { hasText: 'Mevrouw X.' }).filter({ hasText: t('solidarity-match-proposed') }).first();
  expect(await submit(page, match.locator('button[value="accept"]'))).toBe(303);
  await visit(page, '/solidarity/network');
  const after = Number(await page.locator('main table tbody tr', { hasText: 'Mevrouw X.' }).locator('td').nth(2).textContent());
  expect(after).toBe(before + 1);

  // A volunteer signs up in Turkish, without an account.
  const visitor = await browser.newContext({ locale: 'tr-TR' });
  const pub = await visitor.newPage();
  const name = unique('Elif');
  await visit(pub, '/hulp/vrijwilliger?lang=tr');
  await expect(pub.locator('html')).toHaveAttribute('lang', 'tr');
  await expect(pub.locator('h1')).toHaveText('Gönüllü olun');
  await expectAxeClean(pub, 'public volunteer sign-up in Turkish');
  await pub.locator('#name').fill(name);
  await pub.locator('#phone').fill('0470 11 22 33');
  await pub.locator('#postcode').fill('9000');
  await pub.locator('input[name="skills"][value="language"]').check();
  await pub.locator('input[name="languages"][value="tr"]').check();
  for (const s of ['0', '1', '2', '3', '4', '5']) await pub.locator(`input[name="slot"][value="${s}"]`).check();
  await pub.locator('#org').selectOption({ label: 'OCMW Gent' });
  // Without the insurance note ticked: named in Turkish, answers kept.
  expect(await submit(pub, pub.locator('main form button[type="submit"]'))).toBe(422);
  await expect(pub.locator('main')).toContainText('Sigorta açıklamasını okuduğunuzu işaretleyin.');
  await expect(pub.locator('#name')).toHaveValue(name);
  await expectAxeClean(pub, 'public volunteer sign-up with errors in Turkish');
  await pub.locator('input[name="insurance_noted"]').check();
  // People take a few seconds to read the form; the spam guard refuses faster posts.
  await pub.waitForTimeout(3_200);
  expect(await submit(pub, pub.locator('main form button[type="submit"]'))).toBe(303);
  await expect(pub.locator('h1')).toHaveText('Teşekkürler');
  await expectAxeClean(pub, 'thanks in Turkish');

  // The worker proposes her for the Turkish-speaking family, and she accepts.
  await visit(page, '/solidarity');
  await page.locator('main table a', { hasText: 'Familie K.' }).first().click();
  const propose = page.locator('table.shortlist tr', { hasText: name }).locator('button');
  await expect(propose).toHaveCount(1);
  expect(await submit(page, propose)).toBe(303);
  await visit(page, '/solidarity/matches');
  const hers = page.locator('section.match', { hasText: name });
  const link = await hers.locator('a[href^="/hulp/koppeling/"]').getAttribute('href');
  expect(link).toBeTruthy();
  // She opens her link (sent by the worker) and accepts, in Turkish, without an account.
  await visit(pub, `${link}?lang=tr`);
  await expect(pub.locator('h1')).toHaveText('Sizin için bir yardım isteği');
  await expect(pub.locator('main')).not.toContainText('Familie K.');
  await expectAxeClean(pub, 'the volunteer\'s answer page in Turkish');
  expect(await submit(pub, pub.locator('button[value="accept"]'))).toBe(303);
  await expect(pub.locator('[role="status"]')).toContainText('Kabul ettiniz');
  await expectAxeClean(pub, 'accepted, in Turkish');
  await visitor.close();
  await visit(page, '/solidarity/matches');
  await expect(page.locator('section.match', { hasText: name })).toContainText(t('solidarity-match-confirmed'));
});

test('the pages in French pass axe', async ({ page }) => {
  await login(page, 'worker', 'fr');
  for (const [path, label] of [
    ['/solidarity', 'home'],
    ['/solidarity/volunteers', 'volunteers'],
    ['/solidarity/volunteers/new', 'new volunteer'],
    ['/solidarity/network', 'network'],
    ['/solidarity/matches', 'matches'],
    ['/solidarity/fund', 'fund'],
    ['/solidarity/batch', 'batch proposal'],
  ]) {
    await visit(page, path);
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr-BE');
    await expectAxeClean(page, `solidarity ${label} in French`);
  }
  await expect(page.locator('h1')).toHaveText(t('solidarity-batch-title', {}, 'fr'));
});

test('the public help form in Arabic is right to left, in Dutch and French too', async ({ page }) => {
  await visit(page, '/hulp?lang=ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  // Right to left: the form's text starts on the right.
  const dir = await page.locator('main form').evaluate((e) => getComputedStyle(e).direction);
  expect(dir).toBe('rtl');
  await expectAxeClean(page, 'public help form in Arabic');
  for (const lang of ['nl', 'fr']) {
    await visit(page, `/hulp?lang=${lang}`);
    await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
    await expectAxeClean(page, `public help form in ${lang}`);
  }
  // Sent at once: refused as too fast; nothing stored, the answers kept.
  await page.locator('#name').fill('Test');
  expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(422);
  await expect(page.locator('#name')).toHaveValue('Test');
  await expectAxeClean(page, 'public help form with errors');
});

test('a volunteer with an account signs up, sees their page, pauses and resumes', async ({ page }) => {
  await login(page, 'volunteer');
  await page.locator('nav a[href="/vrijwilliger"]').click();
  await expect(page.locator('h1')).toHaveText(t('solidarity-own-signup'));
  await expectAxeClean(page, 'volunteer sign-up with an account');
  const form = page.locator('main form[action="/vrijwilliger"]');
  await form.locator('#name').fill('Veerle V.');
  await form.locator('#postcode').fill('3000');
  await form.locator('input[name="languages"][value="nl"]').check();
  await form.locator('input[name="skills"][value="paperwork"]').check();
  await form.locator('input[name="slot"][value="3"]').check();
  await form.locator('input[name="insurance_noted"]').check();
  expect(await submit(page, form.locator('button[type="submit"]'))).toBe(303);
  await expect(page.locator('h1')).toHaveText(t('solidarity-own-title'));
  await expect(page.locator('main')).toContainText('Veerle V.');
  await expectAxeClean(page, 'volunteer own page');
  // Leaving without ticking the box changes nothing and says why.
  expect(await submit(page, page.locator('form[action="/vrijwilliger/status"] button', { hasText: t('solidarity-own-leave') }))).toBe(422);
  await expect(page.locator('[role="alert"]')).toHaveText(t('solidarity-own-leave-confirm-missing'));
  await expectAxeClean(page, 'volunteer own page with an error');
  expect(await submit(page, page.locator('button[name="status"][value="paused"]'))).toBe(303);
  await expect(page.locator('main')).toContainText(t('solidarity-vstatus-paused'));
  expect(await submit(page, page.locator('button[name="status"][value="active"]'))).toBe(303);
  await expect(page.locator('main')).toContainText(t('solidarity-vstatus-active'));
  await switchLanguage(page, 'fr');
  await expect(page.locator('h1')).toHaveText(t('solidarity-own-title', {}, 'fr'));
  await expectAxeClean(page, 'volunteer own page in French');
});
