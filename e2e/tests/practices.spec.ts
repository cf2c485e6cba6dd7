// The good-practice database, the krachtlijnen and the events (issue 7 points 5, 6, 9):
// the public pages signed out (nl and fr), a practice submitted by a social worker with a
// form that keeps what was typed, reviewed by the regional chair (sent back, then
// published), found by a stemmed word; registration for an event with a waiting list.
// Every state is checked with axe.
import { test, expect, type Page } from '@playwright/test';
import { login, logout, visit, submit, expectAxeClean, switchLanguage, t, unique, LANG_TAG, type Lang } from './support';

async function expectTitled(page: Page, url: string): Promise<void> {
  expect.soft(await page.title(), `title of ${url}`).toMatch(/^\S.* · Sterk$/);
  await expect.soft(page.locator('main h1'), `one h1 on ${url}`).toHaveCount(1);
}

test('the public practice pages, krachtlijnen and events, signed out, in Dutch and French', async ({ page }) => {
  for (const lang of ['nl', 'fr'] as Lang[]) {
    await visit(page, '/');
    await switchLanguage(page, lang);
    await visit(page, '/practices');
    const first = page.locator('main ul.cards h3 a').first();
    const practiceUrl = new URL(await first.getAttribute('href') ?? '/', page.url()).pathname;
    await visit(page, '/events');
    const conference = new URL(
      (await page.locator('main ul.cards h3 a').first().getAttribute('href')) ?? '/',
      page.url(),
    ).pathname;
    for (const url of [
      '/practices',
      '/practices?q=buurten',
      '/practices?krachtlijn=nabijheid&region=oost-vlaanderen',
      '/practices?q=zzzzqqq',
      practiceUrl,
      '/krachtlijnen',
      '/events',
      conference,
    ]) {
      const res = await visit(page, url);
      expect.soft(res.status(), url).toBe(200);
      await expect.soft(page.locator('html')).toHaveAttribute('lang', LANG_TAG[lang]);
      await expectTitled(page, url);
      await expectAxeClean(page, `${url} signed out in ${lang}`);
    }
  }
  // The search works without JavaScript: a GET form, facets are links.
  await visit(page, '/');
  await switchLanguage(page, 'nl');
  await visit(page, '/practices');
  await page.locator('#q').fill('talen');
  await Promise.all([page.waitForURL(/q=talen/), page.locator('form[role="search"] button').click()]);
  await expect(page.locator('main ul.cards')).toContainText('Van deur tot deur');
  await page.locator('section[aria-labelledby="facet-region"] a').first().click();
  await expect(page).toHaveURL(/region=/);
});

test('a practice is submitted, sent back, changed and published, and the search finds it', async ({ browser }) => {
  const title = unique('Moestuin in de wijk');
  const worker = await (await browser.newContext()).newPage();
  await login(worker, 'worker');
  await visit(worker, '/practices/new');
  await expectAxeClean(worker, 'practice form');
  // Missing fields: named, the rest kept.
  await worker.locator('#title').fill(title);
  await worker.locator('#summary').fill('Jongeren en buren bouwen samen een moestuin.');
  await worker.locator('input[name="krachtlijnen"][value="verbindend"]').check();
  expect(await submit(worker, worker.locator('main form button[type="submit"]'))).toBe(422);
  await expect(worker.locator('.error-summary')).toContainText(t('practices-field-description'));
  await expect(worker.locator('.error-summary')).toContainText(t('error-choose-at-least-one'));
  await expect(worker.locator('#title')).toHaveValue(title);
  await expect(worker.locator('input[name="krachtlijnen"][value="verbindend"]')).toBeChecked();
  await expectAxeClean(worker, 'practice form with errors');
  await worker.locator('#description').fill('Elke woensdag werken jongeren uit de wijken met buren in de moestuinen.');
  await worker.locator('input[name="target_groups"][value="kinderen-jongeren"]').check();
  await worker.locator('input[name="challenges"][value="duurzaamheid"]').check();
  await worker.locator('#ingredients').fill('Samen beslissen wat er geplant wordt.');
  await worker.locator('#contact_name').fill('Sara Peeters');
  await worker.locator('#contact_email').fill('moestuin@ocmw-gent.demo');
  expect(await submit(worker, worker.locator('main form button[type="submit"]'))).toBe(303);
  const practiceUrl = new URL(worker.url()).pathname;
  await expect(worker.locator('main')).toContainText(t('practices-status-submitted'));
  await expectAxeClean(worker, 'submitted practice');

  // The chair of Oost-Vlaanderen sends it back with a comment (a missing comment is named).
  const chair = await (await browser.newContext()).newPage();
  await login(chair, 'chair');
  await visit(chair, '/practices/review');
  await expectAxeClean(chair, 'review list');
  await chair.locator('main table a', { hasText: title }).click();
  await expectAxeClean(chair, 'practice with review form');
  await chair.locator('#decision-send-back').check();
  expect(await submit(chair, chair.locator('form[action$="/review"] button[type="submit"]'))).toBe(422);
  await expect(chair.locator('#comment-error')).toBeVisible();
  await expectAxeClean(chair, 'review form with error');
  await chair.locator('#comment').fill('Graag de randvoorwaarden aanvullen.');
  expect(await submit(chair, chair.locator('form[action$="/review"] button[type="submit"]'))).toBe(303);

  // The worker sees why, adds the conditions and submits again.
  await visit(worker, '/practices/mine');
  await expect(worker.locator('main table')).toContainText('Graag de randvoorwaarden aanvullen.');
  await expectAxeClean(worker, 'my practices');
  await visit(worker, `${practiceUrl}/edit`);
  await worker.locator('#conditions').fill('Een stuk grond en gereedschap.');
  expect(await submit(worker, worker.locator('main form button[type="submit"]'))).toBe(303);

  // The chair publishes, in French this time.
  await visit(chair, practiceUrl);
  await switchLanguage(chair, 'fr');
  await expectAxeClean(chair, 'practice with review form in French');
  expect(await submit(chair, chair.locator('form[action$="/review"] button[type="submit"]'))).toBe(303);
  await expect(chair.locator('.flash')).toContainText(t('practices-published', {}, 'fr'));
  await switchLanguage(chair, 'nl');

  // Anyone finds it by a stemmed Dutch word ("moestuin" -> "moestuinen").
  const visitor = await (await browser.newContext()).newPage();
  await visit(visitor, '/practices?q=moestuin');
  await expect(visitor.locator('main ul.cards')).toContainText(title);
  await visit(visitor, practiceUrl);
  await expect(visitor.locator('main')).toContainText('Een stuk grond en gereedschap.');
  await expectAxeClean(visitor, 'published practice, public');
  await logout(worker);
});

