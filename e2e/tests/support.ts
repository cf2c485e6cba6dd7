// Shared helpers for the browser tests: the demo accounts, signing in through the real
// login form, the language switch, and axe-core checks against WCAG 2.1 A and AA.
import { expect, type Locator, type Page, type Response } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PASSWORD = 'sterk-demo-2026';

export type RoleKey =
  | 'worker'
  | 'orgAdmin'
  | 'coordinator'
  | 'volunteer'
  | 'chair'
  | 'platformCoordinator'
  | 'admin';

export const ROLES: Record<RoleKey, { email: string; label: string }> = {
  worker: { email: 'werker@ocmw-gent.demo', label: 'social worker' },
  orgAdmin: { email: 'beheer@ocmw-gent.demo', label: 'organisation admin' },
  coordinator: { email: 'coordinator@buurtwerk-leuven.demo', label: 'volunteer coordinator' },
  volunteer: { email: 'vrijwilliger@buurtwerk-leuven.demo', label: 'volunteer' },
  chair: { email: 'voorzitter@platform-oost-vlaanderen.demo', label: 'regional chair' },
  platformCoordinator: { email: 'coordinator@vlaams-platform.demo', label: 'platform coordinator' },
  admin: { email: 'admin@sterk.demo', label: 'installation admin' },
};

export type Lang = 'nl' | 'fr' | 'en';
export const LANG_TAG: Record<Lang, string> = { nl: 'nl-BE', fr: 'fr-BE', en: 'en' };

/** A name no earlier run or parallel test used. */
export function unique(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** Goes to a path and returns the response of the final navigation. */
export async function visit(page: Page, path: string): Promise<Response> {
  const res = await page.goto(path);
  if (!res) throw new Error(`no response for ${path}`);
  return res;
}

/**
 * Chooses a language with the switch in the header, as a person would: buttons (a form
 * posting to /lang) where the page has a session, links (/lang/{code}) for visitors
 * without one. Checks that `<html lang>` follows. With `force` the choice is made even
 * when that language is already shown, so that it is stored.
 */
export async function switchLanguage(page: Page, lang: Lang, force = false): Promise<void> {
  const control = page.locator(`header .langs [lang="${LANG_TAG[lang]}"]`);
  const isButton = (await control.evaluate((e) => e.tagName)) === 'BUTTON';
  const state = isButton ? 'aria-pressed' : 'aria-current';
  if (force || (await control.getAttribute(state)) !== 'true') {
    const before = page.url();
    await Promise.all([page.waitForNavigation(), control.click()]);
    expect(new URL(page.url()).pathname).toBe(new URL(before).pathname);
  }
  await expect(page.locator('html')).toHaveAttribute('lang', LANG_TAG[lang]);
  await expect(page.locator(`header .langs [lang="${LANG_TAG[lang]}"]`)).toHaveAttribute(state, 'true');
}

/**
 * Signs in through the login form. The language is chosen on the login page first (it is
 * kept in the session and wins over the account's stored language), so each test sees the
 * language it asks for, whatever another test chose for the same account. With
 * `lang: null` no language is chosen: the account's remembered language applies.
 */
export async function login(page: Page, role: RoleKey, lang: Lang | null = 'nl'): Promise<void> {
  await visit(page, '/login');
  if (lang) await switchLanguage(page, lang, true);
  const form = page.locator('main form[action="/login"]');
  await form.locator('#email').fill(ROLES[role].email);
  await form.locator('#password').fill(PASSWORD);
  const status = await submit(page, form.locator('button[type="submit"]'));
  if (new URL(page.url()).pathname === '/login') {
    const why = await page.locator('.error-summary').textContent().catch(() => '');
    throw new Error(`signing in as ${ROLES[role].email} failed (${status}): ${why}`);
  }
  await expect(page.locator('header form[action="/logout"]')).toHaveCount(1);
}

/** Signs out with the header button. */
export async function logout(page: Page): Promise<void> {
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/'),
    page.locator('header form[action="/logout"] button').click(),
  ]);
  await expect(page.locator('header form[action="/logout"]')).toHaveCount(0);
}

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Runs axe-core on the page and returns its violations as readable text ('' if none). */
export async function axeViolations(page: Page): Promise<string> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).setLegacyMode(true).options({ resultTypes: ['violations'] }).analyze();
  return results.violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 8)
        .map((n) => `      ${n.target.join(' ')}\n        ${n.failureSummary?.replace(/\n/g, '\n        ')}`)
        .join('\n');
      const more = v.nodes.length > 8 ? `\n      … and ${v.nodes.length - 8} more` : '';
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
    })
    .join('\n');
}

/** Expects zero axe violations (WCAG 2.1 AA) on the current page; `soft` keeps going. */
export async function expectAxeClean(page: Page, label: string, soft = true): Promise<void> {
  // The pages are the same HTML on every database backend: e2e/run.sh runs axe on the
  // first backend and turns it off (STERK_AXE=0) for the behaviour pass on PostgreSQL.
  if (process.env.STERK_AXE === '0') return;
  const found = await axeViolations(page);
  const check = soft ? expect.soft : expect;
  check(found, `axe-core found WCAG 2.1 AA violations on ${label} (${page.url()}):\n${found}`).toBe('');
}

const LOCALES = join(__dirname, '..', '..', 'crates', 'i18n', 'locales');
const catalogues: Partial<Record<Lang, Map<string, string>>> = {};

/**
 * The text of a simple (one-line) message from the interface's Fluent files, so the tests
 * check what people read without copying translations. `{ $x }` placeables are replaced
 * from `args`.
 */
export function t(key: string, args: Record<string, string> = {}, lang: Lang = 'nl'): string {
  let cat = catalogues[lang];
  if (!cat) {
    cat = new Map();
    for (const line of readFileSync(join(LOCALES, `${lang}.ftl`), 'utf8').split('\n')) {
      const m = /^([a-z][a-z0-9-]*) = (.*)$/.exec(line);
      if (m) cat.set(m[1], m[2].trim());
    }
    catalogues[lang] = cat;
  }
  const text = cat.get(key);
  if (text === undefined) throw new Error(`no message ${key} in ${lang}.ftl`);
  return text.replace(/\{ \$([a-z_]+) \}/g, (_, name) => args[name] ?? `{ $${name} }`);
}

/**
 * Submits a form by clicking its button, as a person would (no JavaScript needed), and
 * waits for the page that comes back: the form again with its errors (422), or the page a
 * successful POST redirects to. Returns the status of the POST's own response.
 */
export async function submit(page: Page, button: Locator): Promise<number> {
  const [res] = await Promise.all([page.waitForNavigation(), button.click()]);
  if (!res) throw new Error('the form did not navigate');
  const post = res.request().redirectedFrom();
  if (post) {
    const first = await post.response();
    return first ? first.status() : 0;
  }
  return res.status();
}
