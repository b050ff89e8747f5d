// The extension asks VS Code's providers first (any language with a server, the editor's own view of
// the files) and the core's TypeScript service when they give nothing: an empty answer from a provider
// means "unknown", not "none", and a server may still be loading.
import type { FileEdits, LanguageAnswer, LanguageTools, SymbolReferences } from './languageTools';

export function withFallback(primary: LanguageTools, fallback: LanguageTools | undefined): LanguageTools {
  if (!fallback) return primary;
  return {
    label: primary.label,
    async references(names, signal): Promise<SymbolReferences[]> {
      const first = await primary.references(names, signal).catch(() => []);
      const known = new Set(first.filter((s) => s.files.length > 0).map((s) => s.name));
      const missing = names.filter((name) => !known.has(name));
      if (missing.length === 0) return first;
      const more = await fallback.references(missing, signal).catch(() => []);
      return [...first.filter((s) => known.has(s.name)), ...more];
    },
    renameSymbol: (from, to, signal) => either((tools) => tools.renameSymbol(from, to, signal)),
    renameFile: (from, to, signal, tree) => either((tools) => tools.renameFile(from, to, signal, tree)),
  };

  async function either(ask: (tools: LanguageTools) => Promise<LanguageAnswer<FileEdits[]>>): Promise<LanguageAnswer<FileEdits[]>> {
    const first = await ask(primary).catch((error: unknown): LanguageAnswer<FileEdits[]> => ({ ok: false, reason: error instanceof Error ? error.message : String(error) }));
    if (first.ok || !fallback) return first;
    const second = await ask(fallback);
    return second.ok ? second : { ok: false, reason: `${primary.label}: ${first.reason}; ${fallback.label}: ${second.reason}` };
  }
}
