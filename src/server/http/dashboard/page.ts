/**
 * The dashboard's script, compiled by the build (tsconfig.json here: DOM types, no Node) and
 * inlined into page.html as a module. It is one more client of the HTTP API and the WebSocket
 * feed (docs/http.md); with a token it sends `Authorization: Bearer`, and the token comes from
 * `?access_token=` or is typed in when the server answers 401. Single-threaded like any page:
 * handlers run one at a time, and an answer that arrives late may overwrite a newer one's result.
 */

/** A JSON item of `GET /v1/kv`. */
interface ListItem {
  key: string;
  keyEncoding: 'utf8' | 'base64';
  value?: string;
  valueEncoding?: 'utf8' | 'base64';
}

interface ListPage {
  items: ListItem[];
  next?: string;
}

/** The part of `GET /v1/stats` the page shows. */
interface Stats {
  engine: { keys: number; diskBytes: number } & Record<string, unknown>;
  server: {
    version: string;
    engine: string;
    dir?: string | null;
    uptimeSeconds: number;
    changeSeq: number;
    atomicBatch: boolean;
    connections: { resp: number; http: number; ws: number };
  };
}

/** Messages of `GET /v1/watch`. */
type FeedMessage =
  | { type: 'hello'; seq: number }
  | { type: 'change'; seq: number; op: 'set' | 'delete'; key: string; keyEncoding: 'utf8' | 'base64'; valueSize: number; time: number; via: string }
  | { type: 'lagged'; seq: number; message: string };

/** Rows kept in the live feed; older ones scroll away. */
const FEED_MAX = 500;
/** Shown characters of a value in the browse table. */
const VALUE_PREVIEW = 120;

/** The element with this id, of this type; throws if page.html and this script disagree. */
function element<T extends HTMLElement>(id: string, type: abstract new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`dashboard: no <${type.name}> #${id} in the page`);
  return found;
}

const ui = {
  meta: element('server-meta', HTMLElement),
  auth: element('auth', HTMLElement),
  token: element('token', HTMLInputElement),
  tokenSave: element('token-save', HTMLButtonElement),
  key: element('key', HTMLInputElement),
  value: element('value', HTMLTextAreaElement),
  get: element('get', HTMLButtonElement),
  set: element('set', HTMLButtonElement),
  delete: element('delete', HTMLButtonElement),
  result: element('result', HTMLElement),
  feedPrefix: element('feed-prefix', HTMLInputElement),
  feedConnect: element('feed-connect', HTMLButtonElement),
  feedClear: element('feed-clear', HTMLButtonElement),
  feedDot: element('feed-dot', HTMLElement),
  feedStatus: element('feed-status', HTMLElement),
  feed: element('feed', HTMLUListElement),
  prefix: element('prefix', HTMLInputElement),
  list: element('list', HTMLButtonElement),
  keys: element('keys', HTMLTableSectionElement),
  more: element('more', HTMLButtonElement),
  listStatus: element('list-status', HTMLElement),
  stats: element('stats', HTMLElement),
  statsJson: element('stats-json', HTMLElement),
};

let token = new URLSearchParams(location.search).get('access_token') ?? sessionStorage.getItem('kvs-token') ?? '';

// ---- the HTTP API

async function api(method: string, path: string, body?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token !== '') headers['Authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/octet-stream';
  const res = await fetch(path, body === undefined ? { method, headers } : { method, headers, body });
  if (res.status === 401) ui.auth.hidden = false;
  return res;
}

