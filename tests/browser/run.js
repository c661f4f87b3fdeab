// Browser tests of lomake's HTML form: Debian's Chromium through
// playwright-core, one browser for every case, a fresh context (fresh
// localStorage) per case. Run by scripts/browser-tests.sh, which builds the
// forms first:
//
//   node run.js --forms DIR --lomake BIN --validators DIR [--runs N]
//
// DIR/plain/<survey>/<lang>/index.html: forms without a submit URL;
// DIR/post/<survey>/…: the same built with --submit-url https://lomake.test/responses.
// Exit 0 when every case passes; prints one line per case with its time.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { pathToFileURL } = require('url');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '../..');
const RUNTIME = path.join(ROOT, 'targets/form/runtime.js');
const SURVEYS = {
  partnership_barometer_2023: 'surveys/partnership-barometer-2023.survey',
  partnership_barometer_2020: 'surveys/partnership-barometer-2020.survey',
  hostile_form: 'tests/fixtures/form/hostile.survey',
  kinds: 'tests/fixtures/schema/kinds.survey',
  form_edge: 'tests/fixtures/form/edge.survey',
};
const POST_URL = 'https://lomake.test/responses';

function args() {
  const o = { forms: null, lomake: null, validators: process.env.VALIDATORS || '/tmp/lomake-validators', runs: 20, only: null };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--forms') o.forms = path.resolve(a[++i]);
    else if (a[i] === '--lomake') o.lomake = path.resolve(a[++i]);
    else if (a[i] === '--validators') o.validators = path.resolve(a[++i]);
    else if (a[i] === '--runs') o.runs = parseInt(a[++i], 10);
    else if (a[i] === '--only') o.only = a[++i];
    else throw new Error(`unknown argument ${a[i]}`);
  }
  if (!o.forms || !o.lomake) throw new Error('usage: node run.js --forms DIR --lomake BIN [--validators DIR] [--runs N] [--only NAME]');
  return o;
}
const O = args();
const OUT = path.join(O.forms, 'responses');
fs.mkdirSync(OUT, { recursive: true });

function form(kind, survey, lang) { return path.join(O.forms, kind, survey, lang, 'index.html'); }
function url(kind, survey, lang) { return pathToFileURL(form(kind, survey, lang)).href; }
function languages(survey) { return JSON.parse(fs.readFileSync(path.join(O.forms, 'plain', survey, 'ir.json'), 'utf8')).languages; }

function assert(cond, message) { if (!cond) throw new Error(message); }
function eq(a, b, message) {
  const x = JSON.stringify(a), y = JSON.stringify(b);
  if (x !== y) throw new Error(`${message}: ${x} != ${y}`);
}

// Responses collected per survey and language, validated at the end with
// the generated schema (check-instance) and with `lomake validate`.
const collected = {};
function collect(survey, lang, response) {
  const k = `${survey}/${lang}`;
  (collected[k] = collected[k] || []).push(response);
}

// ---- In-page helpers (run inside the page).

