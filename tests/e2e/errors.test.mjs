// Errors as the OpenAI SDK sees them: the right error class, status and message, whether
// Patchbay itself refuses the call or the provider fails, and the ledger rows they leave.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, OpenAI, FAKE_PROVIDER_KEY, TOKEN_NAME, closedPort, waitFor } from './harness.mjs';

const TEST = { timeout: 30_000 };
const MESSAGES = [{ role: 'user', content: 'please fail' }];

// Runs fn, which must reject with an instance of errorClass; returns the error.
async function expectError(errorClass, fn) {
    let caught;
    try {
        await fn();
    } catch (error) {
        caught = error;
    }
    assert.ok(caught, `expected ${errorClass.name}, but the call succeeded`);
    assert.ok(caught instanceof errorClass,
              `expected ${errorClass.name}, got ${caught?.constructor?.name}: ${caught?.message}`);
    return caught;
}

describe('errors through the OpenAI SDK', () => {
    let stack;
    before(async () => {
        const deadPort = await closedPort();
        stack = await Stack.start({
            providers: (fake) => [
                // Nobody listens there: the gateway must answer 502.
                { id: 'dead', name: 'Dead', base_url: `http://127.0.0.1:${deadPort}/v1`,
                  key: 'env:FAKE_PROVIDER_KEY', models: ['gpt-dead'] },
                // The same fake with short timeouts: a scripted header delay gives 504, a stall
                // mid-stream an error event.
                { id: 'slow', name: 'Slow', base_url: fake.baseURL, key: 'env:FAKE_PROVIDER_KEY',
                  models: ['gpt-slow'], timeouts: { first_byte_ms: 300, idle_ms: 300 } },
            ],
            // Each error here must reach the client as the provider sent it, so the gateway
            // does not retry; retries and fallbacks are tested in tst_gatewayserver.
            routing: { retry: { attempts_per_target: 1 } },
        });
    });
    after(async () => {
        await stack?.stop();
    });

    it('answers an unknown model with NotFoundError 404 and Patchbay\'s message', TEST, async () => {
        const before = (await stack.fake.chatRequests()).length;
        const client = stack.client();
        for (const model of ['no-such-model', 'nobody/gpt-test']) {
            const error = await expectError(OpenAI.NotFoundError, () =>
                client.chat.completions.create({ model, messages: MESSAGES }));
            assert.equal(error.status, 404);
            assert.equal(error.code, 'model_not_found');
            assert.equal(error.type, 'invalid_request_error');
            assert.equal(error.error.message,
                         `The model "${model}" is not configured in Patchbay. Name it as "<provider>/<model>", `
                         + 'or see GET /v1/models for what is available.');
        }
        // The same for a stream: the refusal comes before any event.
        const error = await expectError(OpenAI.NotFoundError, () =>
            client.chat.completions.create({ model: 'no-such-model', messages: MESSAGES, stream: true }));
        assert.equal(error.status, 404);
        assert.equal((await stack.fake.chatRequests()).length, before, 'nothing went upstream');

        const rows = await stack.ledger();
        const row = rows.find((r) => r.requested_model === 'nobody/gpt-test');
        assert.ok(row, `no ledger row for the unknown model:\n${JSON.stringify(rows, null, 2)}`);
        assert.equal(row.status, 404);
        assert.equal(row.client, TOKEN_NAME);
        assert.match(row.error, /is not configured in Patchbay/);
    });

    it('refuses a wrong token with AuthenticationError 401', TEST, async () => {
        const before = (await stack.fake.chatRequests()).length;
        for (const apiKey of ['pb-not-a-real-token', FAKE_PROVIDER_KEY]) {
            const client = stack.client({ apiKey });
            const error = await expectError(OpenAI.AuthenticationError, () =>
                client.chat.completions.create({ model: 'fake/gpt-test', messages: MESSAGES }));
            assert.equal(error.status, 401);
            assert.equal(error.code, 'invalid_api_key');
            assert.match(error.error.message, /The access token is not known to Patchbay/);
            assert.ok(!error.error.message.includes(apiKey), 'the presented key is not echoed');

            const listError = await expectError(OpenAI.AuthenticationError, () => client.models.list());
            assert.equal(listError.status, 401);
        }
        assert.equal((await stack.fake.chatRequests()).length, before, 'nothing went upstream');
    });

    it('passes a provider 500 through with the provider\'s message', TEST, async () => {
        const message = 'The fake provider broke on purpose (e2e).';
        await stack.fake.script({ status: 500, error_message: message });
        const before = (await stack.fake.chatRequests()).length;

        const error = await expectError(OpenAI.InternalServerError, () =>
            stack.client().chat.completions.create({ model: 'fake/gpt-test', messages: MESSAGES }));
        assert.equal(error.status, 500);
        assert.equal(error.error.message, message);
        assert.equal(error.message, `500 ${message}`);
        assert.equal((await stack.fake.chatRequests()).length, before + 1, 'one call, no gateway retry hidden from us');
        assert.match(error.requestID ?? '', /^req_/);

        const row = (await stack.ledger()).find((r) => r.request_id === error.requestID);
        assert.ok(row, 'the failed call has a ledger row');
        assert.equal(row.status, 500);
        assert.equal(row.error, message);
        assert.equal(row.provider, 'fake');
        assert.equal(row.upstream_model, 'gpt-test');
    });

    it('passes a provider 500 through on a stream request too', TEST, async () => {
        const message = 'Streams fail before the first event as plain JSON.';
        await stack.fake.script({ status: 500, error_message: message });
        const error = await expectError(OpenAI.InternalServerError, () =>
            stack.client().chat.completions.create({ model: 'fake/gpt-test', messages: MESSAGES, stream: true }));
        assert.equal(error.status, 500);
        assert.equal(error.error.message, message);
    });

    it('passes provider 4xx errors through with their class, status and words', TEST, async () => {
        await stack.fake.script([
            { status: 429, error_message: 'Slow down, e2e.', error_type: 'requests' },
            { status: 400, error_message: 'That parameter is wrong, e2e.' },
        ]);
        const client = stack.client();
        const limited = await expectError(OpenAI.RateLimitError, () =>
            client.chat.completions.create({ model: 'fake/gpt-test', messages: MESSAGES }));
        assert.equal(limited.status, 429);
        assert.equal(limited.error.message, 'Slow down, e2e.');
        assert.equal(limited.type, 'requests');

        const bad = await expectError(OpenAI.BadRequestError, () =>
            client.chat.completions.create({ model: 'fake/gpt-test', messages: MESSAGES }));
        assert.equal(bad.status, 400);
        assert.equal(bad.error.message, 'That parameter is wrong, e2e.');
    });

    it('never lets the provider key reach the client, even when the provider echoes it', TEST, async () => {
        await stack.fake.script({ status: 401, error_message: `Incorrect API key provided: ${FAKE_PROVIDER_KEY}.`,
                                  error_code: 'invalid_api_key' });
        const error = await expectError(OpenAI.AuthenticationError, () =>
            stack.client().chat.completions.create({ model: 'fake/gpt-test', messages: MESSAGES }));
        assert.equal(error.status, 401);
        assert.ok(!JSON.stringify(error.error).includes(FAKE_PROVIDER_KEY), JSON.stringify(error.error));
        assert.equal(error.error.message, 'Incorrect API key provided: ***.');

        const row = (await stack.ledger()).find((r) => r.request_id === error.requestID);
        assert.ok(row, 'the failed call has a ledger row');
        assert.equal(row.status, 401);
        assert.ok(!row.error.includes(FAKE_PROVIDER_KEY), `the ledger keeps the key: ${row.error}`);
    });

    it('wraps a provider error that is not OpenAI-shaped', TEST, async () => {
        await stack.fake.script({ status: 503, raw_body: 'upstream exploded' });
        const error = await expectError(OpenAI.APIError, () =>
            stack.client().chat.completions.create({ model: 'fake/gpt-test', messages: MESSAGES }));
        assert.equal(error.status, 503);
        assert.equal(error.code, 'provider_error');
        assert.equal(error.error.message, 'Provider "Fake" answered HTTP 503: upstream exploded');
    });

    it('lets the SDK\'s own retries ride through the gateway', TEST, async () => {
        await stack.fake.script([{ status: 500, error_message: 'first try fails' },
                                 { status: 503, error_message: 'second try fails' }]);
        const before = (await stack.fake.chatRequests()).length;
        const completion = await stack.client({ maxRetries: 2 }).chat.completions.create({
            model: 'fake/gpt-test',
            messages: [{ role: 'user', content: 'third time lucky' }],
        });
        assert.equal(completion.choices[0].message.content, 'Echo: third time lucky');
        assert.equal((await stack.fake.chatRequests()).length, before + 3);
    });

    it('answers 502 when the provider is unreachable', TEST, async () => {
        const error = await expectError(OpenAI.InternalServerError, () =>
            stack.client().chat.completions.create({ model: 'dead/gpt-dead', messages: MESSAGES }));
        assert.equal(error.status, 502);
        assert.equal(error.code, 'provider_unreachable');
        assert.match(error.error.message, /^Provider "Dead" is unreachable: /);

        const streamError = await expectError(OpenAI.InternalServerError, () =>
            stack.client().chat.completions.create({ model: 'gpt-dead', messages: MESSAGES, stream: true }));
        assert.equal(streamError.status, 502);

        const rows = await stack.ledger();
        const row = rows.find((r) => r.requested_model === 'dead/gpt-dead');
        assert.ok(row, `no ledger row for the dead provider:\n${JSON.stringify(rows, null, 2)}`);
        assert.equal(row.status, 502);
        assert.equal(row.provider, 'dead');
        assert.equal(row.upstream_model, 'gpt-dead');
        assert.match(row.error, /unreachable/);
        assert.equal(row.input_tokens, null);
        assert.equal(row.output_tokens, null);
    });

    it('answers 504 when the provider is slower than its first-byte timeout, and hangs up on it', TEST, async () => {
        const { closed_mid_response: closedBefore } = await stack.fake.stats();
        await stack.fake.script([{ header_delay_ms: 3000 }, { header_delay_ms: 3000 }]);
        const started = Date.now();
        const error = await expectError(OpenAI.InternalServerError, () =>
            stack.client().chat.completions.create({ model: 'slow/gpt-slow', messages: MESSAGES }));
        const elapsed = Date.now() - started;
        assert.equal(error.status, 504);
        assert.equal(error.code, 'provider_timeout');
        assert.match(error.error.message, /^Provider "Slow" timed out: /);
        assert.ok(elapsed >= 250 && elapsed < 2500, `the 300 ms first-byte timeout acted after ${elapsed} ms`);

        const streamError = await expectError(OpenAI.InternalServerError, () =>
            stack.client().chat.completions.create({ model: 'slow/gpt-slow', messages: MESSAGES, stream: true }));
        assert.equal(streamError.status, 504);

        // The fake notices a closed connection on its own schedule; give it a moment.
        await waitFor('the fake to see both upstream calls closed',
                      async () => (await stack.fake.stats()).closed_mid_response >= closedBefore + 2);

        const rows = await stack.ledger();
        const slowRows = rows.filter((r) => r.provider === 'slow');
        assert.equal(slowRows.length, 2, JSON.stringify(rows, null, 2));
        for (const row of slowRows) {
            assert.equal(row.status, 504);
            assert.equal(row.upstream_model, 'gpt-slow');
            assert.match(row.error, /timed out/);
        }
        assert.deepEqual(slowRows.map((r) => r.stream).sort(), [false, true]);
    });

    it('turns a provider that drops mid-stream into an error event the SDK raises', TEST, async () => {
        await stack.fake.script({ chunks: ['one', ' two', ' three', ' four'], drop_after_chunks: 2 });
        const { data: stream, request_id: requestId } = await stack.client().chat.completions
            .create({ model: 'fake/gpt-test', messages: MESSAGES, stream: true })
            .withResponse();
        let text = '';
        let caught;
        try {
            for await (const chunk of stream)
                text += chunk.choices[0]?.delta?.content ?? '';
        } catch (error) {
            caught = error;
        }
        assert.equal(text, 'one two', 'what came before the drop reached the client');
        assert.ok(caught instanceof OpenAI.APIError, `expected an APIError from the stream, got ${caught}`);
        assert.match(caught.error?.message ?? '', /^Provider "Fake" failed: /);

        const row = (await stack.ledger()).find((r) => r.request_id === requestId);
        assert.ok(row, 'the broken stream has a ledger row');
        assert.equal(row.stream, true);
        assert.equal(row.status, 502, 'the ledger counts a broken stream as the failure it was');
        assert.match(row.error, /^Provider "Fake" failed: /);
    });

    it('gives up on a stream that goes silent longer than idle_ms, and hangs up on it', TEST, async () => {
        const { closed_mid_response: closedBefore } = await stack.fake.stats();
        await stack.fake.script({ chunks: ['first', ' second', ' third'], stall_after_chunks: 1 });
        const started = Date.now();
        const stream = await stack.client().chat.completions.create({
            model: 'slow/gpt-slow', messages: MESSAGES, stream: true,
        });
        let text = '';
        let caught;
        try {
            for await (const chunk of stream)
                text += chunk.choices[0]?.delta?.content ?? '';
        } catch (error) {
            caught = error;
        }
        const elapsed = Date.now() - started;
        assert.equal(text, 'first');
        assert.ok(caught instanceof OpenAI.APIError, `expected an APIError from the stream, got ${caught}`);
        assert.equal(caught.error?.code, 'provider_timeout');
        assert.match(caught.error?.message ?? '', /^Provider "Slow" timed out: .*went silent/);
        assert.ok(elapsed < 2500, `the 300 ms idle timeout acted after ${elapsed} ms`);
        await waitFor('the fake to see the stalled stream closed',
                      async () => (await stack.fake.stats()).closed_mid_response > closedBefore);
    });

    it('answers malformed JSON with 400 in OpenAI\'s error shape', TEST, async () => {
        // The SDK only sends valid JSON, so this one goes around it.
        const response = await fetch(`${stack.baseURL}/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.token}` },
            body: '{"model": "fake/gpt-test", "messages": [',
            signal: AbortSignal.timeout(10_000),
        });
        assert.equal(response.status, 400);
        const body = await response.json();
        assert.equal(body.error.type, 'invalid_request_error');
        assert.equal(body.error.code, 'invalid_json');
        assert.match(body.error.message, /^The request body is not valid JSON/);
    });
});
