// A client that hangs up: the gateway must abort the upstream call at once (the fake counts
// connections closed while it still owed an answer) and record the call as 499.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, OpenAI, TOKEN_NAME, waitFor } from './harness.mjs';

const TEST = { timeout: 30_000 };
const ABORT_NOTICE_MS = 3000;

// A stream that would take 60 × 200 ms = 12 s to finish.
const SLOW_STREAM = { chunks: Array.from({ length: 60 }, (_, i) => `w${i} `), chunk_interval_ms: 200 };

describe('client disconnects', () => {
    let stack;
    before(async () => {
        stack = await Stack.start();
    });
    after(async () => {
        await stack?.stop();
    });

    async function closedMidResponse() {
        return (await stack.fake.stats()).closed_mid_response;
    }

    it('aborts the upstream stream when the SDK aborts after the first chunk', TEST, async () => {
        await stack.fake.script(SLOW_STREAM);
        const closedBefore = await closedMidResponse();
        const controller = new AbortController();
        const started = Date.now();

        const { data: stream, request_id: requestId } = await stack.client().chat.completions
            .create({ model: 'fake/gpt-test', messages: [{ role: 'user', content: 'talk slowly' }], stream: true },
                    { signal: controller.signal })
            .withResponse();
        let content = '';
        let chunksAfterAbort = 0;
        try {
            for await (const chunk of stream) {
                if (controller.signal.aborted) {
                    ++chunksAfterAbort;
                    continue;
                }
                content += chunk.choices[0]?.delta?.content ?? '';
                if (content)
                    controller.abort();
            }
        } catch (error) {
            // Depending on timing the SDK ends the loop quietly or throws its abort error.
            assert.ok(error instanceof OpenAI.APIUserAbortError || error.name === 'AbortError',
                      `unexpected error after abort: ${error}`);
        }
        assert.equal(content, 'w0 ', 'aborted right after the first content chunk');
        assert.equal(chunksAfterAbort, 0);

        await waitFor('the fake to see its stream connection closed mid-response',
                      async () => (await closedMidResponse()) > closedBefore, { timeoutMs: ABORT_NOTICE_MS });
        assert.ok(Date.now() - started < 12_000 - 2000, 'the upstream stream was cut long before its end');
        assert.equal(await closedMidResponse(), closedBefore + 1);

        const rows = await stack.ledger();
        const row = rows.find((r) => r.request_id === requestId);
        assert.ok(row, `no ledger row with request_id ${requestId}:\n${JSON.stringify(rows, null, 2)}`);
        assert.equal(row.status, 499);
        assert.equal(row.stream, true);
        assert.equal(row.client, TOKEN_NAME);
        assert.equal(row.provider, 'fake');
        assert.match(row.error, /^client_cancelled/);
        assert.ok(row.latency_ms < 12_000 - 2000, `latency_ms ${row.latency_ms}`);
    });

    it('aborts the upstream call when the client gives up before the first byte', TEST, async () => {
        await stack.fake.script({ header_delay_ms: 10_000 });
        const closedBefore = await closedMidResponse();
        const requestsBefore = (await stack.fake.chatRequests()).length;
        const controller = new AbortController();
        const call = stack.client().chat.completions.create(
            { model: 'fake/gpt-test', messages: [{ role: 'user', content: 'think for a long time' }] },
            { signal: controller.signal });
        const settled = call.then(() => null, (error) => error);

        // Abort only once the request is upstream, so that there is something to cancel.
        await waitFor('the request to reach the fake',
                      async () => (await stack.fake.chatRequests()).length > requestsBefore);
        controller.abort();
        const error = await settled;
        assert.ok(error instanceof OpenAI.APIUserAbortError, `expected APIUserAbortError, got ${error}`);

        await waitFor('the fake to see the pending call closed', async () => (await closedMidResponse()) > closedBefore,
                      { timeoutMs: ABORT_NOTICE_MS });

        const row = (await stack.ledger()).find((r) => r.requested_model === 'fake/gpt-test' && r.stream === false);
        assert.ok(row, 'the cancelled call has a ledger row');
        assert.equal(row.status, 499);
        assert.match(row.error, /^client_cancelled/);
        assert.equal(row.ttfb_ms, null, 'no first byte ever came');
    });

    it('keeps serving after clients hung up', TEST, async () => {
        const completion = await stack.client().chat.completions.create({
            model: 'fake/gpt-test',
            messages: [{ role: 'user', content: 'still there?' }],
        });
        assert.equal(completion.choices[0].message.content, 'Echo: still there?');
        const stream = await stack.client().chat.completions.create({
            model: 'fake/gpt-test',
            messages: [{ role: 'user', content: 'and streaming?' }],
            stream: true,
        });
        let text = '';
        for await (const chunk of stream)
            text += chunk.choices[0]?.delta?.content ?? '';
        assert.equal(text, 'Echo: and streaming?');
    });
});