// A seeded random walk through the form: fills what is visible (sometimes
// leaving a question unanswered, sometimes changing an answer), goes back
// now and then, and submits. Returns the lomake:submit response.
function pageRandomRun(seed) {
  let a = seed >>> 0;
  const rnd = () => { a = (a + 0x6D2B79F5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const DATA = JSON.parse(document.getElementById('lomake-data').textContent);
  const BY = {}; DATA.variables.forEach((v) => { BY[v.name] = v; });
  const WORDS = ['kissa', 'Åbo', 'hund', '"quoted"', "it's", '<script>', '😀', 'öljy', 'a&b', 'ääni', '👩‍👩‍👧', 'שלום'];
  let captured = null;
  document.addEventListener('lomake:submit', (e) => { captured = e.detail.response; e.preventDefault(); }, { once: true });
  const fire = (el) => { el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); };
  const visible = (el) => el.offsetParent !== null && !el.disabled;
  const text = (max) => {
    let s = '';
    const n = 1 + Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) s += (i ? ' ' : '') + pick(WORDS);
    return Array.from(s).slice(0, max || 200).join('');
  };
  // A number within the rules, typed with a decimal comma half the time
  // where the page's language writes one.
  const comma = /^(fi|sv)$/.test(document.documentElement.lang);
  const number = (v) => {
    const min = v.min !== undefined ? v.min : -1000, max = v.max !== undefined ? v.max : 1000;
    const dec = v.kind === 'integer' ? 0 : (v.decimals !== undefined ? v.decimals : 2);
    const f = Math.pow(10, dec);
    const x = Math.round((min + rnd() * (max - min)) * f) / f;
    const s = String(Math.min(max, Math.max(min, x)));
    return comma && rnd() < 0.5 ? s.replace('.', ',') : s;
  };
  const fill = () => {
    const page = [...document.querySelectorAll('.page')].find((p) => !p.hidden);
    const names = [];
    page.querySelectorAll('input, select, textarea').forEach((el) => { if (visible(el) && names.indexOf(el.name) < 0) names.push(el.name); });
    for (const name of names) {
      if (rnd() < 0.15) continue; // leave as it is (unanswered, or the earlier answer)
      const v = BY[name];
      const els = [...page.querySelectorAll(`[name="${name}"]`)].filter(visible);
      if (!els.length) continue;
      const el = els[0];
      if (el.type === 'radio') pick(els).click();
      else if (el.type === 'checkbox') els.forEach((b) => { if (rnd() < 0.35 && !b.disabled) b.click(); });
      else if (el.tagName === 'SELECT') { el.value = pick([...el.options]).value; fire(el); }
      else if (v && (v.kind === 'integer' || v.kind === 'decimal')) { el.value = number(v); fire(el); }
      else if (el.type === 'date') { el.value = `20${10 + Math.floor(rnd() * 15)}-0${1 + Math.floor(rnd() * 9)}-${10 + Math.floor(rnd() * 18)}`; fire(el); }
      else { el.value = text(v && v.max_length); fire(el); }
    }
  };
  const btn = (sel) => { const b = document.querySelector(sel); return b && !b.hidden ? b : null; };
  let steps = 0;
  for (; steps < 300 && !captured; steps++) {
    for (let round = 0; round < 3; round++) fill();
    if (btn('[data-action=back]') && rnd() < 0.1) { btn('[data-action=back]').click(); continue; }
    if (btn('button[type=submit]')) { btn('button[type=submit]').click(); continue; }
    btn('[data-action=next]').click();
  }
  if (!captured) {
    const errs = [...document.querySelectorAll('.error:not([hidden])')].map((e) => e.id + ': ' + e.textContent);
    return { error: `no response after ${steps} steps; errors: ${errs.join(' | ')}` };
  }
  return { response: captured, steps };
}

// ---- Cases.

const cases = [];
function test(name, fn) { cases.push({ name, fn }); }

function semanticsCases() {
  const dir = path.join(ROOT, 'tests/semantics');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const file = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    return { file: f, variables: file.variables, cases: file.cases };
  });
}

test('semantics: tests/semantics/*.json against the runtime in node', async () => {
  const { evaluate } = require(RUNTIME);
  let n = 0;
  for (const f of semanticsCases()) {
    const missing = (name) => (f.variables[name] ? f.variables[name].missing_codes : []);
    f.cases.forEach((c, i) => {
      const got = evaluate(c.condition, c.response, missing);
      assert(got === c.expected, `${f.file} case ${i} (${c.when} on ${JSON.stringify(c.response)}): ${got}, expected ${c.expected}`);
      n++;
    });
  }
  assert(n >= 200, `only ${n} cases`);
  return `${n} cases`;
});

test('semantics: tests/semantics/*.json against the evaluator inlined in the page', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(url('plain', 'partnership_barometer_2023', 'fi'));
  const files = semanticsCases();
  const bad = await page.evaluate((files) => {
    const out = []; let n = 0;
    for (const f of files) {
      const missing = (name) => (f.variables[name] ? f.variables[name].missing_codes : []);
      f.cases.forEach((c, i) => {
        const got = window.lomake.evaluate(c.condition, c.response, missing);
        n++;
        if (got !== c.expected) out.push(`${f.file} case ${i} (${c.when}): ${got}, expected ${c.expected}`);
      });
    }
    return { out, n };
  }, files);
  assert(bad.out.length === 0, bad.out.join('\n'));
  return `${bad.n} cases`;
});

for (const survey of ['partnership_barometer_2023', 'partnership_barometer_2020', 'kinds', 'form_edge']) {
  test(`random fills: ${survey}, every language, ${O.runs} runs each`, async ({ context }) => {
    let total = 0, steps = 0;
    const external = [];
    context.on('request', (req) => { if (!/^(file|blob|data):/.test(req.url())) external.push(req.url()); });
    for (const lang of languages(survey)) {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      for (let i = 0; i < O.runs; i++) {
        const seed = 1000 * (lang.charCodeAt(0) + lang.charCodeAt(1)) + i + (survey.endsWith('2020') ? 500000 : survey === 'kinds' ? 900000 : survey === 'form_edge' ? 700000 : 0);
        await page.goto(url('plain', survey, lang));
        await page.evaluate(() => localStorage.clear());
        await page.reload();
        const r = await page.evaluate(pageRandomRun, seed);
        assert(!r.error, `${lang} seed ${seed}: ${r.error}`);
        const resp = r.response;
        assert(resp._status === 'complete' && resp[survey === 'form_edge' ? 'kieli' : 'lang'] === lang && resp._survey === survey, `${lang} seed ${seed}: envelope ${JSON.stringify(resp).slice(0, 200)}`);
        for (const [k, v] of Object.entries(resp)) assert(!(Array.isArray(v) && v.length === 0), `${k} is []`);
        collect(survey, lang, resp);
        total++;
        steps += r.steps;
      }
      assert(errors.length === 0, `page errors: ${errors.join('; ')}`);
      await page.close();
    }
    eq(external, [], 'requests the self-contained form made');
    return `${total} runs, ${steps} page steps`;
  });
}

