// The rights module end to end, as a social worker lives it, in Dutch and in French:
// upload a population file (one bad row), watch the screening's progress, make a call
// round from it, reach a household (it becomes a client with consent and follow-ups),
// follow one right until it is granted and another until it is refused, make a signal
// candidate of the refusal, and see it all in the take-up figures. Every page is checked
// with axe. Plain form posts: the journey needs no JavaScript, and runs once with it and
// once without it in each language.
import { test, expect, type Page } from '@playwright/test';
import { login, visit, submit, expectAxeClean, t, unique, type Lang } from './support';

const HEADER =
  'household_id,region,applicant_age,partner,dependent_children,other_adults,monthly_pension,receives_igo,legal_residence,annual_net_income,receives_vt,annual_health_copayments';

function population(): string {
  const rows = [
    '1,flanders,82,false,0,0,90000,false,true,1080000,false,120000',
    '2,flanders,abc,false,0,0,90000,false,true,1080000,false,120000',
    '3,flanders,75,false,0,0,80000,false,true,960000,false,90000',
    '4,flanders,88,false,0,0,70000,false,true,840000,false,110000',
    '5,brussels,90,false,0,0,70000,false,true,840000,false,100000',
  ];
  return `${HEADER}\n${rows.join('\n')}\n`;
}

function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Waits until the screening job page says the job is done (the page refreshes itself). */
async function waitUntilDone(page: Page, lang: Lang): Promise<void> {
  const done = `${t('screening-status', {}, lang)}: ${t('screening-status-done', {}, lang)}`;
  for (let i = 0; i < 60; i++) {
    const heading = (await page.locator('#status-h').textContent()) ?? '';
    if (heading.includes(done)) return;
    await page.waitForTimeout(1000);
    await page.reload();
  }
  throw new Error('the screening did not finish in a minute');
}

/** axe needs JavaScript in the page: the run without JavaScript walks the same pages
 * without it, and the run with JavaScript checks each of them with axe. */
async function axeIf(js: boolean, page: Page, label: string): Promise<void> {
  if (js) await expectAxeClean(page, label);
}

