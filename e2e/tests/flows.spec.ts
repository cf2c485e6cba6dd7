// The core work, through the real forms: a social worker registers a client (first with
// mistakes), records consents, refers to another organisation (refused without a referral
// consent, accepted with one), withdraws a consent; the receiving organisation sees the
// referral; the organisation admin creates an account and reads the audit trail; the new
// account signs in with its temporary password; the installation admin creates an
// organisation (a wrong KBO number first). Every state a person sees is checked with axe.
import { test, expect, type Browser, type Page } from '@playwright/test';
import { login, visit, submit, expectAxeClean, t, unique } from './support';

/** A valid, random KBO number (ten digits; the last two are 97 - (first eight mod 97)). */
function randomKbo(): string {
  const body = 1_000_000 + Math.floor(Math.random() * 8_999_999); // eight digits, leading 0
  const check = 97 - (body % 97);
  const digits = `${String(body).padStart(8, '0')}${String(check).padStart(2, '0')}`;
  return `${digits.slice(0, 4)}.${digits.slice(4, 7)}.${digits.slice(7)}`;
}

/** The value of the first option of a select whose text starts with `text`. */
async function optionValue(page: Page, select: string, text: string): Promise<string> {
  const options = page.locator(`${select} option`);
  const all = await options.evaluateAll((os) =>
    os.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? '']),
  );
  const hit = all.find(([, label]) => label.trim().startsWith(text));
  if (!hit) throw new Error(`no option starting with ${text} in ${select}`);
  return hit[0];
}

async function asRole(browser: Browser, role: Parameters<typeof login>[1]): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, role);
  return page;
}

