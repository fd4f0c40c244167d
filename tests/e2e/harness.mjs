// Starts fakeproviderd and patchbayd as child processes in a fresh temp dir, and gives the
// tests OpenAI and Anthropic SDK clients wired to the gateway plus handles on the fake and the
// ledger.
// Every wait is bounded, and every child is killed when the stack stops or this process
// exits, so a failing test never leaves a daemon behind or hangs CTest.

import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

export { OpenAI, Anthropic };

// The provider key patchbayd reads from its environment (config says "env:FAKE_PROVIDER_KEY").
// Long enough for the gateway's scrubbing, and unlike anything a Patchbay token looks like.
export const FAKE_PROVIDER_KEY = 'sk-fake-e2e-provider-key-0123456789abcdef';
export const TOKEN_NAME = 'e2e-sdk-client';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const COMMAND_TIMEOUT_MS = 10_000;
const CONTROL_TIMEOUT_MS = 5_000;

const live = new Set(); // children not yet known to have exited

// Last resort when the runner dies without running after() hooks: no orphaned daemons.
process.on('exit', () => {
    for (const child of live) {
        try {
            child.kill('SIGKILL');
        } catch {
            // already gone
        }
    }
});

function binary(envName) {
    const file = process.env[envName];
    if (!file)
        throw new Error(`${envName} is not set. CTest sets it; by hand, run e.g. `
                        + `${envName}=/path/to/build/... npm test`);
    if (!existsSync(file))
        throw new Error(`${envName}=${file} does not exist; build it first `
                        + '(cmake --build <dir> --target patchbayd fakeproviderd).');
    return file;
}

function tail(text, max = 4000) {
    return text.length > max ? '…' + text.slice(-max) : text;
}

// A child process whose output is kept for error messages.
class Child {
    constructor(name, file, args, env) {
        this.name = name;
        this.stdout = '';
        this.stderr = '';
        this.proc = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        live.add(this.proc);
        this.exited = new Promise((resolve) => {
            this.proc.on('exit', (code, signal) => {
                live.delete(this.proc);
                resolve({ code, signal });
            });
            this.proc.on('error', (error) => {
                live.delete(this.proc);
                this.stderr += `\n[spawn error] ${error.message}`;
                resolve({ code: null, signal: null, error });
            });
        });
        this.proc.stdout.setEncoding('utf8');
        this.proc.stderr.setEncoding('utf8');
        this.proc.stdout.on('data', (d) => { this.stdout += d; });
        this.proc.stderr.on('data', (d) => { this.stderr += d; });
    }

    describe() {
        return `${this.name} stdout:\n${tail(this.stdout)}\n${this.name} stderr:\n${tail(this.stderr)}`;
    }

    // Resolves with the match once a stdout line matches; rejects on exit or timeout.
    waitForLine(pattern, timeoutMs = START_TIMEOUT_MS) {
        return new Promise((resolve, reject) => {
            let settled = false;
            const settle = (fn, value) => {
                if (settled)
                    return;
                settled = true;
                clearTimeout(timer);
                this.proc.stdout.off('data', check);
                fn(value);
            };
            const check = () => {
                for (const line of this.stdout.split('\n')) {
                    const match = pattern.exec(line.trim());
                    if (match)
                        return settle(resolve, match);
                }
            };
            const timer = setTimeout(() => settle(reject, new Error(
                `${this.name} did not print ${pattern} within ${timeoutMs} ms.\n${this.describe()}`)), timeoutMs);
            this.exited.then(({ code, signal }) => {
                check(); // the line may have come with the last output
                settle(reject, new Error(`${this.name} exited (code ${code}, signal ${signal}) before printing `
                                         + `${pattern}.\n${this.describe()}`));
            });
            this.proc.stdout.on('data', check);
            check();
        });
    }

    // SIGTERM, then SIGKILL if it does not exit in time. Returns {code, signal, killed}.
    async stop(timeoutMs = STOP_TIMEOUT_MS) {
        if (this.proc.exitCode !== null || this.proc.signalCode !== null || !live.has(this.proc))
            return { ...(await this.exited), killed: false };
        this.proc.kill('SIGTERM');
        const timedOut = Symbol('timeout');
        const cancel = new AbortController();
        const result = await Promise.race([this.exited,
                                           sleep(timeoutMs, timedOut, { signal: cancel.signal }).catch(() => null)]);
        cancel.abort(); // the pending timer would otherwise keep the runner alive
        if (result !== timedOut)
            return { ...result, killed: false };
        this.proc.kill('SIGKILL');
        return { ...(await this.exited), killed: true };
    }
}

