// Which workspace paths a model may name. Every path that comes from a model (a plan, a finding) or
// is about to be read for a prompt or written goes through here. Two layers: a text check that needs
// no disk (`checkRelativePath`), and a real-path check at the moment of use (`resolveInsideWorkspace`)
// that applies the same rules again to where the path really leads, so a symlink can neither lead a
// read or write out of the workspace nor into `.git/`, `.vscode/` or a secret under a harmless name.
// Callers use the path these return, never the string they passed in: a path must not be "healed"
// after it was checked.
import * as fs from 'node:fs/promises';
import { realpath } from 'node:fs';
import { promisify } from 'node:util';
import * as path from 'node:path';
import { DISPLAY_CONTROL, quoteForDisplay } from './displayText';

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

export class PathRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathRejectedError';
  }
}

// Template files document which variables exist without holding their values; refusing them would
// only hide useful context from the planner.
const ENV_TEMPLATE = /^\.env\.(example|sample|template|dist|defaults)$/i;
const SECRET_NAMES = [
  /^\.env(rc)?$/i,
  /^\.env\..+$/i,
  /^id_(rsa|dsa|ecdsa|ed25519)(\..*)?$/i,
  /^\.(npmrc|pypirc|netrc|git-credentials|pgpass|htpasswd)$/i,
  /\.tfstate(\.backup)?$/i,
  /^credentials(\.json)?$/i,
  /^secrets?\.(json|ya?ml|toml)$/i,
];
const SECRET_EXTENSIONS = /\.(pem|key|p12|pfx|jks|keystore|kdbx|asc|gpg|ppk)$/i;
// A copy of a secret is as secret as the original: editors, tools and people leave these behind.
const BACKUP_SUFFIX = /(\.(bak|backup|old|orig|save|sav|swp|swo|tmp|copy|\d+)|~)+$/i;
// Tool folders that hold credentials under names of their own choosing (any private key in ~/.ssh,
// any profile in ~/.aws); a home folder opened as a workspace would otherwise expose them.
const SECRET_FOLDERS = new Set(['.ssh', '.gnupg', '.aws']);
// Files that are credentials only in their tool's folder (`config.json` elsewhere is just config).
const SECRET_FILES_IN_FOLDER: readonly [string, RegExp][] = [
  ['.docker', /^config\.json$/i],
  ['.kube', /^config$/i],
];

function isSecretName(base: string): boolean {
  if (ENV_TEMPLATE.test(base)) return false;
  return SECRET_EXTENSIONS.test(base) || SECRET_NAMES.some((pattern) => pattern.test(base)) || /^kubeconfig$/i.test(base);
}

/** Files whose contents are credentials: never listed, read for a prompt, or written. */
export function isSecretPath(relativePath: string): boolean {
  const segments = relativePath.replace(/\\/g, '/').split('/');
  const base = segments[segments.length - 1] ?? '';
  if (segments.some((segment) => SECRET_FOLDERS.has(segment.toLowerCase()))) return true;
  const folder = (segments[segments.length - 2] ?? '').toLowerCase();
  const unbacked = base.replace(BACKUP_SUFFIX, '');
  return [base, unbacked].some((name) => isSecretName(name) || SECRET_FILES_IN_FOLDER.some(([owner, file]) => owner === folder && file.test(name)));
}

/**
 * One round of percent-decoding that never gives up on the whole string: each run of escapes is
 * decoded on its own, so a malformed escape elsewhere (`%2e%2e/x%zz`, on which decodeURIComponent
 * throws) cannot hide a decoded `..`. A run that is not valid UTF-8 still yields its ASCII bytes,
 * which are the ones that matter here (`.`, `/`, `\`, controls).
 */
function decodeEscapesOnce(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%([0-7][0-9a-fA-F])/g, (_escape, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    }
  });
}

