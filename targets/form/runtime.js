// {% raw %}
// lomake form runtime. One file, no dependencies, no eval, no generated
// code: it reads the routing data of the page (the JSON block
// #lomake-data, made from the survey's IR), shows one page at a time,
// evaluates the IR's conditions, checks the input rules, keeps the answers
// in localStorage and builds the response of docs/responses.md.
// Loaded in node (module.exports), it is just the evaluator, for the
// shared routing-semantics cases (tests/semantics/*.json).
(function (global) {
  'use strict';

  // ---- Routing semantics: docs/language.md, the same table as src/eval.rs.
  // Truth values are the strings 'true', 'false' and 'unknown' (Kleene).

  // The answer to `name`, or undefined when absent, null or [].
  function answer(r, name) {
    var v = Object.prototype.hasOwnProperty.call(r, name) ? r[name] : undefined;
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v) && v.length === 0) return undefined;
    return v;
  }

  function isMissing(v, missing) {
    return typeof v === 'number' && missing.indexOf(v) >= 0;
  }

  // Equality the JSON Schema way: 7 and 7.0 are the same number.
  function same(a, b) {
    if (typeof a === 'number' && typeof b === 'number') return a === b;
    if (typeof a !== 'object' && typeof b !== 'object') return a === b;
    return JSON.stringify(a) === JSON.stringify(b);
  }

  // Strings compare by Unicode code point (as Rust's str ordering does).
  function cmpStr(a, b) {
    var i = 0, j = 0;
    while (i < a.length && j < b.length) {
      var x = a.codePointAt(i), y = b.codePointAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xffff ? 2 : 1;
      j += y > 0xffff ? 2 : 1;
    }
    return i < a.length ? 1 : j < b.length ? -1 : 0;
  }

  function truth(b) { return b ? 'true' : 'false'; }

  function compare(v, cmp, c, missing) {
    if (cmp === '=') return truth(same(v, c));
    if (cmp === '!=') return truth(!same(v, c));
    if (isMissing(v, missing)) return 'unknown';
    var o;
    if (typeof v === 'number' && typeof c === 'number') o = v < c ? -1 : v > c ? 1 : 0;
    else if (typeof v === 'string' && typeof c === 'string') o = cmpStr(v, c);
    else return 'unknown';
    switch (cmp) {
      case '<': return truth(o < 0);
      case '<=': return truth(o <= 0);
      case '>': return truth(o > 0);
      case '>=': return truth(o >= 0);
    }
    return 'unknown';
  }

  // Evaluates an IR condition on a response. `missing(name)` gives the
  // declared missing codes of a variable.
  function evaluate(c, r, missing) {
    var out, i, t, v, w;
    switch (c.op) {
      case 'and':
        out = 'true';
        for (i = 0; i < c.args.length; i++) {
          t = evaluate(c.args[i], r, missing);
          if (t === 'false') return 'false';
          if (t === 'unknown') out = 'unknown';
        }
        return out;
      case 'or':
        out = 'false';
        for (i = 0; i < c.args.length; i++) {
          t = evaluate(c.args[i], r, missing);
          if (t === 'true') return 'true';
          if (t === 'unknown') out = 'unknown';
        }
        return out;
      case 'not':
        t = evaluate(c.arg, r, missing);
        return t === 'true' ? 'false' : t === 'false' ? 'true' : 'unknown';
      case 'answered':
        return truth(answer(r, c.var) !== undefined);
      case 'substantive':
        v = answer(r, c.var);
        if (v === undefined) return 'false';
        if (Array.isArray(v)) return truth(v.some(function (x) { return !isMissing(x, missing(c.var)); }));
        return truth(!isMissing(v, missing(c.var)));
      case 'compare':
        v = answer(r, c.var);
        return v === undefined ? 'unknown' : compare(v, c.cmp, c.value, missing(c.var));
      case 'compare_vars':
        v = answer(r, c.var);
        w = answer(r, c.other);
        if (v === undefined || w === undefined) return 'unknown';
        if (c.cmp !== '=' && c.cmp !== '!=' && (isMissing(v, missing(c.var)) || isMissing(w, missing(c.other)))) return 'unknown';
        return compare(v, c.cmp, w, []);
      case 'in':
        v = answer(r, c.var);
        if (v === undefined) return 'unknown';
        return truth(c.values.some(function (x) { return same(v, x); }));
      case 'includes':
        v = answer(r, c.var);
        if (v === undefined || !Array.isArray(v)) return 'unknown';
        return truth(v.some(function (x) { return same(x, c.value); }));
    }
    return 'unknown';
  }

  var api = { evaluate: evaluate };
  if (typeof module === 'object' && module && module.exports) {
    module.exports = api;
    return;
  }
  global.lomake = api;
  if (typeof document !== 'undefined') start();

  // ---- The form.
  function start() {
    var DATA = JSON.parse(document.getElementById('lomake-data').textContent);
    var form = document.getElementById('lomake');
    var VARS = DATA.variables;
    var BY = {};
    VARS.forEach(function (v) { BY[v.name] = v; });
    var SECTIONS = DATA.sections;
    var PAGES = ['intro'].concat(SECTIONS.map(function (s) { return s.name; }));
    var KEY = 'lomake:' + DATA.survey + ':' + DATA.version;
    var nav = document.getElementById('nav');
    var back = nav.querySelector('[data-action=back]');
    var next = nav.querySelector('[data-action=next]');
    var send = nav.querySelector('[type=submit]');
    var progress = document.getElementById('progress');
    var status = document.getElementById('status');
    var answers = {};   // every answer given, hidden questions' too
    var bad = {};       // variables whose input the browser could not read
    var cur = 0;        // index in PAGES
    var routed = { resp: {}, asked: {} };
    var SEP = separators(DATA.lang);

    function missingOf(name) { return (BY[name] && BY[name].missing) || []; }
    function ui(key, n, m) {
      return String(DATA.ui[key] || '').replace('{n}', n).replace('{m}', m);
    }
    function byId(id) { return document.getElementById(id); }
    function numeric(v) { return v.kind === 'integer' || v.kind === 'decimal'; }

    // The page language's decimal and digit-group separators (CLDR, through
    // Intl): numbers are shown with its decimal separator, and a typed comma
    // or dot is a decimal separator unless the language groups digits with
    // it (so "1,5" is 1.5 in Finnish and an error in English, never 15).
    function separators(lang) {
      var out = { decimal: '.', group: ',' };
      try {
        var parts = new Intl.NumberFormat(lang + '-u-nu-latn').formatToParts(1234567.5);
        out.group = '';
        parts.forEach(function (p) {
          if (p.type === 'decimal') out.decimal = p.value === ',' ? ',' : '.';
          if (p.type === 'group') out.group = p.value;
        });
      } catch (e) { /* no Intl: a dot only */ }
      return out;
    }

    // A number as typed: digits with an optional sign, decimal separator
    // and exponent; spaces may group the digits by three. NaN otherwise.
    function parseNumber(text) {
      var s = String(text).trim().replace(/^[\u2212\u2013]/, '-');
      var m = /^([+-]?)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d*)(?:([.,])(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
      if (!m || !/\d/.test(m[2] + (m[4] || ''))) return NaN;
      if (m[3] && m[3] === SEP.group) return NaN;
      return Number(m[1] + m[2].replace(/[ \u00a0\u202f]/g, '') + (m[3] ? '.' + m[4] : '') +
        (m[5] !== undefined ? 'e' + m[5] : ''));
    }

    function formatNumber(x) {
      var s = String(x);
      return SEP.decimal === ',' ? s.replace('.', ',') : s;
    }
    function controls(name) { return form.querySelectorAll('[name="' + name + '"]'); }

    // Which variables are asked: conditions in questionnaire order on the
    // answers that will be submitted, so that hiding cascades.
    function route() {
      var resp = {}, asked = {};
      VARS.forEach(function (v) {
        if (v.condition && evaluate(v.condition, resp, missingOf) !== 'true') return;
        asked[v.name] = true;
        // A hidden variable is set by the form: a language variable (whatever
        // its name) holds the page's language.
        if (v.kind === 'hidden') resp[v.name] = v.source === 'language' ? DATA.lang : null;
        else resp[v.name] = answers[v.name] === undefined ? null : answers[v.name];
      });
      return { resp: resp, asked: asked };
    }

    function shown(cond) { return !cond || evaluate(cond, routed.resp, missingOf) === 'true'; }

    function sectionShown(s) {
      return shown(s.condition) && s.elements.some(function (e) { return shown(e.condition); });
    }

    function applyRouting() {
      routed = route();
      SECTIONS.forEach(function (s) {
        s.elements.forEach(function (e) {
          var el = byId('q-' + e.name);
          if (el) el.hidden = !shown(e.condition);
        });
      });
      VARS.forEach(function (v) {
        var el = byId('v-' + v.name);
        if (el) el.hidden = !routed.asked[v.name];
      });
      updateNav();
    }

    function activePages() {
      var out = [0];
      SECTIONS.forEach(function (s, i) { if (sectionShown(s)) out.push(i + 1); });
      return out;
    }

    function updateNav() {
      var act = activePages();
      var pos = act.indexOf(cur);
      var last = act[act.length - 1] === cur;
      back.hidden = cur === 0;
      next.hidden = last;
      send.hidden = !last;
      progress.textContent = ui('page', pos + 1, act.length);
      var bar = document.createElement('span');
      bar.className = 'bar';
      bar.setAttribute('aria-hidden', 'true');
      var fill = document.createElement('span');
      fill.style.width = Math.round(100 * (pos + 1) / act.length) + '%';
      bar.appendChild(fill);
      progress.appendChild(bar);
    }

    function showPage(i, focus) {
      cur = i;
      PAGES.forEach(function (name, n) { byId('page-' + name).hidden = n !== i; });
      updateNav();
      save();
      if (focus) {
        var h = byId('page-' + PAGES[i]).querySelector('h2');
        window.scrollTo(0, 0);
        if (h) { h.setAttribute('tabindex', '-1'); h.focus(); }
        status.textContent = progress.firstChild ? progress.firstChild.textContent : '';
      }
    }

    // ---- Answers: the page's controls to `answers` and back.

    function read(v) {
      var els = controls(v.name);
      if (!els.length) return;
      var el = els[0], val;
      delete bad[v.name];
      if (v.kind === 'multiple') {
        val = [];
        els.forEach(function (e) { if (e.checked) val.push(Number(e.value)); });
        if (!val.length) val = undefined;
      } else if (el.type === 'radio') {
        els.forEach(function (e) { if (e.checked) val = Number(e.value); });
      } else if (el.tagName === 'SELECT') {
        val = el.value === '' ? undefined : Number(el.value);
      } else if (el.type === 'date') {
        // A partly typed date has no value: the browser says so.
        if (el.validity && el.validity.badInput) bad[v.name] = true;
        val = el.value === '' ? undefined : el.value;
      } else if (numeric(v)) {
        val = el.value.trim() === '' ? undefined : parseNumber(el.value);
        if (val !== undefined && !isFinite(val)) { bad[v.name] = true; val = undefined; }
      } else {
        val = el.value === '' ? undefined : el.value;
      }
      if (val === undefined) delete answers[v.name];
      else answers[v.name] = val;
    }

    function write(v) {
      var els = controls(v.name), val = answers[v.name];
      els.forEach(function (e) {
        if (e.type === 'checkbox') e.checked = Array.isArray(val) && val.indexOf(Number(e.value)) >= 0;
        else if (e.type === 'radio') e.checked = val !== undefined && Number(e.value) === val;
        else if (numeric(v)) e.value = typeof val === 'number' ? formatNumber(val) : '';
        else e.value = val === undefined ? '' : String(val);
      });
    }

    // At the maximum number of selections the remaining boxes are disabled
    // (exclusive options stay available: ticking one unticks the others).
    function limit(v) {
      if (v.kind !== 'multiple' || v.max === undefined) return;
      var els = controls(v.name), n = 0;
      els.forEach(function (e) { if (e.checked) n++; });
      els.forEach(function (e) {
        e.disabled = n >= v.max && !e.checked && !e.hasAttribute('data-exclusive');
      });
    }

    function exclusive(el) {
      if (el.type !== 'checkbox' || !el.checked) return;
      var ex = el.hasAttribute('data-exclusive');
      controls(el.name).forEach(function (e) {
        if (e !== el && (ex || e.hasAttribute('data-exclusive'))) e.checked = false;
      });
    }

    function save() {
      var state = { answers: answers, page: PAGES[cur] };
      try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode: answers stay in the page */ }
      // The other languages' forms get the answers with them.
      var carry = '#lomake=' + encodeURIComponent(JSON.stringify(state));
      document.querySelectorAll('.langs a[data-lang]').forEach(function (a) {
        a.setAttribute('href', '../' + a.getAttribute('data-lang') + '/index.html' + carry);
      });
    }

    function load() {
      var state = null;
      try { state = JSON.parse(localStorage.getItem(KEY) || 'null'); } catch (e) { state = null; }
      var m = /^#lomake=(.*)$/.exec(location.hash);
      if (m) {
        try { state = JSON.parse(decodeURIComponent(m[1])); } catch (e) { /* a damaged link: keep what is stored */ }
        try { history.replaceState(null, '', location.pathname + location.search); } catch (e) { /* file: in some browsers */ }
      }
      if (!state || typeof state !== 'object' || !state.answers || typeof state.answers !== 'object') return false;
      VARS.forEach(function (v) {
        var a = clean(v, state.answers[v.name]);
        if (a !== undefined) answers[v.name] = a;
      });
      var p = PAGES.indexOf(state.page);
      if (p > 0) cur = p;
      return Object.keys(answers).length > 0;
    }

    // A saved answer as the form would have given it, or undefined: the
    // storage and the language links come from outside the page.
    function clean(v, a) {
      var codes = v.codes || [];
      switch (v.kind) {
        case 'single':
          return typeof a === 'number' && codes.indexOf(a) >= 0 ? a : undefined;
        case 'multiple': {
          if (!Array.isArray(a)) return undefined;
          var out = [], ex = v.exclusive || [];
          a.forEach(function (x) {
            if (typeof x === 'number' && codes.indexOf(x) >= 0 && out.indexOf(x) < 0) out.push(x);
          });
          if (out.length > 1) out = out.filter(function (x) { return ex.indexOf(x) < 0; });
          if (v.max !== undefined) out = out.slice(0, v.max);
          return out.length ? out : undefined;
        }
        case 'integer':
        case 'decimal':
          return typeof a === 'number' && isFinite(a) ? a : undefined;
        case 'text':
        case 'date':
          return typeof a === 'string' && a !== '' ? a : undefined;
      }
      return undefined;
    }

    // ---- Input rules.

    function decimalsOf(x) {
      var s = String(x), e = s.indexOf('e-');
      if (e >= 0) return Number(s.slice(e + 2)) + (s.split('.')[1] || '').replace(/e.*/, '').length;
      return (s.split('.')[1] || '').length;
    }

    function isDate(s) {
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
      if (!m) return false;
      var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
      return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
    }

    function problem(v) {
      var a = answers[v.name];
      if (bad[v.name]) {
        if (v.kind === 'date') return ui('err_date');
        return v.kind === 'integer' ? ui('err_integer') : ui('err_decimal', '2' + SEP.decimal + '5');
      }
      if (a === undefined) return v.required ? ui('err_required') : null;
      switch (v.kind) {
        case 'integer':
        case 'decimal':
          if (typeof a !== 'number' || !isFinite(a)) return ui('err_number');
          if (v.kind === 'integer' && Math.floor(a) !== a) return ui('err_integer');
          if (v.min !== undefined && a < v.min) return ui('err_min', v.min);
          if (v.max !== undefined && a > v.max) return ui('err_max', v.max);
          if (v.decimals !== undefined && decimalsOf(a) > v.decimals) return ui('err_decimals', v.decimals);
          return null;
        case 'text': {
          var n = Array.from(String(a)).length;
          return v.max_length !== undefined && n > v.max_length ? ui('err_length', v.max_length, n) : null;
        }
        case 'date':
          return isDate(String(a)) ? null : ui('err_date');
        case 'multiple': {
          // An exclusive option ("can't say") stands alone: no minimum then.
          var ex = v.exclusive || [];
          var alone = a.some(function (x) { return ex.indexOf(x) >= 0; });
          if (v.max !== undefined && a.length > v.max) return ui('max_choices', v.max);
          if (v.min !== undefined && a.length < v.min && !alone) return ui('min_choices', v.min);
          return null;
        }
      }
      return null;
    }

    function mark(v, message) {
      var err = byId('err-' + v.name);
      if (err) {
        err.textContent = message || '';
        err.hidden = !message;
      }
      controls(v.name).forEach(function (e) {
        if (e.type === 'radio' || e.type === 'checkbox') return;
        if (message) e.setAttribute('aria-invalid', 'true');
        else e.removeAttribute('aria-invalid');
      });
      return !message;
    }

    // Reads every control again: a partly typed date fires no event (its
    // value stays empty), so Next and Submit look at what is there now.
    function readAll() {
      VARS.forEach(function (v) { if (v.kind !== 'hidden') read(v); });
    }

    // Checks the asked variables of some pages; shows the problems, moves
    // focus to the first one and announces how many there are.
    function check(pages) {
      var first = null, count = 0;
      VARS.forEach(function (v) {
        if (!routed.asked[v.name] || v.kind === 'hidden') return;
        var page = PAGES.indexOf(v.section);
        if (pages.indexOf(page) < 0) return;
        if (!mark(v, problem(v))) {
          count++;
          if (!first) first = v;
        }
      });
      if (!first) return true;
      var p = PAGES.indexOf(first.section);
      if (p !== cur) showPage(p, false);
      var el = controls(first.name)[0];
      if (el) el.focus();
      status.textContent = ui('errors', count);
      return false;
    }

    function onChange(ev) {
      var el = ev.target, v = BY[el.name];
      if (!v) return;
      exclusive(el);
      read(v);
      limit(v);
      var message = problem(v);
      var err = byId('err-' + v.name);
      // Live checks: a change shows a problem; typing clears it, and shows
      // an over-long text at once.
      if (ev.type === 'change' || (err && !err.hidden) || (message && v.kind === 'text')) mark(v, message);
      save();
      applyRouting();
    }

    // ---- Submitting.

    function response() {
      var out = {
        _survey: DATA.survey,
        _version: DATA.version,
        _status: 'complete',
        _submitted: new Date().toISOString().replace(/\.\d+Z$/, 'Z')
      };
      VARS.forEach(function (v) {
        if (Object.prototype.hasOwnProperty.call(routed.resp, v.name)) out[v.name] = routed.resp[v.name];
      });
      return out;
    }

    function done(title, text) {
      form.hidden = true;
      progress.hidden = true;
      var d = byId('done');
      byId('h-done').textContent = title;
      byId('done-text').textContent = text;
      d.hidden = false;
      d.focus();
    }

    function submit() {
      readAll();
      applyRouting();
      var all = PAGES.map(function (_, i) { return i; });
      if (!check(all)) return;
      var resp = response();
      var ev = new CustomEvent('lomake:submit', { bubbles: true, cancelable: true, detail: { response: resp } });
      if (!form.dispatchEvent(ev)) return;
      var url = DATA.submit_url;
      var sendError = byId('send-error');
      if (url && /^(https?:\/\/|\/(?!\/))/i.test(url)) {
        send.disabled = true;
        sendError.hidden = true;
        status.textContent = ui('sending');
        fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(resp) })
          .then(function (r) {
            if (!r.ok) throw new Error('HTTP ' + r.status);
            try { localStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
            document.querySelectorAll('.langs a[data-lang]').forEach(function (a) {
              a.setAttribute('href', '../' + a.getAttribute('data-lang') + '/index.html');
            });
            done(ui('thanks_title'), ui('thanks_text'));
          })
          .catch(function () {
            send.disabled = false;
            sendError.hidden = false;
            status.textContent = ui('send_error');
            send.focus();
          });
        return;
      }
      // No address to send to: the response as a file.
      var blob = new Blob([JSON.stringify(resp, null, 2) + '\n'], { type: 'application/json' });
      var a = document.createElement('a');
      a.id = 'download';
      a.href = URL.createObjectURL(blob);
      a.setAttribute('download', DATA.survey + '-response.json');
      a.textContent = ui('download_link');
      var holder = byId('done-download');
      holder.textContent = '';
      holder.appendChild(a);
      holder.hidden = false;
      done(ui('download_title'), ui('download_text'));
      a.click();
    }

    // ---- Start: restore, route, show the page; without this script every
    // page stays visible for reading.
    var restored = load();
    VARS.forEach(function (v) { write(v); limit(v); });
    nav.hidden = false;
    progress.hidden = false;
    applyRouting();
    if (cur > 0 && !sectionShown(SECTIONS[cur - 1])) cur = 0;
    showPage(cur, false);
    if (restored) status.textContent = ui('restored');

    form.addEventListener('change', onChange);
    form.addEventListener('input', onChange);
    next.addEventListener('click', function () {
      readAll();
      applyRouting();
      if (!check([cur])) return;
      var act = activePages();
      var pos = act.indexOf(cur);
      if (pos >= 0 && pos + 1 < act.length) showPage(act[pos + 1], true);
    });
    back.addEventListener('click', function () {
      var act = activePages();
      var prev = 0;
      act.forEach(function (p) { if (p < cur) prev = p; });
      showPage(prev, true);
    });
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (!send.hidden) submit();
    });
    global.lomake.response = function () { applyRouting(); return response(); };
    global.lomake.answers = function () { return JSON.parse(JSON.stringify(answers)); };
  }
})(typeof window !== 'undefined' ? window : this);
// {% endraw %}
