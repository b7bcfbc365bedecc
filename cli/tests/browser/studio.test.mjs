// The studio in a real browser: Playwright drives Debian's Chromium against
// `contactkit studio` serving a demo book, the way a marketer uses it: the list, a
// search, the preview, a profile opened by a click, both tabs, the activity filters, an
// edit saved, an edit refused, and markup typed into a field shown as text.
//
// Every check on what was written reads the book again through the `contactkit` binary
// (a process of its own), so "saved" means "in the book", not "on the page".
//
// Environment: CONTACTKIT_BIN (default ../../../target/debug/contactkit),
// CHROMIUM (default /usr/bin/chromium), STUDIO_SCREENSHOTS (a directory: the two tabs'
// screenshots are written there; docs/studio.md shows them).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.CONTACTKIT_BIN ?? resolve(here, "../../../target/debug/contactkit");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const screenshots = process.env.STUDIO_SCREENSHOTS;

/** The contact the demo's card shows: the richest profile in the book. */
const OLENA = "crm-100000";

let dir, db, server, base, browser, context;

/** Runs `contactkit --db <book> ARGS` and returns its stdout. */
function contactkit(...args) {
  return execFileSync(bin, ["--db", db, "--color", "never", ...args], { encoding: "utf8" });
}

/** The contact whose id or external id is `key`, as the book holds it now, read by
 * another process (`contactkit export`: one JSON object a line). */
function stored(key) {
  const contact = contactkit("export")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line))
    .find((row) => row.id === key || row.external_id === key);
  assert.ok(contact, `the book has no contact ${key}`);
  return contact;
}

