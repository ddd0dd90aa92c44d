/**
 * The dashboard served at GET /: one self-contained page (inline CSS and JS, nothing fetched from
 * elsewhere) over the same HTTP API and WebSocket feed as any other client. With a token, open it
 * as /?access_token=TOKEN (or type the token when asked); the page sends it as a Bearer header.
 * The page's script uses no template literals, so it can live inside this one.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kvs dashboard</title>
<style>
  :root { --bg:#0f1419; --panel:#182028; --line:#2a3540; --text:#dce3ea; --dim:#8a99a8; --accent:#4fb3ff; --ok:#5bd17d; --bad:#ff6b6b; --warn:#f5c451; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui, sans-serif; background:var(--bg); color:var(--text); }
  header { display:flex; align-items:center; gap:16px; padding:10px 18px; border-bottom:1px solid var(--line); }
  header h1 { font-size:18px; margin:0; }
  header .meta { color:var(--dim); }
  main { display:grid; grid-template-columns: minmax(320px,1fr) minmax(320px,1fr); gap:14px; padding:14px 18px; }
  section { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px 14px; min-width:0; }
  section h2 { font-size:13px; text-transform:uppercase; letter-spacing:.06em; color:var(--dim); margin:0 0 10px; }
  input, textarea, button { font:inherit; color:var(--text); background:#0c1116; border:1px solid var(--line); border-radius:5px; padding:6px 8px; }
  textarea { width:100%; min-height:64px; resize:vertical; font-family:ui-monospace, monospace; }
  input { min-width:0; }
  button { cursor:pointer; background:#22303c; }
  button:hover { border-color:var(--accent); }
  .row { display:flex; gap:8px; margin-bottom:8px; }
  .row input { flex:1; }
  .mono { font-family:ui-monospace, monospace; word-break:break-all; }
  .result { min-height:22px; white-space:pre-wrap; }
  .ok { color:var(--ok); } .bad { color:var(--bad); } .dim { color:var(--dim); }
  table { width:100%; border-collapse:collapse; }
  td, th { text-align:left; padding:3px 6px; border-bottom:1px solid var(--line); vertical-align:top; }
  #keys td.k { cursor:pointer; color:var(--accent); }
  #feed { list-style:none; margin:0; padding:0; height:320px; overflow-y:auto; font-family:ui-monospace, monospace; font-size:12.5px; }
  #feed li { padding:2px 4px; border-bottom:1px solid #1f2932; display:flex; gap:8px; }
  #feed li .op-set { color:var(--ok); } #feed li .op-delete { color:var(--bad); } #feed li.lagged { color:var(--warn); }
  .stats { display:grid; grid-template-columns:repeat(auto-fill, minmax(130px,1fr)); gap:8px; }
  .stat { background:#0c1116; border:1px solid var(--line); border-radius:6px; padding:8px; }
  .stat b { display:block; font-size:18px; }
  .stat span { color:var(--dim); font-size:12px; }
  .dot { display:inline-block; width:9px; height:9px; border-radius:50%; background:var(--bad); margin-right:6px; }
  .dot.live { background:var(--ok); }
  #auth { display:none; }
  details { margin-top:10px; } pre { margin:0; max-height:240px; overflow:auto; font-size:12px; }
</style>
</head>
<body>
<header>
  <h1>kvs</h1>
  <span class="meta" id="server-meta">connecting…</span>
  <span id="auth" class="row" style="margin:0"><input id="token" type="password" placeholder="token"><button id="token-save">Use token</button></span>
</header>
<main>
  <section>
    <h2>Key</h2>
    <div class="row"><input id="key" placeholder="key" autocomplete="off"></div>
    <textarea id="value" placeholder="value (for Set)"></textarea>
    <div class="row" style="margin-top:8px">
      <button id="get">Get</button><button id="set">Set</button><button id="delete">Delete</button>
    </div>
    <div id="result" class="result mono"></div>
  </section>
  <section>
    <h2>Live feed</h2>
    <div class="row">
      <input id="feed-prefix" placeholder="prefix filter (empty: every key)">
      <button id="feed-connect">Watch</button><button id="feed-clear">Clear</button>
    </div>
    <div class="dim" style="margin-bottom:6px"><span id="feed-dot" class="dot"></span><span id="feed-status">not connected</span></div>
    <ul id="feed"></ul>
  </section>
  <section>
    <h2>Browse</h2>
    <div class="row">
      <input id="prefix" placeholder="prefix">
      <button id="list">List</button>
    </div>
    <table><thead><tr><th>key</th><th>value</th></tr></thead><tbody id="keys"></tbody></table>
    <div class="row" style="margin-top:8px"><button id="more" style="display:none">More</button><span id="list-status" class="dim"></span></div>
  </section>
  <section>
    <h2>Stats</h2>
    <div class="stats" id="stats"></div>
    <details><summary class="dim">engine stats (JSON)</summary><pre id="stats-json" class="mono"></pre></details>
  </section>
</main>
<script>
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(location.search);
  var token = params.get('access_token') || sessionStorage.getItem('kvs-token') || '';
  var FEED_MAX = 500;

  function headers(extra) {
    var h = extra || {};
    if (token) h['Authorization'] = 'Bearer ' + token;
    return h;
  }
  function needToken() { $('auth').style.display = 'flex'; }
  async function api(method, path, body) {
    var res = await fetch(path, { method: method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/octet-stream' }), body: body });
    if (res.status === 401) needToken();
    return res;
  }
  async function errorText(res) {
    try { var j = await res.json(); return res.status + ' ' + j.error.code + ': ' + j.error.message; } catch (e) { return 'HTTP ' + res.status; }
  }
  function show(el, text, cls) { el.textContent = text; el.className = 'result mono ' + (cls || ''); }
  function keyPath(key) { return '/v1/kv/' + encodeURIComponent(key); }
  function label(text, encoding) { return encoding === 'base64' ? '(base64) ' + text : text; }
  function describe(buf) {
    try { return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), binary: false }; }
    catch (e) {
      var s = ''; var bytes = new Uint8Array(buf);
      for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
      return { text: btoa(s), binary: true };
    }
  }

  // ---- one key
  $('get').onclick = async function () {
    var key = $('key').value; if (!key) return show($('result'), 'type a key', 'bad');
    var res = await api('GET', keyPath(key));
    if (res.status === 404) return show($('result'), 'absent: ' + key, 'dim');
    if (!res.ok) return show($('result'), await errorText(res), 'bad');
    var buf = await res.arrayBuffer(); var d = describe(buf);
    $('value').value = d.binary ? '' : d.text;
    show($('result'), d.binary ? buf.byteLength + ' bytes, binary (base64): ' + d.text : buf.byteLength + ' bytes: ' + d.text, 'ok');
  };
  $('set').onclick = async function () {
    var key = $('key').value; if (!key) return show($('result'), 'type a key', 'bad');
    var res = await api('PUT', keyPath(key), $('value').value);
    show($('result'), res.ok ? 'set ' + key : await errorText(res), res.ok ? 'ok' : 'bad');
    refreshStats();
  };
  $('delete').onclick = async function () {
    var key = $('key').value; if (!key) return show($('result'), 'type a key', 'bad');
    var res = await api('DELETE', keyPath(key));
    show($('result'), res.status === 204 ? 'deleted ' + key : res.status === 404 ? 'absent: ' + key : await errorText(res), res.ok ? 'ok' : 'dim');
    refreshStats();
  };

  // ---- browse
  var nextCursor = null;
  async function list(append) {
    var q = '?values=1&limit=50&prefix=' + encodeURIComponent($('prefix').value);
    if (append && nextCursor) q += '&cursor=' + nextCursor;
    var res = await api('GET', '/v1/kv' + q);
    if (!res.ok) { $('list-status').textContent = await errorText(res); return; }
    var page = await res.json();
    var body = $('keys'); if (!append) body.textContent = '';
    page.items.forEach(function (item) {
      var tr = document.createElement('tr');
      var k = document.createElement('td'); k.className = 'k mono'; k.textContent = label(item.key, item.keyEncoding);
      if (item.keyEncoding === 'utf8') k.onclick = function () { $('key').value = item.key; $('get').onclick(); };
      var v = document.createElement('td'); v.className = 'mono'; var text = label(item.value, item.valueEncoding);
      v.textContent = text.length > 120 ? text.slice(0, 120) + '…' : text;
      tr.appendChild(k); tr.appendChild(v); body.appendChild(tr);
    });
    nextCursor = page.next || null;
    $('more').style.display = nextCursor ? '' : 'none';
    $('list-status').textContent = body.children.length + ' key(s)' + (nextCursor ? ', more available' : '');
  }
  $('list').onclick = function () { list(false); };
  $('more').onclick = function () { list(true); };

  // ---- live feed
  var ws = null; var retry = null;
  function feedStatus(text, live) { $('feed-status').textContent = text; $('feed-dot').className = live ? 'dot live' : 'dot'; }
  function addFeed(cls, parts) {
    var li = document.createElement('li'); if (cls) li.className = cls;
    parts.forEach(function (p) { var s = document.createElement('span'); s.textContent = p[0]; if (p[1]) s.className = p[1]; li.appendChild(s); });
    var feed = $('feed'); feed.appendChild(li);
    while (feed.children.length > FEED_MAX) feed.removeChild(feed.firstChild);
    feed.scrollTop = feed.scrollHeight;
  }
  function connect() {
    if (retry) { clearTimeout(retry); retry = null; }
    if (ws) { ws.onclose = null; ws.close(); }
    var prefix = $('feed-prefix').value;
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/v1/watch?prefix=' + encodeURIComponent(prefix);
    if (token) url += '&access_token=' + encodeURIComponent(token);
    feedStatus('connecting…', false);
    ws = new WebSocket(url);
    ws.onmessage = function (ev) {
      var m = JSON.parse(ev.data);
      if (m.type === 'hello') feedStatus('live' + (prefix ? ' (prefix ' + prefix + ')' : '') + ', from change ' + (m.seq + 1), true);
      else if (m.type === 'change') {
        addFeed('', [['#' + m.seq, 'dim'], [new Date(m.time).toLocaleTimeString(), 'dim'], [m.op, 'op-' + m.op], [label(m.key, m.keyEncoding), 'key'], [m.op === 'set' ? m.valueSize + ' B' : '', 'dim'], ['via ' + m.via, 'dim']]);
        scheduleStats();
      } else if (m.type === 'lagged') addFeed('lagged', [['fell behind at change ' + m.seq + '; reconnecting', '']]);
    };
    ws.onclose = function () { feedStatus('disconnected; retrying…', false); retry = setTimeout(connect, 2000); };
  }
  $('feed-connect').onclick = connect;
  $('feed-clear').onclick = function () { $('feed').textContent = ''; };

  // ---- stats
  function fmtBytes(n) { var u = ['B', 'KiB', 'MiB', 'GiB']; var i = 0; while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; } return (i ? n.toFixed(1) : n) + ' ' + u[i]; }
  function stat(value, name) { var d = document.createElement('div'); d.className = 'stat'; var b = document.createElement('b'); b.textContent = value; var s = document.createElement('span'); s.textContent = name; d.appendChild(b); d.appendChild(s); return d; }
  var statsTimer = null;
  function scheduleStats() { if (!statsTimer) statsTimer = setTimeout(function () { statsTimer = null; refreshStats(); }, 500); }
  async function refreshStats() {
    var res = await api('GET', '/v1/stats'); if (!res.ok) return;
    var s = await res.json(); var e = s.engine; var v = s.server;
    $('server-meta').textContent = 'kvs ' + v.version + ' · ' + v.engine + (v.dir ? ' · ' + v.dir : '') + ' · up ' + v.uptimeSeconds + ' s';
    var box = $('stats'); box.textContent = '';
    box.appendChild(stat(e.keys, 'keys'));
    box.appendChild(stat(fmtBytes(e.diskBytes), 'on disk'));
    box.appendChild(stat(v.changeSeq, 'changes'));
    box.appendChild(stat(v.connections.resp, 'RESP clients'));
    box.appendChild(stat(v.connections.http, 'HTTP clients'));
    box.appendChild(stat(v.connections.ws, 'watchers'));
    box.appendChild(stat(v.atomicBatch ? 'yes' : 'no', 'atomic batch'));
    $('stats-json').textContent = JSON.stringify(e, null, 2);
  }

  $('token-save').onclick = function () { token = $('token').value; sessionStorage.setItem('kvs-token', token); $('auth').style.display = 'none'; refreshStats(); connect(); };
  $('key').addEventListener('keydown', function (ev) { if (ev.key === 'Enter') $('get').onclick(); });
  $('prefix').addEventListener('keydown', function (ev) { if (ev.key === 'Enter') list(false); });
  $('feed-prefix').addEventListener('keydown', function (ev) { if (ev.key === 'Enter') connect(); });
  refreshStats(); setInterval(refreshStats, 5000);
  connect(); list(false);
})();
</script>
</body>
</html>
`;
