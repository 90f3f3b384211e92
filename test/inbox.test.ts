import { testServices } from './support/services';

/**
 * The mail inbox URL that `npm start` prints (startMailInbox's webUrl, the same the global
 * setup starts) works in a browser: the page is loaded as a browser loads it, and its API
 * calls are made the way MailDev 3's page script builds them (`new URL(document.baseURI)
 * .pathname` without trailing slashes, then `/api/...`), so a page that would show "Failed
 * to load emails" fails here.
 */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** document.baseURI of a page: its <base href> resolved against the page URL, else the page URL. */
function baseUriOf(html: string, pageUrl: string): string {
  const href = /<base\s+[^>]*href="([^"]*)"/i.exec(html)?.[1];
  return href === undefined ? pageUrl : new URL(href, pageUrl).href;
}

describe('mail inbox (issue 12)', () => {
  const { mailWebUrl } = testServices();

  test('the printed inbox URL loads the page, its script and its API calls (config, e-mail summary) with 200', async () => {
    const page = await fetch(mailWebUrl, { headers: { accept: BROWSER_ACCEPT } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    const baseUri = baseUriOf(html, mailWebUrl);

    // The page's module script, relative to document.baseURI as the browser resolves it.
    const script = /<script[^>]*src="([^"]+)"/i.exec(html)?.[1];
    expect(script).toBeDefined();
    const scriptRes = await fetch(new URL(script!, baseUri));
    expect(scriptRes.status).toBe(200);
    const code = await scriptRes.text();
    // The script still builds its API prefix from document.baseURI (what this test mirrors).
    expect(code).toContain('document.baseURI');
    expect(code).toContain('/email/summary?');

    const apiPrefix = `${new URL(baseUri).pathname.replace(/\/+$/, '')}/api`;
    for (const path of [`${apiPrefix}/config`, `${apiPrefix}/email/summary?`]) {
      const res = await fetch(new URL(path, mailWebUrl));
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers.get('content-type')).toContain('application/json');
    }
  });
});