/** Starts `contactkit studio --port 0` and resolves with the URL it prints. */
function startStudio() {
  server = spawn(bin, ["--db", db, "studio", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolveUrl, reject) => {
    const lines = createInterface({ input: server.stdout });
    lines.once("line", (line) => {
      const url = line.match(/http:\/\/127\.0\.0\.1:\d+\//);
      url ? resolveUrl(url[0]) : reject(new Error(`studio printed: ${line}`));
    });
    server.once("exit", (code) => reject(new Error(`studio exited with ${code}`)));
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "contactkit-studio-"));
  db = join(dir, "book.db");
  execFileSync(bin, ["--db", db, "demo", "--contacts", "120"], { stdio: "ignore" });
  base = await startStudio();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGINT");
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh page that fails the test on any script error or refused resource. */
async function page() {
  const p = await context.newPage();
  p.errors = [];
  p.on("pageerror", (e) => p.errors.push(e.message));
  p.on("console", (m) => m.type() === "error" && p.errors.push(m.text()));
  return p;
}

test("All contacts lists the book 25 rows a page, and the pager walks it", async () => {
  const p = await page();
  await p.goto("/");
  await p.waitForURL(/\/contacts$/);
  assert.equal(await p.textContent("[data-testid=total]"), "120 contacts");
  const rows = p.locator("table.contacts tbody tr[data-id]");
  assert.equal(await rows.count(), 25);
  const firstPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
  for (const header of ["Name", "Email", "Phone", "Statuses", "Updated"]) {
    assert.ok((await p.locator("table.contacts thead").textContent()).includes(header), header);
  }
  await p.click("a[rel=next]");
  await p.waitForSelector("text=Page 2");
  const secondPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
  assert.equal(secondPage.length, 25);
  assert.equal(secondPage.filter((id) => firstPage.includes(id)).length, 0, "pages overlap");
  await p.click("a[rel=prev]");
  await p.waitForSelector("text=Page 1");
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.id)), firstPage);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test("the search box finds contacts by name, by email and by phone", async () => {
  const olena = stored(OLENA);
  const p = await page();
  await p.goto("/contacts");
  const search = async (text) => {
    await p.fill("input[name=q]", text);
    await p.press("input[name=q]", "Enter");
    await p.waitForURL((url) => url.searchParams.get("q") === text);
    return p.locator("table.contacts tbody tr[data-id]").evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
  };
  const byName = await search(olena.last_name);
  assert.ok(byName.includes(olena.id));
  for (const name of await p.locator("td.name").allTextContents()) {
    assert.ok(name.includes(olena.last_name), `${name} lacks ${olena.last_name}`);
  }
  const byEmail = await search(olena.email.split("@")[0]);
  assert.deepEqual(byEmail, [olena.id]);
  // Typed as people type it: spaces and a dash, no plus.
  const digits = olena.phone.replace(/\D/g, "");
  const typed = `${digits.slice(0, 3)} ${digits.slice(3, 5)} ${digits.slice(5, 8)}-${digits.slice(8)}`;
  assert.deepEqual(await search(typed), [olena.id]);
  assert.equal(await p.textContent("[data-testid=total]"), "1 contact found");
  await search("nobody-by-this-name-zz");
  assert.match(await p.textContent("table.contacts tbody"), /No contacts match/);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test("the preview icon shows a contact over the table without leaving it", async () => {
  const p = await page();
  await p.goto("/contacts");
  const row = p.locator("table.contacts tbody tr[data-id]").first();
  const name = await row.locator("td.name").textContent();
  await row.locator("a.preview").click();
  const preview = p.locator("dialog#preview [data-testid=preview]");
  await preview.waitFor();
  assert.ok((await preview.textContent()).includes(name));
  assert.match(p.url(), /\/contacts$/);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test("a click on a row's blank space or on its email opens the profile window", async () => {
  const p = await page();
  await p.goto("/contacts");
  const row = p.locator("table.contacts tbody tr[data-id]").nth(2);
  const id = await row.getAttribute("data-id");
  await row.locator("td.updated").click();
  await p.waitForURL(`**/contacts/${id}`);
  await p.waitForSelector("[role=tabpanel][aria-label='Contact information']");
  await p.goBack();
  const withEmail = p.locator("table.contacts tbody tr[data-id]:has(a.email)").first();
  const emailId = await withEmail.getAttribute("data-id");
  await withEmail.locator("a.email").click();
  await p.waitForURL(`**/contacts/${emailId}`);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test("the Contact information tab shows every row, device ids on hover, and a suppression's date and reason", async () => {
  const olena = stored(OLENA);
  const p = await page();
  await p.goto(`/contacts/${olena.id}`);
  const row = (key) => p.locator(`table.info tr[data-row=${key}] td`);
  for (const key of [
    "first_name", "last_name", "email", "phone", "contact_key", "applications", "telegram",
    "mobile_push", "web_push", "categories", "address", "location", "timezone", "language",
    "segments", "fields",
  ]) {
    assert.ok((await row(key).count()) === 1, `row ${key} missing`);
  }
  assert.ok((await row("email").textContent()).includes(olena.email));
  assert.match(await row("phone").textContent(), /unsubscribed/);
  // The SMS opt-out: its recorded date and reason beside the status.
  assert.match(await row("phone").locator(".record").textContent(), /unsubscribed \d{4}-\d\d-\d\d \d\d:\d\d UTC · replied STOP/);
  const app = row("applications").locator(".line").first();
  assert.match(await app.getAttribute("title"), /^device ids: /);
  await app.hover();
  assert.match(await row("telegram").textContent(), /chat \d+/);
  assert.match(await row("categories").textContent(), /Weekly news|Promotions|Product updates/);
  assert.match(await row("timezone").textContent(), /Europe\/Kyiv/);
  assert.match(await row("language").textContent(), /Ukrainian \(uk\)/);
  assert.match(await row("address").textContent(), /Kyiv · Ukraine \(UA\)/);
  if (screenshots) {
    mkdirSync(screenshots, { recursive: true });
    await p.screenshot({ path: join(screenshots, "information.png"), fullPage: true });
  }
  assert.deepEqual(p.errors, []);
  await p.close();
});

test("the Contact activity tab filters by category and period; orders keep their whole history", async () => {
  const olena = stored(OLENA);
  const p = await page();
  await p.goto(`/contacts/${olena.id}`);
  await p.click("[role=tab]:has-text('Contact activity')");
  await p.waitForSelector("[role=tabpanel][aria-label='Contact activity']");
  const items = p.locator("ol.timeline li.item");
  const kinds = () => items.evaluateAll((lis) => lis.map((li) => li.dataset.kind));
  const times = () => items.locator("time").allTextContents();

  // Each item: a colour bar of the three colours, an icon, newest first.
  const bars = await items.evaluateAll((lis) =>
    lis.map((li) => [li.dataset.color, getComputedStyle(li.querySelector(".bar")).backgroundColor]),
  );
  assert.ok(bars.length > 0);
  for (const [color, painted] of bars) {
    assert.ok(["green", "brown", "red"].includes(color), color);
    assert.notEqual(painted, "rgba(0, 0, 0, 0)", `${color} bar is not painted`);
  }
  assert.equal(await items.locator("svg.icon").count(), bars.length);
  const shown = await times();
  assert.deepEqual([...shown].sort().reverse(), shown, "not newest first");

  // The period: all time shows more than the last 30 days, a page at a time.
  const lastMonth = await items.count();
  await p.selectOption("select[name=period]", "all");
  await p.waitForURL(/period=all/);
  assert.ok((await items.count()) > lastMonth, "all time shows no more than 30 days");
  if (screenshots) {
    await p.screenshot({ path: join(screenshots, "activity.png"), fullPage: true });
  }
  if (await p.locator("a[rel=next]").count()) {
    const pageOne = await times();
    await p.click("a[rel=next]");
    await p.waitForURL(/after=/);
    const pageTwo = await times();
    assert.ok(pageTwo.length > 0 && pageTwo[0] <= pageOne[pageOne.length - 1], "page two is not older");
  }

  // The categories.
  await p.click("nav.categories a[data-category=campaigns]");
  await p.waitForURL(/category=campaigns/);
  assert.ok((await kinds()).length > 0);
  assert.ok((await kinds()).every((k) => k === "campaign"), `campaigns: ${await kinds()}`);
  await p.click("nav.categories a[data-category=events]");
  await p.waitForURL(/category=events/);
  assert.ok((await kinds()).every((k) => k === "event"), `events: ${await kinds()}`);

  // Orders: every order of the contact whatever the period, the dropdown off.
  await p.click("nav.categories a[data-category=orders]");
  await p.waitForURL(/category=orders/);
  assert.ok(await p.locator("select[name=period]").isDisabled());
  const orderTitles = await items.locator(".title").allTextContents();
  const orders = olena.activity.filter((item) => item.kind === "order");
  assert.ok(orders.length > 0);
  for (const order of orders) {
    assert.ok(orderTitles.some((t) => t.includes(order.external_id)), `order ${order.external_id} missing`);
  }
  assert.ok((await kinds()).every((k) => k === "order"));
  await p.goto(`/contacts/${olena.id}?tab=activity&category=orders&period=7d`);
  assert.equal(await items.count(), orderTitles.length, "orders followed the period");
  assert.deepEqual(p.errors, []);
  await p.close();
});

test("an edit is saved to the book at once: names, time zone, language, a segment, typed fields", async () => {
  const before = stored("crm-100003");
  const p = await page();
  await p.goto(`/contacts/${before.id}`);
  await p.click("a:has-text('Edit contact')");
  await p.waitForURL(/\/edit$/);
  await p.fill("input[name=last_name]", "Bondarenko-Savchuk");
  await p.selectOption("select[name=timezone]", "Asia/Tokyo");
  await p.selectOption("select[name=language]", "ja");
  await p.click("fieldset.segments summary");
  const vip = p.locator("fieldset.segments label:has-text('VIP') input");
  const wasVip = await vip.isChecked();
  await vip.setChecked(!wasVip);
  await p.fill("input[name='fields.birthday']", "1990-03-09");
  await p.fill("input[name='fields.loyalty_points']", "1200");
  await p.selectOption("select[name='fields.paper_receipts']", "true");
  await p.locator("[data-control='fields.interests'] label:has-text('yoga') input").setChecked(true);
  await p.click("button.primary:has-text('Save')");
  await p.waitForURL(`**/contacts/${before.id}?saved=1`);
  assert.match(await p.textContent("p.notice"), /saved/i);
  assert.match(await p.textContent("tr[data-row=last_name]"), /Bondarenko-Savchuk/);

  const after = stored(before.id);
  assert.equal(after.last_name, "Bondarenko-Savchuk");
  assert.equal(after.timezone, "Asia/Tokyo");
  assert.equal(after.language, "ja");
  assert.equal(after.fields.birthday, "1990-03-09");
  assert.equal(Number(after.fields.loyalty_points), 1200);
  assert.equal(after.fields.paper_receipts, true);
  assert.ok(after.fields.interests.includes("yoga"));
  assert.equal(after.email, before.email, "an untouched control changed");
  const shown = await p.textContent("tr[data-row=segments]");
  assert.equal(shown.includes("VIP"), !wasVip);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test("a rejected edit shows the library's error beside its field and writes nothing", async () => {
  // The showcase has a readonly field set, which the refused form must still show.
  const before = stored(OLENA);
  const p = await page();
  await p.goto(`/contacts/${before.id}/edit`);
  const readonlyShown = await p.inputValue("input[name='fields.member_since']");
  assert.notEqual(readonlyShown, "");
  await p.fill("input[name=last_name]", "Changed-But-Not-Saved");
  await p.fill("input[name=email]", "not an email");
  await p.click("button.primary:has-text('Save')");
  const beside = p.locator("[data-control=email] .field-error");
  await beside.waitFor();
  assert.match(await beside.textContent(), /email/i);
  assert.match(await beside.textContent(), /not an email/);
  assert.match(await p.textContent("[data-testid=refused]"), /^Nothing was saved/);
  // The form keeps what was typed, so it can be corrected.
  assert.equal(await p.inputValue("input[name=email]"), "not an email");
  assert.equal(await p.inputValue("input[name=last_name]"), "Changed-But-Not-Saved");
  // A readonly field sends nothing; it still shows its value.
  assert.equal(await p.inputValue("input[name='fields.member_since']"), readonlyShown);
  assert.deepEqual(stored(before.id), before, "the refused edit changed the book");

  // A number below the field's minimum: refused the same way.
  await p.fill("input[name=email]", before.email ?? "");
  await p.fill("input[name='fields.loyalty_points']", "-5");
  await p.click("button.primary:has-text('Save')");
  await p.locator("[data-control='fields.loyalty_points'] .field-error").waitFor();
  assert.deepEqual(stored(before.id), before, "the refused edit changed the book");
  // A refused form is answered 422 Unprocessable Content, which Chromium logs.
  assert.deepEqual(p.errors.filter((e) => !e.includes("status of 422")), []);
  await p.close();
});

test("markup typed into a field is shown as text, never run", async () => {
  const target = stored("crm-100005");
  const markup = `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><b>bold</b>`;
  const p = await page();
  await p.goto(`/contacts/${target.id}/edit`);
  await p.fill("input[name='fields.nickname']", markup);
  await p.fill("textarea[name='fields.notes']", `${markup}\nsecond line`);
  await p.fill("input[name='address.street_address']", markup);
  await p.click("button.primary:has-text('Save')");
  await p.waitForURL(`**/contacts/${target.id}?saved=1`);
  assert.equal(stored(target.id).fields.nickname, markup);

  const fields = p.locator("tr[data-row=fields] td");
  assert.ok((await fields.textContent()).includes(markup));
  assert.ok((await p.textContent("tr[data-row=address] td")).includes(markup));
  assert.equal(await p.locator("table.info img, table.info script, table.info b").count(), 0);
  // The edit form and the preview show it as text as well.
  await p.goto(`/contacts/${target.id}/edit`);
  assert.equal(await p.inputValue("input[name='fields.nickname']"), markup);
  await p.goto(`/contacts?q=${encodeURIComponent(target.last_name)}`);
  await p.locator(`tr[data-id='${target.id}'] a.preview`).click();
  await p.locator("dialog#preview [data-testid=preview]").waitFor();
  assert.equal(await p.evaluate(() => window.pwned), undefined);
  assert.deepEqual(p.errors, []);
  await p.close();
});
