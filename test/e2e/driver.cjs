#!/usr/bin/env node
// Playwright driver of the real-editor e2e test (started by test/e2e/run.sh): drives a running
// code-server (the real VS Code workbench, the packaged Shapewise extension installed) in
// Debian's headless Chromium and checks what a person would see in test/e2e/workspace/model.py:
// inlay hints in the editor text, the Shapewise diagnostic (squiggle and Problems panel) and the
// hover on a layer. Adapted from the shared vscode-e2e recipe.
//
// Input (environment, set by run.sh):
//   PW_CORE       playwright-core package dir          CHROMIUM  chromium binary
//   CS_URL        http://127.0.0.1:PORT/?folder=...    REL_FILE  file to open (relative to the folder)
//   CHECKS        JSON: { hints: [{ line, text }], diagnostic: { texts, squiggle }, hover: { line, column, texts } }
//   OUT_DIR       screenshots and browser-console.log  TIMEOUT_MS  per-check timeout
//   T_SERVER_START  epoch ms when code-server was started (for the t+ timings)
// Output: one PASS/FAIL line per check (run.sh counts them); exit 1 if any failed.
'use strict';
const path = require('path');
const fs = require('fs');

const env = process.env;
const { chromium } = require(env.PW_CORE);
const CHROMIUM = env.CHROMIUM || '/usr/bin/chromium';
const REL_FILE = env.REL_FILE;
const CHECKS = JSON.parse(env.CHECKS);
const OUT_DIR = env.OUT_DIR;
const TIMEOUT = parseInt(env.TIMEOUT_MS || '120000', 10);
const T0 = parseInt(env.T_SERVER_START || String(Date.now()), 10);
const SHOT = path.join(OUT_DIR, 'editor.png');
const HOVER_SHOT = path.join(OUT_DIR, 'hover.png');

let failures = 0;
const since = () => `t+${((Date.now() - T0) / 1000).toFixed(1)}s`;
const pass = (what, extra = '') => console.log(`PASS ${what} (${since()})${extra ? ' ' + extra : ''}`);
const fail = (what, extra = '') => {
  failures++;
  console.log(`FAIL ${what} (${since()})${extra ? '\n' + extra : ''}`);
};
const info = (s) => console.log(`  ${s}`);
// VS Code renders spaces in view lines as U+00A0; normalise before matching.
const norm = (s) => (s || '').replace(/\u00a0/g, ' ');

/** The rendered lines of the open editor, top to bottom (inlay hints are text inside them). */
async function editorLines(page) {
  const lines = await page.evaluate(() => {
    const ed = document.querySelector('.editor-instance .monaco-editor .view-lines') ||
      document.querySelector('.monaco-editor .view-lines');
    if (!ed) return [];
    return Array.from(ed.querySelectorAll('.view-line'))
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((l) => l.textContent);
  });
  return lines.map(norm);
}

/** Polls fn until it returns something truthy, or undefined after `timeout` ms. */
async function waitFor(page, fn, timeout, every = 250) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) return undefined;
    await page.waitForTimeout(every);
  }
}

async function openFile(page) {
  const base = path.basename(REL_FILE);
  const tabSel = `.tabs-container .tab[aria-label*="${base}"]`;
  for (let attempt = 1; attempt <= 4; attempt++) {
    if (attempt <= 3) {
      // Quick Open (Ctrl+P), as a person would.
      await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } }).catch(() => {});
      await page.keyboard.press('Escape').catch(() => {});
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 15000 }).catch(() => {});
      await input.fill(REL_FILE).catch(() => {});
      await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${base}"]`, { timeout: 20000 }).catch(() => {});
      await page.keyboard.press('Enter');
    } else {
      // Last resort: click the file in the Explorer.
      await page.keyboard.press('Escape').catch(() => {});
      await page.locator(`.explorer-folders-view .monaco-list-row[aria-label*="${base}"]`).first().click({ timeout: 15000 }).catch(() => {});
    }
    if (await page.waitForSelector(tabSel, { timeout: 15000 }).catch(() => null)) return attempt;
  }
  return 0;
}

