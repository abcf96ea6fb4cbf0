// The wzt console's page (docs/design.md §16). Written by hand, no build step, no library.
//
// Everything shown that came from the actor, a client or a peer is put in the page as text:
// elements are made with document.createElement and filled with text nodes (`el` below);
// nothing here assigns markup, and the server's Content-Security-Policy enforces Trusted
// Types, so a string cannot become markup even by mistake.
'use strict';

(() => {
  const API = document.querySelector('meta[name="wzt-api"]').content;
  const MAX_ROWS = 2000;

  // The one way this page makes elements: attributes from a fixed list, children as nodes or
  // text.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === 'class') node.className = value;
      else if (name === 'title') node.title = value;
      else if (name.startsWith('data-')) node.setAttribute(name, value);
      else throw new Error('attribute not allowed: ' + name);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  const $ = (selector) => document.querySelector(selector);

  function clock(ms) {
    const d = new Date(ms);
    const pad = (n, w) => String(n).padStart(w, '0');
    return `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${pad(d.getMilliseconds(), 3)}`;
  }

  function duration(us) {
    return us >= 1000 ? (us / 1000).toFixed(1) + ' ms' : us + ' µs';
  }

  function shortHash(hash) {
    return hash ? hash.slice(0, 12) + '…' : '';
  }

  // Appends `row` to a list (newest first), keeping at most MAX_ROWS, and updates its count.
  function prepend(container, row, name) {
    container.prepend(row);
    while (container.childElementCount > MAX_ROWS) container.lastElementChild.remove();
    counts[name] = (counts[name] || 0) + 1;
    const badge = $('#count-' + name);
    if (badge) badge.textContent = String(counts[name]);
    const empty = $('#' + name + '-empty');
    if (empty) empty.hidden = true;
  }
  const counts = {};

  // ---- tabs ----
  for (const button of document.querySelectorAll('#tabs button')) {
    button.addEventListener('click', () => showTab(button.dataset.tab));
  }
  function showTab(name) {
    for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b.dataset.tab === name);
    for (const s of document.querySelectorAll('.tab')) s.classList.toggle('active', s.id === 'tab-' + name);
    if (name === 'kv') loadBuckets();
    if (name === 'actor') loadState();
  }

  // ---- invocations: a request and everything reported with its id ----
  const invocations = new Map();
  let selected = null;
  function invocation(id) {
    if (id === null || id === undefined) return null;
    let inv = invocations.get(id);
    if (!inv) {
      inv = { id, request: null, calls: [], lines: [], problems: [], row: null };
      invocations.set(id, inv);
      if (invocations.size > MAX_ROWS * 2) invocations.delete(invocations.keys().next().value);
    }
    return inv;
  }
  function touched(inv) {
    if (!inv) return;
    if (inv.row) inv.row.querySelector('.calls').textContent = String(inv.calls.length);
    if (selected === inv.id) renderDetail(inv);
  }

  function onRequest(at, r) {
    const inv = invocation(r.id);
    inv.request = r;
    inv.at = at;
    const row = el('tr', { 'data-id': String(r.id), class: 'status-' + String(r.status)[0] },
      el('td', { class: 'mono' }, clock(at)),
      el('td', { class: 'mono' }, r.method),
      el('td', { class: 'mono req-path' }, r.path),
      el('td', { class: 'mono req-status' }, r.status),
      el('td', { class: 'mono' }, duration(r.duration_us)),
      el('td', { class: 'mono calls' }, inv.calls.length));
    row.addEventListener('click', () => {
      for (const old of document.querySelectorAll('#requests tr.selected')) old.classList.remove('selected');
      row.classList.add('selected');
      selected = r.id;
      renderDetail(inv);
    });
    inv.row = row;
    prepend($('#requests tbody'), row, 'requests');
  }

  function headerTable(headers) {
    if (!headers || headers.length === 0) return el('p', { class: 'hint' }, 'none');
    return el('table', { class: 'facts headers' }, el('tbody', {},
      headers.map(([name, value]) => el('tr', {}, el('th', { class: 'mono' }, name), el('td', { class: 'mono' }, value)))));
  }

  function callRows(calls) {
    return calls.map((c) => el('tr', { class: c.denied ? 'call denied' : 'call' },
      el('td', { class: 'mono call-name' }, c.call),
      el('td', { class: 'mono' }, c.args),
      el('td', { class: 'mono' }, c.result, c.denied ? el('span', { class: 'badge denied' }, ' denied') : null),
      el('td', { class: 'mono' }, duration(c.duration_us))));
  }

  function renderDetail(inv) {
    const pane = $('#request-detail');
    const r = inv.request;
    const parts = [];
    if (r) {
      parts.push(el('h3', {}, r.method, ' ', r.path));
      parts.push(el('p', {}, 'status ', el('strong', {}, r.status), ' in ', duration(r.duration_us), ' · invocation ', r.id));
      parts.push(el('h3', {}, 'Request headers'), headerTable(r.request_headers));
      parts.push(el('h3', {}, 'Response headers'), headerTable(r.response_headers));
    }
    parts.push(el('h3', {}, 'Capability calls (', inv.calls.length, ')'));
    parts.push(inv.calls.length === 0 ? el('p', { class: 'hint' }, 'none')
      : el('table', { class: 'list calls-table' },
        el('thead', {}, el('tr', {}, el('th', {}, 'call'), el('th', {}, 'arguments'), el('th', {}, 'result'), el('th', {}, 'time'))),
        el('tbody', {}, callRows(inv.calls))));
    for (const c of inv.calls) if (c.fix) parts.push(fixBox(c.fix));
    if (inv.lines.length) {
      parts.push(el('h3', {}, 'Logs and output'));
      parts.push(el('pre', { class: 'lines' }, inv.lines.join('\n')));
    }
    for (const p of inv.problems) parts.push(problemCard(p.at, p.event));
    pane.replaceChildren(...parts);
  }

  function fixBox(fix) {
    return el('div', { class: 'fix' },
      el('div', { class: 'fix-summary' }, 'Fix: ', fix.summary),
      fix.paste.map((p) => [el('div', { class: 'into' }, p.into), el('pre', { class: 'paste' }, p.text)]));
  }

  // ---- denials ----
  function onDenial(at, call, fix) {
    const card = el('div', { class: 'card denial' },
      el('div', { class: 'head' },
        el('span', { class: 'when' }, clock(at)),
        el('strong', { class: 'mono' }, call.call),
        call.invocation !== undefined ? el('span', { class: 'when' }, 'request ', call.invocation) : null),
      el('div', { class: 'mono' }, call.args),
      el('div', { class: 'why' }, call.result),
      fix ? fixBox(fix) : el('p', { class: 'hint' }, 'No fix known for this denial: see why above.'));
    prepend($('#denials'), card, 'denials');
  }

  // ---- logs and output ----
  function onLine(at, source, level, invocationId, text) {
    const row = el('tr', { class: 'level-' + level },
      el('td', { class: 'mono' }, clock(at)),
      el('td', { class: 'mono' }, source),
      el('td', { class: 'mono' }, invocationId ?? ''),
      el('td', { class: 'mono log-text' }, text));
    prepend($('#logs tbody'), row, 'logs');
    const inv = invocation(invocationId);
    if (inv) {
      inv.lines.push(`[${source}] ${text}`);
      touched(inv);
    }
  }

  // ---- traps and timeouts ----
  function problemCard(at, e) {
    const trap = e.kind === 'trap';
    const title = trap ? 'trapped' : `ran past its deadline after ${e.after_ms.toFixed(0)} ms`;
    return el('div', { class: 'card ' + (trap ? 'trap' : 'timeout') },
      el('div', { class: 'head' },
        el('span', { class: 'when' }, clock(at)),
        el('strong', { class: 'mono' }, e.invocation),
        el('span', {}, title),
        !trap && e.response_started ? el('span', { class: 'hint' }, '(its response was cut off)') : null),
      trap && e.error ? el('pre', { class: 'backtrace' }, e.error) : null,
      e.stderr_tail && e.stderr_tail.length
        ? [el('div', { class: 'hint' }, 'last stderr lines'), el('pre', { class: 'stderr-tail' }, e.stderr_tail.join('\n'))]
        : null);
  }
  function onProblem(at, e) {
    prepend($('#problems'), problemCard(at, e), 'problems');
    const inv = invocation(e.invocation_id);
    if (inv) {
      inv.problems.push({ at, event: e });
      touched(inv);
    }
  }

  // ---- builds and reloads ----
  function onBuild(at, b) {
    const texts = {
      changed: ['changed', `${b.path} changed; rebuilding`],
      started: ['started', `building: ${b.command}`],
      built: ['built', `built and signed in ${(b.elapsed_ms / 1000).toFixed(1)} s`],
      failed: ['failed', 'the build failed; the last good version keeps running'],
      unchanged: ['unchanged', 'the rebuilt code is unchanged; kept running'],
      command_exited: ['command', `the command exited with ${b.code}`],
      command_failed: ['failed', 'the command failed'],
    };
    const [cls, text] = texts[b.build] || ['other', b.build];
    const card = el('div', { class: 'card build ' + cls },
      el('div', { class: 'head' }, el('span', { class: 'when' }, clock(at)), el('span', {}, text)),
      b.output ? el('pre', { class: 'build-output' }, b.output) : null,
      b.error ? el('pre', { class: 'build-output' }, b.error) : null);
    prepend($('#builds'), card, 'builds');
  }
  function onReload(at, e) {
    const card = el('div', { class: 'card reload' },
      el('div', { class: 'head' },
        el('span', { class: 'when' }, clock(at)),
        el('strong', {}, 'reloaded'),
        el('span', {}, `in ${e.elapsed_ms.toFixed(0)} ms`)),
      el('div', {}, 'old ', el('span', { class: 'hash old-hash' }, e.old_hash)),
      el('div', {}, 'new ', el('span', { class: 'hash new-hash' }, e.new_hash)));
    prepend($('#builds'), card, 'builds');
    soon(loadState);
  }

  // ---- messages and the lattice ----
  function onMessage(at, what, subject, verdict, detail) {
    const row = el('tr', { class: /^(sent|recorded|replied|ok)/.test(verdict) ? '' : 'denied' },
      el('td', { class: 'mono' }, clock(at)),
      el('td', {}, what),
      el('td', { class: 'mono' }, subject),
      el('td', { class: 'mono verdict' }, verdict),
      el('td', { class: 'mono' }, detail));
    prepend($('#lattice tbody'), row, 'lattice');
  }
  function onCallMessage(at, c) {
    const kind = c.call.endsWith('.publish') ? 'published' : 'request sent';
    const subject = c.args.split(' ')[0];
    const verdict = c.denied ? 'refused' : (c.result.startsWith('sent') ? 'sent' : 'ok');
    onMessage(at, kind, subject, verdict, c.result);
  }

  // ---- one event ----
  function handle(entry) {
    const at = entry.at_ms;
    const e = entry.event;
    switch (e.kind) {
      case 'request':
        onRequest(at, e);
        soon(loadState);
        break;
      case 'cap_call': {
        if (e.call.startsWith('lattice.')) break; // a rejected message: its lattice event says it
        const inv = invocation(e.invocation);
        const call = Object.assign({}, e, { fix: entry.fix });
        if (inv) {
          inv.calls.push(call);
          touched(inv);
        }
        if (e.denied) onDenial(at, e, entry.fix);
        if (e.call.startsWith('wasmcloud:messaging/consumer.')) onCallMessage(at, e);
        if (e.call.startsWith('wasi:keyvalue/')) soon(refreshKv);
        soon(loadState);
        break;
      }
      case 'log':
        onLine(at, `log ${e.level.toLowerCase()} ${e.context}`, e.level, e.invocation_id, e.message);
        break;
      case 'guest_output':
        onLine(at, e.stream, e.stream, e.invocation_id, e.line);
        break;
      case 'denied':
        onLine(at, 'denied', 'denied', null, `${e.what}: ${e.why}`);
        break;
      case 'trap':
      case 'timeout':
        onProblem(at, e);
        break;
      case 'published':
        onMessage(at, 'published', e.subject, 'recorded', e.body);
        break;
      case 'delivery_failed':
        onMessage(at, 'delivered', e.subject, e.handler_error ? 'handler error' : 'failed', e.why);
        break;
      case 'lattice':
        if (e.event === 'rejected') onMessage(at, `${e.message_kind} received`, e.subject, e.code, `${e.why} (#${e.count})`);
        else onMessage(at, e.event, e.url, e.event, e.what || '');
        break;
      case 'reloaded':
        onReload(at, e);
        break;
      case 'build':
        onBuild(at, e);
        break;
      case 'oversized':
        onLine(at, 'console', 'warn', null, `a ${e.of} event of ${e.bytes} bytes was too large to keep`);
        break;
      default:
        onLine(at, e.kind, 'info', null, JSON.stringify(e));
    }
  }

  // ---- the actor and its grants ----
  // The grant table's columns: one entry each (a per-resource scopes column goes here).
  const GRANT_COLUMNS = [
    ['capability', (g) => el('span', { class: 'mono' }, g.alias)],
    ['contract id', (g) => el('span', { class: 'mono' }, g.contract_id)],
    ['name', (g) => g.name],
    ['so far', (g) => el('span', { class: 'badge ' + g.status }, g.status)],
    ['calls', (g) => g.calls],
    ['denied', (g) => g.denied],
  ];

  function fact(name, value, cls) {
    return el('tr', {}, el('th', {}, name), el('td', { class: cls || 'mono' }, value ?? '—'));
  }
  function time(seconds) {
    return seconds ? new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') : null;
  }

  function applyState(state) {
    const s = state.startup;
    const c = state.claims;
    $('#actor').textContent = `${s.actor}${s.version ? ' ' + s.version : ''} · ${s.kind} · ${shortHash(s.module_hash)}`;
    const rows = [
      fact('name', c ? c.name : s.actor),
      fact('version', c ? c.version : null),
      fact('revision', c ? c.revision : null),
      fact('kind', s.kind, ''),
      fact('module hash', s.module_hash),
      fact('issuer', c ? c.issuer : 'unsigned (--allow-unsigned)'),
      fact('subject', c ? c.subject : null),
      fact('issued', c ? time(c.issued_at) : null),
      fact('not before', c ? time(c.not_before) : null),
      fact('expires', c ? (time(c.expires) || 'never') : null),
      fact('tags', c && c.tags.length ? c.tags.join(', ') : null),
      fact('call alias', c ? c.call_alias : null),
      fact('token id', c ? c.id : null),
      fact('engine', `${s.pooling ? 'pooling' : 'on-demand'} allocator, compile cache: ${s.cache.status}`, ''),
      fact('limits', `${Math.round(s.max_memory / 1048576)} MiB memory, ${s.timeout} ms per invocation, ${s.max_concurrent} concurrent`, ''),
      s.providers.map(([label, text]) => fact(label, text)),
      fact('wzt', state.wzt),
    ];
    $('#claims tbody').replaceChildren(...rows.flat());
    $('#grants thead tr').replaceChildren(...GRANT_COLUMNS.map(([name]) => el('th', {}, name)));
    $('#grants tbody').replaceChildren(...state.grants.map((g) =>
      el('tr', { 'data-cap': g.alias, class: 'grant' }, GRANT_COLUMNS.map(([, cell]) => el('td', {}, cell(g))))));
    if (state.grants.length === 0) $('#grants tbody').append(el('tr', {}, el('td', {}, 'no grants')));
    $('#scopes tbody').replaceChildren(...state.scopes.map((k) =>
      el('tr', { 'data-kind': k.kind, class: 'scope' },
        el('td', { class: 'mono' }, k.kind),
        el('td', {}, k.scoped
          ? (k.signed.length
            ? k.signed.map((v) => el('div', { class: 'scope-value' },
              el('span', { class: 'mono' }, v.value), ' ', el('span', { class: 'badge ' + v.status }, v.status)))
            : el('span', { class: 'hint' }, 'nothing (no value signed)'))
          : el('span', { class: 'badge untraced' }, 'unscoped: every ' + k.kind.split('.')[1])),
        el('td', {}, k.reached.length
          ? k.reached.map((r) => el('div', { class: 'reached' + (r.denied ? ' denied' : '') },
            el('span', { class: 'mono' }, r.value), ` ${r.calls} call${r.calls === 1 ? '' : 's'}`,
            r.denied ? [' ', el('span', { class: 'badge denied' }, `${r.denied} denied`)] : null))
          : el('span', { class: 'hint' }, 'none')))));
    if (state.scopes.length === 0) {
      $('#scopes tbody').append(el('tr', {}, el('td', {}, 'no granted capability has scopes')));
    }
    if (state.resources_not_counted) {
      $('#scopes tbody').append(el('tr', {}, el('td', { class: 'hint' },
        `${state.resources_not_counted} calls on further resources not listed`)));
    }
    const o = state.observed;
    // One wrapper: `el` flattens the parts and skips the absent ones (replaceChildren would
    // show them as text).
    $('#observed').replaceChildren(el('div', {},
      el('p', { class: 'hint' }, 'What this run used so far (and what its entry point needs to be served), ready to paste:'),
      el('div', { class: 'into' }, 'wzt.toml, [actor]'),
      el('pre', { class: 'paste observed-toml' }, o.wzt_toml),
      el('div', { class: 'into' }, 'or signing by hand'),
      el('pre', { class: 'paste observed-sign' }, o.sign),
      o.unused.length ? el('p', {}, 'Granted but not used so far: ', el('span', { class: 'mono unused' }, o.unused.join(', '))) : null,
      o.scopes_toml ? [
        el('div', { class: 'into' }, 'scopes: wzt.toml'),
        el('pre', { class: 'paste observed-scopes' }, o.scopes_toml),
        el('div', { class: 'into' }, 'or as flags of wzt sign'),
        el('pre', { class: 'paste observed-scope-flags' }, o.scope_flags || '(nothing reached: no --scope)')] : null,
      o.scopes_error ? el('p', { class: 'why' }, 'No scopes observed: ', o.scopes_error) : null));
  }

  async function loadState() {
    const response = await fetch(API + 'api/state');
    if (response.status === 401) return needToken();
    if (response.ok) applyState(await response.json());
  }

  // ---- key-value ----
  let bucket = null;
  async function loadBuckets() {
    const response = await fetch(API + 'api/kv');
    if (!response.ok) return;
    const kv = await response.json();
    $('#kv-store').textContent = kv.store ? `store: ${kv.store}` : 'This actor has no key-value store (kv is not granted).';
    if (kv.error) $('#kv-store').textContent += ` (error: ${kv.error})`;
    if (kv.total > kv.buckets.length) $('#kv-store').textContent += ` (the first ${kv.buckets.length} of ${kv.total} buckets)`;
    $('#kv-buckets').replaceChildren(...kv.buckets.map((name) => {
      const button = el('button', { class: name === bucket ? 'active' : '', 'data-bucket': name }, name);
      button.type = 'button';
      button.addEventListener('click', () => { bucket = name; loadBuckets(); });
      return button;
    }));
    if (bucket === null && kv.buckets.length) bucket = kv.buckets[0];
    if (bucket !== null) loadEntries(bucket, 0);
  }
  async function loadEntries(name, cursor) {
    const query = new URLSearchParams({ bucket: name, cursor: String(cursor) });
    const response = await fetch(API + 'api/kv/entries?' + query);
    if (!response.ok) return;
    const page = await response.json();
    for (const b of document.querySelectorAll('#kv-buckets button')) b.classList.toggle('active', b.dataset.bucket === name);
    const rows = page.entries.map((e) => el('tr', {},
      el('td', { class: 'mono kv-key' }, e.key),
      el('td', { class: 'mono kv-value' }, e.text !== null ? e.text : `base64: ${e.base64}`, e.cut ? ' …' : ''),
      el('td', { class: 'mono' }, e.len)));
    const body = $('#kv-entries tbody');
    if (cursor === 0) body.replaceChildren(...rows);
    else body.append(...rows);
    const more = $('#kv-more');
    more.replaceChildren();
    if (page.error) more.textContent = `error: ${page.error}`;
    if (page.next !== null) {
      const button = el('button', {}, 'more');
      button.addEventListener('click', () => loadEntries(name, page.next));
      more.append(button);
    }
  }
  function refreshKv() {
    if ($('#tab-kv').classList.contains('active')) loadBuckets();
  }

  // Runs `f` once after a quiet moment, however often it is asked for meanwhile.
  const pending = new Set();
  function soon(f) {
    if (pending.has(f)) return;
    pending.add(f);
    setTimeout(() => { pending.delete(f); f(); }, 300);
  }

  // ---- connection ----
  function setConn(state, text) {
    const conn = $('#conn');
    conn.dataset.state = state;
    conn.textContent = text;
  }
  function needToken() {
    $('#auth').hidden = false;
    setConn('down', 'no token');
  }

  function connect() {
    const source = new EventSource(API + 'api/events');
    source.onopen = () => setConn('live', 'live');
    source.onerror = () => setConn('down', source.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…');
    source.onmessage = (message) => handle(JSON.parse(message.data));
    source.addEventListener('missed', (message) => {
      const missed = JSON.parse(message.data).missed;
      onLine(Date.now(), 'console', 'warn', null, `${missed} older events had left the history and are not shown`);
    });
  }

  async function start() {
    const match = /^#token=([A-Za-z0-9_-]{16,})$/.exec(location.hash);
    if (match) {
      // The token leaves the address bar (and the history) before anything else happens.
      history.replaceState(null, '', location.pathname);
      const response = await fetch('/session', { method: 'POST', headers: { Authorization: 'Bearer ' + match[1] } });
      if (!response.ok) return needToken();
    }
    const response = await fetch(API + 'api/state');
    if (response.status === 401) return needToken();
    applyState(await response.json());
    connect();
  }

  start();
})();