async function gotoSection(page, name) {
  for (let i = 0; i < 20; i++) {
    if (await page.locator(`#page-${name}`).isVisible()) return;
    await page.click('[data-action=next]');
  }
  throw new Error(`never reached section ${name}`);
}

test('routing: nat_part = 1 shows its follow-ups, 2 hides and drops them, 1 again restores them', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(url('plain', 'partnership_barometer_2023', 'fi'));
  await gotoSection(page, 'programme');
  assert(!(await page.locator('#q-nat_forms').isVisible()), 'nat_forms visible before nat_part is answered');
  await page.check('#nat_part-1');
  assert(await page.locator('#q-nat_forms').isVisible(), 'nat_forms hidden after nat_part = 1');
  assert(await page.locator('#q-nat_useful').isVisible(), 'nat_useful hidden after nat_part = 1');
  await page.check('#nat_forms-1');
  await page.check('#nat_forms-6');
  await page.fill('#nat_forms_other', 'Oma <b>verkosto</b>');
  await page.check('#nat_useful_a-2');
  let r = await page.evaluate(() => window.lomake.response());
  eq(r.nat_forms, [1, 6], 'nat_forms with nat_part = 1');
  eq(r.nat_forms_other, 'Oma <b>verkosto</b>', 'nat_forms_other');
  eq(r.nat_useful_a, 2, 'nat_useful_a');
  eq(r.nat_useful_b, null, 'nat_useful_b asked, unanswered');
  await page.check('#nat_part-2');
  assert(!(await page.locator('#q-nat_forms').isVisible()), 'nat_forms visible after nat_part = 2');
  assert(!(await page.locator('#q-nat_useful').isVisible()), 'nat_useful visible after nat_part = 2');
  r = await page.evaluate(() => window.lomake.response());
  for (const k of ['nat_forms', 'nat_forms_other', 'nat_useful_a', 'nat_useful_b', 'principles_a']) assert(!(k in r), `${k} in the response with nat_part = 2`);
  eq(r.nat_part, 2, 'nat_part');
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('lomake:partnership_barometer_2023:2023')).answers);
  eq(stored.nat_forms, [1, 6], 'hidden answer kept in storage');
  await page.check('#nat_part-1');
  assert(await page.isChecked('#nat_forms-1') && await page.isChecked('#nat_forms-6'), 'boxes restored');
  r = await page.evaluate(() => window.lomake.response());
  eq(r.nat_forms, [1, 6], 'nat_forms restored');
  eq(r.nat_forms_other, 'Oma <b>verkosto</b>', 'nat_forms_other restored');
  eq(r.nat_useful_a, 2, 'nat_useful_a restored');
  // principles: nat_part = 1 or reg_part = 1; nopart_why: the negation, unknown while reg_part is unanswered.
  assert(await page.locator('#q-principles').isVisible(), 'principles hidden');
  assert(!(await page.locator('#q-nopart_why').isVisible()), 'nopart_why shown');
  await page.check('#nat_part-2');
  await page.check('#reg_part-2');
  assert(await page.locator('#q-nopart_why').isVisible(), 'nopart_why hidden with both 2');
});

