// The console's pages, put together once at start-up: the head and the top
// bar every page shares are written here once, and public/<page>.html holds
// only what is the page's own, its <main>. Each page loads the one module
// named after its file (list.html: /console/list.js).
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** What a page's top bar links to, besides the console's name (a link to the list). */
const NAV = {
  allAds: '<a href="/">All ads</a>',
  newAd: '<a href="/new" class="button" data-needs="ads:start">New ad</a>',
  logout: '<button id="logout" type="button" class="quiet">Log out</button>',
} as const;

export interface Page {
  route: string;
  /** The page's <main>, in public/. */
  file: string;
  /** Before " · Vidu ad console" in the browser's title. */
  title: string;
  /** The top bar's links, in order; none (the login page) leaves the bar with the console's name alone. */
  nav: Array<keyof typeof NAV>;
}

export const PAGES: readonly Page[] = [
  { route: '/', file: 'list.html', title: 'Ads', nav: ['newAd', 'logout'] },
  { route: '/ads/:adId', file: 'ad.html', title: 'Ad', nav: ['allAds', 'newAd', 'logout'] },
  { route: '/campaigns/:campaignId', file: 'campaign.html', title: 'Campaign', nav: ['allAds', 'newAd', 'logout'] },
  { route: '/new', file: 'new.html', title: 'New ad', nav: ['allAds', 'logout'] },
  { route: '/login', file: 'login.html', title: 'Log in', nav: [] },
];

function topBar(nav: Page['nav']): string {
  const brand = '<a class="brand" href="/">Vidu ad console</a>';
  if (nav.length === 0) return `  <header class="bar">${brand}</header>`;
  return ['  <header class="bar">', `    ${brand}`, `    <nav>${nav.map((link) => NAV[link]).join(' ')}</nav>`, '  </header>'].join('\n');
}

/** The whole HTML document of `page`, its <main> read from `publicDir`. */
export async function pageHtml(page: Page, publicDir: string): Promise<string> {
  const main = await readFile(path.join(publicDir, page.file), 'utf8');
  const script = `/console/${path.basename(page.file, '.html')}.js`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${page.title} · Vidu ad console</title>
  <link rel="stylesheet" href="/console/console.css">
  <script type="module" src="${script}"></script>
</head>
<body>
${topBar(page.nav)}
${main}</body>
</html>
`;
}
