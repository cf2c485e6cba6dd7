// The signals module: a social worker registers a signal (and meets the personal-data
// warning), bundles it with similar signals of other organisations into a dossier, takes
// it through its states; the regional chair reviews and forwards it; the platform
// coordinator records a policy response that reaches the worker's inbox and the public
// page. The dossier's policy document (HTML and tagged PDF) and, once reported, its public
// page without an account. In Dutch and in French (the public page in English too), every
// page checked with axe.
import { test, expect, type Page } from '@playwright/test';
import { login, logout, visit, submit, expectAxeClean, switchLanguage, t, unique, type Lang } from './support';

async function fillSignal(page: Page, what: string): Promise<void> {
  await page.locator('#what').fill(what);
  await page.locator('#subject').selectOption('life:digital');
  await page.locator('#challenge').selectOption('digitalisering');
  await page.locator('input[name="target_group"][value="elderly"]').check();
  await page.locator('#refnis').selectOption('44021');
  await page.locator('#people').fill('8');
  await page.locator('input[name="evidence"][value="cases"]').check();
}

async function step(page: Page, to: string): Promise<number> {
  await page.locator('#to').selectOption(to);
  return submit(page, page.locator('form[action$="/status"] button[type="submit"]'));
}

for (const lang of ['nl', 'fr'] as Lang[]) {
  test(`register a signal with the personal-data warning (${lang})`, async ({ page }) => {
    await login(page, 'worker', lang);
    await visit(page, '/signals');
    await expectAxeClean(page, `signals overview (${lang})`);
    await visit(page, '/signals/new');
    await expectAxeClean(page, `signal form (${lang})`);
    const marker = unique('Digitaal');
    await fillSignal(page, `${marker}: Amina belt naar 0470 12 34 56 want het loket is dicht.`);
    expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(422);
    await expect(page.locator('.pii-warning')).toBeVisible();
    await expect(page.locator('.pii-warning mark')).toHaveCount(2);
    await expect(page.locator('#what')).toHaveValue(new RegExp(marker));
    await expect(page.locator('input[name="target_group"][value="elderly"]')).toBeChecked();
    await expectAxeClean(page, `signal form with the personal-data warning (${lang})`);
    // The worker removes the name and the number.
    await page.locator('#what').fill(`${marker}: afspraken kunnen alleen nog online, het loket is dicht.`);
    expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(303);
    await expect(page).toHaveURL(/\/signals\/\d+$/);
    await expect(page.locator('.flash')).toHaveText(t('flash-signal-saved', {}, lang));
    await expectAxeClean(page, `a saved signal with suggestions (${lang})`);
  });

  test(`bundle, review, forward and feed back a dossier (${lang})`, async ({ page, browser }) => {
    await login(page, 'worker', lang);
    await visit(page, '/signals/new');
    const marker = unique('Loket');
    await fillSignal(page, `${marker}: wie geen computer heeft, kan geen afspraak maken bij het OCMW.`);
    expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(303);
    // Bundle with a suggestion of another organisation when there is one.
    const suggestion = page.locator('ul.suggestions input[name="signal"]').first();
    if (await suggestion.count()) await suggestion.check();
    const title = unique(`Dossier ${lang}`);
    await page.locator('#title').fill(title);
    expect(await submit(page, page.locator('form[action="/dossiers"] button[type="submit"]').first())).toBe(303);
    await expect(page).toHaveURL(/\/dossiers\/\d+$/);
    const dossier = new URL(page.url()).pathname;
    await expectAxeClean(page, `a new dossier (${lang})`);

    expect(await step(page, 'verzameld')).toBe(303);
    expect(await step(page, 'gebundeld')).toBe(303);
    await page.locator('#analysis-text').fill('Digitale drempels: het loket is dicht.');
    await page.locator('#proposals').fill('Houd elke voormiddag een loket open.');
    expect(await submit(page, page.locator('form[action$="/analysis"] button[type="submit"]'))).toBe(303);
    expect(await step(page, 'geanalyseerd')).toBe(303);
    // Reporting before the review is refused with a clear message.
    expect(await step(page, 'gerapporteerd')).toBe(422);
    await expect(page.locator('form[action$="/status"] .error')).toHaveText(t('error-criteria-not-signed', {}, lang));
    await expectAxeClean(page, `a refused step (${lang})`);
    await logout(page);

    await login(page, 'chair', lang);
    await visit(page, dossier);
    for (const c of ['clear', 'neutral', 'recognised', 'shared']) await page.locator(`#criterion-${c}`).check();
    await page.locator('#sign').check();
    expect(await submit(page, page.locator('form[action$="/review"] button[type="submit"]'))).toBe(303);
    await expect(page.locator('.flash')).toHaveText(t('flash-review-signed', {}, lang));
    await expectAxeClean(page, `a reviewed dossier (${lang})`);
    await logout(page);

    await login(page, 'worker', lang);
    await visit(page, dossier);
    expect(await step(page, 'gerapporteerd')).toBe(303);
    await expect(page.locator('#dossier-status')).toHaveText(t('dossier-status-gerapporteerd', {}, lang));
    await logout(page);

    await login(page, 'chair', lang);
    await visit(page, dossier);
    expect(await submit(page, page.locator('form[action$="/forward"] button'))).toBe(303);
    await expect(page.locator('.flash')).toHaveText(t('flash-forwarded', {}, lang));
    await visit(page, '/dossiers');
    await expectAxeClean(page, `the chair's dossiers (${lang})`);
    await logout(page);

    await login(page, 'platformCoordinator', lang);
    await visit(page, '/dossiers');
    await expect(page.locator(`input[name="dossier"][value="${dossier.split('/')[2]}"]`)).toHaveCount(1);
    await expectAxeClean(page, `the coordinator's dossiers (${lang})`);
    await visit(page, dossier);
    const decision = unique('Het loket blijft open');
    await page.locator('#responder').fill('Schepen van Sociale Zaken');
    await page.locator('#decision').fill(decision);
    expect(await submit(page, page.locator('form[action$="/responses"] button[type="submit"]'))).toBe(303);
    await expectAxeClean(page, `a dossier with a response (${lang})`);
    await visit(page, '/signals/figures');
    await expectAxeClean(page, `signal figures (${lang})`);
    await logout(page);

    await login(page, 'worker', lang);
    await visit(page, '/signals/inbox');
    await expect(page.locator('main')).toContainText(decision);
    await expectAxeClean(page, `the worker's inbox (${lang})`);
    // The dossier as a policy document: reached from the dossier, printable, and a PDF.
    await visit(page, dossier);
    await Promise.all([page.waitForURL(/\/document$/), page.locator(`main a[href="${dossier}/document"]`).click()]);
    await expect(page.locator('main h1')).toHaveText(title);
    await expect(page.locator('#doc-subtitle')).toContainText(t('signals-document-kind', {}, lang));
    await expect(page.locator('main')).toContainText(marker);
    await expect(page.locator('main')).toContainText(decision);
    await expect(page.locator('#doc-signals')).toHaveText(t('signals-hidden-cell', {}, lang));
    await expectAxeClean(page, `the policy document (${lang})`);
    const pdf = await page.request.get(`${dossier}/document/pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('header.site')).toBeHidden();
    await expect(page.locator('main .actions')).toBeHidden();
    await expect(page.locator('#doc-figures')).toBeVisible();
    await page.emulateMedia({ media: 'screen' });
    await logout(page);

    await visit(page, '/signalen');
    await expect(page.locator('main')).toContainText(title);
    await expect(page.locator('main')).toContainText(decision);
    await expect(page.locator('main')).not.toContainText(marker);
    await expectAxeClean(page, `the public page (${lang})`);
    // The reported dossier's own public page: no account, no signal's text, no names.
    await Promise.all([page.waitForURL(/\/signalen\/\d+$/), page.locator('main h2 a', { hasText: title }).click()]);
    await switchLanguage(page, lang);
    await expect(page.locator('main h1')).toHaveText(title);
    await expect(page.locator('#doc-subtitle')).toContainText(t('signals-document-kind', {}, lang));
    await expect(page.locator('main')).toContainText(decision);
    await expect(page.locator('main')).not.toContainText(marker);
    await expect(page.locator('main')).not.toContainText('Sara Peeters');
    await expect(page.locator('main')).not.toContainText('Prof. An Claes');
    await expect(page.locator('#doc-signals')).toHaveText(t('signals-hidden-cell', {}, lang));
    await expectAxeClean(page, `a public dossier (${lang})`);
    const publicPdf = await page.request.get(`${new URL(page.url()).pathname}/pdf`);
    expect(publicPdf.status()).toBe(200);
    expect((await publicPdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    if (lang === 'nl') {
      // A visitor whose browser asks for English.
      const context = await browser.newContext({ locale: 'en', baseURL: new URL(page.url()).origin });
      const en = await context.newPage();
      await visit(en, new URL(page.url()).pathname);
      await expect(en.locator('html')).toHaveAttribute('lang', 'en');
      await expect(en.locator('#doc-subtitle')).toContainText(t('signals-document-kind', {}, 'en'));
      await expect(en.locator('#doc-signals')).toHaveText(t('signals-hidden-cell', {}, 'en'));
      await expectAxeClean(en, 'a public dossier (en)');
      await context.close();
    }
  });
}

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a signal is a plain form', async ({ page }) => {
    await login(page, 'worker');
    await visit(page, '/signals/new');
    // Not "Zonder …": another test records a client called "Zonder Script", and a word of a
    // client's name is (rightly) flagged as personal data.
    await fillSignal(page, unique('Papieren aanvraag') + ': de brief is te moeilijk.');
    expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(303);
    await expect(page).toHaveURL(/\/signals\/\d+$/);
  });

  test('the policy document and the public page read without scripts', async ({ page }) => {
    await login(page, 'worker');
    // The demo dossier, not yet reported.
    await visit(page, '/dossiers');
    const href = await page.locator('main a[href^="/dossiers/"]', { hasText: 'De huurpremie bereikt ouderen' }).first().getAttribute('href');
    expect(href).toMatch(/^\/dossiers\/\d+$/);
    await visit(page, `${href}/document`);
    await expect(page.locator('main')).toContainText('Ik kreeg een brief');
    await expect(page.locator('#doc-figures')).toBeVisible();
    await expect(page.locator('main .actions a.button')).toHaveAttribute('href', `${href}/document/pdf`);
    await logout(page);
    await visit(page, '/signalen');
    const first = page.locator('main h2 a').first();
    if (await first.count()) {
      await Promise.all([page.waitForURL(/\/signalen\/\d+$/), first.click()]);
      await expect(page.locator('#doc-summary')).toBeVisible();
    }
    // A dossier that is not reported has no public page.
    const res = await visit(page, `/signalen${href!.replace('/dossiers', '')}`);
    expect(res.status()).toBe(404);
  });
});