test('input rules: maximum selections, exclusive options, lengths in code points, ranges, required', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(url('plain', 'partnership_barometer_2023', 'en'));
  await gotoSection(page, 'info');
  for (const c of [1, 2, 3, 4]) await page.check(`#info_sources-${c}`);
  assert(await page.isEnabled('#info_sources-6'), 'box disabled before the maximum');
  await page.check('#info_sources-5');
  assert(!(await page.isEnabled('#info_sources-6')) && !(await page.isEnabled('#info_sources-7')), 'boxes enabled at the maximum of 5');
  await page.uncheck('#info_sources-5');
  assert(await page.isEnabled('#info_sources-6'), 'box still disabled below the maximum');
  const long = '😀'.repeat(2000);
  await page.fill('#practice_example', long);
  assert(!(await page.locator('#err-practice_example').isVisible()), '2000 emoji (4000 UTF-16 units) refused');
  await page.fill('#practice_example', long + 'x');
  assert(await page.locator('#err-practice_example').isVisible(), '2001 code points accepted');
  eq(await page.getAttribute('#practice_example', 'aria-invalid'), 'true', 'aria-invalid');
  await page.click('[data-action=next]');
  assert(await page.locator('#page-info').isVisible(), 'Next went past an invalid answer');
  assert((await page.textContent('#status')).includes('1'), 'problems not announced');
  await page.fill('#practice_example', 'ok');
  assert(!(await page.locator('#err-practice_example').isVisible()), 'error stays after the fix');
  await gotoSection(page, 'development');
  await page.check('#new_methods-1');
  await page.check('#new_methods-2');
  await page.check('#new_methods-99');
  assert(!(await page.isChecked('#new_methods-1')) && !(await page.isChecked('#new_methods-2')), 'exclusive option did not untick the others');
  await page.check('#new_methods-3');
  assert(!(await page.isChecked('#new_methods-99')), 'another option did not untick the exclusive one');

  // The hostile survey has an integer -5..5 (asked when choice = 1), a
  // decimal with one decimal place and a required text of at most 5 characters.
  const h = await context.newPage();
  await h.goto(url('plain', 'hostile_form', 'en'));
  await h.click('[data-action=next]');
  await h.check('#choice-1');
  await h.fill('#amount', '6');
  await h.locator('#amount').dispatchEvent('change');
  assert((await h.textContent('#err-amount')).includes('5'), 'range error not shown');
  await h.fill('#amount', '-5');
  await h.fill('#share', '12.34');
  await h.locator('#share').dispatchEvent('change');
  assert(await h.locator('#err-share').isVisible(), 'two decimals accepted');
  await h.fill('#share', '12.3');
  await h.fill('#word', '😀😀😀😀😀');
  assert(!(await h.locator('#err-word').isVisible()), 'five emoji refused');
  await h.fill('#word', '');
  await h.click('button[type=submit]');
  assert(await h.locator('#err-word').isVisible(), 'a required question left empty was not reported');
  eq(await h.evaluate(() => document.activeElement.id), 'word', 'focus on the first problem');
});

test('reload and language switch keep the answers and the page', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(url('plain', 'partnership_barometer_2023', 'fi'));
  await page.click('[data-action=next]');
  await page.check('#org_type-9');
  await page.fill('#org_type_other', 'Seurakunta "x"');
  await page.selectOption('#region', '6');
  await page.click('[data-action=next]');
  await page.check('#grade_municipal-7');
  const before = await page.evaluate(() => window.lomake.answers());
  await page.reload();
  assert(await page.locator('#page-level_municipal').isVisible(), 'reload did not return to the page');
  eq(await page.evaluate(() => window.lomake.answers()), before, 'answers after reload');
  assert(await page.isChecked('#grade_municipal-7'), 'radio not restored');
  eq(await page.inputValue('#org_type_other'), 'Seurakunta "x"', 'text not restored');
  eq(await page.inputValue('#region'), '6', 'select not restored');
  await page.click('.langs a[data-lang=sv]');
  await page.waitForURL(/\/sv\/index\.html/);
  eq(await page.getAttribute('html', 'lang'), 'sv', 'language');
  assert(!(await page.evaluate(() => location.hash)), 'answers left in the address');
  assert(await page.locator('#page-level_municipal').isVisible(), 'switch did not keep the page');
  eq(await page.evaluate(() => window.lomake.answers()), before, 'answers after the language switch');
  const r = await page.evaluate(() => window.lomake.response());
  eq(r.lang, 'sv', 'lang after the switch');
  eq(r.org_type_other, 'Seurakunta "x"', 'other text after the switch');
  // Another context (no shared storage): the link itself carries the answers.
  const href = await page.getAttribute('.langs a[data-lang=en]', 'href');
  const other = await context.browser().newContext();
  try {
    const p2 = await other.newPage();
    await p2.goto(new URL(href, page.url()).href);
    eq(await p2.evaluate(() => window.lomake.answers()), before, 'answers carried by the link');
  } finally { await other.close(); }
  // A tampered link: answers of the wrong type, unknown codes, an exclusive
  // code with others, unknown names: the form keeps only what it could have given.
  const bad = { answers: { org_type: '1', region: 999, role: 2, info_sources: [1, 'x', 1, 3], new_methods: [1, 99], grade_municipal: { a: 1 }, nope: 1, lang: 'xx' }, page: 'nowhere' };
  await page.goto(url('plain', 'partnership_barometer_2023', 'en') + '#lomake=' + encodeURIComponent(JSON.stringify(bad)));
  eq(await page.evaluate(() => window.lomake.answers()), { role: 2, info_sources: [1, 3], new_methods: [1] }, 'answers from a tampered link');
  assert(await page.locator('#page-intro').isVisible(), 'unknown page not the introduction');
  const tr = await page.evaluate(() => window.lomake.response());
  eq(tr.lang, 'en', 'lang from a tampered link');
  collect('partnership_barometer_2023', 'en', tr);
});