test.describe.serial('social work, referral and audit', () => {
  const clientName = unique('Testpersoon');
  let clientId = '';
  const referralNote = unique('Vraagt hulp bij energiefactuur');
  let workerName = '';
  const newAccount = { email: '', password: '' };

  test('a social worker registers a client, records consents and refers', async ({ page }) => {
    await login(page, 'worker');
    workerName = (await page.locator('header .who').innerText()).replace(/[()]/g, '').trim();
    await visit(page, '/clients/new');

    // A form with mistakes: each error is on its field, the summary names the fields,
    // and what was typed stays.
    await page.locator('#name').fill(clientName);
    await page.locator('#birth').fill('geen datum');
    await page.locator('#phone').fill('12');
    await page.locator('input[name="channels"][value="email"]').check();
    await page.locator('#notes').fill('Eerste gesprek.\nTweede regel.');
    expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(422);
    await expect(page.locator('.error-summary')).toBeVisible();
    const fields: [string, string, string][] = [
      ['birth', 'field-birth', 'error-birth-invalid'],
      ['phone', 'field-phone', 'error-phone-invalid'],
      ['email', 'field-email', 'error-email-needed-for-channel'],
    ];
    for (const [id, label, error] of fields) {
      const input = page.locator(`#${id}`);
      await expect(input).toHaveAttribute('aria-invalid', 'true');
      await expect(input).toHaveAccessibleDescription(new RegExp(escape(t(error))));
      // The summary names the field and links to it.
      const item = page.locator(`.error-summary a[href="#${id}"]`);
      await expect(item).toContainText(t(label));
      await expect(item).toContainText(t(error));
    }
    await expect(page.locator('#name')).toHaveAttribute('aria-invalid', 'false');
    await expect(page.locator('#name')).toHaveValue(clientName);
    await expect(page.locator('#birth')).toHaveValue('geen datum');
    await expect(page.locator('#phone')).toHaveValue('12');
    await expect(page.locator('input[name="channels"][value="email"]')).toBeChecked();
    await expect(page.locator('#notes')).toHaveValue('Eerste gesprek.\nTweede regel.');
    await expectAxeClean(page, 'client form with errors', false);
    // The summary's links move the focus to the field.
    await page.locator('.error-summary a[href="#birth"]').click();
    await expect(page.locator('#birth')).toBeFocused();

    // Corrected.
    await page.locator('#birth').fill('1948');
    await page.locator('#phone').fill('0470 12 34 56');
    await page.locator('#email').fill('persoon@voorbeeld.be');
    await page.locator('#refnis').selectOption(await optionValue(page, '#refnis', 'Gent'));
    await page.locator('input[name="languages"][value="fr"]').check();
    expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(303);
    await expect(page).toHaveURL(/\/clients\/\d+$/);
    clientId = new URL(page.url()).pathname.split('/')[2];
    await expect(page.locator('h1')).toHaveText(clientName);
    await expect(page.locator('.flash')).toHaveText(t('flash-client-created'));
    await expectAxeClean(page, 'client page after registering', false);

    // A consent for a rights check.
    await page.locator('#purpose').selectOption('rights_check');
    await page.locator('#method').selectOption('written');
    expect(await submit(page, page.locator('form[action$="/consents"] button[type="submit"]'))).toBe(303);
    await expect(page.locator('.flash')).toHaveText(t('flash-consent-recorded'));
    const consents = page.locator('#consents-section table tbody tr');
    await expect(consents).toHaveCount(1);
    await expect(consents.first()).toContainText(t('consent-purpose-rights-check'));
    await expect(consents.first()).toContainText(t('consent-active'));

    // A referral consent needs the receiving organisation: refused without it.
    await page.locator('#purpose').selectOption('referral');
    expect(await submit(page, page.locator('form[action$="/consents"] button[type="submit"]'))).toBe(422);
    await expect(page.locator('#recipient_org')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#recipient_org')).toHaveAccessibleDescription(
      new RegExp(escape(t('error-recipient-required'))),
    );
    await expect(page.locator('#purpose')).toHaveValue('referral');
    await expectAxeClean(page, 'consent form with an error', false);

    // Referring without a referral consent is refused, with the reason on the field.
    const leuven = await optionValue(page, '#to_org', 'Buurtwerk Leuven');
    await page.locator('#to_org').selectOption(leuven);
    await page.locator('#referral_note').fill(referralNote);
    expect(await submit(page, page.locator('form[action$="/refer"] button[type="submit"]'))).toBe(422);
    await expect(page.locator('#to_org')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#to-org-error')).toHaveText(t('error-consent-missing-referral'));
    await expect(page.locator('#to_org')).toHaveAccessibleDescription(
      new RegExp(escape(t('error-consent-missing-referral'))),
    );
    await expect(page.locator('#to_org')).toHaveValue(leuven);
    await expect(page.locator('#referral_note')).toHaveValue(referralNote);
    await expectAxeClean(page, 'referral refused', false);

    // Record the referral consent for that organisation; then the referral goes through.
    await page.locator('#purpose').selectOption('referral');
    await page.locator('#recipient_org').selectOption(leuven);
    expect(await submit(page, page.locator('form[action$="/consents"] button[type="submit"]'))).toBe(303);
    await expect(consents).toHaveCount(2);
    await page.locator('#to_org').selectOption(leuven);
    await page.locator('#referral_note').fill(referralNote);
    expect(await submit(page, page.locator('form[action$="/refer"] button[type="submit"]'))).toBe(303);
    await expect(page.locator('.flash')).toHaveText(t('flash-referred'));

    // Withdraw the rights-check consent: it takes effect at once.
    const rightsRow = consents.filter({ hasText: t('consent-purpose-rights-check') });
    expect(await submit(page, rightsRow.locator('button[type="submit"]'))).toBe(303);
    await expect(page.locator('.flash')).toHaveText(t('flash-consent-withdrawn'));
    await expect(rightsRow).toContainText(t('consent-withdrawn-on', { date: '' }).trim());
    await expect(rightsRow.locator('button')).toHaveCount(0);
    await expectAxeClean(page, 'client page with consents', false);
  });

  test('the receiving organisation sees the referral, not the record', async ({ browser }) => {
    const page = await asRole(browser, 'coordinator');
    await visit(page, '/referrals');
    const row = page.locator('main table tbody tr').filter({ hasText: clientName });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(referralNote);
    await expect(row).toContainText('OCMW Gent');
    await expectAxeClean(page, 'referrals received', false);
    // Another organisation's client record stays out of reach.
    const res = await visit(page, `/clients/${clientId}`);
    expect(res.status()).toBe(404);
    await page.context().close();
  });

  test('the organisation admin creates an account and reads the audit trail', async ({ page }) => {
    await login(page, 'orgAdmin');
    await visit(page, '/org/accounts/new');
    // Wrong first: an e-mail address that is not one.
    await page.locator('#display_name').fill('Nieuwe Collega');
    await page.locator('#email').fill('nieuwe-collega');
    await page.locator('#email').evaluate((e) => e.setAttribute('type', 'text'));
    expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(422);
    await expect(page.locator('#email')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('.error-summary a[href="#email"]')).toContainText(t('field-email'));
    await expect(page.locator('#display_name')).toHaveValue('Nieuwe Collega');
    await expectAxeClean(page, 'account form with errors', false);

    newAccount.email = `${unique('collega').replace(/\s+/g, '-')}@ocmw-gent.demo`;
    await page.locator('#email').fill(newAccount.email);
    await page.locator('#role').selectOption('social_worker');
    expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(200);
    const notice = page.locator('.notice');
    await expect(notice).toContainText(t('accounts-temporary-password', { email: newAccount.email }));
    newAccount.password = (await notice.locator('.password code').innerText()).trim();
    expect(newAccount.password.length).toBeGreaterThanOrEqual(10);
    await expect(page.locator('main table tbody tr').filter({ hasText: newAccount.email })).toHaveCount(1);
    await expectAxeClean(page, 'organisation page with a temporary password', false);

    // The audit trail holds what the social worker did with the client, and the account.
    // Other tests add to it at the same time, so older pages are read as needed.
    await visit(page, '/org/audit');
    await expect(page.locator('main table tbody tr').first()).toBeVisible();
    const seen = new Set<string>();
    const wanted = ['client.create', 'consent.record', 'client.refer', 'consent.withdraw', 'account.create'];
    for (let pages = 0; pages < 10; pages++) {
      const found = await page.locator('main table tbody tr').evaluateAll(
        (trs, [client, who]) =>
          trs.flatMap((tr) => {
            const action = tr.getAttribute('data-action') ?? '';
            if (action === 'account.create') return [action];
            const mine = tr.querySelector(`a[href="/clients/${client}"]`) && tr.textContent?.includes(who);
            return mine ? [action] : [];
          }),
        [clientId, workerName],
      );
      found.forEach((a) => seen.add(a));
      const older = page.locator('main nav.pager a[rel="next"]');
      if (wanted.every((a) => seen.has(a)) || (await older.count()) === 0) break;
      await Promise.all([page.waitForNavigation(), older.click()]);
    }
    expect([...seen].filter((a) => wanted.includes(a)).sort()).toEqual([...wanted].sort());
    await visit(page, '/org/audit');
    await expectAxeClean(page, 'audit trail', false);
  });

  test('the new account signs in with its temporary password and must change it', async ({ page }) => {
    await visit(page, '/login');
    await page.locator('#email').fill(newAccount.email);
    await page.locator('#password').fill(newAccount.password);
    await submit(page, page.locator('main form button[type="submit"]'));
    await visit(page, '/');
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.locator('.notice')).toHaveText(t('account-must-change'));
    await expectAxeClean(page, 'account page, password to change', false);
    await page.locator('#current_password').fill(newAccount.password);
    await page.locator('#new_password').fill('een-nieuw-wachtwoord-2026');
    await page.locator('#repeat_password').fill('een-ander-wachtwoord-2026');
    expect(await submit(page, page.locator('form[action="/account/password"] button'))).toBe(422);
    await expect(page.locator('#repeat_password')).toHaveAccessibleDescription(
      new RegExp(escape(t('error-password-mismatch'))),
    );
    await expectAxeClean(page, 'password form with an error', false);
    await page.locator('#current_password').fill(newAccount.password);
    await page.locator('#new_password').fill('een-nieuw-wachtwoord-2026');
    await page.locator('#repeat_password').fill('een-nieuw-wachtwoord-2026');
    expect(await submit(page, page.locator('form[action="/account/password"] button'))).toBe(303);
    await expect(page.locator('.flash')).toHaveText(t('flash-password-changed'));
    await visit(page, '/clients');
    await expect(page).toHaveURL(/\/clients$/);
  });
});

