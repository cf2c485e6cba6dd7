// Issue 7's "Done when", walked in the browser as a new user would: a regional chair
// records a meeting, updates two initiatives (the theme's progress moves), reviews and
// publishes a practice that the search finds by a stemmed Dutch word, and submits the yearly
// report as a PDF; the platform coordinator generates the 2024 evaluation report. On the
// way the practice is linked to an initiative of the plan and discussed at the meeting, and
// both sides show the link. Every page state is checked with axe. The key step (review,
// publish, link, find) is walked again with JavaScript switched off (axe, a script, cannot
// run there; those pages are the ones checked above).
import { test, expect, type Browser, type Page } from '@playwright/test';
import { login, visit, submit, expectAxeClean, t, unique } from './support';

/** The progress shown for a theme in the overview of the action plan. */
async function themeProgress(page: Page, section: string): Promise<string> {
  await visit(page, '/actieplan');
  const row = page.locator('table tbody tr', { has: page.locator(`a[href="/actieplan/thema/${section}"]`) });
  return (await row.locator('td').last().textContent())?.trim() ?? '';
}

/** The address of an initiative, found by its code among the links of a theme's page. */
async function initiativeHref(page: Page, section: string, code: string): Promise<string> {
  await visit(page, `/actieplan/thema/${section}`);
  const hrefs = await page
    .locator('main table a[href^="/actieplan/initiatieven/"]')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  for (const h of hrefs) {
    const res = await page.request.get(h);
    if ((await res.text()).includes(`${code}</h1>`)) return h;
  }
  throw new Error(`no initiative ${code} in theme ${section}`);
}

/** A social worker of OCMW Gent (region Oost-Vlaanderen) submits a complete practice. */
async function submitPractice(browser: Browser, title: string, words: string): Promise<string> {
  const worker = await (await browser.newContext()).newPage();
  await login(worker, 'worker');
  await visit(worker, '/practices/new');
  await worker.locator('#title').fill(title);
  await worker.locator('#summary').fill(`Buren koken samen: ${words}.`);
  await worker.locator('#description').fill(`Elke donderdag ${words} in het buurthuis, met wie alleen woont.`);
  await worker.locator('input[name="krachtlijnen"][value="nabijheid"]').check();
  await worker.locator('input[name="krachtlijnen"][value="verbindend"]').check();
  await worker.locator('input[name="target_groups"][value="mensen-in-armoede"]').check();
  await worker.locator('#ingredients').fill('Vaste dag, vaste plek, iedereen kookt mee.');
  await worker.locator('#contact_name').fill('Els Martens');
  await worker.locator('#contact_email').fill('buurtkeuken@ocmw-gent.demo');
  expect(await submit(worker, worker.locator('main form button[type="submit"]'))).toBe(303);
  const url = new URL(worker.url()).pathname;
  await worker.context().close();
  return url;
}