/** Decodes percent-escapes until stable, so `%252e%252e` cannot smuggle `..` past the check. */
function fullyDecoded(candidate: string): string {
  let current = candidate;
  for (let i = 0; i < 5 && current.includes('%'); i++) {
    const next = decodeEscapesOnce(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

/** A segment up to any `:stream` suffix (an NTFS alternate data stream of the named file). */
function streamOwner(segment: string): string {
  const colon = segment.indexOf(':');
  return colon === -1 ? segment : segment.slice(0, colon);
}

/**
 * A segment as Windows would open it: trailing dots and spaces are dropped and `name:stream` names
 * a stream of `name`, so `.git./config` or `.git::$INDEX_ALLOCATION/config` reach `.git`. Compared
 * case-insensitively, as on Windows and macOS.
 */
function canonicalSegment(segment: string): string {
  const owner = streamOwner(segment);
  const last = owner.charCodeAt(owner.length - 1);
  return (last === 0x2e || last === 0x20 ? owner.replace(/[. ]+$/, '') : owner).toLowerCase();
}

/** `..`, and what Windows reads as `..`: `.. `, `...`, `..:stream`. A lone `.` is harmless. */
function isParentSegment(segment: string): boolean {
  const first = segment.charCodeAt(0);
  if (first !== 0x2e && first !== 0x20) return false;
  const owner = streamOwner(segment);
  return owner !== '.' && /^[. ]+$/.test(owner);
}

/**
 * A Windows short (8.3) name such as `GIT~1` or `VSCODE~1`: Windows opens it as the long name it
 * stands for (`.git`, `.vscode`, `.env.local`…), which no text rule can see. No project needs to name
 * its own files this way, so every such segment is refused rather than guessed at.
 */
function isShortName(segment: string): boolean {
  return /^[^~]{1,6}~[0-9]{1,6}(\.[^.]{0,3})?$/.test(streamOwner(segment).replace(/[. ]+$/, ''));
}

/** Reasons a normalized path is off limits even though it stays inside the workspace. */
function protectedAreaReason(normalized: string): string | undefined {
  if (normalized.split('/').some(isShortName)) return 'uses a Windows short name (like GIT~1), which can stand for .git, .vscode or a secret';
  const segments = normalized.split('/').map(canonicalSegment);
  if (segments.includes('.git')) return 'is inside .git/';
  if (segments.includes('.vscode')) return 'is inside .vscode/ (editor settings and tasks can run code)';
  const last = segments[segments.length - 1] ?? '';
  if (last.endsWith('.code-workspace')) return 'is a .code-workspace file (it can run code)';
  const canonical = segments.join('/');
  if (isSecretPath(normalized) || (canonical !== normalized && isSecretPath(canonical))) return 'looks like a secret file; it is never read or written';
  return undefined;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
// A name with display controls (see displayText.ts) is refused rather than rendered: no real project
// needs them in a path, and a name the user cannot read is not one they can review.

/** A path quoted for a message, so a refusal never reorders or hides the text around it when printed. */
export const quotePath = quoteForDisplay;

/**
 * Text-level check of a workspace-relative path named by a model or a user. Returns the normalized
 * POSIX form (`./a//b` → `a/b`) or the reason it is refused.
 */
export function checkRelativePath(candidate: string): PathCheck {
  const verdict = judgeText(candidate);
  return 'why' in verdict ? { ok: false, reason: verdict.why === 'empty path' ? verdict.why : `${quotePath(candidate)} ${verdict.why}` } : { ok: true, path: verdict.path };
}

/** The text rules, answering with the normalized path or why it is refused (without the path itself). */
function judgeText(candidate: string): { path: string } | { why: string } {
  const refuse = (why: string) => ({ why });
  if (candidate.trim() === '') return refuse('empty path');
  const decoded = fullyDecoded(candidate);
  for (const form of decoded === candidate ? [candidate] : [candidate, decoded]) {
    if (CONTROL_CHARACTER.test(form)) return refuse('contains control characters');
    if (DISPLAY_CONTROL.test(form)) return refuse('contains characters that change how it is displayed (bidirectional or C1 controls)');
  }
  // Judge the strictest reading: the raw text and its decoded form must both be harmless, because
  // some consumer (a URI, a shell, a model's next message) may decode it later. The raw form is the
  // one returned: it names the file as it is on disk.
  let normalized = '';
  for (const form of decoded === candidate ? [candidate] : [candidate, decoded]) {
    const slashed = form.includes('\\') ? form.replace(/\\/g, '/') : form;
    if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed)) return refuse('is absolute; paths must be relative to the workspace');
    if (slashed.startsWith('~')) return refuse('points into a home folder');
    if (slashed.split('/').some(isParentSegment)) return refuse('leaves the workspace (..)');
    const formNormalized = path.posix.normalize(slashed);
    const why = protectedAreaReason(formNormalized);
    if (why) return refuse(why);
    if (form === candidate) normalized = formNormalized.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  }
  if (normalized === '' || normalized === '.') return refuse('names the workspace itself, not a file');
  return { path: normalized };
}

// The native realpath(3) through the callback API: one call, the cheapest way to resolve a path.
const nativeRealpath = promisify(realpath.native);

async function realpathOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await nativeRealpath(p);
  } catch {
    return undefined;
  }
}

