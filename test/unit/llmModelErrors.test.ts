import * as assert from 'node:assert/strict';
import { APIError } from 'openai';
import { describeModelError, redactSecrets, rememberSecretForRedaction } from '../../src/core/llm/modelErrors';
import { ModelOutputError } from '../../src/core/llm/structuredOutput';

describe('model error descriptions', () => {
  it('calls any abort "Cancelled"', () => {
    const controller = new AbortController();
    controller.abort();
    assert.equal(describeModelError(controller.signal.reason), 'Cancelled');
  });

  it('passes a model output error through as its own clear line', () => {
    const message = "The planner's reply was not valid after a repair attempt: the reply was empty";
    assert.equal(describeModelError(new ModelOutputError(message)), message);
  });

  it('says an unreachable server is unreachable even without provider context', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.equal(describeModelError(new TypeError('fetch failed', { cause: refused })), 'Could not reach the model server: is it running?');
  });

  it('describes an HTTP error from another backend without provider context', () => {
    const error = APIError.generate(404, { message: 'no such model' }, undefined, new Headers());
    assert.match(describeModelError(error), /^Model not found at the model server \(404\)/);
  });

  it('scrubs keys shaped like OpenAI keys, bearer tokens and registered keys', () => {
    rememberSecretForRedaction('my-local-gateway-token-42');
    const line = describeModelError(new Error('bad key sk-proj-abcdef1234567890, header Bearer abcdefghijklmnop, my-local-gateway-token-42, api-key=zzzzzzzzzz'));
    assert.ok(!/abcdef1234567890|abcdefghijklmnop|my-local-gateway-token-42|zzzzzzzzzz/.test(line), line);
  });

  it('leaves ordinary words alone', () => {
    assert.equal(redactSecrets('desk-top task-list sk-'), 'desk-top task-list sk-');
  });

  it('keeps it to one line', () => {
    assert.equal(describeModelError(new Error('first\n  second\nthird')), 'first second third');
  });
});