test('a hidden language variable not named lang holds the page language, and routes', async ({ context }) => {
  for (const lang of languages('form_edge')) {
    const page = await context.newPage();
    await page.goto(url('plain', 'form_edge', lang));
    const r = await page.evaluate(() => window.lomake.response());
    eq(r.kieli, lang, `${lang}: kieli`);
    eq(await page.evaluate(() => document.getElementById('q-english').hidden), lang !== 'en', `${lang}: the question asked when kieli = "en" hidden`);
    eq(Object.prototype.hasOwnProperty.call(r, 'english'), lang === 'en', `${lang}: english in the response`);
    collect('form_edge', lang, r);
    await page.close();
  }
});

test('a minimum selection does not apply when an exclusive option is chosen; the rule shows min and max', async ({ context }) => {
  const rules = { fi: 'Valitse 2–3.', sv: 'Välj 2–3.', en: 'Choose 2 to 3.' };
  for (const lang of languages('form_edge')) {
    const page = await context.newPage();
    await page.goto(url('plain', 'form_edge', lang));
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    eq(await page.textContent('#rule-picks'), rules[lang], `${lang}: the rule`);
    await page.evaluate(() => document.addEventListener('lomake:submit', (e) => { e.preventDefault(); window.__sent = e.detail.response; }));
    await page.click('[data-action=next]');
    await page.check('#picks-1');
    await page.click('button[type=submit]');
    assert(await page.locator('#err-picks').isVisible(), `${lang}: one pick accepted`);
    assert(!(await page.evaluate(() => window.__sent)), `${lang}: submitted with one pick`);
    await page.check('#picks-99');
    assert(!(await page.isChecked('#picks-1')), `${lang}: the exclusive option did not untick the others`);
    await page.click('button[type=submit]');
    const r = await page.evaluate(() => window.__sent);
    assert(r, `${lang}: "can't say" alone not accepted: ${await page.textContent('#err-picks')}`);
    eq(r.picks, [99], `${lang}: picks`);
    assert(await page.locator('#err-picks').isHidden(), `${lang}: error still shown`);
    collect('form_edge', lang, r);
    await page.close();
  }
});

test('numbers: a decimal comma in Finnish, whole integers, errors in words, never another number, kept over a reload', async ({ context }) => {
  const page = await context.newPage();
  const change = async (id, text) => { await page.fill(id, text); await page.locator(id).dispatchEvent('change'); };
  const resp = () => page.evaluate(() => window.lomake.response());
  await page.goto(url('plain', 'form_edge', 'fi'));
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.click('[data-action=next]');
  eq(await page.getAttribute('#amount', 'inputmode'), 'decimal', 'decimal inputmode');
  eq(await page.getAttribute('#count', 'inputmode'), 'numeric', 'integer inputmode');
  assert((await page.getAttribute('#amount', 'aria-describedby')).split(' ').includes('err-amount'), 'error not described');
  for (const [typed, want] of [['1,5', 1.5], ['1.5', 1.5], [' -0,25 ', -0.25], ['−3', -3], ['1 000,5', 1000.5], [',5', 0.5], ['12', 12]]) {
    await change('#amount', typed);
    eq((await resp()).amount, want, `fi: ${JSON.stringify(typed)}`);
    assert(await page.locator('#err-amount').isHidden(), `fi: ${typed}: error shown`);
  }
  for (const typed of ['1,5,0', 'abc', '1,,5', '5 kg', '1 00', ',', '-']) {
    await change('#amount', typed);
    eq(await page.textContent('#err-amount'), 'Anna luku, esimerkiksi 2,5.', `fi: ${JSON.stringify(typed)}: error`);
    eq(await page.getAttribute('#amount', 'aria-invalid'), 'true', `fi: ${typed}: aria-invalid`);
    eq((await resp()).amount, null, `fi: ${JSON.stringify(typed)}: answer`);
  }
  await change('#count', '2,5');
  eq(await page.textContent('#err-count'), 'Anna kokonaisluku.', 'fi: integer 2,5');
  await change('#count', 'x');
  eq(await page.textContent('#err-count'), 'Anna kokonaisluku.', 'fi: integer x');
  await page.evaluate(() => document.addEventListener('lomake:submit', (e) => { e.preventDefault(); window.__sent = e.detail.response; }));
  await page.click('button[type=submit]');
  assert(!(await page.evaluate(() => window.__sent)), 'submitted with a bad number');
  await change('#amount', '2,25');
  await change('#count', '3');
  await page.reload();
  eq(await page.inputValue('#amount'), '2,25', 'decimal after reload');
  eq(await page.inputValue('#count'), '3', 'integer after reload');
  await page.evaluate(() => document.addEventListener('lomake:submit', (e) => { e.preventDefault(); window.__sent = e.detail.response; }));
  await page.click('button[type=submit]');
  const r = await page.evaluate(() => window.__sent);
  assert(r, 'not submitted');
  eq([r.amount, r.count], [2.25, 3], 'numbers submitted');
  collect('form_edge', 'fi', r);
  // In English the comma groups digits: "1,5" is neither 15 nor 1.5.
  await page.goto(url('plain', 'form_edge', 'en'));
  eq(await page.inputValue('#amount'), '2.25', 'decimal in English');
  await change('#amount', '1,5');
  eq(await page.textContent('#err-amount'), 'Enter a number, for example 2.5.', 'en: 1,5');
  eq((await resp()).amount, null, 'en: 1,5');
  await change('#amount', '1.5');
  eq((await resp()).amount, 1.5, 'en: 1.5');
  assert(await page.locator('#err-amount').isHidden(), 'en: error left');
});

