// The 2 × 3 matrix: the official OpenAI and Anthropic SDKs as clients, against providers of all
// three upstream dialects (OpenAI, Anthropic, Gemini), all played by one fakeproviderd. For each
// pair: a plain and a streamed answer (text and the usage the SDK reports, in the client
// dialect's own terms), a tool-call round trip plain and streamed, what reached the provider
// (path, auth header with the provider key, the body in the provider's dialect) and the ledger.
// Then what only the Anthropic SDK does: count_tokens, its error shape, its x-api-key header.

import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, Anthropic, FAKE_PROVIDER_KEY, TOKEN_NAME, recordingFetch, words } from './harness.mjs';

const TEST = { timeout: 30_000 };

// One fake key for every dialect (fakeproviderd checks a single --key), reached through a
// variable per provider, as a user with three providers would have it.
const PROVIDERS = [
    { id: 'oai', name: 'OpenAI-dialect fake', dialect: 'openai', model: 'gpt-test', keyVar: 'MATRIX_OAI_KEY' },
    { id: 'ant', name: 'Anthropic-dialect fake', dialect: 'anthropic', model: 'claude-test', keyVar: 'MATRIX_ANT_KEY' },
    { id: 'gem', name: 'Gemini-dialect fake', dialect: 'gemini', model: 'gemini-test', keyVar: 'MATRIX_GEM_KEY' },
];
const CLIENTS = ['openai', 'anthropic'];

// What the gateway itself sends Anthropic when it translates (AnthropicDialect::kApiVersion).
const TRANSLATED_ANTHROPIC_VERSION = '2023-06-01';

const SYSTEM = 'You answer in one short line.';
const QUESTION = 'what is the weather like in Paris today';

// Scripted token counts, in the fake's neutral terms (OpenAI's: the prompt includes cached and
// cache-written tokens, the completion includes reasoning). Each dialect reports them its way.
const TOKENS = { prompt_tokens: 120, completion_tokens: 30, cached_tokens: 40, cache_creation_tokens: 20, reasoning_tokens: 6 };

const TOOL_NAME = 'get_weather';
const TOOL_DESCRIPTION = 'Current weather for a city.';
const TOOL_SCHEMA = {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city'],
};
const TOOL_ARGS = { city: 'Paris', unit: 'celsius' };
const TOOL_RESULT = '18 degrees, sunny';
const FINAL_TEXT = 'It is 18 °C and sunny in Paris.';

const OPENAI_TOOLS = [{ type: 'function', function: { name: TOOL_NAME, description: TOOL_DESCRIPTION, parameters: TOOL_SCHEMA } }];
const ANTHROPIC_TOOLS = [{ name: TOOL_NAME, description: TOOL_DESCRIPTION, input_schema: TOOL_SCHEMA }];

// ---- What the client should report, by the client dialect's conventions ----

// What the gateway knows after reading the provider's report (all prompt tokens, cache reads,
// cache writes, output, reasoning), given how each provider dialect reports TOKENS.
function providerUsage(dialect) {
    const { prompt_tokens: input, completion_tokens: output, cached_tokens: cacheRead } = TOKENS;
    switch (dialect) {
    case 'openai': // prompt_tokens, cached_tokens, reasoning_tokens; no cache writes
        return { input, output, cacheRead, cacheWrite: 0, reasoning: TOKENS.reasoning_tokens };
    case 'anthropic': // input_tokens + cache_read + cache_creation; reasoning hides in output_tokens
        return { input, output, cacheRead, cacheWrite: TOKENS.cache_creation_tokens, reasoning: 0 };
    case 'gemini': // promptTokenCount, candidates + thoughts, cachedContentTokenCount
        return { input, output, cacheRead, cacheWrite: 0, reasoning: TOKENS.reasoning_tokens };
    }
    throw new Error(dialect);
}

// OpenAI: prompt_tokens include cached ones.
function assertOpenAiUsage(usage, provider, what) {
    const u = providerUsage(provider.dialect);
    assert.ok(usage, `${what}: the SDK reports no usage`);
    assert.equal(usage.prompt_tokens, u.input, `${what}: prompt_tokens (cached included)`);
    assert.equal(usage.completion_tokens, u.output, `${what}: completion_tokens`);
    assert.equal(usage.total_tokens, u.input + u.output, `${what}: total_tokens`);
    assert.equal(usage.prompt_tokens_details?.cached_tokens, u.cacheRead, `${what}: prompt_tokens_details.cached_tokens`);
    assert.equal(usage.completion_tokens_details?.reasoning_tokens ?? 0, u.reasoning,
                 `${what}: completion_tokens_details.reasoning_tokens`);
}