test('the Done-when walk: meeting, progress, a published practice, the yearly report and the 2024 evaluation', async ({ browser }) => {
  const title = unique('Buurtkeukens');
  const practiceUrl = await submitPractice(browser, title, 'stoofpotten en soepen');

  const chair = await (await browser.newContext()).newPage();
  await login(chair, 'chair');

  // Two initiatives of theme 4.5 get a new state: the theme's progress moves.
  const section = '4.5';
  const before = await themeProgress(chair, section);
  await expectAxeClean(chair, 'action plan');
  const initiatives: string[] = [];
  for (const [code, percent] of [['4.5-A1-I1', '75'], ['4.5-A1-I2', '40']]) {
    const href = await initiativeHref(chair, section, code);
    initiatives.push(href);
    await visit(chair, href);
    await chair.locator('#status').selectOption(percent === '75' ? 'advanced' : 'underway');
    await chair.locator('#progress').fill(percent);
    await chair.locator('#account').fill(unique('Stand van zaken'));
    expect(await submit(chair, chair.locator('form[action^="/actieplan/initiatieven/"] button[type="submit"]').first())).toBe(303);
    await expect(chair.locator('.flash')).toHaveText(t('flash-plan-progress-saved'));
    await expectAxeClean(chair, `initiative ${code} after an update`);
  }
  const after = await themeProgress(chair, section);
  expect(after).not.toBe(before);
  await visit(chair, `/actieplan/thema/${section}`);
  await expect(chair.locator('ol.timeline li').first()).toBeVisible();
  await expectAxeClean(chair, `theme ${section} with its timeline`);

  // The chair reviews and publishes the practice, and links it to the first initiative.
  await visit(chair, '/practices/review');
  await expectAxeClean(chair, 'review list');
  await chair.locator('main table a', { hasText: title }).click();
  await expectAxeClean(chair, 'practice with the review form and the links');
  expect(await submit(chair, chair.locator('form[action$="/review"] button[type="submit"]'))).toBe(303);
  await expect(chair.locator('.flash')).toContainText(t('practices-published'));
  await visit(chair, practiceUrl);
  await chair.locator('#link-initiative').selectOption({ label: '4.5-A1-I1' });
  expect(await submit(chair, chair.locator('form:has(#link-initiative) button[type="submit"]'))).toBe(303);
  await expect(chair.locator('section[aria-labelledby="links"]')).toContainText('4.5-A1-I1');
  await expectAxeClean(chair, 'practice with a linked initiative');

  // Anyone finds it by a stemmed Dutch word ("stoofpot" finds "stoofpotten"), and the
  // initiative's page lists it.
  const visitor = await (await browser.newContext()).newPage();
  await visit(visitor, '/practices?q=stoofpot');
  await expect(visitor.locator('main ul.cards')).toContainText(title);
  await expectAxeClean(visitor, 'search by a stemmed word');
  await visit(visitor, initiatives[0]);
  await expect(visitor.locator('section[aria-labelledby="linked-practices"]')).toContainText(title);
  await expectAxeClean(visitor, 'initiative with its linked practice, public');

  // The chair records a meeting that discussed the action and the practice.
  await visit(chair, '/organen/oost-vlaanderen');
  await expectAxeClean(chair, 'regional platform with the meeting form');
  const meeting = unique('Platformoverleg');
  await chair.locator('#title').fill(meeting);
  await chair.locator('#agenda').fill('1. Actieplan 4.5\n2. Nieuwe praktijken');
  await chair.locator('#minutes').fill('De buurtkeukens worden voorgesteld.');
  await chair.locator('#attendees').fill('14');
  await chair.locator('main input[name="action"]').first().check();
  await chair.getByLabel(title, { exact: true }).check();
  expect(await submit(chair, chair.locator('form[action$="/vergaderingen"] button[type="submit"]'))).toBe(303);
  await expect(chair.locator('h1')).toHaveText(meeting);
  await expect(chair.locator('main')).toContainText(title);
  await expectAxeClean(chair, 'meeting with the practice discussed');

  // The yearly report of 2023: a summary, submitted to the stuurgroep, and its PDF.
  const year = '2023';
  await visit(chair, `/jaarverslagen/oost-vlaanderen/${year}`);
  await expectAxeClean(chair, 'yearly report');
  if (await chair.locator('#summary').count()) {
    await chair.locator('#summary').fill('Een jaar van buurtkeukens en lerende netwerken.');
    expect(await submit(chair, chair.locator(`form[action="/jaarverslagen/oost-vlaanderen/${year}"] button`))).toBe(303);
    const submitButton = chair.locator('form[action$="/indienen"] button');
    if (await submitButton.count()) expect(await submit(chair, submitButton)).toBe(303);
  }
  await expect(chair.locator('main')).toContainText(t('report-status-submitted'));
  await expectAxeClean(chair, 'submitted yearly report');
  const pdf = await chair.request.get(`/jaarverslagen/oost-vlaanderen/${year}/pdf`);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

  // The platform coordinator generates the 2024 evaluation (HTML and PDF).
  const coordinator = await (await browser.newContext()).newPage();
  await login(coordinator, 'platformCoordinator');
  await visit(coordinator, '/evaluatie/2024');
  await expect(coordinator.locator('h1')).toContainText(t('evaluation-title-final'));
  await expectAxeClean(coordinator, 'evaluation 2024');
  const evaluation = await coordinator.request.get('/evaluatie/2024/pdf');
  expect(evaluation.status()).toBe(200);
  expect((await evaluation.body()).subarray(0, 5).toString()).toBe('%PDF-');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the chair publishes and links a practice, and the search finds it by a stemmed word', async ({ browser }) => {
    const title = unique('Soepbars');
    const practiceUrl = await submitPractice(browser, title, 'soepbars op het plein');
    const context = await browser.newContext({ javaScriptEnabled: false });
    const chair = await context.newPage();
    await login(chair, 'chair');
    await visit(chair, practiceUrl);
    expect(await submit(chair, chair.locator('form[action$="/review"] button[type="submit"]'))).toBe(303);
    await expect(chair.locator('.flash')).toContainText(t('practices-published'));
    await visit(chair, practiceUrl);
    await chair.locator('#link-initiative').selectOption({ label: '4.5-A1-I2' });
    expect(await submit(chair, chair.locator('form:has(#link-initiative) button[type="submit"]'))).toBe(303);
    await expect(chair.locator('section[aria-labelledby="links"]')).toContainText('4.5-A1-I2');
    // (axe runs as a script, so the pages are checked in the walk above, with JavaScript.)
    // The search is a plain GET form: "soepbar" finds "Soepbars".
    await visit(chair, '/practices');
    await chair.locator('#q').fill('soepbar');
    await Promise.all([chair.waitForURL(/q=soepbar/), chair.locator('form[role="search"] button').click()]);
    await expect(chair.locator('main ul.cards')).toContainText(title);
    await context.close();
  });
});
