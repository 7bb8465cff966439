// Takes the README's screenshots of the Aspire dashboard with headless Chromium, as a newcomer
// would click through it: the resources, the gateway's lab commands, a read load run from the
// dashboard, and its effect on the gateway's metrics.
//   node take.mjs LOGIN_URL OUTPUT_DIRECTORY
import { chromium } from 'playwright-core';

const [loginUrl, output] = process.argv.slice(2);
const dashboard = new URL(loginUrl).origin;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });

async function save(name) {
  await page.screenshot({ path: `${output}/${name}.png` });
  console.log(`${output}/${name}.png`);
}

// The login URL sets the dashboard's cookie.
await page.goto(loginUrl, { waitUntil: 'networkidle' });
await page.waitForSelector('text=ScaleFast.Gateway.csproj');
await page.waitForTimeout(2000);
await save('resources');

// The gateway's actions: the lab's commands among them.
const gateway = page.locator('[role=row]').filter({ hasText: 'ScaleFast.Gateway.csproj' });
await gateway.getByRole('button', { name: 'Actions' }).click();
await page.getByText('Send read load', { exact: true }).waitFor();
await save('lab-commands');

// Run it (its default length); the dashboard shows the summary when it is done.
await page.getByText('Send read load', { exact: true }).click();
await page.locator('#interactions-input-dialog input').first().waitFor();
await page.keyboard.press('Enter');
await page.getByText('req/s').first().waitFor({ timeout: 90000 });
await page.waitForTimeout(1000);
await save('read-load-result');

// Its effect: requests per API instance, on the dashboard's metrics page.
await page.goto(`${dashboard}/metrics/resource/api-0?meter=Microsoft.AspNetCore.Hosting&instrument=http.server.request.duration`, { waitUntil: 'networkidle' });
await page.waitForTimeout(3000);
await save('api-requests');

await browser.close();