test('a partly typed date is an error, not an empty answer', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(url('plain', 'form_edge', 'en'));
    await page.evaluate(() => document.addEventListener('lomake:submit', (e) => { e.preventDefault(); window.__sent = e.detail.response; }));
    await page.click('[data-action=next]');
    await page.focus('#day');
    await page.keyboard.type('0615'); // month and day, no year: no input event, an empty value
    await page.click('button[type=submit]');
    assert(!(await page.evaluate(() => window.__sent)), 'submitted with half a date');
    assert(await page.locator('#err-day').isVisible(), 'no error shown');
    eq(await page.textContent('#err-day'), 'Enter a date as YYYY-MM-DD.', 'error');
    eq(await page.getAttribute('#day', 'aria-invalid'), 'true', 'aria-invalid');
    eq(await page.evaluate(() => document.activeElement.id), 'day', 'focus');
    await page.fill('#day', '2020-06-15');
    assert(await page.locator('#err-day').isHidden(), 'error left after a whole date');
    await page.click('button[type=submit]');
    const r = await page.evaluate(() => window.__sent);
    assert(r, 'not submitted with a whole date');
    eq(r.day, '2020-06-15', 'date');
    collect('form_edge', 'en', r);
  } finally { await context.close(); }
});

test('submit: a failing endpoint keeps the answers; retry succeeds, shows thanks and clears storage', async ({ context }) => {
  let status = 500;
  const posts = [];
  await context.route(POST_URL, async (route) => {
    const req = route.request();
    posts.push({ method: req.method(), type: req.headers()['content-type'], body: req.postData() });
    await route.fulfill({ status, contentType: 'application/json', body: '{}' });
  });
  const page = await context.newPage();
  await page.goto(url('post', 'partnership_barometer_2023', 'en'));
  let event = null;
  await page.exposeFunction('__event', (r) => { event = r; });
  await page.evaluate(() => document.addEventListener('lomake:submit', (e) => window.__event(e.detail.response)));
  await page.click('[data-action=next]');
  await page.check('#org_type-3');
  await page.check('#role-2');
  for (let i = 0; i < 12 && !(await page.locator('button[type=submit]').isVisible()); i++) await page.click('[data-action=next]');
  await page.click('button[type=submit]');
  await page.locator('#send-error').waitFor({ state: 'visible' });
  eq(posts.length, 1, 'POSTs');
  eq(posts[0].method, 'POST', 'method');
  eq(posts[0].type, 'application/json', 'Content-Type');
  eq(JSON.parse(posts[0].body), event, 'POST body = event response');
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('lomake:partnership_barometer_2023:2023')));
  eq(stored.answers.org_type, 3, 'answer kept after the failure');
  status = 200;
  await page.click('button[type=submit]');
  await page.locator('#done').waitFor({ state: 'visible' });
  eq(posts.length, 2, 'POSTs after retry');
  eq(await page.evaluate(() => localStorage.getItem('lomake:partnership_barometer_2023:2023')), null, 'storage not cleared');
  collect('partnership_barometer_2023', 'en', JSON.parse(posts[1].body));
});

test('a cancelled lomake:submit sends nothing', async ({ context }) => {
  let posts = 0;
  await context.route(POST_URL, (route) => { posts++; return route.fulfill({ status: 200, body: '{}' }); });
  const page = await context.newPage();
  await page.goto(url('post', 'partnership_barometer_2020', 'fi'));
  await page.evaluate(() => document.addEventListener('lomake:submit', (e) => e.preventDefault()));
  for (let i = 0; i < 12 && !(await page.locator('button[type=submit]').isVisible()); i++) await page.click('[data-action=next]');
  await page.click('button[type=submit]');
  await page.waitForTimeout(200);
  eq(posts, 0, 'POSTs after cancel');
  assert(await page.locator('#lomake').isVisible(), 'form left after cancel');
});