/** "404 KEY_NOT_FOUND: …" from an error answer, or the bare status when its body is not ours. */
async function errorText(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error: { code: string; message: string } };
    return `${res.status} ${body.error.code}: ${body.error.message}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

const keyPath = (key: string): string => `/v1/kv/${encodeURIComponent(key)}`;
const label = (text: string, encoding: string | undefined): string => (encoding === 'base64' ? `(base64) ${text}` : text);

/** The value as text iff it is valid UTF-8; otherwise base64 of its bytes. */
function describeBytes(buf: ArrayBuffer): { text: string; binary: boolean } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), binary: false };
  } catch {
    let latin1 = '';
    for (const byte of new Uint8Array(buf)) latin1 += String.fromCharCode(byte);
    return { text: btoa(latin1), binary: true };
  }
}

// ---- one key

function show(text: string, tone: 'ok' | 'bad' | 'dim'): void {
  ui.result.textContent = text;
  ui.result.className = `result mono ${tone}`;
}

/** The typed key, or null (saying so) when the box is empty. */
function typedKey(): string | null {
  const key = ui.key.value;
  if (key === '') show('type a key', 'bad');
  return key === '' ? null : key;
}

async function getKey(): Promise<void> {
  const key = typedKey();
  if (key === null) return;
  const res = await api('GET', keyPath(key));
  if (!res.ok) {
    // The value box must never show a value that does not belong to the key just looked up.
    ui.value.value = '';
    show(res.status === 404 ? `absent: ${key}` : await errorText(res), res.status === 404 ? 'dim' : 'bad');
    return;
  }
  const buf = await res.arrayBuffer();
  const value = describeBytes(buf);
  ui.value.value = value.binary ? '' : value.text;
  show(value.binary ? `${buf.byteLength} bytes, binary (base64): ${value.text}` : `${buf.byteLength} bytes: ${value.text}`, 'ok');
}

async function setKey(): Promise<void> {
  const key = typedKey();
  if (key === null) return;
  const res = await api('PUT', keyPath(key), ui.value.value);
  show(res.ok ? `set ${key}` : await errorText(res), res.ok ? 'ok' : 'bad');
  void refreshStats();
}

async function deleteKey(): Promise<void> {
  const key = typedKey();
  if (key === null) return;
  const res = await api('DELETE', keyPath(key));
  if (res.status === 204) show(`deleted ${key}`, 'ok');
  else show(res.status === 404 ? `absent: ${key}` : await errorText(res), 'dim');
  void refreshStats();
}

// ---- browse

let nextCursor: string | null = null;

async function list(append: boolean): Promise<void> {
  let query = `?values=1&limit=50&prefix=${encodeURIComponent(ui.prefix.value)}`;
  if (append && nextCursor !== null) query += `&cursor=${nextCursor}`;
  const res = await api('GET', `/v1/kv${query}`);
  if (!res.ok) {
    ui.listStatus.textContent = await errorText(res);
    return;
  }
  const page = (await res.json()) as ListPage;
  if (!append) ui.keys.textContent = '';
  for (const item of page.items) {
    const tr = document.createElement('tr');
    const k = document.createElement('td');
    k.className = 'k mono';
    k.textContent = label(item.key, item.keyEncoding);
    if (item.keyEncoding === 'utf8') {
      k.addEventListener('click', () => {
        ui.key.value = item.key;
        void getKey();
      });
    }
    const v = document.createElement('td');
    v.className = 'mono';
    const text = label(item.value ?? '', item.valueEncoding);
    v.textContent = text.length > VALUE_PREVIEW ? `${text.slice(0, VALUE_PREVIEW)}…` : text;
    tr.append(k, v);
    ui.keys.append(tr);
  }
  nextCursor = page.next ?? null;
  ui.more.hidden = nextCursor === null;
  ui.listStatus.textContent = `${ui.keys.children.length} key(s)${nextCursor === null ? '' : ', more available'}`;
}

// ---- live feed

let socket: WebSocket | null = null;
let retry: ReturnType<typeof setTimeout> | null = null;

function feedStatus(text: string, live: boolean): void {
  ui.feedStatus.textContent = text;
  ui.feedDot.className = live ? 'dot live' : 'dot';
}

/** One feed row of [text, class] spans, keeping at most FEED_MAX rows. */
function addFeed(rowClass: string, parts: readonly (readonly [string, string])[]): void {
  const li = document.createElement('li');
  if (rowClass !== '') li.className = rowClass;
  for (const [text, cls] of parts) {
    const span = document.createElement('span');
    span.textContent = text;
    if (cls !== '') span.className = cls;
    li.append(span);
  }
  ui.feed.append(li);
  while (ui.feed.children.length > FEED_MAX) ui.feed.firstElementChild?.remove();
  ui.feed.scrollTop = ui.feed.scrollHeight;
}

function onFeedMessage(m: FeedMessage, prefix: string): void {
  if (m.type === 'hello') {
    feedStatus(`live${prefix === '' ? '' : ` (prefix ${prefix})`}, from change ${m.seq + 1}`, true);
  } else if (m.type === 'change') {
    addFeed('', [
      [`#${m.seq}`, 'dim'],
      [new Date(m.time).toLocaleTimeString(), 'dim'],
      [m.op, `op-${m.op}`],
      [label(m.key, m.keyEncoding), 'key'],
      [m.op === 'set' ? `${m.valueSize} B` : '', 'dim'],
      [`via ${m.via}`, 'dim'],
    ]);
    scheduleStats();
  } else {
    addFeed('lagged', [[`fell behind at change ${m.seq}; reconnecting`, '']]);
  }
}