// The real path of each workspace root, resolved once: a summary resolves thousands of paths and each
// realpath walks every component. Safe to keep, because every target is still resolved afresh and
// must land inside this real root; if the root were moved, targets would be refused, never let out.
const realRoots = new Map<string, string>();

async function realRootOf(root: string): Promise<string | undefined> {
  const known = realRoots.get(root);
  if (known !== undefined) return known;
  const real = await realpathOrUndefined(root);
  if (real !== undefined) {
    if (realRoots.size > 64) realRoots.clear();
    realRoots.set(root, real);
  }
  return real;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  // `..foo` is a legitimate name inside the root; only a whole `..` segment leaves it.
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/**
 * Where `target` really leads: the real path of its nearest existing ancestor (the target itself when
 * it exists) plus the part that does not exist yet. Throws on a dangling link on the way, which has no
 * real path but would still be followed by a write.
 */
async function realDestination(target: string, relativePath: string): Promise<string> {
  const missing: string[] = [];
  let probe = target;
  for (;;) {
    const real = await realpathOrUndefined(probe);
    if (real !== undefined) return path.join(real, ...missing);
    const link = await fs.lstat(probe).catch(() => undefined);
    if (link?.isSymbolicLink()) {
      throw new PathRejectedError(`Refused path: ${quotePath(relativePath)} goes through a dangling symbolic link`);
    }
    const parent = path.dirname(probe);
    if (parent === probe) return target;
    missing.unshift(path.basename(probe));
    probe = parent;
  }
}

/**
 * Why the path a link leads to is refused, by the same text rules as the path as written, or
 * undefined when it may be used. `realRelative` is relative to the real workspace root.
 */
function realPathRefusal(asWritten: string, realRelative: string): string | undefined {
  if (realRelative === asWritten) return undefined; // no link on the way: the text check already ran
  const verdict = realRelative === '' ? { why: 'is the workspace folder itself' } : judgeText(realRelative);
  if (!('why' in verdict)) return undefined;
  return `resolves through a link to ${quotePath(realRelative)}, which ${verdict.why}`;
}

/**
 * Resolves a workspace-relative path to the absolute path to read or write. The one owner of the
 * real-path rule: after the text check, the path's real destination (for a create, its nearest
 * existing ancestor's real path plus the rest) must lie inside the workspace's real root, and every
 * text rule (`.git/`, `.vscode/`, `*.code-workspace`, secrets, short names…) applies again to that
 * destination relative to the real root, so `src/hooks -> ../.git/hooks` cannot turn
 * `src/hooks/pre-commit` into a git hook. Throws PathRejectedError otherwise.
 */
export async function resolveInsideWorkspace(root: string, relativePath: string): Promise<string> {
  const checked = checkRelativePath(relativePath);
  if (!checked.ok) throw new PathRejectedError(`Refused path: ${checked.reason}`);
  const realRoot = await realRootOf(root);
  if (realRoot === undefined) throw new PathRejectedError(`The workspace folder ${root} does not exist`);
  const target = path.join(realRoot, ...checked.path.split('/'));
  const destination = await realDestination(target, relativePath);
  if (!isInside(realRoot, destination)) {
    throw new PathRejectedError(`Refused path: ${quotePath(relativePath)} leads out of the workspace through a symbolic link`);
  }
  const why = realPathRefusal(checked.path, path.relative(realRoot, destination).split(path.sep).join('/'));
  if (why) throw new PathRejectedError(`Refused path: ${quotePath(relativePath)} ${why}`);
  return target;
}

/**
 * Why a listed entry that is a symbolic link must not be offered to the planner, or undefined when it
 * stays inside the workspace and leads nowhere protected. For the listing's skipped-files note.
 */
export async function linkRefusal(root: string, relativePath: string): Promise<string | undefined> {
  try {
    await resolveInsideWorkspace(root, relativePath);
    return undefined;
  } catch (error) {
    if (!(error instanceof PathRejectedError)) throw error;
    return error.message.replace(/^Refused path: /, '').replace(`${quotePath(relativePath)} `, '');
  }
}
