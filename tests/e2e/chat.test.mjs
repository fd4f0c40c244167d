// Chat completions, plain and streamed, and the model list, through the official OpenAI SDK.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Stack, FAKE_PROVIDER_KEY, TOKEN_NAME, collect, textOf, words } from './harness.mjs';

const TEST = { timeout: 30_000 };

const MESSAGES = [
    { role: 'system', content: 'You answer in one short line.' },
    { role: 'user', content: 'hello there, gateway of mine' },
];
const ECHO = 'Echo: hello there, gateway of mine';
// The fake counts words: prompt over every message, completion over its reply.
const PROMPT_TOKENS = words(MESSAGES[0].content) + words(MESSAGES[1].content);
const COMPLETION_TOKENS = words(ECHO);

function rowFor(rows, requestId) {
    const row = rows.find((r) => r.request_id === requestId);
    assert.ok(row, `no ledger row has request_id ${requestId}; rows:\n${JSON.stringify(rows, null, 2)}`);
    return row;
}

describe('chat completions through the OpenAI SDK', () => {
    let stack;
    before(async () => {
        stack = await Stack.start();
    });
    after(async () => {
        await stack?.stop();
    });

    it('answers a plain completion with the provider key upstream and records it in the ledger', TEST, async () => {
        const client = stack.client();
        const before = (await stack.fake.chatRequests()).length;

        const completion = await client.chat.completions.create({ model: 'fake/gpt-test', messages: MESSAGES });

        assert.equal(completion.object, 'chat.completion');
        assert.equal(completion.choices.length, 1);
        assert.equal(completion.choices[0].message.role, 'assistant');
        assert.equal(completion.choices[0].message.content, ECHO);
        assert.equal(completion.choices[0].finish_reason, 'stop');
        assert.equal(completion.usage.prompt_tokens, PROMPT_TOKENS);
        assert.equal(completion.usage.completion_tokens, COMPLETION_TOKENS);
        assert.equal(completion.usage.total_tokens, PROMPT_TOKENS + COMPLETION_TOKENS);
        assert.match(completion._request_id ?? '', /^req_/, 'the gateway names the request in X-Request-Id');

        const sent = (await stack.fake.chatRequests()).slice(before);
        assert.equal(sent.length, 1, 'exactly one upstream call');
        const upstream = sent[0];
        assert.equal(upstream.path, '/v1/chat/completions');
        assert.equal(upstream.headers.authorization, `Bearer ${FAKE_PROVIDER_KEY}`);
        assert.ok(!JSON.stringify(upstream).includes(stack.token), 'the Patchbay token must not reach the provider');
        assert.equal(upstream.json.model, 'gpt-test', 'the provider prefix is stripped');
        assert.deepEqual(upstream.json.messages, MESSAGES, 'messages are forwarded unchanged');
        assert.ok(!upstream.json.stream, 'a plain call stays plain upstream');

        const rows = await stack.ledger();
        const row = rowFor(rows, completion._request_id);
        assert.equal(row.client, TOKEN_NAME);
        assert.equal(row.endpoint, '/v1/chat/completions');
        assert.equal(row.provider, 'fake');
        assert.equal(row.requested_model, 'fake/gpt-test');
        assert.equal(row.upstream_model, 'gpt-test');
        assert.equal(row.stream, false);
        assert.equal(row.status, 200);
        assert.equal(row.error, '');
        assert.equal(row.input_tokens, PROMPT_TOKENS);
        assert.equal(row.output_tokens, COMPLETION_TOKENS);
        assert.ok(row.latency_ms >= 0 && row.latency_ms < 15_000, `latency_ms ${row.latency_ms}`);
        assert.ok(row.ttfb_ms >= 0 && row.ttfb_ms <= row.latency_ms, `ttfb_ms ${row.ttfb_ms}`);
        assert.ok(Math.abs(row.started_at_ms - Date.now()) < 60_000, `started_at_ms ${row.started_at_ms}`);
    });

    it('routes a bare model name to the provider that lists it', TEST, async () => {
        const completion = await stack.client().chat.completions.create({
            model: 'gpt-test',
            messages: [{ role: 'user', content: 'bare name' }],
        });
        assert.equal(completion.choices[0].message.content, 'Echo: bare name');
        const last = (await stack.fake.chatRequests()).at(-1);
        assert.equal(last.json.model, 'gpt-test');

        const row = rowFor(await stack.ledger(), completion._request_id);
        assert.equal(row.provider, 'fake');
        assert.equal(row.requested_model, 'gpt-test');
        assert.equal(row.upstream_model, 'gpt-test');
        assert.equal(row.input_tokens, 2);
        assert.equal(row.output_tokens, 3);
    });

    it('streams deltas without showing the SDK the usage chunk it did not ask for', TEST, async () => {
        const client = stack.client();
        const before = (await stack.fake.chatRequests()).length;

        const { data: stream, request_id: requestId } = await client.chat.completions
            .create({ model: 'fake/gpt-test', messages: MESSAGES, stream: true })
            .withResponse();
        const chunks = await collect(stream);

        assert.equal(textOf(chunks), ECHO);
        const contentChunks = chunks.filter((c) => c.choices[0]?.delta?.content);
        assert.ok(contentChunks.length >= 2, `the answer arrives in pieces (got ${contentChunks.length})`);
        for (const chunk of chunks) {
            assert.equal(chunk.object, 'chat.completion.chunk');
            assert.ok(chunk.choices.length > 0, `a chunk without choices reached the SDK: ${JSON.stringify(chunk)}`);
            assert.ok(chunk.usage == null, `a chunk with usage reached the SDK: ${JSON.stringify(chunk)}`);
        }
        assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');

        const sent = (await stack.fake.chatRequests()).slice(before);
        assert.equal(sent.length, 1);
        assert.equal(sent[0].json.stream, true);
        assert.equal(sent[0].json.model, 'gpt-test');
        assert.deepEqual(sent[0].json.stream_options, { include_usage: true },
                         'the gateway asks the provider for usage on the client\'s behalf');
        assert.equal(sent[0].headers.authorization, `Bearer ${FAKE_PROVIDER_KEY}`);

        const row = rowFor(await stack.ledger(), requestId);
        assert.equal(row.stream, true);
        assert.equal(row.status, 200);
        assert.equal(row.client, TOKEN_NAME);
        assert.equal(row.requested_model, 'fake/gpt-test');
        assert.equal(row.upstream_model, 'gpt-test');
        assert.equal(row.input_tokens, PROMPT_TOKENS);
        assert.equal(row.output_tokens, COMPLETION_TOKENS);
        assert.ok(row.ttfb_ms >= 0 && row.ttfb_ms <= row.latency_ms, `ttfb_ms ${row.ttfb_ms}`);
    });

    it('passes the usage chunk through when the client asks for it', TEST, async () => {
        const client = stack.client();
        const before = (await stack.fake.chatRequests()).length;

        const { data: stream, request_id: requestId } = await client.chat.completions
            .create({ model: 'fake/gpt-test', messages: MESSAGES, stream: true, stream_options: { include_usage: true } })
            .withResponse();
        const chunks = await collect(stream);

        assert.equal(textOf(chunks), ECHO);
        const usageChunks = chunks.filter((c) => c.choices.length === 0);
        assert.equal(usageChunks.length, 1, 'exactly one usage chunk');
        assert.equal(chunks.at(-1), usageChunks[0], 'the usage chunk comes last');
        assert.equal(usageChunks[0].usage.prompt_tokens, PROMPT_TOKENS);
        assert.equal(usageChunks[0].usage.completion_tokens, COMPLETION_TOKENS);
        assert.equal(usageChunks[0].usage.total_tokens, PROMPT_TOKENS + COMPLETION_TOKENS);

        const sent = (await stack.fake.chatRequests()).slice(before);
        assert.equal(sent.length, 1);
        assert.deepEqual(sent[0].json.stream_options, { include_usage: true });

        const row = rowFor(await stack.ledger(), requestId);
        assert.equal(row.stream, true);
        assert.equal(row.status, 200);
        assert.equal(row.input_tokens, PROMPT_TOKENS);
        assert.equal(row.output_tokens, COMPLETION_TOKENS);
    });

    it('records the provider\'s own token counts, not its own guess', TEST, async () => {
        await stack.fake.script([{ text: 'Scripted answer.', prompt_tokens: 1234, completion_tokens: 567 },
                                 { chunks: ['Scripted', ' stream', ' answer.'], prompt_tokens: 89, completion_tokens: 12 }]);
        const client = stack.client();
        const plain = await client.chat.completions.create({ model: 'fake/gpt-test', messages: MESSAGES });
        assert.equal(plain.choices[0].message.content, 'Scripted answer.');
        assert.equal(plain.usage.prompt_tokens, 1234);

        const { data: stream, request_id: streamId } = await client.chat.completions
            .create({ model: 'fake/gpt-test', messages: MESSAGES, stream: true })
            .withResponse();
        const chunks = await collect(stream);
        assert.equal(textOf(chunks), 'Scripted stream answer.');
        assert.ok(chunks.every((c) => c.choices.length > 0));

        const rows = await stack.ledger();
        const plainRow = rowFor(rows, plain._request_id);
        assert.equal(plainRow.input_tokens, 1234);
        assert.equal(plainRow.output_tokens, 567);
        const streamRow = rowFor(rows, streamId);
        assert.equal(streamRow.input_tokens, 89);
        assert.equal(streamRow.output_tokens, 12);
    });

    it('answers /health without a token', TEST, async () => {
        const response = await fetch(new URL('/health', stack.baseURL), { signal: AbortSignal.timeout(10_000) });
        assert.equal(response.status, 200);
        const body = await response.json();
        assert.equal(body.status, 'ok');
        assert.equal(body.providers, 1);
    });

    it('lists the configured models as provider/model', TEST, async () => {
        const ids = [];
        for await (const model of stack.client().models.list())
            ids.push(model.id);
        assert.ok(ids.includes('fake/gpt-test'), `models: ${JSON.stringify(ids)}`);
        assert.deepEqual(ids, ['fake/gpt-test']);
        const page = await stack.client().models.list();
        assert.equal(page.data[0].object, 'model');
        assert.equal(page.data[0].owned_by, 'fake');
    });

    it('leaves the provider key and the access token in no file: config, database, logs, exports', TEST, async () => {
        await stack.client().chat.completions.create({ model: 'fake/gpt-test', messages: MESSAGES });
        await stack.ledger(); // stops patchbayd, so the database and the log are complete
        await stack.run(['--export', path.join(stack.dir, 'ledger.csv')]);
        await stack.run(['--export', path.join(stack.dir, 'ledger.json')]);
        const files = (await readdir(stack.dir, { recursive: true, withFileTypes: true }))
            .filter((entry) => entry.isFile())
            .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
        assert.ok(files.some((f) => f.endsWith('patchbay.db')) && files.some((f) => f.endsWith('.log')),
                  `expected the database and a log among ${files.join(', ')}`);
        for (const file of files) {
            const bytes = await readFile(file);
            assert.ok(!bytes.includes(FAKE_PROVIDER_KEY), `${file} holds the provider key`);
            assert.ok(!bytes.includes(stack.token), `${file} holds the access token (only its hash may be kept)`);
        }
    });
});