function connect(): void {
  if (retry !== null) clearTimeout(retry);
  retry = null;
  if (socket !== null) {
    socket.onclose = null;
    socket.close();
  }
  const prefix = ui.feedPrefix.value;
  let url = `${location.protocol === 'https:' ? 'wss://' : 'ws://'}${location.host}/v1/watch?prefix=${encodeURIComponent(prefix)}`;
  if (token !== '') url += `&access_token=${encodeURIComponent(token)}`;
  feedStatus('connecting…', false);
  const ws = new WebSocket(url);
  ws.onmessage = (event: MessageEvent<string>) => onFeedMessage(JSON.parse(event.data) as FeedMessage, prefix);
  ws.onclose = () => {
    feedStatus('disconnected; retrying…', false);
    retry = setTimeout(connect, 2000);
  };
  socket = ws;
}

// ---- stats

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function stat(value: string | number, name: string): HTMLElement {
  const box = document.createElement('div');
  box.className = 'stat';
  const b = document.createElement('b');
  b.textContent = String(value);
  const span = document.createElement('span');
  span.textContent = name;
  box.append(b, span);
  return box;
}

let statsTimer: ReturnType<typeof setTimeout> | null = null;

/** Refreshes the stats soon, once for a burst of changes. */
function scheduleStats(): void {
  if (statsTimer !== null) return;
  statsTimer = setTimeout(() => {
    statsTimer = null;
    void refreshStats();
  }, 500);
}

async function refreshStats(): Promise<void> {
  const res = await api('GET', '/v1/stats');
  if (!res.ok) return;
  const { engine, server } = (await res.json()) as Stats;
  ui.meta.textContent = `kvs ${server.version} · ${server.engine}${server.dir ? ` · ${server.dir}` : ''} · up ${server.uptimeSeconds} s`;
  ui.stats.replaceChildren(
    stat(engine.keys, 'keys'),
    stat(formatBytes(engine.diskBytes), 'on disk'),
    stat(server.changeSeq, 'changes'),
    stat(server.connections.resp, 'RESP clients'),
    stat(server.connections.http, 'HTTP clients'),
    stat(server.connections.ws, 'watchers'),
    stat(server.atomicBatch ? 'yes' : 'no', 'atomic batch'),
  );
  ui.statsJson.textContent = JSON.stringify(engine, null, 2);
}

// ---- wiring

const onEnter = (input: HTMLInputElement, action: () => void): void =>
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') action();
  });

ui.get.addEventListener('click', () => void getKey());
ui.set.addEventListener('click', () => void setKey());
ui.delete.addEventListener('click', () => void deleteKey());
ui.list.addEventListener('click', () => void list(false));
ui.more.addEventListener('click', () => void list(true));
ui.feedConnect.addEventListener('click', connect);
ui.feedClear.addEventListener('click', () => ui.feed.replaceChildren());
ui.tokenSave.addEventListener('click', () => {
  token = ui.token.value;
  sessionStorage.setItem('kvs-token', token);
  ui.auth.hidden = true;
  void refreshStats();
  connect();
});
onEnter(ui.key, () => void getKey());
onEnter(ui.prefix, () => void list(false));
onEnter(ui.feedPrefix, connect);

void refreshStats();
setInterval(() => void refreshStats(), 5000);
connect();
void list(false);