(async () => {
  // chromium.launch() always starts from a fresh temporary profile.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  const consoleLog = fs.createWriteStream(path.join(OUT_DIR, 'browser-console.log'));
  let page;
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));

    // ---------------------------------------------------------------- workbench
    let loaded = false;
    for (let attempt = 1; attempt <= 2 && !loaded; attempt++) {
      try {
        if (attempt > 1) info('reloading the workbench');
        await page.goto(env.CS_URL, { waitUntil: 'domcontentloaded', timeout: TIMEOUT });
        await page.waitForSelector('.monaco-workbench .part.editor', { timeout: TIMEOUT });
        // the Explorer lists the folder once the remote file system is connected
        await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: TIMEOUT });
        loaded = true;
      } catch (e) {
        info(`workbench not ready (attempt ${attempt}): ${e.message.split('\n')[0]}`);
      }
    }
    if (loaded) pass('workbench loaded');
    else { fail('workbench loaded'); throw new Error('the workbench did not load'); }

    // ---------------------------------------------------------------- open the file
    const attempts = await openFile(page);
    if (attempts) pass(`opened ${REL_FILE}`, attempts > 1 ? `(attempts: ${attempts})` : '');
    else { fail(`opened ${REL_FILE}`); throw new Error('the file did not open'); }

    // ---------------------------------------------------------------- inlay hints
    // Each expected hint must be rendered on the source line that holds `line` (a unique piece
    // of that line's code), after the code: the hint is text the editor injects into the line.
    let hintTimeout = TIMEOUT;
    let firstHint = true;
    for (const h of CHECKS.hints) {
      const found = await waitFor(page, async () => {
        const lines = await editorLines(page);
        const l = lines.find((x) => x.includes(h.line));
        return l && l.indexOf(h.text) > l.indexOf(h.line) ? l : undefined;
      }, hintTimeout);
      if (found) {
        pass(`inlay hint "${h.text}" after ${h.line}`, firstHint ? '(first hint: language server up)' : '');
      } else {
        fail(`inlay hint "${h.text}" after ${h.line}`, hintTimeout < TIMEOUT ? '' : `  editor lines were:\n${(await editorLines(page)).map((l) => '    | ' + l).join('\n')}`);
        hintTimeout = Math.min(hintTimeout, 10000); // no need to wait the full time again
      }
      firstHint = false;
    }
    // The hint is an inlay hint (a decoration), not text of the file: the buffer has no '→'.
    const injected = await page.evaluate(() => {
      const ed = document.querySelector('.editor-instance .monaco-editor .view-lines');
      if (!ed) return 0;
      return Array.from(ed.querySelectorAll('.view-line span span'))
        .filter((s) => s.textContent.includes('→') && /dyn-rule|inlay/i.test(s.className)).length;
    });
    if (injected > 0) pass(`hints are rendered as inlay hints`, `(${injected} injected spans)`);
    else fail('hints are rendered as inlay hints (no injected inlay-hint span with "→")');

    // ---------------------------------------------------------------- grammar
    // The injection grammar gives the directive keyword in the comment its own scope, so the
    // editor renders it as a token of its own with another colour (class mtkN) than the '#'.
    if (CHECKS.grammar) {
      const g = CHECKS.grammar;
      const tokens = await waitFor(page, async () => {
        const t = await page.evaluate(({ line, token }) => {
          const ed = document.querySelector('.editor-instance .monaco-editor .view-lines');
          const l = ed && Array.from(ed.querySelectorAll('.view-line')).find((x) => x.textContent.replace(/\u00a0/g, ' ').includes(line));
          if (!l) return undefined;
          const spans = Array.from(l.querySelectorAll('span[class*="mtk"]'));
          const hash = spans.find((s) => s.textContent.includes('#'));
          const tok = spans.find((s) => s.textContent.trim() === token);
          return { hash: hash && hash.className, tok: tok && tok.className, hashColor: hash && getComputedStyle(hash).color, tokColor: tok && getComputedStyle(tok).color };
        }, g);
        return t && t.tok && t.hash && t.tok !== t.hash ? t : undefined;
      }, 15000);
      if (tokens) pass(`grammar: "${g.token}" in "${g.line}" is its own token`, `(${tokens.tokColor} vs the comment's ${tokens.hashColor})`);
      else fail(`grammar: "${g.token}" in "${g.line}" is its own token (the injected grammar did not apply)`);
    }

    // ---------------------------------------------------------------- diagnostic
    const sq = CHECKS.diagnostic.squiggle;
    const squiggle = await page.waitForSelector(
      `.monaco-editor .view-overlays .squiggly-${sq}`, { timeout: hintTimeout }).catch(() => null);
    if (squiggle) pass(`${sq} squiggle rendered in the editor`);
    else fail(`${sq} squiggle rendered in the editor`);

    let problems;
    for (let attempt = 1; attempt <= 3 && !problems; attempt++) {
      // Problems panel: View: Focus Problems (Ctrl+Shift+M).
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } }).catch(() => {});
      await page.keyboard.press('Control+Shift+M');
      problems = await waitFor(page, async () => {
        const t = norm(await page.locator('.markers-panel').first().innerText({ timeout: 1000 }));
        return t && CHECKS.diagnostic.texts.every((x) => t.includes(x)) ? t : undefined;
      }, attempt === 1 ? hintTimeout : 10000);
    }
    const wanted = CHECKS.diagnostic.texts.map((x) => `"${x}"`).join(' + ');
    if (problems) pass(`Problems panel lists ${wanted}`, JSON.stringify(problems.split('\n').slice(0, 4).join(' | ').slice(0, 240)));
    else {
      const t = norm(await page.locator('.markers-panel').first().innerText({ timeout: 2000 }).catch(() => '(no Problems panel)'));
      fail(`Problems panel lists ${wanted}`, `  the panel showed: ${JSON.stringify(t.slice(0, 400))}`);
    }

    // Give the editor the focus back so the hints render unobstructed, then the screenshot.
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } }).catch(() => {});
    await page.waitForTimeout(500);
    await page.screenshot({ path: SHOT });
    info(`screenshot: ${SHOT}`);

    // ---------------------------------------------------------------- hover
    const hv = CHECKS.hover;
    let hover;
    for (let attempt = 1; attempt <= 3 && !hover; attempt++) {
      await page.keyboard.press('Escape').catch(() => {});
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } }).catch(() => {});
      // Go to Line/Column (Ctrl+G), then Show or Focus Hover (Ctrl+K Ctrl+I).
      await page.keyboard.press('Control+G');
      await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10000 }).catch(() => {});
      await page.keyboard.type(`${hv.line}:${hv.column}`);
      await page.keyboard.press('Enter');
      await page.waitForTimeout(300);
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      hover = await waitFor(page, async () => {
        const t = norm(await page.locator('.monaco-hover:visible').first().innerText({ timeout: 1000 }));
        return t && hv.texts.every((x) => t.includes(x)) ? t : undefined;
      }, attempt === 1 ? hintTimeout : 15000);
      if (!hover) info(`hover attempt ${attempt}: ${JSON.stringify(norm(await page.locator('.monaco-hover:visible').first().innerText({ timeout: 1000 }).catch(() => '(no hover)')).slice(0, 200))}`);
    }
    const hwanted = hv.texts.map((x) => `"${x}"`).join(' + ');
    if (hover) pass(`hover at ${hv.line}:${hv.column} shows ${hwanted}`, JSON.stringify(hover.replace(/\s+/g, ' ').slice(0, 200)));
    else fail(`hover at ${hv.line}:${hv.column} shows ${hwanted}`);
    await page.screenshot({ path: HOVER_SHOT });
    info(`screenshot: ${HOVER_SHOT}`);
  } catch (e) {
    console.log(`ERROR ${e.message.split('\n')[0]}`);
    failures++;
    try { if (page) await page.screenshot({ path: SHOT }); info(`screenshot: ${SHOT}`); } catch {}
  } finally {
    consoleLog.end();
    await browser.close();
  }
  process.exit(failures ? 1 : 0);
})();
