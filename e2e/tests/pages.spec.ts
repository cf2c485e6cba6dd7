// Every page of the kernel, for every role: the expected status (allowed, or refused with
// 403), and zero axe-core violations (WCAG 2.1 AA) on each page the role may see, in Dutch
// and in French. The language is switched with the buttons in the header, as a person would.
import { test, expect, type Page } from '@playwright/test';
import {
  ROLES,
  type RoleKey,
  type Lang,
  login,
  switchLanguage,
  visit,
  expectAxeClean,
  LANG_TAG,
  unique,
} from './support';

type PageKey =
  | 'start'
  | 'clients'
  | 'clientNew'
  | 'client'
  | 'clientEdit'
  | 'clientErase'
  | 'clientRights'
  | 'clientRightsNew'
  | 'referrals'
  | 'org'
  | 'orgAccountNew'
  | 'orgAudit'
  | 'adminAudit'
  | 'adminAccounts'
  | 'organisations'
  | 'organisation'
  | 'organisationNew'
  | 'platforms'
  | 'platformAntwerpen'
  | 'platformVlaanderen'
  | 'account'
  | 'rightsPublic';

const PAGES: Record<PageKey, (ids: Ids) => string> = {
  start: () => '/',
  clients: () => '/clients',
  clientNew: () => '/clients/new',
  client: (ids) => `/clients/${ids.client}`,
  clientEdit: (ids) => `/clients/${ids.client}/edit`,
  clientErase: (ids) => `/clients/${ids.client}/erase`,
  clientRights: (ids) => `/clients/${ids.client}/rights`,
  clientRightsNew: (ids) => `/clients/${ids.client}/rights/new`,
  referrals: () => '/referrals',
  org: () => '/org',
  orgAccountNew: () => '/org/accounts/new',
  orgAudit: () => '/org/audit',
  adminAudit: () => '/admin/audit',
  adminAccounts: () => '/admin/accounts',
  organisations: () => '/organisations',
  organisation: (ids) => `/organisations/${ids.organisation}`,
  organisationNew: () => '/organisations/new',
  platforms: () => '/platforms',
  platformAntwerpen: () => '/platforms/antwerpen',
  platformVlaanderen: () => '/platforms/vlaanderen',
  account: () => '/account',
  rightsPublic: () => '/rechten',
};

type Ids = { client: string; organisation: string };

const PUBLIC_FOR_ALL: PageKey[] = [
  'start',
  'organisations',
  'organisation',
  'platforms',
  'platformAntwerpen',
  'platformVlaanderen',
  'account',
  'rightsPublic',
];
const CLIENT_WORK: PageKey[] = [
  'clients',
  'clientNew',
  'client',
  'clientEdit',
  'clientRights',
  'clientRightsNew',
  'referrals',
  'org',
];

/** What each role may open; every other page of the kernel must be refused. */
const ALLOWED: Record<RoleKey, PageKey[]> = {
  worker: [...PUBLIC_FOR_ALL, ...CLIENT_WORK],
  orgAdmin: [...PUBLIC_FOR_ALL, ...CLIENT_WORK, 'clientErase', 'orgAccountNew', 'orgAudit'],
  coordinator: [...PUBLIC_FOR_ALL, ...CLIENT_WORK],
  volunteer: [...PUBLIC_FOR_ALL, 'org'],
  chair: [...PUBLIC_FOR_ALL],
  platformCoordinator: [...PUBLIC_FOR_ALL],
  admin: [...PUBLIC_FOR_ALL, 'adminAudit', 'adminAccounts', 'organisationNew'],
};

const ROLE_ORDER = Object.keys(ROLES) as RoleKey[];

/** Pages whose content depends on who looks (beyond the menu). */
const ROLE_DEPENDENT = new Set<PageKey>(['start', 'org', 'organisations', 'account']);

/**
 * Which pages a role checks with axe in French. In Dutch every role checks every page it
 * may open. In French each page is checked once, by the first role that may open it, and
 * the pages whose content depends on the role by every role: the same templates with other
 * words, so this finds what a translation can break (lang, names, labels) at half the time.
 */
function axeInFrench(role: RoleKey, key: PageKey | '403' | '404'): boolean {
  if (key === '403' || key === '404') return role === ROLE_ORDER[0];
  if (ROLE_DEPENDENT.has(key)) return true;
  return ROLE_ORDER.find((r) => ALLOWED[r].includes(key)) === role;
}

/** A page has a title of its own (2.4.2) and one main heading. */
async function expectTitled(page: Page, url: string): Promise<void> {
  expect.soft(await page.title(), `title of ${url}`).toMatch(/^\S.* · Sterk$/);
  await expect.soft(page.locator('main h1'), `one h1 on ${url}`).toHaveCount(1);
}

/** A client of the role's own organisation (one is registered when there is none yet). */
async function ownClient(page: Page): Promise<string> {
  await visit(page, '/clients');
  const link = page.locator('main table a[href^="/clients/"]').first();
  if ((await link.count()) === 0) {
    await visit(page, '/clients/new');
    await page.locator('#name').fill(unique('Testpersoon'));
    await Promise.all([
      page.waitForURL(/\/clients\/\d+$/),
      page.locator('main form button[type="submit"]').click(),
    ]);
    return new URL(page.url()).pathname.split('/')[2];
  }
  return (await link.getAttribute('href'))!.split('/')[2];
}

async function anOrganisation(page: Page): Promise<string> {
  await visit(page, '/organisations');
  const href = await page.locator('main table a[href^="/organisations/"]').first().getAttribute('href');
  return href!.split('/')[2];
}

