import * as assert from 'node:assert/strict';
import { applyAcceptedHunks, computeHunks, mapProposedLine } from '../../src/core/review/reviewHunks';

function lines(count: number, prefix = 'line'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);
}

/** A small deterministic PRNG so the generated cases are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function mutate(original: string[], random: () => number): string[] {
  const out: string[] = [];
  for (const line of original) {
    const roll = random();
    if (roll < 0.06) continue; // delete
    if (roll < 0.12) {
      out.push(`${line} (edited)`);
      continue;
    }
    out.push(line);
    if (roll > 0.95) out.push(`inserted after ${line}`);
  }
  return out;
}

const allIds = (original: string, proposed: string) => new Set(computeHunks(original, proposed).map((hunk) => hunk.id));

describe('review hunks', () => {
  it('finds no hunks when nothing changed', () => {
    const text = lines(5).join('\n') + '\n';
    assert.deepEqual(computeHunks(text, text), []);
  });

  it('splits distant changes into separate hunks with three lines of context', () => {
    const original = lines(30);
    const proposed = [...original];
    proposed[2] = 'changed 3';
    proposed[25] = 'changed 26';
    const hunks = computeHunks(original.join('\n') + '\n', proposed.join('\n') + '\n');
    assert.equal(hunks.length, 2);
    assert.deepEqual(hunks.map((h) => h.id), [0, 1]);
    assert.deepEqual(hunks[0]?.lines, [' line 1', ' line 2', '-line 3', '+changed 3', ' line 4', ' line 5', ' line 6']);
    assert.equal(hunks[1]?.oldStart, 23);
    assert.equal(hunks[1]?.newStart, 23);
  });

  it('takes only the accepted hunk from the proposal', () => {
    const original = lines(30).join('\n') + '\n';
    const proposedLines = lines(30);
    proposedLines[2] = 'changed 3';
    proposedLines[25] = 'changed 26';
    const proposed = proposedLines.join('\n') + '\n';

    const onlySecond = applyAcceptedHunks(original, proposed, new Set([1]));
    const expected = lines(30);
    expected[25] = 'changed 26';
    assert.equal(onlySecond, expected.join('\n') + '\n');
  });

  it('accepting all hunks gives the proposal exactly and none gives the original exactly', () => {
    const original = 'a\nb\nc\n';
    const proposed = 'a\nB\nc\nd';
    assert.equal(applyAcceptedHunks(original, proposed, allIds(original, proposed)), proposed);
    assert.equal(applyAcceptedHunks(original, proposed, new Set()), original);
  });

  it('keeps CRLF line endings of a CRLF file, and hides the CR from display lines', () => {
    const original = 'one\r\ntwo\r\nthree\r\n';
    const proposed = 'one\r\n2\r\nthree\r\nfour\r\n';
    const hunks = computeHunks(original, proposed);
    assert.ok(hunks.every((hunk) => hunk.lines.every((line) => !line.includes('\r'))));
    assert.equal(applyAcceptedHunks(original, proposed, allIds(original, proposed)), proposed);
    assert.equal(applyAcceptedHunks(original, proposed, new Set()), original);
  });

  it('handles creating from and emptying to an empty file', () => {
    assert.equal(applyAcceptedHunks('', 'new\nfile\n', new Set([0])), 'new\nfile\n');
    assert.equal(applyAcceptedHunks('', 'new\nfile\n', new Set()), '');
    assert.equal(applyAcceptedHunks('old\n', '', new Set([0])), '');
  });

  it('marks a missing final newline in the display lines', () => {
    const hunks = computeHunks('a\nb\n', 'a\nb');
    assert.ok(hunks[0]?.lines.some((line) => line.startsWith('\\')));
  });

  it('holds its invariants over generated edits, including partial acceptance', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seeded(seed);
      const eol = seed % 3 === 0 ? '\r\n' : '\n';
      const base = lines(20 + Math.floor(random() * 80), `s${seed}`);
      const changed = mutate(base, random);
      const finalNewline = seed % 5 !== 0;
      const original = base.join(eol) + eol;
      const proposed = changed.join(eol) + (finalNewline ? eol : '');
      const hunks = computeHunks(original, proposed);
      const ids = hunks.map((hunk) => hunk.id);

      assert.equal(applyAcceptedHunks(original, proposed, new Set(ids)), proposed, `seed ${seed}: all`);
      assert.equal(applyAcceptedHunks(original, proposed, new Set()), original, `seed ${seed}: none`);

      // Accepting a subset changes the line count by exactly the accepted hunks' deltas, and never
      // introduces a line ending the file did not have.
      const subset = new Set(ids.filter(() => random() < 0.5));
      const partial = applyAcceptedHunks(original, proposed, subset);
      const delta = hunks.filter((h) => subset.has(h.id)).reduce((sum, h) => sum + h.newLines - h.oldLines, 0);
      const countLines = (text: string) => (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).length;
      assert.equal(countLines(partial), countLines(original) + delta, `seed ${seed}: partial line count`);
      if (eol === '\r\n') assert.ok(!/[^\r]\n/.test(partial), `seed ${seed}: a bare LF appeared in a CRLF file`);

      // Whatever was not accepted is still a diff between the partial result and the proposal.
      const rest = computeHunks(partial, proposed);
      assert.equal(applyAcceptedHunks(partial, proposed, new Set(rest.map((h) => h.id))), proposed, `seed ${seed}: rest`);
      if (subset.size < ids.length) assert.ok(rest.length > 0, `seed ${seed}: rejected hunks vanished`);
    }
  });

  describe('mapping a proposal line to the applied file', () => {
    const original = lines(30).join('\n') + '\n';
    const proposedLines = lines(30);
    proposedLines.splice(2, 1, 'new 3a', 'new 3b', 'new 3c'); // +2 lines near the top
    proposedLines[27] = 'changed 26';
    const proposed = proposedLines.join('\n') + '\n';
    const hunks = computeHunks(original, proposed);
    const applied = (accepted: Set<number>) => applyAcceptedHunks(original, proposed, accepted).split('\n');

    it('keeps the line when every hunk before it was accepted', () => {
      const all = new Set(hunks.map((h) => h.id));
      assert.equal(mapProposedLine(hunks, all, 28), 28);
      assert.equal(applied(all)[28 - 1], 'changed 26');
    });

    it('shifts the line by the size change of rejected hunks before it', () => {
      const onlyLast = new Set([1]);
      const line = mapProposedLine(hunks, onlyLast, 28);
      assert.equal(applied(onlyLast)[line - 1], 'changed 26');
    });

    it('maps a line inside a rejected hunk to where that hunk starts, and leaves 0 alone', () => {
      assert.equal(mapProposedLine(hunks, new Set(), 4), hunks[0]?.newStart);
      assert.equal(mapProposedLine(hunks, new Set(), 0), 0);
    });
  });
});
