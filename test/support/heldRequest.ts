// Holds one request at the fake OpenAI server until the test lets it go, so a test can act (cancel,
// interrupt, edit a file) at a known stage of a run without timing: the stage is "this request has
// arrived and has not been answered".
import type { FakeReply, RecordedRequest, ReplyScript } from './fakeOpenAIServer';

export interface HeldRequest {
  /** The script to give the server: `script`, except that the first request `held` picks waits. */
  script: ReplyScript;
  /** Resolves when the held request has arrived. */
  reached: Promise<RecordedRequest>;
  /** Lets the held request be answered (with an empty reply: by then its caller has usually gone). */
  release(): void;
}

export function holdFirst(script: ReplyScript, held: (request: RecordedRequest) => boolean): HeldRequest {
  let arrived: (request: RecordedRequest) => void = () => undefined;
  let release: () => void = () => undefined;
  const reached = new Promise<RecordedRequest>((resolve) => (arrived = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding = false;
  return {
    reached,
    release: () => release(),
    script: async (request): Promise<FakeReply> => {
      if (holding || !held(request)) return script(request);
      holding = true;
      arrived(request);
      await released;
      return { content: '{}' };
    },
  };
}