/**
 * Visits every kernel page in the current language: the pages the role may open answer
 * 200 in that language and pass axe; in Dutch every other page is refused (403, or the
 * login form). In French only the pages the role may open are visited again.
 */
async function sweep(page: Page, role: RoleKey, ids: Ids, lang: Lang): Promise<void> {
  const allowed = new Set(ALLOWED[role]);
  const axe = (key: PageKey | '403' | '404') => lang === 'nl' || axeInFrench(role, key);
  let refusedChecked = false;
  for (const [key, path] of Object.entries(PAGES) as [PageKey, (ids: Ids) => string][]) {
    const url = path(ids);
    if (!allowed.has(key) && lang !== 'nl' && (refusedChecked || !axe('403'))) continue;
    const res = await visit(page, url);
    if (allowed.has(key)) {
      expect.soft(res.status(), `${role} (${lang}) may open ${url}`).toBe(200);
      expect.soft(new URL(page.url()).pathname, `${role} stays on ${url}`).toBe(url);
      await expect.soft(page.locator('html')).toHaveAttribute('lang', LANG_TAG[lang]);
      await expectTitled(page, url);
      if (axe(key)) await expectAxeClean(page, `${url} as ${role} in ${lang}`);
    } else {
      const status = res.status();
      const toLogin = new URL(page.url()).pathname === '/login';
      expect.soft(status === 403 || toLogin, `${role} (${lang}) is refused ${url}, got ${status}`).toBe(true);
      if (!refusedChecked && status === 403 && axe('403')) {
        // The refusal page itself: translated, and accessible.
        await expect.soft(page.locator('html')).toHaveAttribute('lang', LANG_TAG[lang]);
        await expectAxeClean(page, `403 page (${url}) as ${role} in ${lang}`);
        refusedChecked = true;
      }
    }
  }
  // Not found.
  const missing = await visit(page, '/this-page-does-not-exist');
  expect.soft(missing.status()).toBe(404);
  await expect.soft(page.locator('html')).toHaveAttribute('lang', LANG_TAG[lang]);
  if (axe('404')) await expectAxeClean(page, `404 page as ${role} in ${lang}`);
  // The login page sends a signed-in person to the start page.
  await visit(page, '/login');
  expect.soft(new URL(page.url()).pathname).toBe('/');
}

async function idsFor(page: Page, role: RoleKey): Promise<Ids> {
  return {
    client: ALLOWED[role].includes('client') ? await ownClient(page) : '1',
    organisation: await anOrganisation(page),
  };
}

for (const role of ROLE_ORDER) {
  test(`every page as ${ROLES[role].label} (${role}), in Dutch`, async ({ page }) => {
    await login(page, role, 'nl');
    await sweep(page, role, await idsFor(page, role), 'nl');
  });

  // Rendering: the language of every page. Not repeated in the behaviour pass on the
  // second database backend (see e2e/run.sh).
  test(`every page as ${ROLES[role].label} (${role}), in French`, { tag: '@rendering' }, async ({ page, browser }) => {
    await login(page, role, 'nl');
    const ids = await idsFor(page, role);
    // Switch to French with the header buttons; the choice holds on every next page
    // (checked on each page of the sweep below).
    await visit(page, '/');
    await switchLanguage(page, 'fr');

    // The account remembers it: signing in elsewhere, without choosing, gives French.
    // There English is chosen, and it holds there too. (No other test signs in with this
    // account without choosing a language, so this does not race with them.)
    const elsewhere = await browser.newContext({ locale: 'nl-BE' });
    const other = await elsewhere.newPage();
    await login(other, role, null);
    await expect(other.locator('html')).toHaveAttribute('lang', LANG_TAG.fr);
    await switchLanguage(other, 'en');
    await visit(other, '/platforms');
    await expect(other.locator('html')).toHaveAttribute('lang', LANG_TAG.en);
    await elsewhere.close();

    await sweep(page, role, ids, 'fr');
    // Back to Dutch, so the account's remembered language is as the demo data has it.
    await visit(page, '/');
    await switchLanguage(page, 'nl');
  });
}

test('every public page when signed out', async ({ page }) => {
  for (const lang of ['nl', 'fr'] as Lang[]) {
    await visit(page, '/');
    await switchLanguage(page, lang);
    for (const url of ['/', '/login', '/rechten', '/platforms', '/platforms/antwerpen', '/platforms/vlaanderen']) {
      const res = await visit(page, url);
      expect.soft(res.status(), url).toBe(200);
      await expect.soft(page.locator('html')).toHaveAttribute('lang', LANG_TAG[lang]);
      await expectTitled(page, url);
      await expectAxeClean(page, `${url} signed out in ${lang}`);
    }
    // Pages behind the login send you to the login form, and back after signing in.
    for (const url of ['/clients', '/org', '/organisations', '/account', '/admin/audit']) {
      await visit(page, url);
      expect.soft(new URL(page.url()).pathname, url).toBe('/login');
      expect.soft(new URL(page.url()).searchParams.get('next'), url).toBe(url);
    }
    const missing = await visit(page, '/this-page-does-not-exist');
    expect.soft(missing.status()).toBe(404);
    await expectAxeClean(page, `404 page signed out in ${lang}`);
  }
});

test('the skip link is the first stop of the keyboard and leads to the content', async ({ page }) => {
  await login(page, 'worker');
  await visit(page, '/clients');
  await page.keyboard.press('Tab');
  const skip = page.locator('a.skip');
  await expect(skip).toBeFocused();
  const box = await skip.boundingBox();
  expect(box && box.x >= 0 && box.y >= 0, 'the focused skip link is on screen').toBe(true);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
  await page.keyboard.press('Tab');
  // The next stop is inside the content, not back in the header.
  expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);
});