// Anthropic: input_tokens leave cache reads and writes out.
function assertAnthropicUsage(usage, provider, what) {
    const u = providerUsage(provider.dialect);
    assert.ok(usage, `${what}: the SDK reports no usage`);
    assert.equal(usage.input_tokens, u.input - u.cacheRead - u.cacheWrite, `${what}: input_tokens (cache reads and writes left out)`);
    assert.equal(usage.cache_read_input_tokens ?? 0, u.cacheRead, `${what}: cache_read_input_tokens`);
    assert.equal(usage.cache_creation_input_tokens ?? 0, u.cacheWrite, `${what}: cache_creation_input_tokens`);
    assert.equal(usage.output_tokens, u.output, `${what}: output_tokens`);
}

// ---- What the provider should have received, in its own dialect ----

function providerPath(provider, stream) {
    switch (provider.dialect) {
    case 'openai': return '/v1/chat/completions';
    case 'anthropic': return '/v1/messages';
    case 'gemini': return `/v1beta/models/${provider.model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
    }
    throw new Error(provider.dialect);
}

// Path, auth and stream flag of one upstream call; never the Patchbay token, never a key in the URL.
function assertUpstreamCall(stack, provider, request, { stream, clientHeaders, passthrough }) {
    const what = `upstream call ${request.method} ${request.path}`;
    assert.equal(request.method, 'POST', what);
    assert.equal(request.path, providerPath(provider, stream), `${what}: path`);
    assert.ok(!/[?&]key=/.test(request.path), `${what}: a key in the URL`);
    const h = request.headers;
    switch (provider.dialect) {
    case 'openai':
        assert.equal(h.authorization, `Bearer ${FAKE_PROVIDER_KEY}`, `${what}: Authorization`);
        assert.equal(h['x-api-key'], undefined, `${what}: x-api-key`);
        assert.equal(h['x-goog-api-key'], undefined, `${what}: x-goog-api-key`);
        assert.equal(request.json.model, provider.model, `${what}: model`);
        assert.equal(Boolean(request.json.stream), stream, `${what}: stream`);
        if (stream)
            assert.deepEqual(request.json.stream_options, { include_usage: true },
                             `${what}: the gateway asks for usage in the stream`);
        break;
    case 'anthropic': {
        assert.equal(h['x-api-key'], FAKE_PROVIDER_KEY, `${what}: x-api-key`);
        assert.equal(h.authorization, undefined, `${what}: Authorization`);
        // A passthrough carries the client's own API version (its body is written for it).
        const version = passthrough ? clientHeaders['anthropic-version'] : TRANSLATED_ANTHROPIC_VERSION;
        assert.ok(version, `${what}: the client sent no anthropic-version`);
        assert.equal(h['anthropic-version'], version, `${what}: anthropic-version`);
        assert.equal(request.json.model, provider.model, `${what}: model`);
        assert.equal(Boolean(request.json.stream), stream, `${what}: stream`);
        assert.ok(Number.isInteger(request.json.max_tokens) && request.json.max_tokens > 0, `${what}: max_tokens`);
        break;
    }
    case 'gemini':
        assert.equal(h['x-goog-api-key'], FAKE_PROVIDER_KEY, `${what}: x-goog-api-key`);
        assert.equal(h.authorization, undefined, `${what}: Authorization`);
        assert.equal(h['x-api-key'], undefined, `${what}: x-api-key`);
        assert.equal(request.json.model, undefined, `${what}: Gemini takes the model in the path only`);
        break;
    }
    assert.ok(!JSON.stringify(request).includes(stack.token), `${what}: the Patchbay token reached the provider`);
}

function textOfBlocks(content) {
    if (typeof content === 'string')
        return content;
    return (content ?? []).filter((b) => b.type === 'text').map((b) => b.text).join('');
}

// The system prompt and the last user text, read the way the provider's dialect carries them.
function upstreamPrompt(provider, body) {
    switch (provider.dialect) {
    case 'openai': {
        const system = body.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => textOfBlocks(m.content));
        const user = body.messages.filter((m) => m.role === 'user').at(-1);
        return { system: system.join('\n'), user: textOfBlocks(user?.content) };
    }
    case 'anthropic': {
        assert.ok(body.messages.every((m) => m.role === 'user' || m.role === 'assistant'), 'Anthropic roles only');
        const user = body.messages.filter((m) => m.role === 'user').at(-1);
        return { system: textOfBlocks(body.system ?? ''), user: textOfBlocks(user?.content) };
    }
    case 'gemini': {
        const system = body.systemInstruction ?? body.system_instruction;
        const user = body.contents.filter((c) => (c.role ?? 'user') === 'user').at(-1);
        return {
            system: (system?.parts ?? []).map((p) => p.text ?? '').join(''),
            user: (user?.parts ?? []).map((p) => p.text ?? '').join(''),
        };
    }
    }
    throw new Error(provider.dialect);
}

// The tool definitions, as the provider's dialect declares them.
function assertUpstreamTools(provider, body) {
    switch (provider.dialect) {
    case 'openai':
        assert.deepEqual(body.tools, OPENAI_TOOLS, 'OpenAI function tools');
        break;
    case 'anthropic':
        assert.deepEqual(body.tools, ANTHROPIC_TOOLS, 'Anthropic tools with input_schema');
        break;
    case 'gemini': {
        assert.equal(body.tools?.length, 1, `Gemini tools: ${JSON.stringify(body.tools)}`);
        const declarations = body.tools[0].functionDeclarations ?? body.tools[0].function_declarations;
        assert.equal(declarations?.length, 1, `Gemini functionDeclarations: ${JSON.stringify(body.tools)}`);
        const [declaration] = declarations;
        assert.equal(declaration.name, TOOL_NAME);
        assert.equal(declaration.description, TOOL_DESCRIPTION);
        assert.deepEqual(declaration.parametersJsonSchema ?? declaration.parameters, TOOL_SCHEMA);
        break;
    }
    }
}

function toolResultText(content) {
    if (typeof content === 'string')
        return content;
    return textOfBlocks(content);
}

// The second call of a round trip: the assistant's tool call and the tool's result, in the
// provider's dialect. callId is the id the client saw (Gemini pairs by name instead).
function assertUpstreamToolRoundTrip(provider, body, callId) {
    const dump = JSON.stringify(body);
    switch (provider.dialect) {
    case 'openai': {
        const callAt = body.messages.findIndex((m) => m.role === 'assistant' && m.tool_calls?.length);
        assert.ok(callAt >= 0, `no assistant message with tool_calls upstream: ${dump}`);
        const [call] = body.messages[callAt].tool_calls;
        assert.equal(call.id, callId, 'tool_calls[0].id');
        assert.equal(call.type, 'function');
        assert.equal(call.function.name, TOOL_NAME);
        assert.deepEqual(JSON.parse(call.function.arguments), TOOL_ARGS);
        const result = body.messages.slice(callAt + 1).find((m) => m.role === 'tool');
        assert.ok(result, `no tool message after the call: ${dump}`);
        assert.equal(result.tool_call_id, callId, 'tool message tool_call_id');
        assert.equal(toolResultText(result.content), TOOL_RESULT, 'tool message content');
        break;
    }
    case 'anthropic': {
        const callAt = body.messages.findIndex((m) => m.role === 'assistant' && Array.isArray(m.content)
                                                     && m.content.some((b) => b.type === 'tool_use'));
        assert.ok(callAt >= 0, `no assistant tool_use block upstream: ${dump}`);
        const use = body.messages[callAt].content.find((b) => b.type === 'tool_use');
        assert.equal(use.id, callId, 'tool_use.id');
        assert.equal(use.name, TOOL_NAME);
        assert.deepEqual(use.input, TOOL_ARGS);
        const next = body.messages[callAt + 1];
        assert.equal(next?.role, 'user', `the tool result travels in the next user turn: ${dump}`);
        const result = Array.isArray(next.content) && next.content.find((b) => b.type === 'tool_result');
        assert.ok(result, `no tool_result block in the user turn after the call: ${dump}`);
        assert.equal(result.tool_use_id, callId, 'tool_result.tool_use_id');
        assert.equal(toolResultText(result.content), TOOL_RESULT, 'tool_result content');
        assert.notEqual(result.is_error, true);
        break;
    }
    case 'gemini': {
        const callAt = body.contents.findIndex((c) => c.role === 'model' && c.parts.some((p) => p.functionCall));
        assert.ok(callAt >= 0, `no model turn with a functionCall upstream: ${dump}`);
        const { functionCall } = body.contents[callAt].parts.find((p) => p.functionCall);
        assert.equal(functionCall.name, TOOL_NAME);
        assert.deepEqual(functionCall.args, TOOL_ARGS);
        const next = body.contents[callAt + 1];
        assert.equal(next?.role ?? 'user', 'user', `the function response travels in the next user turn: ${dump}`);
        const part = next?.parts.find((p) => p.functionResponse);
        assert.ok(part, `no functionResponse in the user turn after the call: ${dump}`);
        assert.equal(part.functionResponse.name, TOOL_NAME, 'functionResponse.name is the called function\'s name');
        assert.ok(JSON.stringify(part.functionResponse.response).includes(TOOL_RESULT),
                  `functionResponse.response carries the result: ${JSON.stringify(part.functionResponse)}`);
        break;
    }
    }
}

// ---- The matrix ----

describe('2 × 3 matrix: OpenAI and Anthropic SDKs against OpenAI, Anthropic and Gemini providers', () => {
    let stack;
    before(async () => {
        stack = await Stack.start({
            fakeModels: ['gpt-test', ...PROVIDERS.map((p) => p.model)],
            env: Object.fromEntries(PROVIDERS.map((p) => [p.keyVar, FAKE_PROVIDER_KEY])),
            providers: (fake) => PROVIDERS.map((p) => ({
                id: p.id,
                name: p.name,
                dialect: p.dialect,
                base_url: p.dialect === 'gemini' ? fake.geminiBaseURL : fake.baseURL,
                key: `env:${p.keyVar}`,
                models: [p.model],
            })),
        });
    });
    after(async () => {
        await stack?.stop();
    });
    beforeEach(async () => {
        // A test that failed half-way must not leave scripted steps for the next.
        await stack?.fake.reset();
    });

    async function upstreamCalls() {
        return stack.fake.generationRequests();
    }

    async function assertNoKeysInUrls() {
        assert.equal((await stack.fake.stats()).keys_in_url, 0, 'the gateway put a key in a URL');
    }

    for (const clientKind of CLIENTS) {
        for (const provider of PROVIDERS) {
            const model = `${provider.id}/${provider.model}`;
            const passthrough = clientKind === provider.dialect;
            const endpoint = clientKind === 'openai' ? '/v1/chat/completions' : '/v1/messages';

            describe(`${clientKind} SDK → ${provider.dialect} provider (${passthrough ? 'passthrough' : 'translated'})`, () => {
                const calls = []; // {requestId, stream} for the ledger check at the end

                function openai() {
                    const recorder = recordingFetch();
                    return { client: stack.client({ fetch: recorder.fetch }), recorder };
                }
                function anthropic() {
                    const recorder = recordingFetch();
                    return { client: stack.anthropic({ fetch: recorder.fetch }), recorder };
                }
                function remember(recorder, stream) {
                    const last = recorder.calls.at(-1);
                    assert.ok(last, 'the SDK made no call');
                    assert.match(last.requestId ?? '', /^req_/, 'the gateway names each call in X-Request-Id');
                    calls.push({ requestId: last.requestId, stream });
                    return last;
                }

                it('answers a plain call: text, usage, and the provider\'s own request', TEST, async () => {
                    await stack.fake.script({ ...TOKENS });
                    let sent;
                    let clientHeaders;
                    if (clientKind === 'openai') {
                        const { client, recorder } = openai();
                        sent = { model, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: QUESTION }] };
                        const completion = await client.chat.completions.create(sent);
                        clientHeaders = remember(recorder, false).headers;
                        assert.equal(completion.object, 'chat.completion');
                        assert.equal(completion.choices.length, 1);
                        assert.equal(completion.choices[0].message.role, 'assistant');
                        assert.equal(completion.choices[0].message.content, `Echo: ${QUESTION}`);
                        assert.equal(completion.choices[0].finish_reason, 'stop');
                        assert.equal(completion.model, provider.model);
                        assertOpenAiUsage(completion.usage, provider, 'chat.completion usage');
                    } else {
                        const { client, recorder } = anthropic();
                        sent = { model, max_tokens: 256, system: SYSTEM, messages: [{ role: 'user', content: QUESTION }] };
                        const message = await client.messages.create(sent);
                        clientHeaders = remember(recorder, false).headers;
                        assert.equal(message.type, 'message');
                        assert.equal(message.role, 'assistant');
                        assert.match(message.id, /^msg_/);
                        assert.deepEqual(message.content.map((b) => b.type), ['text']);
                        assert.equal(message.content[0].text, `Echo: ${QUESTION}`);
                        assert.equal(message.stop_reason, 'end_turn');
                        assert.equal(message.stop_sequence, null);
                        assert.equal(message.model, provider.model);
                        assertAnthropicUsage(message.usage, provider, 'message usage');
                    }

                    const upstream = await upstreamCalls();
                    assert.equal(upstream.length, 1, 'exactly one upstream call');
                    assertUpstreamCall(stack, provider, upstream[0], { stream: false, clientHeaders, passthrough });
                    assert.deepEqual(upstreamPrompt(provider, upstream[0].json), { system: SYSTEM, user: QUESTION },
                                     'system prompt and question in the provider\'s dialect');
                    if (passthrough)
                        assert.deepEqual(upstream[0].json, { ...sent, model: provider.model },
                                         'a passthrough forwards the body as it came, with the upstream model');
                    await assertNoKeysInUrls();
                });

                it('streams an answer: assembled text, usage, and the provider\'s own stream request', TEST, async () => {
                    const pieces = ['Streamed ', 'answer ', 'in ', 'pieces.'];
                    await stack.fake.script({ chunks: pieces, ...TOKENS });
                    let clientHeaders;
                    if (clientKind === 'openai') {
                        const { client, recorder } = openai();
                        const stream = await client.chat.completions.create({
                            model,
                            messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: QUESTION }],
                            stream: true,
                            stream_options: { include_usage: true },
                        });
                        const chunks = [];
                        for await (const chunk of stream)
                            chunks.push(chunk);
                        clientHeaders = remember(recorder, true).headers;
                        const deltas = chunks.map((c) => c.choices[0]?.delta?.content ?? '').filter(Boolean);
                        assert.equal(deltas.join(''), pieces.join(''));
                        assert.ok(deltas.length >= 2, `the answer arrives in pieces (got ${deltas.length})`);
                        for (const chunk of chunks)
                            assert.equal(chunk.object, 'chat.completion.chunk');
                        const finishes = chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean);
                        assert.deepEqual(finishes, ['stop']);
                        const usageChunks = chunks.filter((c) => c.usage);
                        assert.equal(usageChunks.length, 1, `one usage chunk: ${JSON.stringify(usageChunks)}`);
                        assert.equal(chunks.at(-1), usageChunks[0], 'the usage chunk comes last');
                        assert.deepEqual(usageChunks[0].choices, []);
                        assertOpenAiUsage(usageChunks[0].usage, provider, 'stream usage chunk');
                    } else {
                        const { client, recorder } = anthropic();
                        const stream = client.messages.stream({
                            model, max_tokens: 256, system: SYSTEM, messages: [{ role: 'user', content: QUESTION }],
                        });
                        const events = [];
                        for await (const event of stream)
                            events.push(event);
                        const message = await stream.finalMessage();
                        clientHeaders = remember(recorder, true).headers;
                        assert.equal(events[0]?.type, 'message_start', 'message_start comes first');
                        assert.equal(events.at(-1)?.type, 'message_stop', 'message_stop comes last');
                        const deltas = events.filter((e) => e.type === 'content_block_delta' && e.delta.type === 'text_delta');
                        assert.ok(deltas.length >= 2, `the answer arrives in pieces (got ${deltas.length})`);
                        assert.equal(deltas.map((e) => e.delta.text).join(''), pieces.join(''));
                        assert.deepEqual(message.content.map((b) => b.type), ['text']);
                        assert.equal(message.content[0].text, pieces.join(''));
                        assert.equal(message.stop_reason, 'end_turn');
                        assert.match(message.id, /^msg_/);
                        assertAnthropicUsage(message.usage, provider, 'final message usage');
                    }

                    const upstream = await upstreamCalls();
                    assert.equal(upstream.length, 1, 'exactly one upstream call');
                    assertUpstreamCall(stack, provider, upstream[0], { stream: true, clientHeaders, passthrough });
                    assert.deepEqual(upstreamPrompt(provider, upstream[0].json), { system: SYSTEM, user: QUESTION });
                    await assertNoKeysInUrls();
                });

                for (const stream of [false, true]) {
                    it(`carries a tool call and its result both ways (${stream ? 'streamed' : 'plain'})`, TEST, async () => {
                        await stack.fake.script([
                            { tool_calls: [{ name: TOOL_NAME, arguments: TOOL_ARGS }], ...TOKENS },
                            { text: FINAL_TEXT, chunks: ['It is 18 °C ', 'and sunny ', 'in Paris.'], ...TOKENS },
                        ]);
                        let callId;
                        const clientHeaders = [];
                        if (clientKind === 'openai') {
                            const { client, recorder } = openai();
                            const messages = [{ role: 'system', content: SYSTEM }, { role: 'user', content: QUESTION }];
                            const request = { model, messages, tools: OPENAI_TOOLS };
                            let assistant;
                            if (!stream) {
                                const completion = await client.chat.completions.create(request);
                                clientHeaders.push(remember(recorder, false).headers);
                                assert.equal(completion.choices[0].finish_reason, 'tool_calls');
                                assistant = completion.choices[0].message;
                                assertOpenAiUsage(completion.usage, provider, 'tool call usage');
                            } else {
                                // The SDK's own stream helper assembles the call from its deltas.
                                const runner = client.chat.completions.stream(request);
                                const chunks = [];
                                for await (const chunk of runner)
                                    chunks.push(chunk);
                                const completion = await runner.finalChatCompletion();
                                clientHeaders.push(remember(recorder, true).headers);
                                const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
                                assert.ok(toolDeltas.length >= 1, 'tool call deltas reach the SDK');
                                assert.equal(toolDeltas[0].index, 0);
                                assert.equal(toolDeltas[0].type, 'function', 'the first tool delta says its type');
                                assert.equal(toolDeltas[0].function.name, TOOL_NAME, 'the first tool delta names the function');
                                assert.ok(toolDeltas[0].id, 'the first tool delta carries the call id');
                                assert.ok(toolDeltas.slice(1).every((d) => !d.id && !d.function?.name),
                                          `only the first delta names the call: ${JSON.stringify(toolDeltas)}`);
                                assert.deepEqual(JSON.parse(toolDeltas.map((d) => d.function?.arguments ?? '').join('')), TOOL_ARGS,
                                                 'the argument fragments join into the arguments');
                                assert.deepEqual(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean), ['tool_calls']);
                                assert.equal(completion.choices[0].finish_reason, 'tool_calls');
                                assistant = completion.choices[0].message;
                            }
                            assert.equal(assistant.role, 'assistant');
                            assert.ok(!assistant.content, `no text beside the call: ${JSON.stringify(assistant.content)}`);
                            assert.equal(assistant.tool_calls?.length, 1, JSON.stringify(assistant));
                            const [call] = assistant.tool_calls;
                            assert.equal(call.type, 'function');
                            assert.equal(call.function.name, TOOL_NAME);
                            assert.deepEqual(JSON.parse(call.function.arguments), TOOL_ARGS);
                            assert.match(call.id, /^[A-Za-z0-9_-]+$/, `a usable call id: ${call.id}`);
                            callId = call.id;

                            // The result goes back in OpenAI's own form: the assistant message as the
                            // SDK gave it, then a tool message.
                            messages.push(assistant, { role: 'tool', tool_call_id: call.id, content: TOOL_RESULT });
                            let text;
                            if (!stream) {
                                const completion = await client.chat.completions.create(request);
                                clientHeaders.push(remember(recorder, false).headers);
                                assert.equal(completion.choices[0].finish_reason, 'stop');
                                text = completion.choices[0].message.content;
                            } else {
                                const runner = client.chat.completions.stream(request);
                                const completion = await runner.finalChatCompletion();
                                clientHeaders.push(remember(recorder, true).headers);
                                assert.equal(completion.choices[0].finish_reason, 'stop');
                                text = completion.choices[0].message.content;
                            }
                            assert.equal(text, FINAL_TEXT);
                        } else {
                            const { client, recorder } = anthropic();
                            const messages = [{ role: 'user', content: QUESTION }];
                            const request = { model, max_tokens: 256, system: SYSTEM, messages, tools: ANTHROPIC_TOOLS };
                            let message;
                            if (!stream) {
                                message = await client.messages.create(request);
                                clientHeaders.push(remember(recorder, false).headers);
                            } else {
                                // MessageStream parses the streamed partial JSON into the block's input.
                                const messageStream = client.messages.stream(request);
                                const events = [];
                                for await (const event of messageStream)
                                    events.push(event);
                                message = await messageStream.finalMessage();
                                clientHeaders.push(remember(recorder, true).headers);
                                const starts = events.filter((e) => e.type === 'content_block_start' && e.content_block.type === 'tool_use');
                                assert.equal(starts.length, 1, 'one tool_use block starts');
                                assert.equal(starts[0].content_block.name, TOOL_NAME);
                                assert.deepEqual(starts[0].content_block.input, {});
                                const jsonDeltas = events.filter((e) => e.type === 'content_block_delta' && e.delta.type === 'input_json_delta');
                                assert.ok(jsonDeltas.length >= 1, 'input_json_delta events reach the SDK');
                                assert.ok(jsonDeltas.every((e) => e.index === starts[0].index), 'the deltas go to the tool_use block');
                                assert.deepEqual(JSON.parse(jsonDeltas.map((e) => e.delta.partial_json).join('')), TOOL_ARGS,
                                                 'the partial_json pieces join into the input');
                            }
                            assert.equal(message.stop_reason, 'tool_use');
                            assertAnthropicUsage(message.usage, provider, 'tool call usage');
                            const uses = message.content.filter((b) => b.type === 'tool_use');
                            assert.equal(uses.length, 1, JSON.stringify(message.content));
                            assert.equal(message.content.filter((b) => b.type === 'text' && b.text).length, 0,
                                         `no text beside the call: ${JSON.stringify(message.content)}`);
                            const [use] = uses;
                            assert.equal(use.name, TOOL_NAME);
                            assert.deepEqual(use.input, TOOL_ARGS);
                            assert.match(use.id, /^[A-Za-z0-9_-]+$/, `Anthropic ids are [A-Za-z0-9_-]: ${use.id}`);
                            callId = use.id;

                            // The result goes back in Anthropic's own form: the assistant content as the
                            // SDK gave it, then a user turn with a tool_result block.
                            messages.push({ role: 'assistant', content: message.content },
                                          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: TOOL_RESULT }] });
                            let final;
                            if (!stream) {
                                final = await client.messages.create(request);
                                clientHeaders.push(remember(recorder, false).headers);
                            } else {
                                final = await client.messages.stream(request).finalMessage();
                                clientHeaders.push(remember(recorder, true).headers);
                            }
                            assert.equal(final.stop_reason, 'end_turn');
                            assert.equal(textOfBlocks(final.content), FINAL_TEXT);
                        }

                        const upstream = await upstreamCalls();
                        assert.equal(upstream.length, 2, 'two upstream calls: the call, then the result');
                        upstream.forEach((request, i) =>
                            assertUpstreamCall(stack, provider, request, { stream, clientHeaders: clientHeaders[i], passthrough }));
                        assertUpstreamTools(provider, upstream[0].json);
                        assertUpstreamTools(provider, upstream[1].json);
                        assert.deepEqual(upstreamPrompt(provider, upstream[0].json), { system: SYSTEM, user: QUESTION });
                        assertUpstreamToolRoundTrip(provider, upstream[1].json, callId);
                        await assertNoKeysInUrls();
                    });
                }

                it('leaves one ledger row per call with the provider, upstream model and tokens', TEST, async () => {
                    assert.ok(calls.length > 0, 'the tests above made calls');
                    const rows = await stack.ledger(100);
                    for (const { requestId, stream } of calls) {
                        const row = rows.find((r) => r.request_id === requestId);
                        assert.ok(row, `no ledger row has request_id ${requestId}; rows:\n${JSON.stringify(rows, null, 2)}`);
                        const what = `ledger row ${requestId}`;
                        assert.equal(row.client, TOKEN_NAME, what);
                        assert.equal(row.endpoint, endpoint, what);
                        assert.equal(row.provider, provider.id, what);
                        assert.equal(row.requested_model, model, what);
                        assert.equal(row.upstream_model, provider.model, what);
                        assert.equal(row.stream, stream, what);
                        assert.equal(row.status, 200, what);
                        assert.equal(row.error, '', what);
                        // The ledger counts all prompt tokens, cached ones included, as OpenAI does.
                        assert.equal(row.input_tokens, TOKENS.prompt_tokens, `${what}: input_tokens`);
                        assert.equal(row.output_tokens, TOKENS.completion_tokens, `${what}: output_tokens`);
                    }
                });
            });
        }
    }

    // ---- What only the Anthropic SDK does ----

    describe('Anthropic SDK specifics', () => {
        const ant = PROVIDERS.find((p) => p.dialect === 'anthropic');
        const COUNT_MESSAGES = [{ role: 'user', content: 'count these five words please' }];

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

        it('counts tokens through messages.countTokens against an Anthropic provider', TEST, async () => {
            const recorder = recordingFetch();
            const client = stack.anthropic({ fetch: recorder.fetch });
            const counted = await client.messages.countTokens({
                model: `ant/${ant.model}`, system: SYSTEM, messages: COUNT_MESSAGES,
            });
            // The fake counts the words of the system prompt and every message.
            assert.deepEqual(counted, { input_tokens: words(SYSTEM) + words(COUNT_MESSAGES[0].content) });

            const upstream = (await stack.fake.requests()).filter((r) => r.path.startsWith('/v1/messages/count_tokens'));
            assert.equal(upstream.length, 1, 'one count_tokens call upstream');
            assert.equal(upstream[0].headers['x-api-key'], FAKE_PROVIDER_KEY);
            assert.equal(upstream[0].headers['anthropic-version'], recorder.calls[0].headers['anthropic-version']);
            assert.equal(upstream[0].headers.authorization, undefined);
            assert.ok(!JSON.stringify(upstream[0]).includes(stack.token), 'the Patchbay token reached the provider');
            assert.deepEqual(upstream[0].json, { model: ant.model, system: SYSTEM, messages: COUNT_MESSAGES });
            assert.equal((await stack.fake.stats()).pending_steps, 0);
        });

        for (const other of PROVIDERS.filter((p) => p.dialect !== 'anthropic')) {
            it(`answers countTokens for a ${other.dialect} provider with 501 in Anthropic's error shape`, TEST, async () => {
                const model = `${other.id}/${other.model}`;
                const error = await expectError(Anthropic.APIError, () =>
                    stack.anthropic().messages.countTokens({ model, messages: COUNT_MESSAGES }));
                assert.equal(error.status, 501, `status (${error.message})`);
                assert.ok(error instanceof Anthropic.NotImplementedError, `${error.constructor.name}`);
                assert.equal(error.error?.type, 'error', `Anthropic's error shape: ${JSON.stringify(error.error)}`);
                assert.equal(typeof error.error?.error?.type, 'string', JSON.stringify(error.error));
                assert.match(error.error?.error?.message ?? '', new RegExp(`${other.dialect}`),
                             'the message names the provider\'s dialect');
                assert.match(error.error.error.message, /\/v1\/messages\/count_tokens/, 'the message names the endpoint');
                assert.equal((await stack.fake.generationRequests()).length, 0, 'nothing went upstream');
            });
        }

        it('answers an unknown model with NotFoundError in Anthropic\'s shape and Patchbay\'s message', TEST, async () => {
            const client = stack.anthropic();
            for (const model of ['no-such-model', 'nobody/claude-test']) {
                const error = await expectError(Anthropic.NotFoundError, () =>
                    client.messages.create({ model, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }));
                assert.equal(error.status, 404);
                assert.deepEqual(error.error, {
                    type: 'error',
                    error: {
                        type: 'not_found_error',
                        message: `The model "${model}" is not configured in Patchbay. Name it as "<provider>/<model>", `
                                 + 'or see GET /v1/models for what is available.',
                    },
                });
                assert.equal(error.type, 'not_found_error');
            }
            // A stream is refused the same way, before any event.
            const error = await expectError(Anthropic.NotFoundError, () =>
                client.messages.stream({ model: 'no-such-model', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] })
                    .finalMessage());
            assert.equal(error.status, 404);
            assert.equal(error.error?.error?.type, 'not_found_error');
            assert.equal((await stack.fake.generationRequests()).length, 0, 'nothing went upstream');
        });

        it('accepts the access token as x-api-key (how SDKs before 1.0 send it) and as a bearer token', TEST, async () => {
            // @anthropic-ai/sdk 0.x sends x-api-key with anthropic-version 2023-06-01; 1.x sends
            // Authorization: Bearer with a newer version. Patchbay takes either.
            const recorder = recordingFetch();
            const legacy = stack.anthropic({
                fetch: recorder.fetch,
                defaultHeaders: { 'x-api-key': stack.token, authorization: null, 'anthropic-version': '2023-06-01' },
            });
            const viaHeader = await legacy.messages.create({
                model: `ant/${ant.model}`, max_tokens: 64, messages: [{ role: 'user', content: 'key in x-api-key' }],
            });
            assert.equal(recorder.calls[0].headers['x-api-key'], stack.token);
            assert.equal(recorder.calls[0].headers.authorization, undefined);
            assert.equal(viaHeader.content[0].text, 'Echo: key in x-api-key');

            const modern = recordingFetch();
            const viaBearer = await stack.anthropic({ fetch: modern.fetch }).messages.create({
                model: `ant/${ant.model}`, max_tokens: 64, messages: [{ role: 'user', content: 'key as bearer' }],
            });
            assert.equal(modern.calls[0].headers.authorization, `Bearer ${stack.token}`);
            assert.equal(viaBearer.content[0].text, 'Echo: key as bearer');

            const upstream = await stack.fake.generationRequests();
            assert.equal(upstream.length, 2);
            assert.equal(upstream[0].headers['anthropic-version'], '2023-06-01', 'the client\'s API version is passed on');
            assert.equal(upstream[1].headers['anthropic-version'], modern.calls[0].headers['anthropic-version']);
            for (const request of upstream) {
                assert.equal(request.headers['x-api-key'], FAKE_PROVIDER_KEY);
                assert.equal(request.headers.authorization, undefined);
                assert.ok(!JSON.stringify(request).includes(stack.token), 'the Patchbay token reached the provider');
            }
        });

        it('names each call in the request-id header the Anthropic SDK reads', TEST, async () => {
            // Anthropic answers with `request-id`, which the SDK exposes as _request_id and
            // error.requestID; Patchbay sends it beside X-Request-Id.
            for (const provider of PROVIDERS) {
                const message = await stack.anthropic().messages.create({
                    model: `${provider.id}/${provider.model}`, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }],
                });
                assert.match(message._request_id ?? '', /^req_/, `message._request_id via ${provider.dialect}`);
            }
            // Twice: the gateway retries a 429 once before giving the client its answer.
            await stack.fake.script({ status: 429, error_message: 'Slow down, e2e.' });
            await stack.fake.script({ status: 429, error_message: 'Slow down, e2e.' });
            const error = await expectError(Anthropic.RateLimitError, () => stack.anthropic().messages.create({
                model: `oai/${PROVIDERS[0].model}`, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }],
            }));
            assert.match(error.requestID ?? '', /^req_/, 'error.requestID');
        });

        it('refuses an unknown key in either header with AuthenticationError in Anthropic\'s shape', TEST, async () => {
            const clients = [
                stack.anthropic({ apiKey: 'pb-not-a-real-token' }),
                stack.anthropic({ defaultHeaders: { 'x-api-key': FAKE_PROVIDER_KEY, authorization: null } }),
            ];
            for (const client of clients) {
                const error = await expectError(Anthropic.AuthenticationError, () =>
                    client.messages.create({ model: `ant/${ant.model}`, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }));
                assert.equal(error.status, 401);
                assert.equal(error.error?.type, 'error', JSON.stringify(error.error));
                assert.equal(error.error?.error?.type, 'authentication_error');
                assert.match(error.error.error.message, /The access token is not known to Patchbay/);
                assert.ok(!error.error.error.message.includes(FAKE_PROVIDER_KEY), 'the presented key is not echoed');
            }
            assert.equal((await stack.fake.generationRequests()).length, 0, 'nothing went upstream');
        });
    });
});