test('hostile survey: nothing executes, everything shows literally', async ({ context }) => {
  let dialogs = 0;
  for (const lang of languages('hostile_form')) {
    const page = await context.newPage();
    page.on('dialog', (d) => { dialogs++; d.dismiss(); });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url('plain', 'hostile_form', lang));
    const dom = await page.evaluate(() => ({
      pwned: window.__pwned,
      bad: document.querySelectorAll('img, iframe, svg, b, u, i, h1 h1, input[name=evil], form form, [onclick], [onerror], [onfocus], [onload]').length,
      scripts: document.querySelectorAll('script').length,
      links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')).filter((h) => !/^(https?:|mailto:|\.\.\/)/.test(h)),
      title: document.title,
      text: document.body.textContent,
      forms: document.querySelectorAll('form').length,
    }));
    assert(dom.pwned === undefined, `${lang}: executed: ${dom.pwned}`);
    eq(dom.bad, 0, `${lang}: elements from texts`);
    eq(dom.scripts, 2, `${lang}: script elements`);
    eq(dom.links, [], `${lang}: link schemes`);
    eq(dom.forms, 1, `${lang}: forms`);
    if (lang === 'en') {
      eq(dom.title, "Hostile </script><script>window.__pwned = 'title'</script> survey 🎉", 'title');
      for (const s of ["{{ 7 * 7 }} {% raw %} Org & Co <!--", "Welcome <svg onload=\"window.__pwned='svg'\">", 'Section <h1>title</h1>', 'Help {{ ui.next }} {% for x in y %}',
        "One <script>window.__pwned='opt'</script>", 'Two "quoted" & \'apostrophe\'', 'None of these {# comment #}', 'javascript:alert(1) as text', '👩‍👩‍👧']) {
        assert(dom.text.includes(s), `en: not shown literally: ${s}`);
      }
    }
    if (lang === 'ar') eq(await page.getAttribute('html', 'dir'), 'rtl', 'ar direction');
    const run = await page.evaluate(pageRandomRun, 7 + lang.length);
    assert(!run.error, `${lang}: ${run.error}`);
    eq(run.response._version, "1<script>alert('v')</script>", 'version in the response');
    collect('hostile_form', lang, run.response);
    assert((await page.evaluate(() => window.__pwned)) === undefined, `${lang}: executed after filling`);
    assert(errors.length === 0, `${lang}: page errors ${errors.join('; ')}`);
    await page.close();
  }
  eq(dialogs, 0, 'dialogs');
});

test('keyboard only: a form completed with Tab, Space, arrows, typing and Enter', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(url('plain', 'partnership_barometer_2020', 'en'));
  await page.evaluate(() => document.addEventListener('lomake:submit', (e) => { window.__kb = e.detail.response; }));
  let presses = 0;
  for (; presses < 4000; presses++) {
    if (await page.evaluate(() => !!window.__kb)) break;
    const el = await page.evaluate(() => {
      const e = document.activeElement;
      return { tag: e.tagName, type: e.type || '', mode: e.getAttribute('inputmode') || '', action: e.getAttribute('data-action') || '', checked: !!e.checked, value: e.value || '' };
    });
    if (el.type === 'radio' && !el.checked) await page.keyboard.press('Space');
    else if (el.type === 'checkbox' && presses % 3 === 0) await page.keyboard.press('Space');
    else if (el.tag === 'SELECT' && !el.value) { await page.keyboard.press('ArrowDown'); await page.keyboard.press('ArrowDown'); }
    else if ((el.mode === 'numeric' || el.mode === 'decimal') && !el.value) await page.keyboard.type('3');
    else if ((el.tag === 'TEXTAREA' || el.type === 'text') && !el.value) await page.keyboard.type('näppäimistö');
    else if (el.action === 'next' || el.type === 'submit') { await page.keyboard.press('Enter'); continue; }
    await page.keyboard.press('Tab');
  }
  const r = await page.evaluate(() => window.__kb);
  assert(r, `no response after ${presses} key presses`);
  const answered = Object.entries(r).filter(([k, v]) => !k.startsWith('_') && k !== 'lang' && v !== null).length;
  assert(answered >= 15, `only ${answered} answers by keyboard: ${JSON.stringify(r)}`);
  await page.locator('#done').waitFor({ state: 'visible' });
  collect('partnership_barometer_2020', 'en', r);
  return `${presses} key presses, ${answered} answers`;
});