function run(file, args, env) {
    return new Promise((resolve, reject) => {
        execFile(file, args, { env, timeout: COMMAND_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 << 20 },
                 (error, stdout, stderr) => {
                     if (error)
                         reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${error.message}\n`
                                          + `stdout:\n${tail(stdout)}\nstderr:\n${tail(stderr)}`));
                     else
                         resolve(stdout);
                 });
    });
}

// A port nobody listens on: bound and released again. Good enough on a loopback test box.
export async function closedPort() {
    const server = net.createServer();
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address();
    await new Promise((resolve) => server.close(resolve));
    return port;
}

async function fetchWithTimeout(url, init = {}) {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS) });
    const text = await response.text();
    if (!response.ok)
        throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : null;
}

// Polls fn() until it returns something truthy; throws with `what` after timeoutMs.
export async function waitFor(what, fn, { timeoutMs = 3000, intervalMs = 50 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
        last = await fn();
        if (last)
            return last;
        if (Date.now() >= deadline)
            throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
        await sleep(intervalMs);
    }
}

// The fake provider's control endpoints.
class Fake {
    constructor(child, port) {
        this.child = child;
        this.port = port;
        this.origin = `http://127.0.0.1:${port}`;
        this.baseURL = `${this.origin}/v1`; // OpenAI and Anthropic dialects
        this.geminiBaseURL = `${this.origin}/v1beta`;
    }

    script(steps) {
        return fetchWithTimeout(`${this.origin}/_fake/script`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(Array.isArray(steps) ? steps : [steps]),
        });
    }

    // Each: {method, path, headers: {lower-case name: value}, body (string), json (parsed or null)}.
    async requests() {
        const list = await fetchWithTimeout(`${this.origin}/_fake/requests`);
        return list.map((r) => {
            let json = null;
            try {
                json = r.body ? JSON.parse(r.body) : null;
            } catch {
                // left null: the test asserting on it will say so
            }
            return { ...r, json };
        });
    }

    async chatRequests() {
        return (await this.requests()).filter((r) => r.method === 'POST' && r.path.startsWith('/v1/chat/completions'));
    }

    // Generation calls in any dialect: OpenAI chat completions, Anthropic messages (and
    // count_tokens), Gemini generateContent / streamGenerateContent / countTokens.
    async generationRequests() {
        return (await this.requests()).filter((r) => r.method === 'POST'
            && (r.path.startsWith('/v1/chat/completions') || r.path.startsWith('/v1/messages')
                || /^\/v1beta\/models\/[^/]+:/.test(r.path)));
    }

    stats() {
        return fetchWithTimeout(`${this.origin}/_fake/stats`);
    }

    reset() {
        return fetchWithTimeout(`${this.origin}/_fake/reset`, { method: 'POST' });
    }
}

export class Stack {
    // providers(fake) → extra provider objects for config.json after the "fake" one.
    // env: extra variables for both daemons (e.g. more env:VAR provider keys).
    // fakeModels: the models fakeproviderd lists in every dialect.
    // routing: the config's "routing" section (aliases, retries), if any.
    static async start({ providers = () => [], tokenName = TOKEN_NAME, env = {}, fakeModels = ['gpt-test'], routing } = {}) {
        const stack = new Stack();
        try {
            await stack.#start(providers, tokenName, env, fakeModels, routing);
        } catch (error) {
            await stack.stop();
            throw error;
        }
        return stack;
    }

    async #start(providers, tokenName, extraEnv, fakeModels, routing) {
        this.patchbayBin = binary('PATCHBAY_BIN');
        const fakeBin = binary('FAKEPROVIDER_BIN');
        this.dir = await mkdtemp(path.join(os.tmpdir(), 'patchbay-e2e-'));
        this.configDir = path.join(this.dir, 'config');
        this.dataDir = path.join(this.dir, 'data');
        await mkdir(this.configDir);
        await mkdir(this.dataDir);
        // Nothing may leak into the developer's real folders, nor a real key into the gateway.
        this.env = {
            PATH: process.env.PATH,
            HOME: this.dir,
            XDG_CONFIG_HOME: path.join(this.dir, 'xdg-config'),
            XDG_DATA_HOME: path.join(this.dir, 'xdg-data'),
            XDG_CACHE_HOME: path.join(this.dir, 'xdg-cache'),
            XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? this.dir,
            QT_QPA_PLATFORM: 'offscreen',
            LANG: 'C.UTF-8',
            FAKE_PROVIDER_KEY,
            ...extraEnv,
        };

        this.fakeChild = new Child('fakeproviderd', fakeBin,
                                   ['--port', '0', '--key', FAKE_PROVIDER_KEY, '--models', fakeModels.join(',')],
                                   this.env);
        const [, fakePort] = await this.fakeChild.waitForLine(/^fakeproviderd listening on (\d+)$/);
        this.fake = new Fake(this.fakeChild, Number(fakePort));

        this.config = {
            providers: [
                {
                    id: 'fake',
                    name: 'Fake',
                    base_url: this.fake.baseURL,
                    key: 'env:FAKE_PROVIDER_KEY',
                    models: ['gpt-test'],
                },
                ...(await providers(this.fake)),
            ],
            ...(routing ? { routing } : {}),
        };
        await writeFile(path.join(this.configDir, 'config.json'), JSON.stringify(this.config, null, 2));

        this.tokenName = tokenName;
        const out = await this.#patchbayd(['--create-token', tokenName]);
        const token = out.trim().split('\n').map((l) => l.trim()).find((l) => l.startsWith('pb-'));
        if (!token)
            throw new Error(`patchbayd --create-token printed no pb-… token:\n${out}`);
        this.token = token;

        await this.#startGateway();
    }

    #commonArgs() {
        return ['--config-dir', this.configDir, '--data-dir', this.dataDir];
    }

    #patchbayd(args) {
        return run(this.patchbayBin, [...this.#commonArgs(), ...args], this.env);
    }

    async #startGateway() {
        this.gatewayChild = new Child('patchbayd', this.patchbayBin, [...this.#commonArgs(), '--port', '0'], this.env);
        const [, url, port] = await this.gatewayChild.waitForLine(
            /^Patchbay gateway listening on (http:\/\/127\.0\.0\.1:(\d+)\/v1)$/);
        this.baseURL = url;
        this.port = Number(port);
        this.origin = `http://127.0.0.1:${port}`; // what the Anthropic SDK takes as its base URL
    }

    // An SDK client for the gateway. No retries by default so that each call is one request.
    client(options = {}) {
        return new OpenAI({ baseURL: this.baseURL, apiKey: this.token, maxRetries: 0, timeout: 15_000, ...options });
    }

    // An Anthropic SDK client for the gateway, with the Patchbay token as its API key. The SDK
    // appends /v1/messages itself. No retries by default, as for client().
    anthropic(options = {}) {
        return new Anthropic({ baseURL: this.origin, apiKey: this.token, maxRetries: 0, timeout: 15_000, ...options });
    }

    // Stops patchbayd with SIGTERM (which must flush the ledger and exit 0), reads the newest
    // `count` ledger rows with --recent-requests, and starts patchbayd again on a new port.
    async ledger(count = 20) {
        const child = this.gatewayChild;
        const result = await child.stop();
        if (result.killed || result.code !== 0)
            throw new Error(`patchbayd did not stop cleanly on SIGTERM (${JSON.stringify(result)}).\n${child.describe()}`);
        const out = await this.#patchbayd(['--recent-requests', String(count)]);
        let rows;
        try {
            rows = JSON.parse(out);
        } catch (error) {
            throw new Error(`--recent-requests printed something that is not JSON (${error.message}):\n${out}`);
        }
        await this.#startGateway();
        return rows;
    }

    // Runs a one-shot patchbayd command (e.g. --export) on this stack's folders; its stdout.
    run(args) {
        return this.#patchbayd(args);
    }

    // Diagnostics for assertion messages.
    describe() {
        return [this.gatewayChild?.describe(), this.fakeChild?.describe()].filter(Boolean).join('\n');
    }

    async stop() {
        const results = await Promise.allSettled([this.gatewayChild?.stop(), this.fakeChild?.stop()]);
        if (this.dir && !process.env.PATCHBAY_E2E_KEEP)
            await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
        else if (this.dir)
            console.log(`# kept ${this.dir}`);
        return results;
    }
}

// Collects every chunk of an SDK stream (with a bounded wait per chunk via the client timeout).
export async function collect(stream) {
    const chunks = [];
    for await (const chunk of stream)
        chunks.push(chunk);
    return chunks;
}

export function textOf(chunks) {
    return chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('');
}

export function words(text) {
    return text.split(/\s+/).filter(Boolean).length;
}

// A fetch for the SDKs' `fetch` option that remembers each call: the headers the SDK sent and
// the gateway's X-Request-Id, which SDK stream helpers do not hand back themselves.
export function recordingFetch() {
    const calls = [];
    const recorder = async (url, init = {}) => {
        const response = await fetch(url, init);
        calls.push({
            url: String(url),
            method: init.method ?? 'GET',
            headers: Object.fromEntries(new Headers(init.headers)),
            status: response.status,
            requestId: response.headers.get('x-request-id'),
        });
        return response;
    };
    return { fetch: recorder, calls };
}