test('registering for an event, the waiting list and cancelling; the chair runs the event', async ({ browser }) => {
  // The chair makes a small event: one place, one on the waiting list.
  const chair = await (await browser.newContext()).newPage();
  await login(chair, 'chair');
  await visit(chair, '/events/new');
  await expectAxeClean(chair, 'new event form');
  const title = unique('Markt van praktijken');
  await chair.locator('#title').fill(title);
  await chair.locator('#held_on').fill('17/03/2030');
  await chair.locator('#capacity').fill('een');
  expect(await submit(chair, chair.locator('main form button[type="submit"]'))).toBe(422);
  await expect(chair.locator('#title')).toHaveValue(title);
  await expectAxeClean(chair, 'new event form with errors');
  await chair.locator('#capacity').fill('1');
  await chair.locator('#waitlist').fill('1');
  expect(await submit(chair, chair.locator('main form button[type="submit"]'))).toBe(303);
  const eventUrl = new URL(chair.url()).pathname;
  await chair.locator('#s_title').fill('Welkom en markt');
  await chair.locator('#s_starts_at').fill('14:00');
  await chair.locator('#s_speakers').fill('Prof. An Claes, regionaal platform');
  expect(await submit(chair, chair.locator('form[action$="/sessions"] button[type="submit"]'))).toBe(303);
  await chair.locator('#practice').selectOption({ index: 1 });
  expect(await submit(chair, chair.locator('form[action$="/showcase"] button[type="submit"]'))).toBe(303);
  await expectAxeClean(chair, 'event page with organiser forms');

  const pages: Record<string, Page> = {};
  for (const [lang, name, email] of [
    ['nl', 'An', 'an@voorbeeld.be'],
    ['fr', 'Bert', 'bert@voorbeeld.be'],
  ] as [Lang, string, string][]) {
    const p = await (await browser.newContext()).newPage();
    pages[lang] = p;
    await visit(p, '/');
    await switchLanguage(p, lang);
    await visit(p, eventUrl);
    await expect(p.locator('main')).toContainText('Welkom en markt');
    await expectAxeClean(p, `event page for visitors in ${lang}`);
    await p.locator('#name').fill(name);
    await p.locator('#email').fill(email);
    expect(await submit(p, p.locator('form[action$="/register"] button[type="submit"]'))).toBe(303);
    await expectAxeClean(p, `own registration in ${lang}`);
  }
  await expect(pages.nl.locator('main .notice')).toContainText(t('events-status-registered'));
  await expect(pages.fr.locator('main .notice')).toContainText(t('events-status-waiting', { position: '1' }, 'fr'));
  // An cancels: Bert gets the place.
  expect(await submit(pages.nl, pages.nl.locator('main form button[type="submit"]'))).toBe(303);
  await expect(pages.nl.locator('main .notice')).toContainText(t('events-status-cancelled'));
  await pages.fr.reload();
  await expect(pages.fr.locator('main .notice')).toContainText(t('events-status-registered', {}, 'fr'));
  await visit(chair, `${eventUrl}/registrations`);
  await expect(chair.locator('main table')).toContainText('bert@voorbeeld.be');
  await expect(chair.locator('main table')).toContainText(t('events-promoted'));
  await expectAxeClean(chair, 'registrations list');
});

test('the diversity self-assessment of an organisation, in Dutch and French', async ({ page }) => {
  await login(page, 'orgAdmin');
  await visit(page, '/diversity');
  await expectAxeClean(page, 'diversity overview');
  await visit(page, '/diversity/new');
  await expectAxeClean(page, 'diversity questionnaire');
  // One answer missing: named, the others kept.
  const radios = page.locator('main form fieldset');
  const n = await radios.count();
  for (let i = 1; i < n; i++) await radios.nth(i).locator('input[value="2"]').check();
  expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(422);
  await expect(page.locator('.error-summary li')).toHaveCount(1);
  await expect(radios.nth(1).locator('input[value="2"]')).toBeChecked();
  await expectAxeClean(page, 'diversity questionnaire with errors');
  await radios.nth(0).locator('input[value="3"]').check();
  expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(303);
  await expect(page.locator('main table')).toBeVisible();
  await expectAxeClean(page, 'diversity results');
  await switchLanguage(page, 'fr');
  await expect(page.locator('main h1')).toHaveText(t('diversity-title', {}, 'fr'));
  await expectAxeClean(page, 'diversity results in French');
  await visit(page, '/diversity/new');
  await expectAxeClean(page, 'diversity questionnaire in French');
  await switchLanguage(page, 'nl');
});
