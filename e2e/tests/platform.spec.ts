// The platform module (issue 7): the public action plan, a regional chair updating
// initiatives, recording a meeting and submitting the yearly report, and the platform
// coordinator's evaluation. Every page is checked with axe, in Dutch and in French.
import { test, expect, type Page } from '@playwright/test';
import { login, visit, submit, expectAxeClean, switchLanguage, t, unique, type Lang } from './support';

async function themeProgress(page: Page, section: string): Promise<string> {
  await visit(page, '/actieplan');
  const row = page.locator('table tbody tr', { has: page.locator(`a[href="/actieplan/thema/${section}"]`) });
  return (await row.locator('td').last().textContent())?.trim() ?? '';
}

for (const lang of ['nl', 'fr'] as Lang[]) {
  test(`the action plan is public and readable (${lang})`, async ({ page }) => {
    await visit(page, '/actieplan');
    await switchLanguage(page, lang);
    await expect(page.locator('h1')).toHaveText(t('plan-title', {}, lang));
    await expect(page.locator('a[href="/actieplan/thema/4.11"]').first()).toBeVisible();
    await expectAxeClean(page, `action plan (${lang})`);
    await visit(page, '/actieplan/thema/4.3');
    await expect(page.locator('h1')).toContainText('4.3');
    await expectAxeClean(page, `theme 4.3 (${lang})`);
    await page.locator('main table a').first().click();
    await expect(page.locator('h1')).toContainText('4.3-A1-I1');
    await expectAxeClean(page, `initiative (${lang})`);
  });

  test(`a regional chair updates two initiatives and the theme's progress moves (${lang})`, async ({ page }) => {
    await login(page, 'chair', lang);
    // Each language works on its own theme, so the runs do not depend on each other.
    const section = lang === 'nl' ? '4.2' : '4.4';
    const codes = lang === 'nl' ? ['4.2-A2-I1', '4.2-A2-I2'] : ['4.4-A1-I1', '4.4-A1-I2'];
    const before = await themeProgress(page, section);
    for (const code of codes) {
      await visit(page, `/actieplan/thema/${section}`);
      await page.goto(await initiativeHref(page, code));
      await expectAxeClean(page, `initiative form (${lang})`);
      // A wrong figure first: the message is on the field, the text is kept.
      await page.locator('#status').selectOption('underway');
      await page.locator('#progress').fill('140');
      const account = unique('Stand');
      await page.locator('#account').fill(account);
      expect(await submit(page, page.locator('form[action^="/actieplan/initiatieven/"] button[type="submit"]').first())).toBe(422);
      await expect(page.locator('#progress-error')).toHaveText(t('error-progress-invalid', {}, lang));
      await expect(page.locator('#account')).toHaveValue(account);
      await expectAxeClean(page, `initiative form with an error (${lang})`);
      await page.locator('#progress').fill('60');
      expect(await submit(page, page.locator('form[action^="/actieplan/initiatieven/"] button[type="submit"]').first())).toBe(303);
      await expect(page.locator('.flash')).toHaveText(t('flash-plan-progress-saved', {}, lang));
    }
    const after = await themeProgress(page, section);
    expect(after).not.toBe(before);
    await visit(page, `/actieplan/thema/${section}`);
    await expect(page.locator('ol.timeline li').first()).toBeVisible();
    await expectAxeClean(page, `theme with timeline (${lang})`);
  });

  test(`a regional chair records a meeting and submits the yearly report (${lang})`, async ({ page }) => {
    await login(page, 'chair', lang);
    await visit(page, '/organen/oost-vlaanderen');
    await expectAxeClean(page, `regional platform body (${lang})`);
    const title = unique('Vergadering');
    await page.locator('#title').fill(title);
    await page.locator('#agenda').fill('1. Knelpunten\n2. Jaarverslag');
    await page.locator('#attendees').fill('abc');
    const save = page.locator('form[action$="/vergaderingen"] button[type="submit"]');
    expect(await submit(page, save)).toBe(422);
    await expect(page.locator('#attendees-error')).toBeVisible();
    await expect(page.locator('#title')).toHaveValue(title);
    await expectAxeClean(page, `meeting form with an error (${lang})`);
    await page.locator('#attendees').fill('21');
    await page.locator('main input[name="action"]').first().check();
    expect(await submit(page, save)).toBe(303);
    await expect(page.locator('h1')).toHaveText(title);
    await expectAxeClean(page, `meeting (${lang})`);

    // Yearly report: a year with a draft still open (one per language, so the runs are independent).
    const year = lang === 'nl' ? '2021' : '2022';
    await visit(page, `/jaarverslagen/oost-vlaanderen/${year}`);
    await expectAxeClean(page, `yearly report (${lang})`);
    if (await page.locator('#summary').count()) {
      await page.locator('#summary').fill('Een jaar van lerende netwerken.');
      expect(await submit(page, page.locator(`form[action="/jaarverslagen/oost-vlaanderen/${year}"] button`))).toBe(303);
      const submitButton = page.locator('form[action$="/indienen"] button');
      if (await submitButton.count()) expect(await submit(page, submitButton)).toBe(303);
    }
    await expect(page.locator('main')).toContainText(t('report-status-submitted', {}, lang));
    const pdf = await page.request.get(`/jaarverslagen/oost-vlaanderen/${year}/pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  });

  test(`the platform coordinator generates the 2024 evaluation (${lang})`, async ({ page }) => {
    await login(page, 'platformCoordinator', lang);
    await visit(page, '/jaarverslagen');
    await expectAxeClean(page, `reports list (${lang})`);
    await visit(page, '/evaluatie/2024');
    await expect(page.locator('h1')).toContainText(t('evaluation-title-final', {}, lang));
    await expectAxeClean(page, `evaluation 2024 (${lang})`);
    const pdf = await page.request.get('/evaluatie/2024/pdf');
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await visit(page, '/organen/stuurgroep');
    await expect(page.locator('main')).toContainText('Netwerk tegen Armoede');
    await expectAxeClean(page, `stuurgroep (${lang})`);
  });
}

/** The address of an initiative, found by its code on the initiative pages of a theme. */
async function initiativeHref(page: Page, code: string): Promise<string> {
  const hrefs = await page
    .locator('main table a[href^="/actieplan/initiatieven/"]')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  for (const h of hrefs) {
    const res = await page.request.get(h);
    if ((await res.text()).includes(`${code}</h1>`)) return h;
  }
  throw new Error(`no initiative ${code} on this theme`);
}