test('without JavaScript every question is readable, with a note', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(url('plain', 'partnership_barometer_2023', 'fi'));
    for (const id of ['#page-intro', '#page-background', '#page-development', '#q-nat_forms', '#q-coop_national']) assert(await page.locator(id).isVisible(), `${id} not visible without JS`);
    assert(await page.locator('noscript').count() === 1, 'no noscript note');
    assert(!(await page.locator('#nav').isVisible()), 'buttons shown without JS');
  } finally { await context.close(); }
});

async function axe(page) {
  await page.addScriptTag({ path: path.join(O.validators, 'node/node_modules/axe-core/axe.min.js') });
  const r = await page.evaluate(async () => {
    const res = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return res.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
  return r;
}

test('axe-core (every impact, best practices too) on error messages, a send error, the thank-you page and a 320 px grid', async ({ context, browser }) => {
  const page = await context.newPage();
  await page.goto(url('plain', 'hostile_form', 'en'));
  await page.click('[data-action=next]');
  await page.check('#choice-1');
  await page.fill('#amount', '9');
  await page.locator('#amount').dispatchEvent('change');
  await page.fill('#word', 'too long here');
  await page.click('button[type=submit]');
  assert(await page.locator('#err-word').isVisible() && await page.locator('#err-amount').isVisible(), 'errors not shown');
  eq(await axe(page), [], 'axe with errors shown');
  let status = 500;
  await context.route(POST_URL, (route) => route.fulfill({ status, body: '{}' }));
  const post = await context.newPage();
  await post.goto(url('post', 'partnership_barometer_2020', 'sv'));
  for (let i = 0; i < 12 && !(await post.locator('button[type=submit]').isVisible()); i++) await post.click('[data-action=next]');
  await post.click('button[type=submit]');
  await post.locator('#send-error').waitFor({ state: 'visible' });
  eq(await axe(post), [], 'axe with the send error');
  status = 200;
  await post.click('button[type=submit]');
  await post.locator('#done').waitFor({ state: 'visible' });
  eq(await axe(post), [], 'axe on the thank-you page');
  const small = await browser.newContext({ viewport: { width: 320, height: 640 } });
  try {
    const p = await small.newPage();
    await p.goto(url('plain', 'partnership_barometer_2023', 'fi'));
    await gotoSection(p, 'level_municipal');
    eq(await axe(p), [], 'axe at 320 px');
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `the page scrolls sideways at 320 px by ${overflow} px`);
  } finally { await small.close(); }
});

// ---- Validation of every collected response, by tools nobody here wrote.

function validateAll() {
  const lines = [];
  let n = 0;
  const bySurvey = {};
  for (const [k, list] of Object.entries(collected)) {
    const [survey, lang] = k.split('/');
    const file = path.join(OUT, `${survey}.${lang}.jsonl`);
    fs.writeFileSync(file, list.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const schema = path.join(O.forms, 'plain', survey, lang, 'response.schema.json');
    execFileSync(path.join(O.validators, 'bin/check-instance'), [schema, file], { stdio: 'pipe' });
    (bySurvey[survey] = bySurvey[survey] || []).push(file);
    n += list.length;
    lines.push(`${survey} ${lang}: ${list.length} valid against response.schema.json`);
  }
  for (const [survey, files] of Object.entries(bySurvey)) {
    execFileSync(O.lomake, ['validate', path.join(ROOT, SURVEYS[survey]), ...files], { stdio: 'pipe', cwd: ROOT });
    lines.push(`${survey}: lomake validate OK`);
  }
  return { n, lines };
}

(async () => {
  const t0 = Date.now();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  let failed = 0;
  for (const c of cases) {
    if (O.only && !c.name.includes(O.only)) continue;
    const t = Date.now();
    const context = await browser.newContext();
    try {
      const note = await c.fn({ context, browser });
      console.log(`ok   ${((Date.now() - t) / 1000).toFixed(1).padStart(5)}s  ${c.name}${note ? ` (${note})` : ''}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${((Date.now() - t) / 1000).toFixed(1).padStart(5)}s  ${c.name}\n       ${String(e && e.stack || e).split('\n').slice(0, 4).join('\n       ')}`);
    } finally {
      await context.close();
    }
  }
  await browser.close();
  try {
    const t = Date.now();
    const v = validateAll();
    console.log(`ok   ${((Date.now() - t) / 1000).toFixed(1).padStart(5)}s  ${v.n} submitted responses validated (schema + lomake validate)`);
    for (const l of v.lines) console.log(`       ${l}`);
  } catch (e) {
    failed++;
    console.log(`FAIL validation of submitted responses:\n${(e.stdout || '').toString()}${(e.stderr || '').toString() || e}`);
  }
  console.log(`${failed ? 'FAILED' : 'passed'}: ${cases.length - failed}/${cases.length} cases in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  process.exit(failed ? 1 : 0);
})();