for (const js of [true, false]) {
for (const lang of ['nl', 'fr'] as Lang[]) {
  test.describe(js ? 'with JavaScript' : 'without JavaScript', () => {
  test.use({ javaScriptEnabled: js });
  test(`from a screening through a call round to a granted right and a signal candidate (${lang}${js ? '' : ', no JavaScript'})`, async ({ page }) => {
    await login(page, 'worker', lang);

    // Upload: the job starts and shows its progress, then its results and the bad row.
    await visit(page, '/screenings');
    await axeIf(js, page, `screenings (${lang})`);
    await page.locator('#households').setInputFiles({
      name: 'bevolking.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(population()),
    });
    expect(await submit(page, page.locator('form[action^="/screenings/upload"] button[type="submit"]'))).toBe(303);
    await expect(page).toHaveURL(/\/screenings\/\d+$/);
    await axeIf(js, page, `screening job, running or done (${lang})`);
    await waitUntilDone(page, lang);
    await expect(page.locator('#errors-h')).toHaveText(t('screening-errors', {}, lang));
    await expect(page.locator('section[aria-labelledby="errors-h"] tbody tr')).toHaveCount(1);
    await axeIf(js, page, `screening job, done (${lang})`);
    const jobUrl = page.url();

    // The results, read from the screening's compressed blocks, filtered on one right.
    const job = new URL(jobUrl).pathname;
    expect((await visit(page, `${job}/results?right=igo`)).status()).toBe(200);
    await expect(page.locator('#right')).toHaveValue('igo');
    expect(await page.locator('main table tbody tr').count()).toBeGreaterThan(0);
    await axeIf(js, page, `screening results for one right (${lang})`);
    await visit(page, job);

    // A call round from the screening, for this worker.
    await page.locator('a[href^="/callrounds/new?job="]').click();
    await axeIf(js, page, `new call round (${lang})`);
    const roundName = unique(lang === 'nl' ? 'Belronde senioren' : 'Tournée seniors');
    await page.locator('#name').fill(roundName);
    await page.locator('#workers').check();
    expect(await submit(page, page.locator('main form[action="/callrounds"] button[type="submit"]'))).toBe(303);
    await expect(page).toHaveURL(/\/callrounds\/\d+$/);
    await expect(page.locator('h1')).toContainText(roundName);
    await axeIf(js, page, `call round (${lang})`);
    const roundUrl = page.url();

    // The printable call list.
    const round = new URL(roundUrl).pathname;
    expect((await visit(page, `${round}/print`)).status()).toBe(200);
    await axeIf(js, page, `printed call list (${lang})`);
    await visit(page, round);

    // Reach the first household: it becomes a client with consent and follow-ups.
    await page.locator('main table a[href*="/entries/"]').first().click();
    await axeIf(js, page, `call entry (${lang})`);
    await page.locator('input[name="outcome"][value="reached"]').check();
    const person = unique(lang === 'nl' ? 'Meneer B.' : 'Monsieur B.');
    await page.locator('#name').fill(person);
    await page.locator('#refnis').selectOption('44021');
    const save = page.locator('main form[action*="/entries/"] button[type="submit"]');
    expect(await submit(page, save)).toBe(303);
    await expect(page).toHaveURL(/\/clients\/\d+\/rights$/);
    await expect(page.locator('.flash')).toHaveText(t('flash-call-reached', {}, lang));
    await axeIf(js, page, `follow-ups of the reached person (${lang})`);
    const followups = page.locator('article.followup');
    // The household was found with several probable rights (IGO at 82 with a small pension,
    // and the maximumfactuur refund of health co-payments above the cap): each is followed up.
    expect(await followups.count()).toBeGreaterThan(1);

    // The first right: applied, then granted with an amount.
    const first = followups.first();
    const firstId = await first.getAttribute('id');
    let form = page.locator(`#${firstId} form[action*="/followups/"]`).first();
    await form.locator('select[name="to"]').selectOption('applied');
    await form.locator('input[name="on"]').fill(today());
    await form.locator('input[name="applied_where"]').fill('Federale Pensioendienst');
    expect(await submit(page, form.locator('button[type="submit"]'))).toBe(303);
    form = page.locator(`#${firstId} form[action*="/followups/"]`).first();
    await form.locator('select[name="to"]').selectOption('granted');
    await form.locator('input[name="on"]').fill(today());
    await form.locator('input[name="amount"]').fill('312,45');
    expect(await submit(page, form.locator('button[type="submit"]'))).toBe(303);
    await expect(page.locator(`#${firstId} h3`)).toContainText(t('followup-status-granted', {}, lang));
    await axeIf(js, page, `a granted right (${lang})`);

    // The second right: applied, refused without a reason (named on the field), refused
    // with a reason, then a signal candidate from the refusal.
    {
      const second = followups.nth(1);
      const secondId = await second.getAttribute('id');
      form = page.locator(`#${secondId} form[action*="/followups/"]`).first();
      await form.locator('select[name="to"]').selectOption('applied');
      await form.locator('input[name="on"]').fill(today());
      await form.locator('input[name="applied_where"]').fill('OCMW Gent');
      expect(await submit(page, form.locator('button[type="submit"]'))).toBe(303);
      form = page.locator(`#${secondId} form[action*="/followups/"]`).first();
      await form.locator('select[name="to"]').selectOption('refused');
      await form.locator('input[name="on"]').fill(today());
      expect(await submit(page, form.locator('button[type="submit"]'))).toBe(422);
      await axeIf(js, page, `a refusal without its reason (${lang})`);
      form = page.locator(`#${secondId} form[action*="/followups/"]`).first();
      await form.locator('select[name="to"]').selectOption('refused');
      await form.locator('input[name="on"]').fill(today());
      await form.locator('select[name="refusal_code"]').selectOption('documents_missing');
      expect(await submit(page, form.locator('button[type="submit"]'))).toBe(303);
      await expect(page.locator(`#${secondId} h3`)).toContainText(t('followup-status-refused', {}, lang));
      const signal = page.locator(`#${secondId} form[action$="/signal"]`);
      await signal.locator('textarea[name="barrier"]').fill(
        lang === 'nl'
          ? 'Het bewijs van inkomen moest op papier komen, terwijl het kantoor enkel online werkt.'
          : 'La preuve de revenus devait être remise sur papier alors que le bureau ne travaille qu’en ligne.',
      );
      expect(await submit(page, signal.locator('button[type="submit"]'))).toBe(303);
      await axeIf(js, page, `after a signal candidate (${lang})`);
    }

    // The take-up figures of the organisation show the grant; the regional view hides
    // small cells and says so.
    await visit(page, '/rights/figures');
    await expect(page.locator('h1')).toHaveText(t('figures-title', {}, lang));
    await expect(page.locator('svg.chart')).toHaveCount(2);
    await axeIf(js, page, `take-up figures, own organisation (${lang})`);
    await visit(page, '/rights/figures?scope=platform:oost-vlaanderen');
    await expect(page.locator('p.note')).toHaveText(t('figures-outside-note', {}, lang));
    await axeIf(js, page, `take-up figures, region (${lang})`);
  });
  });
}
}
