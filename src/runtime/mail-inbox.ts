import { importEsm } from './esm';

/**
 * A local SMTP server that catches every e-mail the service sends, with a web inbox to
 * read them (MailDev 3, in-process). `npm start` and the tests use it unless SMTP_HOST
 * points at a real server.
 *
 * MailDev 3's page derives its API prefix from `document.baseURI` (the `<base href>` its
 * server injects into the page it answers at `/`). The same file fetched as `/index.html`
 * comes without that tag, so the page then asks `/index.html/api/...` (404, "Failed to
 * load emails"). The inbox URL is therefore the bare `/`, which a browser (Accept:
 * text/html) gets with `<base href="/">`; the REST API is under `/api`.
 */
export interface MailInboxOptions {
  /** 0 = any free port (read the bound one from the result). */
  smtpPort: number;
  webPort: number;
  /** Persist received mail as .eml files here and reload them at start; default: in memory. */
  mailDirectory?: string;
  /** Interface to bind both servers to; default 127.0.0.1 (local only). */
  host?: string;
}

export interface RunningMailInbox {
  smtpHost: string;
  smtpPort: number;
  /** Opens the inbox in a browser: the bare `/` (see above), never `/index.html`. */
  webUrl: string;
  stop(): Promise<void>;
}

interface MailDevInstance {
  start(): Promise<{ smtp: { getAddress(): { port: number } }; api?: { getAddress(): { port: number } | null } }>;
  stop(): Promise<void>;
}
type MailDevClass = new (config: Record<string, unknown>) => MailDevInstance;

export async function startMailInbox(opts: MailInboxOptions): Promise<RunningMailInbox> {
  const host = opts.host ?? '127.0.0.1';
  const { MailDev } = await importEsm<{ MailDev: MailDevClass }>('maildev');
  const maildev = new MailDev({
    smtp: opts.smtpPort,
    ip: host,
    web: opts.webPort,
    webIp: host,
    silent: true,
    ...(opts.mailDirectory ? { mailDirectory: opts.mailDirectory } : {}),
  });
  // MailDev prints "MailDev API running at ..." even when silent; the caller prints the URL.
  const info = console.info;
  console.info = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && args[0].startsWith('MailDev API running'))) info(...args);
  };
  let servers: Awaited<ReturnType<MailDevInstance['start']>>;
  try {
    servers = await maildev.start();
  } finally {
    console.info = info;
  }
  const smtpPort = servers.smtp.getAddress().port;
  const webPort = servers.api?.getAddress()?.port ?? opts.webPort;
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  let stopped: Promise<void> | undefined;
  return {
    smtpHost: urlHost,
    smtpPort,
    webUrl: `http://${urlHost}:${webPort}/`,
    stop: () => (stopped ??= maildev.stop()),
  };
}

export interface CaughtMail {
  id: string;
  from: string[];
  to: string[];
  cc: string[];
  /**
   * N2: the Reply-To addresses (the desk of the notice's field). MailDev's listing leaves
   * the header out: `withReplyTo` reads it from each mail's source.
   */
  replyTo: string[];
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string | string[]>;
  /** The service's notice kind and outbox key (N), from its X-AIDC-Notice-* headers. */
  kind?: string;
  noticeKey?: string;
  time: string;
}

interface RawAddress { address: string; name?: string }
interface RawMail {
  id: string;
  time: string;
  subject?: string;
  from?: RawAddress[];
  to?: RawAddress[];
  cc?: RawAddress[];
  replyTo?: RawAddress[];
  text?: string;
  html?: string;
  headers?: Record<string, string | string[]>;
}

/** `http://host:port` of a MailDev web UI, from its inbox URL (or its root). */
function apiBase(webUrl: string): string {
  const url = new URL(webUrl);
  return `${url.protocol}//${url.host}`;
}

/**
 * Every e-mail the inbox holds, oldest first. Plain fetch, no MailDev import, so jest
 * test files (which cannot import ES modules) can use it.
 */
export async function listMail(webUrl: string): Promise<CaughtMail[]> {
  const res = await fetch(`${apiBase(webUrl)}/api/email`);
  if (!res.ok) throw new Error(`GET ${apiBase(webUrl)}/api/email: HTTP ${res.status}`);
  const raw = (await res.json()) as RawMail[];
  const addresses = (list?: RawAddress[]) => (list ?? []).map((a) => a.address.toLowerCase());
  return raw.map((m) => ({
    id: m.id,
    time: String(m.time),
    from: addresses(m.from),
    to: addresses(m.to),
    cc: addresses(m.cc),
    replyTo: m.replyTo?.length ? addresses(m.replyTo) : [],
    subject: m.subject ?? '',
    text: m.text ?? '',
    html: m.html ?? '',
    headers: m.headers,
    kind: header(m.headers, 'x-aidc-notice-kind'),
    noticeKey: header(m.headers, 'x-aidc-notice-key'),
  }));
}

const emailsIn = (v: string) => [...v.matchAll(/[^\s<>,"]+@[^\s<>,"]+/g)].map((x) => x[0]!.toLowerCase());

/** N2: the mails with their Reply-To read from each one's source (the header block of the raw message). */
export async function withReplyTo(webUrl: string, mails: CaughtMail[]): Promise<CaughtMail[]> {
  return Promise.all(
    mails.map(async (m) => {
      if (m.replyTo.length) return m;
      const res = await fetch(`${apiBase(webUrl)}/api/email/${encodeURIComponent(m.id)}/source`);
      if (!res.ok) return m;
      const head = (await res.text()).split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
      const line = head.split(/\r?\n/).find((l) => /^reply-to:/i.test(l));
      return { ...m, replyTo: line ? emailsIn(line.slice('reply-to:'.length)) : [] };
    }),
  );
}

function header(headers: RawMail['headers'], name: string): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(entry) ? entry[0] : entry;
}

/** Deletes every e-mail in the inbox. */
export async function clearMail(webUrl: string): Promise<void> {
  const res = await fetch(`${apiBase(webUrl)}/api/email/all`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`DELETE ${apiBase(webUrl)}/api/email/all: HTTP ${res.status}`);
}

/**
 * Polls until `predicate` matches at least `count` e-mails (delivery is asynchronous:
 * an activity sends, the SMTP server stores a moment later) and returns the matches.
 */
export async function waitForMail(
  webUrl: string,
  predicate: (mail: CaughtMail) => boolean = () => true,
  opts: { count?: number; timeoutMs?: number } = {},
): Promise<CaughtMail[]> {
  const count = opts.count ?? 1;
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const matches = (await listMail(webUrl)).filter(predicate);
    if (matches.length >= count) return matches;
    if (Date.now() > deadline) {
      throw new Error(`expected ${count} matching e-mail(s) in ${webUrl}, found ${matches.length}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