test('the installation admin creates an organisation', async ({ page }) => {
  await login(page, 'admin');
  await visit(page, '/organisations/new');
  const name = unique('Sociaal Huis');
  await page.locator('#name').fill(name);
  await page.locator('#kbo').fill('0403.170.702');
  await page.locator('#kind').selectOption({ index: 1 });
  await page.locator('#refnis').selectOption(await optionValue(page, '#refnis', 'Leuven'));
  await page.locator('#admin_name').fill('Eerste Beheerder');
  const adminEmail = `${unique('beheer').replace(/\s+/g, '-')}@sociaal-huis.demo`;
  await page.locator('#admin_email').fill(adminEmail);
  expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(422);
  await expect(page.locator('#kbo')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#kbo')).toHaveAccessibleDescription(new RegExp(escape(t('error-kbo-checksum'))));
  await expect(page.locator('.error-summary a[href="#kbo"]')).toContainText(t('field-kbo'));
  await expect(page.locator('#name')).toHaveValue(name);
  await expect(page.locator('#kbo')).toHaveValue('0403.170.702');
  await expect(page.locator('#admin_email')).toHaveValue(adminEmail);
  await expectAxeClean(page, 'organisation form with a wrong KBO number', false);

  await page.locator('#kbo').fill(randomKbo());
  expect(await submit(page, page.locator('main form button[type="submit"]'))).toBe(200);
  const notice = page.locator('.notice');
  await expect(notice).toContainText(t('organisations-created', { name }));
  await expect(notice).toContainText(t('accounts-temporary-password', { email: adminEmail }));
  await expectAxeClean(page, 'organisation created', false);
  await visit(page, '/organisations');
  await expect(page.locator('main table a', { hasText: name })).toHaveCount(1);
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
