// The planner's reply, read while it streams, so workers can start before its last byte: a small
// incremental scanner over the first top-level JSON object reports each top-level value ("summary",
// "symbolRenames") and each item of "changes" as soon as its closing character arrives. It only finds
// the boundaries (strings, escapes, nesting) and hands each complete piece to JSON.parse; the whole
// reply is still parsed and validated as before when it ends, and that verdict is the one that counts.
// Prose or a ```json fence before the object (prompted JSON) is skipped; anything after it is ignored.
import { checkRelativePath } from '../workspace/paths';
import { sizeProblems } from './planValidation';
import { PlannedChangeSchema, SymbolRenameSchema, FileMoveSchema, type Plan, type PlannedChange } from '../schemas';

export interface PlanScannerEvents {
  onTopLevel(key: string, value: unknown): void;
  onChange(value: unknown): void;
}

export class PlanStreamScanner {
  private text = '';
  private position = 0;
  private readonly stack: string[] = [];
  private inString = false;
  private escaped = false;
  private stringStart = -1;
  private done = false;
  /** Top level: waiting for a key, the key just read, and where its value starts. */
  private expectKey = false;
  private key: string | undefined;
  private valueStart = -1;
  private itemStart = -1;

  constructor(private readonly events: PlanScannerEvents) {}

  push(chunk: string): void {
    if (this.done) return;
    this.text += chunk;
    for (; this.position < this.text.length && !this.done; this.position++) this.step(this.position);
  }

  private step(i: number): void {
    const c = this.text[i];
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (c === '\\') this.escaped = true;
      else if (c === '"') {
        this.inString = false;
        if (this.stack.length === 1 && this.expectKey) {
          this.key = parseOr<string>(this.text.slice(this.stringStart, i + 1), '');
          this.expectKey = false;
        }
      }
      return;
    }
    if (this.stack.length === 0) {
      // Before the object: prose, a fence, whitespace.
      if (c === '{') {
        this.stack.push('{');
        this.expectKey = true;
      }
      return;
    }
    const depth = this.stack.length;
    if (depth === 1 && this.key !== undefined && this.valueStart < 0 && c !== ':' && c !== undefined && !/\s/.test(c)) this.valueStart = i;
    switch (c) {
      case '"':
        this.inString = true;
        this.stringStart = i;
        return;
      case '{':
      case '[':
        this.stack.push(c);
        if (depth === 2 && this.key === 'changes' && c === '{' && this.stack[1] === '[') this.itemStart = i;
        return;
      case '}':
      case ']':
        this.stack.pop();
        if (depth === 3 && this.itemStart >= 0) {
          this.events.onChange(parseOr<unknown>(this.text.slice(this.itemStart, i + 1), undefined));
          this.itemStart = -1;
        }
        if (depth === 1) {
          this.finishValue(i);
          this.done = true;
        }
        return;
      case ',':
        if (depth === 1) {
          this.finishValue(i);
          this.expectKey = true;
        }
        return;
      default:
        return;
    }
  }

  private finishValue(end: number): void {
    if (this.key !== undefined && this.valueStart >= 0) {
      this.events.onTopLevel(this.key, parseOr<unknown>(this.text.slice(this.valueStart, end).trim(), undefined));
    }
    this.key = undefined;
    this.valueStart = -1;
  }
}

function parseOr<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/**
 * Which streamed changes may start now. A change is handed on once it is complete and passes the
 * checks that need no other change (schema, path confinement, duplicates, the file cap), once the
 * summary and renames are known (every worker prompt carries them), and once every change it depends
 * on has been handed on (a change naming a later id waits for the plan's end). Changes that fail a
 * check are simply not started: the whole plan's validation at the end reports them.
 */
export class PlanStreamGate {
  private summary: string | undefined;
  private renames: Plan['symbolRenames'] | undefined;
  private readonly held: PlannedChange[] = [];
  private readonly ids = new Set<string>();
  private readonly paths = new Set<string>();
  private seen = 0;
  /** Files and folders the plan moves: a change to one waits for the whole plan, which joins it to its move. */
  private readonly moved = new Set<string>();
  /** The plan as far as it has been handed on; workers read it for their prompts. */
  readonly partial: Plan = { summary: '', changes: [], symbolRenames: [], fileMoves: [] };

  constructor(
    private readonly maxFiles: number,
    private readonly dispatch: (change: PlannedChange) => void,
  ) {}

  onTopLevel(key: string, value: unknown): void {
    if (key === 'summary' && typeof value === 'string') {
      this.summary = value;
      this.partial.summary = value;
    } else if (key === 'symbolRenames' && Array.isArray(value)) {
      const renames = value.map((item) => SymbolRenameSchema.safeParse(item)).filter((r) => r.success).map((r) => r.data);
      if (renames.length === value.length) {
        this.renames = renames;
        this.partial.symbolRenames = renames;
      }
    } else if (key === 'fileMoves' && Array.isArray(value)) {
      const moves = value.map((item) => FileMoveSchema.safeParse(item)).filter((r) => r.success).map((r) => r.data);
      for (const move of moves) {
        const from = checkRelativePath(move.from);
        if (from.ok) this.moved.add(from.path);
      }
      this.partial.fileMoves = moves;
    }
    this.release();
  }

  onChange(value: unknown): void {
    this.seen++;
    const parsed = PlannedChangeSchema.safeParse(value);
    if (!parsed.success || this.seen > this.maxFiles) return;
    const checked = checkRelativePath(parsed.data.path);
    if (!checked.ok) return;
    const change: PlannedChange = { ...parsed.data, path: checked.path, dependsOn: [...new Set(parsed.data.dependsOn)] };
    if (this.ids.has(change.id) || this.paths.has(change.path) || change.dependsOn.includes(change.id) || this.isMoved(change.path)) return;
    this.ids.add(change.id);
    this.paths.add(change.path);
    this.held.push(change);
    this.release();
  }

  /** The file moves itself or with its folder. */
  private isMoved(path: string): boolean {
    for (let at = path.length; at > 0; at = path.lastIndexOf('/', at - 1)) if (this.moved.has(path.slice(0, at))) return true;
    return false;
  }

  private release(): void {
    if (this.summary === undefined || this.renames === undefined) return;
    // An oversized summary or rename list fails the whole plan anyway: start nothing on it.
    if (sizeProblems({ summary: this.summary, symbolRenames: this.renames, fileMoves: [], changes: [] }).length > 0) return;
    for (let progress = true; progress; ) {
      progress = false;
      for (const change of [...this.held]) {
        const handedOn = new Set(this.partial.changes.map((c) => c.id));
        if (!change.dependsOn.every((id) => handedOn.has(id))) continue;
        this.held.splice(this.held.indexOf(change), 1);
        this.partial.changes.push(change);
        this.dispatch(change);
        progress = true;
      }
    }
  }
}
