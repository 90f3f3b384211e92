/** A small HTTP client for API tests: JSON in, status + parsed body + content type out. */
export interface HttpResult<T = any> {
  status: number;
  body: T;
  contentType: string;
}

export function http(baseUrl: string) {
  async function request(method: string, path: string, opts: { auth?: string; json?: unknown; raw?: Buffer; headers?: Record<string, string> } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.auth) headers.authorization = `Bearer ${opts.auth}`;
    let body: string | Uint8Array | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = typeof opts.json === 'string' ? opts.json : JSON.stringify(opts.json);
    } else if (opts.raw) {
      headers['content-type'] = 'application/octet-stream';
      body = new Uint8Array(opts.raw);
    }
    const res = await fetch(new URL(path, baseUrl), { method, headers, body });
    const contentType = res.headers.get('content-type') ?? '';
    const textBody = await res.text();
    let parsed: unknown = textBody;
    if (contentType.includes('json') && textBody) parsed = JSON.parse(textBody);
    return { status: res.status, body: parsed, contentType };
  }
  return {
    get: (path: string, auth?: string) => request('GET', path, { auth }),
    post: (path: string, json?: unknown, auth?: string, headers?: Record<string, string>) => request('POST', path, { json: json ?? {}, auth, headers }),
    put: (path: string, raw: Buffer, auth?: string) => request('PUT', path, { raw, auth }),
    request,
  };
}
